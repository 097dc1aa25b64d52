package dsnc

import (
	"fmt"
	"slices"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/internal/dsnccore"
	"github.com/labelcode/labelcode/internal/evaluate"
)

// Decoding returns the decoder Predict uses (WithDecoder, or the one a
// loaded file recorded).
func (m *Model) Decoding() Decoding { return m.opts.dec }

// SetDecoder makes d the decoder Predict uses (as WithDecoder does) and
// prepares it from the current weights and training codes, so that one
// trained model can be measured with each decoder in turn; Clone first to
// keep both. On error the model keeps its decoder. It returns ErrConfig
// for an invalid d or a table of more than MaxTableBits bits, ErrNotFitted
// for a model without a network, or without training codes for a nearest
// or table-of-nearest decoder. It must not run concurrently with
// prediction on m. Cost: the decoder's build (see DecoderKind).
func (m *Model) SetDecoder(d Decoding) error {
	if m == nil {
		return fmt.Errorf("%w: SetDecoder on a nil model", ErrConfig)
	}
	if err := d.core().Validate(); err != nil {
		return err
	}
	p, err := m.newPredictor(d)
	if err != nil {
		return err
	}
	m.opts.dec, m.opts.decSet, m.pred = d, true, p
	return nil
}

// prepare builds the prediction machinery of m's decoder from its current
// weights and training codes: a graph-free float32 copy of the encoder and
// the decoder (see DecoderKind for the costs). Nearest and table decoding
// need the training codes and return ErrNotFitted without them;
// TableDecoding returns ErrConfig when Bits > MaxTableBits.
func (m *Model) prepare() error {
	p, err := m.newPredictor(m.opts.dec)
	if err != nil {
		return err
	}
	m.pred = p
	return nil
}

// newPredictor returns a graph-free predictor of m's current weights with
// decoder dec.
func (m *Model) newPredictor(dec Decoding) (*dsnccore.Predictor, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	return dsnccore.NewPredictor(m.core(), dec.core())
}

// predictor returns the prepared predictor or ErrNotFitted.
func (m *Model) predictor() (*dsnccore.Predictor, error) {
	if m == nil || m.pred == nil {
		return nil, fmt.Errorf("%w: the model is not ready to predict (Fit it, or SetTrainingCodes after a custom loop)", ErrNotFitted)
	}
	return m.pred, nil
}

// Predict returns the label of one example x (Features values). It
// allocates nothing in steady state. It returns ErrInput for a row of the
// wrong width or with a NaN or infinite value and ErrNotFitted before the
// model is trained. Cost: the encoder (O(Σ In·Out)) plus the decoder (see
// DecoderKind).
func (m *Model) Predict(x []float32) (int, error) {
	p, err := m.predictor()
	if err != nil {
		return 0, err
	}
	return p.Predict(x)
}

// PredictBatch writes the labels of rows examples (x row-major,
// rows×Features) into dst[:rows] (grown if needed) and returns it. Rows are
// split into blocks encoded with one matrix product each, on GOMAXPROCS
// goroutines. It returns ErrInput, naming the row, for a bad row, and
// panics if len(x) != rows·Features.
func (m *Model) PredictBatch(x []float32, rows int, dst []int) ([]int, error) {
	p, err := m.predictor()
	if err != nil {
		return dst[:0], err
	}
	return p.PredictBatch(x, rows, dst)
}

// TopK writes the k best classes of x (k is capped at Classes) into
// dst[:k], best first (ties: the smaller class), with their linear-decoder
// scores B′ + W′·b in float32 widened to float64 (b the threshold code of
// x, W′ and B′ the BinaryDecoder), and returns it; dst is grown when
// short. The first label is Predict's. It allocates nothing when dst has
// capacity k. Only LinearDecoding has per-class scores: the nearest and
// table decoders return ErrUnsupported. It returns ErrInput for a bad row.
// Cost: Predict's plus O(Classes·k).
func (m *Model) TopK(x []float32, k int, dst []decode.Scored) ([]decode.Scored, error) {
	p, err := m.predictor()
	if err != nil {
		return dst[:0], err
	}
	return p.TopK(x, k, dst)
}

// Code writes the threshold code of x into dst (grown if needed) and
// returns it: Words = ⌈Bits/64⌉ uint64 words in hamming's bit order. It
// returns ErrInput like Predict.
func (m *Model) Code(x []float32, dst []uint64) ([]uint64, error) {
	p, err := m.predictor()
	if err != nil {
		return dst[:0], err
	}
	return p.Code(x, dst)
}

// checkData returns the errors of d.Validate and ErrShape when d does not
// match the model.
func (m *Model) checkData(d *labelcode.Dataset) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if d.Features != m.Config.Features || d.Classes != m.Config.Classes {
		return fmt.Errorf("%w: data %d features, %d classes; model %d, %d", ErrShape,
			d.Features, d.Classes, m.Config.Features, m.Config.Classes)
	}
	return nil
}

