// Command republic reproduces the text experiment of the Label Mapping
// paper (section V-C, Table IV) on Plato's Republic, shipped with the
// project: predict each word (7,409 classes) from the words before it,
// holding out the last 10% of the text for testing, with a hidden layer
// of 100 units, far below the number of classes.
//
//	go run ./examples/republic                 # every row, tens of minutes
//	go run ./examples/republic -rows onehot,mixed4,dsnc
//	go run ./examples/republic -smoke          # seconds, tiny sizes
//
// Rows (-rows): one-hot softmax; binary ECOC (13 bits); mixed LM (prime
// residues) and simplex LM (Reed–Solomon over GF(89)) with 2, 4 and 6
// output sites, one network per site as in the paper; mixed LM with 4
// sites on two other input encodings (cut-off one-hot and a fixed random
// projection, both as wide as the LM input); mixed LM with 6 heads on one
// shared trunk; DSNC with its linear and Hamming nearest-neighbour
// decoders, without and with the intra/inter-class regulariser (DSNC+Reg).
//
// The paper's network (an embedding, two LSTM layers of 100, a dense
// layer of 100, 50 words of context) would take days on two CPU cores
// here; this program uses a multilayer perceptron on the 4 previous words:
// each word is LM-encoded on the input side (its residues mod 89, 97 and
// 101 as a 3-hot vector of 287 values, section V-C; the paper uses 6 sites,
// -input-sites), the four are concatenated, and one hidden ReLU layer of
// 100 units (the paper's last-but-one width) feeds the output code. Every
// row reads the same rows except the input ablations. The last 5% of the training text is held out for early
// stopping and keeping the best epoch.
//
// The public calls it shows (runRow): the output codes codes.NewOneHot,
// codes.NewBinary, codes.NewMixed and codes.NewSimplex given to
// labelmap.NewEnsemble (one network per site, WithParallelism) or
// labelmap.NewMultiHead (one shared trunk), with WithPatience and
// validation data passed to Fit for early stopping; dsnc.New with
// WithRegulariser for DSNC+Reg, Model.Fit and Model.SetDecoder;
// training.History.Fill (parameters, epochs, training time, best epoch of
// each site) and labelcode.Result.Measure for each row.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"
	"time"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/examples/internal/report"
	"github.com/labelcode/labelcode/labelmap"
	"github.com/labelcode/labelcode/training"
)

// row is one line of the experiment.
type row struct {
	key   string
	model string
	// output builds the output code; nil for DSNC.
	output func(k int) (codes.Mapping, string, error)
	// input is the input encoding: "lm", "cutoff" or "random".
	input string
	// shared trains one trunk with one head per site (MultiHead) instead of
	// one network per site.
	shared bool
	// paper is the LM paper's Table IV figure for the row, if any.
	paper string
	// regularise turns on DSNC's intra/inter-class regulariser.
	regularise bool
}

func oneHot(k int) (codes.Mapping, string, error) {
	m, err := codes.NewOneHot(k)
	return m, fmt.Sprintf("%d-way softmax", k), err
}

func binary(k int) (codes.Mapping, string, error) {
	m, err := codes.NewBinary(k)
	if err != nil {
		return nil, "", err
	}
	return m, fmt.Sprintf("%d bits", m.Sites()), nil
}

// mixed is the mixed LM of n sites: site i learns y mod p_i, the p_i the
// smallest primes >= ceil(sqrt(k)) (codes.NewMixed).
func mixed(n int) func(k int) (codes.Mapping, string, error) {
	return func(k int) (codes.Mapping, string, error) {
		m, err := codes.NewMixed(k, n)
		if err != nil {
			return nil, "", err
		}
		return m, fmt.Sprintf("%d sites, mod %s", n, report.Moduli(m)), nil
	}
}

// simplex is the simplex LM of n sites: a Reed–Solomon code over GF(p), p
// the smallest prime with p² >= k (codes.NewSimplex).
func simplex(n int) func(k int) (codes.Mapping, string, error) {
	return func(k int) (codes.Mapping, string, error) {
		m, err := codes.NewSimplex(k, n)
		if err != nil {
			return nil, "", err
		}
		return m, fmt.Sprintf("%d sites, RS over GF(%d)", n, m.Prime()), nil
	}
}

