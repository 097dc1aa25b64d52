package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/labelmap"
	"github.com/labelcode/labelcode/training"
)

// Output codes.
var codeNames = []string{"onehot", "ecoc", "mixed", "simplex", "dsnc"}

// trainFlags are the flags of train and train-site.
type trainFlags struct {
	fs       *flag.FlagSet
	data     string
	format   string
	classes  int
	features int
	val      string
	valSplit float64
	code     string
	sites    int
	bits     int
	hidden   string
	epochs   int
	batch    int
	lr       float64
	patience int
	seed     uint64
	parallel int
	quiet    bool
	out      string
	site     int // train-site only
}

// Defaults of the flags: the library's.
const (
	defaultSites = 3
	defaultBits  = 64
)

func newTrainFlags(name, synopsis, description string, site bool) *trainFlags {
	t := &trainFlags{fs: newFlagSet(name, synopsis, description)}
	fs := t.fs
	fs.StringVar(&t.data, "data", "", "training data `file` (LIBSVM or CSV; required)")
	fs.StringVar(&t.format, "format", "", "data format, libsvm or csv (default: csv for a .csv file, else libsvm)")
	fs.IntVar(&t.classes, "classes", 0, "number of classes K (default: the largest label + 1)")
	fs.IntVar(&t.features, "features", 0, "input width (default: the widest row of the data)")
	fs.StringVar(&t.val, "val", "", "validation data `file`, same format (for early stopping and the best epoch)")
	fs.Float64Var(&t.valSplit, "val-split", 0, "hold out this `fraction` of the training rows for validation (seeded by -seed)")
	if site {
		fs.StringVar(&t.code, "code", "", "output code: onehot, ecoc, mixed or simplex (required)")
	} else {
		fs.StringVar(&t.code, "code", "", "output code: onehot, ecoc, mixed, simplex or dsnc (required)")
	}
	fs.IntVar(&t.sites, "sites", defaultSites, "number of sites `n` of a mixed or simplex Label Mapping")
	if !site {
		fs.IntVar(&t.bits, "bits", defaultBits, "code length `c` of dsnc")
	}
	fs.StringVar(&t.hidden, "hidden", "", "hidden ReLU layer `widths`, comma-separated, or none (default: 128 for the Label Mapping codes, none for dsnc)")
	fs.IntVar(&t.epochs, "epochs", 20, "maximum training epochs")
	fs.IntVar(&t.batch, "batch", 128, "minibatch size")
	fs.Float64Var(&t.lr, "lr", 0.001, "Adam learning rate")
	fs.IntVar(&t.patience, "patience", 5, "stop after this many epochs without a better validation accuracy (0: never)")
	fs.Uint64Var(&t.seed, "seed", 1, "seed of the weights, the minibatches and the validation split")
	fs.IntVar(&t.parallel, "parallel", 0, "sites trained at once (default: the number of CPUs)")
	fs.BoolVar(&t.quiet, "quiet", false, "print no progress")
	if site {
		fs.IntVar(&t.site, "site", 0, "the site `N` to train (default: $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX)")
		fs.StringVar(&t.out, "out", "", "site `file` to write (required); %d is replaced by the site index; a manifest <file>.json is written beside it")
	} else {
		fs.StringVar(&t.out, "out", "", "model `file` to write (required)")
	}
	return t
}

