package codes

import (
	"github.com/labelcode/labelcode/internal/modarith"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestModulus(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, p := range []uint64{2, 3, 5, 1009, 65521, 65537, 46349, MaxPrime - 2, MaxPrime} {
		d := modarith.New(p)
		xs := []uint64{0, 1, p - 1, p, p + 1, 2*p - 1, 2 * p, p * p, p*p - 1, 1<<62 - 1, 1 << 62, ^uint64(0), ^uint64(0) - 1}
		for range 20000 {
			xs = append(xs, rng.Uint64(), rng.Uint64()>>rng.IntN(64))
		}
		for _, x := range xs {
			q, r := d.QuoRem(x)
			if d.Mod(x) != x%p || q != x/p || r != x%p {
				t.Fatalf("p=%d x=%d: reduce %d, quoRem %d, %d", p, x, d.Mod(x), q, r)
			}
		}
	}
}

func TestFieldInverse(t *testing.T) {
	for _, p := range []int{2, 3, 7, 1009, 65521, 65537, MaxPrime} {
		f := newField(p)
		require.Equal(t, p <= inverseTableMax, f.inv != nil)
		rng := rand.New(rand.NewPCG(uint64(p), 43))
		for range 2000 {
			a := 1 + uint64(rng.IntN(p-1))
			inv := f.invert(a)
			require.Equal(t, uint64(1), f.mul(a, inv), "p=%d a=%d", p, a)
			require.Equal(t, powMod(a, uint64(p-2), uint64(p)), inv, "Fermat")
		}
	}
	require.Zero(t, invMod(6, 9), "not invertible")
	require.Equal(t, uint64(4), invMod(2, 7))
}
