package lmcore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/internal/container"
	"github.com/labelcode/labelcode/internal/nn"
)

// File format (all integers little-endian): the body
//
//	ensemble:  mapping | sites uint32 | per site: present uint8 [, learner kind, learner data]
//	site:      mapping | site uint32 | learner kind | learner data
//	multihead: mapping | network
//
// with every variable-length field (mapping = codes.Marshal JSON, learner
// kind, learner data, network = nn.Net.MarshalBinary) written as a uint64
// length and its bytes, in one of two frames. Open reads both:
//
//   - a container (internal/container) of kind container.LMEnsemble,
//     LMSite or LMMultiHead, version FileVersion;
//   - the frame of the earlier releases (Writer writes containers):
//
//	magic "LABELMAP" | version uint16 | kind uint8 | 0 uint8 | body | CRC-32C uint32
//
// where the CRC covers everything before it.

// The earlier frame's magic, the body version, and the kinds of file (the
// kind byte of the earlier frame; each has its container.Kind).
const (
	FileMagic   = "LABELMAP"
	FileVersion = 1

	KindEnsemble  = 1
	KindSite      = 2
	KindMultiHead = 3

	headerLen = len(FileMagic) + 4
)

// containerKinds maps a kind byte to its container kind.
var containerKinds = [...]container.Kind{KindEnsemble: container.LMEnsemble, KindSite: container.LMSite, KindMultiHead: container.LMMultiHead}

// containerKind returns the container kind of a kind byte (0 for none).
func containerKind(kind byte) container.Kind {
	if int(kind) < len(containerKinds) {
		return containerKinds[kind]
	}
	return 0
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var kindNames = map[byte]string{KindEnsemble: "ensemble", KindSite: "site", KindMultiHead: "multi-head model"}

// Writer builds a file: header, fields, checksum.
type Writer struct {
	buf  []byte
	kind byte
}

// NewWriter starts a file of the given kind.
func NewWriter(kind byte) *Writer { return &Writer{buf: container.Reserve(0), kind: kind} }

// U8 appends a byte.
func (w *Writer) U8(v byte) { w.buf = append(w.buf, v) }

// U32 appends a uint32.
func (w *Writer) U32(v int) { w.buf = binary.LittleEndian.AppendUint32(w.buf, uint32(v)) }

// Bytes appends a uint64 length and b.
func (w *Writer) Bytes(b []byte) {
	w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(len(b)))
	w.buf = append(w.buf, b...)
}

// Raw appends b as it is (a body crafted by hand).
func (w *Writer) Raw(b []byte) { w.buf = append(w.buf, b...) }

// Finish seals the container and returns the file.
func (w *Writer) Finish() []byte { return container.Finish(w.buf, containerKind(w.kind), FileVersion) }

// Reader reads a file's body; the first error is kept in Err and every
// later read returns a zero value.
type Reader struct {
	p   []byte
	Err error
}

// Fail records ErrCorrupt with a message unless an error is recorded.
func (r *Reader) Fail(format string, a ...any) {
	if r.Err == nil {
		r.Err = fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, a...))
	}
}

// U8 reads a byte.
func (r *Reader) U8() byte {
	if len(r.p) < 1 {
		r.Fail("truncated")
		return 0
	}
	v := r.p[0]
	r.p = r.p[1:]
	return v
}

// U32 reads a uint32.
func (r *Reader) U32() int {
	if len(r.p) < 4 {
		r.Fail("truncated")
		return 0
	}
	v := binary.LittleEndian.Uint32(r.p)
	r.p = r.p[4:]
	return int(v)
}

// Bytes reads a length-prefixed field, checking the length against the
// bytes left before slicing (no allocation).
func (r *Reader) Bytes() []byte {
	if len(r.p) < 8 {
		r.Fail("truncated")
		return nil
	}
	n := binary.LittleEndian.Uint64(r.p)
	r.p = r.p[8:]
	if n > uint64(len(r.p)) {
		r.Fail("field of %d bytes with %d left", n, len(r.p))
		return nil
	}
	b := r.p[:n]
	r.p = r.p[n:]
	return b
}

// Open checks a file's frame, a container or the earlier frame: magic,
// version, kind and checksum, and returns a Reader on the body. It returns
// ErrVersion for another body version, and ErrCorrupt for anything else:
// not a labelmap file, truncated, damaged, or of another kind (wrapping
// container.ErrKind as well). ErrCorrupt and ErrVersion are the
// container's ErrFormat and ErrVersion.
func Open(data []byte, kind byte) (*Reader, error) {
	if container.HasMagic(data) {
		_, body, err := container.Open(data, containerKind(kind), FileVersion)
		switch {
		case err == nil:
			return &Reader{p: body}, nil
		case errors.Is(err, container.ErrKind):
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		default: // ErrVersion, or ErrFormat: ErrCorrupt
			return nil, err
		}
	}
	if len(data) < headerLen || string(data[:len(FileMagic)]) != FileMagic {
		return nil, fmt.Errorf("%w: not a labelmap model file", ErrCorrupt)
	}
	if v := binary.LittleEndian.Uint16(data[len(FileMagic):]); v != FileVersion {
		return nil, fmt.Errorf("%w: file version %d, this package reads version %d", ErrVersion, v, FileVersion)
	}
	if len(data) < headerLen+4 {
		return nil, fmt.Errorf("%w: %d bytes", container.ErrTruncated, len(data))
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, fmt.Errorf("%w (truncated or damaged file)", container.ErrChecksum)
	}
	if k := data[len(FileMagic)+2]; k != kind {
		name := kindNames[k]
		if name == "" {
			name = fmt.Sprintf("unknown kind %d", k)
		}
		return nil, fmt.Errorf("%w: %w: file holds a %s, want a %s", ErrCorrupt, container.ErrKind, name, kindNames[kind])
	}
	return &Reader{p: body[headerLen:]}, nil
}

