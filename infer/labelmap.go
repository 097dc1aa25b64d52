package infer

import (
	"fmt"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/internal/lmcore"
	"github.com/labelcode/labelcode/internal/nn"
)

// isLabelMap reports whether data starts with a labelmap file header: a
// container of a Label Mapping kind or the earlier "LABELMAP" frame.
func isLabelMap(data []byte) bool {
	_, ok := lmcore.Kind(data)
	return ok
}

// loadLabelMap loads a labelmap ensemble of MLPs or a MultiHead model,
// from a container or a file of the earlier frame (lmcore.Kind and its
// parsers read both).
func loadLabelMap(data []byte) (*Model, error) {
	kind, _ := lmcore.Kind(data)
	switch kind {
	case lmcore.KindEnsemble:
		return loadEnsemble(data)
	case lmcore.KindMultiHead:
		m, net, err := lmcore.ParseMultiHead(data)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		return lmModel(MultiHead, m, &lmcore.NetScorer{Net: net}, net.Spec.Inputs,
			fmt.Sprintf("Label Mapping shared-trunk model, %d features → %v → %d heads, %d classes",
				net.Spec.Inputs, net.Spec.Hidden, len(net.Spec.Heads), m.Classes()))
	case lmcore.KindSite:
		return nil, fmt.Errorf("%w: a single site of a Label Mapping ensemble; load the ensemble's file", ErrUnsupported)
	}
	return nil, fmt.Errorf("%w: labelmap file of unknown kind %d", ErrCorrupt, kind)
}

// loadEnsemble loads an ensemble whose present sites are all MLPs; a site
// of another learner kind needs that learner's code, which only labelmap
// (with LearnerDecoder) has: ErrUnsupported.
func loadEnsemble(data []byte) (*Model, error) {
	m, raw, err := lmcore.ParseEnsemble(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	nets := make([]*nn.Net, len(raw))
	width, present := 0, 0
	for i, rl := range raw {
		if rl == nil {
			continue
		}
		if rl.Kind != "mlp" {
			return nil, fmt.Errorf("%w: site %d is a learner of kind %q, which only its own code can load (labelmap.Load with WithLearnerDecoder)", ErrUnsupported, i, rl.Kind)
		}
		n, err := lmcore.DecodeMLP(rl.Data)
		if err != nil {
			return nil, fmt.Errorf("%w: site %d: %w", ErrCorrupt, i, err)
		}
		if err := lmcore.FitsSite(m, i, n.Spec.Heads[0], n.Spec.Inputs, &width); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		nets[i] = n
		present++
	}
	if present == 0 {
		return nil, fmt.Errorf("%w: no site of the ensemble has a learner", ErrUnsupported)
	}
	return lmModel(Ensemble, m, &lmcore.NetsScorer{Nets: nets}, width,
		fmt.Sprintf("Label Mapping ensemble, %d features, %d of %d sites (MLPs), %d classes",
			width, present, m.Sites(), m.Classes()))
}

func lmModel(kind Kind, m codes.Mapping, s lmcore.SiteScorer, width int, desc string) (*Model, error) {
	d, err := lmcore.NewDecoder(m)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return &Model{kind: kind, p: &lmPredictor{d: d, s: s, width: width}, features: width, classes: m.Classes(), desc: desc}, nil
}

// lmPredictor serves a Label Mapping model through the core's max-product
// decoder.
type lmPredictor struct {
	d     *lmcore.Decoder
	s     lmcore.SiteScorer
	width int
}

func (p *lmPredictor) Predict(x []float32) (int, error) {
	r, err := p.d.Predict(p.s, x)
	return r.Label, err
}

func (p *lmPredictor) PredictBatch(x []float32, rows int, dst []int) ([]int, error) {
	return p.d.PredictBatch(p.s, x, rows, p.width, dst)
}

func (p *lmPredictor) TopK(x []float32, k int, dst []decode.Scored) ([]decode.Scored, error) {
	return p.d.TopK(p.s, x, k, dst)
}
