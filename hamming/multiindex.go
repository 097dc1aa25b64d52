package hamming

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// MultiIndex is an exact index by multi-index hashing (Norouzi, Punjani and
// Fleet, "Fast search in Hamming space with multi-index hashing", CVPR
// 2012). Codes are cut into m contiguous substrings, and each substring
// indexes the codes in its own hash table. If two codes are within distance
// r, then by the pigeonhole principle some substring of theirs is within
// distance ⌊r/m⌋: a search probes, for s = 0, 1, 2, ..., every table at the
// substring keys at distance exactly s from the query's, checks the full
// distance of each code found, and stops as soon as no code left unseen can
// beat the k-th best found so far. Codes not yet seen after radius s is
// probed in tables 0..j are at distance at least s·m + j + 1, so the search
// stops when that bound exceeds the k-th best distance (exceeds, not
// reaches: an unseen code at the same distance could have a smaller ID).
//
// With m ≈ bits/log2(n) substrings, the expected cost on uniform codes is
// sublinear in n for small search radii (the paper's O(bits·√n/log2 n)
// for 1-NN in its setting); on clustered codes, such as the codes a trained
// network gives to the examples of a class, the nearest code is usually
// found at s = 0 or 1 and a search costs a few dozen lookups. Each search
// prices the probing it has left against a linear scan, from a cost model
// of lookups and candidates, and scans instead when probing would cost
// more (large radii: uniform codes much longer than log2 n, or k close to
// n), keeping what it found; while the price is not yet known to be below
// a scan's, it probes on for at most a sixteenth of a scan's cost. So a
// search is never much slower than Linear, and the result is always
// exactly what Linear returns.
//
// Memory: n·Words(bits)·8 bytes of codes plus, per substring of l bits,
// 4n bytes of IDs and either a directly addressed table of 4·2^l bytes
// (when that is no more than a hash table takes, as with the automatic m:
// 2^l <= 4·2^ceil(log2 2n)) or a hash table of 32–64 bytes per code.
//
// The tables are built lazily, by the first search after codes were added,
// or by Build. Codes added after a build are scanned linearly until they
// grow to about an eighth of the indexed ones, which triggers a rebuild, so
// adds and searches may alternate at amortised O(m) per add.
type MultiIndex struct {
	nbits, w int
	want     int // requested number of substrings; <= 0: automatic
	n        int
	codes    []uint64

	mu    sync.Mutex // serialises builds
	built atomic.Pointer[mihTables]
}

// mihTables is the immutable result of a build: the tables over codes
// 0..n-1. Searches share it without locking.
type mihTables struct {
	n    int
	subs []substring
}

// substring is one of the m pieces of a code and its hash table.
type substring struct {
	start, length int    // bit range [start, start+length)
	word          int    // word holding bit start
	shift         uint   // start % 64
	cross         bool   // the range spills into word+1
	mask          uint64 // length low bits

	// The IDs of the codes, grouped by key, ascending within a key. A
	// directly addressed table holds the group of key v at
	// ids[offsets[v]:offsets[v+1]]; a hash table holds it in a slot.
	ids       []uint32
	direct    bool
	offsets   []uint32
	slots     []mihSlot
	slotShift uint

	// stepCost is the expected cost of a lookup: probeCost plus
	// candidateCost for each of the n/2^length codes of a bucket.
	stepCost float64
}

// mihSlot is a slot of an open-addressing hash table; start == end marks an
// empty slot (no group is empty).
type mihSlot struct {
	key        uint64
	start, end uint32
}

const hashMul = 0x9E3779B97F4A7C15 // Fibonacci hashing: 2^64/φ

// key extracts the substring of code.
func (s *substring) key(code []uint64) uint64 {
	if s.length == 0 {
		return 0
	}
	v := code[s.word] >> s.shift
	if s.cross {
		v |= code[s.word+1] << (64 - s.shift)
	}
	return v & s.mask
}

// bucket returns the IDs of the codes whose substring is key.
func (s *substring) bucket(key uint64) []uint32 {
	if s.direct {
		return s.ids[s.offsets[key]:s.offsets[key+1]]
	}
	mask := uint64(len(s.slots) - 1)
	for i := (key * hashMul) >> s.slotShift; ; i = (i + 1) & mask {
		sl := &s.slots[i]
		if sl.start == sl.end {
			return nil
		}
		if sl.key == key {
			return s.ids[sl.start:sl.end]
		}
	}
}

