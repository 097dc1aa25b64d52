package k8s

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// The annotation the Job controller sets on the pods of an Indexed Job.
const indexAnnotation = "metadata.annotations['batch.kubernetes.io/job-completion-index']"

// decode reads a manifest strictly: an unknown or misspelled field is an
// error, as kubectl apply --validate=strict would report it.
func decode(t *testing.T, path string) *batchv1.Job {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var job batchv1.Job
	if err := yaml.UnmarshalStrict(b, &job); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if job.APIVersion != "batch/v1" || job.Kind != "Job" {
		t.Fatalf("%s: %s %s, want batch/v1 Job", path, job.APIVersion, job.Kind)
	}
	if job.Name == "" {
		t.Errorf("%s: no metadata.name", path)
	}
	if p := job.Spec.Template.Spec.RestartPolicy; p != corev1.RestartPolicyNever {
		t.Errorf("%s: restartPolicy %q, want Never (a failed pod is retried by the Job)", path, p)
	}
	return &job
}

// container returns the pod's one container running labelcode sub.
func container(t *testing.T, job *batchv1.Job, sub string) corev1.Container {
	t.Helper()
	cs := job.Spec.Template.Spec.Containers
	if len(cs) != 1 {
		t.Fatalf("%s: %d containers, want 1", job.Name, len(cs))
	}
	c := cs[0]
	if !slices.Equal(c.Command, []string{"labelcode", sub}) {
		t.Fatalf("%s: command %q, want [labelcode %s]", job.Name, c.Command, sub)
	}
	return c
}

// The flags of labelcode train-site and assemble, as the command defines
// them (cmd/labelcode); parsing the manifests' args with them rejects a
// misspelled or unknown flag and a malformed value.
type siteFlags struct {
	data, format, code, out, hidden, val string
	sites, site, epochs, batch           int
	classes, features, patience, par     int
	lr, valSplit                         float64
	seed                                 uint64
	quiet                                bool
}

func parseSiteFlags(args []string) (*siteFlags, *flag.FlagSet, error) {
	var f siteFlags
	fs := flag.NewFlagSet("labelcode train-site", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.data, "data", "", "")
	fs.StringVar(&f.format, "format", "libsvm", "")
	fs.StringVar(&f.code, "code", "", "")
	fs.IntVar(&f.sites, "sites", 0, "")
	fs.IntVar(&f.site, "site", -1, "")
	fs.StringVar(&f.hidden, "hidden", "", "")
	fs.IntVar(&f.epochs, "epochs", 20, "")
	fs.IntVar(&f.batch, "batch", 128, "")
	fs.Float64Var(&f.lr, "lr", 0.001, "")
	fs.Uint64Var(&f.seed, "seed", 1, "")
	fs.StringVar(&f.out, "out", "", "")
	fs.StringVar(&f.val, "val", "", "")
	fs.Float64Var(&f.valSplit, "val-split", 0, "")
	fs.IntVar(&f.classes, "classes", 0, "")
	fs.IntVar(&f.features, "features", 0, "")
	fs.IntVar(&f.patience, "patience", 5, "")
	fs.IntVar(&f.par, "parallel", 0, "")
	fs.BoolVar(&f.quiet, "quiet", false, "")
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if fs.NArg() > 0 {
		return nil, nil, fmt.Errorf("arguments after the flags: %q", fs.Args())
	}
	return &f, fs, nil
}

func parseAssembleFlags(args []string) (out string, allowMissing bool, sites []string, err error) {
	fs := flag.NewFlagSet("labelcode assemble", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&out, "out", "", "")
	fs.BoolVar(&allowMissing, "allow-missing", false, "")
	if err := fs.Parse(args); err != nil {
		return "", false, nil, err
	}
	return out, allowMissing, fs.Args(), nil
}

