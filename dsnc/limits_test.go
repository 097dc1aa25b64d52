package dsnc

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/labelcode/labelcode/internal/container"
	"github.com/labelcode/labelcode/internal/memtest"
)

// requireTooLarge fails unless err wraps ErrTooLarge and every other given
// sentinel, and the call allocated less than memtest.MaxRefused.
func requireTooLarge(t *testing.T, err error, alloc uint64, also ...error) {
	t.Helper()
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	for _, s := range also {
		if !errors.Is(err, s) {
			t.Fatalf("err = %v, want %v as well", err, s)
		}
	}
	if alloc > memtest.MaxRefused {
		t.Fatalf("allocated %d bytes before refusing, want < %d", alloc, memtest.MaxRefused)
	}
}

// initModel is New with cfg's options, then Init with its features and
// classes.
func initModel(cfg Config) (*Model, error) {
	m, err := New(WithBits(cfg.Bits), WithHidden(cfg.Hidden...), WithMaxWeights(cfg.MaxWeights))
	if err != nil {
		return nil, err
	}
	return m, m.Init(cfg.Features, cfg.Classes)
}

// TestInitTooLarge asks for networks whose weights would take from
// tens of GiB to exabytes: each is refused before anything is allocated.
func TestInitTooLarge(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"features 2^40", Config{Features: 1 << 40, Bits: 8, Classes: 2}},
		{"classes 2^31", Config{Features: 4, Bits: 8, Classes: 1 << 31}},
		{"hidden 2^40", Config{Features: 4, Hidden: []int{1 << 40}, Bits: 8, Classes: 2}},
		{"classes at MaxDim", Config{Features: 4, Bits: 8, Classes: MaxDim}},
		{"weights beyond the default", Config{Features: 1 << 20, Bits: MaxBits, Classes: 2}},
		{"weights beyond MaxWeights", Config{Features: 100, Bits: 64, Classes: 10, MaxWeights: 1000}},
		{"hidden product overflows", Config{Features: MaxDim, Hidden: []int{MaxDim, MaxDim}, Bits: 8, Classes: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			alloc := memtest.Allocated(func() { _, err = initModel(tc.cfg) })
			requireTooLarge(t, err, alloc, ErrConfig)
			requireTooLarge(t, tc.cfg.core().Validate(), 0, ErrConfig)
		})
	}
	// A raised limit admits the model the default-sized one refused.
	cfg := Config{Features: 100, Bits: 64, Classes: 10, MaxWeights: 101*64 + 65*10}
	m, err := initModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if m.Params() != cfg.MaxWeights {
		t.Fatalf("Params = %d, want %d", m.Params(), cfg.MaxWeights)
	}
	cfg.MaxWeights--
	if _, err := initModel(cfg); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one weight beyond MaxWeights: %v, want ErrTooLarge", err)
	}
	cfg.MaxWeights = -1
	if _, err := initModel(cfg); !errors.Is(err, ErrConfig) || errors.Is(err, ErrTooLarge) {
		t.Fatalf("negative MaxWeights: %v, want ErrConfig only", err)
	}
}

// TestFitTooManyClasses trains on a valid 64-row dataset that declares
// 2^31 classes (a typo of a class count): Fit refuses it before building
// the 2^31-column decoder.
func TestFitTooManyClasses(t *testing.T) {
	d := blobs(t, 2, 32, 4, 0.1, 1)
	if d.Len() != 64 {
		t.Fatalf("%d rows", d.Len())
	}
	d.Classes = 1 << 31
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	var err error
	alloc := memtest.Allocated(func() { _, _, err = fit(context.Background(), d, nil, WithEpochs(1)) })
	requireTooLarge(t, err, alloc, ErrConfig)

	// WithMaxWeights lowers the limit (4+1)·8 + (8+1)·2 = 58 weights here,
	// and refuses a negative value.
	d.Classes = 2
	_, _, err = fit(context.Background(), d, nil, WithBits(8), WithEpochs(1), WithBatchSize(4), WithMaxWeights(57))
	requireTooLarge(t, err, 0, ErrConfig)
	m, _, err := fit(context.Background(), d, nil, WithBits(8), WithEpochs(1), WithBatchSize(4), WithMaxWeights(58))
	if err != nil {
		t.Fatal(err)
	}
	if m.Config.MaxWeights != 58 || m.Params() != 58 {
		t.Fatalf("MaxWeights %d, Params %d, want 58 and 58", m.Config.MaxWeights, m.Params())
	}
	if _, _, err = fit(context.Background(), d, nil, WithMaxWeights(-1)); !errors.Is(err, ErrConfig) {
		t.Fatalf("WithMaxWeights(-1): %v, want ErrConfig", err)
	}
}

// TestNewTrainingGraphTooLarge refuses a batch whose activations would
// exceed the model's weight limit.
func TestNewTrainingGraphTooLarge(t *testing.T) {
	m, err := New(WithBits(8), WithMaxWeights(1000), WithRegulariser(0.1, 0.1))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Init(4, 2); err != nil {
		t.Fatal(err)
	}
	var tgErr error
	alloc := memtest.Allocated(func() { _, tgErr = m.NewTrainingGraph(1 << 40) })
	requireTooLarge(t, tgErr, alloc, ErrConfig)
	_, err = m.NewTrainingGraph(40) // 40·8 activations fit, 40² masks do not
	requireTooLarge(t, err, 0, ErrConfig)
	if _, err := m.NewTrainingGraph(30); err != nil {
		t.Fatal(err)
	}
	// without the regulariser the 40-row batch fits
	if _, err := newTrainingGraph(m, 40, false, 1); err != nil {
		t.Fatal(err)
	}
}

