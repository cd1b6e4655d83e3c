// Package strictjson decodes the JSON documents users hand to squid (graph
// files, saved models) strictly: a key given twice in one object, a field
// the target does not have and data after the document are errors.
//
// encoding/json keeps the last of two equal keys without a word, so a
// graph file with two "lf_edges" lists would silently lose the first; here
// it is an error naming the key and its line.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	Key  string // the key, as decoded
	Path string // the object holding it, e.g. "graph" or "marginals[2]"; "" for the top level
	Line int    // 1-based line of the second occurrence
}

func (e *DuplicateKeyError) Error() string {
	where := ""
	if e.Path != "" {
		where = " in " + e.Path
	}
	return fmt.Sprintf("line %d: key %q given twice%s (JSON keeps only the last, so the first would be lost silently)", e.Line, e.Key, where)
}

// CheckDuplicateKeys reports the first key given twice in one object of
// the JSON text b, as a *DuplicateKeyError. Malformed JSON is left to the
// decoder: CheckDuplicateKeys returns nil at the first syntax error.
func CheckDuplicateKeys(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		keys   map[string]bool // nil for an array
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
					if top.keys[key] {
						return &DuplicateKeyError{Key: key, Path: top.path, Line: lineAt(b, dec.InputOffset())}
					}
					top.keys[key] = true
					top.expect = false
					lastKey = key
					continue
				}
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{keys: map[string]bool{}, path: child(lastKey), expect: true})
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

// lineAt returns the 1-based line of byte offset off in b.
func lineAt(b []byte, off int64) int {
	return 1 + bytes.Count(b[:min(int(off), len(b))], []byte{'\n'})
}
