package main

import (
	"math"

	"github.com/labelcode/labelcode"
)

// The benchmark's shapes (issue 8): 1024 inputs, a 512-wide ReLU layer,
// 20,000 classes; Label Mapping with three prime-residue heads of about 150;
// DSNC with a 64-bit code.
const (
	features = 1024
	hidden   = 512
	classes  = 20000
	bits     = 64
)

var primes = []int{149, 151, 157} // 149·151·157 >= 20,000

// hash32 is the "lowbias32" integer hash; torch_bench.py computes it on
// numpy uint32 arrays, whose multiplications wrap modulo 2^32 as Go's do.
func hash32(v uint32) uint32 {
	v ^= v >> 16
	v *= 0x7feb352d
	v ^= v >> 15
	v *= 0x846ca68b
	v ^= v >> 16
	return v
}

// unit maps a hash to [-1, 1): (h>>8)·2^-23 - 1, exact in float32.
func unit(h uint32) float32 { return float32(h>>8)*(1.0/(1<<23)) - 1 }

// makeData generates the benchmark's data set, the same bit for bit as
// torch_bench.py's make_data: label y_r = hash(r + 0x12345) mod K, features
// x_rj = proto(y_r, j) + 0.5·noise(r, j) with proto(c, j) = unit(hash(c·F +
// j)) and noise(r, j) = unit(hash(r·F + j + 2^30)).
func makeData(rows int) (*labelcode.Dataset, error) {
	x := make([]float32, rows*features)
	y := make([]int, rows)
	for r := range y {
		c := hash32(uint32(r)+0x12345) % classes
		y[r] = int(c)
		row := x[r*features : (r+1)*features]
		for j := range row {
			proto := unit(hash32(c*features + uint32(j)))
			noise := unit(hash32(uint32(r)*features + uint32(j) + 1<<30))
			row[j] = proto + 0.5*noise
		}
	}
	return labelcode.NewDataset(x, y, features, classes)
}

// checksum returns the sum of the features' float32 bit patterns and the
// sum of the labels, as torch_bench.py's checksum does.
func checksum(d *labelcode.Dataset) (sx, sy uint64) {
	for _, v := range d.X {
		sx += uint64(math.Float32bits(v))
	}
	for _, c := range d.Y {
		sy += uint64(c)
	}
	return sx, sy
}
