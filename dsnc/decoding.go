package dsnc

import (
	"fmt"

	"github.com/labelcode/labelcode/internal/dsnccore"
)

// DecoderKind names the decoder a model maps codes to labels with.
type DecoderKind uint8

const (
	// LinearDecoding scores every class with the trained linear decoder,
	// B + W·b, in float32 (B plus the decoder's rows of the code's set
	// bits, or, when more than half of the bits are set, B + Σ W minus the
	// rows of the clear bits; one matrix product for a batch of codes),
	// and returns the best (ties: the smallest class):
	// O(min(popcount(b), Bits−popcount(b))·Classes) per example (the
	// paper's "linear" variant). It is the only decoder with per-class
	// scores (TopK).
	LinearDecoding DecoderKind = iota
	// NearestDecoding returns the label of the training code nearest to the
	// example's code in Hamming distance (the paper's "NN" variant):
	// decode.HammingNN over a hamming.MultiIndex, exact and sublinear in the
	// number of training codes when they are clustered. With Neighbors > 1
	// the label is the majority of the nearest codes' labels (ties: smaller
	// sum of distances, then the nearer code).
	NearestDecoding
	// TableDecoding looks the code up in a decode.Table of all 2^Bits codes
	// (Bits <= MaxTableBits), each holding the label the decoder named by
	// Decoding.TableOf gives it — the paper's "all codes are enumerated"
	// constant-time decoder: one memory read per example, 4·2^Bits bytes.
	// Built from LinearDecoding it costs O(2^Bits·Classes) additions (spread
	// over all cores; decode.Linear, in float64, so a code whose two best
	// scores differ by less than float32 rounding may be labelled
	// differently from LinearDecoding) and needs no training codes; from
	// NearestDecoding (one neighbour) O(2^Bits·Bits).
	TableDecoding
)

// String returns "linear", "nearest" or "table".
func (k DecoderKind) String() string { return dsnccore.DecoderKind(k).String() }

// Decoding chooses a model's decoder (WithDecoder). The zero value is
// LinearDecoding.
type Decoding struct {
	Kind DecoderKind
	// Neighbors is the number of nearest training codes that vote with
	// NearestDecoding; 0 means 1. Other kinds ignore it.
	Neighbors int
	// TableOf is the decoder whose labels TableDecoding tabulates:
	// LinearDecoding (the zero value) or NearestDecoding with one
	// neighbour. Other kinds ignore it.
	TableOf DecoderKind
}

// core returns d as the graph-free core's decoder choice.
func (d Decoding) core() dsnccore.Decoding {
	return dsnccore.Decoding{Kind: dsnccore.DecoderKind(d.Kind), Neighbors: d.Neighbors, TableOf: dsnccore.DecoderKind(d.TableOf)}
}

// decodingOf converts the core's decoder choice.
func decodingOf(d dsnccore.Decoding) Decoding {
	return Decoding{Kind: DecoderKind(d.Kind), Neighbors: d.Neighbors, TableOf: DecoderKind(d.TableOf)}
}

// String describes the decoder choice: "linear", "nearest",
// "nearest (5 neighbours)", "table of linear", "table of nearest".
func (d Decoding) String() string {
	switch d.Kind {
	case NearestDecoding:
		if d.Neighbors > 1 {
			return fmt.Sprintf("nearest (%d neighbours)", d.Neighbors)
		}
	case TableDecoding:
		return "table of " + d.TableOf.String()
	}
	return d.Kind.String()
}
