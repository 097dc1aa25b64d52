//go:build race

package dsnc

const raceEnabled = true
