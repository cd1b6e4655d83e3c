package votesio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// npyHeaderInfo is the parsed header of a .npy file.
type npyHeaderInfo struct {
	descr   string
	fortran bool
	shape   []int
	size    int64 // bytes of the header, magic and length included
}

// maxElements bounds the number of values a header may declare (2^50, a
// petabyte of int8), so that sizes computed from it never overflow.
const maxElements = 1 << 50

// elements returns the number of values the shape declares: the product
// of its dimensions, an error when it passes maxElements (instead of
// overflowing).
func (h npyHeaderInfo) elements() (int, error) {
	n := 1
	for _, d := range h.shape {
		if d != 0 && n > maxElements/d {
			return 0, fmt.Errorf("shape %v declares more than 2^50 values", h.shape)
		}
		n *= d
	}
	return n, nil
}

// checkData reports a file whose data is shorter than its header declares
// (dataBytes is what the file holds after the header, -1 when unknown), so
// that nothing is sized from a header the file does not back, and a file
// with bytes after its data (NumPy never writes any: a damaged or
// concatenated file, whose rows would otherwise be dropped silently).
func (h npyHeaderInfo) checkData(elemSize int, dataBytes int64) error {
	n, err := h.elements()
	if err != nil {
		return err
	}
	if dataBytes >= 0 && int64(n)*int64(elemSize) > dataBytes {
		return fmt.Errorf("header declares shape %v of %s (%d bytes of data) but the file holds %d bytes after the header (the file is truncated)",
			h.shape, h.descr, int64(n)*int64(elemSize), dataBytes)
	}
	if dataBytes >= 0 && int64(n)*int64(elemSize) < dataBytes {
		return fmt.Errorf("header declares shape %v of %s (%d bytes of data) but the file holds %d bytes after the header: %d bytes more than the shape accounts for",
			h.shape, h.descr, int64(n)*int64(elemSize), dataBytes, dataBytes-int64(n)*int64(elemSize))
	}
	return nil
}

// maxHeader bounds the header length a file may claim (NumPy writes a few
// hundred bytes), so a corrupted length cannot make us allocate gigabytes.
const maxHeader = 1 << 16

// npyMagic starts every .npy file.
const npyMagic = "\x93NUMPY"

// readNpyHeader reads and parses a .npy header (format versions 1 to 3),
// leaving r at the start of the data. squid parses the header itself
// rather than through npyio because it streams the data that follows, and
// because a truncated or malformed header must be an error, never a panic
// (npyio v0.14.0 slices without bounds checks; found by FuzzReadMatrix).
func readNpyHeader(r io.Reader) (npyHeaderInfo, error) {
	var h npyHeaderInfo
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return h, fmt.Errorf("file is too short for a .npy header: %w", unexpected(err))
	}
	if string(pre[:6]) != npyMagic {
		return h, errors.New("bad magic (not a .npy file)")
	}
	var n int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return h, fmt.Errorf("truncated header length: %w", unexpected(err))
		}
		n = int(binary.LittleEndian.Uint16(b[:]))
		h.size = 10
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return h, fmt.Errorf("truncated header length: %w", unexpected(err))
		}
		n = int(binary.LittleEndian.Uint32(b[:]))
		h.size = 12
	default:
		return h, fmt.Errorf("unsupported format version %d.%d", pre[6], pre[7])
	}
	if n > maxHeader {
		return h, fmt.Errorf("header length %d is implausible", n)
	}
	h.size += int64(n)
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return h, fmt.Errorf("truncated header: %w", unexpected(err))
	}
	dict := strings.TrimSpace(string(buf))
	if !strings.HasPrefix(dict, "{") || !strings.HasSuffix(dict, "}") {
		return h, errors.New("header is not a dictionary")
	}
	dict = dict[1 : len(dict)-1]
	var seen int
	for _, key := range []string{"descr", "fortran_order", "shape"} {
		val, ok := dictValue(dict, key)
		if !ok {
			return h, fmt.Errorf("header lacks %q", key)
		}
		seen++
		switch key {
		case "descr":
			if len(val) < 2 || (val[0] != '\'' && val[0] != '"') || val[len(val)-1] != val[0] {
				return h, fmt.Errorf("descr %s is not a type string", val)
			}
			h.descr = val[1 : len(val)-1]
		case "fortran_order":
			switch val {
			case "True":
				h.fortran = true
			case "False":
			default:
				return h, fmt.Errorf("fortran_order is %s", val)
			}
		case "shape":
			if len(val) < 2 || val[0] != '(' || val[len(val)-1] != ')' {
				return h, fmt.Errorf("shape %s is not a tuple", val)
			}
			for _, f := range strings.Split(val[1:len(val)-1], ",") {
				f = strings.TrimSpace(f)
				if f == "" {
					continue
				}
				d, err := strconv.Atoi(strings.TrimSuffix(f, "L"))
				if err != nil || d < 0 {
					return h, fmt.Errorf("shape %s has a bad dimension %q", val, f)
				}
				if d > 1<<40 {
					return h, fmt.Errorf("shape %s declares a dimension of %d, more than this reader's limit of 2^40", val, d)
				}
				h.shape = append(h.shape, d)
			}
		}
	}
	return h, nil
}

// dictValue returns the text of key's value in a Python dict literal body
// (values here never hold a top-level comma, except tuples in parentheses).
func dictValue(dict, key string) (string, bool) {
	for _, q := range []string{"'", `"`} {
		i := strings.Index(dict, q+key+q)
		if i < 0 {
			continue
		}
		rest := strings.TrimSpace(dict[i+len(key)+2:])
		if !strings.HasPrefix(rest, ":") {
			return "", false
		}
		rest = strings.TrimSpace(rest[1:])
		depth, end := 0, len(rest)
		for k, c := range rest {
			if c == '(' {
				depth++
			} else if c == ')' {
				depth--
			} else if c == ',' && depth == 0 {
				end = k
				break
			}
		}
		return strings.TrimSpace(rest[:end]), true
	}
	return "", false
}