// check validates the flags that need no data.
func (t *trainFlags) check(site bool) error {
	fs := t.fs
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if t.data == "" {
		return usagef("-data is required")
	}
	if t.out == "" {
		return usagef("-out is required")
	}
	if t.code == "" {
		return usagef("-code is required: one of %s", strings.Join(codeNames, ", "))
	}
	known := false
	for _, c := range codeNames {
		known = known || c == t.code
	}
	if !known {
		return usagef("-code %q: want one of %s", t.code, strings.Join(codeNames, ", "))
	}
	if site && t.code == "dsnc" {
		return usagef("-code dsnc has no sites: train it with labelcode train")
	}
	if _, err := resolveFormat(t.format, t.data); err != nil {
		return err
	}
	if t.classes < 0 || t.classes == 1 {
		return usagef("-classes %d: want at least 2 (or 0 for the data's)", t.classes)
	}
	if t.features < 0 {
		return usagef("-features %d: want a positive width (or 0 for the data's)", t.features)
	}
	if t.val != "" && isSet(fs, "val-split") {
		return usagef("-val and -val-split exclude each other")
	}
	if isSet(fs, "val-split") && !(t.valSplit > 0 && t.valSplit < 1) {
		return usagef("-val-split %v: want a fraction in (0, 1)", t.valSplit)
	}
	if isSet(fs, "sites") && t.code != "mixed" && t.code != "simplex" {
		return usagef("-sites is for -code mixed or simplex, not %s", t.code)
	}
	if (t.code == "mixed" || t.code == "simplex") && t.sites < 2 {
		return usagef("-sites %d: a %s Label Mapping needs at least 2", t.sites, t.code)
	}
	if !site && isSet(fs, "bits") && t.code != "dsnc" {
		return usagef("-bits is for -code dsnc, not %s", t.code)
	}
	if t.code == "dsnc" && t.bits < 1 {
		return usagef("-bits %d: want at least 1", t.bits)
	}
	if _, err := t.hiddenWidths(); err != nil {
		return err
	}
	switch {
	case t.epochs < 1:
		return usagef("-epochs %d: want at least 1", t.epochs)
	case t.batch < 1:
		return usagef("-batch %d: want at least 1", t.batch)
	case !(t.lr > 0) || math.IsInf(t.lr, 0):
		return usagef("-lr %v: want a positive rate", t.lr)
	case t.patience < 0:
		return usagef("-patience %d: want 0 or more", t.patience)
	case t.parallel < 0:
		return usagef("-parallel %d: want 1 or more (0: the number of CPUs)", t.parallel)
	}
	if site && isSet(fs, "site") && t.site < 0 {
		return usagef("-site %d: want 0 or more", t.site)
	}
	return nil
}

// hiddenWidths returns the hidden layer widths: the flag's, or the default
// of the code.
func (t *trainFlags) hiddenWidths() ([]int, error) {
	s := strings.TrimSpace(t.hidden)
	switch s {
	case "":
		if t.code == "dsnc" {
			return []int{}, nil
		}
		return []int{128}, nil
	case "none", "0":
		return []int{}, nil
	}
	var w []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1<<24 {
			return nil, usagef("-hidden %q: want comma-separated widths in [1, %d], or none", t.hidden, 1<<24)
		}
		w = append(w, n)
	}
	return w, nil
}

// options are the training options a manifest records: those that change
// the trained weights.
type options struct {
	Hidden       []int   `json:"hidden"`
	Epochs       int     `json:"epochs"`
	Batch        int     `json:"batch"`
	LearningRate float64 `json:"learning_rate"`
	Patience     int     `json:"patience"`
}

func (t *trainFlags) options() options {
	h, _ := t.hiddenWidths()
	return options{Hidden: h, Epochs: t.epochs, Batch: t.batch, LearningRate: t.lr, Patience: t.patience}
}

// dataInfo describes the data a model was trained on: what the fingerprint
// is made of.
type dataInfo struct {
	File       string `json:"file"`
	SHA256     string `json:"sha256"`
	Format     string `json:"format"`
	Features   int    `json:"features"`
	Classes    int    `json:"classes"`
	Validation string `json:"validation"`
}

// fingerprint is the SHA-256 of the data's bytes and the settings that
// select the rows: width, classes, validation (the file name is left out).
func (d dataInfo) fingerprint() string {
	h := sha256.New()
	fmt.Fprintf(h, "labelcode data v1\nsha256 %s\nformat %s\nfeatures %d\nclasses %d\nvalidation %s\n",
		d.SHA256, d.Format, d.Features, d.Classes, d.Validation)
	return hex.EncodeToString(h.Sum(nil))
}

// loaded is the training data ready for Fit.
type loaded struct {
	train, val *labelcode.Dataset
	info       dataInfo
}

