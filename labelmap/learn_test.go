package labelmap

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
)

// TestLearningLMBeatsECOC is the learning evidence: K = 2000 classes,
// noisy prototypes in 16 dimensions, base learners with two hidden layers of
// 64 (far below K). A 3-site prime-residue Label Mapping ensemble must reach
// 30% test accuracy (chance: 0.05%; measured 36%) and beat binary ECOC
// (11 sites, measured 14.5%) with the same learner by 10 points.
func TestLearningLMBeatsECOC(t *testing.T) {
	const K = 2000
	tr, va, te := prototypes(K, 16, 8, 0.35, 42)
	opts := []Option{WithHidden(64, 64), WithEpochs(8), WithLearningRate(1e-2), WithBatchSize(128), WithSeed(1)}
	primes, err := codes.ChoosePrimes(K, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	lm, err := codes.NewPrimeResidue(K, primes)
	if err != nil {
		t.Fatal(err)
	}
	fit := func(m codes.Mapping) float64 {
		t.Helper()
		e, err := NewEnsemble(m, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Fit(context.Background(), tr, va); err != nil {
			t.Fatal(err)
		}
		acc, err := e.Accuracy(te)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%T %v: test accuracy %.4f, %d params", m, m.Sites(), acc, e.Params())
		return acc
	}
	lmAcc := fit(lm)
	if lmAcc < 0.30 {
		t.Fatalf("LM ensemble (primes %v) accuracy %.4f < 0.30", primes, lmAcc)
	}
	if testing.Short() {
		t.Skip("-short: binary ECOC baseline skipped")
	}
	bin, err := codes.NewBinary(K)
	if err != nil {
		t.Fatal(err)
	}
	if binAcc := fit(bin); lmAcc < binAcc+0.10 {
		t.Fatalf("LM accuracy %.4f does not beat binary ECOC %.4f by 0.10", lmAcc, binAcc)
	}
}

// siteSetup is shared by the separate-process test and its worker: the
// same data, mapping and learner options in every process.
func siteSetup(t *testing.T) (*Ensemble, *siteProblem) {
	t.Helper()
	const K = 1000
	tr, va, te := prototypes(K, 12, 4, 0.3, 5)
	m, err := codes.NewPrimeResidue(K, []int{37, 41, 43})
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEnsemble(m, WithHidden(48), WithEpochs(6), WithBatchSize(64), WithLearningRate(1e-2), WithSeed(9))
	if err != nil {
		t.Fatal(err)
	}
	return e, &siteProblem{tr, va, te}
}

type siteProblem struct{ train, val, test *labelcode.Dataset }

// TestSiteWorker is not a test on its own: TestSitesInSeparateProcesses runs
// the test binary again with LABELMAP_SITE_WORKER=<sites> and
// LABELMAP_SITE_DIR=<dir>, and this function then trains those sites with
// FitSite and saves each with SaveSite.
func TestSiteWorker(t *testing.T) {
	sites, dir := os.Getenv("LABELMAP_SITE_WORKER"), os.Getenv("LABELMAP_SITE_DIR")
	if sites == "" || dir == "" {
		t.Skip("only run as a worker process by TestSitesInSeparateProcesses")
	}
	e, p := siteSetup(t)
	for _, s := range strings.Split(sites, ",") {
		i, err := strconv.Atoi(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.FitSite(context.Background(), i, p.train, p.val); err != nil {
			t.Fatal(err)
		}
		if err := e.SaveSite(filepath.Join(dir, "site"+s+".lm"), i); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSitesInSeparateProcesses trains sites {0, 1} in one process and {2}
// in another (the test binary re-executed), assembles them from their files
// and checks that the result predicts exactly as Fit in this process with
// the same seeds: same labels, bit-identical scores.
func TestSitesInSeparateProcesses(t *testing.T) {
	dir := t.TempDir()
	var cmds []*exec.Cmd
	for _, sites := range []string{"0,1", "2"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSiteWorker$", "-test.count=1")
		cmd.Env = append(os.Environ(), "LABELMAP_SITE_WORKER="+sites, "LABELMAP_SITE_DIR="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	e, p := siteSetup(t)
	if _, err := e.Fit(context.Background(), p.train, p.val); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("worker %v: %v", cmd.Args, err)
		}
	}
	asm, err := NewEnsemble(e.Mapping())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"2", "0", "1"} {
		if _, err := asm.LoadSite(filepath.Join(dir, "site"+s+".lm")); err != nil {
			t.Fatal(err)
		}
	}
	if asm.Fitted() != 3 {
		t.Fatalf("assembled %d sites", asm.Fitted())
	}
	want, err := e.PredictBatch(p.test.X, p.test.Len(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := asm.PredictBatch(p.test.X, p.test.Len(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for r := range want {
		if got[r] != want[r] {
			t.Fatalf("row %d: assembled ensemble predicts %d, Fit predicts %d", r, got[r], want[r])
		}
	}
	var a, b [][]float64
	for r := 0; r < p.test.Len(); r += 17 {
		x := p.test.Row(r)
		if a, err = e.LogScores(x, a); err != nil {
			t.Fatal(err)
		}
		if b, err = asm.LogScores(x, b); err != nil {
			t.Fatal(err)
		}
		for i := range a {
			for j := range a[i] {
				if math.Float64bits(a[i][j]) != math.Float64bits(b[i][j]) {
					t.Fatalf("row %d site %d symbol %d: %v vs %v", r, i, j, a[i][j], b[i][j])
				}
			}
		}
	}
	acc, _ := e.Accuracy(p.test)
	t.Logf("K=1000 3 sites: accuracy %.3f, identical across processes", acc)
}
