package hamming

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// Errors of UnmarshalBinary.
var (
	// ErrFormat reports data that is not a saved index of the expected
	// kind and version, or whose header is inconsistent.
	ErrFormat = errors.New("hamming: not a saved index of this kind")
	// ErrTruncated reports data shorter than its header says.
	ErrTruncated = errors.New("hamming: truncated data")
	// ErrChecksum reports data whose CRC-32 does not match its contents.
	ErrChecksum = errors.New("hamming: checksum mismatch")
)

// The saved form of every index is a 24-byte header, the codes, and a
// CRC-32 (Castagnoli) of all that, little-endian throughout:
//
//	offset  size  field
//	0       4     magic "HMNG"
//	4       1     kind: 1 Linear, 2 MultiIndex, 3 Table
//	5       1     format version, 1
//	6       2     zero
//	8       4     bits
//	12      4     requested substrings (MultiIndex; 0 otherwise), signed
//	16      8     number of codes n
//	24      8·n·Words(bits)  the codes, packed
//	end-4   4     CRC-32C of bytes [0, end-4)
//
// Hash tables are not saved: they are rebuilt by the first search or by
// Build.
const (
	magic         = "HMNG"
	formatVersion = 1
	headerSize    = 24
	trailerSize   = 4

	kindLinear     = 1
	kindMultiIndex = 2
	kindTable      = 3
)

var (
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
	kindNames  = [...]string{kindLinear: "Linear", kindMultiIndex: "MultiIndex", kindTable: "Table"}
)

var (
	_ encoding.BinaryMarshaler   = (*Linear)(nil)
	_ encoding.BinaryUnmarshaler = (*Linear)(nil)
	_ encoding.BinaryMarshaler   = (*MultiIndex)(nil)
	_ encoding.BinaryUnmarshaler = (*MultiIndex)(nil)
	_ encoding.BinaryMarshaler   = (*Table)(nil)
	_ encoding.BinaryUnmarshaler = (*Table)(nil)
)

