package labelmap

import (
	"fmt"
	"strings"

	"github.com/labelcode/labelcode/codes"
)

// describe returns the mapping's String, or its type for a mapping
// without one.
func describe(m codes.Mapping) string {
	if s, ok := m.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%T: %d classes, %d sites", m, m.Classes(), m.Sites())
}

// String describes the ensemble: its mapping, how many sites are fitted and
// their weights, then one line per site with its learner (its String, or
// its type) or "missing".
func (e *Ensemble) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Label Mapping ensemble over %s; %d of %d sites fitted, %d params", describe(e.m), e.Fitted(), e.Sites(), e.Params())
	for i, l := range e.sites {
		var s string
		switch v := l.(type) {
		case nil:
			s = "missing"
		case fmt.Stringer:
			s = v.String()
		default:
			s = fmt.Sprintf("%T", l)
		}
		fmt.Fprintf(&b, "\n  site %d (%d symbols): %s", i, e.m.SiteClasses(i), s)
	}
	return b.String()
}
