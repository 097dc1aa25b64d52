package nntrain

import (
	"errors"
	"math"
	"testing"

	"github.com/labelcode/labelcode/internal/concurrent"
	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/internal/nn"
	"github.com/labelcode/labelcode/internal/nn/nntest"
)

func mustNet(t testing.TB, spec nn.Spec, seed uint64) *nn.Net {
	t.Helper()
	n, err := nn.NewNet(spec, seed, limits.DefaultMaxWeights)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// graphAndAdam returns a training graph of n for batches of rows and an
// Adam with rate 0.01 over its parameters; the graph closes with the test.
func graphAndAdam(t *testing.T, n *nn.Net, rows int) (*Graph, *Adam) {
	t.Helper()
	gr, err := NewGraph(n, rows)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gr.Close() })
	opt, err := NewAdam(gr.Params(), 0.01)
	if err != nil {
		t.Fatal(err)
	}
	return gr, opt
}

// referenceLoss computes Σ_h mean_r -logp_h[target] with ForwardBatch.
func referenceLoss(n *nn.Net, x []float32, targets [][]int) float64 {
	rows := len(targets[0])
	out := n.ForwardBatch(x, rows, nil, nil)
	outs := n.Spec.Outputs()
	var loss float64
	for r := 0; r < rows; r++ {
		off := r * outs
		for h, k := range n.Spec.Heads {
			loss -= float64(out[off+targets[h][r]]) / float64(rows)
			off += k
		}
	}
	return loss
}

func TestGraphMatchesForward(t *testing.T) {
	spec := nn.Spec{Inputs: 5, Hidden: []int{7, 6}, Heads: []int{4, 3}}
	n := mustNet(t, spec, 1)
	rows := 9
	x, y := nntest.Blobs(12, 5, rows, 0.5, 2)
	targets := [][]int{make([]int, rows), make([]int, rows)}
	for r, c := range y {
		targets[0][r], targets[1][r] = c%4, c%3
	}
	gr, opt := graphAndAdam(t, n, rows)
	// Several steps, so that the check also shows the graph and the Net keep
	// sharing the weights after the optimizer moved them.
	for step := 0; step < 5; step++ {
		gr.Load(x, targets, nil)
		loss, err := gr.Run()
		if err != nil {
			t.Fatal(err)
		}
		ref := referenceLoss(n, x, targets)
		if math.Abs(loss-ref) > 1e-5*math.Max(1, math.Abs(ref)) {
			t.Fatalf("step %d: graph loss %v, forward loss %v", step, loss, ref)
		}
		grads, err := gr.Grads()
		if err != nil {
			t.Fatal(err)
		}
		opt.Step(grads)
	}
	// Correct counts the arg-max hits of the same batch.
	gr.Load(x, targets, nil)
	if _, err := gr.Run(); err != nil {
		t.Fatal(err)
	}
	out := n.ForwardBatch(x, rows, nil, nil)
	want := []int{0, 0}
	for r := 0; r < rows; r++ {
		if nn.ArgMax(out[r*7:r*7+4]) == targets[0][r] {
			want[0]++
		}
		if nn.ArgMax(out[r*7+4:r*7+7]) == targets[1][r] {
			want[1]++
		}
	}
	for h := range want {
		if got := gr.Losses[h].Correct(); got != want[h] {
			t.Errorf("head %d: Correct = %d, want %d", h, got, want[h])
		}
	}
}

// TestGradientCheck compares the graph's gradients with central differences
// of the graph's own loss, for every weight of a tiny two-head net, after a
// few optimizer steps (so that gradients left over from earlier runs would
// show).
func TestGradientCheck(t *testing.T) {
	spec := nn.Spec{Inputs: 3, Hidden: []int{5}, Heads: []int{4, 2}}
	n := mustNet(t, spec, 3)
	rows := 6
	x, y := nntest.Blobs(8, 3, rows, 0.3, 4)
	targets := [][]int{make([]int, rows), make([]int, rows)}
	for r, c := range y {
		targets[0][r], targets[1][r] = c%4, c/4
	}
	gr, opt := graphAndAdam(t, n, rows)
	gr.Load(x, targets, nil)
	for step := 0; step < 4; step++ {
		if _, err := gr.Run(); err != nil {
			t.Fatal(err)
		}
		gs, err := gr.Grads()
		if err != nil {
			t.Fatal(err)
		}
		opt.Step(gs)
	}
	if _, err := gr.Run(); err != nil {
		t.Fatal(err)
	}
	gs, err := gr.Grads()
	if err != nil {
		t.Fatal(err)
	}
	grads := make([][]float32, len(gs))
	for i, g := range gs {
		grads[i] = append([]float32(nil), g...)
	}
	if checked := centralDiffCheck(t, gr, gr.Params(), grads); checked != n.Params() {
		t.Fatalf("checked %d weights, net has %d", checked, n.Params())
	}
}

