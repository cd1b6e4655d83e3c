package kernels

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/squid-ws/squid/internal/kernelgen"
)

// The embedded PTX holds exactly the kernels of squid.cu, each with as many
// 8-byte parameters as its signature: a PTX older than the source (a
// kernel added, a parameter added) fails here, not on the GPU.
func TestPTXMatchesSource(t *testing.T) {
	src, err := kernelgen.ReadSource(".")
	if err != nil {
		t.Fatal(err)
	}
	ks, err := kernelgen.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	entry := regexp.MustCompile(`\.entry (\w+)\(([^)]*)\)`)
	ptx := map[string]int{}
	for _, m := range entry.FindAllStringSubmatch(PTX, -1) {
		ptx[m[1]] = strings.Count(m[2], ".param .u64") + strings.Count(m[2], ".param .f64")
		if strings.Count(m[2], ".param") != ptx[m[1]] {
			t.Errorf("PTX kernel %s has a parameter that is not 8 bytes wide", m[1])
		}
	}
	if len(ptx) != len(ks) || len(All) != len(ks) {
		t.Errorf("squid.cu has %d kernels, the PTX %d, kernels.All %d: run go generate ./kernels", len(ks), len(ptx), len(All))
	}
	for i, k := range ks {
		if n, ok := ptx[k.Name]; !ok || n != len(k.Params) {
			t.Errorf("kernel %s: %d parameters in squid.cu, %d in the PTX (present: %v): run go generate ./kernels", k.Name, len(k.Params), n, ok)
		}
		if i < len(All) && All[i] != k.Name {
			t.Errorf("kernels.All[%d] = %s, squid.cu has %s", i, All[i], k.Name)
		}
	}
	if !strings.Contains(PTX, ".target sm_90") {
		t.Error("PTX does not target sm_90")
	}
}

// The files generated from squid.cu's signatures are current.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	src, err := kernelgen.ReadSource(".")
	if err != nil {
		t.Fatal(err)
	}
	files, err := kernelgen.Generate(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		have, err := os.ReadFile(filepath.Join("..", f.Path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(have, f.Data) {
			t.Errorf("%s is stale: run go generate ./kernels", f.Path)
		}
	}
}

// The Go constants describing the counting kernels equal squid.cu's
// #defines, so package cuda's launch shapes fit the kernels' shared memory.
func TestConstantsMatchSource(t *testing.T) {
	src, err := kernelgen.ReadSource(".")
	if err != nil {
		t.Fatal(err)
	}
	def := regexp.MustCompile(`(?m)^#define (\w+) (\d+)$`)
	defs := map[string]string{}
	for _, m := range def.FindAllStringSubmatch(src, -1) {
		defs[m[1]] = m[2]
	}
	for name, want := range map[string]int{"TILE": Tile, "PACK_THREADS": PackThreads, "PACK_TILE_WORDS": PackTileBytes / 4, "PACK_MAX_LFS": PackMaxLFs,
		"MMA_THREADS": MMAThreads, "MMA_LFS": MMALFs, "MMA_ROWS": MMARows, "TRIPLET_THREADS": TripletThreads} {
		if got := defs[name]; got != strconv.Itoa(want) {
			t.Errorf("squid.cu #define %s %q, package kernels says %d", name, got, want)
		}
	}
}
