// Command customloop trains Deep Stochastic Neural Codes with a training
// loop written by hand from the exported parts of package dsnc, the way a
// researcher who wants their own schedule would: the next word of Plato's
// Republic (7,409 classes, shipped with the project) from the words before
// it, as in examples/quickstart.
//
//	go run ./examples/customloop
//
// The loop does two things Model.Fit does not offer: a cosine
// learning-rate schedule over every step (training.Cosine, set on
// training.Adam by hand) and a warm-up of the intra/inter-class
// regulariser of the DSNC paper (eq. 7–8): β and γ grow linearly from 0 to
// their final values over the first -warmup epochs, so the codes are free
// to form before they are pulled together by class. Everything else is the
// library's, and these are the public calls it shows: the model (dsnc.New,
// Model.Init), its training graph (Model.NewTrainingGraph: encoder,
// Binarize, linear decoder, cross-entropy, regulariser; a training.Model
// whose Step gives the gradients), the optimiser (training.NewAdam,
// SetLearningRate), Fit's minibatch sampler (training.NewClassSampler),
// validation (Model.SetTrainingCodes, then Model.Accuracy with the linear
// decoder), the best epoch's weights (Model.Clone), a training.History
// built by hand and filled into the table's rows (History.Fill),
// training.Progress reports as Fit's WithProgress gives them, a decoder
// per row of the table (Model.SetDecoder), saved and loaded back
// (Model.Save, dsnc.Load). The row it is compared with is dsnc.New with
// WithRegulariser and WithPerClass, then Model.Fit.
//
// It prints a results table (the custom loop with the linear and the
// nearest-code decoder, and Model.Fit with a constant rate and the paper's
// adaptive regulariser on the same data), the loop's training history and
// the model's summary. With -warmup 0 the loop is Fit's own loop: given the
// same cosine schedule (dsnc.WithSchedule) and seed, Fit returns the same
// model bit for bit (main_test.go checks it).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/examples/internal/report"
	"github.com/labelcode/labelcode/training"
)

type config struct {
	report.Common // -seed, -out, -quiet, -smoke, -latency
	report.Text   // -context, -train, -eval, -test, -hidden, -epochs, -batch, -lr
	bits          int
	perClass      int
	minLR         float64
	beta          float64
	gamma         float64
	warmup        int
	valFrac       float64
	fit           bool
	model         string
}

const usage = `Usage: go run ./examples/customloop [flags]

Trains DSNC on the next word of Plato's Republic (shipped with the project;
7,409 classes) with a hand-written loop over dsnc's exported parts: a cosine
learning-rate schedule and a warm-up of the regulariser weights. Prints a
results table against Model.Fit, the training history and the model, then
saves the model and loads it back.

Flags:
`

func main() { report.Main("customloop", usage, parseArgs, run) }