// Mapping reads a length-prefixed codes.Marshal mapping.
func (r *Reader) Mapping() codes.Mapping {
	b := r.Bytes()
	if r.Err != nil {
		return nil
	}
	m, err := codes.Unmarshal(b)
	if err != nil {
		r.Err = fmt.Errorf("%w: mapping: %w", ErrCorrupt, err)
		return nil
	}
	return m
}

// End returns the recorded error, or ErrCorrupt if bytes are left.
func (r *Reader) End() error {
	if r.Err == nil && len(r.p) != 0 {
		r.Fail("%d unexpected bytes after the body", len(r.p))
	}
	return r.Err
}

// Kind returns the kind byte (KindEnsemble, KindSite, KindMultiHead) of a
// labelmap file, a container of a labelmap kind or a file of the earlier
// frame, and false when data do not start with either header.
func Kind(data []byte) (byte, bool) {
	if k, ok := container.Peek(data); ok {
		for b, ck := range containerKinds {
			if ck != 0 && ck == k {
				return byte(b), true
			}
		}
		return 0, false
	}
	if len(data) < headerLen || string(data[:len(FileMagic)]) != FileMagic {
		return 0, false
	}
	return data[len(FileMagic)+2], true
}

// Learner is a saved learner: its kind name and MarshalBinary data.
type Learner struct {
	Kind string
	Data []byte
}

// ParseEnsemble reads an ensemble file: the mapping and one saved learner
// per site (nil for a missing site), not yet decoded. Errors as Open, and
// ErrCorrupt for a body that does not parse. It allocates the mapping and
// the slice of sites, whose count is checked against the bytes left.
func ParseEnsemble(data []byte) (codes.Mapping, []*Learner, error) {
	r, err := Open(data, KindEnsemble)
	if err != nil {
		return nil, nil, err
	}
	m := r.Mapping()
	n := r.U32()
	if r.Err == nil && (m == nil || n != m.Sites()) {
		r.Fail("%d sites recorded for a mapping of %d", n, m.Sites())
	}
	if r.Err != nil {
		return nil, nil, r.Err
	}
	sites := make([]*Learner, n)
	for i := range sites {
		switch r.U8() {
		case 0:
		case 1:
			kind, data := string(r.Bytes()), r.Bytes()
			sites[i] = &Learner{Kind: kind, Data: data}
		default:
			r.Fail("site %d: bad presence flag", i)
		}
		if r.Err != nil {
			return nil, nil, fmt.Errorf("site %d: %w", i, r.Err)
		}
	}
	if err := r.End(); err != nil {
		return nil, nil, err
	}
	return m, sites, nil
}

// DecodeMLP decodes an MLP learner's data (its one-head network). It
// returns ErrCorrupt for invalid data, wrapping limits.ErrTooLarge when
// the network needs more weights than the data hold.
func DecodeMLP(data []byte) (*nn.Net, error) {
	var n nn.Net
	if err := n.UnmarshalBinary(data); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if len(n.Spec.Heads) != 1 {
		return nil, fmt.Errorf("%w: an MLP learner has one head, the data have %d", ErrCorrupt, len(n.Spec.Heads))
	}
	return &n, nil
}

// ParseMultiHead reads a shared-trunk model file: the mapping and the
// network, whose heads must be the mapping's sites. Errors as Open, and
// ErrCorrupt (wrapping limits.ErrTooLarge for a network larger than its
// bytes) for bad data.
func ParseMultiHead(data []byte) (codes.Mapping, *nn.Net, error) {
	r, err := Open(data, KindMultiHead)
	if err != nil {
		return nil, nil, err
	}
	m := r.Mapping()
	nb := r.Bytes()
	if err := r.End(); err != nil {
		return nil, nil, err
	}
	var n nn.Net
	if err := n.UnmarshalBinary(nb); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if len(n.Spec.Heads) != m.Sites() {
		return nil, nil, fmt.Errorf("%w: %d heads for %d sites", ErrCorrupt, len(n.Spec.Heads), m.Sites())
	}
	for i, q := range n.Spec.Heads {
		if q != m.SiteClasses(i) {
			return nil, nil, fmt.Errorf("%w: head %d has %d classes, site has %d", ErrCorrupt, i, q, m.SiteClasses(i))
		}
	}
	return m, &n, nil
}

// FitsSite checks that a learner of the given number of classes and input
// features can serve site i of m: classes must be SiteClasses(i), and
// features must equal *width unless *width is 0, in which case it sets
// *width. A negative classes or features means the learner does not say,
// and is not checked; a nil width skips the features check.
func FitsSite(m codes.Mapping, i, classes, features int, width *int) error {
	if q := m.SiteClasses(i); classes >= 0 && classes != q {
		return fmt.Errorf("site %d: learner has %d classes, the site's alphabet has %d", i, classes, q)
	}
	if features >= 0 && width != nil {
		switch {
		case *width == 0:
			*width = features
		case features != *width:
			return fmt.Errorf("site %d: learner takes %d features, other sites take %d", i, features, *width)
		}
	}
	return nil
}
