package testutil

import (
	"bytes"
	"encoding/json"
	"io"
	"runtime"
	"testing"
)

// Allocated returns the bytes f allocates, for tests that a bad input is
// rejected before memory is sized from it.
func Allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// SavedJSON returns the document save writes, decoded into a map that a
// test edits to damage it.
func SavedJSON(t testing.TB, save func(io.Writer) error) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if err := save(&buf); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}
