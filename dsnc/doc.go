// Package dsnc is a placeholder being written.
package dsnc