// NewMultiIndex returns an empty exact multi-index hashing index of codes of
// the given number of bits, cut into the given number of substrings. With
// substrings <= 0 the index picks round(bits/log2 n) for the n codes it
// holds when it builds its tables (at least ceil(bits/64), at most bits),
// the choice of Norouzi et al., and picks again as it grows.
// Either way a build uses at most max(n, ceil(bits/64)) substrings for
// its n codes (see Substrings).
// It returns an error wrapping ErrBits if bits is negative, or
// ErrSubstrings if substrings > bits (substrings > 1 for bits == 0) or a
// substring would be longer than 64 bits (substrings < ceil(bits/64)).
func NewMultiIndex(bits, substrings int) (*MultiIndex, error) {
	if bits < 0 {
		return nil, fmt.Errorf("hamming: NewMultiIndex(%d, %d): %w", bits, substrings, ErrBits)
	}
	if substrings > 0 && (substrings > max(bits, 1) || substrings < Words(bits)) {
		return nil, fmt.Errorf("hamming: NewMultiIndex(%d, %d): %w: want between %d and %d",
			bits, substrings, ErrSubstrings, max(Words(bits), 1), max(bits, 1))
	}
	return &MultiIndex{nbits: bits, w: Words(bits), want: substrings}, nil
}

// Bits returns the length of the codes in bits.
func (mi *MultiIndex) Bits() int { return mi.nbits }

// Len returns the number of stored codes.
func (mi *MultiIndex) Len() int { return mi.n }

// Substrings returns the number of substrings the next build uses: the
// number given to NewMultiIndex, or the automatic choice for Len() codes,
// but never more than max(Len(), Words(Bits())). More tables than codes
// would cost memory for nothing (a search would scan instead), and this
// bound keeps the tables of a few long codes, as a crafted saved index
// may hold, within a small multiple of the codes' own size.
func (mi *MultiIndex) Substrings() int {
	m := mi.want
	if m <= 0 {
		m = autoSubstrings(mi.nbits, mi.n)
	}
	return min(m, max(mi.n, mi.w, 1))
}

// autoSubstrings is round(bits/log2 n), clamped so that substrings have
// between 1 and 64 bits.
func autoSubstrings(nbits, n int) int {
	if nbits == 0 {
		return 1
	}
	m := int(math.Round(float64(nbits) / math.Log2(float64(max(n, 2)))))
	return min(max(m, Words(nbits), 1), nbits)
}

// Add stores a copy of code and returns its ID (0, 1, 2, ... in order of
// Add). The tables are brought up to date by a later search or Build. It
// panics, with an error wrapping ErrCodeLength or ErrUnusedBits, if
// Check(mi.Bits(), code) fails, or ErrTooMany if the index already holds
// MaxLen codes. Add must not run concurrently with any other method.
func (mi *MultiIndex) Add(code []uint64) int {
	mustCheck("MultiIndex.Add", mi.nbits, code)
	if mi.n >= MaxLen {
		panic(fmt.Errorf("hamming: MultiIndex.Add: %w: %d", ErrTooMany, mi.n))
	}
	mi.codes = append(mi.codes, code...)
	mi.n++
	return mi.n - 1
}

// AddPacked stores codes that are packed Words(bits) words each, one after
// the other, and returns the ID of the first (the others follow in order).
// It checks every code first and stores none if one is bad: it returns an
// error wrapping ErrCodeLength if len(codes) is not a multiple of
// Words(bits), ErrUnusedBits, or ErrTooMany if the index would hold more
// than MaxLen codes.
func (mi *MultiIndex) AddPacked(codes []uint64) (first int, err error) {
	n, err := checkPacked(mi.nbits, codes)
	if err == nil && n > MaxLen-mi.n {
		err = fmt.Errorf("%w: %d + %d", ErrTooMany, mi.n, n)
	}
	if err != nil {
		return mi.n, fmt.Errorf("hamming: MultiIndex.AddPacked: %w", err)
	}
	first = mi.n
	mi.codes = append(mi.codes, codes...)
	mi.n += n
	return first, nil
}

