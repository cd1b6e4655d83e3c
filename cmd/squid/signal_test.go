//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the signal test run this test binary as the squid command.
func TestMain(m *testing.M) {
	if os.Getenv("SQUID_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// A predict stopped by SIGINT or SIGTERM in the middle of its input, even
// while it waits on a pipe, removes its temporary file and writes no
// output (it left a .tmp file before).
func TestSignalRemovesTemporaryFile(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			model := fitGolden(t, dir)
			votes := filepath.Join(dir, "votes.csv")
			if err := syscall.Mkfifo(votes, 0o600); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "p.npy")
			cmd := exec.Command(os.Args[0], "predict", "--model", model, "--votes", votes, "--chunk", "1", "-o", out)
			cmd.Env = append(os.Environ(), "SQUID_TEST_RUN_MAIN=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			w, err := os.OpenFile(votes, os.O_WRONLY, 0) // waits for predict to open it
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			row := []byte("1,0,-1,1,1\n")
			w.Write(row)
			// Wait until predict has created its temporary output.
			deadline := time.Now().Add(30 * time.Second)
			for {
				tmps, _ := filepath.Glob(filepath.Join(dir, ".p.npy.tmp*"))
				if len(tmps) > 0 {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("no temporary file appeared; stderr: %s", stderr.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			// predict now waits for more rows, which never come: the signal
			// must end that read, not wait for the next chunk.
			signalStops(t, cmd, sig, done, &stderr, dir)
		})
	}
}

// A signal stops a command whose --votes - waits on a stalled standard
// input, before its first byte (the open) or after some rows (a chunk),
// or whose --dev-labels - does, and leaves no temporary file. Before,
// closing the source did not end a read of the (blocking) standard input,
// and nothing ended the open or the labels' read: the command went on
// waiting for data that never came.
func TestSignalStopsStalledStdin(t *testing.T) {
	votes := filepath.Join(golden, "basics", "L_train.npy")
	for _, tc := range []struct {
		name string
		data string // written to standard input, which then stays open
		args []string
	}{
		{"before the first byte", "", []string{"predict", "--votes", "-", "--chunk", "1"}},
		{"after a row", "1,0,-1,1,1\n", []string{"predict", "--votes", "-", "--chunk", "1"}},
		{"dev labels", "1\n", []string{"score", "--votes", votes, "--dev-labels", "-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			doc, err := os.ReadFile(fitGolden(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			// The model comes through a FIFO: once the command has opened
			// it, its signal handler is in place (a signal before would
			// kill it, as the CUDA build's slower start-up showed).
			model := filepath.Join(dir, "model.fifo.json")
			if err := syscall.Mkfifo(model, 0o600); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "p.npy")
			args := append(tc.args, "--model", model)
			if tc.args[0] == "predict" {
				args = append(args, "-o", out)
			}
			cmd := exec.Command(os.Args[0], args...)
			cmd.Env = append(os.Environ(), "SQUID_TEST_RUN_MAIN=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			w, err := os.OpenFile(model, os.O_WRONLY, 0) // waits for the command to open it
			if err != nil {
				t.Fatal(err)
			}
			w.Write(doc)
			w.Close()
			stdin.Write([]byte(tc.data))
			if tc.name == "after a row" {
				// Wait until predict has read the row and created its output.
				deadline := time.Now().Add(30 * time.Second)
				for tmps, _ := filepath.Glob(filepath.Join(dir, ".p.npy.tmp*")); len(tmps) == 0; tmps, _ = filepath.Glob(filepath.Join(dir, ".p.npy.tmp*")) {
					if time.Now().After(deadline) {
						cmd.Process.Kill()
						t.Fatalf("no temporary file appeared; stderr: %s", stderr.String())
					}
					time.Sleep(5 * time.Millisecond)
				}
			} else {
				time.Sleep(100 * time.Millisecond) // let the command wait for input
			}
			signalStops(t, cmd, syscall.SIGINT, done, &stderr, dir)
		})
	}
}

// signalStops sends sig to the running command (done gets its Wait) and
// checks that it stops, saying it was interrupted, and leaves no p.npy
// or temporary file of it in dir.
func signalStops(t *testing.T, cmd *exec.Cmd, sig syscall.Signal, done <-chan error, stderr *bytes.Buffer, dir string) {
	t.Helper()
	cmd.Process.Signal(sig)
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the command did not stop after the signal")
	}
	if err == nil || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("exit %v, stderr %q: want a failure saying interrupted", err, stderr.String())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*p.npy*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
