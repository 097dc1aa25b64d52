// Command cjk reproduces the glyph experiment of the Label Mapping paper
// (section V-B, Tables I–III): the 20,902 CJK Unified Ideographs
// U+4E00..U+9FA5, one class each, rendered from eight font faces; train on
// seven faces and test on the eighth.
//
//	go run ./examples/cjk                        # every row (hours; see -h)
//	go run ./examples/cjk -rows onehot,simplex3,mixed3 -epochs 5
//	go run ./examples/cjk -test-face all         # mean over the 8 held-out faces
//	go run ./examples/cjk -smoke                 # seconds; skips without fonts
//
// The images come from package glyphs (32x32 greyscale by default, cached
// under the user cache directory after the first run); the fonts are
// Debian packages (examples/internal/glyphs/install-fonts.sh installs
// them, and the program names the missing ones).
//
// Rows (-rows): one-hot softmax; 15-bit binary ECOC; simplex LM
// (Reed–Solomon over GF(181), the paper's p) and mixed LM (primes 149, 151,
// 157, ..., the paper's) with 2 to 6 sites; DSNC with several code sizes
// and its linear, Hamming nearest-neighbour and (for short codes) table
// decoders. The paper's network is Inception V3 on 139x139 images; here
// every row shares one multilayer perceptron trunk, 1,024 pixels -> one
// hidden ReLU layer of 512, far below the 20,902 classes, and differs only
// in its output code: by default one network with one softmax head per
// site (the paper's Figure 4a, -arch shared), or one network per site
// (Figure 4b, -arch ensemble). -batchnorm normalises every hidden layer
// while training (folded into the weights afterwards), the remedy for the
// plateau a deep dense trunk sits on here; -dsnc-code-batchnorm normalises
// DSNC's code layer before its sigmoid, against the collapse of short
// codes.
//
// The public calls it shows (runRow): codes.NewMixed, codes.NewSimplex
// (or codes.NewReedSolomon over the paper's field), codes.NewBinary and
// codes.NewOneHot given to labelmap.NewMultiHead or labelmap.NewEnsemble
// with WithHidden (several layers), WithEpochs, WithBatchSize,
// WithLearningRate, WithSeed, WithBatchNorm and WithProgress, then Fit;
// dsnc.New with WithBits, WithSymmetricCodes, WithBatchNorm and
// WithCodeBatchNorm, Model.Fit and Model.SetDecoder with the
// linear, nearest-code and table decoders (dsnc.TableDecoding, the paper's
// constant-time decoding); training.History.Fill and
// labelcode.Result.Measure for each row.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/examples/internal/glyphs"
	"github.com/labelcode/labelcode/examples/internal/report"
	"github.com/labelcode/labelcode/labelmap"
	"github.com/labelcode/labelcode/training"
)

// row is one output code of the experiment; "dsnc" stands for one row per
// code size and decoder.
type row struct {
	key    string
	model  string
	output func(c config, k int) (codes.Mapping, string, error)
	// paper is the LM paper's figure for the row: accuracy at its epochs 60
	// and 80.
	paper string
}

func oneHot(_ config, k int) (codes.Mapping, string, error) {
	m, err := codes.NewOneHot(k)
	return m, fmt.Sprintf("%d-way softmax", k), err
}

func binary(_ config, k int) (codes.Mapping, string, error) {
	m, err := codes.NewBinary(k)
	if err != nil {
		return nil, "", err
	}
	return m, fmt.Sprintf("%d bits", m.Sites()), nil
}

// simplex is the simplex LM of n sites: a Reed–Solomon code over GF(p),
// p the paper's 181 (-simplex-p) or, for 0, the smallest prime with
// p² >= k (codes.NewSimplex).
func simplex(n int) func(config, int) (codes.Mapping, string, error) {
	return func(c config, k int) (codes.Mapping, string, error) {
		var m *codes.ReedSolomon
		var err error
		if c.simplexP == 0 {
			m, err = codes.NewSimplex(k, n)
		} else {
			m, err = codes.NewReedSolomon(k, c.simplexP, n)
		}
		if err != nil {
			return nil, "", err
		}
		return m, fmt.Sprintf("%d sites, RS over GF(%d)", n, m.Prime()), nil
	}
}

