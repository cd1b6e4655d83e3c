// Command kernelgen writes the files generated from kernels/squid.cu (see
// package kernelgen). Run it through `go generate ./kernels`; it takes the
// repository root as its only argument.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/squid-ws/squid/internal/kernelgen"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: kernelgen REPOSITORY-ROOT")
		os.Exit(2)
	}
	root := os.Args[1]
	src, err := kernelgen.ReadSource(filepath.Join(root, "kernels"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	files, err := kernelgen.Generate(src)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(root, f.Path), f.Data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "kernelgen:", err)
			os.Exit(1)
		}
	}
}
