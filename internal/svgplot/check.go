package svgplot

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Texts checks that svg is a picture a renderer can draw — well-formed XML
// with an <svg> root and no non-finite number — and returns the contents
// of its <text> elements, in order. The tests of every package that draws
// with this one use it.
func Texts(svg string) ([]string, error) {
	d := xml.NewDecoder(strings.NewReader(svg))
	var texts []string
	inText, root := false, ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("svgplot: not well-formed XML: %w", err)
		}
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
	if root != "svg" {
		return nil, fmt.Errorf("svgplot: root element %q, want svg", root)
	}
	if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
		return nil, errors.New("svgplot: a non-finite number in the picture")
	}
	return texts, nil
}
