package dsnc

import (
	"context"
	"encoding/binary"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"

	"github.com/labelcode/labelcode"
)

// glyphLike generates a task shaped like the CJK glyphs at a tiny size: k
// classes of rows non-negative "pixels" (a sparse 0/1 class prototype,
// some of its pixels dropped and a few others lit per row), so that every
// input is >= 0 and no class is predictable at first.
func glyphLike(t testing.TB, k, rows, features int, seed uint64) *labelcode.Dataset {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 11))
	proto := make([]bool, k*features)
	for i := range proto {
		proto[i] = r.Float64() < 0.8
	}
	x := make([]float32, 0, k*rows*features)
	y := make([]int, 0, k*rows)
	for c := 0; c < k; c++ {
		for range rows {
			for j := 0; j < features; j++ {
				on := proto[c*features+j]
				if on && r.Float64() < 0.1 || !on && r.Float64() < 0.05 {
					on = !on
				}
				v := float32(0)
				if on {
					v = 1
				}
				x = append(x, v)
			}
			y = append(y, c)
		}
	}
	d, err := labelcode.NewDataset(x, y, features, k)
	require.NoError(t, err)
	return d
}

// TestSymmetricCodesPreventCollapse trains on a task where {0, 1} codes
// collapse (many classes, non-negative inputs, few steps) and requires the
// symmetric codes to stay spread after one epoch and, unless -short, to
// classify held-out rows clearly better after five.
func TestSymmetricCodesPreventCollapse(t *testing.T) {
	const seed = 1
	d := glyphLike(t, 1500, 5, 128, seed)
	tr, va, _, err := d.Split(0.2, 0, seed)
	require.NoError(t, err)
	fit := func(sym bool, epochs int) (codes int, acc float64) {
		m, h, err := fit(context.Background(), tr, va, WithHidden(128), WithBits(64), WithBatchSize(128),
			WithEpochs(epochs), WithPatience(0), WithSymmetricCodes(sym), WithSeed(seed))
		require.NoError(t, err)
		require.Equal(t, sym, m.Config.Symmetric)
		st, err := m.Analyze(tr)
		require.NoError(t, err)
		return st.Codes, h.Epochs[len(h.Epochs)-1].Score
	}
	off, _ := fit(false, 1)
	on, _ := fit(true, 1)
	t.Logf("distinct training codes after one epoch: %d off, %d symmetric (of %d rows)", off, on, tr.Len())
	require.Less(t, off, tr.Len()/10, "the {0, 1} codes were expected to collapse on this task")
	require.Greater(t, on, tr.Len()/2)
	if testing.Short() {
		return
	}
	_, accOff := fit(false, 5)
	_, accOn := fit(true, 5)
	t.Logf("held-out accuracy after five epochs: %.4f off, %.4f symmetric", accOff, accOn)
	require.Greater(t, accOn, 2*accOff)
	require.Greater(t, accOn-accOff, 0.01)
}

// TestSymmetricLogitsMatchFoldedDecoder runs the training graph of a
// symmetric model on threshold codes and requires its logits, (2b−1)·W + B,
// to equal the scores the model's linear decoder gives the same {0, 1}
// codes with the folded weights, and Fit's validation accuracy to be the
// accuracy of those logits.
func TestSymmetricLogitsMatchFoldedDecoder(t *testing.T) {
	const rows = 40
	cfg := Config{Features: 12, Hidden: []int{10}, Bits: 70, Classes: 9, Symmetric: true}
	m, err := newModel(cfg, 3)
	require.NoError(t, err)
	// non-zero biases, so that folding B matters beyond Σ W
	rb := rand.New(rand.NewPCG(3, 3))
	for i := range cfg.Classes {
		m.Decoder.B[i] = float32(rb.NormFloat64())
	}
	d := blobs(t, cfg.Classes, rows/cfg.Classes+1, cfg.Features, 1, 5)
	d = d.Subset(rand.New(rand.NewPCG(1, 1)).Perm(d.Len())[:rows])
	tg, err := newTrainingGraph(m, rows, false, 1)
	require.NoError(t, err)
	require.True(t, tg.Net.Symmetric)
	require.NoError(t, SetMode(tg.Bits, Threshold))
	all := make([]int, rows)
	for i := range all {
		all[i] = i
	}
	require.NoError(t, tg.SetBatch(d, all, 0, 0))
	vm := G.NewTapeMachine(tg.Graph, G.TraceExec())
	require.NoError(t, vm.RunAll())
	logits, bits := floats(t, tg.Logits.Value()), floats(t, tg.Bits.Value())
	vm.Close()

	lab := newLinearLabeler(m)
	raw, rawB := m.Decoder.W, m.Decoder.B
	var s scratch
	code := make([]uint64, 2)
	correct, rawDiffers := 0, false
	for r := range rows {
		clear(code)
		for i := range cfg.Bits {
			if bits[r*cfg.Bits+i] == 1 {
				code[i/64] |= 1 << (i % 64)
			}
		}
		got, err := lab.Label(code, &s)
		require.NoError(t, err)
		scores := lab.Scores(code, &s)
		want := logits[r*cfg.Classes : (r+1)*cfg.Classes]
		best := 0
		for k, v := range want {
			require.InDelta(t, v, float64(scores[k]), 1e-4*(1+math.Abs(v)), "row %d class %d", r, k)
			if v > want[best] {
				best = k
			}
		}
		// the unfolded decoder on the 0/1 code scores differently
		for k, v := range want {
			u := float64(rawB[k])
			for i := range cfg.Bits {
				if bits[r*cfg.Bits+i] == 1 {
					u += float64(raw[i*cfg.Classes+k])
				}
			}
			if math.Abs(u-v) > 1e-2 {
				rawDiffers = true
			}
		}
		require.Equal(t, best, got)
		if best == d.Y[r] {
			correct++
		}
	}
	require.True(t, rawDiffers)
	acc, err := m.validationAccuracy(d)
	require.NoError(t, err)
	require.Equal(t, float64(correct)/rows, acc)
}

