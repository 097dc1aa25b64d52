package labelmap

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/internal/atomicfile"
	"github.com/labelcode/labelcode/internal/nn"
)

// Saveable is a Learner that Save and SaveSite can write: Kind names its
// decoder at load time ("mlp" for MLP; register others with
// LearnerDecoder) and MarshalBinary gives its trained state.
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

// LoadOption sets a load setting.
type LoadOption func(*loadConfig)

type loadConfig struct {
	decoders map[string]func([]byte) (Learner, error)
}

// LearnerDecoder registers, for one load call, the function that rebuilds
// a learner of the given kind from its MarshalBinary data. "mlp" is always
// known.
func LearnerDecoder(kind string, decode func(data []byte) (Learner, error)) LoadOption {
	return func(c *loadConfig) { c.decoders[kind] = decode }
}

func newLoadConfig(opts []LoadOption) *loadConfig {
	c := &loadConfig{decoders: map[string]func([]byte) (Learner, error){"mlp": decodeMLP}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// File format (all integers little-endian):
//
//	magic "LABELMAP" | version uint16 | kind uint8 | 0 uint8 | body | CRC-32C uint32
//
// where the CRC covers everything before it, and the body is, by kind,
//
//	ensemble:  mapping | sites uint32 | per site: present uint8 [, learner kind, learner data]
//	site:      mapping | site uint32 | learner kind | learner data
//	multihead: mapping | network
//
// with every variable-length field (mapping = codes.Marshal JSON, learner
// kind, learner data, network = nn.Net.MarshalBinary) written as a uint64
// length and its bytes.
const (
	fileMagic   = "LABELMAP"
	fileVersion = 1

	kindEnsemble  = 1
	kindSite      = 2
	kindMultiHead = 3

	headerLen = len(fileMagic) + 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var kindNames = map[byte]string{kindEnsemble: "ensemble", kindSite: "site", kindMultiHead: "multi-head model"}

type writer struct{ buf []byte }

func newWriter(kind byte) *writer {
	w := &writer{buf: append([]byte(fileMagic), 0, 0, kind, 0)}
	binary.LittleEndian.PutUint16(w.buf[len(fileMagic):], fileVersion)
	return w
}

func (w *writer) u8(v byte) { w.buf = append(w.buf, v) }
func (w *writer) u32(v int) { w.buf = binary.LittleEndian.AppendUint32(w.buf, uint32(v)) }
func (w *writer) bytes(b []byte) {
	w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(len(b)))
	w.buf = append(w.buf, b...)
}
func (w *writer) finish() []byte {
	return binary.LittleEndian.AppendUint32(w.buf, crc32.Checksum(w.buf, castagnoli))
}

type reader struct {
	p   []byte
	err error
}

func (r *reader) fail(format string, a ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, a...))
	}
}

func (r *reader) u8() byte {
	if len(r.p) < 1 {
		r.fail("truncated")
		return 0
	}
	v := r.p[0]
	r.p = r.p[1:]
	return v
}

func (r *reader) u32() int {
	if len(r.p) < 4 {
		r.fail("truncated")
		return 0
	}
	v := binary.LittleEndian.Uint32(r.p)
	r.p = r.p[4:]
	return int(v)
}

func (r *reader) bytes() []byte {
	if len(r.p) < 8 {
		r.fail("truncated")
		return nil
	}
	n := binary.LittleEndian.Uint64(r.p)
	r.p = r.p[8:]
	if n > uint64(len(r.p)) {
		r.fail("field of %d bytes with %d left", n, len(r.p))
		return nil
	}
	b := r.p[:n]
	r.p = r.p[n:]
	return b
}

// open checks magic, version, kind and checksum and returns a reader on
// the body.
func open(data []byte, kind byte) (*reader, error) {
	if len(data) < headerLen || string(data[:len(fileMagic)]) != fileMagic {
		return nil, fmt.Errorf("%w: not a labelmap model file", ErrCorrupt)
	}
	if v := binary.LittleEndian.Uint16(data[len(fileMagic):]); v != fileVersion {
		return nil, fmt.Errorf("%w: file version %d, this package reads version %d", ErrVersion, v, fileVersion)
	}
	if len(data) < headerLen+4 {
		return nil, fmt.Errorf("%w: truncated", ErrCorrupt)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch (truncated or damaged file)", ErrCorrupt)
	}
	if k := data[len(fileMagic)+2]; k != kind {
		name := kindNames[k]
		if name == "" {
			name = fmt.Sprintf("unknown kind %d", k)
		}
		return nil, fmt.Errorf("%w: file holds a %s, want a %s", ErrCorrupt, name, kindNames[kind])
	}
	return &reader{p: body[headerLen:]}, nil
}

