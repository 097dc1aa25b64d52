package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	labelcode "github.com/labelcode/labelcode"
)

// bin is the labelcode binary TestMain builds.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "labelcode-cli-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "labelcode")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what a run of the binary gave.
type result struct {
	stdout, stderr string
	code           int
}

// cli runs the binary in dir with args, the environment without the
// schedulers' variables plus env, and stdin.
func cli(t *testing.T, dir string, env []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SLURM_ARRAY_TASK_ID=") && !strings.HasPrefix(kv, "JOB_COMPLETION_INDEX=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("labelcode %s: %v", strings.Join(args, " "), err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

// ok runs the binary and fails the test unless it exits 0.
func ok(t *testing.T, dir string, env []string, stdin string, args ...string) string {
	t.Helper()
	r := cli(t, dir, env, stdin, args...)
	if r.code != 0 {
		t.Fatalf("labelcode %s: exit %d\nstderr: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

// fails runs the binary and checks its exit status and that stderr is one
// line containing every want, without a stack trace.
func fails(t *testing.T, dir string, code int, want []string, args ...string) string {
	t.Helper()
	r := cli(t, dir, nil, "", args...)
	if r.code != code {
		t.Fatalf("labelcode %s: exit %d, want %d\nstderr: %s", strings.Join(args, " "), r.code, code, r.stderr)
	}
	checkOneLine(t, r.stderr, args)
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("labelcode %s: stderr %q does not contain %q", strings.Join(args, " "), r.stderr, w)
		}
	}
	return r.stderr
}

func checkOneLine(t *testing.T, stderr string, args []string) {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") || !strings.HasPrefix(stderr, "labelcode") {
		t.Errorf("labelcode %s: stderr is not one line starting with labelcode: %q", strings.Join(args, " "), stderr)
	}
	if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
		t.Errorf("labelcode %s: stack trace: %q", strings.Join(args, " "), stderr)
	}
}

// blobs writes Gaussian clusters as LIBSVM (dense, every value) and as CSV
// with a header, the same rows in both, and returns the dataset.
func blobs(t *testing.T, dir, name string, classes, features, perClass int, seed uint64) *labelcode.Dataset {
	t.Helper()
	b, err := labelcode.NewBlobs(classes, features, seed)
	if err != nil {
		t.Fatal(err)
	}
	d, err := b.Sample(perClass, 0.7)
	if err != nil {
		t.Fatal(err)
	}
	var lib, csv bytes.Buffer
	csv.WriteString("label")
	for j := 0; j < features; j++ {
		fmt.Fprintf(&csv, ",f%d", j+1)
	}
	csv.WriteString("\n")
	for i := 0; i < d.Len(); i++ {
		lib.WriteString(strconv.Itoa(d.Y[i]))
		csv.WriteString(strconv.Itoa(d.Y[i]))
		for j, v := range d.Row(i) {
			s := strconv.FormatFloat(float64(v), 'g', -1, 32)
			fmt.Fprintf(&lib, " %d:%s", j+1, s)
			fmt.Fprintf(&csv, ",%s", s)
		}
		lib.WriteString("\n")
		csv.WriteString("\n")
	}
	write(t, filepath.Join(dir, name+".libsvm"), lib.String())
	write(t, filepath.Join(dir, name+".csv"), csv.String())
	return d
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// small are training flags that keep the tests fast.
var small = []string{"-hidden", "16", "-epochs", "4", "-batch", "16", "-quiet"}

func trainArgs(extra ...string) []string {
	return append(append([]string{"train"}, small...), extra...)
}

// TestTrainPredictEvalInfo trains every code on LIBSVM and CSV files and
// serves the models as a user would.
func TestTrainPredictEvalInfo(t *testing.T) {
	dir := t.TempDir()
	const classes, features = 8, 6
	test := blobs(t, dir, "train", classes, features, 20, 1)
	blobs(t, dir, "test", classes, features, 5, 1)
	for _, code := range []string{"onehot", "ecoc", "mixed", "simplex", "dsnc"} {
		t.Run(code, func(t *testing.T) {
			extra := []string{}
			if code == "dsnc" {
				extra = []string{"-bits", "12"}
			}
			out := ok(t, dir, nil, "", trainArgs(append(extra, "-data", "train.libsvm", "-val-split", "0.2", "-code", code, "-out", code+".model")...)...)
			if !strings.Contains(out, "params") || !strings.Contains(out, "validation accuracy") || strings.Count(out, "\n") != 1 {
				t.Errorf("train summary: %q", out)
			}
			// The same rows from CSV give the same model, bit for bit.
			ok(t, dir, nil, "", trainArgs(append(extra, "-data", "train.csv", "-val-split", "0.2", "-code", code, "-out", code+"-csv.model")...)...)
			if !bytes.Equal(read(t, filepath.Join(dir, code+".model")), read(t, filepath.Join(dir, code+"-csv.model"))) {
				t.Errorf("the models trained on the LIBSVM and the CSV file differ")
			}

			pred := ok(t, dir, nil, "", "predict", "-model", code+".model", "-k", "3", "-data", "test.libsvm")
			lines := strings.Split(strings.TrimSuffix(pred, "\n"), "\n")
			if len(lines) != 5*classes {
				t.Fatalf("predict: %d lines, want %d", len(lines), 5*classes)
			}
			for _, l := range lines {
				f := strings.Fields(l)
				if len(f) != 6 {
					t.Fatalf("predict line %q: want 3 label score pairs", l)
				}
				for i := 0; i < 6; i += 2 {
					if y, err := strconv.Atoi(f[i]); err != nil || y < 0 || y >= classes {
						t.Fatalf("predict line %q: bad label %q", l, f[i])
					}
					if _, err := strconv.ParseFloat(f[i+1], 64); err != nil {
						t.Fatalf("predict line %q: bad score %q", l, f[i+1])
					}
				}
			}
			// CSV rows, stdin and rows without labels give the same lines.
			if got := ok(t, dir, nil, "", "predict", "-model", code+".model", "-k", "3", "-data", "test.csv"); got != pred {
				t.Errorf("predict on CSV differs from LIBSVM")
			}
			var unlabelled strings.Builder
			for _, l := range strings.Split(string(read(t, filepath.Join(dir, "test.libsvm"))), "\n") {
				if _, rest, found := strings.Cut(l, " "); found {
					unlabelled.WriteString(rest + "\n")
				}
			}
			if got := ok(t, dir, nil, unlabelled.String(), "predict", "-model", code+".model", "-k", "3"); got != pred {
				t.Errorf("predict on unlabelled stdin rows differs from the file's")
			}
			js := ok(t, dir, nil, "", "predict", "-model", code+".model", "-k", "2", "-json", "-data", "test.libsvm")
			jl := strings.Split(strings.TrimSuffix(js, "\n"), "\n")
			if len(jl) != 5*classes || !strings.HasPrefix(jl[0], `{"labels":[`) || !strings.Contains(jl[0], `],"scores":[`) {
				t.Errorf("predict -json: %d lines, first %q", len(jl), jl[0])
			}

			ev := ok(t, dir, nil, "", "eval", "-model", code+".model", "-data", "test.libsvm", "-k", "3")
			for _, w := range []string{"accuracy ", "top-3 accuracy ", "latency ", "rows 40"} {
				if !strings.Contains(ev, w) {
					t.Errorf("eval output %q lacks %q", ev, w)
				}
			}
			info := ok(t, dir, nil, "", "info", code+".model")
			want := []string{"features  6", "classes   8", "bytes", "params    "}
			if code != "dsnc" {
				want = append(want, "code      ")
			}
			for _, w := range want {
				if !strings.Contains(info, w) {
					t.Errorf("info output %q lacks %q", info, w)
				}
			}
		})
	}
	_ = test
}

// TestSitesAssemble trains every site in its own process (by -site and by
// the schedulers' variables), assembles them and checks the model equals
// train's bit for bit; then mismatched and missing sites.
func TestSitesAssemble(t *testing.T) {
	dir := t.TempDir()
	blobs(t, dir, "train", 12, 5, 15, 2)
	blobs(t, dir, "other", 12, 5, 15, 3)
	common := append(append([]string{}, small...), "-code", "mixed", "-sites", "3", "-val-split", "0.2", "-seed", "7")
	ok(t, dir, nil, "", append(append([]string{"train"}, common...), "-data", "train.libsvm", "-out", "whole.lm")...)

	site := func(env []string, extra ...string) string {
		return ok(t, dir, env, "", append(append([]string{"train-site"}, common...), extra...)...)
	}
	site(nil, "-data", "train.libsvm", "-site", "0", "-out", "sites/site-%d.lm")
	site([]string{"SLURM_ARRAY_TASK_ID=1"}, "-data", "train.libsvm", "-out", "sites/site-%d.lm")
	out := site([]string{"JOB_COMPLETION_INDEX=2"}, "-data", "train.libsvm", "-out", "sites/site-%d.lm")
	if !strings.HasPrefix(out, "site 2 of 3") {
		t.Errorf("train-site summary %q", out)
	}
	for i := 0; i < 3; i++ {
		if _, err := os.Stat(filepath.Join(dir, "sites", fmt.Sprintf("site-%d.lm.json", i))); err != nil {
			t.Fatalf("manifest of site %d: %v", i, err)
		}
	}
	sites := []string{"sites/site-0.lm", "sites/site-1.lm", "sites/site-2.lm"}
	ok(t, dir, nil, "", append([]string{"assemble", "-out", "assembled.lm"}, sites...)...)
	if !bytes.Equal(read(t, filepath.Join(dir, "whole.lm")), read(t, filepath.Join(dir, "assembled.lm"))) {
		t.Fatalf("the assembled model differs from train's")
	}
	p1 := ok(t, dir, nil, "", "predict", "-model", "whole.lm", "-k", "12", "-data", "train.libsvm")
	p2 := ok(t, dir, nil, "", "predict", "-model", "assembled.lm", "-k", "12", "-data", "train.libsvm")
	if p1 != p2 {
		t.Fatalf("the assembled model's TopK scores differ from train's")
	}

	// A missing site is named; -allow-missing assembles without it.
	fails(t, dir, 1, []string{"missing site(s) 1"}, "assemble", "-out", "partial.lm", sites[0], sites[2])
	ok(t, dir, nil, "", "assemble", "-allow-missing", "-out", "partial.lm", sites[0], sites[2])
	ok(t, dir, nil, "", "predict", "-model", "partial.lm", "-data", "train.libsvm")
	// Named but not trained (as a scheduler's assemble job names them all).
	fails(t, dir, 1, []string{"missing site(s) 1 of 3", "not found: sites/site-9.lm"}, "assemble", "-out", "x.lm", sites[0], "sites/site-9.lm", sites[2])
	ok(t, dir, nil, "", "assemble", "-allow-missing", "-out", "partial2.lm", sites[0], "sites/site-9.lm", sites[2])
	if !bytes.Equal(read(t, filepath.Join(dir, "partial.lm")), read(t, filepath.Join(dir, "partial2.lm"))) {
		t.Errorf("assemble -allow-missing with a file named but absent differs from without it")
	}
	fails(t, dir, 1, []string{"none of the 1 site files"}, "assemble", "-out", "x.lm", "sites/site-9.lm")

	// Other options, other data: refused, naming the field and the files.
	site(nil, "-data", "train.libsvm", "-site", "1", "-epochs", "2", "-out", "epochs/site-%d.lm")
	fails(t, dir, 1, []string{"options.epochs", "epochs/site-1.lm", "sites/site-0.lm"}, "assemble", "-out", "x.lm", sites[0], "epochs/site-1.lm", sites[2])
	site(nil, "-data", "other.libsvm", "-site", "1", "-out", "other/site-%d.lm")
	fails(t, dir, 1, []string{"data.sha256", "other/site-1.lm"}, "assemble", "-out", "x.lm", sites[0], "other/site-1.lm", sites[2])
	site(nil, "-data", "train.libsvm", "-site", "1", "-seed", "8", "-out", "seed/site-%d.lm")
	fails(t, dir, 1, []string{"seed"}, "assemble", "-out", "x.lm", sites[0], "seed/site-1.lm", sites[2])
	// A glob of the directory names the manifests too.
	globbed, err := filepath.Glob(filepath.Join(dir, "sites", "*"))
	if err != nil || len(globbed) != 6 {
		t.Fatalf("sites/*: %v, %v", globbed, err)
	}
	ok(t, dir, nil, "", append([]string{"assemble", "-out", "globbed.lm"}, globbed...)...)
	if !bytes.Equal(read(t, filepath.Join(dir, "whole.lm")), read(t, filepath.Join(dir, "globbed.lm"))) {
		t.Fatalf("the model assembled from sites/* differs from train's")
	}
	for _, ext := range []string{"", ".json"} {
		write(t, filepath.Join(dir, "copy.lm"+ext), string(read(t, filepath.Join(dir, sites[0]+ext))))
	}
	fails(t, dir, 1, []string{"both hold site 0", "copy.lm"}, "assemble", "-out", "x.lm", sites[0], "copy.lm", sites[1], sites[2])
	fails(t, dir, 1, []string{"no manifest"}, "assemble", "-out", "x.lm", "whole.lm")

	// No site at all: name both variables. A site outside the code.
	fails(t, dir, 2, []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"},
		append(append([]string{"train-site"}, common...), "-data", "train.libsvm", "-out", "s.lm")...)
	fails(t, dir, 2, []string{"site 3", "[0, 3)"},
		append(append([]string{"train-site"}, common...), "-data", "train.libsvm", "-site", "3", "-out", "s.lm")...)
	bad := append(append([]string{"train-site"}, common...), "-data", "train.libsvm", "-out", "s.lm")
	if r := cli(t, dir, []string{"SLURM_ARRAY_TASK_ID=x"}, "", bad...); r.code != 2 || !strings.Contains(r.stderr, `SLURM_ARRAY_TASK_ID="x"`) {
		t.Errorf("train-site with SLURM_ARRAY_TASK_ID=x: exit %d, stderr %q", r.code, r.stderr)
	}
	fails(t, dir, 2, []string{"dsnc"}, "train-site", "-data", "train.libsvm", "-code", "dsnc", "-site", "0", "-out", "s.lm")
	// A site file is not a model.
	fails(t, dir, 1, []string{"site file", "assemble"}, "predict", "-model", sites[0], "-data", "train.libsvm")
}

// TestBadUsage: exit status 2 and one line for bad flags; -h prints usage.
func TestBadUsage(t *testing.T) {
	dir := t.TempDir()
	blobs(t, dir, "train", 4, 3, 10, 1)
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"train", "-bogus"},
		{"train", "-code", "mixed", "-out", "m"},
		{"train", "-data", "train.libsvm", "-out", "m"},
		{"train", "-data", "train.libsvm", "-code", "softmax", "-out", "m"},
		{"train", "-data", "train.libsvm", "-code", "onehot"},
		{"train", "-data", "train.libsvm", "-code", "onehot", "-out", "m", "-epochs", "0"},
		{"train", "-data", "train.libsvm", "-code", "onehot", "-out", "m", "-epochs", "x"},
		{"train", "-data", "train.libsvm", "-code", "onehot", "-out", "m", "-hidden", "12,-3"},
		{"train", "-data", "train.libsvm", "-code", "onehot", "-out", "m", "-sites", "4"},
		{"train", "-data", "train.libsvm", "-code", "mixed", "-out", "m", "-bits", "4"},
		{"train", "-data", "train.libsvm", "-code", "onehot", "-out", "m", "-val", "v", "-val-split", "0.1"},
		{"train", "-data", "train.libsvm", "-code", "onehot", "-out", "m", "-val-split", "1.5"},
		{"train", "-data", "train.libsvm", "-code", "onehot", "-out", "m", "-format", "xls"},
		{"train", "-data", "train.libsvm", "-code", "onehot", "-out", "m", "-batch", "1000"},
		{"predict", "-k", "3"},
		{"predict", "-model", "m", "-k", "0"},
		{"eval", "-model", "m"},
		{"info"},
		{"info", "a", "b"},
		{"assemble", "-out", "m"},
		{"assemble", "site-0.lm"},
	} {
		r := cli(t, dir, nil, "", args...)
		if r.code != 2 {
			t.Errorf("labelcode %s: exit %d, want 2 (stderr %q)", strings.Join(args, " "), r.code, r.stderr)
			continue
		}
		if len(args) == 0 {
			continue // the usage
		}
		checkOneLine(t, r.stderr, args)
	}
	for _, c := range []string{"train", "train-site", "assemble", "predict", "eval", "info"} {
		r := cli(t, dir, nil, "", c, "-h")
		if r.code != 0 || !strings.Contains(r.stdout, "Usage: labelcode "+c) || !strings.Contains(r.stdout, "Flags:") {
			t.Errorf("labelcode %s -h: exit %d, stdout %q", c, r.code, r.stdout)
		}
	}
	if r := cli(t, dir, nil, "", "-h"); r.code != 0 || !strings.Contains(r.stdout, "train-site") {
		t.Errorf("labelcode -h: exit %d, stdout %q", r.code, r.stdout)
	}
}

