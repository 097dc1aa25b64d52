//go:build !openblas

package main

func blasThreads() string { return "pure Go; matrix products on up to GOMAXPROCS goroutines" }
