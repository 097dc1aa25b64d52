// Command servecheck loads a model file with package infer, the only
// package of this module it imports, and prints its description and the
// label of every row read from standard input (whitespace-separated
// numbers, Features per line; an empty input predicts one all-zero row).
// It exists so that CI can check that serving a model does not link
// gorgonia (infer/check_deps.sh) and measure the size of such a program.
//
//	go run ./infer/internal/servecheck model.file < rows.txt
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/labelcode/labelcode/infer"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: servecheck model-file < rows")
		os.Exit(2)
	}
	m, err := infer.Load(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(m)
	rows := 0
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(nil, 1<<26)
	x := make([]float32, m.Features())
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != len(x) {
			fmt.Fprintf(os.Stderr, "row %d: %d values, model has %d features\n", rows, len(fields), len(x))
			os.Exit(1)
		}
		for i, f := range fields {
			v, err := strconv.ParseFloat(f, 32)
			if err != nil {
				fmt.Fprintf(os.Stderr, "row %d: %v\n", rows, err)
				os.Exit(1)
			}
			x[i] = float32(v)
		}
		predict(m, x)
		rows++
	}
	if rows == 0 {
		clear(x)
		predict(m, x)
	}
}

func predict(m *infer.Model, x []float32) {
	y, err := m.Predict(x)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(y)
}