// load reads the training (and validation) data as the flags say.
func (t *trainFlags) load() (*loaded, error) {
	format, _ := resolveFormat(t.format, t.data)
	tf, err := readDataFile(t.data, format, t.features, t.classes)
	if err != nil {
		return nil, err
	}
	l := &loaded{train: tf.data}
	l.info = dataInfo{File: t.data, SHA256: tf.sha256, Format: format, Validation: "none"}
	switch {
	case t.val != "":
		vformat := format
		if t.format == "" {
			vformat, _ = resolveFormat("", t.val)
		}
		vf, err := readDataFile(t.val, vformat, l.train.Features, t.classes)
		if err != nil {
			return nil, err
		}
		if vf.data.Classes > l.train.Classes { // labels seen only in validation
			l.train.Classes = vf.data.Classes
		}
		vf.data.Classes = l.train.Classes
		l.val = vf.data
		l.info.Validation = fmt.Sprintf("file %s sha256 %s", vformat, vf.sha256)
	case t.valSplit > 0:
		tr, va, _, err := l.train.Split(t.valSplit, 0, t.seed)
		if err != nil {
			return nil, fmt.Errorf("-val-split %v: %w", t.valSplit, err)
		}
		if va.Len() == 0 {
			return nil, usagef("-val-split %v of %d rows leaves no validation row", t.valSplit, l.train.Len())
		}
		l.train, l.val = tr, va
		l.info.Validation = fmt.Sprintf("split %s seed %d", strconv.FormatFloat(t.valSplit, 'g', -1, 64), t.seed)
	}
	l.info.Features, l.info.Classes = l.train.Features, l.train.Classes
	if t.batch > l.train.Len() {
		return nil, usagef("-batch %d is larger than the %d training rows", t.batch, l.train.Len())
	}
	return l, nil
}

// newEnsemble returns the untrained Label Mapping ensemble of code over
// classes labels.
func newEnsemble(code string, classes, sites int, opts []labelmap.Option) (*labelmap.Ensemble, error) {
	m, err := newMapping(code, classes, sites)
	if err != nil {
		return nil, err
	}
	return labelmap.NewEnsemble(m, opts...)
}

// newMapping returns the label mapping of a Label Mapping code: what
// labelmap.NewOneHot, NewMixed and NewSimplex build, and binary ECOC.
func newMapping(code string, classes, sites int) (codes.Mapping, error) {
	switch code {
	case "onehot":
		return codes.NewOneHot(classes)
	case "ecoc":
		return codes.NewBinary(classes)
	case "mixed":
		return codes.NewMixed(classes, sites)
	case "simplex":
		return codes.NewSimplex(classes, sites)
	}
	return nil, fmt.Errorf("code %q is not a Label Mapping ensemble", code)
}

func lmOptions(o options, seed uint64, parallel int, prog func(training.Progress)) []labelmap.Option {
	opts := []labelmap.Option{
		labelmap.WithHidden(o.Hidden...),
		labelmap.WithEpochs(o.Epochs),
		labelmap.WithBatchSize(o.Batch),
		labelmap.WithLearningRate(o.LearningRate),
		labelmap.WithPatience(o.Patience),
		labelmap.WithSeed(seed),
	}
	if parallel > 0 {
		opts = append(opts, labelmap.WithParallelism(parallel))
	}
	if prog != nil {
		opts = append(opts, labelmap.WithProgress(prog))
	}
	return opts
}

const trainDescription = `
Trains a classifier on a labelled data file and writes the model file, which
labelcode predict, eval and info read.

Codes: onehot is a softmax over all K classes; ecoc a binary error-correcting
output code (one binary learner per bit); mixed and simplex are Label Mapping
with -sites learners over alphabets near sqrt(K) (any two sites determine the
label); dsnc learns a -bits long binary code end to end (Deep Stochastic
Neural Codes). Every Label Mapping site is an MLP with the -hidden layers.

With validation data (-val or -val-split) training stops early after
-patience epochs without a better validation accuracy and keeps the best
epoch. Progress goes to standard error (a bar on a terminal, one line per
epoch otherwise); a summary line goes to standard output.`

