// Package hamming stores packed binary codes and finds, exactly, the stored
// codes nearest to a query in Hamming distance: the nearest-neighbour
// decoder of Deep Stochastic Neural Codes (DSNC), which maps a code output
// by a network to the closest code seen in training.
//
// # Conventions
//
// A code of b bits is a []uint64 of Words(b) = ceil(b/64) words. Bit i of
// the code is bit i%64 (value 1<<(i%64)) of word i/64, little-endian
// within each word, and the unused high bits of the last word are zero
// (Check tests this; Add and Search panic on a code it rejects, AddPacked
// returns the error). Many codes are packed one after the other in one
// []uint64, Words(b) words each, for AddPacked and SearchBatch. Codes are
// numbered 0, 1, 2, ... in order of adding, and every search orders its
// result by ascending Distance, ties by ascending ID, so all indexes return
// identical results.
//
// Search methods take a dst []Neighbor and return the result appended to
// dst[:0]; passing back the slice returned by the previous call makes
// Linear.Search, Table.Search, Table.Lookup and (for up to 64 substrings)
// MultiIndex.Search allocation-free. Once adding is done, every search
// method is safe for concurrent use; adding is not safe concurrently with
// anything.
//
// # Indexes and costs
//
// For n stored codes of b bits, w = Words(b) words each:
//
//   - Linear scans every code: O(n·w) per search, one pass over n·w·8
//     bytes, specialised for 1, 2 and 4 words, with the k best kept
//     behind a threshold that rejects most codes with one comparison. On
//     one core of a 2-core AMD EPYC it scans 64-bit codes at 0.5–0.7 ns
//     each and 256-bit codes at about 2 ns each (12–16 GB/s); building
//     with GOAMD64=v2 or higher removes a CPU-feature test per POPCNT and
//     gains a little more. Best for small n or long codes with little
//     structure, and the reference the others are tested against.
//   - MultiIndex is multi-index hashing (Norouzi, Punjani and Fleet, CVPR
//     2012): m hash tables on m substrings of the code, probed at growing
//     substring radius until the pigeonhole bound proves the k best found.
//     Sublinear for small search radii, which is the case of clustered
//     codes (the codes a trained network gives to the examples of a
//     class): on 10^6 such 64-bit codes a 1-NN search takes about a
//     microsecond, hundreds of times less than Linear. Each search prices
//     the probing left to do and scans instead when that would cost more,
//     so on codes where hashing cannot help (uniform codes much longer
//     than log2 n) it costs about what Linear does. Memory: the codes
//     plus 4n bytes of IDs and a table per substring; building costs
//     O(n·m), on all cores.
//   - Table enumerates all 2^b codes (b <= MaxTableBits): a 1-NN search is
//     one memory read, after an O(2^b·b) distance transform over the
//     hypercube on all cores (about 25 ms at b = 20); 5·2^b bytes. This is
//     DSNC's constant-time decoder.
//
// Also: SearchRadius (every code within distance r) on each index,
// SearchBatch (many queries on all cores; for Linear, groups of queries
// share each pass over the codes), AddPacked (many codes at once), and
// Build (build the hash tables or the table now, cancellable, with
// progress) instead of lazily at the first search.
//
// # Saved form
//
// MarshalBinary writes the module's file container (magic "LBLCODE\x00",
// kind Hamming linear, multi-index or table, version 1, body length, body,
// CRC-32C of everything before it) around a body of, little-endian: the
// number of bits (uint32), the requested number of substrings (int32, 0
// but for a MultiIndex), the number of codes (uint64) and the packed
// codes. UnmarshalBinary also reads the format of earlier releases (magic
// "HMNG", kind and version bytes, the same fields, a CRC-32C). Hash tables and lookup tables are
// not saved but rebuilt. UnmarshalBinary returns an error wrapping
// ErrTruncated, ErrChecksum or ErrFormat on data that is cut short,
// damaged, or not what it expects.
//
// Loading never allocates more than the data's own size: the number of
// codes times their size must equal the bytes after the header, computed
// without overflow, before anything is allocated. Codes of 0 bits take
// no bytes, so at most MaxEmptyCodes of them are accepted. A size beyond
// a limit (more than 2^31−1 bits, MaxEmptyCodes codes of 0 bits or MaxLen
// codes) is an error wrapping ErrTooLarge as well as ErrFormat. The
// tables a search then builds are bounded as each index's documentation
// says: a MultiIndex's by its codes (at most max(n, ceil(bits/64))
// substrings), a Table's by MaxTableBits.
package hamming
