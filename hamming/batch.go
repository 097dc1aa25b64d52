package hamming

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// SearchBatch searches idx for the k nearest codes of every query in
// queries, which holds the queries packed Words(idx.Bits()) words each,
// using up to workers goroutines (runtime.GOMAXPROCS(0) if workers <= 0).
// With K = min(k, idx.Len()), it returns dst resized to K·q entries for q
// queries, the neighbours of query i in dst[i·K:(i+1)·K], as Search orders
// them. An Index that returns fewer than K neighbours leaves the rest as
// {ID: -1, Distance: -1}; those of this package never do. Each worker
// allocates one buffer of 2K neighbours, and dst is reallocated if it is
// too short. It panics, with an error wrapping ErrCodeLength or
// ErrUnusedBits, if len(queries) is not a multiple of Words(idx.Bits())
// (for idx.Bits() == 0, use Search) or a query fails Check. idx must not
// be added to meanwhile.
func SearchBatch(idx Index, queries []uint64, k, workers int, dst []Neighbor) []Neighbor {
	w := Words(idx.Bits())
	if w == 0 {
		panic(fmt.Errorf("hamming: SearchBatch: %w: queries of 0 bits", ErrCodeLength))
	}
	q, err := checkPacked(idx.Bits(), queries)
	if err != nil {
		panic(fmt.Errorf("hamming: SearchBatch: %w", err))
	}
	kk := max(min(k, idx.Len()), 0)
	dst = dst[:0]
	if kk == 0 || q == 0 {
		return dst
	}
	dst = append(dst, make([]Neighbor, q*kk)...)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	const chunk = 16 // queries claimed at a time
	workers = min(workers, (q+chunk-1)/chunk)
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		panicked any // the first panic of a worker, raised again below
	)
	run := func() {
		defer wg.Done()
		defer func() {
			if p := recover(); p != nil {
				mu.Lock()
				if panicked == nil {
					panicked = p
				}
				mu.Unlock()
			}
		}()
		buf := make([]Neighbor, 0, 2*kk)
		for {
			lo := int(next.Add(chunk)) - chunk
			if lo >= q {
				return
			}
			for i := lo; i < min(lo+chunk, q); i++ {
				buf = idx.Search(queries[i*w:(i+1)*w], kk, buf)
				out := dst[i*kk : (i+1)*kk]
				n := copy(out, buf)
				for j := n; j < kk; j++ {
					out[j] = Neighbor{ID: -1, Distance: -1}
				}
			}
		}
	}
	wg.Add(workers)
	for range workers - 1 {
		go run()
	}
	run()
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
	return dst
}
