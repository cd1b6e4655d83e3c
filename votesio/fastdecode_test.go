package votesio

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"math/rand/v2"
	"testing"
)

// decodeConventions are the conventions the float64 fast path serves.
// Under all but the last, every accepted value is ±0 or ±1, so the fast
// path must accept exactly what the general one accepts; under the last
// (abstain 2) it must leave the value 2 to the general path.
var decodeConventions = []Convention{{Abstain: 0}, {Abstain: -1}, {Abstain: 0, Classes: 2}, {Abstain: 0, labels: true}, {Abstain: -1, labels: true}, {Abstain: 2}}

// agree reports whether the fast path's answer (got, okF) is allowed given
// the general path's (want, okG): the same votes when both accept; a
// rejection by both; or, only where the convention accepts values other
// than ±0 and ±1, a fast rejection that the general path then resolves.
func agree(conv Convention, got, want []int8, okF, okG bool) bool {
	if okF {
		return okG && bytes.Equal(i8bytes(got), i8bytes(want))
	}
	return !okG || (conv.Abstain != 0 && conv.Abstain != -1)
}

// valueClasses are float64s of every kind the decoder must tell apart.
var valueClasses = []float64{-1, 0, math.Copysign(0, -1), 1, 2, -2, 0.5, -0.5, 1 + 1e-16, math.Nextafter(1, 2), math.Nextafter(1, 0), math.Nextafter(-1, 0),
	math.NaN(), math.Float64frombits(0x7FF0000000000001), math.Float64frombits(0xFFF8000000000000), math.Inf(1), math.Inf(-1),
	5e-324, -5e-324, math.Float64frombits(0x000FFFFFFFFFFFFF), math.Float64frombits(0x0010000000000000), math.Float64frombits(0x3FF0000000000001),
	math.Float64frombits(0x3FE0000000000000), math.Float64frombits(0x7FE0000000000000), math.Float64frombits(0x3FF8000000000000), 1e300, -1000, 3}

// general decodes raw value by value through the convention (the
// reference the fast path must equal).
func general(conv Convention, dst []int8, raw []byte) bool {
	for k := range dst {
		v, ok := conv.vote(math.Float64frombits(binary.LittleEndian.Uint64(raw[8*k:])))
		if !ok {
			return false
		}
		dst[k] = v
	}
	return true
}

func f64Bytes(xs []float64) []byte {
	raw := make([]byte, 0, 8*len(xs))
	for _, x := range xs {
		raw = binary.LittleEndian.AppendUint64(raw, math.Float64bits(x))
	}
	return raw
}

// The float64 fast path accepts exactly the values the convention accepts
// and maps them to the same votes, value by value.
func FuzzFloat64Votes(f *testing.F) {
	for _, x := range valueClasses {
		f.Add(math.Float64bits(x))
	}
	f.Fuzz(func(t *testing.T, bits uint64) {
		x := math.Float64frombits(bits)
		raw := binary.LittleEndian.AppendUint64(nil, bits)
		for _, conv := range decodeConventions {
			want, wantOK := conv.vote(x)
			dst := make([]int8, 1)
			ok := float64Votes(conv)(dst, raw)
			if !agree(conv, dst, []int8{want}, ok, wantOK) {
				t.Fatalf("%+v: %v (bits %#x): fast path %d, %v; general %d, %v", conv, x, bits, dst[0], ok, want, wantOK)
			}
		}
	})
}

// On runs of every odd and even length up to 50 (three blocks of the
// vector loop and every tail), of valid votes with one value of each
// class at every position, the fast path agrees with the general one, with
// and without its vector loop: the same votes, and a defect wherever the
// general path finds one. The runs are of votes the convention accepts, so
// that each defect is the one value placed.
func TestFloat64VotesEqualsGeneral(t *testing.T) {
	have := useVector
	defer func() { useVector = have }()
	for _, vector := range []bool{false, true} {
		if vector && !have {
			t.Log("no vector decoder here: the portable loop only")
			continue
		}
		useVector = vector
		float64VotesEqualsGeneral(t)
	}
}

