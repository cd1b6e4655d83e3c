package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// --help, -h and "help CMD" print usage to standard output and succeed;
// the top-level usage lists the commands first.
func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {}} {
		var out, errb bytes.Buffer
		if err := run(context.Background(), args, &out, &errb); err != nil || errb.Len() > 0 {
			t.Errorf("squid %v: %v, stderr %q", args, err, errb.String())
		}
		s := out.String()
		if c, v := strings.Index(s, "commands:"), strings.Index(s, "Votes and labels"); c < 0 || c > v {
			t.Errorf("squid %v: the commands do not come first:\n%s", args, s)
		}
	}
	for cmd := range commandHelp {
		for _, h := range [][]string{{cmd, "--help"}, {cmd, "-h"}, {"help", cmd}} {
			var out, errb bytes.Buffer
			err := run(context.Background(), h, &out, &errb)
			if err != nil || errb.Len() > 0 || !strings.HasPrefix(out.String(), "usage: squid "+cmd) || !strings.Contains(out.String(), "flags:") {
				t.Errorf("squid %v: %v, stdout %q, stderr %q", h, err, out.String(), errb.String())
			}
		}
	}
}

func TestFlagErrorsAreOneLine(t *testing.T) {
	for _, c := range []struct{ args, want string }{
		{"fit --votes L.npy", "fit: -o is required (see squid fit -h)"},
		{"predict -o x.npy --votes L.npy", "predict: --model is required"},
		{"fit --frobnicate", "fit: flag provided but not defined: -frobnicate (see squid fit -h)"},
		{"fit --votes L.npy -o m.json extra", `fit: unexpected argument "extra"`},
	} {
		_, err := squid(t, strings.Fields(c.args)...)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("squid %s: %v, want %q", c.args, err, c.want)
		}
	}
	var out bytes.Buffer
	run(context.Background(), []string{"predict", "-h"}, &out, &out)
	if i := strings.Index(out.String(), "-classes"); i < 0 || !strings.Contains(out.String()[i:i+120], "the model's") {
		t.Errorf("predict -h: --classes does not describe predict:\n%s", out.String())
	}
}
