package dsnc

import (
	"fmt"
	"os"

	"github.com/labelcode/labelcode/internal/dsnccore"
)

// scratch is one goroutine's decoder buffers (the core's).
type scratch = dsnccore.Scratch

// newLabeler returns the core's decoder dec for m.
func newLabeler(m *Model, dec Decoding) (dsnccore.Labeler, error) {
	return dsnccore.NewLabeler(m.core(), dec.core())
}

// newLinearLabeler returns the core's float32 linear decoder for m.
func newLinearLabeler(m *Model) *dsnccore.LinearLabeler { return dsnccore.NewLinearLabeler(m.core()) }

func readFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dsnc: %w", err)
	}
	return b, nil
}
