package nn

import (
	"runtime"
	"sync"
)

// ParallelMin is the amount of elementwise work (in elements) below which
// an op runs on its caller's goroutine: starting goroutines costs about a
// microsecond, the time of a few thousand element updates.
const ParallelMin = 1 << 15

// ParallelFor calls f on contiguous ranges [lo, hi) that cover [0, n) once,
// on up to GOMAXPROCS goroutines, each range holding at least grain items
// (one range when n < 2·grain). It returns when every call has returned.
//
// Results never depend on how [0, n) is split as long as f writes each
// item's result from that item alone (elementwise updates, one row or one
// column per item): the ops of this package use it that way, so they are
// bit-for-bit reproducible whatever GOMAXPROCS is.
func ParallelFor(n, grain int, f func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if grain < 1 {
		grain = 1
	}
	workers = min(workers, n/grain)
	if workers <= 1 {
		if n > 0 {
			f(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	per, extra := n/workers, n%workers
	lo := 0
	for w := 0; w < workers; w++ {
		hi := lo + per
		if w < extra {
			hi++
		}
		if w == workers-1 {
			f(lo, hi) // the caller's goroutine takes the last range
			break
		}
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			f(lo, hi)
		}(lo, hi)
		lo = hi
	}
	wg.Wait()
}

// RowGrain returns how many rows of width cols make parallelMin elements.
func RowGrain(cols int) int { return max(1, ParallelMin/max(cols, 1)) }
