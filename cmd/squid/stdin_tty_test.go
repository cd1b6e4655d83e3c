//go:build linux

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY returns the two ends of a new pseudo-terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	slave, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no /dev/pts here: %v", err)
	}
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

// --votes - on a terminal used to wait without a word; it now says what
// it waits for, and reads the rows typed.
func TestStdinTerminalSaysWhatItWaitsFor(t *testing.T) {
	master, slave := openPTY(t)
	dir := t.TempDir()
	model := filepath.Join(dir, "model.json")
	if out, err := squid(t, "fit", "--votes", filepath.Join(golden, "basics", "L_train.npy"), "-o", model); err != nil {
		t.Fatal(out, err)
	}
	saved := os.Stdin
	os.Stdin = slave
	defer func() { os.Stdin = saved }()
	// The rows typed, then Ctrl-D (the terminal's end of input).
	go func() {
		time.Sleep(50 * time.Millisecond)
		master.Write([]byte("1,0,-1,1,1\n\x04"))
	}()
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"predict", "--model", model, "--votes", "-", "-o", "-"}, &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	if !strings.Contains(errb.String(), "--votes - reads the terminal") {
		t.Errorf("stderr %q has no hint", errb.String())
	}
	if strings.Count(out.String(), "\n") != 2 {
		t.Errorf("predicted %q, want a header and one row", out.String())
	}
	// A pipe gets no hint.
	errb.Reset()
	withStdin(t, filepath.Join(golden, "basics", "L_train.npy"), func() {
		if err := run(context.Background(), []string{"fit", "--votes", "-", "-o", filepath.Join(dir, "m2.json")}, &out, &errb); err != nil {
			t.Fatal(err)
		}
	})
	if strings.Contains(errb.String(), "terminal") {
		t.Errorf("a file on standard input got the terminal hint: %q", errb.String())
	}
}
