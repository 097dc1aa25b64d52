// Command bench trains the same networks on the same generated data with
// labelcode (gorgonia) and with PyTorch, interleaved in one run, and prints
// one table of times and ratios (ours / PyTorch): a training epoch, the
// prediction of one example at a time and batch prediction. See README.md.
//
// Usage:
//
//	go run ./bench [flags]                  # pure-Go BLAS
//	go run -tags openblas ./bench [flags]   # OpenBLAS (cgo, libopenblas-dev)
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labelcode/labelcode/internal/nn"
	"github.com/labelcode/labelcode/internal/nn/openblas"
)

func main() {
	var (
		rows     = flag.Int("rows", 5120, "training rows (an epoch is rows/batch minibatches)")
		batch    = flag.Int("batch", 256, "minibatch size")
		epochs   = flag.Int("epochs", 2, "epochs per training run; the last one is timed (the first warms up)")
		reps     = flag.Int("reps", 3, "repetitions of the whole interleaved measurement")
		single   = flag.Int("single", 300, "examples predicted one call at a time")
		caseList = flag.String("cases", "onehot,lm,dsnc", "comma-separated cases: onehot, lm, dsnc")
		threads  = flag.String("threads", "1,2", "comma-separated torch.set_num_threads settings")
		python   = flag.String("python", "/usr/bin/python3", "Python interpreter with torch")
		script   = flag.String("script", "bench/torch_bench.py", "the PyTorch side")
		noTorch  = flag.Bool("notorch", false, "time the Go side only")
		blas     = flag.Int("blasthreads", 0, "OpenBLAS threads on both sides (0: the library's default, all cores)")
		cpuprof  = flag.String("cpuprofile", "", "write a CPU profile of the Go side's training to this file")
	)
	flag.Parse()
	log.SetFlags(0)
	cases := strings.Split(*caseList, ",")
	var tset []int
	if !*noTorch {
		for _, s := range strings.Split(*threads, ",") {
			t, err := strconv.Atoi(s)
			if err != nil || t < 1 {
				log.Fatalf("bad -threads entry %q", s)
			}
			tset = append(tset, t)
		}
	}
	const lr, seed = 1e-3, 1

	if *blas > 0 {
		openblas.SetThreads(*blas)
	}
	d, err := makeData(*rows)
	if err != nil {
		log.Fatal(err)
	}
	var torch *torchServer
	var info struct {
		Torch          string `json:"torch"`
		DefaultThreads int    `json:"default_threads"`
	}
	if !*noTorch {
		if torch, err = startTorch(*python, *script, *blas); err != nil {
			log.Fatal(err)
		}
		defer torch.close()
		if err := torch.call(map[string]any{"cmd": "info"}, &info); err != nil {
			log.Fatal(err)
		}
		var sum struct {
			X uint64 `json:"checksum_x"`
			Y uint64 `json:"checksum_y"`
		}
		if err := torch.call(map[string]any{"cmd": "data", "rows": *rows}, &sum); err != nil {
			log.Fatal(err)
		}
		if sx, sy := checksum(d); sx != sum.X || sy != sum.Y {
			log.Fatalf("the two sides generated different data: Go checksums %d, %d; Python %d, %d", sx, sy, sum.X, sum.Y)
		}
	}

	res := newResults()
	ctx := context.Background()
	for rep := 1; rep <= *reps; rep++ {
		for _, c := range cases {
			var stopProf func()
			if *cpuprof != "" && rep == 1 {
				stopProf = startProfile(*cpuprof, c, len(cases))
			}
			tr, err := trainGo(ctx, c, d, *epochs, *batch, lr, seed)
			if stopProf != nil {
				stopProf()
			}
			if err != nil {
				log.Fatalf("%s: Go training: %v", c, err)
			}
			goEpoch := tr.epochs[len(tr.epochs)-1].Seconds()
			res.add(c, "train epoch", "Go", rep, goEpoch)
			log.Printf("rep %d %-6s Go       epoch %7.3fs (all epochs %v, loss %.3f)", rep, c, goEpoch, roundAll(tr.epochs), tr.loss)
			for _, t := range tset {
				var tres struct {
					Epochs []float64 `json:"epoch_seconds"`
					Loss   []float64 `json:"loss"`
				}
				req := map[string]any{"cmd": "train", "case": c, "threads": t, "epochs": *epochs, "batch": *batch, "lr": lr, "seed": seed}
				if err := torch.call(req, &tres); err != nil {
					log.Fatalf("%s: %v", c, err)
				}
				e := tres.Epochs[len(tres.Epochs)-1]
				res.add(c, "train epoch", torchCol(t), rep, e)
				log.Printf("rep %d %-6s torch×%d epoch %7.3fs (all epochs %.3f, loss %.3f)", rep, c, t, e, tres.Epochs, tres.Loss[len(tres.Loss)-1])
			}
			one, oneBlock, bat, acc, err := predictGo(tr.model, d, *single)
			if err != nil {
				log.Fatalf("%s: Go prediction: %v", c, err)
			}
			res.add(c, "predict one", "Go", rep, one)
			res.add(c, "predict one, block median", "Go", rep, oneBlock)
			res.add(c, "predict batch", "Go", rep, bat)
			log.Printf("rep %d %-6s Go       one %8.1fµs (block median %8.1fµs)  batch %8.1fµs/row  (training accuracy %.3f)",
				rep, c, one*1e6, oneBlock*1e6, bat*1e6, acc)
			for _, t := range tset {
				var pres struct {
					One   float64 `json:"single_seconds"`
					Block float64 `json:"single_block_median_seconds"`
					Batch float64 `json:"batch_seconds"`
					Acc   float64 `json:"accuracy"`
				}
				req := map[string]any{"cmd": "predict", "case": c, "threads": t, "single": *single, "batch": *batch}
				if err := torch.call(req, &pres); err != nil {
					log.Fatalf("%s: %v", c, err)
				}
				res.add(c, "predict one", torchCol(t), rep, pres.One)
				res.add(c, "predict one, block median", torchCol(t), rep, pres.Block)
				res.add(c, "predict batch", torchCol(t), rep, pres.Batch)
				log.Printf("rep %d %-6s torch×%d one %8.1fµs (block median %8.1fµs)  batch %8.1fµs/row  (training accuracy %.3f)",
					rep, c, t, pres.One*1e6, pres.Block*1e6, pres.Batch*1e6, pres.Acc)
			}
		}
	}

	fmt.Printf("\nMachine: %s, %d cores, GOMAXPROCS %d; %s; BLAS %s (%s)\n", cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0),
		runtime.Version(), nn.Backend, blasThreads())
	if torch != nil {
		fmt.Printf("PyTorch %s (its default intra-op threads here: %d), %s\n", info.Torch, info.DefaultThreads, torchBLASNote(*blas))
	}
	fmt.Printf("Data: %d rows × %d features, %d classes; batch %d, Adam lr %g, float32; epoch = the last of %d; %d single predictions; %d reps\n",
		*rows, features, classes, *batch, lr, *epochs, *single, *reps)
	fmt.Printf("Cells: median [min–max] over reps; ratios are Go / PyTorch per rep (median [min–max]); < 1 means Go is faster.\n\n")
	res.print(cases, tset)
}

