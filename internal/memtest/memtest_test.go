package memtest

import "testing"

var sink []byte

func TestAllocated(t *testing.T) {
	const n = 8 << 20
	got := Allocated(func() { sink = make([]byte, n) })
	if got < n || got > n+1<<20 {
		t.Errorf("Allocated(make 8 MiB) = %d bytes", got)
	}
	if got := Allocated(func() {}); got > 1<<16 {
		t.Errorf("Allocated(nothing) = %d bytes", got)
	}
}