// rows are all the rows, in table order. The paper column is Table IV's
// accuracy at epoch 10 (its best epoch when that is earlier) and parameter
// count; the paper does not say whether it is training or test accuracy.
var rows = []row{
	{key: "onehot", model: "one-hot softmax", output: oneHot, input: "lm", paper: "0.1540 (2.9E6)"},
	{key: "ecoc", model: "binary ECOC", output: binary, input: "lm", paper: "not in Table IV"},
	{key: "mixed2", model: "mixed LM", output: mixed(2), input: "lm", paper: "0.1189, best 0.1402 @4 (6.2E5)"},
	{key: "mixed4", model: "mixed LM", output: mixed(4), input: "lm", paper: "0.1845 (1.2E6)"},
	{key: "mixed6", model: "mixed LM", output: mixed(6), input: "lm", paper: "0.1865 (1.9E6)"},
	{key: "simplex2", model: "simplex LM", output: simplex(2), input: "lm", paper: "0.1444, best 0.1531 @6 (6.3E5)"},
	{key: "simplex4", model: "simplex LM", output: simplex(4), input: "lm", paper: "0.1832 (1.3E6)"},
	{key: "simplex6", model: "simplex LM", output: simplex(6), input: "lm", paper: "0.1851 (1.9E6)"},
	{key: "cutoff-in", model: "mixed LM", output: mixed(4), input: "cutoff", paper: "cut-off in and out: 0.1321 (3.7E5)"},
	{key: "random-in", model: "mixed LM", output: mixed(4), input: "random"},
	{key: "shared6", model: "mixed LM, shared trunk", output: mixed(6), input: "lm", shared: true},
	{key: "dsnc", model: "DSNC", input: "lm", paper: "not in the LM paper"},
	{key: "dsnc-reg", model: "DSNC+Reg", input: "lm", paper: "not in the LM paper", regularise: true},
}

type config struct {
	report.Common // -seed, -out, -quiet, -smoke, -latency
	report.Text   // -context, -train, -eval, -test, -hidden, -epochs, -batch, -lr
	rows          []string
	inputSites    int
	patience      int
	val           float64
	bits          int
	beta          float64
	gamma         float64
	parallel      int
}

const usage = `Usage: go run ./examples/republic [flags]

Reproduces Table IV of the Label Mapping paper on Plato's Republic (shipped
with the project; 118,684 tokens, 7,409 classes): next-word prediction with
one-hot softmax, binary ECOC, mixed and simplex Label Mapping, LM input
encoding on and off, and DSNC. Prints a results table; -out writes it too.

Flags:
`

func main() { report.Main("republic", usage, parseArgs, run) }

// parseArgs defines the program's flags on fs, parses args and returns the
// configuration (shrunk by -smoke).
func parseArgs(fs *flag.FlagSet, args []string) (config, error) {
	c := config{Text: report.Text{Context: 4, EvalRows: 20000, Hidden: 100, Epochs: 8, Batch: 128, LR: 2e-3}}
	var rowList string
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.key
	}
	c.Common.SetFlags(fs)
	c.Text.SetFlags(fs)
	fs.Lookup("hidden").Usage = "width of the hidden layer (the paper's last-but-one layer is 100)"
	fs.Lookup("epochs").Usage = "maximum training epochs"
	fs.StringVar(&rowList, "rows", "all", "comma-separated rows to run, or all: "+strings.Join(keys, ","))
	fs.IntVar(&c.inputSites, "input-sites", 3, "sites of the mixed LM that encodes each input word (primes just above sqrt(7409))")
	fs.IntVar(&c.patience, "patience", 2, "stop after this many epochs without a better validation score (0: never)")
	fs.Float64Var(&c.val, "val", 0.05, "fraction of the training examples (the end of the training text) held out for early stopping; 0 for none")
	fs.IntVar(&c.bits, "bits", 64, "DSNC code length in bits")
	fs.Float64Var(&c.beta, "reg-beta", 0.01, "initial intra-class weight of the DSNC+Reg regulariser (doubled after an epoch that improves validation accuracy, halved after one that does not)")
	fs.Float64Var(&c.gamma, "reg-gamma", 0.01, "initial inter-class weight of the DSNC+Reg regulariser")
	fs.IntVar(&c.parallel, "parallel", 0, "sites trained at once (0: one per core)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.Smoke {
		// A run of seconds that still goes through every step: CI runs it
		// so that the program cannot rot.
		c.Context, c.Hidden, c.Epochs, c.bits, c.patience = 2, 16, 1, 16, 0
		c.TrainRows, c.EvalRows, c.TestRows, c.Latency = 3000, 500, 2000, 50
	}
	var err error
	if c.rows, err = report.SelectRows(rowList, keys); err != nil {
		return c, err
	}
	return c, report.CheckOut(c.Out)
}

// data holds the examples of one input encoding: training, validation
// (nil without), the sample of training examples measured for training
// accuracy, and test.
type data struct {
	description            string
	train, val, eval, test *labelcode.Dataset
}