func runTrain(ctx context.Context, e *env, args []string) error {
	t := newTrainFlags("train", "-data FILE -code onehot|ecoc|mixed|simplex|dsnc -out MODEL [flags]", trainDescription, false)
	if err := parseFlags(t.fs, args, e.stdout); err != nil {
		return err
	}
	if err := t.check(false); err != nil {
		return err
	}
	l, err := t.load()
	if err != nil {
		return err
	}
	o := t.options()
	K := l.train.Classes
	start := time.Now()
	// The model of the code: both kinds train, measure and save alike.
	var (
		m    trainable
		p    *progress
		desc string
	)
	if t.code == "dsnc" {
		p = newProgress(e, t.quiet, 1, o.Epochs, false)
		d, err := dsnc.New(dsnc.WithBits(t.bits), dsnc.WithHidden(o.Hidden...), dsnc.WithEpochs(o.Epochs),
			dsnc.WithBatchSize(o.Batch), dsnc.WithLearningRate(o.LearningRate), dsnc.WithPatience(o.Patience),
			dsnc.WithSeed(t.seed), dsnc.WithProgress(p.report))
		if err != nil {
			return &usageError{err.Error()}
		}
		m, desc = d, fmt.Sprintf("dsnc %d bits", t.bits)
	} else {
		mapping, err := newMapping(t.code, K, t.sites)
		if err != nil {
			return fmt.Errorf("-code %s with %d classes: %w", t.code, K, err)
		}
		p = newProgress(e, t.quiet, mapping.Sites(), o.Epochs, mapping.Sites() > 1)
		ens, err := labelmap.NewEnsemble(mapping, lmOptions(o, t.seed, t.parallel, p.report)...)
		if err != nil {
			return &usageError{err.Error()}
		}
		m, desc = ens, codeDescription(t.code, ens.Sites())
	}
	hist, err := m.Fit(ctx, l.train, l.val)
	p.done()
	if err != nil {
		return err
	}
	valAcc := math.NaN()
	if l.val != nil {
		if valAcc, err = m.Accuracy(l.val); err != nil {
			return err
		}
	}
	if err := makeDir(t.out); err != nil {
		return err
	}
	if err := m.Save(t.out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s, K=%d, %d features: %s params, %s, %s%s; wrote %s\n",
		desc, K, l.train.Features, thousands(hist.Params), epochsSummary(hist), roundDuration(time.Since(start)),
		valSummary("validation accuracy", valAcc), t.out)
	return nil
}

// trainable is what train does with a model of either family.
type trainable interface {
	Fit(ctx context.Context, train, val *labelcode.Dataset) (*training.History, error)
	Accuracy(d *labelcode.Dataset) (float64, error)
	Save(path string) error
}

func codeDescription(code string, sites int) string {
	switch code {
	case "onehot":
		return "onehot softmax"
	case "ecoc":
		return fmt.Sprintf("binary ECOC, %d bits", sites)
	}
	return fmt.Sprintf("%s LM, %d sites", code, sites)
}

// epochsSummary says how many epochs ran (for an ensemble, the most of any
// site) and which was kept.
func epochsSummary(h *training.History) string {
	hs := []*training.History{h}
	if len(h.Sites) > 0 {
		hs = h.Sites
	}
	ran, best := 0, []string{}
	for _, s := range hs {
		if s == nil {
			continue
		}
		ran = max(ran, len(s.Epochs))
		best = append(best, strconv.Itoa(s.Best))
	}
	unit := "epochs"
	if ran == 1 {
		unit = "epoch"
	}
	out := fmt.Sprintf("%d %s", ran, unit)
	if len(best) > 0 && len(hs) == 1 && hs[0] != nil && hs[0].Best != len(hs[0].Epochs) {
		out += " (best " + best[0] + ")"
	} else if len(hs) > 1 {
		out += " (best " + strings.Join(best, ",") + ")"
	}
	return out
}

func valSummary(what string, acc float64) string {
	if math.IsNaN(acc) {
		return ""
	}
	return fmt.Sprintf(", %s %.4f", what, acc)
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// thousands writes n with thousands separators.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// manifest describes a site file: what assemble checks.
type manifest struct {
	Manifest    int      `json:"labelcode_site_manifest"`
	Site        int      `json:"site"`
	Sites       int      `json:"sites"`
	Code        string   `json:"code"`
	Classes     int      `json:"classes"`
	Features    int      `json:"features"`
	Options     options  `json:"options"`
	Seed        uint64   `json:"seed"`
	Data        dataInfo `json:"data"`
	Fingerprint string   `json:"fingerprint"`
	SiteFile    string   `json:"site_file"`
	Params      int      `json:"params"`
	Epochs      int      `json:"epochs"`
	BestEpoch   int      `json:"best_epoch"`
	Seconds     float64  `json:"seconds"`
}

const manifestVersion = 1

// siteIndex returns the site to train: -site, else the scheduler's index.
func siteIndex(t *trainFlags, getenv func(string) string) (int, string, error) {
	if isSet(t.fs, "site") {
		return t.site, "-site", nil
	}
	for _, name := range []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return 0, "", usagef("%s=%q is not a site index (0 or more)", name, v)
		}
		return n, name, nil
	}
	return 0, "", usagef("no site: give -site N, or run as a Slurm array task (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX); neither variable is set")
}

