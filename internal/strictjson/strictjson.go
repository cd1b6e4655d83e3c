// Package strictjson decodes the JSON documents users hand to squid (graph
// files, saved models) strictly: a key given twice in one object, a field
// the target does not have and data after the document are errors.
//
// encoding/json keeps the last of two equal keys without a word, so a
// graph file with two "lf_edges" lists would silently lose the first; here
// it is an error naming the key and its line. Keys that differ only in
// case ("lf_edges" and "LF_Edges") are the same key: encoding/json matches
// a struct field's name regardless of case, and keeps the last of them.
// (squid's documents decode objects into structs, never into maps keyed by
// the user's data, where two such keys would be distinct.)
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// ErrTrailingData is wrapped by Decode's error when the document is
// followed by more data.
var ErrTrailingData = errors.New("data after the JSON document")

// Decode decodes the single JSON value in b into v. Unknown fields,
// duplicate keys (in any object, at any depth) and trailing data are
// errors; a duplicate key's error names it and its line.
func Decode(b []byte, v any) error {
	if err := CheckDuplicateKeys(b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return ErrTrailingData
	}
	return nil
}

// DuplicateKeyError reports a key given twice in one JSON object.
type DuplicateKeyError struct {
	Key string // the key, as decoded
	// First is the key's first spelling when it differs from Key only in
	// case; "" when the two are equal.
	First string
	Path  string // the object holding it, e.g. "graph" or "marginals[2]"; "" for the top level
	Line  int    // 1-based line of the second occurrence
}

func (e *DuplicateKeyError) Error() string {
	where := ""
	if e.Path != "" {
		where = " in " + e.Path
	}
	if e.First != "" {
		return fmt.Sprintf("line %d: key %q given twice%s, first as %q (JSON field names match regardless of case and keep only the last, so the first would be lost silently)", e.Line, e.Key, where, e.First)
	}
	return fmt.Sprintf("line %d: key %q given twice%s (JSON keeps only the last, so the first would be lost silently)", e.Line, e.Key, where)
}

// CheckDuplicateKeys reports the first key given twice in one object of
// the JSON text b (regardless of case), as a *DuplicateKeyError.
// Malformed JSON is left to the decoder: CheckDuplicateKeys returns nil at
// the first syntax error.
func CheckDuplicateKeys(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		keys   map[string]string // folded key -> its first spelling; nil for an array
		path   string
		index  int  // next element index of an array
		expect bool // an object expects a key next
	}
	var stack []*frame
	// child returns the path of the value about to start in the top frame.
	child := func(key string) string {
		if len(stack) == 0 {
			return ""
		}
		top := stack[len(stack)-1]
		if top.keys == nil {
			return fmt.Sprintf("%s[%d]", top.path, top.index)
		}
		if top.path == "" {
			return key
		}
		return top.path + "." + key
	}
	lastKey := ""
	// value notes that a value ended in the top frame.
	value := func() {
		if len(stack) == 0 {
			return
		}
		top := stack[len(stack)-1]
		if top.keys == nil {
			top.index++
		} else {
			top.expect = true
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // io.EOF, or a syntax error the decoder reports
		}
		if len(stack) > 0 {
			top := stack[len(stack)-1]
			if top.keys != nil && top.expect {
				if key, ok := tok.(string); ok {
					folded := fold(key)
					if first, seen := top.keys[folded]; seen {
						dup := &DuplicateKeyError{Key: key, Path: top.path, Line: lineAt(b, dec.InputOffset())}
						if first != key {
							dup.First = first
						}
						return dup
					}
					top.keys[folded] = key
					top.expect = false
					lastKey = key
					continue
				}
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{keys: map[string]string{}, path: child(lastKey), expect: true})
		case json.Delim('['):
			stack = append(stack, &frame{path: child(lastKey)})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			value()
		default:
			value()
		}
	}
}

// fold maps keys that encoding/json takes for the same field name to one
// string: letters to lower case through upper case, so that the long s
// and the Kelvin sign, which encoding/json folds to s and k, fold there too.
func fold(key string) string {
	return strings.Map(func(r rune) rune { return unicode.ToLower(unicode.ToUpper(r)) }, key)
}

// lineAt returns the 1-based line of byte offset off in b.
func lineAt(b []byte, off int64) int {
	return 1 + bytes.Count(b[:min(int(off), len(b))], []byte{'\n'})
}
