package squidgomlx

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/labelmodel"
)

// GoMLX's BinaryCrossentropyLogits on Targets, and its gradient in the
// logits by GoMLX's autodiff, equal fsloss's Forward loss and gradient
// (float64, to rounding) batch after batch, with and without pos-weight and
// clamping.
func TestGoMLXLossMatchesFsloss(t *testing.T) {
	backend, err := simplego.New("")
	if err != nil {
		t.Fatal(err)
	}
	// inputs: the logits, then the label tensors of Targets.
	exec := MustNewExec(backend, func(inputs []*Node) (*Node, *Node) {
		loss := losses.BinaryCrossentropyLogits(inputs[1:], inputs[:1])
		return loss, Gradient(loss, inputs[0])[0]
	})
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		pw    float64
		clamp bool
	}{{0, false}, {2.5, false}, {0.5, true}} {
		cfg := fsloss.Config{Spec: labelmodel.Spec{M: 5}, BufferCapacity: 300, UpdateFrequency: 10, WarmUp: 40, PosWeight: c.pw, ClampVals: c.clamp}
		a, _ := fsloss.New(cfg)
		b, _ := fsloss.New(cfg)
		for batch := 0; batch < 6; batch++ {
			x := make([]float64, 32)
			v := make([]int8, 32*5)
			for i := range x {
				x[i] = 2 * r.NormFloat64()
				y := int8(1 - 2*r.IntN(2))
				for k := 0; k < 5; k++ {
					if u := r.Float64(); u < 0.7 {
						v[i*5+k] = y
					} else if u < 0.85 {
						v[i*5+k] = -y
					}
				}
			}
			weak := func() *tensor.Dense {
				return tensor.New(tensor.WithShape(32, 5), tensor.WithBacking(append([]int8(nil), v...)))
			}
			want, err := a.Forward(tensor.New(tensor.WithShape(32, 1), tensor.WithBacking(x)), weak())
			if err != nil {
				t.Fatal(err)
			}
			labels, err := Targets(b, weak(), c.pw, dtypes.Float64)
			if err != nil {
				t.Fatal(err)
			}
			if wantN := map[bool]int{true: 2, false: 1}[c.pw != 0 && c.pw != 1]; len(labels) != wantN {
				t.Fatalf("pw %v: %d label tensors, want %d", c.pw, len(labels), wantN)
			}
			args := []any{tensors.FromFlatDataAndDimensions(x, 32, 1)}
			for _, l := range labels {
				args = append(args, l)
			}
			out := exec.MustExec(args...)
			got := tensors.MustCopyFlatData[float64](out[0])[0]
			if math.Abs(got-want.Loss) > 1e-13*max(1, want.Loss) {
				t.Fatalf("pw %v clamp %v batch %d: GoMLX loss %v, fsloss %v", c.pw, c.clamp, batch, got, want.Loss)
			}
			grad := tensors.MustCopyFlatData[float64](out[1])
			for i, g := range want.Grad.Data().([]float64) {
				if math.Abs(grad[i]-g) > 1e-14 {
					t.Fatalf("pw %v batch %d row %d: GoMLX gradient %v, fsloss %v", c.pw, batch, i, grad[i], g)
				}
			}
		}
	}
}

func TestTargetsErrors(t *testing.T) {
	fs, _ := fsloss.New(fsloss.Config{Spec: labelmodel.Spec{M: 3}})
	good := tensor.New(tensor.WithShape(1, 3), tensor.WithBacking([]int8{1, 0, -1}))
	for _, c := range []struct {
		weak *tensor.Dense
		pw   float64
		dt   dtypes.DType
		want string
	}{
		{good, 1, dtypes.Int32, "want Float32 or Float64"},
		{good, -2, dtypes.Float32, "pos weight -2"},
		{good, math.NaN(), dtypes.Float32, "pos weight NaN"},
		{tensor.New(tensor.WithShape(1, 3), tensor.WithBacking([]int8{1, 3, -1})), 1, dtypes.Float32, "row 0, column 1 is 3"},
	} {
		if _, err := Targets(fs, c.weak, c.pw, c.dt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
	if fs.Stats().N() != 0 {
		t.Error("failed calls changed the buffer")
	}
}