// Code appends the code with the given ID to dst[:0] and returns it. It
// panics if id is out of range.
func (mi *MultiIndex) Code(id int, dst []uint64) []uint64 {
	if id < 0 || id >= mi.n {
		panic(fmt.Sprintf("hamming: MultiIndex.Code(%d) of %d codes", id, mi.n))
	}
	return append(dst[:0], mi.codes[id*mi.w:(id+1)*mi.w]...)
}

// Build brings the tables up to date with every code added so far, using
// all cores (one substring per goroutine): O(n·m) time. Searches do this
// by themselves when needed; Build lets a caller pay the cost at a time of
// its choosing, cancel it through ctx, and follow it through progress
// (called with the number of substrings done and m, from one goroutine at a
// time; nil for none). It returns ctx.Err() if ctx is done first, leaving
// the index as it was. Build must not run concurrently with Add.
func (mi *MultiIndex) Build(ctx context.Context, progress func(done, total int)) error {
	mi.mu.Lock()
	defer mi.mu.Unlock()
	if t := mi.built.Load(); t != nil && t.n == mi.n {
		return nil
	}
	t, err := buildTables(ctx, mi.nbits, mi.Substrings(), mi.codes, mi.n, progress)
	if err != nil {
		return err
	}
	mi.built.Store(t)
	return nil
}

// tables returns tables recent enough to search: codes added since they
// were built are scanned linearly, as long as they are few.
func (mi *MultiIndex) tables() *mihTables {
	if t := mi.built.Load(); t != nil && !stale(t.n, mi.n) {
		return t
	}
	return mi.rebuild()
}

// stale reports whether tables over built codes are too old for n codes.
func stale(built, n int) bool {
	tail := n - built
	return tail > 64+built/8 || (built == 0 && tail > 0)
}

func (mi *MultiIndex) rebuild() *mihTables {
	mi.mu.Lock()
	defer mi.mu.Unlock()
	if t := mi.built.Load(); t != nil && !stale(t.n, mi.n) {
		return t
	}
	t, err := buildTables(context.Background(), mi.nbits, mi.Substrings(), mi.codes, mi.n, nil)
	if err != nil {
		panic(err) // only a cancelled context fails
	}
	mi.built.Store(t)
	return t
}

// buildTables indexes codes 0..n-1 by m substrings.
func buildTables(ctx context.Context, nbits, m int, codes []uint64, n int, progress func(done, total int)) (*mihTables, error) {
	w := Words(nbits)
	t := &mihTables{n: n, subs: make([]substring, m)}
	base, extra := nbits/m, nbits%m
	start := 0
	for j := range t.subs {
		l := base
		if j < extra {
			l++
		}
		s := &t.subs[j]
		s.start, s.length = start, l
		s.word, s.shift = start/64, uint(start%64)
		s.cross = int(s.shift)+l > 64
		s.mask = ^uint64(0) >> (64 - l)
		if l == 0 {
			s.mask = 0
		}
		s.stepCost = probeCost + candidateCost*float64(n)/math.Exp2(float64(l))
		start += l
	}

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		done     int
		firstErr error
	)
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for j := range t.subs {
		wg.Add(1)
		sem <- struct{}{}
		go func(s *substring) {
			defer wg.Done()
			defer func() { <-sem }()
			err := s.build(ctx, codes, w, n)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			done++
			if progress != nil && firstErr == nil {
				progress(done, m)
			}
		}(&t.subs[j])
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return t, nil
}

