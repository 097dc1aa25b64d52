package concurrent

import (
	"errors"
	"sync/atomic"
	"testing"
)

// recorder is a testing.TB that records the errors reported to it.
type recorder struct {
	testing.TB
	errors int
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.errors++ }

func TestCheck(t *testing.T) {
	var ran atomic.Int32
	r := &recorder{TB: t}
	Check(r, 8, func(g int) error {
		ran.Add(1)
		if g%3 == 0 {
			return errors.New("bad")
		}
		return nil
	})
	if ran.Load() != 8 || r.errors != 3 {
		t.Fatalf("%d goroutines ran, %d errors reported; want 8 and 3", ran.Load(), r.errors)
	}
}
