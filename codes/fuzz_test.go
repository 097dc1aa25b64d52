package codes

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// Fuzz targets: every decoder is checked against a scan of all labels on
// small codes built from the fuzzer's bytes. Inputs are bounded so that
// each run is fast. Run one with e.g.
//
//	go test -run XXX -fuzz FuzzReedSolomon -fuzztime 1m ./codes/

var smallPrimes = []int{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53}

// fuzzInts turns bytes into ints in [lo, lo+span).
func fuzzInts(data []byte, lo, span int) []int {
	out := make([]int, len(data))
	for i, b := range data {
		out[i] = lo + int(b)%span
	}
	return out
}

// validSubset reports whether sites are in [0, n) and distinct.
func validSubset(sites []int, n int) bool {
	seen := map[int]bool{}
	for _, s := range sites {
		if s < 0 || s >= n || seen[s] {
			return false
		}
		seen[s] = true
	}
	return true
}

func symbolsInRange(m Mapping, sites, syms []int) bool {
	for j, s := range syms {
		if s < 0 || s >= m.SiteClasses(sites[j]) {
			return false
		}
	}
	return true
}

// fuzzWord returns a word of m from data: symbol i in [-1, SiteClasses(i)],
// mostly in range; 0 where data run out.
func fuzzWord(m Mapping, data []byte) []int {
	word := make([]int, m.Sites())
	for i := range word {
		if i < len(data) {
			word[i] = int(data[i])%(m.SiteClasses(i)+2) - 1
		}
	}
	return word
}

// checkDecode checks m.Decode(word) against a scan of table (codeTable):
// ErrSymbolRange for a symbol out of range, ErrNotCodeword when no label
// has that code, else the one label that has it.
func checkDecode(t *testing.T, m Mapping, table [][]int, word []int) {
	t.Helper()
	y, err := m.Decode(word)
	all := make([]int, len(word))
	for i := range all {
		all[i] = i
	}
	switch want := matches(table, all, word); {
	case !symbolsInRange(m, all, word):
		require.ErrorIs(t, err, ErrSymbolRange)
	case len(want) == 0:
		require.ErrorIs(t, err, ErrNotCodeword)
	default:
		require.NoError(t, err)
		require.Equal(t, want, []int{y})
	}
}

// badSubset checks err, what m.Reconstruct(sites, syms) returned, when
// sites are not distinct sites of m (ErrSiteRange) or a symbol is out of
// its site's range (ErrSymbolRange), and reports whether either was so.
func badSubset(t *testing.T, m Mapping, sites, syms []int, err error) bool {
	t.Helper()
	switch {
	case !validSubset(sites, m.Sites()):
		require.ErrorIs(t, err, ErrSiteRange)
	case !symbolsInRange(m, sites, syms):
		require.ErrorIs(t, err, ErrSymbolRange)
	default:
		return false
	}
	return true
}

func FuzzPrimeResidue(f *testing.F) {
	f.Add(uint16(2308), uint16(0b11111), []byte{0, 1, 2, 3, 4}, []byte{1, 2, 3, 4, 5})
	f.Add(uint16(0), uint16(1), []byte{0}, []byte{1})                  // K = 2, one prime 2
	f.Add(uint16(3998), uint16(0xffff), []byte{15, 0}, []byte{52, 1})  // all primes
	f.Add(uint16(100), uint16(0b110), []byte{1, 1}, []byte{0, 0})      // repeated site
	f.Add(uint16(100), uint16(0b110), []byte{255, 0}, []byte{200, 0})  // bad site and symbol
	f.Add(uint16(1000), uint16(0b1100000000), []byte{}, []byte{})      // product < K
	f.Add(uint16(28), uint16(0b111), []byte{3, 1, 2}, []byte{5, 2, 3}) // K = 30 = 2·3·5: label 29 from sites 2, 0, 1
	f.Add(uint16(26), uint16(0b111), []byte{1, 2, 3}, []byte{2, 3, 5}) // K = 28: residues of 29 >= K
	f.Fuzz(func(t *testing.T, classes, mask uint16, siteBytes, symBytes []byte) {
		K := 2 + int(classes)%4000
		var primes []int
		for i, p := range smallPrimes {
			if mask>>i&1 == 1 {
				primes = append(primes, p)
			}
		}
		pr, err := NewPrimeResidue(K, primes)
		if err != nil {
			require.ErrorIs(t, err, ErrNotInjective)
			return
		}
		n := len(primes)
		table := codeTable(t, pr)
		checkDecode(t, pr, table, fuzzWord(pr, symBytes))

		// Reconstruct on a subset from the bytes: sites in [-1, n], symbols
		// in [-1, p] for the site's prime p.
		size := min(len(siteBytes), len(symBytes), 20)
		sites := fuzzInts(siteBytes[:size], -1, n+2)
		syms := fuzzInts(symBytes[:size], -1, 55)
		for j, i := range sites {
			if i >= 0 && i < n {
				syms[j] = int(symBytes[j])%(primes[i]+2) - 1
			}
		}
		y, err := pr.Reconstruct(sites, syms)
		if badSubset(t, pr, sites, syms, err) {
			return
		}
		prod := 1
		for _, i := range sites {
			prod = min(prod*primes[i], K)
		}
		want := matches(table, sites, syms)
		switch {
		case prod < K:
			require.ErrorIs(t, err, ErrTooFewSites)
		case len(want) == 0:
			require.ErrorIs(t, err, ErrLabelRange)
		default:
			require.NoError(t, err)
			require.Equal(t, want, []int{y})
		}
	})
}