// mixed is the mixed LM of n sites: site i learns y mod p_i, the p_i the
// smallest primes >= ceil(sqrt(k)) (codes.NewMixed).
func mixed(n int) func(config, int) (codes.Mapping, string, error) {
	return func(_ config, k int) (codes.Mapping, string, error) {
		m, err := codes.NewMixed(k, n)
		if err != nil {
			return nil, "", err
		}
		return m, fmt.Sprintf("%d sites, mod %s", n, report.Moduli(m)), nil
	}
}

// rows are all the rows, in table order, with the paper's accuracy at its
// epochs 60 and 80 (Inception V3, 139x139 images, 100 batches of 128 an
// epoch): Table I (simplex, one-hot), Table II (mixed), Table III (ECOC).
var rows = []row{
	{key: "onehot", model: "one-hot softmax", output: oneHot, paper: "0.9399 / 0.9854"},
	{key: "ecoc", model: "binary ECOC", output: binary, paper: "0.3660 / 0.5740"},
	{key: "simplex2", model: "simplex LM", output: simplex(2), paper: "0.8172 / 0.8684"},
	{key: "simplex3", model: "simplex LM", output: simplex(3), paper: "0.9840 / 0.9920"},
	{key: "simplex4", model: "simplex LM", output: simplex(4), paper: "0.9943 / 0.9978"},
	{key: "simplex5", model: "simplex LM", output: simplex(5), paper: "0.9964 / 0.9984"},
	{key: "simplex6", model: "simplex LM", output: simplex(6), paper: "0.9968 / 0.9988"},
	{key: "mixed2", model: "mixed LM", output: mixed(2), paper: "0.7629 / 0.8757"},
	{key: "mixed3", model: "mixed LM", output: mixed(3), paper: "0.9765 / 0.9912"},
	{key: "mixed4", model: "mixed LM", output: mixed(4), paper: "0.9925 / 0.9971"},
	{key: "mixed5", model: "mixed LM", output: mixed(5), paper: "0.9957 / 0.9980"},
	{key: "mixed6", model: "mixed LM", output: mixed(6), paper: "0.9967 / 0.9982"},
	{key: "dsnc", model: "DSNC"},
}

type config struct {
	report.Common // -seed, -out, -quiet, -smoke, -latency
	// faces are the eight faces (nil: glyphs.Faces()); tests replace them.
	faces     []glyphs.Face
	rows      []string
	testFaces []int
	size      int
	from, to  rune
	hidden    []int
	arch      string
	epochs    int
	batch     int
	lr        float64
	simplexP  int
	bits      []int
	symmetric bool
	batchNorm bool
	codeBN    bool
	evalRows  int
	parallel  int
	cacheDir  string
	noCache   bool
}

const usage = `Usage: go run ./examples/cjk [flags]

Reproduces Tables I-III of the Label Mapping paper on 20,902 CJK glyphs
rendered from 8 Debian font faces: train on 7 faces, test on the 8th, with
one-hot softmax, 15-bit ECOC, simplex and mixed Label Mapping with 2 to 6
sites, and DSNC. Every row is a hidden layer of 512 on 32x32 images; a full
run takes hours on two cores, so -rows and -epochs pick a part of it.

Flags:
`

func main() { report.Main("cjk", usage, parseArgs, run) }

