package labelmap

import (
	"bytes"
	"encoding"
	"fmt"
	"os"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/internal/container"
	"github.com/labelcode/labelcode/internal/lmcore"
)

// Saveable is a Learner that Save and SaveSite can write: Kind names its
// decoder at load time ("mlp" for MLP; register others with
// WithLearnerDecoder) and MarshalBinary gives its trained state.
//
// A loaded learner that reports its alphabet size (a Classes() int
// method, as MLP has) must report its site's SiteClasses, and loaded
// learners that report their input width (a Features() int method) must
// all report the same: the loaders check both, so that a model that does
// not fit its mapping fails at load, not at Predict.
type Saveable interface {
	Learner
	Kind() string
	encoding.BinaryMarshaler
}

// decodeLearner decodes a saved learner with c's decoders.
func decodeLearner(raw *lmcore.Learner, c *config) (Learner, error) {
	dec := c.decoders[raw.Kind]
	if dec == nil && raw.Kind == "mlp" {
		dec = decodeMLP
	}
	if dec == nil {
		return nil, fmt.Errorf("%w: no decoder for learner kind %q", ErrNotSaveable, raw.Kind)
	}
	l, err := dec(raw.Data)
	if err != nil {
		return nil, fmt.Errorf("%w: learner of kind %q: %w", ErrCorrupt, raw.Kind, err)
	}
	return l, nil
}

// learner reads a learner (kind, data) and decodes it with c's decoders.
func learner(r *lmcore.Reader, c *config) Learner {
	kind, data := string(r.Bytes()), r.Bytes()
	if r.Err != nil {
		return nil
	}
	l, err := decodeLearner(&lmcore.Learner{Kind: kind, Data: data}, c)
	if err != nil {
		r.Err = err
	}
	return l
}

// fitsSite checks that learner l (nil: missing, always fits) can serve
// site i of m (lmcore.FitsSite), with its Classes() and Features() when it
// has those methods.
func fitsSite(m codes.Mapping, i int, l Learner, width *int) error {
	if l == nil {
		return nil
	}
	classes, features := -1, -1
	if c, ok := l.(interface{ Classes() int }); ok {
		classes = c.Classes()
	}
	if f, ok := l.(interface{ Features() int }); ok {
		features = f.Features()
	}
	return lmcore.FitsSite(m, i, classes, features, width)
}

func writeLearner(w *lmcore.Writer, site int, l Learner) error {
	s, ok := l.(Saveable)
	if !ok {
		return fmt.Errorf("%w: site %d learner %T", ErrNotSaveable, site, l)
	}
	data, err := s.MarshalBinary()
	if err != nil {
		return fmt.Errorf("labelmap: site %d: %w", site, err)
	}
	w.Bytes([]byte(s.Kind()))
	w.Bytes(data)
	return nil
}

// save writes what marshal returns to a temporary file in path's
// directory, syncs it and renames it over path, so that a reader sees the
// old file or the new one, never a partial write.
func save(path string, marshal func() ([]byte, error)) error {
	data, err := marshal()
	if err != nil {
		return err
	}
	if err := container.WriteFile(path, data); err != nil {
		return fmt.Errorf("labelmap: %w", err)
	}
	return nil
}

func marshalMapping(m codes.Mapping) ([]byte, error) {
	b, err := codes.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("labelmap: mapping: %w", err)
	}
	return b, nil
}

// MarshalBinary encodes the whole ensemble (mapping and every present
// site) in the model file format. It returns ErrNotSaveable for a learner
// that is not Saveable and the mapping's Marshal error.
func (e *Ensemble) MarshalBinary() ([]byte, error) {
	mb, err := marshalMapping(e.m)
	if err != nil {
		return nil, err
	}
	w := lmcore.NewWriter(lmcore.KindEnsemble)
	w.Bytes(mb)
	w.U32(len(e.sites))
	for i, l := range e.sites {
		if l == nil {
			w.U8(0)
			continue
		}
		w.U8(1)
		if err := writeLearner(w, i, l); err != nil {
			return nil, err
		}
	}
	return w.Finish(), nil
}

