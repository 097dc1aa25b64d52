package dsnccore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"

	"github.com/labelcode/labelcode/hamming"
	"github.com/labelcode/labelcode/internal/container"
	"github.com/labelcode/labelcode/internal/limits"
)

// File format: a container (internal/container) of kind
// container.DSNCModel, version 2, whose body is, little-endian:
//
//	dtype uint8 (4: float32, 8: float64); features, bits, classes, hidden
//	layers uint32; hidden widths uint32 each; flags uint8 (bit 0:
//	Config.Symmetric; other bits zero); for every encoder layer then
//	the decoder: W (In×Out, row-major) then B, raw values of dtype; number
//	of training codes uint64, their words uint64 each, their labels uint32
//	each; decoding kind uint8, neighbours uint32, table source kind uint8.
//
// Version 1 is the same body without the flags byte (Symmetric false).
// Unmarshal also reads the frame of earlier releases around the same
// bodies (versions 1 and 2):
//
//	magic    [8]byte  "DSNCMODL"
//	version  uint32   1 or 2
//	length   uint64   length of body
//	body     [length]byte
//	checksum uint32   CRC-32C of everything before it

// FileMagic opens the DSNC model files of the earlier frame; FileVersion
// is the body version Marshal writes (Unmarshal also reads version 1).
const (
	FileMagic   = "DSNCMODL"
	FileVersion = 2
	headerLen   = 8 + 4 + 8 // of the earlier releases' frame

	flagSymmetric = 1 << 0
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Marshal encodes m and the decoder choice dec in the file format above:
// a container of version 2. It returns the errors of Model.Check.
func Marshal(m *Model, dec Decoding) ([]byte, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	body := bytes.NewBuffer(container.Reserve(0))
	put := func(v any) { binary.Write(body, binary.LittleEndian, v) } // bytes.Buffer writes do not fail
	c := m.Config
	dsize := uint8(4)
	if m.Float64 {
		dsize = 8
	}
	put(dsize)
	put([]uint32{uint32(c.Features), uint32(c.Bits), uint32(c.Classes), uint32(len(c.Hidden))})
	for _, h := range c.Hidden {
		put(uint32(h))
	}
	var flags uint8
	if c.Symmetric {
		flags |= flagSymmetric
	}
	put(flags)
	for _, l := range m.Layers() {
		put(l.W)
		put(l.B)
	}
	put(uint64(len(m.CodeLabels)))
	put(m.Codes)
	for _, y := range m.CodeLabels {
		put(uint32(y))
	}
	put(uint8(dec.Kind))
	put(uint32(dec.Neighbors))
	put(uint8(dec.TableOf))
	return container.Finish(body.Bytes(), container.DSNCModel, FileVersion), nil
}

// reader decodes the body, turning a short read into ErrTruncated.
type reader struct {
	b   []byte
	err error
}

func (r *reader) next(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.err = fmt.Errorf("%w: body ends early", ErrCorrupt)
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) u8() uint8 {
	if b := r.next(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u32() int {
	if b := r.next(4); b != nil {
		return int(binary.LittleEndian.Uint32(b))
	}
	return 0
}

func (r *reader) u64() uint64 {
	if b := r.next(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

// floats reads n values of dt. It checks n against the bytes left before
// making the slice, so a wrong count is an error, never a large allocation.
func (r *reader) floats(float64s bool, n int) any {
	size := 4
	if float64s {
		size = 8
	}
	if r.err == nil && (n < 0 || n > len(r.b)/size) {
		r.err = fmt.Errorf("%w: %d values of %d bytes do not fit in the %d bytes left", ErrCorrupt, n, size, len(r.b))
	}
	b := r.next(size * n)
	if b == nil {
		return nil
	}
	if !float64s {
		v := make([]float32, n)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		return v
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return v
}

// Unmarshal decodes data written by Marshal (a container, body version 1
// or 2) or a file of the earlier releases' frame (versions 1 and 2). It
// returns ErrFormat, ErrVersion, ErrTruncated or ErrCorrupt (with
// limits.ErrTooLarge for a count beyond the bytes left) for bad data; for
// a container the error wraps the container's sentinel as well
// (container.ErrFormat, ErrVersion or ErrKind, the last with ErrFormat).
// It allocates no more than about twice len(data): every count is checked
// against the bytes that remain before anything is made.
func Unmarshal(data []byte) (*Model, Decoding, error) {
	version, body, err := openFile(data)
	if err != nil {
		return nil, Decoding{}, err
	}
	return decodeBody(body, version)
}

// openFile checks the frame of a model file, a container or the earlier
// releases' frame, and returns the body's version and the body.
func openFile(data []byte) (uint32, []byte, error) {
	if container.HasMagic(data) {
		v, body, err := container.Open(data, container.DSNCModel, FileVersion)
		switch {
		case err == nil:
			return uint32(v), body, nil
		case errors.Is(err, container.ErrKind):
			return 0, nil, fmt.Errorf("%w: %w", ErrFormat, err)
		case errors.Is(err, container.ErrVersion), errors.Is(err, container.ErrTruncated):
			return 0, nil, err // ErrVersion, ErrTruncated
		default: // a checksum mismatch, trailing bytes
			return 0, nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
	}
	if len(data) < len(FileMagic) || string(data[:len(FileMagic)]) != FileMagic {
		if len(data) < len(FileMagic) && string(data) == FileMagic[:len(data)] {
			return 0, nil, fmt.Errorf("%w: %d bytes", ErrTruncated, len(data))
		}
		return 0, nil, ErrFormat
	}
	if len(data) < headerLen {
		return 0, nil, fmt.Errorf("%w: %d bytes, header needs %d", ErrTruncated, len(data), headerLen)
	}
	version := binary.LittleEndian.Uint32(data[8:])
	if version != 1 && version != FileVersion {
		return 0, nil, fmt.Errorf("%w: version %d, this package reads 1 and %d", ErrVersion, version, FileVersion)
	}
	n := binary.LittleEndian.Uint64(data[12:])
	if n > uint64(len(data)) || uint64(len(data)) < uint64(headerLen)+n+4 {
		return 0, nil, fmt.Errorf("%w: %d bytes, header announces %d", ErrTruncated, len(data), uint64(headerLen)+n+4)
	}
	if uint64(len(data)) != headerLen+n+4 {
		return 0, nil, fmt.Errorf("%w: %d trailing bytes", ErrCorrupt, uint64(len(data))-headerLen-n-4)
	}
	end := headerLen + int(n)
	if crc32.Checksum(data[:end], castagnoli) != binary.LittleEndian.Uint32(data[end:]) {
		return 0, nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	return version, data[headerLen:end], nil
}

// decodeBody decodes a model file's body of the given version.
func decodeBody(body []byte, version uint32) (*Model, Decoding, error) {
	r := &reader{b: body}
	m := &Model{}
	switch r.u8() {
	case 4:
	case 8:
		m.Float64 = true
	default:
		return nil, Decoding{}, fmt.Errorf("%w: unknown dtype", ErrCorrupt)
	}
	c := &m.Config
	c.Features, c.Bits, c.Classes = r.u32(), r.u32(), r.u32()
	nh := r.u32()
	if nh > len(r.b)/4 {
		return nil, Decoding{}, fmt.Errorf("%w: %w: %d hidden layers do not fit in the %d bytes left", ErrCorrupt, limits.ErrTooLarge, nh, len(r.b))
	}
	for range nh {
		c.Hidden = append(c.Hidden, r.u32())
	}
	if version >= 2 {
		flags := r.u8()
		if flags&^flagSymmetric != 0 {
			return nil, Decoding{}, fmt.Errorf("%w: unknown flags %#x", ErrCorrupt, flags)
		}
		c.Symmetric = flags&flagSymmetric != 0
	}
	if r.err != nil {
		return nil, Decoding{}, r.err
	}
	// Every size below is checked against the bytes left in the body,
	// without overflow, before the slices it sizes are made, so a crafted
	// header cannot make the reader allocate more than the file holds.
	if err := c.ValidateShape(); err != nil {
		return nil, Decoding{}, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	dsize := 4
	if m.Float64 {
		dsize = 8
	}
	nw, err := c.Weights(len(r.b) / dsize)
	if err != nil {
		return nil, Decoding{}, fmt.Errorf("%w: the weights do not fit in the %d bytes left: %w", ErrCorrupt, len(r.b), err)
	}
	if nw > limits.DefaultMaxWeights {
		// The file holds the weights, so the model may be larger than the
		// default limit; record its size so that it validates.
		c.MaxWeights = nw
	}
	w := c.Widths()
	layer := func(in, out int) Layer {
		// in·out <= nw: no overflow, and the bytes are there or next fails.
		wv, bv := r.floats(m.Float64, in*out), r.floats(m.Float64, out)
		if r.err != nil {
			return Layer{}
		}
		return Layer{In: in, Out: out, W: wv, B: bv}
	}
	for i := 0; i+1 < len(w); i++ {
		m.Encoder = append(m.Encoder, layer(w[i], w[i+1]))
	}
	m.Decoder = layer(c.Bits, c.Classes)
	nc := r.u64()
	words := hamming.Words(c.Bits)
	if r.err == nil && nc > uint64(len(r.b))/uint64(8*words+4) {
		return nil, Decoding{}, fmt.Errorf("%w: %w: %d training codes do not fit in the %d bytes left", ErrCorrupt, limits.ErrTooLarge, nc, len(r.b))
	}
	if r.err != nil {
		return nil, Decoding{}, r.err
	}
	if nc > 0 {
		b := r.next(int(nc) * words * 8)
		m.Codes = make([]uint64, int(nc)*words)
		for i := range m.Codes {
			m.Codes[i] = binary.LittleEndian.Uint64(b[8*i:])
		}
		m.CodeLabels = make([]int, nc)
		for i := range m.CodeLabels {
			m.CodeLabels[i] = r.u32()
		}
	}
	dec := Decoding{Kind: DecoderKind(r.u8()), Neighbors: r.u32(), TableOf: DecoderKind(r.u8())}
	if r.err != nil {
		return nil, Decoding{}, r.err
	}
	if len(r.b) != 0 {
		return nil, Decoding{}, fmt.Errorf("%w: %d unread body bytes", ErrCorrupt, len(r.b))
	}
	if err := m.Check(); err != nil {
		return nil, Decoding{}, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if err := CheckCodes(m); err != nil {
		return nil, Decoding{}, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if err := dec.Validate(); err != nil {
		return nil, Decoding{}, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return m, dec, nil
}