// parseArgs defines the program's flags on fs, parses args and returns the
// configuration (shrunk by -smoke).
func parseArgs(fs *flag.FlagSet, args []string) (config, error) {
	c := config{Text: report.Text{Context: 4, EvalRows: 10000, Hidden: 64, Epochs: 4, Batch: 128, LR: 4e-3}}
	c.Common.SetFlags(fs)
	c.Text.SetFlags(fs)
	fs.Lookup("hidden").Usage = "width of the hidden ReLU layer before the code layer"
	fs.Lookup("epochs").Usage = "training epochs (the cosine schedule spans them)"
	fs.Lookup("lr").Usage = "peak learning rate: the cosine schedule starts here (and Model.Fit's row uses it throughout)"
	fs.Lookup("train").Usage = "training examples drawn at random from the first 90% of the text (0: all 106,812), before the validation cut"
	fs.IntVar(&c.bits, "bits", 32, "code length in bits")
	fs.IntVar(&c.perClass, "per-class", 4, "rows of one class drawn together, so that batches hold same-class pairs for the regulariser")
	fs.Float64Var(&c.minLR, "min-lr", 1e-4, "learning rate the cosine schedule ends at")
	fs.Float64Var(&c.beta, "beta", 0.01, "final intra-class weight β of the regulariser (0 with -gamma 0: no regulariser)")
	fs.Float64Var(&c.gamma, "gamma", 0.01, "final inter-class weight γ of the regulariser")
	fs.IntVar(&c.warmup, "warmup", 2, "epochs over which β and γ ramp up linearly from 0 (0: full weights from the start)")
	fs.Float64Var(&c.valFrac, "val", 0.05, "fraction of the training examples held out to choose the best epoch")
	fs.BoolVar(&c.fit, "fit", true, "also train with Model.Fit (constant rate, adaptive regulariser) for comparison")
	fs.StringVar(&c.model, "model", "", "save the trained model to this file (default: a temporary file, removed after the reload check)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.Smoke {
		// A run of seconds that still goes through every step: CI runs it
		// so that the program cannot rot.
		c.Context, c.Hidden, c.bits, c.Epochs, c.warmup = 2, 16, 16, 2, min(c.warmup, 1)
		c.TrainRows, c.TestRows, c.Latency = 3000, 1000, 50
	}
	return c, report.CheckOut(c.Out)
}

// loopSettings are the settings of the hand-written training loop.
type loopSettings struct {
	Hidden       []int
	Bits         int
	Epochs       int
	Batch        int
	PerClass     int
	LR, MinLR    float64
	Beta, Gamma  float64
	WarmupEpochs int
	Seed         uint64
	// Progress, if not nil, receives the reports Fit's WithProgress
	// option would: after every minibatch and at the end of every epoch.
	Progress func(training.Progress)
}

// warm returns the fraction of the final regulariser weights used at batch
// of batches in epoch (both from 0): a linear ramp from 1/(warmup·batches)
// at the first step to 1 at the last step of epoch warmup-1, then 1.
func warm(warmup, epoch, batch, batches int) float64 {
	if warmup <= 0 {
		return 1
	}
	return min(1, (float64(epoch)+float64(batch+1)/float64(batches))/float64(warmup))
}

