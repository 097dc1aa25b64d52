package labelcode_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/internal/svgplot"
)

// svgTexts checks that svg is a drawable picture (svgplot.Texts) and
// returns the texts of its <text> elements.
func svgTexts(t *testing.T, svg string) []string {
	t.Helper()
	texts, err := svgplot.Texts(svg)
	require.NoError(t, err, svg)
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
