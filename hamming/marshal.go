package hamming

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"

	"github.com/labelcode/labelcode/internal/container"
	"github.com/labelcode/labelcode/internal/limits"
)

// Errors of UnmarshalBinary. They are the values of the module's one file
// container (internal/container), so errors.Is works the same on the
// errors of every loader: ErrTruncated and ErrChecksum wrap ErrFormat.
var (
	// ErrFormat reports data that is not a saved index of the expected
	// kind and version, or whose header is inconsistent.
	ErrFormat = container.ErrFormat
	// ErrTruncated reports data shorter than its header says (it wraps
	// ErrFormat).
	ErrTruncated = container.ErrTruncated
	// ErrChecksum reports data whose CRC-32 does not match its contents
	// (it wraps ErrFormat).
	ErrChecksum = container.ErrChecksum
	// ErrVersion reports a saved index of a format version this release
	// does not read; the error wraps ErrFormat as well.
	ErrVersion = container.ErrVersion
)

// The saved form of every index is a container (internal/container) of
// kind Hamming linear, multi-index or table, version 1, whose body is,
// little-endian:
//
//	offset  size  field
//	0       4     bits
//	4       4     requested substrings (MultiIndex; 0 otherwise), signed
//	8       8     number of codes n
//	16      8·n·Words(bits)  the codes, packed
//
// The container adds a 20-byte header (magic "LBLCODE\x00", kind,
// version, body length) and a CRC-32C of everything before it.
//
// UnmarshalBinary also reads the format of earlier releases, a 24-byte
// header, the codes and a CRC-32 (Castagnoli) of all that:
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
	magic         = "HMNG" // of the earlier releases' format
	formatVersion = 1
	headerSize    = 24 // of the earlier releases' format
	trailerSize   = 4
	fieldsSize    = 16 // bits, substrings, n: what precedes the codes

	kindLinear     = 1
	kindMultiIndex = 2
	kindTable      = 3
)

var (
	castagnoli     = crc32.MakeTable(crc32.Castagnoli)
	kindNames      = [...]string{kindLinear: "Linear", kindMultiIndex: "MultiIndex", kindTable: "Table"}
	containerKinds = [...]container.Kind{kindLinear: container.HammingLinear, kindMultiIndex: container.HammingMultiIndex, kindTable: container.HammingTable}
)

var (
	_ encoding.BinaryMarshaler   = (*Linear)(nil)
	_ encoding.BinaryUnmarshaler = (*Linear)(nil)
	_ encoding.BinaryMarshaler   = (*MultiIndex)(nil)
	_ encoding.BinaryUnmarshaler = (*MultiIndex)(nil)
	_ encoding.BinaryMarshaler   = (*Table)(nil)
	_ encoding.BinaryUnmarshaler = (*Table)(nil)
)

