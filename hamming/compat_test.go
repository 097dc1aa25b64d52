package hamming

import (
	"testing"

	"github.com/labelcode/labelcode/internal/compat"
)

// TestCompatFiles loads the index files written by each earlier release
// and checks their size and a few searches, and that saved again they give
// the release's body in a container (the release's bytes from v2 on).
func TestCompatFiles(t *testing.T) {
	compat.Run(t, testCompatFiles)
}

func testCompatFiles(t *testing.T, rel string, _ *compat.Inputs, exp map[string]compat.Expect) {
	type index interface {
		UnmarshalBinary([]byte) error
		MarshalBinary() ([]byte, error)
		Len() int
		Bits() int
		Search([]uint64, int, []Neighbor) []Neighbor
		Code(int, []uint64) []uint64
	}
	for _, tc := range []struct {
		file string
		idx  index
	}{
		{"linear.hamming", new(Linear)},
		{"multiindex.hamming", new(MultiIndex)},
		{"table.hamming", new(Table)},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b := compat.Read(t, rel, tc.file)
			if err := tc.idx.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
			e := exp[tc.file]
			if tc.idx.Len() != e.Codes || tc.idx.Bits() != e.Bits {
				t.Fatalf("%d codes of %d bits, want %d of %d", tc.idx.Len(), tc.idx.Bits(), e.Codes, e.Bits)
			}
			for q, want := range e.Nearest {
				nb := tc.idx.Search(tc.idx.Code(q, nil), 3, nil)
				if len(nb) != len(want) {
					t.Fatalf("query %d: %d neighbours, want %d", q, len(nb), len(want))
				}
				for j := range nb {
					if nb[j].ID != want[j] {
						t.Fatalf("query %d: neighbours %v, want ids %v", q, nb, want)
					}
				}
			}
			// Saved again, it is the container of the release's body.
			again, err := tc.idx.MarshalBinary()
			compat.Resaved(t, rel, tc.file, again, err)
			if !compat.Container(rel) && (err != nil || string(again) != string(toContainer(b))) {
				t.Errorf("saving the loaded index does not give the release's body in a container (%v)", err)
			}
		})
	}
}