// modelFile wraps body in the container of a DSNC model of version.
func modelFile(version uint32, body []byte) []byte {
	return container.Seal(container.DSNCModel, uint16(version), body)
}

// headerBody returns the start of a version-2 body: dtype size, features,
// bits, classes, the hidden widths and the flags byte.
func headerBody(dsize uint8, features, bits, classes uint32, hidden ...uint32) []byte {
	b := []byte{dsize}
	for _, v := range append([]uint32{features, bits, classes, uint32(len(hidden))}, hidden...) {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return append(b, 0)
}

// craftedBody is a body whose first layer, 4294836226 × 2147549185, is
// −2^63 + 2 in int64 arithmetic; 4·that is 8, so 8 more bytes let a
// reader that multiplies without checking reach make with a negative
// length.
func craftedBody() []byte {
	return append(headerBody(4, 4294836226, 8, 2, 2147549185), make([]byte, 8)...)
}

// hiddenCountBody is a body that declares 2^30 hidden layers.
func hiddenCountBody() []byte {
	b := append(headerBody(4, 1, 8, 2), make([]byte, 16)...)
	binary.LittleEndian.PutUint32(b[13:], 1<<30) // after dtype, features, bits, classes
	return b
}

// TestLoadCraftedHeader loads files whose header declares layers far
// larger than the file: an error wrapping ErrCorrupt and ErrTooLarge,
// never a panic or a large allocation.
func TestLoadCraftedHeader(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		body []byte
	}{
		{"first layer product wraps", craftedBody()},
		{"widths within MaxDim, weights beyond the file", append(headerBody(8, MaxDim, 8, MaxDim, MaxDim), make([]byte, 64)...)},
		{"decoder beyond the file", append(headerBody(4, 1, 64, 1<<30), make([]byte, 1024)...)},
		{"hidden layer count beyond the file", hiddenCountBody()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := modelFile(fileVersion, tc.body)
			var err error
			alloc := memtest.Allocated(func() { _, err = Unmarshal(data) })
			requireTooLarge(t, err, alloc, ErrCorrupt)
			var m Model
			alloc = memtest.Allocated(func() { err = m.unmarshalBinary(data) })
			requireTooLarge(t, err, alloc, ErrCorrupt)
			path := filepath.Join(dir, "crafted.dsnc")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			alloc = memtest.Allocated(func() { _, err = Load(path) })
			requireTooLarge(t, err, alloc, ErrCorrupt)
			_, err = Load(path)
			requireTooLarge(t, err, 0, ErrCorrupt)
		})
	}
}

// TestNilModel passes a nil model to every function that takes one: each
// returns ErrConfig instead of dereferencing it.
func TestNilModel(t *testing.T) {
	d := blobs(t, 2, 8, 4, 0.1, 1)
	var m *Model
	check := func(name string, err error) {
		t.Helper()
		if !errors.Is(err, ErrConfig) {
			t.Errorf("%s(nil): %v, want ErrConfig", name, err)
		}
	}
	_, err := NewNet(G.NewGraph(), nil)
	check("NewNet", err)
	_, err = m.NewTrainingGraph(4)
	check("NewTrainingGraph", err)
	_, err = newTrainingGraph(nil, 4, true, 1)
	check("newTrainingGraph", err)
	_, err = newEncoder(nil)
	check("newEncoder", err)
	check("Init", m.Init(4, 2))
	_, err = m.Fit(context.Background(), d, nil)
	check("Fit", err)
	_, err = m.Analyze(d)
	check("Analyze", err)
	_, err = m.validationAccuracy(d)
	check("validationAccuracy", err)
	check("SetTrainingCodes", m.SetTrainingCodes(d))
	_, err = m.MarshalBinary()
	check("MarshalBinary", err)
	// prediction on a nil model: not fitted
	if _, err := m.Predict([]float32{1}); !errors.Is(err, ErrNotFitted) {
		t.Errorf("Predict(nil): %v, want ErrNotFitted", err)
	}
}

// TestBatchRowsOverflow passes a row count whose product with the width
// wraps around to len(x): the documented panic on a length mismatch, not
// an index out of range or a huge allocation.
func TestBatchRowsOverflow(t *testing.T) {
	p, err := initModel(Config{Features: 4, Bits: 8, Classes: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetTrainingCodes(blobs(t, 2, 4, 4, 0.1, 1)); err != nil {
		t.Fatal(err)
	}
	e, err := newEncoder(p)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 8)
	rows := 1<<62 + 2 // rows·4 is 8 modulo 2^64
	requirePanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			t.Helper()
			r := recover()
			msg, ok := r.(string)
			if !ok || !strings.HasPrefix(msg, "dsnc: "+name) {
				t.Fatalf("%s: recovered %v, want the length-mismatch panic", name, r)
			}
		}()
		f()
	}
	requirePanic("PredictBatch", func() { p.PredictBatch(x, rows, nil) })
	requirePanic("EncodeBatch", func() { e.EncodeBatch(x, rows, nil, &workspace{}) })
	requirePanic("PredictBatch", func() { p.PredictBatch(x, -1, nil) })
	if _, err := p.PredictBatch(x, 2, nil); err != nil {
		t.Fatal(err)
	}
}
