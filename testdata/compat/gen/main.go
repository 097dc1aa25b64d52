// Command gen writes the model files of one release of labelcode, with the
// predictions they must give, so that later releases can test that those
// files still load and predict the same. Run from the module root of the
// release being captured, naming the next release directory:
//
//	go run ./testdata/compat/gen -out testdata/compat/v2
//
// Its data come from fixed seeds, so every release's inputs.json holds the
// same rows and the expect.json files are comparable.
//
// testdata is ignored by the go tool, so this program builds only when
// named explicitly.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/hamming"
	"github.com/labelcode/labelcode/labelmap"
)

// expect is what a loaded file must give on the rows of inputs.json.
type expect struct {
	File   string  `json:"file"`
	Labels []int   `json:"labels"`          // predictions, one per row
	Top3   [][]int `json:"top3,omitempty"`  // top-3 labels, one list per row
	Codes  int     `json:"codes,omitempty"` // hamming: number of codes
	Bits   int     `json:"bits,omitempty"`
	// hamming: for each query (the first codes of the index), the labels
	// of its 3 nearest codes.
	Nearest [][]int `json:"nearest,omitempty"`
}

func main() {
	out := flag.String("out", "", "output directory: testdata/compat/vN for release N")
	flag.Parse()
	if *out == "" {
		log.Fatal("name the output directory with -out")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	const features, classes, rows = 12, 40, 800
	r := rand.New(rand.NewPCG(7, 9))
	centres := make([]float32, classes*features)
	for i := range centres {
		centres[i] = float32(r.NormFloat64())
	}
	x := make([]float32, rows*features)
	y := make([]int, rows)
	for i := range y {
		y[i] = i % classes
		for j := range features {
			x[i*features+j] = centres[y[i]*features+j] + 0.3*float32(r.NormFloat64())
		}
	}
	data, err := labelcode.NewDataset(x, y, features, classes)
	check(err)
	train, val, test, err := data.Split(0.1, 0.1, 1)
	check(err)
	inputs := test.X
	in, err := json.Marshal(map[string]any{"features": features, "rows": test.Len(), "x": inputs})
	check(err)
	check(os.WriteFile(filepath.Join(*out, "inputs.json"), in, 0o644))

	var exp []expect
	type predictor interface {
		Predict([]float32) (int, error)
	}
	predictAll := func(p predictor) []int {
		labels := make([]int, test.Len())
		for i := range labels {
			labels[i], err = p.Predict(test.Row(i))
			check(err)
		}
		return labels
	}

	// Label Mapping: an ensemble of MLPs over a mixed code, one site file, a
	// shared-trunk model, and the one-hot baseline.
	pr, err := codes.NewPrimeResidue(classes, []int{5, 7, 11})
	check(err)
	ens, err := labelmap.NewEnsemble(pr, labelmap.WithHidden(16), labelmap.WithEpochs(3), labelmap.WithSeed(1))
	check(err)
	_, err = ens.Fit(ctx, train, val)
	check(err)
	check(ens.Save(filepath.Join(*out, "ensemble.lm")))
	check(ens.SaveSite(filepath.Join(*out, "site1.lm"), 1))
	e := expect{File: "ensemble.lm", Labels: predictAll(ens)}
	for i := range test.Len() {
		top, err := ens.TopK(test.Row(i), 3, nil)
		check(err)
		e.Top3 = append(e.Top3, labelsOf(top))
	}
	exp = append(exp, e)

	rs, err := codes.NewReedSolomon(classes, 7, 4)
	check(err)
	mh, err := labelmap.NewMultiHead(rs, labelmap.WithHidden(16), labelmap.WithEpochs(3), labelmap.WithSeed(2))
	check(err)
	_, err = mh.Fit(ctx, train, val)
	check(err)
	check(mh.Save(filepath.Join(*out, "multihead.lm")))
	exp = append(exp, expect{File: "multihead.lm", Labels: predictAll(mh)})

	oh, err := codes.NewOneHot(classes)
	check(err)
	onehot, err := labelmap.NewEnsemble(oh, labelmap.WithEpochs(3), labelmap.WithSeed(3))
	check(err)
	_, err = onehot.Fit(ctx, train, val)
	check(err)
	check(onehot.Save(filepath.Join(*out, "onehot.lm")))
	exp = append(exp, expect{File: "onehot.lm", Labels: predictAll(onehot)})
	mlp := onehot.Site(0).(*labelmap.MLP)
	blob, err := mlp.MarshalBinary()
	check(err)
	check(os.WriteFile(filepath.Join(*out, "mlp.bin"), blob, 0o644))

	// DSNC: a model file (symmetric codes, the default) and predictor files
	// with each decoder; a model with the paper's {0, 1} codes.
	for _, sym := range []bool{true, false} {
		m, err := dsnc.New(dsnc.WithBits(12), dsnc.WithHidden(16), dsnc.WithEpochs(3), dsnc.WithSeed(4), dsnc.WithSymmetricCodes(sym))
		check(err)
		_, err = m.Fit(ctx, train, val)
		check(err)
		name := "dsnc.model"
		if !sym {
			name = "dsnc-01.model"
		}
		check(m.Save(filepath.Join(*out, name)))
		for _, dec := range []struct {
			file string
			d    dsnc.Decoding
		}{
			{"linear", dsnc.Decoding{Kind: dsnc.LinearDecoding}},
			{"nearest", dsnc.Decoding{Kind: dsnc.NearestDecoding}},
			{"table", dsnc.Decoding{Kind: dsnc.TableDecoding}},
		} {
			p := m.Clone()
			check(p.SetDecoder(dec.d))
			file := name + "." + dec.file
			check(p.Save(filepath.Join(*out, file)))
			exp = append(exp, expect{File: file, Labels: predictAll(p)})
			if dec.file == "linear" {
				exp = append(exp, expect{File: name, Labels: predictAll(p)})
			}
		}
	}

	// hamming: each index kind over the same codes, labels = insertion order.
	const bits, n = 70, 300
	codesOf := make([]uint64, n*hamming.Words(bits))
	for i := range codesOf {
		codesOf[i] = r.Uint64()
	}
	for i := range n {
		codesOf[i*2+1] &= 1<<(bits-64) - 1
	}
	lin := hamming.NewLinear(bits)
	mi, err := hamming.NewMultiIndex(bits, 0)
	check(err)
	for i := range n {
		lin.Add(codesOf[i*2 : i*2+2])
		mi.Add(codesOf[i*2 : i*2+2])
	}
	for _, idx := range []struct {
		file string
		m    interface {
			MarshalBinary() ([]byte, error)
			Search([]uint64, int, []hamming.Neighbor) []hamming.Neighbor
		}
	}{{"linear.hamming", lin}, {"multiindex.hamming", mi}} {
		b, err := idx.m.MarshalBinary()
		check(err)
		check(os.WriteFile(filepath.Join(*out, idx.file), b, 0o644))
		e := expect{File: idx.file, Codes: n, Bits: bits}
		for q := range 5 {
			nb := idx.m.Search(codesOf[q*2:q*2+2], 3, nil)
			var ids []int
			for _, v := range nb {
				ids = append(ids, v.ID)
			}
			e.Nearest = append(e.Nearest, ids)
		}
		exp = append(exp, e)
	}
	tb, err := hamming.NewTable(10)
	check(err)
	for i := range 50 {
		tb.Add([]uint64{uint64(i*37) & 1023})
	}
	b, err := tb.MarshalBinary()
	check(err)
	check(os.WriteFile(filepath.Join(*out, "table.hamming"), b, 0o644))
	exp = append(exp, expect{File: "table.hamming", Codes: 50, Bits: 10})

	js, err := json.MarshalIndent(exp, "", " ")
	check(err)
	check(os.WriteFile(filepath.Join(*out, "expect.json"), js, 0o644))
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func labelsOf(s []decode.Scored) []int {
	out := make([]int, len(s))
	for i, v := range s {
		out[i] = v.Label
	}
	return out
}
