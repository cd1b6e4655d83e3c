//go:build unix

package testutil

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// CharDevice returns a character device for tests that check an output is
// never replaced by a regular file. As root it is a private node (the
// numbers of /dev/null) in a temporary directory, so a regression destroys
// nothing shared; otherwise it is /dev/null, which a user cannot replace.
// It skips the test when root cannot make device nodes (a container
// without CAP_MKNOD).
func CharDevice(t testing.TB) string {
	t.Helper()
	if os.Geteuid() != 0 {
		return "/dev/null"
	}
	path := filepath.Join(t.TempDir(), "null")
	if err := unix.Mknod(path, unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
		t.Skipf("cannot make a device node as root: %v", err)
	}
	return path
}