// TestCorruptModel: a damaged, truncated or missing model file is one line
// and exit status 1.
func TestCorruptModel(t *testing.T) {
	dir := t.TempDir()
	blobs(t, dir, "train", 4, 3, 10, 1)
	for _, code := range []string{"mixed", "dsnc"} {
		ok(t, dir, nil, "", trainArgs("-data", "train.libsvm", "-code", code, "-out", code+".model")...)
		b := read(t, filepath.Join(dir, code+".model"))
		for _, pos := range []int{len(b) / 2, 3, len(b) - 1} {
			c := bytes.Clone(b)
			c[pos] ^= 0x40
			write(t, filepath.Join(dir, "bad"), string(c))
			fails(t, dir, 1, []string{"bad"}, "predict", "-model", "bad", "-data", "train.libsvm")
			fails(t, dir, 1, []string{"bad"}, "eval", "-model", "bad", "-data", "train.libsvm")
			fails(t, dir, 1, []string{"bad"}, "info", "bad")
		}
		write(t, filepath.Join(dir, "short"), string(b[:len(b)/3]))
		fails(t, dir, 1, []string{"short"}, "info", "short")
	}
	write(t, filepath.Join(dir, "empty"), "")
	fails(t, dir, 1, []string{"empty"}, "info", "empty")
	fails(t, dir, 1, []string{"nothere", "no such file"}, "info", "nothere")
	fails(t, dir, 1, []string{"train.libsvm"}, "info", "train.libsvm")
}

