package hamming

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// MaxTableBits is the longest code a Table enumerates: its table has
// 2^bits entries of 5 bytes (80 MiB at 24 bits).
const MaxTableBits = 24

// Table is an exact index for short codes that enumerates all of them: for
// each of the 2^bits possible codes it stores the ID of its nearest stored
// code and their distance, so a 1-nearest-neighbour search is one memory
// read. This is the constant-time decoder of DSNC ("all codes are
// enumerated and decoded"). The table is filled by a distance transform
// over the hypercube (the multi-source breadth-first search from the
// stored codes, done one bit at a time), in O(2^bits·bits) time whatever
// the number of stored codes, on all cores; ties are broken by the
// smallest ID, exactly as Linear does.
//
// Searches with k > 1 and radius searches go to a MultiIndex over the same
// codes, whose hash tables are built by the first such search. Codes are
// one word (bits <= MaxTableBits), given to Lookup as a uint64 and to the
// Index methods as a one-word slice.
//
// The table is built lazily, by the first search or lookup after codes
// were added, or by Build; adding codes after that makes the next search
// rebuild it, so add every code first.
type Table struct {
	nbits int
	mi    *MultiIndex

	mu    sync.Mutex
	built atomic.Pointer[tableData]
}

// tableData is the immutable table over codes 0..n-1.
type tableData struct {
	n    int
	near []uint32
	dist []uint8
}

// NewTable returns an empty lookup table for codes of the given number of
// bits. It returns an error wrapping ErrBits unless 0 <= bits <=
// MaxTableBits.
func NewTable(bits int) (*Table, error) {
	if bits < 0 || bits > MaxTableBits {
		return nil, fmt.Errorf("hamming: NewTable(%d): %w: want 0 to %d", bits, ErrBits, MaxTableBits)
	}
	mi, err := NewMultiIndex(bits, 0)
	if err != nil {
		return nil, err
	}
	return &Table{nbits: bits, mi: mi}, nil
}

// Bits returns the length of the codes in bits.
func (t *Table) Bits() int { return t.nbits }

// Len returns the number of stored codes.
func (t *Table) Len() int { return t.mi.n }

// Add stores a copy of code and returns its ID (0, 1, 2, ... in order of
// Add); the next search rebuilds the table. It panics, with an error
// wrapping ErrCodeLength or ErrUnusedBits, if Check(t.Bits(), code)
// fails, or ErrTooMany if the table already holds MaxLen codes. Add must
// not run concurrently with any other method.
func (t *Table) Add(code []uint64) int {
	mustCheck("Table.Add", t.nbits, code)
	return t.mi.Add(code)
}

// AddPacked stores codes packed one word each (no word for bits == 0: use
// Add) and returns the ID of the first. It checks every code first and
// stores none if one is bad: it returns an error wrapping ErrUnusedBits
// or ErrTooMany.
func (t *Table) AddPacked(codes []uint64) (first int, err error) {
	first, err = t.mi.AddPacked(codes)
	if err != nil {
		return first, fmt.Errorf("hamming: Table.AddPacked: %w", err)
	}
	return first, nil
}

// Code appends the code with the given ID to dst[:0] and returns it. It
// panics if id is out of range.
func (t *Table) Code(id int, dst []uint64) []uint64 { return t.mi.Code(id, dst) }

// Build fills the table with every code added so far: O(2^bits·bits) time
// and 5·2^bits bytes. Searches do this by themselves when needed; Build
// lets a caller pay the cost at a time of its choosing, cancel it through
// ctx, and follow it through progress (called after each of the bits
// passes with the number of passes done and bits; nil for none). It
// returns ctx.Err() if ctx is done first, leaving the table as it was.
// Build must not run concurrently with Add.
func (t *Table) Build(ctx context.Context, progress func(done, total int)) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if d := t.built.Load(); d != nil && d.n == t.mi.n {
		return nil
	}
	d, err := buildTable(ctx, t.nbits, t.mi.codes, t.mi.n, progress)
	if err != nil {
		return err
	}
	t.built.Store(d)
	return nil
}

func (t *Table) table() *tableData {
	if d := t.built.Load(); d != nil && d.n == t.mi.n {
		return d
	}
	if err := t.Build(context.Background(), nil); err != nil {
		panic(err) // only a cancelled context fails
	}
	return t.built.Load()
}

