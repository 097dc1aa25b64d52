//go:build race

package labelmap

// raceEnabled: sync.Pool drops items at random under the race detector,
// so allocation counts are not checked then.
const raceEnabled = true
