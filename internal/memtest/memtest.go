// Package memtest measures what a piece of code allocates, for the tests
// that check a refused size allocates nothing large: a crafted header or a
// huge class count must fail before the memory it names is asked for, so
// such a test runs the call under Allocated and compares with MaxRefused.
package memtest

import "runtime"

// MaxRefused is how much a call refused for a size may allocate in total:
// 64 MiB, far below every size the limits refuse (GiB to TiB), and above
// what parsing a small file and formatting its error take.
const MaxRefused = 64 << 20

// Allocated returns the bytes f allocates on the heap in total (the
// runtime's TotalAlloc before and after, after a GC so that earlier
// garbage is not counted). Other goroutines' allocations count too, so
// call it where nothing else runs.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
