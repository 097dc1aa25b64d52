package labelcode_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode"
)

// svgTexts checks that svg is well-formed XML with an <svg> root and no
// non-finite number, and returns the texts of its <text> elements.
func svgTexts(t *testing.T, svg string) []string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var texts []string
	inText, root := false, ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, svg)
		switch e := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = e.Name.Local
			}
			if inText = e.Name.Local == "text"; inText {
				texts = append(texts, "")
			}
		case xml.CharData:
			if inText {
				texts[len(texts)-1] += string(e)
			}
		case xml.EndElement:
			inText = false
		}
	}
	require.Equal(t, "svg", root)
	require.NotContains(t, svg, "NaN")
	require.NotContains(t, svg, "Inf")
	return texts
}

func TestResultsSVG(t *testing.T) {
	rs := labelcode.Results{
		{Model: "shared-trunk LM", TestAcc: 0.87, Latency: 2 * time.Microsecond},
		{Model: "DSNC <16 bits> & co", TestAcc: 0.74, Latency: 1200 * time.Nanosecond},
		{Model: "one-hot", TestAcc: 0.91, Latency: 85 * time.Microsecond},
		{Model: "untested", TestAcc: math.NaN(), Latency: time.Microsecond},
		{Model: "no latency", TestAcc: 0.5},
	}
	texts := svgTexts(t, rs.SVG())
	for _, want := range []string{"test accuracy against latency", "test accuracy", "latency per example (log scale)",
		"shared-trunk LM", "DSNC <16 bits> & co", "one-hot", "not measured: untested, no latency", "1µs", "10µs", "100µs"} {
		require.Contains(t, texts, want)
	}
}

func TestResultsSVGDegenerate(t *testing.T) {
	for name, rs := range map[string]labelcode.Results{
		"nil":        nil,
		"one":        {{Model: "m", TestAcc: 0.5, Latency: time.Millisecond}},
		"unnamed":    {{TestAcc: 0.5, Latency: time.Second}, {TestAcc: 0.5, Latency: time.Second}},
		"unmeasured": {{Model: "m", TestAcc: math.NaN()}},
		"infinite":   {{Model: "m", TestAcc: math.Inf(1), Latency: time.Nanosecond}, {Model: "n", TestAcc: 1, Latency: -time.Second}},
	} {
		t.Run(name, func(t *testing.T) {
			texts := svgTexts(t, rs.SVG())
			require.Contains(t, texts, "test accuracy")
		})
	}
	require.Contains(t, svgTexts(t, labelcode.Results{{TestAcc: 0.5, Latency: time.Second}}.SVG()), "row 1")
	require.Contains(t, svgTexts(t, labelcode.Results(nil).SVG()), "no data")
}

// A results table draws the accuracy–latency trade-off of its models; in
// gophernotes, display.SVG(results.SVG()) shows it (a Results is shown as
// its Markdown table), and a program writes it to a file.
func ExampleResults_SVG() {
	results := labelcode.Results{
		{Model: "shared-trunk LM", TestAcc: 0.87, Latency: 2 * time.Microsecond},
		{Model: "DSNC, 16 bits", TestAcc: 0.74, Latency: 1200 * time.Nanosecond},
	}
	svg := results.SVG() // e.g. os.WriteFile("tradeoff.svg", []byte(svg), 0o644)
	fmt.Println(strings.Contains(svg, ">shared-trunk LM</text>"), strings.Contains(svg, ">DSNC, 16 bits</text>"))
	// Output: true true
}
