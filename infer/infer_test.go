package infer_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/infer"
	"github.com/labelcode/labelcode/internal/compat"
	"github.com/labelcode/labelcode/internal/concurrent"
)

// compatFiles are the DSNC files of testdata/compat that infer serves.
var compatFiles = []string{
	"dsnc.model", "dsnc.model.linear", "dsnc.model.nearest", "dsnc.model.table",
	"dsnc-01.model", "dsnc-01.model.linear", "dsnc-01.model.nearest", "dsnc-01.model.table",
}

// TestCompatFiles loads every DSNC model file written by each earlier
// release and checks that it predicts, one row at a time and in a batch,
// what the release did, and that TopK's first label is Predict's where it
// applies.
func TestCompatFiles(t *testing.T) {
	compat.Run(t, func(t *testing.T, rel string, in *compat.Inputs, exp map[string]compat.Expect) {
		for _, name := range compatFiles {
			t.Run(name, func(t *testing.T) {
				m, err := infer.Load(compat.Path(rel, name))
				if err != nil {
					t.Fatal(err)
				}
				if m.Features() != in.Features {
					t.Fatalf("Features = %d, inputs have %d", m.Features(), in.Features)
				}
				want := exp[name].Labels
				if len(want) != in.Rows {
					t.Fatalf("expect.json has %d labels for %s, want %d", len(want), name, in.Rows)
				}
				checkModel(t, m, in.X, in.Rows, want)
			})
		}
	})
}

