// Package testutil holds helpers shared by squid's tests: reading .npy
// golden files and comparing float slices.
package testutil

import (
	"math"
	"os"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"
)

// ReadNpy reads a 1-D .npy array of T, failing the test on error.
func ReadNpy[T any](t testing.TB, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	if err := npyio.Read(f, &out); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

// ReadFloats reads a 1-D or 2-D float64 .npy array as a flat slice.
func ReadFloats(t testing.TB, path string) []float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var m mat.Dense
	if err := npyio.Read(f, &m); err == nil {
		return m.RawMatrix().Data
	}
	return ReadNpy[float64](t, path)
}

// MaxAbsDiff returns the largest |a[i] - b[i]|, or +Inf when the lengths
// differ.
func MaxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var d float64
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}