func marshal(kind byte, nbits, param, n int, codes []uint64) []byte {
	b := make([]byte, 0, headerSize+8*len(codes)+trailerSize)
	b = append(b, magic...)
	b = append(b, kind, formatVersion, 0, 0)
	b = binary.LittleEndian.AppendUint32(b, uint32(nbits))
	b = binary.LittleEndian.AppendUint32(b, uint32(int32(param)))
	b = binary.LittleEndian.AppendUint64(b, uint64(n))
	for _, x := range codes {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// saved is a decoded saved index.
type saved struct {
	nbits, param, n int
	codes           []uint64
}

// unmarshal checks data and decodes it. maxBits and maxLen bound the header
// fields for the kind.
func unmarshal(data []byte, kind byte, maxBits, maxLen int) (saved, error) {
	name := kindNames[kind]
	if len(data) < len(magic) || string(data[:len(magic)]) != magic {
		if len(data) < len(magic) && string(data) == magic[:len(data)] {
			return saved{}, fmt.Errorf("hamming: %s.UnmarshalBinary: %w: %d bytes", name, ErrTruncated, len(data))
		}
		return saved{}, fmt.Errorf("hamming: %s.UnmarshalBinary: %w: bad magic", name, ErrFormat)
	}
	if len(data) < headerSize+trailerSize {
		return saved{}, fmt.Errorf("hamming: %s.UnmarshalBinary: %w: %d bytes, header needs %d", name, ErrTruncated, len(data), headerSize+trailerSize)
	}
	if k := data[4]; k != kind {
		what := "an unknown kind"
		if int(k) < len(kindNames) && kindNames[k] != "" {
			what = "a " + kindNames[k]
		}
		return saved{}, fmt.Errorf("hamming: %s.UnmarshalBinary: %w: data holds %s", name, ErrFormat, what)
	}
	if v := data[5]; v != formatVersion {
		return saved{}, fmt.Errorf("hamming: %s.UnmarshalBinary: %w: version %d, want %d", name, ErrFormat, v, formatVersion)
	}
	nbits64 := uint64(binary.LittleEndian.Uint32(data[8:]))
	param := int(int32(binary.LittleEndian.Uint32(data[12:])))
	n64 := binary.LittleEndian.Uint64(data[16:])
	if data[6] != 0 || data[7] != 0 || nbits64 > uint64(maxBits) || n64 > uint64(maxLen) {
		return saved{}, fmt.Errorf("hamming: %s.UnmarshalBinary: %w: header has %d bits, %d codes", name, ErrFormat, nbits64, n64)
	}
	nbits, n := int(nbits64), int(n64)
	w := Words(nbits)
	body := len(data) - headerSize - trailerSize
	if w > 0 && n > body/(8*w) {
		return saved{}, fmt.Errorf("hamming: %s.UnmarshalBinary: %w: %d codes of %d bits need %d more bytes",
			name, ErrTruncated, n, nbits, uint64(n)*uint64(8*w)-uint64(body))
	}
	if body != 8*w*n {
		return saved{}, fmt.Errorf("hamming: %s.UnmarshalBinary: %w: %d bytes after %d codes of %d bits",
			name, ErrFormat, body-8*w*n, n, nbits)
	}
	end := len(data) - trailerSize
	if got, want := crc32.Checksum(data[:end], castagnoli), binary.LittleEndian.Uint32(data[end:]); got != want {
		return saved{}, fmt.Errorf("hamming: %s.UnmarshalBinary: %w: CRC-32C %#08x, stored %#08x", name, ErrChecksum, got, want)
	}
	s := saved{nbits: nbits, param: param, n: n, codes: make([]uint64, n*w)}
	for i := range s.codes {
		s.codes[i] = binary.LittleEndian.Uint64(data[headerSize+8*i:])
	}
	if _, err := checkPacked(nbits, s.codes); err != nil {
		return saved{}, fmt.Errorf("hamming: %s.UnmarshalBinary: %w: %w", name, ErrFormat, err)
	}
	return s, nil
}

// MarshalBinary returns the codes in the format described in the package
// documentation: a header, the packed codes and a CRC-32C. It never fails.
func (l *Linear) MarshalBinary() ([]byte, error) {
	return marshal(kindLinear, l.nbits, 0, l.n, l.codes), nil
}

// UnmarshalBinary replaces l with the index saved in data by
// MarshalBinary. It returns an error wrapping ErrTruncated if data is cut
// short, ErrChecksum if its checksum does not match, or ErrFormat if it is
// not a saved Linear of this version (or holds codes with unused bits set),
// and leaves l unchanged then. It must not run concurrently with any other
// method.
func (l *Linear) UnmarshalBinary(data []byte) error {
	s, err := unmarshal(data, kindLinear, math.MaxInt32, math.MaxInt)
	if err != nil {
		return err
	}
	*l = Linear{nbits: s.nbits, w: Words(s.nbits), n: s.n, codes: s.codes}
	return nil
}

// MarshalBinary returns the codes and the requested number of substrings,
// in the format of Linear.MarshalBinary; the tables are rebuilt after
// loading. It never fails.
func (mi *MultiIndex) MarshalBinary() ([]byte, error) {
	return marshal(kindMultiIndex, mi.nbits, mi.want, mi.n, mi.codes), nil
}

// UnmarshalBinary replaces mi with the index saved in data by
// MarshalBinary; the tables are built by the first search or by Build. It
// returns an error wrapping ErrTruncated, ErrChecksum or ErrFormat (see
// Linear.UnmarshalBinary; also for a bad number of substrings), and leaves
// mi unchanged then. It must not run concurrently with any other method.
func (mi *MultiIndex) UnmarshalBinary(data []byte) error {
	s, err := unmarshal(data, kindMultiIndex, math.MaxInt32, MaxLen)
	if err != nil {
		return err
	}
	m, err := NewMultiIndex(s.nbits, s.param)
	if err != nil {
		return fmt.Errorf("hamming: MultiIndex.UnmarshalBinary: %w: %w", ErrFormat, err)
	}
	mi.mu.Lock()
	defer mi.mu.Unlock()
	mi.nbits, mi.w, mi.want, mi.n, mi.codes = m.nbits, m.w, m.want, s.n, s.codes
	mi.built.Store(nil)
	return nil
}

// MarshalBinary returns the codes, in the format of Linear.MarshalBinary;
// the table is rebuilt after loading (O(2^bits·bits)). It never fails.
func (t *Table) MarshalBinary() ([]byte, error) {
	return marshal(kindTable, t.nbits, 0, t.mi.n, t.mi.codes), nil
}

// UnmarshalBinary replaces t with the table saved in data by
// MarshalBinary; the table is built by the first search or by Build. It
// returns an error wrapping ErrTruncated, ErrChecksum or ErrFormat (see
// Linear.UnmarshalBinary; also for more than MaxTableBits bits), and
// leaves t unchanged then. It must not run concurrently with any other
// method.
func (t *Table) UnmarshalBinary(data []byte) error {
	s, err := unmarshal(data, kindTable, MaxTableBits, MaxLen)
	if err != nil {
		return err
	}
	mi, err := NewMultiIndex(s.nbits, 0)
	if err != nil {
		return fmt.Errorf("hamming: Table.UnmarshalBinary: %w: %w", ErrFormat, err)
	}
	mi.n, mi.codes = s.n, s.codes
	t.mu.Lock()
	defer t.mu.Unlock()
	t.nbits, t.mi = s.nbits, mi
	t.built.Store(nil)
	return nil
}