// mounted reports whether path lies on a volume the container mounts, and
// that the volume is one of the pod's, returning the volume.
func mounted(t *testing.T, job *batchv1.Job, c corev1.Container, path string) *corev1.Volume {
	t.Helper()
	for _, m := range c.VolumeMounts {
		if path == m.MountPath || strings.HasPrefix(path, strings.TrimSuffix(m.MountPath, "/")+"/") {
			for i, v := range job.Spec.Template.Spec.Volumes {
				if v.Name == m.Name {
					return &job.Spec.Template.Spec.Volumes[i]
				}
			}
			t.Fatalf("%s: volume mount %q names no volume of the pod", job.Name, m.Name)
		}
	}
	t.Fatalf("%s: %s is on no volume the container mounts", job.Name, path)
	return nil
}

type manifests struct {
	sites, assemble *batchv1.Job
	site, asm       corev1.Container
	flags           *siteFlags
	out             string
	siteFiles       []string
}

func load(t *testing.T) manifests {
	t.Helper()
	var m manifests
	m.sites, m.assemble = decode(t, "train-sites.yaml"), decode(t, "assemble.yaml")
	m.site, m.asm = container(t, m.sites, "train-site"), container(t, m.assemble, "assemble")
	var err error
	if m.flags, _, err = parseSiteFlags(m.site.Args); err != nil {
		t.Fatalf("train-sites.yaml: args %q: %v", m.site.Args, err)
	}
	if m.out, _, m.siteFiles, err = parseAssembleFlags(m.asm.Args); err != nil {
		t.Fatalf("assemble.yaml: args %q: %v", m.asm.Args, err)
	}
	return m
}

// TestStrict checks that decoding is strict: a misspelled field of either
// manifest is an error, not a silently ignored line.
func TestStrict(t *testing.T) {
	for file, field := range map[string]string{"train-sites.yaml": "completionMode:", "assemble.yaml": "backoffLimit:"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		bad := strings.Replace(string(b), field, "x"+field, 1)
		var job batchv1.Job
		if err := yaml.UnmarshalStrict([]byte(bad), &job); err == nil {
			t.Errorf("%s with %s misspelled: decoded without an error", file, field)
		}
	}
}

func TestSitesJob(t *testing.T) {
	m := load(t)
	spec, f := m.sites.Spec, m.flags
	if spec.CompletionMode == nil || *spec.CompletionMode != batchv1.IndexedCompletion {
		t.Errorf("completionMode %v, want Indexed (the index is the site)", spec.CompletionMode)
	}
	if f.sites < 1 {
		t.Fatalf("-sites %d: want the number of sites", f.sites)
	}
	if spec.Completions == nil || int(*spec.Completions) != f.sites {
		t.Errorf("completions %v, want -sites = %d (one index per site)", spec.Completions, f.sites)
	}
	if spec.Parallelism == nil || *spec.Parallelism < 1 || int(*spec.Parallelism) > f.sites {
		t.Errorf("parallelism %v, want 1..%d", spec.Parallelism, f.sites)
	}
	if spec.BackoffLimitPerIndex == nil || *spec.BackoffLimitPerIndex < 1 {
		t.Errorf("backoffLimitPerIndex %v, want at least 1: a failed site is retried alone", spec.BackoffLimitPerIndex)
	}
	if f.site != -1 {
		t.Errorf("-site %d in the args: the site must come from JOB_COMPLETION_INDEX", f.site)
	}
	var index *corev1.EnvVar
	for i, e := range m.site.Env {
		if e.Name == "JOB_COMPLETION_INDEX" {
			index = &m.site.Env[i]
		}
	}
	if index == nil || index.ValueFrom == nil || index.ValueFrom.FieldRef == nil || index.ValueFrom.FieldRef.FieldPath != indexAnnotation {
		t.Errorf("JOB_COMPLETION_INDEX is not taken from %s: %+v", indexAnnotation, index)
	}
	if f.format != "libsvm" && f.format != "csv" {
		t.Errorf("-format %q, want libsvm or csv", f.format)
	}
	if f.code != "mixed" && f.code != "simplex" {
		t.Errorf("-code %q, want mixed or simplex (a Label Mapping ensemble)", f.code)
	}
	if f.data == "" || !strings.Contains(f.out, "%d") || strings.Count(f.out, "%") != 1 {
		t.Errorf("-data %q -out %q: want a data file and a site pattern with one %%d", f.data, f.out)
	}
	if f.epochs < 1 || f.batch < 1 || !(f.lr > 0) {
		t.Errorf("learner -epochs %d -batch %d -lr %v: want positive values", f.epochs, f.batch, f.lr)
	}
	mounted(t, m.sites, m.site, f.data)
	mounted(t, m.sites, m.site, filepath.Dir(f.out))
}

