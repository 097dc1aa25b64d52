package hamming

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/labelcode/labelcode/internal/concurrent"
)

func TestWords(t *testing.T) {
	for bits, want := range map[int]int{0: 0, 1: 1, 63: 1, 64: 1, 65: 2, 128: 2, 129: 3, 256: 4} {
		if got := Words(bits); got != want {
			t.Errorf("Words(%d) = %d, want %d", bits, got, want)
		}
	}
	mustPanic(t, "Words(-1)", func() { Words(-1) })
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		bits int
		code []uint64
		err  error
	}{
		{0, nil, nil},
		{0, []uint64{0}, ErrCodeLength},
		{1, []uint64{1}, nil},
		{1, []uint64{2}, ErrUnusedBits},
		{63, []uint64{1<<63 - 1}, nil},
		{63, []uint64{1 << 63}, ErrUnusedBits},
		{64, []uint64{^uint64(0)}, nil},
		{64, []uint64{0, 0}, ErrCodeLength},
		{65, []uint64{^uint64(0), 1}, nil},
		{65, []uint64{0, 2}, ErrUnusedBits},
		{65, []uint64{0}, ErrCodeLength},
		{-1, nil, ErrBits},
	} {
		err := Check(tc.bits, tc.code)
		if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("Check(%d, %#x) = %v, want %v", tc.bits, tc.code, err, tc.err)
		}
	}
}

func TestDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, bits := range []int{0, 1, 63, 64, 65, 127, 128, 200, 256, 300, 1000} {
		for range 50 {
			a, b := randCode(rng, bits), randCode(rng, bits)
			if got, want := Distance(a, b), naiveDistance(a, b, bits); got != want {
				t.Fatalf("bits=%d: Distance = %d, want %d", bits, got, want)
			}
			if d := Distance(a, a); d != 0 {
				t.Fatalf("bits=%d: Distance(a, a) = %d", bits, d)
			}
		}
	}
	mustPanic(t, "Distance of different lengths", func() { Distance(make([]uint64, 2), make([]uint64, 1)) })
}

// indexes returns one of each index over the same codes: the Linear
// reference first. Table only for codes of up to 20 bits.
func indexes(t *testing.T, bits int, codes []uint64, n int, substrings ...int) []Index {
	t.Helper()
	lin := NewLinear(bits)
	idx := []Index{lin}
	for _, m := range substrings {
		if m > bits || (m > 0 && m < Words(bits)) {
			continue
		}
		mi, err := NewMultiIndex(bits, m)
		if err != nil {
			t.Fatal(err)
		}
		idx = append(idx, mi)
	}
	if bits <= 20 {
		tb, err := NewTable(bits)
		if err != nil {
			t.Fatal(err)
		}
		idx = append(idx, tb)
	}
	w := Words(bits)
	for i := range n {
		for _, x := range idx {
			if id := x.Add(codes[i*w : (i+1)*w]); id != i {
				t.Fatalf("%T.Add returned %d, want %d", x, id, i)
			}
		}
	}
	return idx
}

func name(x Index) string {
	if mi, ok := x.(*MultiIndex); ok {
		return fmt.Sprintf("MultiIndex(m=%d)", mi.Substrings())
	}
	return fmt.Sprintf("%T", x)[len("*hamming."):]
}

// TestIndexesMatchBruteForce checks every index against the brute-force
// reference, on uniform and clustered codes, for every test length and k
// in {1, 10, 100}: same IDs, same distances, same tie order.
func TestIndexesMatchBruteForce(t *testing.T) {
	n, queries := 3000, 60
	if testing.Short() {
		n, queries = 800, 24
	}
	for _, bits := range append([]int{0, 16, 20}, testBits...) {
		for _, data := range []string{"uniform", "clustered"} {
			t.Run(fmt.Sprintf("bits=%d/%s", bits, data), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(bits), 7))
				var codes []uint64
				if data == "uniform" {
					codes = randCodes(rng, bits, n)
				} else {
					// Few centres and little noise: many exact duplicates
					// and ties.
					codes, _ = clusteredCodes(rng, bits, n, n/50, 2.0/float64(max(bits, 1)))
				}
				idx := indexes(t, bits, codes, n, 0, 1, 2, 3, 5, 8)
				var dst []Neighbor
				for qi, q := range testQueries(rng, codes, bits, n, queries) {
					for _, k := range []int{1, 10, 100} {
						want := bruteKNN(codes, bits, n, q, k)
						for _, x := range idx {
							dst = x.Search(q, k, dst)
							equalNeighbors(t, fmt.Sprintf("%s query %d k=%d", name(x), qi, k), dst, want)
						}
					}
				}
			})
		}
	}
}

