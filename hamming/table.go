package hamming

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// MaxTableBits is the longest code a Table enumerates: its table has
// 2^bits entries of 5 bytes (80 MiB at 24 bits).
const MaxTableBits = 24

// Table is an exact index for short codes that enumerates all of them: for
// each of the 2^bits possible codes it stores the ID of its nearest stored
// code and their distance, so a 1-nearest-neighbour search is one memory
// read. This is the constant-time decoder of DSNC ("all possible codes are
// enumerated and decoded"). The table is filled by a multi-source
// breadth-first search over the hypercube, in O(2^bits·bits) time whatever
// the number of stored codes: the stored codes are layer 0, and a code
// first reached in layer t+1 takes the smallest ID among its neighbours in
// layer t, which is the smallest ID among its nearest stored codes, so
// ties are broken by ID exactly as Linear does.
//
// Searches with k > 1 and radius searches go to a MultiIndex over the same
// codes. Codes are one word (bits <= MaxTableBits), given to Lookup as a
// uint64 and to the Index methods as a one-word slice.
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

const unreached = 0xFF

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
// ctx, and follow it through progress (called after each layer of the
// search with the number of codes reached and 2^bits; nil for none). It
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

// buildTable runs the breadth-first search from codes 0..n-1.
func buildTable(ctx context.Context, nbits int, codes []uint64, n int, progress func(done, total int)) (*tableData, error) {
	size := 1 << nbits
	d := &tableData{n: n}
	if n == 0 {
		return d, nil
	}
	near := make([]uint32, size)
	dist := make([]uint8, size)
	for i := range dist {
		dist[i] = unreached
	}
	reached := 0
	// Descending IDs, so that the smallest ID of equal codes stays.
	for id := n - 1; id >= 0; id-- {
		var c uint64
		if nbits > 0 {
			c = codes[id]
		}
		if dist[c] == unreached {
			reached++
		}
		near[c], dist[c] = uint32(id), 0
	}
	// Layer by layer, in code order within a layer, which keeps the
	// neighbours x^(1<<b) of consecutive codes x on streaming addresses.
	for layer := uint8(0); reached < size; layer++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		next := layer + 1
		for x := range size {
			if dist[x] != layer {
				continue
			}
			id := near[x]
			for b := range nbits {
				y := x ^ (1 << b)
				switch dist[y] {
				case unreached:
					dist[y], near[y] = next, id
					reached++
				case next:
					near[y] = min(near[y], id)
				}
			}
		}
		if progress != nil {
			progress(reached, size)
		}
	}
	d.near, d.dist = near, dist
	return d, nil
}

// Lookup returns the ID of the stored code nearest to code (the smallest
// ID among equally near ones) and its distance, by one read of the table:
// the first neighbour Search(code, 1) returns. It returns (-1, -1) if
// the table is empty, and panics if code has bits at or above Bits() set.
// It does not allocate (unless it builds the table). Safe for concurrent
// use once adding is done.
func (t *Table) Lookup(code uint64) (id, distance int) {
	d := t.table()
	if code>>uint(t.nbits) != 0 {
		panic(fmt.Errorf("hamming: Table.Lookup(%#x): %w for %d bits", code, ErrUnusedBits, t.nbits))
	}
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