func (r *reader) mapping() codes.Mapping {
	b := r.bytes()
	if r.err != nil {
		return nil
	}
	m, err := codes.Unmarshal(b)
	if err != nil {
		r.err = fmt.Errorf("%w: mapping: %w", ErrCorrupt, err)
		return nil
	}
	return m
}

func (r *reader) learner(c *loadConfig) Learner {
	kind, data := string(r.bytes()), r.bytes()
	if r.err != nil {
		return nil
	}
	dec := c.decoders[kind]
	if dec == nil {
		r.err = fmt.Errorf("%w: no decoder for learner kind %q", ErrNotSaveable, kind)
		return nil
	}
	l, err := dec(data)
	if err != nil {
		r.err = fmt.Errorf("%w: learner of kind %q: %w", ErrCorrupt, kind, err)
		return nil
	}
	return l
}

// fitsSite checks that learner l (nil: missing, always fits) can serve
// site i of m: its Classes(), if it has the method, is SiteClasses(i); and,
// when width is not nil, its Features(), if it has the method, equals
// *width unless *width is 0, in which case it sets *width.
func fitsSite(m codes.Mapping, i int, l Learner, width *int) error {
	if l == nil {
		return nil
	}
	if c, ok := l.(interface{ Classes() int }); ok {
		if q := m.SiteClasses(i); c.Classes() != q {
			return fmt.Errorf("site %d: learner has %d classes, the site's alphabet has %d", i, c.Classes(), q)
		}
	}
	if f, ok := l.(interface{ Features() int }); ok && width != nil {
		switch {
		case *width == 0:
			*width = f.Features()
		case f.Features() != *width:
			return fmt.Errorf("site %d: learner takes %d features, other sites take %d", i, f.Features(), *width)
		}
	}
	return nil
}

func (r *reader) end() error {
	if r.err == nil && len(r.p) != 0 {
		r.fail("%d unexpected bytes after the body", len(r.p))
	}
	return r.err
}

func writeLearner(w *writer, site int, l Learner) error {
	s, ok := l.(Saveable)
	if !ok {
		return fmt.Errorf("%w: site %d learner %T", ErrNotSaveable, site, l)
	}
	data, err := s.MarshalBinary()
	if err != nil {
		return fmt.Errorf("labelmap: site %d: %w", site, err)
	}
	w.bytes([]byte(s.Kind()))
	w.bytes(data)
	return nil
}

// writeFile writes data to a temporary file in path's directory, syncs it
// and renames it over path, so that a reader sees the old file or the new
// one, never a partial write.
func writeFile(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data, 0); err != nil {
		return fmt.Errorf("labelmap: %w", err)
	}
	return nil
}

func readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("labelmap: %w", err)
	}
	return data, nil
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
	w := newWriter(kindEnsemble)
	w.bytes(mb)
	w.u32(len(e.sites))
	for i, l := range e.sites {
		if l == nil {
			w.u8(0)
			continue
		}
		w.u8(1)
		if err := writeLearner(w, i, l); err != nil {
			return nil, err
		}
	}
	return w.finish(), nil
}

// Save writes the whole ensemble to path atomically (temporary file, sync,
// rename). Missing sites are recorded as missing. Errors as MarshalBinary,
// plus the file system's.
func (e *Ensemble) Save(path string) error {
	data, err := e.MarshalBinary()
	if err != nil {
		return err
	}
	return writeFile(path, data)
}

// UnmarshalEnsemble decodes a model written by Ensemble.MarshalBinary. The
// result has no learner factory. It returns ErrCorrupt for data that are
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
func UnmarshalEnsemble(data []byte, opts ...LoadOption) (*Ensemble, error) {
	r, err := open(data, kindEnsemble)
	if err != nil {
		return nil, err
	}
	c := newLoadConfig(opts)
	m := r.mapping()
	n := r.u32()
	if r.err == nil && (m == nil || n != m.Sites()) {
		r.fail("%d sites recorded for a mapping of %d", n, m.Sites())
	}
	if r.err != nil {
		return nil, r.err
	}
	sites := make([]Learner, n)
	for i := range sites {
		switch r.u8() {
		case 0:
		case 1:
			sites[i] = r.learner(c)
		default:
			r.fail("site %d: bad presence flag", i)
		}
		if r.err != nil {
			return nil, fmt.Errorf("site %d: %w", i, r.err)
		}
	}
	if err := r.end(); err != nil {
		return nil, err
	}
	width := 0
	for i, l := range sites {
		if err := fitsSite(m, i, l, &width); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
	}
	e, err := NewEnsemble(m, nil)
	if err != nil {
		return nil, err
	}
	copy(e.sites, sites)
	return e, nil
}