// TestBadData: a bad line of a data file is named.
func TestBadData(t *testing.T) {
	dir := t.TempDir()
	blobs(t, dir, "train", 4, 3, 10, 1)
	write(t, filepath.Join(dir, "bad.libsvm"), "0 1:0.5 2:1\n1 1:0.25 2:2\n2 1:zero 2:3\n")
	fails(t, dir, 1, []string{"bad.libsvm", "line 3"}, trainArgs("-data", "bad.libsvm", "-code", "onehot", "-out", "m")...)
	write(t, filepath.Join(dir, "bad.csv"), "y,a,b\n0,0.5,1\n1,0.25,2\n2,0.5,x\n")
	fails(t, dir, 1, []string{"bad.csv", "line 4"}, trainArgs("-data", "bad.csv", "-code", "onehot", "-out", "m")...)
	write(t, filepath.Join(dir, "ragged.csv"), "0,0.5,1\n1,0.25,2\n1,0.25\n")
	fails(t, dir, 1, []string{"ragged.csv", "line 3"}, trainArgs("-data", "ragged.csv", "-code", "onehot", "-out", "m")...)
	write(t, filepath.Join(dir, "label.csv"), "0,0.5,1\n-1,0.25,2\n")
	fails(t, dir, 1, []string{"label.csv", "line 2"}, trainArgs("-data", "label.csv", "-code", "onehot", "-out", "m")...)
	fails(t, dir, 1, []string{"nothere.libsvm"}, trainArgs("-data", "nothere.libsvm", "-code", "onehot", "-out", "m")...)

	ok(t, dir, nil, "", trainArgs("-data", "train.libsvm", "-code", "onehot", "-out", "m.lm")...)
	write(t, filepath.Join(dir, "rows.libsvm"), "1:0.5 2:1\n# a comment\n\n0 1:1 3:2\n0 1:1 4:2\n")
	fails(t, dir, 1, []string{"rows.libsvm", "line 5"}, "predict", "-model", "m.lm", "-data", "rows.libsvm")
	r := cli(t, dir, nil, "1:0.5\n1:x\n", "predict", "-model", "m.lm")
	if r.code != 1 || !strings.Contains(r.stderr, "line 2") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("predict on a bad stdin line: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	write(t, filepath.Join(dir, "wide.csv"), "0,1,2,3,4,5\n")
	fails(t, dir, 1, []string{"wide.csv", "line 1"}, "predict", "-model", "m.lm", "-data", "wide.csv")
	write(t, filepath.Join(dir, "far.libsvm"), "9 1:1\n")
	fails(t, dir, 1, []string{"far.libsvm", "line 1"}, "eval", "-model", "m.lm", "-data", "far.libsvm")
}

// TestREADMECommandLine runs the commands of README's "Command line"
// section as written, from a scratch directory (the sample data paths
// resolved to this directory's testdata): every labelcode line, its input
// redirection and scheduler variables, and cmp.
func TestREADMECommandLine(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	sec := regexp.MustCompile("(?s)\n## Command line\n(.*?)(\n## |$)").FindSubmatch(readme)
	if sec == nil {
		t.Fatal(`README has no "## Command line" section`)
	}
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	resolve := func(s string) string {
		if rest, found := strings.CutPrefix(s, "cmd/labelcode/testdata/"); found {
			return filepath.Join(testdata, rest)
		}
		return s
	}
	ran := 0
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllSubmatch(sec[1], -1) {
		for _, line := range strings.Split(string(block[1]), "\n") {
			if i := strings.Index(line, " #"); i >= 0 {
				line = line[:i]
			}
			f := strings.Fields(line)
			if len(f) == 0 || f[0] == "go" {
				continue
			}
			if f[0] == "cmp" { // cmp A B && echo ...
				if !bytes.Equal(read(t, filepath.Join(dir, f[1])), read(t, filepath.Join(dir, f[2]))) {
					t.Errorf("README: %s: the files differ", line)
				}
				continue
			}
			var env []string
			for len(f) > 0 && strings.Contains(f[0], "=") {
				env, f = append(env, f[0]), f[1:]
			}
			if len(f) == 0 || f[0] != "labelcode" {
				t.Fatalf("README: cannot run %q", line)
			}
			stdin := ""
			var args []string
			for i := 1; i < len(f); i++ {
				if f[i] == "<" && i+1 < len(f) {
					stdin = string(read(t, resolve(f[i+1])))
					i++
					continue
				}
				args = append(args, resolve(f[i]))
			}
			out := ok(t, dir, env, stdin, args...)
			if out == "" {
				t.Errorf("README: %s: no output", line)
			}
			ran++
		}
	}
	if ran < 8 {
		t.Errorf("README: ran %d labelcode commands, want the section's 10", ran)
	}
}

// TestValidationFile: -val takes a file of either format; -classes and
// -features widen what the data give.
func TestValidationFile(t *testing.T) {
	dir := t.TempDir()
	blobs(t, dir, "train", 5, 4, 12, 4)
	blobs(t, dir, "val", 5, 4, 4, 4)
	args := trainArgs("-data", "train.libsvm", "-val", "val.csv", "-code", "simplex", "-out", "m.lm")
	r := cli(t, dir, nil, "", slices.DeleteFunc(args, func(a string) bool { return a == "-quiet" })...)
	if r.code != 0 || !strings.Contains(r.stdout, "validation accuracy") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("train -val: exit %d, summary %q", r.code, r.stdout)
	}
	// Not on a terminal: one progress line per epoch and site.
	if n := strings.Count(r.stderr, "\n"); n < 2*1 || !strings.Contains(r.stderr, "site 1 epoch 1/4: loss ") || !strings.Contains(r.stderr, ", validation ") {
		t.Errorf("train progress on a pipe: %q", r.stderr)
	}
	ok(t, dir, nil, "", trainArgs("-data", "train.csv", "-classes", "9", "-features", "7", "-code", "onehot", "-out", "w.lm")...)
	if info := ok(t, dir, nil, "", "info", "w.lm"); !strings.Contains(info, "features  7") || !strings.Contains(info, "classes   9") {
		t.Errorf("info of a model trained with -classes 9 -features 7: %q", info)
	}
	// A byte order mark does not make the first record a header.
	write(t, filepath.Join(dir, "bom.csv"), "\ufeff0,1,2,3,4\n1,3,4,5,6\n")
	if out := ok(t, dir, nil, "", "predict", "-model", "m.lm", "-k", "1", "-data", "bom.csv"); strings.Count(out, "\n") != 2 {
		t.Errorf("predict on a CSV file with a byte order mark: %q", out)
	}
	fails(t, dir, 1, []string{"train.csv", "line 5", "label 3"}, trainArgs("-data", "train.csv", "-classes", "3", "-code", "onehot", "-out", "x.lm")...)
}
