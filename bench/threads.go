package main

import (
	"fmt"

	"github.com/labelcode/labelcode/internal/nn/openblas"
)

func blasThreads() string {
	if !openblas.Enabled {
		return "pure Go; matrix products on up to GOMAXPROCS goroutines"
	}
	return fmt.Sprintf("%d OpenBLAS threads", openblas.Threads())
}
