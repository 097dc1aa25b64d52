package codes

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// Construction settings of RandomBinary.
const (
	// randomBinaryDraws is how many random matrices NewRandomBinary draws
	// when measuring their minimum distance is affordable.
	randomBinaryDraws = 8
	// randomBinaryBudget bounds the row-pair word comparisons spent
	// measuring minimum distances (about a second on one core).
	randomBinaryBudget = 1 << 29
	// randomBinaryMaxWords bounds the code matrix to 1 GiB.
	randomBinaryMaxWords = 1 << 27
)

// RandomBinary is a dense random error-correcting output code (ECOC): each
// label's code is a row of `bits` independent fair coin flips, all rows
// distinct. Site i holds bit i of the row. Rows are packed in uint64 words,
// bit i in word i/64 at position i%64.
type RandomBinary struct {
	classes, bits, words int
	seed                 uint64
	rows                 []uint64 // classes × words
	index                rowIndex
}

// NewRandomBinary returns a random code of K = classes labels with `bits`
// bits per code, drawn from a PCG generator seeded with seed. Rows are
// distinct (a repeated row is redrawn). It draws up to 8 matrices and keeps
// the one with the largest minimum Hamming distance (the first on ties),
// as many as 2^29 row-pair word comparisons allow: 8 draws up to K = 8192
// at 64 bits, fewer above; from K²·words/2 > 2^28 (K > 23170 at 64 bits)
// it keeps a single draw without measuring it. The same arguments give the
// same code.
//
// It returns ErrTooFewClasses or ErrTooManyClasses for K outside
// [2, MaxClasses] or a matrix above 1 GiB, ErrNotInjective if 2^bits < K,
// and ErrTooManySites if bits > MaxSites. Cost: O(K·bits) per draw, plus
// O(K²·bits/64) per draw when measuring.
func NewRandomBinary(classes, bits int, seed uint64) (*RandomBinary, error) {
	if err := checkClasses(classes); err != nil {
		return nil, fmt.Errorf("codes: NewRandomBinary: %w", err)
	}
	if bits > MaxSites {
		return nil, fmt.Errorf("codes: NewRandomBinary: %d bits, at most %d: %w", bits, MaxSites, ErrTooManySites)
	}
	if need := minBits(classes); bits < need {
		return nil, fmt.Errorf("codes: NewRandomBinary: %d classes need at least %d bits, got %d: %w", classes, need, bits, ErrNotInjective)
	}
	words := (bits + 63) / 64
	if classes > randomBinaryMaxWords/words {
		return nil, fmt.Errorf("codes: NewRandomBinary: %d classes × %d bits exceeds 1 GiB: %w", classes, bits, ErrTooManyClasses)
	}
	rng := rand.New(rand.NewPCG(seed, 0x6c6162656c636f64)) // "labelcod"
	pairWords := float64(classes) * float64(classes-1) / 2 * float64(words)
	draws := min(randomBinaryDraws, int(randomBinaryBudget/pairWords))
	measure := draws >= 2
	draws = max(draws, 1)

	var best *RandomBinary
	bestDist := 0
	for range draws {
		m := &RandomBinary{classes: classes, bits: bits, words: words, seed: seed}
		m.draw(rng)
		if !measure {
			best = m
			break
		}
		// A draw that cannot beat the best so far is abandoned early.
		if d := m.minDistanceAbove(bestDist); d > bestDist {
			best, bestDist = m, d
		}
	}
	return best, nil
}

// minBits returns ceil(log2 K).
func minBits(classes int) int { return bits.Len(uint(classes - 1)) }

// draw fills the rows with distinct random rows and builds the index.
func (m *RandomBinary) draw(rng *rand.Rand) {
	m.rows = make([]uint64, m.classes*m.words)
	m.index = newRowIndex(m.classes)
	if m.bits < 63 && uint64(1)<<m.bits < 2*uint64(m.classes) {
		// Dense: a partial Fisher–Yates shuffle of all 2^bits rows, since
		// redrawing collisions would take K·ln K draws.
		all := make([]uint32, 1<<m.bits)
		for v := range all {
			all[v] = uint32(v)
		}
		for y := range m.classes {
			j := y + rng.IntN(len(all)-y)
			all[y], all[j] = all[j], all[y]
			m.rows[y] = uint64(all[y])
			m.index.insert(m, y)
		}
		return
	}
	last := lastWordMask(m.bits)
	for y := range m.classes {
		row := m.rows[y*m.words : (y+1)*m.words]
		for {
			for w := range row {
				row[w] = rng.Uint64()
			}
			row[len(row)-1] &= last
			if m.index.insert(m, y) {
				break
			}
		}
	}
}

// lastWordMask returns the mask of the bits used in the last word of a row.
func lastWordMask(bits int) uint64 {
	if r := bits % 64; r != 0 {
		return 1<<r - 1
	}
	return ^uint64(0)
}

// minDistanceAbove returns the minimum Hamming distance between rows, or
// any value <= floor as soon as it is known to be at most floor.
func (m *RandomBinary) minDistanceAbove(floor int) int {
	best := m.bits + 1
	for a := 1; a < m.classes; a++ {
		ra := m.rows[a*m.words : (a+1)*m.words]
		for b := range a {
			rb := m.rows[b*m.words : (b+1)*m.words]
			d := 0
			for w, x := range ra {
				d += bits.OnesCount64(x ^ rb[w])
			}
			if d < best {
				best = d
				if best <= floor {
					return best
				}
			}
		}
	}
	return best
}

