package compat

import (
	"slices"
	"testing"
)

// TestReleases checks that every release's files are found and read.
func TestReleases(t *testing.T) {
	rel := Releases()
	if len(rel) < 2 || rel[0] != "v1" || rel[1] != "v2" {
		t.Fatalf("Releases = %v, want v1, v2, ...", rel)
	}
	var first []float32
	for _, r := range rel {
		in, exp, err := Load(r)
		if err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		if in.Rows == 0 || len(in.X) != in.Rows*in.Features || len(exp) == 0 {
			t.Fatalf("%s: %d rows of %d features in %d values, %d expectations", r, in.Rows, in.Features, len(in.X), len(exp))
		}
		// Every release is evaluated on the same rows.
		if first == nil {
			first = in.X
		} else if !slices.Equal(first, in.X) {
			t.Errorf("%s: inputs differ from %s's", r, rel[0])
		}
	}
}
