package evaluate

import (
	"errors"
	"testing"

	"github.com/labelcode/labelcode/decode"
)

func TestTopKAccuracy(t *testing.T) {
	// Row r's features are {r}; the ranking puts r%3 then r%3+1 first.
	x := []float32{0, 1, 2, 3, 4, 5}
	y := []int{0, 2, 9, 0, 2, 3}
	rank := func(x []float32, k int, dst []decode.Scored) ([]decode.Scored, error) {
		dst = dst[:0]
		for i := range k {
			dst = append(dst, decode.Scored{Label: int(x[0])%3 + i})
		}
		return dst, nil
	}
	for k, want := range map[int]float64{1: 2.0 / 6, 2: 5.0 / 6} {
		got, err := TopKAccuracy(x, 1, y, k, rank)
		if err != nil || got != want {
			t.Errorf("k=%d: %v, %v; want %v", k, got, err, want)
		}
	}
	boom := errors.New("boom")
	_, err := TopKAccuracy(x, 1, y, 1, func(x []float32, k int, dst []decode.Scored) ([]decode.Scored, error) {
		if x[0] == 4 {
			return dst, boom
		}
		return rank(x, k, dst)
	})
	if !errors.Is(err, boom) || err.Error() != "row 4: boom" {
		t.Errorf("error %v, want row 4: boom", err)
	}
}