func torchCol(threads int) string { return fmt.Sprintf("torch×%d", threads) }

func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond)
	}
	return out
}

// startProfile profiles the Go side's first training run of every case into
// one file per case (name.case.prof when there are several cases).
func startProfile(name, c string, ncases int) func() {
	if ncases > 1 {
		name = strings.TrimSuffix(name, ".prof") + "." + c + ".prof"
	}
	f, err := os.Create(name)
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func torchBLASNote(blas int) string {
	if blas > 0 {
		return fmt.Sprintf("its BLAS (Debian: OpenBLAS) on OPENBLAS_NUM_THREADS=%d", blas)
	}
	if v := os.Getenv("OPENBLAS_NUM_THREADS"); v != "" {
		return "its BLAS (Debian: OpenBLAS) on OPENBLAS_NUM_THREADS=" + v
	}
	return "its BLAS (Debian: OpenBLAS) on its default threads (all cores)"
}

// results holds every measurement: case → measure → column → per-rep values.
type results struct {
	v map[string]map[string]map[string]map[int]float64
}

func newResults() *results { return &results{v: map[string]map[string]map[string]map[int]float64{}} }

func (r *results) add(c, measure, col string, rep int, x float64) {
	if r.v[c] == nil {
		r.v[c] = map[string]map[string]map[int]float64{}
	}
	if r.v[c][measure] == nil {
		r.v[c][measure] = map[string]map[int]float64{}
	}
	if r.v[c][measure][col] == nil {
		r.v[c][measure][col] = map[int]float64{}
	}
	r.v[c][measure][col][rep] = x
}

// stats returns the median, min and max of xs.
func stats(xs []float64) (med, lo, hi float64) {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	med = s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return med, s[0], s[n-1]
}

var measures = []struct{ name, unit string }{
	{"train epoch", "s"},
	{"predict one", "µs"},
	{"predict one, block median", "µs"},
	{"predict batch", "µs/row"},
}

func (r *results) print(cases []string, tset []int) {
	cols := []string{"Go"}
	for _, t := range tset {
		cols = append(cols, torchCol(t))
	}
	header := []string{"case", "measure"}
	header = append(header, cols...)
	for _, t := range tset {
		header = append(header, "Go/"+torchCol(t))
	}
	fmt.Println("| " + strings.Join(header, " | ") + " |")
	fmt.Println("|" + strings.Repeat("---|", len(header)))
	for _, c := range cases {
		for _, m := range measures {
			scale := 1.0
			if m.unit != "s" {
				scale = 1e6
			}
			row := []string{c, m.name + " (" + m.unit + ")"}
			byCol := r.v[c][m.name]
			for _, col := range cols {
				var xs []float64
				for _, x := range byCol[col] {
					xs = append(xs, x*scale)
				}
				med, lo, hi := stats(xs)
				row = append(row, fmt.Sprintf("%s [%s–%s]", num(med), num(lo), num(hi)))
			}
			for _, t := range tset {
				var ratios []float64
				for rep, g := range byCol["Go"] {
					ratios = append(ratios, g/byCol[torchCol(t)][rep])
				}
				med, lo, hi := stats(ratios)
				row = append(row, fmt.Sprintf("**%.2f** [%.2f–%.2f]", med, lo, hi))
			}
			fmt.Println("| " + strings.Join(row, " | ") + " |")
		}
	}
}

func num(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	default:
		return fmt.Sprintf("%.3g", x)
	}
}
