// Command gen writes the sample data files of cmd/labelcode/testdata:
// Gaussian blobs (labelcode.NewBlobs) of 20 classes in 16 dimensions, a
// training file and a test file in LIBSVM format, values to 3 decimals.
//
//	go run ./cmd/labelcode/testdata/gen -dir cmd/labelcode/testdata
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"

	labelcode "github.com/labelcode/labelcode"
)

func main() {
	dir := flag.String("dir", ".", "output directory")
	flag.Parse()
	b, err := labelcode.NewBlobs(20, 16, 2026)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range []struct {
		name     string
		perClass int
	}{{"blobs-train.libsvm", 30}, {"blobs-test.libsvm", 10}} {
		d, err := b.Sample(f.perClass, 1.0)
		if err != nil {
			log.Fatal(err)
		}
		if err := write(filepath.Join(*dir, f.name), d); err != nil {
			log.Fatal(err)
		}
	}
}

func write(path string, d *labelcode.Dataset) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i := 0; i < d.Len(); i++ {
		w.WriteString(strconv.Itoa(d.Y[i]))
		for j, v := range d.Row(i) {
			fmt.Fprintf(w, " %d:%s", j+1, strconv.FormatFloat(float64(v), 'f', 3, 32))
		}
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
