//go:build nocuda

package cuda

// Available reports whether this build can use a GPU.
func Available() bool { return false }

// Register does nothing in a build without CUDA: the CPU backend stays.
func Register() error { return ErrUnavailable }
