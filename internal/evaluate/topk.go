// Package evaluate holds the evaluation loops the model packages share.
package evaluate

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/labelcode/labelcode/decode"
)

// TopK is a model's ranking of one row: the k best labels, best first, in
// dst[:0] (grown when short).
type TopK func(x []float32, k int, dst []decode.Scored) ([]decode.Scored, error)

// TopKAccuracy returns the fraction of the rows of x (row-major, features
// values each; y[r] the label of row r) whose label is among the k best
// that topK gives. The rows are split between GOMAXPROCS goroutines, so
// topK must be safe for concurrent use; the first error found is returned,
// naming its row. The caller checks k and the data. Cost: one topK call
// per row.
func TopKAccuracy(x []float32, features int, y []int, k int, topK TopK) (float64, error) {
	n := len(y)
	if n == 0 {
		return 0, nil
	}
	workers := min(runtime.GOMAXPROCS(0), n)
	hits := make([]int, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var top []decode.Scored
			for r := w; r < n; r += workers {
				var err error
				if top, err = topK(x[r*features:(r+1)*features], k, top); err != nil {
					errs[w] = fmt.Errorf("row %d: %w", r, err)
					return
				}
				for _, s := range top {
					if s.Label == y[r] {
						hits[w]++
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	total := 0
	for w := range workers {
		if errs[w] != nil {
			return 0, errs[w]
		}
		total += hits[w]
	}
	return float64(total) / float64(n), nil
}