// Accuracy returns the fraction of d's rows that Predict labels correctly,
// using PredictBatch. It returns ErrNotFitted before the model is trained,
// the errors of d.Validate and ErrShape when d does not match the model.
func (m *Model) Accuracy(d *labelcode.Dataset) (float64, error) {
	p, err := m.predictor()
	if err != nil {
		return 0, err
	}
	return accuracy(m, p, d)
}

func accuracy(m *Model, p *dsnccore.Predictor, d *labelcode.Dataset) (float64, error) {
	if err := m.checkData(d); err != nil {
		return 0, err
	}
	pred, err := p.PredictBatch(d.X, d.Len(), nil)
	if err != nil {
		return 0, err
	}
	correct := 0
	for i, y := range pred {
		if y == d.Y[i] {
			correct++
		}
	}
	return float64(correct) / float64(d.Len()), nil
}

// TopKAccuracy returns the fraction of d's rows whose label is among the k
// best classes of TopK (k >= 1). With k = 1 it is Accuracy, for every
// decoder; with k > 1 it needs scores, so the nearest and table decoders
// return ErrUnsupported. It returns ErrConfig for k < 1, and Accuracy's
// errors. Cost: d.Len() TopK calls, on GOMAXPROCS goroutines.
func (m *Model) TopKAccuracy(d *labelcode.Dataset, k int) (float64, error) {
	if k < 1 {
		return 0, fmt.Errorf("%w: top-%d accuracy", ErrConfig, k)
	}
	if k == 1 {
		return m.Accuracy(d)
	}
	p, err := m.predictor()
	if err != nil {
		return 0, err
	}
	if m.opts.dec.Kind != LinearDecoding {
		return 0, fmt.Errorf("%w: top-%d accuracy of %v decoding", ErrUnsupported, k, m.opts.dec.Kind)
	}
	if err := m.checkData(d); err != nil {
		return 0, err
	}
	return evaluate.TopKAccuracy(d.X, d.Features, d.Y, k, p.TopK)
}

// validationAccuracy returns the accuracy on d of m's current threshold
// codes with the linear decoder (BinaryDecoder): what Fit measures after
// every epoch, whatever the model's decoder.
func (m *Model) validationAccuracy(d *labelcode.Dataset) (float64, error) {
	p, err := m.newPredictor(Decoding{})
	if err != nil {
		return 0, err
	}
	return accuracy(m, p, d)
}

// SetTrainingCodes encodes every row of d (the training set) with the
// threshold encoder, stores the distinct codes and their majority labels
// in Codes and CodeLabels (for the nearest-neighbour and table decoders),
// and prepares prediction with the model's decoder from the current
// weights. Fit calls it; a custom training loop calls it after training.
// It returns ErrConfig for a nil m, ErrNotFitted before Init, ErrShape
// when d does not match the model, the errors of d.Validate, and those of
// building the decoder (ErrConfig for a table of more than MaxTableBits
// bits). Cost O(N·Σ In·Out + N log N) plus the decoder's build.
func (m *Model) SetTrainingCodes(d *labelcode.Dataset) error {
	if m == nil {
		return fmt.Errorf("%w: SetTrainingCodes on a nil model", ErrConfig)
	}
	if err := m.check(); err != nil {
		return err
	}
	if err := m.checkData(d); err != nil {
		return err
	}
	e, err := dsnccore.NewEncoder(m.core())
	if err != nil {
		return err
	}
	m.Codes, m.CodeLabels = distinctCodes(e.EncodeRows(d.X, d.Len()), d.Y, e.Words())
	return m.prepare()
}

// distinctCodes returns the distinct codes among the rows' codes (words
// per code), in ascending lexicographic word order, with the most frequent
// label of each (ties: the smallest label). Cost O(N log N).
func distinctCodes(codes []uint64, labels []int, words int) ([]uint64, []int) {
	n := len(labels)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	code := func(i int) []uint64 { return codes[i*words : (i+1)*words] }
	slices.SortFunc(idx, func(a, b int) int {
		if c := slices.Compare(code(a), code(b)); c != 0 {
			return c
		}
		return labels[a] - labels[b]
	})
	var outC []uint64
	var outL []int
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && slices.Equal(code(idx[hi]), code(idx[lo])) {
			hi++
		}
		// labels are sorted within the run: find the longest run of a label
		best, bestN := labels[idx[lo]], 0
		for a := lo; a < hi; {
			b := a + 1
			for b < hi && labels[idx[b]] == labels[idx[a]] {
				b++
			}
			if b-a > bestN {
				best, bestN = labels[idx[a]], b-a
			}
			a = b
		}
		outC = append(outC, code(idx[lo])...)
		outL = append(outL, best)
		lo = hi
	}
	return outC, outL
}