// trainLoop is the custom training loop. Without a warm-up it computes
// exactly what dsnc's Model.Fit computes with
// WithSchedule(training.Cosine(LR, MinLR, Epochs)), WithRegulariser(Beta,
// Gamma), WithAdaptiveRegulariser(false), WithPatience(0) and the same
// seed, batch and rows per class. The model decodes symmetric codes 2b − 1
// as Fit's default does (dsnc.WithSymmetricCodes).
func trainLoop(ctx context.Context, train, val *labelcode.Dataset, s loopSettings) (*dsnc.Model, *training.History, error) {
	regularise := s.Beta > 0 || s.Gamma > 0
	opts := []dsnc.Option{dsnc.WithHidden(s.Hidden...), dsnc.WithBits(s.Bits), dsnc.WithSeed(s.Seed)}
	if regularise {
		opts = append(opts, dsnc.WithRegulariser(s.Beta, s.Gamma))
	}
	m, err := dsnc.New(opts...)
	if err != nil {
		return nil, nil, err
	}
	// The network Fit would draw, and its training graph: a training.Model
	// bound to the training rows, which trains m's weights in place.
	if err := m.Init(train.Features, train.Classes); err != nil {
		return nil, nil, err
	}
	batch := min(s.Batch, train.Len())
	tg, err := m.NewTrainingGraph(batch)
	if err != nil {
		return nil, nil, err
	}
	defer tg.Close()
	if err := tg.Bind(train); err != nil {
		return nil, nil, err
	}
	opt, err := training.NewAdam(tg.Params(), s.LR)
	if err != nil {
		return nil, nil, err
	}
	schedule := training.Cosine(s.LR, s.MinLR, s.Epochs)
	// Fit's minibatches: rows of a class drawn together for the regulariser.
	var sampler *training.Sampler
	if regularise {
		sampler, err = training.NewClassSampler(train.Y, batch, s.PerClass, s.Seed)
	} else {
		sampler, err = training.NewSampler(train.Len(), batch, s.Seed)
	}
	if err != nil {
		return nil, nil, err
	}

	start := time.Now()
	hist := &training.History{Stopped: training.StopEpochs}
	for _, p := range tg.Params() {
		hist.Params += len(p)
	}
	best, bestAcc := m.Clone(), math.Inf(-1)
	for epoch := 1; epoch <= s.Epochs; epoch++ {
		t0 := time.Now()
		batches := sampler.Epoch()
		var sumLoss, sumAcc float64
		var beta, gamma float64
		for b, rows := range batches {
			if err := ctx.Err(); err != nil {
				hist.Stopped = training.StopCancelled
				return nil, hist, err
			}
			if err := opt.SetLearningRate(schedule(epoch, b+1, len(batches))); err != nil {
				return nil, nil, err
			}
			f := warm(s.WarmupEpochs, epoch-1, b, len(batches))
			beta, gamma = s.Beta*f, s.Gamma*f
			if err := tg.SetRegulariser(beta, gamma); err != nil {
				return nil, nil, err
			}
			loss, acc, grads, err := tg.Step(rows)
			if err != nil {
				return nil, nil, err
			}
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return nil, nil, fmt.Errorf("%w: loss %v in epoch %d", dsnc.ErrNonFinite, loss, epoch)
			}
			if err := opt.Step(grads); err != nil {
				return nil, nil, err
			}
			sumLoss += loss
			sumAcc += acc
			if s.Progress != nil {
				s.Progress(training.Progress{Epoch: epoch, Epochs: s.Epochs, Batch: b + 1, Batches: len(batches),
					Loss: sumLoss / float64(b+1), Accuracy: sumAcc / float64(b+1), Score: math.NaN()})
			}
		}
		e := training.Epoch{Epoch: epoch, Loss: sumLoss / float64(len(batches)), Accuracy: sumAcc / float64(len(batches)),
			Score: math.NaN(), Beta: beta, Gamma: gamma}
		if val != nil {
			// Fit's validation score: the linear decoder (the model's
			// default) on the current weights, prepared by SetTrainingCodes.
			if err := m.SetTrainingCodes(train); err != nil {
				return nil, nil, err
			}
			if e.Score, err = m.Accuracy(val); err != nil {
				return nil, nil, err
			}
		}
		e.Duration = time.Since(t0)
		hist.Epochs = append(hist.Epochs, e)
		if s.Progress != nil {
			s.Progress(training.Progress{Epoch: epoch, Epochs: s.Epochs, Batch: len(batches), Batches: len(batches),
				Loss: e.Loss, Accuracy: e.Accuracy, EpochDone: true, Score: e.Score})
		}
		if val == nil {
			hist.Best, best = epoch, m
		} else if e.Score > bestAcc {
			bestAcc, hist.Best, best = e.Score, epoch, m.Clone()
		}
	}
	if err := best.SetTrainingCodes(train); err != nil {
		return nil, nil, err
	}
	hist.Duration = time.Since(start)
	return best, hist, nil
}