// TestMultiIndexProbing makes the multi-index probe to the end, never
// giving up for a scan, so that every radius up to exhaustion of a table
// is checked against the reference: substrings of up to 16 bits, of 64
// bits (radius 1 only), and more than 64 substrings.
func TestMultiIndexProbing(t *testing.T) {
	alwaysProbe = true
	defer func() { alwaysProbe = false }()
	n := 600
	if testing.Short() {
		n = 200
	}
	for _, tc := range []struct{ bits, m int }{
		{1, 1}, {8, 1}, {8, 3}, {16, 0}, {16, 2}, {63, 4}, {64, 4}, {65, 5}, {64, 1}, {200, 100},
	} {
		rng := rand.New(rand.NewPCG(uint64(tc.bits), uint64(tc.m)))
		var codes []uint64
		if tc.m == 1 && tc.bits == 64 {
			// Queries at distance 0 or 1 from the codes: a 64-bit
			// substring can only be probed to radius 1.
			codes = randCodes(rng, 64, n)
		} else {
			codes, _ = clusteredCodes(rng, tc.bits, n, 20, 0.1)
		}
		mi, err := NewMultiIndex(tc.bits, tc.m)
		if err != nil {
			t.Fatal(err)
		}
		mi.AddPacked(codes)
		w := Words(tc.bits)
		var dst []Neighbor
		for qi, q := range testQueries(rng, codes, tc.bits, n, 16) {
			ks, radii := []int{1, 10, 100, n}, []int{0, 2, tc.bits / 4, tc.bits}
			if tc.m == 1 && tc.bits == 64 {
				q = slices.Clone(codes[(qi%n)*w : (qi%n+1)*w])
				q[0] ^= uint64(qi%2) << (qi % 64)
				ks, radii = []int{1}, []int{0, 1}
			}
			for _, k := range ks {
				dst = mi.Search(q, k, dst)
				equalNeighbors(t, fmt.Sprintf("bits=%d m=%d query %d k=%d", tc.bits, tc.m, qi, k), dst, bruteKNN(codes, tc.bits, n, q, k))
			}
			for _, r := range radii {
				dst = mi.SearchRadius(q, r, dst)
				equalNeighbors(t, fmt.Sprintf("bits=%d m=%d query %d r=%d", tc.bits, tc.m, qi, r), dst, bruteRadius(codes, tc.bits, n, q, r))
			}
		}
	}
}

// TestMultiIndexGrowing interleaves adds and searches, so that searches
// see tables over a prefix plus a linearly scanned tail, and rebuilds.
func TestMultiIndexGrowing(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, bits := range []int{8, 64, 65, 128} {
		codes, _ := clusteredCodes(rng, bits, 1200, 30, 0.05)
		w := Words(bits)
		lin := NewLinear(bits)
		auto, _ := NewMultiIndex(bits, 0)
		fixed, _ := NewMultiIndex(bits, max(Words(bits), 2))
		var dst []Neighbor
		for i := 0; i < 1200; {
			step := 1 + rng.IntN(40)
			for ; step > 0 && i < 1200; step-- {
				c := codes[i*w : (i+1)*w]
				lin.Add(c)
				auto.Add(c)
				fixed.Add(c)
				i++
			}
			for _, q := range testQueries(rng, codes, bits, i, 4) {
				for _, k := range []int{1, 7} {
					want := lin.Search(q, k, nil)
					for _, x := range []*MultiIndex{auto, fixed} {
						dst = x.Search(q, k, dst)
						equalNeighbors(t, fmt.Sprintf("bits=%d n=%d %s k=%d", bits, i, name(x), k), dst, want)
					}
					wantR := lin.SearchRadius(q, bits/8, nil)
					dst = auto.SearchRadius(q, bits/8, dst)
					equalNeighbors(t, fmt.Sprintf("bits=%d n=%d radius", bits, i), dst, wantR)
				}
			}
		}
	}
}

func TestSearchRadius(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 500
	}
	for _, bits := range append([]int{0}, testBits...) {
		rng := rand.New(rand.NewPCG(uint64(bits), 11))
		codes, _ := clusteredCodes(rng, bits, n, 40, 0.04)
		idx := indexes(t, bits, codes, n, 0, 2)
		var dst []Neighbor
		for qi, q := range testQueries(rng, codes, bits, n, 12) {
			for _, r := range []int{-1, 0, 1, 3, bits / 10, bits / 3, bits} {
				want := bruteRadius(codes, bits, n, q, r)
				for _, x := range idx {
					dst = x.(RadiusSearcher).SearchRadius(q, r, dst)
					equalNeighbors(t, fmt.Sprintf("bits=%d %s query %d r=%d", bits, name(x), qi, r), dst, want)
				}
			}
		}
	}
}

