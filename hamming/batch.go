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
// {ID: -1, Distance: -1}; those of this package never do.
//
// For a Linear index the queries go in groups of 8 through the codes one
// cache-sized block at a time, so that each code is read from memory once
// per group rather than once per query: a scan bound by memory bandwidth
// becomes one bound by computation, and more workers do help. Each worker
// allocates buffers of 2K neighbours per query of a group, and dst is
// reallocated if it is too short.
//
// It panics, with an error wrapping ErrCodeLength or ErrUnusedBits, if
// len(queries) is not a multiple of Words(idx.Bits()) (for idx.Bits() ==
// 0, use Search) or a query fails Check. idx must not be added to
// meanwhile.
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
	lin, _ := idx.(*Linear)
	chunk := 16 // queries claimed at a time
	if lin != nil {
		chunk = batchGroup
	}
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
		var bufs [][]Neighbor
		if lin != nil {
			bufs = make([][]Neighbor, chunk)
			for i := range bufs {
				bufs[i] = make([]Neighbor, 0, 2*kk)
			}
		} else {
			bufs = [][]Neighbor{make([]Neighbor, 0, 2*kk)}
		}
		for {
			lo := int(next.Add(int64(chunk))) - chunk
			if lo >= q {
				return
			}
			hi := min(lo+chunk, q)
			if lin != nil {
				lin.searchGroup(queries[lo*w:hi*w], kk, bufs[:hi-lo], dst[lo*kk:hi*kk])
				continue
			}
			for i := lo; i < hi; i++ {
				bufs[0] = idx.Search(queries[i*w:(i+1)*w], kk, bufs[0])
				out := dst[i*kk : (i+1)*kk]
				n := copy(out, bufs[0])
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

const (
	// batchGroup is the number of queries that share a pass over the codes.
	batchGroup = 8
	// batchBlockWords is the size of a block of codes, in words: 32 KiB,
	// which stays in the L1 or L2 cache while the group scans it.
	batchBlockWords = 4096
)

// searchGroup writes the k nearest codes of each of the packed queries,
// k = min(k, Len()) > 0, to out, k per query, with bufs as the
// collectors' storage (one per query, 2k capacity avoids allocation).
func (l *Linear) searchGroup(queries []uint64, k int, bufs [][]Neighbor, out []Neighbor) {
	var cs [batchGroup]topK
	for g := range bufs {
		cs[g] = newTopK(bufs[g], k, l.nbits)
	}
	block := max(batchBlockWords/l.w, 1)
	for start := 0; start < l.n; start += block {
		cnt := min(block, l.n-start)
		codes := l.codes[start*l.w : (start+cnt)*l.w]
		for g := range bufs {
			scanTopK(codes, l.w, cnt, start, queries[g*l.w:(g+1)*l.w], &cs[g])
		}
	}
	for g := range bufs {
		bufs[g] = cs[g].result()
		copy(out[g*k:(g+1)*k], bufs[g])
	}
}