// checkModel checks m's Predict, PredictBatch and TopK against want on
// rows rows of x, and that bad rows are refused.
func checkModel(t *testing.T, m *infer.Model, x []float32, rows int, want []int) {
	t.Helper()
	f := m.Features()
	got := make([]int, rows)
	for r := range rows {
		y, err := m.Predict(x[r*f : (r+1)*f])
		if err != nil {
			t.Fatal(err)
		}
		got[r] = y
	}
	if !slices.Equal(got, want) {
		t.Errorf("Predict differs:\n got %v\nwant %v", got, want)
	}
	batch, err := m.PredictBatch(x, rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(batch, want) {
		t.Errorf("PredictBatch differs:\n got %v\nwant %v", batch, want)
	}
	top, err := m.TopK(x[:f], 3, nil)
	switch {
	case errors.Is(err, infer.ErrUnsupported):
	case err != nil:
		t.Fatal(err)
	case len(top) != min(3, m.Classes()) || top[0].Label != want[0]:
		t.Errorf("TopK = %v, Predict = %d", top, want[0])
	default:
		for i := 1; i < len(top); i++ {
			if top[i].Score > top[i-1].Score {
				t.Errorf("TopK not sorted: %v", top)
			}
		}
	}
	if _, err := m.Predict(x[:f-1]); !errors.Is(err, infer.ErrInput) {
		t.Errorf("short row: %v, want ErrInput", err)
	}
	bad := slices.Clone(x[:f])
	bad[0] = float32(nanValue())
	if _, err := m.Predict(bad); !errors.Is(err, infer.ErrInput) {
		t.Errorf("NaN row: %v, want ErrInput", err)
	}
}

func nanValue() float64 { z := 0.0; return z / z }

// clusters returns k classes of 30 rows each in 12 dimensions: class c
// lies around the point whose feature j is 2·cos(c·(j+1)), with Gaussian
// noise of 0.3.
func clusters(t testing.TB, k int, seed uint64) *labelcode.Dataset {
	t.Helper()
	const f = 12
	noise := rand.New(rand.NewPCG(seed, 7))
	x := make([]float32, 0, 30*k*f)
	y := make([]int, 30*k)
	for r := range y {
		y[r] = r % k
		for j := range f {
			x = append(x, float32(2*math.Cos(float64(y[r]*(j+1)))+0.3*noise.NormFloat64()))
		}
	}
	d, err := labelcode.NewDataset(x, y, f, k)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestFreshDSNC trains a DSNC model and checks that, saved with each
// decoder, it predicts through infer what the dsnc model predicts, with
// the same linear scores' order.
func TestFreshDSNC(t *testing.T) {
	d := clusters(t, 20, 3)
	m, err := dsnc.New(dsnc.WithBits(12), dsnc.WithHidden(16), dsnc.WithEpochs(3), dsnc.WithBatchSize(64), dsnc.WithSeed(3))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(context.Background(), d, nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, dec := range []dsnc.Decoding{{Kind: dsnc.LinearDecoding}, {Kind: dsnc.NearestDecoding}, {Kind: dsnc.TableDecoding}} {
		t.Run(dec.String(), func(t *testing.T) {
			p := m.Clone()
			if err := p.SetDecoder(dec); err != nil {
				t.Fatal(err)
			}
			want, err := p.PredictBatch(d.X, d.Len(), nil)
			if err != nil {
				t.Fatal(err)
			}
			im := saveAndLoad(t, p, filepath.Join(dir, dec.Kind.String()), infer.DSNC, 20, 12)
			checkModel(t, im, d.X, d.Len(), want)
			checkConcurrent(t, im, d.X, d.Len(), want)
			checkAllocs(t, im, d.X[:12])
		})
	}
	// A model file read with each decoder option, as dsnc.Load reads it
	// with WithDecoder.
	path := filepath.Join(dir, "model")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	for opt, kind := range map[infer.Decoder]dsnc.DecoderKind{infer.SavedDecoder: dsnc.LinearDecoding,
		infer.LinearDecoder: dsnc.LinearDecoding, infer.NearestDecoder: dsnc.NearestDecoding, infer.TableDecoder: dsnc.TableDecoding} {
		p, err := dsnc.Load(path, dsnc.WithDecoder(dsnc.Decoding{Kind: kind}))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := p.PredictBatch(d.X, d.Len(), nil)
		im, err := infer.Load(path, infer.WithDecoder(opt))
		if err != nil {
			t.Fatal(err)
		}
		got, err := im.PredictBatch(d.X, d.Len(), nil)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("decoder option %d: %v, labels differ from dsnc's %v decoding", opt, err, kind)
		}
	}
	if _, err := infer.Load(path, infer.WithDecoder(infer.Decoder(9))); !errors.Is(err, infer.ErrUnsupported) {
		t.Errorf("unknown decoder: %v, want ErrUnsupported", err)
	}
}

// saveAndLoad saves a model with its package's Save, loads it with infer
// and checks its kind and shape.
func saveAndLoad(t *testing.T, saver interface{ Save(string) error }, path string, kind infer.Kind, classes, features int) *infer.Model {
	t.Helper()
	if err := saver.Save(path); err != nil {
		t.Fatal(err)
	}
	im, err := infer.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if im.Kind() != kind || im.Classes() != classes || im.Features() != features {
		t.Errorf("%v: kind %v, %d classes, %d features", im, im.Kind(), im.Classes(), im.Features())
	}
	return im
}

// checkConcurrent predicts from 8 goroutines at once and checks every
// answer against want.
func checkConcurrent(t *testing.T, m *infer.Model, x []float32, rows int, want []int) {
	t.Helper()
	f := m.Features()
	concurrent.Check(t, 8, func(g int) error {
		for rep := 0; rep < 3; rep++ {
			for r := g; r < rows; r += 8 {
				if y, err := m.Predict(x[r*f : (r+1)*f]); err != nil || y != want[r] {
					return errors.New("Predict differs under concurrency")
				}
			}
			if got, err := m.PredictBatch(x, rows, nil); err != nil || !slices.Equal(got, want) {
				return errors.New("PredictBatch differs under concurrency")
			}
		}
		return nil
	})
}

// checkAllocs checks that Predict and TopK (where supported) allocate
// nothing in steady state.
func checkAllocs(t *testing.T, m *infer.Model, x []float32) {
	t.Helper()
	if n := testing.AllocsPerRun(100, func() { _, _ = m.Predict(x) }); n != 0 {
		t.Errorf("Predict: %v allocations per call", n)
	}
	dst := make([]decode.Scored, 0, 3)
	if _, err := m.TopK(x, 3, dst); errors.Is(err, infer.ErrUnsupported) {
		return
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = m.TopK(x, 3, dst) }); n != 0 {
		t.Errorf("TopK: %v allocations per call", n)
	}
}

// TestLoadErrors checks that data of no known kind is ErrFormat and a
// damaged file, of each release, is ErrCorrupt.
func TestLoadErrors(t *testing.T) {
	if _, err := infer.Unmarshal([]byte("not a model")); !errors.Is(err, infer.ErrFormat) {
		t.Errorf("junk: %v, want ErrFormat", err)
	}
	for _, rel := range compat.Releases() {
		data, err := os.ReadFile(compat.Path(rel, "dsnc.model"))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{9, 20, len(data) / 2, len(data) - 1} {
			if _, err := infer.Unmarshal(data[:n]); !errors.Is(err, infer.ErrCorrupt) {
				t.Errorf("%s: first %d bytes: %v, want ErrCorrupt", rel, n, err)
			}
		}
		bad := slices.Clone(data)
		bad[len(bad)/2] ^= 1
		if _, err := infer.Unmarshal(bad); !errors.Is(err, infer.ErrCorrupt) {
			t.Errorf("%s: flipped bit: %v, want ErrCorrupt", rel, err)
		}
	}
}

// TestNoGorgonia checks that a program importing only infer does not link
// gorgonia: the same check as check_deps.sh, through the go command.
func TestNoGorgonia(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(gobin, "list", "-deps", "../infer/internal/servecheck").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.Contains(p, "gorgonia") {
			t.Errorf("servecheck links %s", p)
		}
	}
}
