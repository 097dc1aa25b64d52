package dsnc

import (
	"fmt"
	"strings"
)

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

// String summarises the predictor: its decoder, then the model's summary
// (Model.String).
func (p *Predictor) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "DSNC predictor, %s decoding; model ", p.dec)
	s := p.model.String()
	s = strings.TrimPrefix(s, "DSNC model ")
	b.WriteString(s)
	return b.String()
}