// centralDiffCheck compares grads, the analytic gradients of the graph's
// loss with respect to params (slices the graph reads), with central
// differences of the loss (step 1e-3; tolerance 2e-3 + 2 % of the
// numeric value), and returns the number of values checked.
func centralDiffCheck(t *testing.T, gr *Graph, params, grads [][]float32) int {
	t.Helper()
	const eps = 1e-3
	checked := 0
	for pi, p := range params {
		for j := range p {
			orig := p[j]
			p[j] = orig + eps
			lp, err := gr.Run()
			if err != nil {
				t.Fatal(err)
			}
			p[j] = orig - eps
			lm, err := gr.Run()
			if err != nil {
				t.Fatal(err)
			}
			p[j] = orig
			num := (lp - lm) / (2 * eps)
			an := float64(grads[pi][j])
			if math.Abs(num-an) > 2e-3+2e-2*math.Abs(num) {
				t.Errorf("param %d[%d]: analytic %.6f, numeric %.6f", pi, j, an, num)
			}
			checked++
		}
	}
	return checked
}

func TestBadInput(t *testing.T) {
	if _, err := nn.NewNet(nn.Spec{Inputs: 0, Heads: []int{2}}, 1, limits.DefaultMaxWeights); !errors.Is(err, nn.ErrSpec) {
		t.Errorf("zero inputs: %v", err)
	}
	if _, err := nn.NewNet(nn.Spec{Inputs: 2}, 1, limits.DefaultMaxWeights); !errors.Is(err, nn.ErrSpec) {
		t.Errorf("no head: %v", err)
	}
	if _, err := nn.NewNet(nn.Spec{Inputs: 2, Hidden: []int{-1}, Heads: []int{2}}, 1, limits.DefaultMaxWeights); !errors.Is(err, nn.ErrSpec) {
		t.Errorf("negative width: %v", err)
	}
	n := mustNet(t, nn.Spec{Inputs: 2, Heads: []int{3}}, 1)
	good := &Data{X: []float32{1, 2, 3, 4}, Targets: [][]int{{0, 2}}}
	for name, d := range map[string]*Data{
		"target range": {X: []float32{1, 2, 3, 4}, Targets: [][]int{{0, 3}}},
		"negative":     {X: []float32{1, 2, 3, 4}, Targets: [][]int{{-1, 0}}},
		"x length":     {X: []float32{1, 2, 3}, Targets: [][]int{{0, 1}}},
		"heads":        {X: []float32{1, 2, 3, 4}, Targets: [][]int{{0, 1}, {0, 1}}},
		"empty":        {Targets: [][]int{{}}},
		"nan":          {X: []float32{1, float32(math.NaN()), 3, 4}, Targets: [][]int{{0, 1}}},
	} {
		if err := d.Check(n.Spec); !errors.Is(err, ErrData) {
			t.Errorf("%s: %v, want ErrData", name, err)
		}
	}
	// A target outside the head reaching the graph itself fails the run.
	gr, err := NewGraph(n, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer gr.Close()
	gr.Load(good.X, [][]int{{0, 7}}, nil)
	if _, err := gr.Run(); !errors.Is(err, ErrData) {
		t.Errorf("graph run with target 7 of 3: %v, want ErrData", err)
	}
	// A huge learning rate on unscaled inputs diverges or not, but never
	// returns NaN weights silently.
	bad := n.Clone()
	bad.Heads[0].W[0] = float32(math.Inf(1))
	if err := bad.Check(); !errors.Is(err, nn.ErrSpec) {
		t.Errorf("Inf weight: %v", err)
	}
}

func TestForwardSingleMatchesBatch(t *testing.T) {
	n := mustNet(t, nn.Spec{Inputs: 6, Hidden: []int{9, 5, 7}, Heads: []int{3, 1, 8}}, 2)
	rows := 11
	x, _ := nntest.Blobs(4, 6, rows, 1, 3)
	batch := n.ForwardBatch(x, rows, nil, nil)
	outs := n.Spec.Outputs()
	for r := 0; r < rows; r++ {
		one := n.Forward(x[r*6:(r+1)*6], nil, nil)
		for j := range one {
			if d := math.Abs(float64(one[j] - batch[r*outs+j])); d > 1e-5 {
				t.Fatalf("row %d out %d: single %v batch %v", r, j, one[j], batch[r*outs+j])
			}
		}
		// Each head is a distribution.
		off := 0
		for _, k := range n.Spec.Heads {
			var s float64
			for _, v := range one[off : off+k] {
				s += math.Exp(float64(v))
			}
			if math.Abs(s-1) > 1e-5 {
				t.Fatalf("row %d: head probabilities sum to %v", r, s)
			}
			off += k
		}
	}
}

func TestForwardAllocs(t *testing.T) {
	n := mustNet(t, nn.Spec{Inputs: 6, Hidden: []int{9, 5}, Heads: []int{3, 8}}, 2)
	x, _ := nntest.Blobs(4, 6, 16, 1, 3)
	var ws nn.Workspace
	dst := n.Forward(x[:6], &ws, nil)
	if a := testing.AllocsPerRun(100, func() { dst = n.Forward(x[:6], &ws, dst) }); a != 0 {
		t.Errorf("Forward: %v allocs", a)
	}
	bdst := n.ForwardBatch(x, 16, &ws, nil)
	if a := testing.AllocsPerRun(100, func() { bdst = n.ForwardBatch(x, 16, &ws, bdst) }); a != 0 {
		t.Errorf("ForwardBatch: %v allocs", a)
	}
}

func TestForwardConcurrent(t *testing.T) {
	n := mustNet(t, nn.Spec{Inputs: 6, Hidden: []int{16}, Heads: []int{5, 7}}, 2)
	rows := 64
	x, _ := nntest.Blobs(4, 6, rows, 1, 3)
	want := n.ForwardBatch(x, rows, nil, nil)
	outs := n.Spec.Outputs()
	concurrent.Check(t, 4, func(int) error {
		var dst []float32
		for r := 0; r < rows; r++ {
			dst = n.Forward(x[r*6:(r+1)*6], nil, dst)
			for j, v := range dst {
				if math.Abs(float64(v-want[r*outs+j])) > 1e-5 {
					return errors.New("concurrent Forward differs from ForwardBatch")
				}
			}
		}
		return nil
	})
}

func TestAdamFirstStep(t *testing.T) {
	p := [][]float32{{1, -2, 3}}
	a, err := NewAdam(p, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	// The first bias-corrected step moves every weight by lr·sign(g).
	a.Step([][]float32{{0.5, -3, 0}})
	want := []float32{0.9, -1.9, 3}
	for j := range want {
		if math.Abs(float64(p[0][j]-want[j])) > 1e-6 {
			t.Fatalf("after one step %v, want %v", p[0], want)
		}
	}
	if _, err := NewAdam(p, 0); !errors.Is(err, nn.ErrSpec) {
		t.Fatalf("zero learning rate: %v", err)
	}
}

func TestCloneCopyParams(t *testing.T) {
	n := mustNet(t, nn.Spec{Inputs: 4, Hidden: []int{3}, Heads: []int{5, 2}}, 1)
	if got, want := n.Params(), 4*3+3+3*5+5+3*2+2; got != want {
		t.Fatalf("Params = %d, want %d", got, want)
	}
	if n.TrunkParams() != 15 {
		t.Fatalf("TrunkParams = %d", n.TrunkParams())
	}
	c := n.Clone()
	c.Heads[1].W[0] += 1
	if n.Heads[1].W[0] == c.Heads[1].W[0] {
		t.Fatal("Clone shares memory")
	}
	n.CopyFrom(c)
	if n.Heads[1].W[0] != c.Heads[1].W[0] {
		t.Fatal("CopyFrom did not copy")
	}
	m := mustNet(t, nn.Spec{Inputs: 4, Hidden: []int{3}, Heads: []int{5, 2}}, 1)
	m2 := mustNet(t, nn.Spec{Inputs: 4, Hidden: []int{3}, Heads: []int{5, 2}}, 1)
	if m.Heads[0].W[3] != m2.Heads[0].W[3] || m.Hidden[0].W[1] != m2.Hidden[0].W[1] {
		t.Fatal("NewNet is not reproducible")
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	n := mustNet(t, nn.Spec{Inputs: 4, Hidden: []int{3, 2}, Heads: []int{5, 2}}, 1)
	b, err := n.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var m nn.Net
	if err := m.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	b2, _ := m.MarshalBinary()
	if string(b) != string(b2) || m.String() != n.String() {
		t.Fatal("round trip changed the network")
	}
	for cut := 0; cut < len(b); cut += 7 {
		if err := m.UnmarshalBinary(b[:cut]); !errors.Is(err, nn.ErrSpec) {
			t.Fatalf("truncated at %d: %v", cut, err)
		}
	}
	if err := m.UnmarshalBinary(append(b, 0, 0, 0, 0)); !errors.Is(err, nn.ErrSpec) {
		t.Fatalf("trailing data: %v", err)
	}
	bad := append([]byte(nil), b...)
	copy(bad[len(bad)-4:], []byte{0, 0, 0xc0, 0x7f}) // NaN
	if err := m.UnmarshalBinary(bad); !errors.Is(err, nn.ErrSpec) {
		t.Fatalf("NaN weight: %v", err)
	}
	huge := append([]byte(nil), b...)
	copy(huge[4:8], []byte{0xff, 0xff, 0xff, 0x0f})
	if err := m.UnmarshalBinary(huge); !errors.Is(err, nn.ErrSpec) {
		t.Fatalf("huge layer count: %v", err)
	}
}