// TestTableLookupAll checks the table entry of every possible code against
// Linear's nearest code.
func TestTableLookupAll(t *testing.T) {
	for _, bits := range []int{0, 1, 2, 5, 8, 11, 14} {
		for _, n := range []int{1, 2, 7, 100, 1000} {
			rng := rand.New(rand.NewPCG(uint64(bits), uint64(n)))
			codes := randCodes(rng, bits, n)
			lin := NewLinear(bits)
			tb, err := NewTable(bits)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := lin.AddPacked(codes); err != nil && bits > 0 {
				t.Fatal(err)
			}
			if bits == 0 {
				for range n {
					lin.Add(nil)
					tb.Add(nil)
				}
			} else if _, err := tb.AddPacked(codes); err != nil {
				t.Fatal(err)
			}
			q := make([]uint64, Words(bits))
			var dst []Neighbor
			for c := range uint64(1) << bits {
				if len(q) > 0 {
					q[0] = c
				}
				dst = lin.Search(q, 1, dst)
				id, d := tb.Lookup(c)
				if id != dst[0].ID || d != dst[0].Distance {
					t.Fatalf("bits=%d n=%d code %#x: Lookup = (%d, %d), Linear %v", bits, n, c, id, d, dst[0])
				}
			}
		}
	}
}

func TestTableEmptyAndErrors(t *testing.T) {
	tb, err := NewTable(10)
	if err != nil {
		t.Fatal(err)
	}
	if id, d := tb.Lookup(5); id != -1 || d != -1 {
		t.Errorf("empty Lookup = (%d, %d), want (-1, -1)", id, d)
	}
	if got := tb.Search([]uint64{5}, 1, nil); len(got) != 0 {
		t.Errorf("empty Search = %v", got)
	}
	tb.Add([]uint64{3})
	if id, d := tb.Lookup(5); id != 0 || d != 2 {
		t.Errorf("Lookup(5) = (%d, %d), want (0, 2)", id, d)
	}
	mustPanic(t, "Lookup(1<<10)", func() { tb.Lookup(1 << 10) })
	for _, bits := range []int{-1, MaxTableBits + 1} {
		if _, err := NewTable(bits); !errors.Is(err, ErrBits) {
			t.Errorf("NewTable(%d): %v, want ErrBits", bits, err)
		}
	}
	if _, err := tb.AddPacked([]uint64{1, 1 << 10}); !errors.Is(err, ErrUnusedBits) || tb.Len() != 1 {
		t.Errorf("AddPacked of a bad code: %v, Len %d", err, tb.Len())
	}
}

func TestNewMultiIndexErrors(t *testing.T) {
	for _, tc := range []struct{ bits, m int }{{-1, 0}, {8, 9}, {0, 2}, {256, 3}, {129, 2}} {
		mi, err := NewMultiIndex(tc.bits, tc.m)
		want := ErrSubstrings
		if tc.bits < 0 {
			want = ErrBits
		}
		if !errors.Is(err, want) || mi != nil {
			t.Errorf("NewMultiIndex(%d, %d) = %v, %v; want %v", tc.bits, tc.m, mi, err, want)
		}
	}
	for _, tc := range []struct{ bits, m int }{{0, 0}, {0, 1}, {8, 8}, {256, 4}, {129, 3}, {64, -5}} {
		if _, err := NewMultiIndex(tc.bits, tc.m); err != nil {
			t.Errorf("NewMultiIndex(%d, %d): %v", tc.bits, tc.m, err)
		}
	}
	mustPanic(t, "NewLinear(-1)", func() { NewLinear(-1) })
}

func TestAutoSubstrings(t *testing.T) {
	for _, tc := range []struct{ bits, n, want int }{
		{64, 1 << 20, 3}, {64, 1 << 16, 4}, {256, 1 << 20, 13}, {8, 1 << 20, 1},
		{1, 1, 1}, {256, 1, 256}, {1000, 1 << 30, 33}, {0, 10, 1},
	} {
		if got := autoSubstrings(tc.bits, tc.n); got != tc.want {
			t.Errorf("autoSubstrings(%d, %d) = %d, want %d", tc.bits, tc.n, got, tc.want)
		}
	}
}