func TestAssembleJob(t *testing.T) {
	m := load(t)
	if m.out == "" {
		t.Fatal("assemble.yaml: no -out")
	}
	var want []string
	for i := range m.flags.sites {
		want = append(want, fmt.Sprintf(m.flags.out, i))
	}
	if !slices.Equal(m.siteFiles, want) {
		t.Errorf("assemble.yaml site files %q, want the %d sites train-sites.yaml writes: %q", m.siteFiles, m.flags.sites, want)
	}
	sv := mounted(t, m.sites, m.site, m.flags.data)
	for _, p := range append([]string{m.out}, m.siteFiles...) {
		av := mounted(t, m.assemble, m.asm, p)
		if sv.PersistentVolumeClaim == nil || av.PersistentVolumeClaim == nil || sv.PersistentVolumeClaim.ClaimName != av.PersistentVolumeClaim.ClaimName {
			t.Errorf("%s: the assemble Job's volume %+v is not the sites' claim %+v", p, av.VolumeSource, sv.VolumeSource)
		}
	}
}

// TestWithTheCommand runs the manifests' command lines with the real
// labelcode (built from this repository), the volume being a temporary
// directory: every index of the Indexed Job, with JOB_COMPLETION_INDEX set
// as the Job controller sets it, then the assemble Job, then info on the
// model. It needs the go command, not a cluster.
func TestWithTheCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs labelcode")
	}
	if _, err := os.Stat("../../cmd/labelcode"); err != nil {
		t.Skip("no ../../cmd/labelcode beside this module")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	m := load(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "labelcode")
	build := exec.Command(gobin, "build", "-o", bin, "./cmd/labelcode")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/labelcode: %v\n%s", err, out)
	}
	// The volume: a small data set where the manifest expects it.
	mount := m.site.VolumeMounts[0].MountPath
	local := func(p string) string { return filepath.Join(dir, "vol", strings.TrimPrefix(p, mount)) }
	remap := func(args []string) []string {
		r := make([]string, len(args))
		for i, a := range args {
			r[i] = strings.ReplaceAll(a, mount, filepath.Join(dir, "vol"))
		}
		return r
	}
	if err := os.MkdirAll(filepath.Dir(local(m.flags.out)), 0o755); err != nil {
		t.Fatal(err)
	}
	var data strings.Builder
	for i := range 60 {
		fmt.Fprintf(&data, "%d 1:%d 2:%d.5 3:1\n", i%6, i%6, i%4)
	}
	if err := os.WriteFile(local(m.flags.data), []byte(data.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(env []string, args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		for _, e := range os.Environ() {
			if !strings.HasPrefix(e, "SLURM_ARRAY_TASK_ID=") && !strings.HasPrefix(e, "JOB_COMPLETION_INDEX=") {
				cmd.Env = append(cmd.Env, e)
			}
		}
		cmd.Env = append(cmd.Env, env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("labelcode %q: %v\n%s", args, err, out)
		}
	}
	args := remap(m.site.Args)
	// Quicker than the manifest's learner, same flags: the last value wins.
	args = append(args, "-epochs=1", "-hidden=8", "-batch=16")
	for i := range m.flags.sites {
		run([]string{"JOB_COMPLETION_INDEX=" + strconv.Itoa(i)}, append([]string{"train-site"}, args...)...)
		if _, err := os.Stat(local(fmt.Sprintf(m.flags.out, i))); err != nil {
			t.Fatalf("index %d wrote no site: %v", i, err)
		}
	}
	run(nil, append([]string{"assemble"}, remap(m.asm.Args)...)...)
	run(nil, "info", local(m.out))
}
