package glyphs_test

import (
	"context"
	"fmt"
	"log"

	"github.com/labelcode/labelcode/examples/internal/glyphs"
)

func ExampleFaces() {
	for _, f := range glyphs.Faces() {
		fmt.Printf("%-26s %s\n", f.Name, f.Package)
	}
	fmt.Println(glyphs.NumClasses, "classes")
	// Output:
	// Noto Sans CJK SC Regular   fonts-noto-cjk
	// Noto Sans CJK SC Bold      fonts-noto-cjk
	// Noto Serif CJK SC Regular  fonts-noto-cjk
	// Noto Serif CJK SC Bold     fonts-noto-cjk
	// WenQuanYi Zen Hei          fonts-wqy-zenhei
	// Droid Sans Fallback        fonts-droid-fallback
	// Hanazono Mincho A          fonts-hanazono
	// BabelStone Han             fonts-babelstone-han
	// 20902 classes
}

// ExampleBuild builds the data set (cached after the first run) and holds
// out one face for testing, as the Label Mapping paper does. It needs the
// fonts, so it is compiled but not run by go test.
func ExampleBuild() {
	sets, err := glyphs.Build(context.Background(), glyphs.Options{
		Progress: func(done, total int) { fmt.Printf("\r%d/%d glyphs", done, total) },
	})
	if err != nil {
		log.Fatal(err) // names the Debian packages to install if fonts are missing
	}
	train, test := sets[:7], sets[7]
	x, labels := test.Batch([]int{0, 1, 2}, nil, nil)
	fmt.Println(len(train), test.Face.Name, len(x), labels)
}