// parseArgs defines the program's flags on fs, parses args and returns the
// configuration (shrunk by -smoke).
func parseArgs(fs *flag.FlagSet, args []string) (config, error) {
	var c config
	var rowList, faceList, bitList, hiddenList, fromS, toS string
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.key
	}
	c.SetFlags(fs)
	fs.Lookup("smoke").Usage = "tiny sizes (64 code points, 16x16, faces that are installed) for a check that the program runs; skips when fewer than two faces are installed"
	fs.StringVar(&rowList, "rows", "all", "comma-separated rows to run, or all: "+strings.Join(keys, ","))
	fs.StringVar(&faceList, "test-face", "BabelStone Han",
		"held-out face(s): a name or index 0-7 (comma-separated for several, all for each in turn); the others are the training set")
	fs.IntVar(&c.size, "size", glyphs.DefaultSize, "image side in pixels")
	fs.StringVar(&fromS, "from", "4E00", "first code point (hex); classes are from..to")
	fs.StringVar(&toS, "to", "9FA5", "last code point (hex)")
	fs.StringVar(&hiddenList, "hidden", "512", "widths of the hidden ReLU layers, comma-separated; the last (far below the 20,902 classes) feeds the output code")
	fs.StringVar(&c.arch, "arch", "shared", "LM and ECOC networks: shared (one trunk, one head per site) or ensemble (one network per site)")
	fs.IntVar(&c.epochs, "epochs", 10, "training epochs (no early stopping: every face but the test face is training data)")
	fs.IntVar(&c.batch, "batch", 128, "minibatch size")
	fs.Float64Var(&c.lr, "lr", 1e-3, "Adam learning rate")
	fs.IntVar(&c.simplexP, "simplex-p", 181, "field of the simplex LM (the paper uses 181; 0: the smallest prime p with p^2 >= classes)")
	fs.StringVar(&bitList, "dsnc-bits", "16,64,200", "DSNC code sizes, comma-separated")
	fs.BoolVar(&c.symmetric, "dsnc-symmetric", true, "DSNC: train the decoder on symmetric codes 2b-1 (dsnc.WithSymmetricCodes, the default); false: the paper's {0,1} codes")
	fs.BoolVar(&c.batchNorm, "batchnorm", false, "batch normalisation of every hidden layer while training (labelmap.WithBatchNorm, dsnc.WithBatchNorm; folded into the weights after training)")
	fs.BoolVar(&c.codeBN, "dsnc-code-batchnorm", false, "DSNC: batch normalisation of the code layer before its sigmoid (dsnc.WithCodeBatchNorm), against the collapse of short codes")
	fs.IntVar(&c.evalRows, "eval", 20000, "training images on which training accuracy is measured (drawn at random)")
	fs.IntVar(&c.parallel, "parallel", 0, "sites trained at once with -arch ensemble (0: one per core)")
	fs.StringVar(&c.cacheDir, "cache", "", "glyph cache directory (default: labelcode/glyphs under the user cache directory)")
	fs.BoolVar(&c.noCache, "no-cache", false, "render the glyphs without reading or writing the cache")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var err error
	if c.rows, err = report.SelectRows(rowList, keys); err != nil {
		return c, err
	}
	if c.from, err = parseRune(fromS); err != nil {
		return c, err
	}
	if c.to, err = parseRune(toS); err != nil {
		return c, err
	}
	if c.hidden, err = parseInts(hiddenList); err != nil {
		return c, fmt.Errorf("-hidden: %w", err)
	}
	if c.bits, err = parseInts(bitList); err != nil {
		return c, fmt.Errorf("-dsnc-bits: %w", err)
	}
	if c.testFaces, err = parseFaces(faceList); err != nil {
		return c, err
	}
	if c.Smoke {
		c = smokeConfig(c)
	}
	return c, report.CheckOut(c.Out)
}

// smokeConfig shrinks c to a run of seconds that still goes through every
// step: CI runs it so that the program cannot rot.
func smokeConfig(c config) config {
	c.size, c.from, c.to = 16, glyphs.First, glyphs.First+63
	c.hidden, c.epochs, c.batch, c.lr = []int{32}, 2, 32, 5e-3
	c.simplexP, c.bits = 0, []int{8}
	c.evalRows, c.Latency = 200, 20
	c.noCache = true
	return c
}

func parseRune(s string) (rune, error) {
	v, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimPrefix(strings.ToUpper(s), "U+"), "0X"), 16, 32)
	if err != nil || rune(v) < glyphs.First || rune(v) > glyphs.Last {
		return 0, fmt.Errorf("code point %q: want hex in %04X..%04X", s, glyphs.First, glyphs.Last)
	}
	return rune(v), nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, v)
	}
	return out, nil
}

