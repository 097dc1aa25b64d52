package main

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestDataMatchesPython checks that makeData and torch_bench.py's
// make_data generate the same rows bit for bit (the benchmark itself checks
// it too, before timing anything). It needs /usr/bin/python3 with numpy and
// torch, and is skipped without them or under -short.
func TestDataMatchesPython(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Python")
	}
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import numpy, torch").Run(); err != nil {
		t.Skipf("no %s with numpy and torch: %v", python, err)
	}
	for _, rows := range []int{1, 37} {
		d, err := makeData(rows)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(python, "-c",
			"import torch_bench as t; x, y = t.make_data("+strconv.Itoa(rows)+"); print(*t.checksum(x, y))")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("python: %v", err)
		}
		f := strings.Fields(string(out))
		if len(f) != 2 {
			t.Fatalf("python printed %q", out)
		}
		sx, sy := checksum(d)
		if f[0] != strconv.FormatUint(sx, 10) || f[1] != strconv.FormatUint(sy, 10) {
			t.Errorf("%d rows: Go checksums %d %d, Python %s %s", rows, sx, sy, f[0], f[1])
		}
	}
}

// TestDataShape checks the generated data set's shape and label range.
func TestDataShape(t *testing.T) {
	d, err := makeData(100)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 100 || d.Features != features || d.Classes != classes {
		t.Fatalf("got %d rows × %d features, %d classes", d.Len(), d.Features, d.Classes)
	}
	seen := map[int]bool{}
	for _, y := range d.Y {
		seen[y] = true
	}
	if len(seen) < 90 {
		t.Errorf("only %d distinct labels in 100 rows", len(seen))
	}
	for _, v := range d.X {
		if v < -1.5 || v >= 1.5 {
			t.Fatalf("feature %v outside [-1.5, 1.5)", v)
		}
	}
}
