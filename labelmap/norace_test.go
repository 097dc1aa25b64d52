//go:build !race

package labelmap

const raceEnabled = false
