package report

import (
	"math"
	"slices"
	"testing"
	"time"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/examples/internal/corpus"
)

func TestSelectRows(t *testing.T) {
	keys := []string{"onehot", "mixed2", "dsnc"}
	for _, list := range []string{"all", ""} {
		got, err := SelectRows(list, keys)
		if err != nil || !slices.Equal(got, keys) {
			t.Errorf("SelectRows(%q) = %q, %v; want every key", list, got, err)
		}
	}
	got, err := SelectRows("dsnc, onehot", keys)
	if err != nil || !slices.Equal(got, []string{"dsnc", "onehot"}) {
		t.Errorf("SelectRows(dsnc, onehot) = %q, %v", got, err)
	}
	if _, err := SelectRows("onehot,nosuch", keys); err == nil {
		t.Error("unknown row accepted")
	}
	all, _ := SelectRows("all", keys)
	all[0] = "changed"
	if keys[0] != "onehot" {
		t.Error("SelectRows(all) returned keys itself")
	}
}

func TestInts(t *testing.T) {
	if got := Ints([]int{89, 97, 101}); got != "89 97 101" {
		t.Errorf("Ints = %q", got)
	}
	if got := Ints(nil); got != "" {
		t.Errorf("Ints(nil) = %q", got)
	}
}

func TestSummary(t *testing.T) {
	r := labelcode.Result{Model: "mixed LM", Code: "2 sites, mod 89 97", Params: 1234567, TrainAcc: 0.25, TestAcc: math.NaN(),
		TrainTime: 245 * time.Second}
	if got, want := Summary(r), "mixed LM 2 sites, mod 89 97: test -, train 0.2500, 1234567 params, 4m05s"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
}

func TestFirst(t *testing.T) {
	if got := First(3, 10); !slices.Equal(got, []int{0, 1, 2}) {
		t.Errorf("First(3, 10) = %v", got)
	}
	for _, c := range [][2]int{{0, 10}, {-1, 10}, {10, 10}, {11, 10}} {
		if got := First(c[0], c[1]); got != nil {
			t.Errorf("First(%d, %d) = %v, want nil (all)", c[0], c[1], got)
		}
	}
}

// TestTextRows checks the rows the -train and -test flags select against
// WindowRows on the indices spelled out, on the Label Mapping input
// encoding of the Republic's vocabulary.
func TestTextRows(t *testing.T) {
	text, train, test, err := RepublicWindows(2)
	if err != nil {
		t.Fatal(err)
	}
	if k := text.Vocab.Len(); k != corpus.RepublicWords {
		t.Fatalf("%d words", k)
	}
	k := text.Vocab.Len()
	if n := train.Len() + test.Len() + 2*2; n != len(text.IDs) || test.Len() != len(text.IDs)/10-2 {
		t.Errorf("%d training and %d test windows of %d words: not the last 10%% held out", train.Len(), test.Len(), len(text.IDs))
	}
	enc, primes, err := LMInput(k, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(primes, []int{89, 97, 101}) || enc.Width() != 89+97+101 {
		t.Errorf("LMInput: primes %v, width %d", primes, enc.Width())
	}
	tr, te, err := TextRows(train, test, 50, 20, enc, k, 7)
	if err != nil {
		t.Fatal(err)
	}
	wantTr, _ := WindowRows(train, Sample(train.Len(), 50, 7), enc, k)
	wantTe, _ := WindowRows(test, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}, enc, k)
	if !slices.Equal(tr.X, wantTr.X) || !slices.Equal(tr.Y, wantTr.Y) || !slices.Equal(te.X, wantTe.X) || !slices.Equal(te.Y, wantTe.Y) {
		t.Error("TextRows(50, 20) differs from WindowRows on the sampled and the first rows")
	}
	// 0, or more rows than there are: every window, in order.
	w, err := corpus.NewWindows([]int{0, 1, 2, 3, 4, 5, 6, 1, 0}, 2)
	if err != nil {
		t.Fatal(err)
	}
	cut, _ := NewCutOff(3, 7)
	trAll, teAll, err := TextRows(w, w, 0, w.Len()+1, cut, 7, 7)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := WindowRows(w, nil, cut, 7)
	for _, d := range []*labelcode.Dataset{trAll, teAll} {
		if !slices.Equal(d.X, all.X) || !slices.Equal(d.Y, all.Y) {
			t.Errorf("TextRows(0, %d) = %d rows, want all %d windows in order", w.Len()+1, d.Len(), w.Len())
		}
	}
}
