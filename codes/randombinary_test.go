package codes

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRandomBinaryDeterministic(t *testing.T) {
	a, err := NewRandomBinary(500, 40, 99)
	require.NoError(t, err)
	b, err := NewRandomBinary(500, 40, 99)
	require.NoError(t, err)
	c, err := NewRandomBinary(500, 40, 100)
	require.NoError(t, err)
	assert.Equal(t, a.rows, b.rows, "same seed, same code")
	assert.NotEqual(t, a.rows, c.rows, "another seed, another code")
	assert.Equal(t, uint64(99), a.Seed())
	assert.Equal(t, 40, a.Bits())
}

func TestRandomBinaryBestOfDraws(t *testing.T) {
	// Replay the generator: the code kept must be the first draw with the
	// largest minimum distance among the 8.
	const K, nbits, seed = 300, 24, 5
	m, err := NewRandomBinary(K, nbits, seed)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(seed, 0x6c6162656c636f64))
	var dists []int
	var best *RandomBinary
	bestDist := -1
	for range randomBinaryDraws {
		d := &RandomBinary{classes: K, bits: nbits, words: 1}
		d.draw(rng)
		dist := MeasureMinDistance(d)
		dists = append(dists, dist)
		if dist > bestDist {
			best, bestDist = d, dist
		}
	}
	t.Logf("minimum distances of the draws: %v", dists)
	assert.Equal(t, best.rows, m.rows)
	assert.Equal(t, bestDist, MeasureMinDistance(m))
	assert.Equal(t, bestDist, m.minDistanceAbove(0))
}

func TestRandomBinaryShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	// Word boundaries, the dense (shuffle) path at the fewest bits, and a
	// code with all 2^bits rows.
	for _, c := range []struct{ K, bits int }{{2, 1}, {1024, 10}, {1000, 10}, {1000, 11}, {100, 63}, {100, 64}, {100, 65},
		{50, 127}, {50, 128}, {50, 129}, {20, 1000}} {
		m, err := NewRandomBinary(c.K, c.bits, uint64(c.K*c.bits))
		require.NoError(t, err)
		table := codeTable(t, m)
		seen := map[string]bool{}
		ones := 0
		var packed []uint64
		for y, code := range table {
			require.False(t, seen[key(code)], "row %d repeats", y)
			seen[key(code)] = true
			packed, err = m.Packed(y, packed)
			require.NoError(t, err)
			require.Len(t, packed, (c.bits+63)/64)
			for i, s := range code {
				require.Equal(t, int(packed[i/64]>>(i%64)&1), s)
				ones += s
			}
			require.Zero(t, packed[len(packed)-1]&^lastWordMask(c.bits), "bits beyond the code are zero")
		}
		// Fair coins: the fraction of ones is near 1/2 (5 sigma).
		total := float64(c.K * c.bits)
		if total > 1000 {
			assert.InDelta(t, 0.5, float64(ones)/total, 5*0.5/math.Sqrt(total), "K=%d bits=%d", c.K, c.bits)
		}
		// Decode: every row, and a row with one bit flipped (not a code
		// unless it is another row).
		for range 50 {
			y := rng.IntN(c.K)
			w := append([]int(nil), table[y]...)
			got, err := m.Decode(w)
			require.NoError(t, err)
			require.Equal(t, y, got)
			w[rng.IntN(c.bits)] ^= 1
			got, err = m.Decode(w)
			if seen[key(w)] {
				require.NoError(t, err)
				require.Equal(t, w, table[got])
			} else {
				require.ErrorIs(t, err, ErrNotCodeword)
			}
		}
	}
	m, _ := NewRandomBinary(10, 8, 1)
	_, err := m.Packed(10, nil)
	assert.ErrorIs(t, err, ErrLabelRange)
	dst := make([]uint64, 4)
	assert.Zero(t, testing.AllocsPerRun(50, func() { dst, _ = m.Packed(3, dst) }))
}

func TestRandomBinaryDistanceBeatsBinary(t *testing.T) {
	// A random code with spare bits separates labels: its measured minimum
	// distance is well above the binary code's 1.
	m, err := NewRandomBinary(1000, 64, 3)
	require.NoError(t, err)
	d := MeasureMinDistance(m)
	t.Logf("K=1000, 64 bits: minimum distance %d", d)
	assert.GreaterOrEqual(t, d, 12)
	b, _ := NewBinary(1000)
	assert.Equal(t, 1, MeasureMinDistance(b))
}
