// Package concurrent runs a check on several goroutines at once, for the
// tests that hold a model or an index safe for concurrent use (run them
// with -race).
package concurrent

import (
	"sync"
	"testing"
)

// Check runs f(g) for g in [0, n) on n goroutines at once, waits for them
// all and reports each error f returned with t.Error, naming its
// goroutine.
func Check(t testing.TB, n int, f func(g int) error) {
	t.Helper()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for g := range n {
		wg.Go(func() { errs[g] = f(g) })
	}
	wg.Wait()
	for g, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", g, err)
		}
	}
}
