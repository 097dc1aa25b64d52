package glyphs

import "fmt"

// Set holds the rendered glyphs of one face: Len() images of Size x Size
// pixels with their labels.
type Set struct {
	// Face is the face the images were rendered from.
	Face Face
	// Size is the image side in pixels.
	Size int
	// Labels holds each image's class, its code point minus First, in
	// increasing order.
	Labels []int
	// Pix holds the images one after another, row-major, top row first,
	// as 8-bit coverage: 0 is background, 255 full ink. Image i is
	// Pix[i*Size*Size : (i+1)*Size*Size]. The Image, Batch and Float32
	// methods scale it to float32 in [0,1].
	Pix []uint8

	// stamp identifies the font file and rendering the set came from, so
	// that a cache file made from another version of either is rebuilt.
	stamp stamp
}

// stamp identifies a font file and the rendering code.
type stamp struct {
	fontSize    int64
	fontModTime int64 // Unix nanoseconds
	render      uint32
}

// Len returns the number of images.
func (s *Set) Len() int { return len(s.Labels) }

// Dim returns the number of pixels of one image, Size*Size.
func (s *Set) Dim() int { return s.Size * s.Size }

// Image writes image i into dst as float32 in [0,1] and returns it; dst is
// grown if its capacity is below Dim(), so a large enough dst is not
// reallocated. It panics if i is out of range.
func (s *Set) Image(i int, dst []float32) []float32 {
	d := s.Dim()
	if cap(dst) < d {
		dst = make([]float32, d)
	}
	dst = dst[:d]
	toFloat32(dst, s.Pix[i*d:(i+1)*d])
	return dst
}

// Batch writes the images idx[0], idx[1], ... one after another into dst as
// float32 in [0,1] (a len(idx) x Dim() row-major matrix) and the matching
// labels into labels, and returns both. Each slice is grown if its capacity
// is too small, so large enough slices are not reallocated. It panics if an
// index is out of range.
func (s *Set) Batch(idx []int, dst []float32, labels []int) ([]float32, []int) {
	d := s.Dim()
	if cap(dst) < len(idx)*d {
		dst = make([]float32, len(idx)*d)
	}
	dst = dst[:len(idx)*d]
	if cap(labels) < len(idx) {
		labels = make([]int, len(idx))
	}
	labels = labels[:len(idx)]
	for k, i := range idx {
		if i < 0 || i >= len(s.Labels) {
			panic(fmt.Sprintf("glyphs: Batch index %d out of range [0, %d)", i, len(s.Labels)))
		}
		toFloat32(dst[k*d:(k+1)*d], s.Pix[i*d:(i+1)*d])
		labels[k] = s.Labels[i]
	}
	return dst, labels
}

// Float32 returns all images as one Len() x Dim() row-major matrix of
// float32 in [0,1], written into dst (grown if too small). At 32x32 this is
// 85.6 MB for the 20,902 glyphs of one face.
func (s *Set) Float32(dst []float32) []float32 {
	if cap(dst) < len(s.Pix) {
		dst = make([]float32, len(s.Pix))
	}
	dst = dst[:len(s.Pix)]
	toFloat32(dst, s.Pix)
	return dst
}

func toFloat32(dst []float32, src []uint8) {
	for i, v := range src {
		dst[i] = float32(v) / 255
	}
}