func run(ctx context.Context, c config, stdout, stderr io.Writer) error {
	if err := c.Text.Check(); err != nil {
		return err
	}
	if c.bits < 1 || c.perClass < 2 || c.warmup < 0 {
		return errors.New("-bits must be positive, -per-class >= 2, -warmup >= 0")
	}
	if !(c.minLR > 0) || !(c.LR >= c.minLR) || math.IsInf(c.LR, 0) {
		return errors.New("-min-lr must be positive and -lr finite and at least -min-lr")
	}
	if !(c.beta >= 0) || !(c.gamma >= 0) || math.IsInf(c.beta, 0) || math.IsInf(c.gamma, 0) {
		return errors.New("-beta and -gamma must be finite and >= 0")
	}
	if !(c.valFrac > 0 && c.valFrac < 1) {
		return errors.New("-val must be inside (0, 1)")
	}
	start := time.Now()
	data, err := load(c)
	if err != nil {
		return err
	}
	train, val, test, k := data.train, data.val, data.test, data.train.Classes
	primes := data.primes
	s := loopSettings{Hidden: []int{c.Hidden}, Bits: c.bits, Epochs: c.Epochs, Batch: c.Batch, PerClass: c.perClass,
		LR: c.LR, MinLR: c.minLR, Beta: c.beta, Gamma: c.gamma, WarmupEpochs: c.warmup, Seed: c.Seed}
	tab := &report.Table{
		Title:   "Next word of Plato's Republic: DSNC trained by a hand-written loop vs Model.Fit",
		Command: report.Command(),
		Machine: report.Machine(),
		Settings: []string{
			fmt.Sprintf("%d classes (words); %d training, %d validation (best epoch), %d test examples (last 10%% of the text)",
				k, train.Len(), val.Len(), test.Len()),
			fmt.Sprintf("input: the %d previous words, each the 3-hot vector of its residues mod %d %d %d (%d inputs)",
				c.Context, primes[0], primes[1], primes[2], train.Features),
			fmt.Sprintf("network: %d inputs → %d ReLU → %d-bit code → %d classes; batch %d (%d rows per class), %d epochs, seed %d",
				train.Features, c.Hidden, c.bits, k, c.Batch, c.perClass, c.Epochs, c.Seed),
			fmt.Sprintf("custom loop: cosine learning rate %g → %g over every step; regulariser β %g, γ %g, warmed up linearly over %d epochs",
				c.LR, c.minLR, c.beta, c.gamma, c.warmup),
			fmt.Sprintf("Model.Fit: constant learning rate %g; regulariser from β %g, γ %g under the paper's adaptive schedule", c.LR, c.beta, c.gamma),
			fmt.Sprintf("train acc on %d sampled training examples; latency: one example at a time, mean of %d", data.evalTrain.Len(), min(c.Latency, test.Len())),
		},
	}

	progress := c.Progress(stderr) // nil with -quiet: no bars
	bar := report.NewTrainingBar(progress, "custom loop", 1)
	s.Progress = bar.Progress()
	m, hist, err := trainLoop(ctx, train, val, s)
	bar.Finish()
	if err != nil {
		return fmt.Errorf("custom loop: %w", err)
	}

	// The models, one per decoder, measured, then saved and loaded back.
	type row struct {
		r labelcode.Result
		p *dsnc.Model
	}
	var rows []row
	for _, d := range []struct {
		dec  dsnc.Decoding
		name string
	}{{dsnc.Decoding{Kind: dsnc.LinearDecoding}, "linear decoder"}, {dsnc.Decoding{Kind: dsnc.NearestDecoding}, "nearest training code"}} {
		p := m.Clone()
		if err := p.SetDecoder(d.dec); err != nil {
			return err
		}
		r := labelcode.Result{Model: "custom loop, " + d.name, Code: fmt.Sprintf("%d learned bits", c.bits)}
		hist.Fill(&r) // parameters, epochs, training time, best epoch
		r.Note += fmt.Sprintf("; %d training codes", len(m.CodeLabels))
		rows = append(rows, row{r, p})
	}
	if c.fit {
		// The same network trained by the library's loop.
		r := labelcode.Result{Model: "dsnc Model.Fit, linear decoder", Code: fmt.Sprintf("%d learned bits", c.bits)}
		bar := report.NewTrainingBar(progress, r.Model, 1)
		opts := []dsnc.Option{dsnc.WithHidden(c.Hidden), dsnc.WithBits(c.bits), dsnc.WithEpochs(c.Epochs),
			dsnc.WithBatchSize(c.Batch), dsnc.WithLearningRate(c.LR), dsnc.WithSeed(c.Seed), dsnc.WithPatience(0),
			dsnc.WithProgress(bar.Progress())}
		if c.beta > 0 || c.gamma > 0 {
			opts = append(opts, dsnc.WithRegulariser(c.beta, c.gamma), dsnc.WithPerClass(c.perClass))
		}
		fm, err := dsnc.New(opts...)
		if err != nil {
			return err
		}
		fh, err := fm.Fit(ctx, train, val)
		bar.Finish()
		if err != nil {
			return fmt.Errorf("%s: %w", r.Model, err)
		}
		fh.Fill(&r)
		r.Note += fmt.Sprintf("; %d training codes", len(fm.CodeLabels))
		rows = append(rows, row{r, fm})
	}
	for i := range rows {
		if err := rows[i].r.Measure(rows[i].p, data.evalTrain, test, c.Latency); err != nil {
			return err
		}
		tab.Add(rows[i].r)
	}
	saved, reload, err := saveAndReload(rows[0].p, test, c.model)
	if err != nil {
		return err
	}
	tab.Wall = time.Since(start)
	if err := c.Write(tab, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nTraining history of the custom loop (val acc: threshold codes, linear decoder; * = kept):\n%s\n", hist)
	fmt.Fprintf(stdout, "\n%s\n", rows[0].p)
	fmt.Fprintf(stdout, "\n%s\n%s\n", saved, reload)
	return nil
}

// dataset is the data of a run.
type dataset struct {
	train, val, test, evalTrain *labelcode.Dataset
	primes                      []int // of the input encoding
}

// load reads the Republic and builds the rows c asks for: windows of the
// first 90% of the text (all, or -train sampled) split into training and
// validation rows, the first -test windows of the last 10%, and a sample
// of the training rows to measure training accuracy on. A word is the
// 3-hot vector of its residues modulo three primes (Label Mapping on the
// input side, as in examples/quickstart).
func load(c config) (*dataset, error) {
	text, trainW, testW, err := report.RepublicWindows(c.Context)
	if err != nil {
		return nil, err
	}
	k := text.Vocab.Len()
	enc, primes, err := report.LMInput(k, 3)
	if err != nil {
		return nil, err
	}
	all, test, err := report.TextRows(trainW, testW, c.TrainRows, c.TestRows, enc, k, c.Seed)
	if err != nil {
		return nil, err
	}
	d := &dataset{primes: primes, test: test}
	if d.train, d.val, _, err = all.Split(c.valFrac, 0, c.Seed); err != nil {
		return nil, err
	}
	d.evalTrain = d.train.Subset(report.Sample(d.train.Len(), c.EvalRows, c.Seed+1))
	return d, nil
}

// saveAndReload saves p to path (a temporary file when path is empty,
// removed afterwards), loads it back and checks that the loaded model
// labels every row of test as p does. It returns a line about the file and
// one about the check.
func saveAndReload(p *dsnc.Model, test *labelcode.Dataset, path string) (string, string, error) {
	if path == "" {
		dir, err := os.MkdirTemp("", "customloop")
		if err != nil {
			return "", "", err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "model.dsnc")
	}
	if err := p.Save(path); err != nil {
		return "", "", err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", "", err
	}
	back, err := dsnc.Load(path)
	if err != nil {
		return "", "", err
	}
	want, err := p.PredictBatch(test.X, test.Len(), nil)
	if err != nil {
		return "", "", err
	}
	got, err := back.PredictBatch(test.X, test.Len(), nil)
	if err != nil {
		return "", "", err
	}
	for i := range want {
		if got[i] != want[i] {
			return "", "", fmt.Errorf("the reloaded model labels test row %d %d, the trained one %d", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("saved the model (%s decoding) to %s: %d bytes", back.Decoding(), path, fi.Size()),
		fmt.Sprintf("loaded it back: the same labels on all %d test examples", len(want)), nil
}