// build fills the substring's table with codes 0..n-1: a counting sort of
// the IDs by key, so IDs are ascending within a key.
func (s *substring) build(ctx context.Context, codes []uint64, w, n int) error {
	const checkEvery = 1 << 16
	s.ids = make([]uint32, n)
	// A hash table has at least 2n slots of 16 bytes, rounded up to a power
	// of two; a directly addressed table 4·2^l bytes of offsets. Address
	// directly unless that takes more memory (or more than 4 GiB).
	logSlots := max(bits.Len(uint(2*n-1)), 1)
	s.direct = s.length <= 30 && s.length <= logSlots+2
	if s.direct {
		// offsets[v+1] counts key v, then offsets[v] becomes the start of
		// group v; filling advances offsets[v] to the end of group v, and a
		// shift by one restores the starts.
		s.offsets = make([]uint32, (1<<s.length)+1)
		for i := range n {
			s.offsets[s.key(codes[i*w:(i+1)*w])+1]++
		}
		for v := 1; v < len(s.offsets); v++ {
			s.offsets[v] += s.offsets[v-1]
		}
		for i := range n {
			if i%checkEvery == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			k := s.key(codes[i*w : (i+1)*w])
			s.ids[s.offsets[k]] = uint32(i)
			s.offsets[k]++
		}
		copy(s.offsets[1:], s.offsets[:len(s.offsets)-1])
		s.offsets[0] = 0
		return nil
	}

	// Open addressing at load factor at most 1/2: slot.end counts a key
	// until the counts become group bounds.
	s.slots = make([]mihSlot, 1<<logSlots)
	s.slotShift = uint(64 - logSlots)
	mask := uint64(len(s.slots) - 1)
	find := func(key uint64) *mihSlot {
		for i := (key * hashMul) >> s.slotShift; ; i = (i + 1) & mask {
			sl := &s.slots[i]
			if sl.end == 0 || sl.key == key {
				sl.key = key
				return sl
			}
		}
	}
	for i := range n {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		find(s.key(codes[i*w:(i+1)*w])).end++
	}
	var next uint32
	for i := range s.slots {
		sl := &s.slots[i]
		if sl.end == 0 {
			continue
		}
		cnt := sl.end
		sl.start, sl.end = next, next
		next += cnt
	}
	for i := range n {
		// Every key is present now, so find stops at its slot.
		sl := find(s.key(codes[i*w : (i+1)*w]))
		s.ids[sl.end] = uint32(i)
		sl.end++
	}
	return nil
}

// Search returns the min(k, Len()) stored codes nearest to query, by
// ascending Distance, ties by ascending ID, appended to dst[:0]: exactly
// what Linear returns. See MultiIndex for the cost. It does not allocate
// when dst has room for 2k neighbours, as a dst returned by an earlier
// Search with the same k has (unless the index has more than 64
// substrings, or the search builds the tables). It panics if
// Check(mi.Bits(), query) fails. Safe for concurrent use once adding is
// done; the first search after an add may build the tables while other
// searches wait.
func (mi *MultiIndex) Search(query []uint64, k int, dst []Neighbor) []Neighbor {
	mustCheck("MultiIndex.Search", mi.nbits, query)
	k = min(k, mi.n)
	if k <= 0 {
		return dst[:0]
	}
	t := mi.tables()
	c := newTopK(dst, k, mi.nbits)
	// k this close to n needs nearly every code: a scan is cheaper.
	if k > t.n/4 && !alwaysProbe {
		scanTopK(mi.codes, mi.w, mi.n, 0, query, &c)
		return c.result()
	}
	// Codes added since the build are scanned first, in ID order.
	scanTopK(mi.codes[t.n*mi.w:], mi.w, mi.n-t.n, t.n, query, &c)
	q := newMIHQuery(t, mi.codes, mi.nbits, query)
	if !q.searchTopK(&c) {
		// Probing on would cost more than scanning: scan, skipping the
		// codes probing found.
		c.setDedupe()
		scanTopK(mi.codes, mi.w, t.n, 0, query, &c)
	}
	return c.result()
}

// SearchRadius returns every stored code within distance r of query (r
// included), by ascending Distance, ties by ascending ID, appended to
// dst[:0]: exactly what Linear returns. It probes every table up to
// substring radius about r/m, or scans linearly if that would cost more.
// It allocates only when dst is too short for the result (or the index has
// more than 64 substrings, or the search builds the tables). It panics if
// Check(mi.Bits(), query) fails. Safe for concurrent use once adding is
// done.
func (mi *MultiIndex) SearchRadius(query []uint64, r int, dst []Neighbor) []Neighbor {
	mustCheck("MultiIndex.SearchRadius", mi.nbits, query)
	dst = dst[:0]
	if r < 0 || mi.n == 0 {
		return dst
	}
	t := mi.tables()
	dst = scanRadius(mi.codes[t.n*mi.w:], mi.w, mi.n-t.n, t.n, query, r, dst)
	q := newMIHQuery(t, mi.codes, mi.nbits, query)
	var ok bool
	if dst, ok = q.searchRadius(r, dst); !ok {
		dst = scanRadius(mi.codes, mi.w, t.n, 0, query, r, dst)
	}
	slices.SortFunc(dst, compareNeighbors)
	return dst
}

