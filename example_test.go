package labelcode_test

import (
	"fmt"
	"math"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/decode"
)

// Example shows the worked example of the package documentation: a
// prime-residue Label Mapping for 20,000 classes, and exact max-product
// decoding of three sites' log-probabilities.
func Example() {
	m, err := codes.NewPrimeResidue(20000, []int{31, 37, 41})
	if err != nil {
		panic(err)
	}
	sym, _ := m.Encode(12345, nil)
	y, _ := m.Decode(sym)
	fmt.Println("symbols", sym, "decode", y)

	// Each site's learner puts most of its mass on the true symbol, but
	// site 1 is wrong: it prefers symbol 25. Max-product still finds 12345:
	// the residues (7, 25, 4) belong to 37765, which is not a label, and
	// every label that has symbol 25 at site 1 loses a likely symbol
	// elsewhere. The code corrects the error.
	logp := make([][]float64, m.Sites())
	for i := range logp {
		logp[i] = make([]float64, m.SiteClasses(i))
		for s := range logp[i] {
			logp[i][s] = math.Log(0.1 / float64(m.SiteClasses(i)-1))
		}
		logp[i][sym[i]] = math.Log(0.9)
	}
	logp[1][sym[1]], logp[1][25] = math.Log(0.3), math.Log(0.6)

	d, err := decode.NewMaxProduct(m)
	if err != nil {
		panic(err)
	}
	best, err := d.Decode(logp)
	if err != nil {
		panic(err)
	}
	fmt.Printf("label %d, log-score %.2f\n", best.Label, best.Score)
	// Output:
	// symbols [7 24 4] decode 12345
	// label 12345, log-score -1.41
}