// Save writes the whole ensemble to path atomically (temporary file, sync,
// rename). Missing sites are recorded as missing. Errors as MarshalBinary,
// plus the file system's.
func (e *Ensemble) Save(path string) error { return save(path, e.MarshalBinary) }

// unmarshalEnsemble decodes a model written by Ensemble.MarshalBinary; opts
// are the ensemble's options (WithLearnerDecoder for learners other than
// MLPs; the training options apply to later fits). It returns ErrCorrupt for data that are
// not such a model (truncated, damaged, inconsistent, a learner whose
// alphabet is not its site's or whose input width differs from the other
// sites'), ErrVersion for another format version, ErrNotSaveable for a
// learner kind without a decoder. A size in the data that the data cannot
// hold is ErrCorrupt wrapping ErrTooLarge.
//
// Decoding never allocates much more than len(data) (plus what the
// mapping needs, see codes.Unmarshal): every length is checked against the
// bytes left, and a network's weight count, computed without overflow,
// must match its bytes before a layer is allocated.
func unmarshalEnsemble(data []byte, opts []Option) (*Ensemble, error) {
	m, raw, err := lmcore.ParseEnsemble(data)
	if err != nil {
		return nil, err
	}
	c, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	sites := make([]Learner, len(raw))
	for i, rl := range raw {
		if rl == nil {
			continue
		}
		if sites[i], err = decodeLearner(rl, &c); err != nil {
			return nil, fmt.Errorf("site %d: %w", i, err)
		}
	}
	width := 0
	for i, l := range sites {
		if err := fitsSite(m, i, l, &width); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
	}
	e, err := NewEnsemble(m, opts...)
	if err != nil {
		return nil, err
	}
	copy(e.sites, sites)
	return e, nil
}

// MarshalSite encodes site i alone with the mapping, in the model file
// format. It returns ErrSite for i outside [0, Sites()), ErrNotFitted for a
// missing site, ErrNotSaveable for a learner that is not Saveable.
func (e *Ensemble) MarshalSite(i int) ([]byte, error) {
	if i < 0 || i >= len(e.sites) {
		return nil, fmt.Errorf("%w: site %d of %d", ErrSite, i, len(e.sites))
	}
	if e.sites[i] == nil {
		return nil, fmt.Errorf("%w: site %d", ErrNotFitted, i)
	}
	mb, err := marshalMapping(e.m)
	if err != nil {
		return nil, err
	}
	w := lmcore.NewWriter(lmcore.KindSite)
	w.Bytes(mb)
	w.U32(i)
	if err := writeLearner(w, i, e.sites[i]); err != nil {
		return nil, err
	}
	return w.Finish(), nil
}

// SaveSite writes site i alone (with the mapping) to path atomically, the
// output of a process that trained one site with FitSite. Errors as
// MarshalSite, plus the file system's.
func (e *Ensemble) SaveSite(path string, i int) error {
	return save(path, func() ([]byte, error) { return e.MarshalSite(i) })
}

// UnmarshalSite installs the site encoded by MarshalSite and returns its
// index. It returns ErrSite when the data's mapping differs from the
// ensemble's, the site is out of range, or the learner's input width
// differs from the ensemble's other present sites'; ErrCorrupt when the
// learner's alphabet is not the site's; and else the errors of
// Unmarshal, with its bound on allocation.
func (e *Ensemble) UnmarshalSite(data []byte) (int, error) {
	r, err := lmcore.Open(data, lmcore.KindSite)
	if err != nil {
		return -1, err
	}
	mb := r.Bytes()
	site := r.U32()
	l := learner(r, &e.cfg)
	if err := r.End(); err != nil {
		return -1, err
	}
	own, err := marshalMapping(e.m)
	if err != nil {
		return -1, err
	}
	if !bytes.Equal(own, mb) {
		if _, err := codes.Unmarshal(mb); err != nil {
			return -1, fmt.Errorf("%w: mapping: %w", ErrCorrupt, err)
		}
		return -1, fmt.Errorf("%w: site file for mapping %s, ensemble has %s", ErrSite, mb, own)
	}
	if site < 0 || site >= len(e.sites) {
		return -1, fmt.Errorf("%w: site %d of %d", ErrSite, site, len(e.sites))
	}
	if err := fitsSite(e.m, site, l, nil); err != nil {
		return -1, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	width := 0
	for i, o := range e.sites {
		if i != site {
			fitsSite(e.m, i, o, &width)
		}
	}
	if err := fitsSite(e.m, site, l, &width); err != nil {
		return -1, fmt.Errorf("%w: %w", ErrSite, err)
	}
	if err := e.SetSite(site, l); err != nil {
		return -1, err
	}
	return site, nil
}

// LoadSite reads a file written by SaveSite into the ensemble and returns
// the site's index. Errors as UnmarshalSite, plus the file system's.
func (e *Ensemble) LoadSite(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return -1, fmt.Errorf("labelmap: %w", err)
	}
	i, err := e.UnmarshalSite(data)
	if err != nil {
		return -1, fmt.Errorf("%s: %w", path, err)
	}
	return i, nil
}