// marshal returns the container of an index of the given kind.
func marshal(kind byte, nbits, param, n int, codes []uint64) []byte {
	b := container.Reserve(fieldsSize + 8*len(codes))
	b = binary.LittleEndian.AppendUint32(b, uint32(nbits))
	b = binary.LittleEndian.AppendUint32(b, uint32(int32(param)))
	b = binary.LittleEndian.AppendUint64(b, uint64(n))
	for _, x := range codes {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	return container.Finish(b, containerKinds[kind], formatVersion)
}

// saved is a decoded saved index.
type saved struct {
	nbits, param, n int
	codes           []uint64
}

// unmarshal checks data, a container or a file of the earlier format, and
// decodes it. maxBits and maxLen bound the header fields for the kind.
// Every declared size is checked, without overflow, against the data's
// length and those limits before anything is allocated, so decoding
// allocates no more than len(data) bytes.
func unmarshal(data []byte, kind byte, maxBits, maxLen int) (saved, error) {
	name := kindNames[kind]
	fail := func(format string, args ...any) (saved, error) {
		return saved{}, fmt.Errorf("hamming: %s.UnmarshalBinary: "+format, append([]any{name}, args...)...)
	}
	if container.HasMagic(data) {
		_, body, err := container.Open(data, containerKinds[kind], formatVersion)
		switch {
		case errors.Is(err, container.ErrKind), errors.Is(err, container.ErrVersion):
			return fail("%w: %w", ErrFormat, err)
		case err != nil:
			return fail("%w", err)
		case len(body) < fieldsSize:
			return fail("%w: a body of %d bytes, its fields need %d", ErrFormat, len(body), fieldsSize)
		}
		return decodeBody(body[:fieldsSize], body[fieldsSize:], kind, maxBits, maxLen, fail, nil)
	}
	if len(data) < len(magic) || string(data[:len(magic)]) != magic {
		if len(data) < len(magic) && string(data) == magic[:len(data)] {
			return fail("%w: %d bytes", ErrTruncated, len(data))
		}
		return fail("%w: bad magic", ErrFormat)
	}
	if len(data) < headerSize+trailerSize {
		return fail("%w: %d bytes, header needs %d", ErrTruncated, len(data), headerSize+trailerSize)
	}
	if k := data[4]; k != kind {
		what := "an unknown kind"
		if int(k) < len(kindNames) && kindNames[k] != "" {
			what = "a " + kindNames[k]
		}
		return fail("%w: %w: data holds %s", ErrFormat, container.ErrKind, what)
	}
	if v := data[5]; v != formatVersion {
		return fail("%w: %w: version %d, want %d", ErrFormat, ErrVersion, v, formatVersion)
	}
	if data[6] != 0 || data[7] != 0 {
		return fail("%w: reserved header bytes %#x %#x are not zero", ErrFormat, data[6], data[7])
	}
	// The sizes are checked before the checksum, as this format always
	// did: a count the data cannot hold is ErrTruncated.
	end := len(data) - trailerSize
	return decodeBody(data[8:headerSize], data[headerSize:end], kind, maxBits, maxLen, fail, func() (saved, error) {
		if got, want := crc32.Checksum(data[:end], castagnoli), binary.LittleEndian.Uint32(data[end:]); got != want {
			return fail("%w: CRC-32C %#08x, stored %#08x", ErrChecksum, got, want)
		}
		return saved{}, nil
	})
}

// decodeBody checks the fields (bits, substrings, number of codes: 16
// bytes) against the codes that follow, the kind and the limits, calls
// checksum (unless nil) and decodes the codes. Sizes are checked without
// overflow before anything is allocated.
func decodeBody(fields, body []byte, kind byte, maxBits, maxLen int, fail func(string, ...any) (saved, error), checksum func() (saved, error)) (saved, error) {
	name := kindNames[kind]
	nbits64 := uint64(binary.LittleEndian.Uint32(fields))
	param := int(int32(binary.LittleEndian.Uint32(fields[4:])))
	n64 := binary.LittleEndian.Uint64(fields[8:])
	if nbits64 > uint64(maxBits) {
		if nbits64 > limits.MaxDim {
			return fail("%w: %w: %w: %d bits exceed the limit %d", ErrFormat, ErrBits, ErrTooLarge, nbits64, limits.MaxDim)
		}
		return fail("%w: %w: %d bits, want at most %d", ErrFormat, ErrBits, nbits64, maxBits)
	}
	if kind != kindMultiIndex && param != 0 {
		return fail("%w: %d substrings in the header of a %s, want 0", ErrFormat, param, name)
	}
	nbits := int(nbits64)
	w := Words(nbits)
	if w == 0 {
		// Codes of 0 bits take no bytes, so the data's length cannot vouch
		// for their number: a fixed limit bounds what searching them
		// returns.
		if n64 > MaxEmptyCodes {
			return fail("%w: %w: %d codes of 0 bits exceed the limit MaxEmptyCodes = %d", ErrFormat, ErrTooLarge, n64, MaxEmptyCodes)
		}
	} else {
		size, ok := limits.Mul(int(min(n64, math.MaxInt64)), 8*w)
		if !ok || n64 > math.MaxInt64 {
			return fail("%w: %w: %d codes of %d bits overflow the size of the data", ErrFormat, ErrTooLarge, n64, nbits)
		}
		if size > len(body) {
			return fail("%w: %d codes of %d bits need %d bytes, the data has %d", ErrTruncated, n64, nbits, size, len(body))
		}
	}
	n := int(n64)
	if len(body) != 8*w*n {
		return fail("%w: %d bytes after %d codes of %d bits", ErrFormat, len(body)-8*w*n, n, nbits)
	}
	if n > maxLen {
		return fail("%w: %w: %w: %d codes exceed the limit %d", ErrFormat, ErrTooMany, ErrTooLarge, n, maxLen)
	}
	if checksum != nil {
		if s, err := checksum(); err != nil {
			return s, err
		}
	}
	s := saved{nbits: nbits, param: param, n: n, codes: make([]uint64, n*w)}
	for i := range s.codes {
		s.codes[i] = binary.LittleEndian.Uint64(body[8*i:])
	}
	if _, err := checkPacked(nbits, s.codes); err != nil {
		return fail("%w: %w", ErrFormat, err)
	}
	return s, nil
}

// checkEmpty returns an error wrapping ErrTooLarge if an index of n codes
// of nbits bits cannot be saved: more than MaxEmptyCodes codes of 0 bits,
// which UnmarshalBinary would refuse.
func checkEmpty(name string, nbits, n int) error {
	if nbits == 0 && n > MaxEmptyCodes {
		return fmt.Errorf("hamming: %s.MarshalBinary: %w: %d codes of 0 bits exceed the limit MaxEmptyCodes = %d",
			name, ErrTooLarge, n, MaxEmptyCodes)
	}
	return nil
}

// MarshalBinary returns the codes in the format described in the package
// documentation: a header, the packed codes and a CRC-32C. It fails, with
// an error wrapping ErrTooLarge, only for more than MaxEmptyCodes codes of
// 0 bits, which UnmarshalBinary would refuse.
func (l *Linear) MarshalBinary() ([]byte, error) {
	if err := checkEmpty("Linear", l.nbits, l.n); err != nil {
		return nil, err
	}
	return marshal(kindLinear, l.nbits, 0, l.n, l.codes), nil
}

// UnmarshalBinary replaces l with the index saved in data by
// MarshalBinary. It returns an error wrapping ErrTruncated if data is cut
// short, ErrChecksum if its checksum does not match, or ErrFormat if it is
// not a saved Linear of this version (or holds codes with unused bits set),
// and leaves l unchanged then.
//
// It allocates no more than len(data) bytes: before allocating, the
// declared number of codes times their size must equal the bytes that
// follow the header, computed without overflow. Codes of 0 bits take no
// bytes, so their number is bounded by MaxEmptyCodes instead. A declared
// size that breaks a limit (more than 2^31−1 bits, more than MaxEmptyCodes
// codes of 0 bits, a byte count that overflows) is an error wrapping both
// ErrFormat and ErrTooLarge. It must not run concurrently with any other
// method.
func (l *Linear) UnmarshalBinary(data []byte) error {
	s, err := unmarshal(data, kindLinear, limits.MaxDim, math.MaxInt)
	if err != nil {
		return err
	}
	*l = Linear{nbits: s.nbits, w: Words(s.nbits), n: s.n, codes: s.codes}
	return nil
}

// MarshalBinary returns the codes and the requested number of substrings,
// in the format of Linear.MarshalBinary; the tables are rebuilt after
// loading. It fails, with an error wrapping ErrTooLarge, only for more
// than MaxEmptyCodes codes of 0 bits.
func (mi *MultiIndex) MarshalBinary() ([]byte, error) {
	if err := checkEmpty("MultiIndex", mi.nbits, mi.n); err != nil {
		return nil, err
	}
	return marshal(kindMultiIndex, mi.nbits, mi.want, mi.n, mi.codes), nil
}

// UnmarshalBinary replaces mi with the index saved in data by
// MarshalBinary; the tables are built by the first search or by Build. It
// returns an error wrapping ErrTruncated, ErrChecksum or ErrFormat (see
// Linear.UnmarshalBinary; also for a bad number of substrings, with
// ErrSubstrings), and leaves mi unchanged then.
//
// It allocates no more than len(data) bytes, under the rule of
// Linear.UnmarshalBinary; more than MaxLen codes is also an error wrapping
// ErrFormat, ErrTooMany and ErrTooLarge. The tables that the first search
// builds take the memory the MultiIndex documentation states, which the
// number of substrings bounds (see MultiIndex.Substrings). It must not run
// concurrently with any other method.
func (mi *MultiIndex) UnmarshalBinary(data []byte) error {
	s, err := unmarshal(data, kindMultiIndex, limits.MaxDim, MaxLen)
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
// the table is rebuilt after loading (O(2^bits·bits)). It fails, with an
// error wrapping ErrTooLarge, only for more than MaxEmptyCodes codes of 0
// bits.
func (t *Table) MarshalBinary() ([]byte, error) {
	if err := checkEmpty("Table", t.nbits, t.mi.n); err != nil {
		return nil, err
	}
	return marshal(kindTable, t.nbits, 0, t.mi.n, t.mi.codes), nil
}

// UnmarshalBinary replaces t with the table saved in data by
// MarshalBinary; the table is built by the first search or by Build. It
// returns an error wrapping ErrTruncated, ErrChecksum or ErrFormat (see
// Linear.UnmarshalBinary; also for more than MaxTableBits bits, with
// ErrBits), and leaves t unchanged then.
//
// It allocates no more than len(data) bytes, under the rule of
// Linear.UnmarshalBinary; more than MaxLen codes is also an error wrapping
// ErrFormat, ErrTooMany and ErrTooLarge. The lookup table that the first
// search builds takes 5·2^bits bytes whatever the data's length, at most
// 80 MiB by MaxTableBits, as the format intends. It must not run
// concurrently with any other method.
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