func TestAddRejectsBadCodes(t *testing.T) {
	lin := NewLinear(65)
	mi, _ := NewMultiIndex(65, 0)
	tb, _ := NewTable(8)
	for _, tc := range []struct {
		x    Index
		code []uint64
		err  error
	}{
		{lin, []uint64{0, 2}, ErrUnusedBits},
		{lin, []uint64{0}, ErrCodeLength},
		{mi, []uint64{0, 0, 0}, ErrCodeLength},
		{mi, []uint64{0, 1 << 63}, ErrUnusedBits},
		{tb, []uint64{256}, ErrUnusedBits},
		{tb, nil, ErrCodeLength},
	} {
		p := mustPanic(t, fmt.Sprintf("%T.Add(%#x)", tc.x, tc.code), func() { tc.x.Add(tc.code) })
		if err, ok := p.(error); !ok || !errors.Is(err, tc.err) {
			t.Errorf("%T.Add(%#x) panicked with %v, want an error wrapping %v", tc.x, tc.code, p, tc.err)
		}
		mustPanic(t, fmt.Sprintf("%T.Search(%#x)", tc.x, tc.code), func() { tc.x.Search(tc.code, 1, nil) })
		if tc.x.Len() != 0 {
			t.Errorf("%T holds %d codes after bad adds", tc.x, tc.x.Len())
		}
	}
	// AddPacked stores nothing if one code is bad.
	for _, tc := range []struct {
		codes []uint64
		err   error
	}{{[]uint64{1, 1, 0}, ErrCodeLength}, {[]uint64{1, 1, 0, 4}, ErrUnusedBits}} {
		if _, err := lin.AddPacked(tc.codes); !errors.Is(err, tc.err) || lin.Len() != 0 {
			t.Errorf("Linear.AddPacked(%#x) = %v (Len %d), want %v", tc.codes, err, lin.Len(), tc.err)
		}
		if _, err := mi.AddPacked(tc.codes); !errors.Is(err, tc.err) || mi.Len() != 0 {
			t.Errorf("MultiIndex.AddPacked(%#x) = %v (Len %d), want %v", tc.codes, err, mi.Len(), tc.err)
		}
	}
	first, err := lin.AddPacked([]uint64{1, 0, 2, 1})
	if err != nil || first != 0 || lin.Len() != 2 {
		t.Fatalf("AddPacked = %d, %v; Len %d", first, err, lin.Len())
	}
	if first, _ := lin.AddPacked([]uint64{3, 0}); first != 2 {
		t.Errorf("second AddPacked returned first ID %d, want 2", first)
	}
	if got := lin.Code(1, nil); !slices.Equal(got, []uint64{2, 1}) {
		t.Errorf("Code(1) = %#x", got)
	}
	mustPanic(t, "Code(3)", func() { lin.Code(3, nil) })
	tb.Add([]uint64{7})
	if got := tb.Code(0, []uint64{1, 2}); !slices.Equal(got, []uint64{7}) {
		t.Errorf("Table.Code(0) = %#x", got)
	}
	mustPanic(t, "Table.Code(1)", func() { tb.Code(1, nil) })
	mustPanic(t, "MultiIndex.Code(0)", func() { mi.Code(0, nil) })
}

func TestSearchEdgeCases(t *testing.T) {
	for _, x := range indexes(t, 64, nil, 0, 0) {
		if got := x.Search([]uint64{1}, 5, nil); len(got) != 0 {
			t.Errorf("%s: empty index returned %v", name(x), got)
		}
	}
	codes := []uint64{7, 7, 0, 7}
	for _, x := range indexes(t, 64, codes, 4, 0, 2) {
		for _, k := range []int{-1, 0} {
			if got := x.Search([]uint64{7}, k, []Neighbor{{1, 1}}); len(got) != 0 {
				t.Errorf("%s: k=%d returned %v", name(x), k, got)
			}
		}
		want := []Neighbor{{0, 0}, {1, 0}, {3, 0}, {2, 3}}
		equalNeighbors(t, name(x)+" k=10", x.Search([]uint64{7}, 10, nil), want)
		equalNeighbors(t, name(x)+" k=2", x.Search([]uint64{7}, 2, nil), want[:2])
	}
}

func TestSearchBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, bits := range []int{8, 64, 200} {
		codes, _ := clusteredCodes(rng, bits, 2000, 50, 0.05)
		var queries []uint64
		qs := testQueries(rng, codes, bits, 2000, 101)
		for _, q := range qs {
			queries = append(queries, q...)
		}
		for _, x := range indexes(t, bits, codes, 2000, 0) {
			for _, k := range []int{1, 10, 5000} {
				for _, workers := range []int{0, 1, 3} {
					got := SearchBatch(x, queries, k, workers, nil)
					kk := min(k, 2000)
					if len(got) != kk*len(qs) {
						t.Fatalf("%s: %d results, want %d", name(x), len(got), kk*len(qs))
					}
					for i, q := range qs {
						equalNeighbors(t, fmt.Sprintf("bits=%d %s k=%d query %d", bits, name(x), k, i),
							got[i*kk:(i+1)*kk], x.Search(q, k, nil))
					}
				}
			}
		}
		p := mustPanic(t, "SearchBatch of a bad query", func() {
			SearchBatch(NewLinear(8), []uint64{1, 2, 256}, 1, 2, nil)
		})
		if err, ok := p.(error); !ok || !errors.Is(err, ErrUnusedBits) {
			t.Errorf("SearchBatch panicked with %v, want ErrUnusedBits", p)
		}
	}
}

// TestConcurrentSearch runs searches from many goroutines on indexes whose
// tables are not built yet (run with -race).
func TestConcurrentSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	codes, _ := clusteredCodes(rng, 16, 3000, 100, 0.05)
	qs := testQueries(rng, codes, 16, 3000, 64)
	lin := NewLinear(16)
	lin.AddPacked(codes)
	mi, _ := NewMultiIndex(16, 0)
	mi.AddPacked(codes)
	tb, _ := NewTable(16)
	tb.AddPacked(codes)
	concurrent.Check(t, 8, func(g int) error {
		var dst []Neighbor
		for i, q := range qs {
			want := lin.Search(q, 1+g, nil)
			for _, x := range []Index{mi, tb} {
				dst = x.Search(q, 1+g, dst)
				if !slices.Equal(dst, want) {
					return fmt.Errorf("%s query %d: %v, want %v", name(x), i, dst, want)
				}
			}
		}
		return nil
	})
}

func TestBuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	codes := randCodes(rng, 20, 5000)
	mi, _ := NewMultiIndex(20, 0)
	mi.AddPacked(codes)
	tb, _ := NewTable(20)
	tb.AddPacked(codes)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := mi.Build(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("MultiIndex.Build with a cancelled context: %v", err)
	}
	if err := tb.Build(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Table.Build with a cancelled context: %v", err)
	}
	if mi.built.Load() != nil || tb.built.Load() != nil {
		t.Error("a cancelled Build left tables")
	}

	var calls, last, total int
	progress := func(done, all int) { calls, last, total = calls+1, done, all }
	if err := mi.Build(context.Background(), progress); err != nil {
		t.Fatal(err)
	}
	if m := mi.Substrings(); calls != m || last != m || total != m {
		t.Errorf("MultiIndex progress: %d calls, last (%d, %d), want %d", calls, last, total, m)
	}
	calls = 0
	if err := tb.Build(context.Background(), progress); err != nil {
		t.Fatal(err)
	}
	if calls != 20 || last != 20 || total != 20 {
		t.Errorf("Table progress: %d calls, last (%d, %d)", calls, last, total)
	}
	// Built already: nothing to do.
	calls = 0
	if err := tb.Build(context.Background(), progress); err != nil || calls != 0 {
		t.Errorf("second Build: %v, %d progress calls", err, calls)
	}
}

func TestAllocations(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, bits := range []int{16, 64, 65, 256} {
		codes, _ := clusteredCodes(rng, bits, 4000, 100, 0.05)
		qs := testQueries(rng, codes, bits, 4000, 16)
		for _, x := range indexes(t, bits, codes, 4000, 0) {
			for _, k := range []int{1, 10} {
				dst := x.Search(qs[0], k, nil)
				i := 0
				allocs := testing.AllocsPerRun(50, func() {
					dst = x.Search(qs[i%len(qs)], k, dst)
					i++
				})
				if allocs != 0 {
					t.Errorf("bits=%d %s.Search k=%d: %v allocations", bits, name(x), k, allocs)
				}
			}
			var dst []Neighbor
			radius := func(q []uint64) {
				dst = x.(RadiusSearcher).SearchRadius(q, bits/8, dst)
			}
			for _, q := range qs {
				radius(q)
				radius(q) // dst now has room
				if allocs := testing.AllocsPerRun(10, func() { radius(q) }); allocs != 0 {
					t.Errorf("bits=%d %s.SearchRadius: %v allocations", bits, name(x), allocs)
				}
			}
			if tb, ok := x.(*Table); ok {
				if allocs := testing.AllocsPerRun(100, func() { tb.Lookup(qs[3][0]) }); allocs != 0 {
					t.Errorf("Table.Lookup: %v allocations", allocs)
				}
			}
		}
	}
}