// Classes returns K.
func (m *RandomBinary) Classes() int { return m.classes }

// Sites returns the number of bits.
func (m *RandomBinary) Sites() int { return m.bits }

// Bits returns the number of bits; the same as Sites.
func (m *RandomBinary) Bits() int { return m.bits }

// Seed returns the seed the code was drawn with.
func (m *RandomBinary) Seed() uint64 { return m.seed }

// SiteClasses returns 2; it panics if site is outside [0, Bits()).
func (m *RandomBinary) SiteClasses(site int) int {
	if site < 0 || site >= m.bits {
		panic(fmt.Sprintf("codes: RandomBinary.SiteClasses: site %d of %d", site, m.bits))
	}
	return 2
}

// Encode writes the bits of label's row into dst (grown when too short) and
// returns it; it allocates nothing when cap(dst) >= Bits(). It returns
// ErrLabelRange if label is outside [0, K). Cost: O(Bits()).
func (m *RandomBinary) Encode(label int, dst []int) ([]int, error) {
	if label < 0 || label >= m.classes {
		return dst, labelError(label, m.classes)
	}
	dst = grow(dst, m.bits)
	row := m.rows[label*m.words : (label+1)*m.words]
	for i := range dst {
		dst[i] = int(row[i>>6]>>(i&63)) & 1
	}
	return dst, nil
}

// Packed writes label's row into dst as (Bits()+63)/64 words, bit i in word
// i/64 at position i%64, unused high bits zero (dst grown when too short),
// and returns it; it allocates nothing when dst is long enough. It returns
// ErrLabelRange if label is outside [0, K).
func (m *RandomBinary) Packed(label int, dst []uint64) ([]uint64, error) {
	if label < 0 || label >= m.classes {
		return dst, labelError(label, m.classes)
	}
	if cap(dst) < m.words {
		dst = make([]uint64, m.words)
	}
	dst = dst[:m.words]
	copy(dst, m.rows[label*m.words:(label+1)*m.words])
	return dst, nil
}

// Decode returns the label whose row is exactly symbols, through a hash
// index of the rows. It panics if len(symbols) != Bits(), returns
// ErrSymbolRange if a symbol is not 0 or 1 and ErrNotCodeword if no row
// matches. It allocates nothing. Cost: O(Bits()) expected.
func (m *RandomBinary) Decode(symbols []int) (int, error) {
	checkLength("RandomBinary.Decode", len(symbols), m.bits)
	h := uint64(0)
	var word uint64
	for i, s := range symbols {
		if s != 0 && s != 1 {
			return 0, fmt.Errorf("codes: RandomBinary.Decode: symbol %d at site %d is not a bit: %w", s, i, ErrSymbolRange)
		}
		word |= uint64(s) << (i & 63)
		if i&63 == 63 || i == len(symbols)-1 {
			h = hashWord(h, word)
			word = 0
		}
	}
	for slot := h & m.index.mask; ; slot = (slot + 1) & m.index.mask {
		y := m.index.slots[slot]
		if y < 0 {
			return 0, errDecodeWord
		}
		if m.rowEquals(int(y), symbols) {
			return int(y), nil
		}
	}
}

// rowEquals reports whether row y is symbols (all 0 or 1).
func (m *RandomBinary) rowEquals(y int, symbols []int) bool {
	row := m.rows[y*m.words : (y+1)*m.words]
	for w, x := range row {
		var v uint64
		end := min(len(symbols), (w+1)*64)
		for i := w * 64; i < end; i++ {
			v |= uint64(symbols[i]) << (i & 63)
		}
		if v != x {
			return false
		}
	}
	return true
}

// rowIndex is an open-addressing hash set of row numbers, at most half full.
type rowIndex struct {
	slots []int32 // -1 when empty
	mask  uint64
}

func newRowIndex(classes int) rowIndex {
	size := 1 << bits.Len(uint(2*classes-1))
	slots := make([]int32, size)
	for i := range slots {
		slots[i] = -1
	}
	return rowIndex{slots: slots, mask: uint64(size - 1)}
}

// hashWord mixes one word into h (the splitmix64 finalizer).
func hashWord(h, w uint64) uint64 {
	x := h ^ w + 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func (m *RandomBinary) hashRow(y int) uint64 {
	h := uint64(0)
	for _, w := range m.rows[y*m.words : (y+1)*m.words] {
		h = hashWord(h, w)
	}
	return h
}

// insert adds row y to the index and reports whether it was new.
func (ix *rowIndex) insert(m *RandomBinary, y int) bool {
	row := m.rows[y*m.words : (y+1)*m.words]
	for slot := m.hashRow(y) & ix.mask; ; slot = (slot + 1) & ix.mask {
		z := ix.slots[slot]
		if z < 0 {
			ix.slots[slot] = int32(y)
			return true
		}
		other := m.rows[int(z)*m.words : (int(z)+1)*m.words]
		same := true
		for w := range row {
			if row[w] != other[w] {
				same = false
				break
			}
		}
		if same {
			return false
		}
	}
}
