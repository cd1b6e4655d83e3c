package kernelgen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	ks, err := Parse(`extern "C" __global__ void squid_fused_bce_f32(const signed char* votes, i64 n,
		double pw, float* grad) {}
		__device__ void helper(int x) {}
		extern "C" __global__ void squid_posterior_logodds(u64* out) {}
		extern "C" __global__ void __launch_bounds__(TRIPLET_THREADS, 4) squid_triplet_median(double* m) {}`)
	if err != nil {
		t.Fatal(err)
	}
	if len(ks) != 3 || ks[0].GoName() != "FusedBCEF32" || ks[1].GoName() != "PosteriorLogOdds" || ks[2].GoName() != "TripletMedian" || len(ks[2].Params) != 1 {
		t.Fatalf("kernels %+v", ks)
	}
	want := []Param{{"votes", "const signed char*", true}, {"n", "i64", false}, {"pw", "double", false}, {"grad", "float*", true}}
	for i, p := range ks[0].Params {
		if p != want[i] {
			t.Errorf("param %d = %+v, want %+v", i, p, want[i])
		}
	}
	cpp := string(StandIn(ks))
	if !strings.Contains(cpp, `{"squid_fused_bce_f32", "pssp", launch_squid_fused_bce_f32}`) ||
		!strings.Contains(cpp, "arg<const signed char*>(a[0]), arg<i64>(a[1]), arg<double>(a[2]), arg<float*>(a[3])") {
		t.Errorf("stand-in table:\n%s", cpp)
	}
}

// Narrow scalars are refused: gorgonia/cu passes every argument as 8 bytes.
func TestParseRefusesNarrowScalars(t *testing.T) {
	for _, src := range []string{
		`extern "C" __global__ void k(int n) {}`,
		`extern "C" __global__ void k(float x) {}`,
		`__global__ void notExported(double* p) {}`,
	} {
		if _, err := Parse(src); err == nil {
			t.Errorf("Parse accepted %q", src)
		}
	}
}

// A kernel with launch bounds in a header that squid.cu includes is found.
func TestReadSourceFollowsHeaders(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("squid.cu", "extern \"C\" __global__ void squid_a(i64 n) {}\n#include \"b.cuh\"\n#include <cstdio>\n")
	write("b.cuh", "extern \"C\" __global__ void __launch_bounds__(512, 1) squid_b(u64* out, i64 n) {}\n")
	src, err := ReadSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	ks, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(ks) != 2 || ks[1].Name != "squid_b" || len(ks[1].Params) != 2 {
		t.Fatalf("kernels %+v", ks)
	}
	write("squid.cu", "#include \"missing.cuh\"\n")
	if _, err := ReadSource(dir); err == nil || !strings.Contains(err.Error(), "missing.cuh") {
		t.Errorf("a missing header: %v", err)
	}
}