func run(ctx context.Context, c config, stdout, stderr io.Writer) error {
	if err := c.Text.Check(); err != nil {
		return err
	}
	if c.bits < 1 || c.inputSites < 1 || c.patience < 0 || !(c.val >= 0 && c.val < 0.5) {
		return errors.New("bad flag value: -bits, -input-sites must be positive, -patience >= 0, -val in [0, 0.5)")
	}
	start := time.Now()
	text, trainW, testW, err := report.RepublicWindows(c.Context)
	if err != nil {
		return err
	}
	k := text.Vocab.Len()
	// Validation: the end of the training text, by position, like the test
	// set.
	n := trainW.Len()
	nVal := int(c.val * float64(n))
	fit := make([]int, 0, n-nVal)
	for i := 0; i < n-nVal; i++ {
		fit = append(fit, i)
	}
	var valIdx []int
	for i := n - nVal; i < n; i++ {
		valIdx = append(valIdx, i)
	}
	if c.TrainRows > 0 && c.TrainRows < len(fit) {
		sub := report.Sample(len(fit), c.TrainRows, c.Seed)
		for j, i := range sub {
			sub[j] = fit[i]
		}
		fit = sub
	}
	evalIdx := report.Sample(len(fit), c.EvalRows, c.Seed+1)
	for j, i := range evalIdx {
		evalIdx[j] = fit[i]
	}

	testIdx := report.First(c.TestRows, testW.Len()) // nil: all
	nTest := testW.Len()
	if testIdx != nil {
		nTest = len(testIdx)
	}

	lmIn, inPrimes, err := report.LMInput(k, c.inputSites)
	if err != nil {
		return err
	}
	width := lmIn.Width()
	encoder := func(input string) (report.WordEncoder, string, error) {
		switch input {
		case "lm":
			return lmIn, fmt.Sprintf("LM %d-hot (mod %s)", c.inputSites, report.Ints(inPrimes)), nil
		case "cutoff":
			enc, err := report.NewCutOff(width, k)
			return enc, fmt.Sprintf("cut-off one-hot (%d most frequent words + other)", width-1), err
		case "random":
			// Scaled so that a word's vector is as long as its n-hot
			// vector.
			enc, err := report.NewRandomProjection(width, k, math.Sqrt(float64(c.inputSites)), c.Seed)
			return enc, fmt.Sprintf("fixed random projection to %d values", width), err
		}
		return nil, "", fmt.Errorf("unknown input %q", input)
	}

	tab := &report.Table{
		Title:   "Label Mapping paper, Table IV: next word of Plato's Republic",
		Command: report.Command(),
		Machine: report.Machine(),
		Settings: []string{
			fmt.Sprintf("%d classes (words); %d training, %d validation (end of the training text), %d test examples (last 10%% of the text)",
				k, len(fit), len(valIdx), nTest),
			fmt.Sprintf("input: the %d previous words, each encoded in %d values, concatenated (%d inputs)", c.Context, width, c.Context*width),
			fmt.Sprintf("network: one hidden ReLU layer of %d (hidden << K = %d), Adam lr %g, batch %d, at most %d epochs, patience %d, seed %d",
				c.Hidden, k, c.LR, c.Batch, c.Epochs, c.patience, c.Seed),
			"LM and ECOC rows: one network per site (the paper's Figure 4b), trained independently, decoded exactly by max-product",
			fmt.Sprintf("train acc on %d sampled training examples; latency: one example at a time on one goroutine, mean of %d",
				len(evalIdx), min(c.Latency, nTest)),
			"paper: Table IV accuracy at epoch 10 and parameter count (2 LSTM layers, 50 words of context; train or test accuracy not stated)",
		},
	}
	// Encoded datasets are large (4·c·width bytes a row, 466 MB for the
	// default training set), so each input encoding is built when first
	// needed and dropped when the next row uses another.
	cache := map[string]*data{}
	get := func(input string) (*data, error) {
		if d := cache[input]; d != nil {
			return d, nil
		}
		clear(cache)
		runtime.GC() // return the dropped encoding before building the next
		enc, desc, err := encoder(input)
		if err != nil {
			return nil, err
		}
		d := &data{description: desc}
		if d.train, err = report.WindowRows(trainW, fit, enc, k); err != nil {
			return nil, err
		}
		if nVal > 0 {
			if d.val, err = report.WindowRows(trainW, valIdx, enc, k); err != nil {
				return nil, err
			}
		}
		if d.eval, err = report.WindowRows(trainW, evalIdx, enc, k); err != nil {
			return nil, err
		}
		if d.test, err = report.WindowRows(testW, testIdx, enc, k); err != nil {
			return nil, err
		}
		cache[input] = d
		return d, nil
	}

	for _, key := range c.rows {
		i := slices.IndexFunc(rows, func(r row) bool { return r.key == key })
		rw := rows[i]
		d, err := get(rw.input)
		if err != nil {
			return err
		}
		results, err := runRow(ctx, c, rw, d, k, c.Progress(stderr))
		if err != nil {
			return err
		}
		tab.Rows = append(tab.Rows, results...)
		if !c.Quiet {
			for _, r := range results {
				fmt.Fprintf(stderr, "  %s\n", report.Summary(r.Result))
			}
		}
	}
	tab.Wall = time.Since(start)
	return c.Write(tab, stdout)
}