// TestSymmetricSaveLoad checks that a symmetric model keeps the option
// through a file and predicts the same, that a version-1 file (no flags
// byte) still loads as a {0, 1} model, and that unknown flags are rejected.
func TestSymmetricSaveLoad(t *testing.T) {
	d := blobs(t, 6, 20, 8, 0.5, 2)
	m, _, err := fit(context.Background(), d, nil, WithBits(10), WithHidden(6), WithEpochs(2), WithBatchSize(16),
		WithSymmetricCodes(true))
	require.NoError(t, err)
	require.True(t, m.Config.Symmetric)
	require.Contains(t, m.String(), "symmetric")
	for _, dec := range []Decoding{{}, {Kind: TableDecoding}} {
		p, err := predictorOf(m, dec)
		require.NoError(t, err)
		data, err := p.MarshalBinary()
		require.NoError(t, err)
		q, err := Unmarshal(data)
		require.NoError(t, err)
		require.True(t, q.Config.Symmetric)
		requireSameModel(t, m, q)
		requireSameBatch(t, p, q, d)
	}
	// a file that lost the flag would decode with unfolded weights
	plain := m.Clone()
	plain.Config.Symmetric = false
	pa, err := m.validationAccuracy(d)
	require.NoError(t, err)
	pb, err := plain.validationAccuracy(d)
	require.NoError(t, err)
	require.NotEqual(t, pa, pb)

	// version 1: the same body without the flags byte
	cfg := Config{Features: 5, Hidden: []int{4, 3}, Bits: 9, Classes: 4}
	old, err := newModel(cfg, 1)
	require.NoError(t, err)
	v2, err := old.MarshalBinary()
	require.NoError(t, err)
	flagsAt := headerLen + 1 + 4*4 + 4*len(cfg.Hidden)
	require.Zero(t, v2[flagsAt])
	reseal := func(body []byte, version uint32) []byte {
		out := append([]byte(fileMagic), make([]byte, 12)...)
		binary.LittleEndian.PutUint32(out[8:], version)
		binary.LittleEndian.PutUint64(out[12:], uint64(len(body)))
		out = append(out, body...)
		return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli))
	}
	body := v2[headerLen : len(v2)-4]
	v1 := reseal(append(append([]byte(nil), body[:flagsAt-headerLen]...), body[flagsAt-headerLen+1:]...), 1)
	var back Model
	require.NoError(t, back.unmarshalBinary(v1))
	requireSameModel(t, old, &back)
	require.False(t, back.Config.Symmetric)
	// the version-2 body read as version 1 is off by one byte
	require.ErrorIs(t, back.unmarshalBinary(reseal(body, 1)), ErrCorrupt)
	// unknown flags
	bad := append([]byte(nil), body...)
	bad[flagsAt-headerLen] = 2
	require.ErrorIs(t, back.unmarshalBinary(reseal(bad, 2)), ErrCorrupt)
	bad[flagsAt-headerLen] = 1
	require.NoError(t, back.unmarshalBinary(reseal(bad, 2)))
	require.True(t, back.Config.Symmetric)
}