func float64VotesEqualsGeneral(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, conv := range decodeConventions {
		fast := float64Votes(conv)
		var valid []float64 // the votes the convention accepts
		for _, x := range []float64{-1, 0, math.Copysign(0, -1), 1} {
			if _, ok := conv.vote(x); ok {
				valid = append(valid, x)
			}
		}
		for n := 1; n <= 50; n++ {
			base := make([]float64, n)
			for i := range base {
				base[i] = valid[rng.IntN(len(valid))]
			}
			for _, x := range valueClasses {
				for pos := range n {
					xs := append([]float64(nil), base...)
					xs[pos] = x
					raw := f64Bytes(xs)
					got, want := make([]int8, n), make([]int8, n)
					okF, okG := fast(got, raw), general(conv, want, raw)
					if !agree(conv, got, want, okF, okG) {
						t.Fatalf("%+v, n=%d, %v at %d: fast %v %v, general %v %v", conv, n, x, pos, okF, got, okG, want)
					}
				}
			}
		}
	}
}

func i8bytes(v []int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

func TestFloat64VotesOnlyBinary(t *testing.T) {
	if float64Votes(Convention{Abstain: -1, Classes: 3}) != nil {
		t.Fatal("multiclass convention got the binary fast path")
	}
}

// benchVotes is n valid float64 votes, as numpy users save them.
func benchVotes(n int) []byte {
	rng := rand.New(rand.NewPCG(3, 4))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(rng.IntN(3) - 1)
	}
	return f64Bytes(xs)
}

// BenchmarkFloat64Decode reports ns/value of the float64 decoders on a
// cache-sized block (32 Ki values, 256 KiB): the fast path (with its
// vector loop where the CPU has one), its portable loop alone, and the
// general value-by-value path it falls back to.
func BenchmarkFloat64Decode(b *testing.B) {
	const n = 32 << 10
	raw := benchVotes(n)
	dst := make([]int8, n)
	fast := float64Votes(Convention{})
	for _, bc := range []struct {
		name string
		f    func(dst []int8, raw []byte) bool
	}{
		{"fast", float64Votes(Convention{})},
		{"portable", func(dst []int8, raw []byte) bool {
			defer func(was bool) { useVector = was }(useVector)
			useVector = false
			return fast(dst, raw)
		}},
		{"general", func(dst []int8, raw []byte) bool { return general(Convention{}, dst, raw) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(8 * n)
			for b.Loop() {
				if !bc.f(dst, raw) {
					b.Fatal("rejected valid votes")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/value")
		})
	}
}

// BenchmarkReadFloat64Npy reports ns/value of streaming a 10^6 x 20
// float64 .npy from memory through Source (header, block reads, decode).
func BenchmarkReadFloat64Npy(b *testing.B) {
	const rows, cols = 1000000, 20
	data := rawNpy("<f8", "(1000000, 20)", benchVotes(rows*cols))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		s, err := NewSource(bytes.NewReader(data), "bench.npy", Convention{})
		if err != nil {
			b.Fatal(err)
		}
		dst := make([]int8, s.ChunkRows(1<<16)*cols)
		for {
			if _, err := s.Next(dst); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(rows*cols), "ns/value")
}

// FuzzFloat64VotesBlock: two arbitrary values placed anywhere in a run of
// 37 accepted votes (two blocks of the vector loop and a tail): the fast
// path agrees with the general one.
func FuzzFloat64VotesBlock(f *testing.F) {
	f.Add(math.Float64bits(2), math.Float64bits(0.5), uint8(3), uint8(20))
	f.Add(math.Float64bits(math.NaN()), math.Float64bits(-1), uint8(16), uint8(36))
	f.Add(uint64(0x8000000000000001), uint64(0x3FF0000000000001), uint8(0), uint8(15))
	f.Fuzz(func(t *testing.T, a, b uint64, pa, pb uint8) {
		xs := make([]float64, 37)
		for i := range xs {
			xs[i] = float64(i%3 - 1)
		}
		xs[int(pa)%len(xs)] = math.Float64frombits(a)
		xs[int(pb)%len(xs)] = math.Float64frombits(b)
		raw := f64Bytes(xs)
		for _, conv := range decodeConventions[:3] { // those that accept -1, 0 and +1
			got, want := make([]int8, len(xs)), make([]int8, len(xs))
			if okF, okG := float64Votes(conv)(got, raw), general(conv, want, raw); !agree(conv, got, want, okF, okG) {
				t.Fatalf("%+v, %#x at %d, %#x at %d: fast %v %v, general %v %v", conv, a, pa, b, pb, okF, got, okG, want)
			}
		}
	})
}