// parseFaces turns the -test-face list into indices of glyphs.Faces().
func parseFaces(s string) ([]int, error) {
	faces := glyphs.Faces()
	if s == "all" {
		idx := make([]int, len(faces))
		for i := range idx {
			idx[i] = i
		}
		return idx, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if i, err := strconv.Atoi(f); err == nil {
			if i < 0 || i >= len(faces) {
				return nil, fmt.Errorf("-test-face %d: want 0..%d", i, len(faces)-1)
			}
			out = append(out, i)
			continue
		}
		face, err := glyphs.FaceByName(f)
		if err != nil {
			return nil, err
		}
		out = append(out, slices.Index(faces, face))
	}
	return out, nil
}

func run(ctx context.Context, c config, stdout, stderr io.Writer) error {
	if len(c.testFaces) == 0 {
		return errors.New("no test face")
	}
	if len(c.hidden) == 0 || slices.Min(c.hidden) < 1 || c.epochs < 1 || c.batch < 2 || c.from > c.to || c.to-c.from < 1 || (c.arch != "shared" && c.arch != "ensemble") {
		return errors.New("bad flag value: -hidden and -epochs must be positive, -batch >= 2, -from < -to, -arch shared or ensemble")
	}
	start := time.Now()
	faces := c.faces
	if faces == nil {
		faces = glyphs.Faces()
	}
	testFaces := c.testFaces
	if c.Smoke {
		// Use the faces that are installed, and install nothing.
		var have []glyphs.Face
		for _, f := range faces {
			if glyphs.CheckFonts([]glyphs.Face{f}) == nil {
				have = append(have, f)
			}
		}
		if len(have) < 2 {
			// One message names every missing package.
			return fmt.Errorf("%w: the smoke run needs two of the eight CJK faces and finds %d (%v)",
				report.ErrSkip, len(have), glyphs.CheckFonts(faces))
		}
		faces = have
		testFaces = []int{len(have) - 1}
	}
	k := int(c.to-c.from) + 1
	progress := c.Progress(stderr) // nil with -quiet: no bars
	var bar *report.Bar
	if progress != nil {
		bar = report.NewBar(progress, fmt.Sprintf("%-28s", "rendering glyphs"), len(faces)*k)
	}
	opts := glyphs.Options{Faces: faces, Size: c.size, From: c.from, To: c.to, CacheDir: c.cacheDir, NoCache: c.noCache}
	if bar != nil {
		last := 0
		opts.Progress = func(done, total int) { bar.Add(done - last); last = done }
	}
	sets, err := glyphs.Build(ctx, opts)
	bar.Finish()
	if err != nil {
		return err
	}
	offset := int(c.from - glyphs.First)

	var tables []*report.Table
	for _, tf := range testFaces {
		tab, err := runFace(ctx, c, sets, tf, offset, k, progress)
		if err != nil {
			return err
		}
		tab.Wall = time.Since(start)
		tables = append(tables, tab)
		if len(testFaces) > 1 { // the table of each face, then their mean
			fmt.Fprintln(stdout)
			if err := tab.Print(stdout); err != nil {
				return err
			}
		}
	}
	final := tables[0]
	if len(tables) > 1 {
		final = meanTable(tables)
		final.Wall = time.Since(start)
	}
	return c.Write(final, stdout)
}

// dataset returns the images of sets as one Dataset, labels counted from
// offset (the first code point's label).
func dataset(sets []*glyphs.Set, offset, k int) (*labelcode.Dataset, error) {
	n, dim := 0, sets[0].Dim()
	for _, s := range sets {
		n += s.Len()
	}
	x := make([]float32, n*dim)
	y := make([]int, 0, n)
	at := 0
	for _, s := range sets {
		s.Float32(x[at*dim : (at+s.Len())*dim])
		for _, l := range s.Labels {
			y = append(y, l-offset)
		}
		at += s.Len()
	}
	return labelcode.NewDataset(x, y, dim, k)
}

