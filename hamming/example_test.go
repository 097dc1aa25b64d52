package hamming_test

import (
	"fmt"

	"github.com/labelcode/labelcode/hamming"
)

func ExampleLinear_Search() {
	idx := hamming.NewLinear(8)
	for _, c := range []uint64{0b0000_1111, 0b1111_0000, 0b0000_0111, 0b0011_1111} {
		idx.Add([]uint64{c})
	}
	var dst []hamming.Neighbor
	dst = idx.Search([]uint64{0b0001_0111}, 3, dst) // ties go by ID
	for _, nb := range dst {
		fmt.Printf("code %d at distance %d\n", nb.ID, nb.Distance)
	}
	// Output:
	// code 2 at distance 1
	// code 0 at distance 2
	// code 3 at distance 2
}

func ExampleMultiIndex_Search() {
	// 100-bit codes: bit i is bit i%64 of word i/64.
	idx, err := hamming.NewMultiIndex(100, 0) // 0: pick the number of substrings
	if err != nil {
		panic(err)
	}
	for i := range uint64(1000) {
		idx.Add([]uint64{i * 0x9E3779B97F4A7C15, i % 7 << 30})
	}
	q := idx.Code(123, nil)
	q[0] ^= 1 << 5 // flip bits 5 and 70
	q[1] ^= 1 << 6
	fmt.Println(idx.Search(q, 2, nil)[0])
	fmt.Println(idx.SearchRadius(q, 2, nil))
	// Output:
	// {123 2}
	// [{123 2}]
}

func ExampleTable_Lookup() {
	// DSNC's constant-time decoder: every 4-bit code is mapped ahead of
	// time to the training code nearest to it.
	tb, err := hamming.NewTable(4)
	if err != nil {
		panic(err)
	}
	class := []string{"cat", "dog", "bird"}
	tb.Add([]uint64{0b0000}) // ID 0: cat
	tb.Add([]uint64{0b0111}) // ID 1: dog
	tb.Add([]uint64{0b1100}) // ID 2: bird
	for _, code := range []uint64{0b0001, 0b0110, 0b1111, 0b1000} {
		id, d := tb.Lookup(code)
		fmt.Printf("%04b -> %s (distance %d)\n", code, class[id], d)
	}
	// Output:
	// 0001 -> cat (distance 1)
	// 0110 -> dog (distance 1)
	// 1111 -> dog (distance 1)
	// 1000 -> cat (distance 1)
}

func ExampleSearchBatch() {
	idx := hamming.NewLinear(16)
	idx.AddPacked([]uint64{0x00ff, 0xff00, 0x0f0f})
	queries := []uint64{0x00fe, 0xf000, 0x0f0f} // packed, one word each
	res := hamming.SearchBatch(idx, queries, 1, 0, nil)
	for i := range 3 {
		fmt.Println(i, res[i:i+1])
	}
	// Output:
	// 0 [{0 1}]
	// 1 [{1 4}]
	// 2 [{2 0}]
}
