//go:build openblas

package main

// int openblas_get_num_threads(void);
import "C"

import "fmt"

func blasThreads() string {
	return fmt.Sprintf("%d OpenBLAS threads", int(C.openblas_get_num_threads()))
}