// runFace trains and measures every row with face tf held out.
func runFace(ctx context.Context, c config, sets []*glyphs.Set, tf, offset, k int, progress io.Writer) (*report.Table, error) {
	var trainSets []*glyphs.Set
	var names []string
	for i, s := range sets {
		if i != tf {
			trainSets = append(trainSets, s)
			names = append(names, s.Face.Name)
		}
	}
	train, err := dataset(trainSets, offset, k)
	if err != nil {
		return nil, err
	}
	test, err := dataset(sets[tf:tf+1], offset, k)
	if err != nil {
		return nil, err
	}
	eval := train.Subset(report.Sample(train.Len(), c.evalRows, c.Seed+1))
	arch := "one trunk, one softmax head per site (Figure 4a)"
	if c.arch == "ensemble" {
		arch = "one network per site (Figure 4b), trained independently"
	}
	tab := &report.Table{
		Title:   fmt.Sprintf("Label Mapping paper, Tables I-III: CJK glyphs, test face %s", sets[tf].Face.Name),
		Command: report.Command(),
		Machine: report.Machine(),
		Settings: []string{
			fmt.Sprintf("%d classes (U+%04X..U+%04X), %dx%d images; training: %d images of %d faces (%s); test: the %d images of %s",
				k, c.from, c.to, c.size, c.size, train.Len(), len(trainSets), strings.Join(names, ", "), test.Len(), sets[tf].Face.Name),
			fmt.Sprintf("network: %d pixels -> %s (last hidden %d << K = %d)%s -> output code; LM and ECOC: %s%s",
				c.size*c.size, layers(c.hidden), c.hidden[len(c.hidden)-1], k, onOff(c.batchNorm, ", batch norm while training"),
				arch, onOff(c.codeBN, "; DSNC: batch norm before the code sigmoid")),
			fmt.Sprintf("Adam lr %g, batch %d, %d epochs, no early stopping, seed %d", c.lr, c.batch, c.epochs, c.Seed),
			fmt.Sprintf("train acc on %d sampled training images; latency: one image at a time on one goroutine, mean of %d",
				eval.Len(), min(c.Latency, test.Len())),
			fmt.Sprintf("paper: accuracy at its epochs 60 / 80 (Inception V3, 139x139 images; 768k / 1.02M images seen; %d epochs here are %.2fM), Tables I (simplex, p = 181), II (mixed), III (ECOC)",
				c.epochs, float64(c.epochs*train.Len())/1e6),
		},
	}
	for _, key := range c.rows {
		rw := rows[slices.IndexFunc(rows, func(r row) bool { return r.key == key })]
		results, err := runRow(ctx, c, rw, train, eval, test, k, progress)
		if err != nil {
			return nil, err
		}
		tab.Rows = append(tab.Rows, results...)
		if progress != nil {
			for _, r := range results {
				fmt.Fprintf(progress, "  %s\n", report.Summary(r.Result))
			}
		}
	}
	return tab, nil
}

// decoder is a DSNC decoder and its name in the table.
type decoder struct {
	dec  dsnc.Decoding
	name string
}