var siteVerb = regexp.MustCompile(`%0?[0-9]*d`)

// siteOut returns -out with its %d (or %03d, ...) replaced by the site.
func siteOut(out string, site int) string {
	return siteVerb.ReplaceAllStringFunc(out, func(v string) string { return fmt.Sprintf(v, site) })
}

const trainSiteDescription = `
Trains one site of a Label Mapping ensemble (-code mixed, simplex, ecoc or
onehot) and writes it with a manifest (<file>.json: the site, the code, the
options, the seed and a fingerprint of the data) for labelcode assemble.

The site is -site N or, without the flag, the scheduler's array index:
SLURM_ARRAY_TASK_ID (sbatch --array=0-<n-1>) or JOB_COMPLETION_INDEX (a
Kubernetes Indexed Job). Every site must get the same flags. A site trained
this way equals, bit for bit, the site that labelcode train trains with the
same flags, data and seed, so the assembled model equals train's.

The validation data (-val, -val-split) drive early stopping on the site's
own symbols, as in labelcode train.`

func runTrainSite(ctx context.Context, e *env, args []string) error {
	t := newTrainFlags("train-site", "-data FILE -code mixed|simplex|ecoc|onehot [-sites n] [-site N] -out SITEFILE [flags]", trainSiteDescription, true)
	if err := parseFlags(t.fs, args, e.stdout); err != nil {
		return err
	}
	if err := t.check(true); err != nil {
		return err
	}
	site, from, err := siteIndex(t, e.getenv)
	if err != nil {
		return err
	}
	l, err := t.load()
	if err != nil {
		return err
	}
	o := t.options()
	K := l.train.Classes
	mapping, err := newMapping(t.code, K, t.sites)
	if err != nil {
		return fmt.Errorf("-code %s with %d classes: %w", t.code, K, err)
	}
	n := mapping.Sites()
	if site >= n {
		return usagef("site %d (from %s) outside [0, %d): -code %s has %d sites (a Slurm array is --array=0-%d)", site, from, n, t.code, n, n-1)
	}
	p := newProgress(e, t.quiet, n, o.Epochs, true)
	p.only(site)
	ens, err := labelmap.NewEnsemble(mapping, lmOptions(o, t.seed, t.parallel, p.report)...)
	if err != nil {
		return &usageError{err.Error()}
	}
	start := time.Now()
	hist, err := ens.FitSite(ctx, site, l.train, l.val)
	p.done()
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	out := siteOut(t.out, site)
	if err := makeDir(out); err != nil {
		return err
	}
	if err := ens.SaveSite(out, site); err != nil {
		return err
	}
	mf := manifest{
		Manifest: manifestVersion, Site: site, Sites: n, Code: t.code, Classes: K, Features: l.train.Features,
		Options: o, Seed: t.seed, Data: l.info, Fingerprint: l.info.fingerprint(), SiteFile: out,
		Params: ens.Params(), Seconds: elapsed.Seconds(),
	}
	if hist != nil {
		mf.Epochs, mf.BestEpoch = len(hist.Epochs), hist.Best
	}
	if err := writeManifest(out+".json", &mf); err != nil {
		return err
	}
	siteAcc := math.NaN()
	if hist != nil {
		if ep, ok := hist.BestEpoch(); ok && !math.IsNaN(ep.Score) {
			siteAcc = ep.Score
		}
	}
	h := hist
	if h == nil {
		h = &training.History{}
	}
	fmt.Fprintf(e.stdout, "site %d of %d (%s), K=%d, %d features: %s params, %s, %s%s; wrote %s\n",
		site, n, codeDescription(t.code, n), K, l.train.Features, thousands(ens.Params()), epochsSummary(h),
		roundDuration(elapsed), valSummary("site validation accuracy", siteAcc), out)
	return nil
}

// makeDir creates the directory of the output file path.
func makeDir(path string) error {
	return os.MkdirAll(filepath.Dir(path), 0o755)
}

func writeManifest(path string, m *manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func readManifest(path string) (*manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no manifest %s (labelcode train-site writes one beside each site file)", path)
		}
		return nil, err
	}
	var m manifest
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: not a site manifest: %v", path, err)
	}
	if m.Manifest != manifestVersion {
		return nil, fmt.Errorf("%s: not a labelcode site manifest (version %d, want %d)", path, m.Manifest, manifestVersion)
	}
	return &m, nil
}
