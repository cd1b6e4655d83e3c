package labelmodel

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// checkNames validates LFNames: none, or one distinct non-empty name per
// LF, in UTF-8 without control characters (newline, tab...).
func (s Spec) checkNames() error {
	if len(s.LFNames) == 0 {
		return nil
	}
	if len(s.LFNames) != s.M {
		return specError("lf_names has %d names for m = %d LFs", len(s.LFNames), s.M)
	}
	seen := map[string]int{}
	for i, n := range s.LFNames {
		if strings.TrimSpace(n) == "" {
			return specError("lf_names[%d] is empty", i)
		}
		if !utf8.ValidString(n) {
			return specError("lf_names[%d] = %q is not valid UTF-8", i, n)
		}
		if k := strings.IndexFunc(n, unicode.IsControl); k >= 0 {
			return specError("lf_names[%d] = %q has a control character (%U) at byte %d: names appear in one-line messages and CSV headers", i, n, []rune(n[k:])[0], k)
		}
		if j, dup := seen[n]; dup {
			return specError("lf_names[%d] and lf_names[%d] are both %q", j, i, n)
		}
		seen[n] = i
	}
	return nil
}

// LF describes LF i for messages: "LF 3", or `LF 3 "has_keyword"` when the
// Spec names its LFs.
func (s Spec) LF(i int) string {
	if i >= 0 && i < len(s.LFNames) {
		return "LF " + strconv.Itoa(i) + " " + strconv.Quote(s.LFNames[i])
	}
	return "LF " + strconv.Itoa(i)
}

// lfList describes a list of LFs: "LF 3", "LFs 0 and 2", "LFs 0, 2 and 5"
// (with their names when the Spec has them).
func (s Spec) lfList(lfs []int) string {
	if len(lfs) == 1 {
		return s.LF(lfs[0])
	}
	parts := make([]string, len(lfs))
	for k, i := range lfs {
		parts[k] = strings.TrimPrefix(s.LF(i), "LF ")
	}
	last := len(parts) - 1
	return "LFs " + strings.Join(parts[:last], ", ") + " and " + parts[last]
}

// sentence describes the expectation e in words: "the accuracy of LF 1
// on Y_0", "the joint moment of LFs 0 and 1 with Y_0 where LF 4 abstains".
func (m *Model) sentence(e expectation) string {
	var b strings.Builder
	if len(e.lfs) == 1 {
		fmt.Fprintf(&b, "the accuracy of %s on Y_%d", m.spec.LF(e.lfs[0]), e.t)
	} else {
		fmt.Fprintf(&b, "the joint moment of %s with Y_%d", m.spec.lfList(e.lfs), e.t)
	}
	if len(e.cond) == 1 {
		fmt.Fprintf(&b, " where %s abstains", m.spec.LF(e.cond[0]))
	} else if len(e.cond) > 1 {
		fmt.Fprintf(&b, " where %s abstain", m.spec.lfList(e.cond))
	}
	return b.String()
}

// cliqueWords describes the marginal of c in words: "the marginal of LFs
// 0 and 1 with Y_0".
func (m *Model) cliqueWords(c estClique) string {
	return fmt.Sprintf("the marginal of %s with Y_%d", m.spec.lfList(c.lfs), c.t)
}