// runRow trains and measures one row (several for DSNC: one per code size
// and decoder), with progress bars on progress unless it is nil.
func runRow(ctx context.Context, c config, rw row, train, eval, test *labelcode.Dataset, k int, progress io.Writer) ([]report.Row, error) {
	if rw.output == nil {
		var out []report.Row
		for _, bits := range c.bits {
			r := labelcode.Result{Model: rw.model, Code: fmt.Sprintf("%d learned bits", bits)}
			bar := report.NewTrainingBar(progress, r.Model, 1)
			m, err := dsnc.New(dsnc.WithHidden(c.hidden...), dsnc.WithBits(bits), dsnc.WithEpochs(c.epochs),
				dsnc.WithBatchSize(c.batch), dsnc.WithLearningRate(c.lr), dsnc.WithSeed(c.Seed),
				dsnc.WithSymmetricCodes(c.symmetric), dsnc.WithBatchNorm(c.batchNorm), dsnc.WithCodeBatchNorm(c.codeBN),
				dsnc.WithProgress(bar.Progress()))
			if err != nil {
				return nil, err
			}
			hist, err := m.Fit(ctx, train, nil)
			bar.Finish()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", r.Model, err)
			}
			hist.Fill(&r) // parameters, epochs, training time
			r.Note = fmt.Sprintf("%d training codes", len(m.CodeLabels))
			decs := []decoder{{dsnc.Decoding{Kind: dsnc.LinearDecoding}, "linear decoder"},
				{dsnc.Decoding{Kind: dsnc.NearestDecoding}, "Hamming NN decoder"}}
			if bits <= dsnc.MaxTableBits {
				// The paper's constant-time decoders: every one of the
				// 2^bits codes decoded once, then one memory read per
				// example.
				decs = append(decs, decoder{dsnc.Decoding{Kind: dsnc.TableDecoding, TableOf: dsnc.LinearDecoding}, "table of linear"},
					decoder{dsnc.Decoding{Kind: dsnc.TableDecoding, TableOf: dsnc.NearestDecoding}, "table of NN"})
			}
			for _, dec := range decs {
				if err := m.SetDecoder(dec.dec); err != nil {
					return nil, err
				}
				rr := r
				rr.Model = "DSNC, " + dec.name
				if err := rr.Measure(m, eval, test, c.Latency); err != nil {
					return nil, err
				}
				out = append(out, report.Row{Result: rr})
			}
		}
		return out, nil
	}
	mapping, code, err := rw.output(c, k)
	if err != nil {
		return nil, err
	}
	r := report.Row{Result: labelcode.Result{Model: rw.model, Code: code}, Paper: rw.paper}
	ensemble := c.arch == "ensemble" && mapping.Sites() > 1 // else one trunk, one head per site
	networks := 1
	if ensemble {
		networks = mapping.Sites()
	}
	bar := report.NewTrainingBar(progress, r.Model, networks)
	opts := []labelmap.Option{labelmap.WithHidden(c.hidden...), labelmap.WithEpochs(c.epochs), labelmap.WithBatchSize(c.batch),
		labelmap.WithLearningRate(c.lr), labelmap.WithSeed(c.Seed), labelmap.WithBatchNorm(c.batchNorm),
		labelmap.WithProgress(bar.Progress())}
	var clf labelcode.BatchClassifier
	var hist *training.History
	if ensemble {
		if c.parallel > 0 {
			opts = append(opts, labelmap.WithParallelism(c.parallel))
		}
		var e *labelmap.Ensemble
		if e, err = labelmap.NewEnsemble(mapping, opts...); err != nil {
			return nil, err
		}
		clf = e
		hist, err = e.Fit(ctx, train, nil)
	} else {
		var h *labelmap.MultiHead
		if h, err = labelmap.NewMultiHead(mapping, opts...); err != nil {
			return nil, err
		}
		clf = h
		hist, err = h.Fit(ctx, train, nil)
	}
	bar.Finish()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Model, err)
	}
	hist.Fill(&r.Result)
	if err := r.Measure(clf, eval, test, c.Latency); err != nil {
		return nil, err
	}
	return []report.Row{r}, nil
}

// meanTable averages the rows of tables run with different test faces (the
// same rows in the same order).
func meanTable(tables []*report.Table) *report.Table {
	t0 := tables[0]
	out := &report.Table{
		Title:    fmt.Sprintf("CJK glyphs: mean over %d held-out faces", len(tables)),
		Command:  t0.Command,
		Machine:  t0.Machine,
		Settings: t0.Settings[1:],
	}
	for i, r := range t0.Rows {
		m := r
		m.Note = fmt.Sprintf("mean of %d faces", len(tables))
		var train, test, top5, lat, tt float64
		for _, t := range tables {
			x := t.Rows[i]
			train += x.TrainAcc
			test += x.TestAcc
			top5 += x.TestTop5
			lat += float64(x.Latency)
			tt += float64(x.TrainTime)
		}
		n := float64(len(tables))
		m.TrainAcc, m.TestAcc, m.TestTop5 = train/n, test/n, top5/n
		m.Latency, m.TrainTime = time.Duration(lat/n), time.Duration(tt/n)
		if math.IsNaN(m.TestAcc) {
			m.Note = "incomplete"
		}
		out.Rows = append(out.Rows, m)
	}
	return out
}

// onOff returns s when on, else "".
func onOff(on bool, s string) string {
	if on {
		return s
	}
	return ""
}

// layers describes the hidden layers: "one hidden ReLU layer of 512",
// "hidden ReLU layers of 2048, 512".
func layers(h []int) string {
	if len(h) == 1 {
		return fmt.Sprintf("one hidden ReLU layer of %d", h[0])
	}
	return "hidden ReLU layers of " + strings.ReplaceAll(report.Ints(h), " ", ", ")
}