// Costs for the choice between probing and scanning, in tenths of a
// nanosecond as measured by this package's benchmarks on a 2-core AMD EPYC
// (10^6 codes: tables and codes mostly out of cache). They decide only
// when a search stops probing and scans instead, never what it returns.
const (
	scanCodeCost  = 3    // per code scanned, plus
	scanWordCost  = 6    // per word scanned
	probeCost     = 350  // one lookup in a table
	candidateCost = 1000 // one code found by a lookup: a cache miss or two
)

// alwaysProbe makes searches probe to the end, never scan: tests set it
// to check the probing of every radius against the reference.
var alwaysProbe = false

// mihQuery is the state of one multi-index search.
type mihQuery struct {
	t      *mihTables
	codes  []uint64
	nbits  int
	w      int
	q      []uint64
	qk     [64]uint64 // the query's substrings, if m <= 64
	qkMany []uint64   // the query's substrings, if m > 64

	s, j   int     // the radius and table being probed
	work   float64 // spent so far
	budget float64 // a scan of the indexed codes
}

func newMIHQuery(t *mihTables, codes []uint64, nbits int, query []uint64) mihQuery {
	w := Words(nbits)
	return mihQuery{t: t, codes: codes, nbits: nbits, w: w, q: query,
		budget: float64(t.n) * (scanCodeCost + scanWordCost*float64(w))}
}

func (q *mihQuery) init() {
	m := len(q.t.subs)
	if m > len(q.qk) {
		q.qkMany = make([]uint64, m)
	}
	for j := range q.t.subs {
		k := q.t.subs[j].key(q.q)
		if q.qkMany != nil {
			q.qkMany[j] = k
		} else {
			q.qk[j] = k
		}
	}
}

// qkey returns substring j of the query. (Keeping qk in the struct rather
// than slicing it keeps the struct from pointing into itself, which would
// move it to the heap.)
func (q *mihQuery) qkey(j int) uint64 {
	if q.qkMany != nil {
		return q.qkMany[j]
	}
	return q.qk[j]
}

// first reports whether a code found by probing radius q.s of table q.j is
// seen there for the first time: probing goes by radius, then table, so a
// code is seen first at the smallest (substring distance, table) pair.
// Only the codes good enough to keep are asked about.
func (q *mihQuery) first(code []uint64) bool {
	for j := range q.t.subs {
		if j == q.j {
			continue
		}
		d := bits.OnesCount64(q.t.subs[j].key(code) ^ q.qkey(j))
		if d < q.s || (d == q.s && j < q.j) {
			return false
		}
	}
	return true
}

func (q *mihQuery) code(id uint32) []uint64 {
	return q.codes[int(id)*q.w : int(id+1)*q.w]
}

// worth reports whether to probe radius s of table j rather than give up
// and scan. With kth the k-th best distance so far, probing must go on
// until the bound s'·m+j'+1 exceeds kth. A step costs a lookup per key at
// distance s in its l-bit substring, C(l, s), and a candidate per code in
// each of those buckets, n/2^l on average. If the steps up to that bound
// cost less than what is left of the budget (a scan), probing goes on.
// Otherwise it may still pay, since kth falls as probing finds closer
// codes (on clustered codes, from a stray first candidate to a close one
// within a few steps), so probing goes on speculatively while the work
// spent stays within a sixteenth of the budget: that is all a
// search that gives up wastes.
func (q *mihQuery) worth(s, j, kth int) bool {
	if alwaysProbe {
		return true
	}
	if kth <= q.nbits && q.affords(s, j, kth) {
		return true
	}
	next := float64(binomial(q.t.subs[j].length, s)) * q.t.subs[j].stepCost
	return q.work+next <= q.budget/speculation
}

