//go:build !nocuda

package main

import (
	"fmt"
	"os"

	"github.com/squid-ws/squid/cuda"
)

// cudaBuild: this is the CUDA build (squid version says so).
const cudaBuild = true

// In the CUDA build the GPU becomes labelmodel's backend; each call still
// falls back to the CPU when the GPU does not pay or fails.
func init() {
	if err := cuda.Register(); err != nil {
		fmt.Fprintln(os.Stderr, "squid: no GPU backend, using the CPU:", err)
	}
}
