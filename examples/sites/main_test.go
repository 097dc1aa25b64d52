package main

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
)

// childEnv, when set, makes the test binary act as the program: runAll
// starts os.Executable() (here, this test binary) once per site with
// -site i, and TestMain sends those runs to main.
const childEnv = "LABELCODE_SITES_EXAMPLE_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestSeparateProcesses runs the program's default mode at a tiny size:
// every site trained in its own process, assembled, and compared with an
// ensemble trained in this process (runAll fails if they differ). Then it
// checks that the comparison can fail: another seed gives other weights.
func TestSeparateProcesses(t *testing.T) {
	t.Setenv(childEnv, "1")
	c := config{site: -1, dir: t.TempDir(), classes: 60, sites: 3, features: 8, perClass: 10,
		hidden: 32, epochs: 15, seed: 7}
	var out bytes.Buffer
	if err := run(context.Background(), c, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Log("\n" + out.String())
	pids := map[string]bool{}
	for _, line := range strings.Split(out.String(), "\n") {
		if pid, ok := strings.CutPrefix(line, "process "); ok {
			pids[strings.Fields(pid)[0]] = true
		}
	}
	if len(pids) != c.sites || pids[strconv.Itoa(os.Getpid())] {
		t.Errorf("sites trained by processes %v, want %d others than this one", pids, c.sites)
	}
	if !strings.Contains(out.String(), "the same weights") {
		t.Error("no equality reported")
	}

	assembled, err := assemble(c, &out)
	if err != nil {
		t.Fatal(err)
	}
	c.seed++
	other, err := newEnsemble(c)
	if err != nil {
		t.Fatal(err)
	}
	train, _, err := clusters(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Fit(context.Background(), train, nil); err != nil {
		t.Fatal(err)
	}
	a, _ := assembled.MarshalBinary()
	b, _ := other.MarshalBinary()
	if bytes.Equal(a, b) {
		t.Error("an ensemble trained with another seed has the same weights: the check cannot fail")
	}
}