// affords reports whether the steps from radius s of table j on until the
// bound exceeds kth cost less than what is left of the budget.
func (q *mihQuery) affords(s, j, kth int) bool {
	m := len(q.t.subs)
	left := q.budget - q.work
	for est := 0.0; ; {
		sub := &q.t.subs[j]
		est += float64(binomial(sub.length, s)) * sub.stepCost
		if est > left {
			return false
		}
		if s == sub.length || s*m+j+1 > kth {
			return true
		}
		if j++; j == m {
			j, s = 0, s+1
		}
	}
}

// speculation: probing that cannot yet be shown to beat a scan may spend
// 1/speculation of the cost of the scan.
const speculation = 16

// probe calls visit with the group of every key at distance q.s from the
// query's substring in table q.j.
func (q *mihQuery) probe(visit func(ids []uint32)) {
	sub := &q.t.subs[q.j]
	qk := q.qkey(q.j)
	q.work += float64(binomial(sub.length, q.s)) * probeCost
	if q.s == 0 {
		visit(sub.bucket(qk))
		return
	}
	l := uint(sub.length)
	// Gosper's hack: every l-bit mask with q.s bits set, in increasing order.
	mask := ^uint64(0) >> (64 - uint(q.s))
	for {
		visit(sub.bucket(qk ^ mask))
		c := mask & -mask
		r := mask + c
		if r == 0 {
			return
		}
		mask = (((r ^ mask) >> 2) >> bits.TrailingZeros64(c)) | r
		if l < 64 && mask>>l != 0 {
			return
		}
	}
}

// searchTopK offers c every indexed code that can be among the k nearest.
// It returns false if probing on would cost more than a linear scan; c
// then holds the codes found so far.
func (q *mihQuery) searchTopK(c *topK) bool {
	if q.t.n == 0 {
		return true
	}
	q.init()
	m := len(q.t.subs)
	var visit func(ids []uint32)
	if q.w == 1 {
		q0 := q.q[0]
		visit = func(ids []uint32) {
			q.work += float64(len(ids)) * candidateCost
			for _, id := range ids {
				d := bits.OnesCount64(q.codes[id] ^ q0)
				if c.accepts(int(id), d) && q.first(q.codes[id:id+1]) {
					c.push(int(id), d)
				}
			}
		}
	} else {
		visit = func(ids []uint32) {
			q.work += float64(len(ids)) * candidateCost
			for _, id := range ids {
				code := q.code(id)
				d := Distance(code, q.q)
				if c.accepts(int(id), d) && q.first(code) {
					c.push(int(id), d)
				}
			}
		}
	}
	for q.s = 0; ; q.s++ {
		for q.j = 0; q.j < m; q.j++ {
			if !q.worth(q.s, q.j, c.kth()) {
				return false
			}
			q.probe(visit)
			if q.s == q.t.subs[q.j].length {
				return true // every code has been seen through table j
			}
			if q.s*m+q.j+1 > c.kth() {
				return true
			}
		}
	}
}

// searchRadius appends every indexed code within distance r, unsorted. It
// returns false, with dst unchanged, if probing would cost more than a
// linear scan.
func (q *mihQuery) searchRadius(r int, dst []Neighbor) ([]Neighbor, bool) {
	if q.t.n == 0 {
		return dst, true
	}
	if !alwaysProbe && !q.affords(0, 0, r) {
		return dst, false
	}
	q.init()
	m := len(q.t.subs)
	visit := func(ids []uint32) {
		for _, id := range ids {
			code := q.code(id)
			if d := Distance(code, q.q); d <= r && q.first(code) {
				dst = append(dst, Neighbor{ID: int(id), Distance: d})
			}
		}
	}
	for q.s = 0; ; q.s++ {
		for q.j = 0; q.j < m; q.j++ {
			q.probe(visit)
			if q.s == q.t.subs[q.j].length || q.s*m+q.j+1 > r {
				return dst, true
			}
		}
	}
}

// binomials[n][k] is n choose k for n <= 64, saturated at MaxUint64.
var binomials = func() (b [65][65]uint64) {
	for n := range b {
		b[n][0] = 1
		for k := 1; k <= n; k++ {
			x, carry := bits.Add64(b[n-1][k-1], b[n-1][k], 0)
			if carry != 0 {
				x = math.MaxUint64
			}
			b[n][k] = x
		}
	}
	return b
}()

func binomial(n, k int) uint64 {
	if k < 0 || k > n {
		return 0
	}
	return binomials[n][k]
}