// LoadEnsemble reads a file written by Save. Errors as UnmarshalEnsemble,
// plus the file system's.
func LoadEnsemble(path string, opts ...LoadOption) (*Ensemble, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	e, err := UnmarshalEnsemble(data, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
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
	w := newWriter(kindSite)
	w.bytes(mb)
	w.u32(i)
	if err := writeLearner(w, i, e.sites[i]); err != nil {
		return nil, err
	}
	return w.finish(), nil
}

// SaveSite writes site i alone (with the mapping) to path atomically, the
// output of a process that trained one site with FitSite. Errors as
// MarshalSite, plus the file system's.
func (e *Ensemble) SaveSite(path string, i int) error {
	data, err := e.MarshalSite(i)
	if err != nil {
		return err
	}
	return writeFile(path, data)
}

// UnmarshalSite installs the site encoded by MarshalSite and returns its
// index. It returns ErrSite when the data's mapping differs from the
// ensemble's, the site is out of range, or the learner's input width
// differs from the ensemble's other present sites'; ErrCorrupt when the
// learner's alphabet is not the site's; and else the errors of
// UnmarshalEnsemble, with its bound on allocation.
func (e *Ensemble) UnmarshalSite(data []byte, opts ...LoadOption) (int, error) {
	r, err := open(data, kindSite)
	if err != nil {
		return -1, err
	}
	c := newLoadConfig(opts)
	mb := r.bytes()
	site := r.u32()
	l := r.learner(c)
	if err := r.end(); err != nil {
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
func (e *Ensemble) LoadSite(path string, opts ...LoadOption) (int, error) {
	data, err := readFile(path)
	if err != nil {
		return -1, err
	}
	i, err := e.UnmarshalSite(data, opts...)
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
	w := newWriter(kindMultiHead)
	w.bytes(mb)
	w.bytes(nb)
	return w.finish(), nil
}

// Save writes the model to path atomically. Errors as MarshalBinary, plus
// the file system's.
func (h *MultiHead) Save(path string) error {
	data, err := h.MarshalBinary()
	if err != nil {
		return err
	}
	return writeFile(path, data)
}

// UnmarshalMultiHead decodes a model written by MultiHead.MarshalBinary;
// opts set the training options used if it is fitted again. It returns
// ErrCorrupt, ErrVersion as UnmarshalEnsemble (ErrCorrupt also for heads
// that are not the mapping's sites), and ErrOption for a bad option. A
// network that needs more weights than the data hold, or whose size
// overflows, is ErrCorrupt wrapping ErrTooLarge.
//
// Decoding never allocates much more than len(data) (plus what the
// mapping needs, see codes.Unmarshal): the network's weight count,
// computed without overflow, must match its bytes before a layer is
// allocated. MaxWeights in opts applies to later fits, not to the loaded
// network, which the file's size bounds.
func UnmarshalMultiHead(data []byte, opts ...Option) (*MultiHead, error) {
	r, err := open(data, kindMultiHead)
	if err != nil {
		return nil, err
	}
	m := r.mapping()
	nb := r.bytes()
	if err := r.end(); err != nil {
		return nil, err
	}
	var n nn.Net
	if err := n.UnmarshalBinary(nb); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if len(n.Spec.Heads) != m.Sites() {
		return nil, fmt.Errorf("%w: %d heads for %d sites", ErrCorrupt, len(n.Spec.Heads), m.Sites())
	}
	for i, q := range n.Spec.Heads {
		if q != m.SiteClasses(i) {
			return nil, fmt.Errorf("%w: head %d has %d classes, site has %d", ErrCorrupt, i, q, m.SiteClasses(i))
		}
	}
	h, err := newMultiHead(m, false, opts)
	if err != nil {
		return nil, err
	}
	h.setNet(&n)
	return h, nil
}

// LoadMultiHead reads a file written by MultiHead.Save. Errors as
// UnmarshalMultiHead, plus the file system's.
func LoadMultiHead(path string, opts ...Option) (*MultiHead, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	h, err := UnmarshalMultiHead(data, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}