// MarshalBinary encodes the trained model with its mapping. It returns
// ErrNotFitted before Fit.
func (h *MultiHead) MarshalBinary() ([]byte, error) {
	if h.net == nil {
		return nil, ErrNotFitted
	}
	mb, err := marshalMapping(h.m)
	if err != nil {
		return nil, err
	}
	nb, err := h.net.MarshalBinary()
	if err != nil {
		return nil, err
	}
	w := lmcore.NewWriter(lmcore.KindMultiHead)
	w.Bytes(mb)
	w.Bytes(nb)
	return w.Finish(), nil
}

// Save writes the model to path atomically. Errors as MarshalBinary, plus
// the file system's.
func (h *MultiHead) Save(path string) error { return save(path, h.MarshalBinary) }

// unmarshalMultiHead decodes a model written by MultiHead.MarshalBinary.
// It returns ErrCorrupt for data that are not such a model; a network
// that needs more weights than the data hold, or whose size overflows, is
// ErrCorrupt wrapping ErrTooLarge. The network's weight count, computed
// without overflow, must match its bytes before a layer is allocated.
// WithMaxWeights in opts applies to later fits, not to the loaded network,
// which the file's size bounds.
func unmarshalMultiHead(data []byte, opts []Option) (*MultiHead, error) {
	m, n, err := lmcore.ParseMultiHead(data)
	if err != nil {
		return nil, err
	}
	h, err := newMultiHead(m, false, opts)
	if err != nil {
		return nil, err
	}
	h.setNet(n)
	return h, nil
}

// Unmarshal decodes a model written by the MarshalBinary or Save of an
// Ensemble or a MultiHead and returns it ready to predict (*Ensemble or
// *MultiHead). opts are the model's options: WithLearnerDecoder for an
// ensemble's learners other than MLPs; the training options apply to
// later fits. It returns ErrCorrupt for data that are not such a model
// (truncated, damaged, inconsistent, a learner whose alphabet is not its
// site's or whose input width differs from the other sites'), also for a
// site file (load that into an ensemble with LoadSite), ErrVersion for
// another format version, ErrNotSaveable for a learner kind without a
// decoder. A size in the data that the data cannot hold is ErrCorrupt
// wrapping ErrTooLarge.
//
// Decoding never allocates much more than len(data) (plus what the
// mapping needs, see codes.Unmarshal): every length is checked against the
// bytes left, and a network's weight count, computed without overflow,
// must match its bytes before a layer is allocated.
func Unmarshal(data []byte, opts ...Option) (Model, error) {
	kind, ok := lmcore.Kind(data)
	if ok && kind == lmcore.KindMultiHead {
		h, err := unmarshalMultiHead(data, opts)
		if err != nil {
			return nil, err
		}
		return h, nil
	}
	if ok && kind == lmcore.KindSite {
		return nil, fmt.Errorf("%w: a site file: load it into an ensemble with Ensemble.LoadSite", ErrCorrupt)
	}
	// An ensemble, or not a model file: the ensemble parser says why.
	e, err := unmarshalEnsemble(data, opts)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Load reads a model file written by the Save of an Ensemble or a
// MultiHead and returns it ready to predict. Errors as Unmarshal, plus
// the file system's, prefixed with path.
func Load(path string, opts ...Option) (Model, error) {
	return container.ReadFile(path, "labelmap", func(b []byte) (Model, error) { return Unmarshal(b, opts...) })
}