func FuzzReedSolomon(f *testing.F) {
	f.Add(uint16(341), uint8(3), uint8(6), []byte{0, 1, 2, 3, 4, 5, 6}, []byte{0, 1, 2, 3, 4, 5, 6}, uint16(0))
	f.Add(uint16(0), uint8(0), uint8(1), []byte{0, 1}, []byte{1, 1}, uint16(1))         // K = 2 over GF(2)
	f.Add(uint16(98), uint8(4), uint8(10), []byte{3, 3}, []byte{0, 0}, uint16(0x3ff))   // all erased
	f.Add(uint16(98), uint8(4), uint8(10), []byte{}, []byte{9, 9, 9, 9}, uint16(0b101)) // few sites, erasures
	f.Add(uint16(2998), uint8(8), uint8(22), []byte{255, 22, 0}, []byte{23, 1, 0}, uint16(0))
	f.Add(uint16(10), uint8(5), uint8(12), []byte{5}, []byte{3}, uint16(0)) // k = 1
	f.Fuzz(func(t *testing.T, classes uint16, pIdx, sites uint8, siteBytes, symBytes []byte, erasureMask uint16) {
		K := 2 + int(classes)%3000
		p := smallPrimes[int(pIdx)%9] // up to 23
		n := 1 + int(sites)%p
		m, err := NewReedSolomon(K, p, n)
		if err != nil {
			require.ErrorIs(t, err, ErrNotInjective)
			return
		}
		k := m.Digits()
		table := codeTable(t, m)
		word := fuzzWord(m, symBytes)
		checkDecode(t, m, table, word)

		// Correct, with the erasures of the mask, against bounded-distance
		// decoding by scan.
		var erasures []int
		erased := make([]bool, n)
		for i := range n {
			if i < 16 && erasureMask>>i&1 == 1 {
				erasures = append(erasures, i)
				erased[i] = true
			}
		}
		inRange := true
		for i, s := range word {
			if !erased[i] && (s < 0 || s >= p) {
				inRange = false
			}
		}
		y, fixed, err := m.Correct(word, erasures)
		radius := (n - len(erasures) - k) / 2
		switch {
		case !inRange:
			require.ErrorIs(t, err, ErrSymbolRange)
		case len(erasures) > n-k:
			require.ErrorIs(t, err, ErrTooManyErrors)
		default:
			var within []int
			for z, cw := range table {
				if hamming(cw, word, erased) <= radius {
					within = append(within, z)
				}
			}
			require.LessOrEqual(t, len(within), 1)
			if len(within) == 0 {
				require.ErrorIs(t, err, ErrTooManyErrors)
			} else {
				require.NoError(t, err)
				require.Equal(t, within[0], y)
				require.Equal(t, hamming(table[y], word, erased), fixed)
			}
		}

		// Reconstruct.
		size := min(len(siteBytes), len(symBytes), 24)
		subset := fuzzInts(siteBytes[:size], -1, n+2)
		syms := fuzzInts(symBytes[:size], -1, p+2)
		y, err = m.Reconstruct(subset, syms)
		if badSubset(t, m, subset, syms, err) {
			return
		}
		want := matches(table, subset, syms)
		switch {
		case size < k:
			require.ErrorIs(t, err, ErrTooFewSites)
		case len(want) == 0:
			require.True(t, errors.Is(err, ErrLabelRange) || errors.Is(err, ErrNotCodeword), "%v", err)
			require.Equal(t, refLagrange(p, subset[:k], syms[:k]) >= K, errors.Is(err, ErrLabelRange))
		default:
			require.NoError(t, err)
			require.Equal(t, want, []int{y})
		}
	})
}

func FuzzUnmarshal(f *testing.F) {
	for _, K := range []int{2, 1000} {
		for _, nm := range mappingsFor(f, K) {
			if data := must(Marshal(nm.m)); len(data) <= 1<<12 {
				f.Add(data)
			}
		}
	}
	for _, s := range []string{``, `{}`, `null`, `{"kind":"one_hot","classes":2147483647}`,
		`{"kind":"prime_residue","classes":2147483647,"primes":[2147483647]}`,
		`{"kind":"reed_solomon","classes":2147483647,"prime":2147483647,"sites":3}`,
		`{"kind":"reed_solomon","classes":10,"prime":65537,"sites":65536}`,
		`{"kind":"random_binary","classes":3,"bits":2,"seed":0,"rows":"AwAAAAAAAAAAAAAAAAAAAAIAAAAAAAAA"}`,
		`{"kind":"binary","classes":-1}`, `{"kind":"prime_residue","classes":10,"primes":[2,2,3]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<12 {
			return
		}
		m, err := Unmarshal(data)
		if err != nil {
			require.ErrorIs(t, err, ErrCorrupt)
			require.Nil(t, m)
			return
		}
		// What loads is a valid mapping: it marshals to a fixed point and
		// its codes round-trip.
		again, err := Marshal(m)
		require.NoError(t, err)
		m2, err := Unmarshal(again)
		require.NoError(t, err)
		require.Equal(t, string(again), string(must(Marshal(m2))))
		K := m.Classes()
		for _, y := range []int{0, K / 2, K - 1} {
			code, err := m.Encode(y, nil)
			require.NoError(t, err)
			got, err := m.Decode(code)
			require.NoError(t, err)
			require.Equal(t, y, got)
		}
	})
}
