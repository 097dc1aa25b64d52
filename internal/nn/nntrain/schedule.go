package nntrain

import (
	"fmt"
	"github.com/labelcode/labelcode/internal/nn"
	"math"
)

// CheckRate returns ErrSpec (wrapped) unless lr is positive and finite: the
// check NewAdam makes, and Train on every learning rate a schedule gives.
func CheckRate(lr float64) error {
	if !(lr > 0) || math.IsInf(lr, 0) {
		return fmt.Errorf("%w: learning rate %v", nn.ErrSpec, lr)
	}
	return nil
}