// runRow trains and measures one row (two for DSNC: one per decoder),
// with progress bars on progress unless it is nil.
func runRow(ctx context.Context, c config, rw row, d *data, k int, progress io.Writer) ([]report.Row, error) {
	r := report.Row{Result: labelcode.Result{Model: rw.model}, Input: d.description, Paper: rw.paper}
	patience := 0 // without validation data, no early stopping
	if d.val != nil {
		patience = c.patience
	}
	if rw.output == nil {
		r.Code = fmt.Sprintf("%d learned bits", c.bits)
		bar := report.NewTrainingBar(progress, r.Model, 1)
		opts := []dsnc.Option{dsnc.WithHidden(c.Hidden), dsnc.WithBits(c.bits), dsnc.WithEpochs(c.Epochs),
			dsnc.WithBatchSize(c.Batch), dsnc.WithLearningRate(c.LR), dsnc.WithSeed(c.Seed), dsnc.WithPatience(patience),
			dsnc.WithProgress(bar.Progress())}
		if rw.regularise {
			opts = append(opts, dsnc.WithRegulariser(c.beta, c.gamma))
			r.Note = fmt.Sprintf("β %g, γ %g at start", c.beta, c.gamma)
		}
		m, err := dsnc.New(opts...)
		if err != nil {
			return nil, err
		}
		hist, err := m.Fit(ctx, d.train, d.val)
		bar.Finish()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Model, err)
		}
		hist.Fill(&r.Result) // parameters, epochs, training time, best epoch
		if r.Note != "" {
			r.Note += "; "
		}
		r.Note += fmt.Sprintf("%d training codes", len(m.CodeLabels))
		var out []report.Row
		for _, dec := range []struct {
			kind dsnc.DecoderKind
			name string
		}{{dsnc.LinearDecoding, "linear decoder"}, {dsnc.NearestDecoding, "Hamming NN decoder"}} {
			if err := m.SetDecoder(dsnc.Decoding{Kind: dec.kind}); err != nil {
				return nil, err
			}
			rr := r
			rr.Model = rw.model + ", " + dec.name
			if err := rr.Measure(m, d.eval, d.test, c.Latency); err != nil {
				return nil, err
			}
			out = append(out, rr)
		}
		return out, nil
	}
	mapping, code, err := rw.output(k)
	if err != nil {
		return nil, err
	}
	r.Code = code
	networks := mapping.Sites() // one network per site
	if rw.shared {
		networks = 1 // one trunk, one head per site
	}
	bar := report.NewTrainingBar(progress, r.Model, networks)
	opts := []labelmap.Option{labelmap.WithHidden(c.Hidden), labelmap.WithEpochs(c.Epochs), labelmap.WithBatchSize(c.Batch),
		labelmap.WithLearningRate(c.LR), labelmap.WithSeed(c.Seed), labelmap.WithPatience(patience),
		labelmap.WithProgress(bar.Progress())}
	var clf labelcode.BatchClassifier
	var hist *training.History
	if rw.shared {
		var h *labelmap.MultiHead
		if h, err = labelmap.NewMultiHead(mapping, opts...); err != nil {
			return nil, err
		}
		clf = h
		hist, err = h.Fit(ctx, d.train, d.val)
	} else {
		if c.parallel > 0 {
			opts = append(opts, labelmap.WithParallelism(c.parallel))
		}
		var e *labelmap.Ensemble
		if e, err = labelmap.NewEnsemble(mapping, opts...); err != nil {
			return nil, err
		}
		clf = e
		hist, err = e.Fit(ctx, d.train, d.val)
	}
	bar.Finish()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Model, err)
	}
	hist.Fill(&r.Result)
	if err := r.Measure(clf, d.eval, d.test, c.Latency); err != nil {
		return nil, err
	}
	return []report.Row{r}, nil
}
