package labelmap

import (
	"bytes"
	"context"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/infer"
	"github.com/labelcode/labelcode/internal/nn"
)

// TestMultiHeadBatchNorm trains a MultiHead with batch norm on a small
// task and checks that it learns, that its folded network gives the
// log-probabilities (and so the per-head symbols) of the unfolded
// computation with the running statistics, that the kept weights and
// statistics are the best epoch's (the validation accuracy equals the
// best score), and that it predicts the same labels after Save and
// labelmap.Load or infer.Load.
func TestMultiHeadBatchNorm(t *testing.T) {
	tr, va, te := prototypes(60, 6, 12, 0.2, 3)
	m, _ := codes.NewPrimeResidue(60, []int{7, 11, 13})
	var bn *nn.BatchNorm
	var unfolded *nn.Net
	batchNormTrained = func(b *nn.BatchNorm, n *nn.Net) { bn, unfolded = b, n.Clone() }
	defer func() { batchNormTrained = nil }()
	h, err := NewMultiHead(m, WithHidden(48, 32), WithEpochs(12), WithLearningRate(1e-2), WithBatchSize(32), WithSeed(2), WithPatience(4), WithBatchNorm(true))
	if err != nil {
		t.Fatal(err)
	}
	hist, err := h.Fit(context.Background(), tr, va)
	if err != nil {
		t.Fatal(err)
	}
	if bn == nil {
		t.Fatal("no batch norm trained")
	}
	acc, err := h.Accuracy(te)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("MultiHead with batch norm %v: accuracy %.3f after %d epochs (best %d)", h, acc, len(hist.Epochs), hist.Best)
	if acc < 0.6 {
		t.Fatalf("accuracy %.3f < 0.6", acc)
	}
	best := math.Inf(-1)
	for _, ep := range hist.Epochs {
		best = math.Max(best, ep.Score)
	}
	if vacc, _ := h.Accuracy(va); vacc != best {
		t.Fatalf("validation accuracy %v, best epoch score %v", vacc, best)
	}
	// The folded network against the unfolded computation.
	var ws nn.Workspace
	got := h.net.ForwardBatch(te.X, te.Len(), &ws, nil)
	want := bn.ForwardBatchNorm(unfolded, te.X, te.Len())
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > 1e-4*(1+math.Abs(want[i])) {
			t.Fatalf("output %d: folded %v, unfolded %v", i, got[i], want[i])
		}
	}
	outs := h.net.Spec.Outputs()
	for r := 0; r < te.Len(); r++ {
		off := r * outs
		for _, k := range h.net.Spec.Heads {
			g32 := got[off : off+k]
			w64 := want[off : off+k]
			if a, b := nn.ArgMax(g32), argMax64(w64); a != b {
				t.Fatalf("row %d: folded symbol %d, unfolded %d", r, a, b)
			}
			off += k
		}
	}
	// Files: the same labels through labelmap.Load and infer.Load.
	path := filepath.Join(t.TempDir(), "bn.lm")
	samePredictions(t, h, reloaded(t, h, path), te)
	im, err := infer.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	wantLabels, _ := h.PredictBatch(te.X, te.Len(), nil)
	gotLabels, err := im.PredictBatch(te.X, te.Len(), nil)
	if err != nil || !slices.Equal(gotLabels, wantLabels) {
		t.Fatalf("infer: %v %v, want %v", gotLabels, err, wantLabels)
	}
	// A custom loop refuses batch norm.
	if _, err := h.NewTrainingGraph(8); err == nil {
		t.Error("NewTrainingGraph accepted a batch-norm model")
	}
}

func argMax64(v []float64) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// TestMLPBatchNorm trains MLP learners with and without batch norm: the
// option off is the default bit for bit, on it learns a different network
// of the same shape and size that saves and reloads.
func TestMLPBatchNorm(t *testing.T) {
	tr, va, te := prototypes(20, 6, 12, 0.2, 5)
	fit := func(opts ...Option) *MLP {
		opts = append([]Option{WithHidden(32, 32), WithEpochs(8), WithLearningRate(1e-2), WithBatchSize(32), WithSeed(3)}, opts...)
		m, err := NewMLP(opts...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Fit(context.Background(), tr, va); err != nil {
			t.Fatal(err)
		}
		return m
	}
	plain, off, on := fit(), fit(WithBatchNorm(false)), fit(WithBatchNorm(true))
	bp, _ := plain.MarshalBinary()
	bo, _ := off.MarshalBinary()
	bb, _ := on.MarshalBinary()
	if !bytes.Equal(bp, bo) {
		t.Fatal("WithBatchNorm(false) changed the model")
	}
	if bytes.Equal(bp, bb) || len(bp) != len(bb) || on.Params() != plain.Params() {
		t.Fatalf("batch norm model: %d bytes, %d params; plain %d bytes, %d params", len(bb), on.Params(), len(bp), plain.Params())
	}
	hits := 0
	var dst []float64
	for r := 0; r < te.Len(); r++ {
		var err error
		if dst, err = on.LogProba(te.Row(r), dst); err != nil {
			t.Fatal(err)
		}
		if argMax64(dst) == te.Y[r] {
			hits++
		}
	}
	if acc := float64(hits) / float64(te.Len()); acc < 0.8 {
		t.Fatalf("MLP with batch norm: accuracy %.3f", acc)
	}
	back := &MLP{}
	if err := back.UnmarshalBinary(bb); err != nil {
		t.Fatal(err)
	}
	again, _ := back.MarshalBinary()
	if !bytes.Equal(again, bb) {
		t.Fatal("reloaded MLP differs")
	}
}