// buildTable fills the table for codes 0..n-1 by a distance transform
// over the hypercube, one pass per bit. With D_i(x) the smallest
// (distance, ID) pair over the stored codes that agree with x on bits
// above i, counting only the distance in bits 0..i,
//
//	D_i(x) = min(D_{i-1}(x), D_{i-1}(x XOR 1<<i) + (1, 0)),
//
// because the codes of the second set are one bit farther from x than
// from its neighbour, a shift that keeps their order. D_{-1} is (0, the
// smallest ID) at stored codes and infinite elsewhere, and D_{bits-1} is
// the answer: the nearest code with ties broken by the smallest ID, as
// Linear breaks them. Each pass reads and writes the table once, in
// streaming order, split among all cores: O(2^bits·bits) time.
func buildTable(ctx context.Context, nbits int, codes []uint64, n int, progress func(done, total int)) (*tableData, error) {
	size := 1 << nbits
	d := &tableData{n: n}
	if n == 0 {
		return d, nil
	}
	near := make([]uint32, size)
	dist := make([]uint8, size)
	// Infinity: far above any distance (at most MaxTableBits) and at most
	// 255 after adding 1 in each of the passes.
	const inf = 0x80
	for i := range dist {
		dist[i] = inf
	}
	// Descending IDs, so that the smallest ID of equal codes stays.
	for id := n - 1; id >= 0; id-- {
		var c uint64
		if nbits > 0 {
			c = codes[id]
		}
		near[c], dist[c] = uint32(id), 0
	}
	workers := 1
	if size >= 1<<16 {
		workers = runtime.GOMAXPROCS(0)
	}
	pairs := size / 2
	for bit := range nbits {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var wg sync.WaitGroup
		for g := range workers {
			wg.Add(1)
			go func(lo, hi int) {
				defer wg.Done()
				transformPass(near, dist, uint(bit), lo, hi)
			}(pairs*g/workers, pairs*(g+1)/workers)
		}
		wg.Wait()
		if progress != nil {
			progress(bit+1, nbits)
		}
	}
	d.near, d.dist = near, dist
	return d, nil
}

// transformPass updates the pairs (x, x|1<<bit) with x's bit clear, for
// pair indexes [lo, hi): pair p is x = p with a zero bit inserted at bit.
func transformPass(near []uint32, dist []uint8, bit uint, lo, hi int) {
	low := 1<<bit - 1
	e := 1 << bit
	if bit < 4 {
		// Blocks too short to slice: index directly.
		for p := lo; p < hi; p++ {
			x := (p>>bit)<<(bit+1) | (p & low)
			y := x + e
			a := uint64(dist[x])<<32 | uint64(near[x])
			b := uint64(dist[y])<<32 | uint64(near[y])
			a, b = min(a, b+1<<32), min(b, a+1<<32)
			dist[x], near[x] = uint8(a>>32), uint32(a)
			dist[y], near[y] = uint8(b>>32), uint32(b)
		}
		return
	}
	for p := lo; p < hi; {
		// The pairs of one block of 2^bit consecutive x.
		x := (p>>bit)<<(bit+1) | (p & low)
		cnt := min(hi-p, low+1-(p&low))
		nx, dx := near[x:x+cnt], dist[x:x+cnt]
		ny, dy := near[x+e:x+e+cnt], dist[x+e:x+e+cnt]
		for i := range nx {
			// (distance, ID) as one integer, so that the minimum is a
			// conditional move rather than a branch nobody can predict.
			a := uint64(dx[i])<<32 | uint64(nx[i])
			b := uint64(dy[i])<<32 | uint64(ny[i])
			a, b = min(a, b+1<<32), min(b, a+1<<32)
			dx[i], nx[i] = uint8(a>>32), uint32(a)
			dy[i], ny[i] = uint8(b>>32), uint32(b)
		}
		p += cnt
	}
}

// Lookup returns the ID of the stored code nearest to code (the smallest
// ID among equally near ones) and its distance, by one read of the table:
// the first neighbour Search(code, 1) returns. It returns (-1, -1) if
// the table is empty, and panics if code has bits at or above Bits() set.
// It does not allocate (unless it builds the table). Safe for concurrent
// use once adding is done.
func (t *Table) Lookup(code uint64) (id, distance int) {
	if code>>uint(t.nbits) != 0 {
		panic(fmt.Errorf("hamming: Table.Lookup(%#x): %w for %d bits", code, ErrUnusedBits, t.nbits))
	}
	d := t.table()
	if d.n == 0 {
		return -1, -1
	}
	return int(d.near[code]), int(d.dist[code])
}

// Search returns the min(k, Len()) stored codes nearest to query, by
// ascending Distance, ties by ascending ID, appended to dst[:0]: exactly
// what Linear returns. For k == 1 it is one table read; for k > 1 it is
// MultiIndex.Search. It does not allocate when dst has room for 2k
// neighbours (unless it builds the table). It panics if Check(t.Bits(),
// query) fails. Safe for concurrent use once adding is done.
func (t *Table) Search(query []uint64, k int, dst []Neighbor) []Neighbor {
	mustCheck("Table.Search", t.nbits, query)
	if k != 1 || t.mi.n == 0 {
		return t.mi.Search(query, k, dst)
	}
	var c uint64
	if t.nbits > 0 {
		c = query[0]
	}
	id, d := t.Lookup(c)
	return append(dst[:0], Neighbor{ID: id, Distance: d})
}

// SearchRadius returns every stored code within distance r of query, as
// MultiIndex.SearchRadius does.
func (t *Table) SearchRadius(query []uint64, r int, dst []Neighbor) []Neighbor {
	mustCheck("Table.SearchRadius", t.nbits, query)
	return t.mi.SearchRadius(query, r, dst)
}
