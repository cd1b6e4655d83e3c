//go:build !nocuda

package cuda

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/fsloss"
)

// Loss is the online FlyingSquid loss of package fsloss with its labelling
// and scoring on the GPU, over logits in device memory. A trainer holds
// one Loss and calls Forward once per batch, as with fsloss.Loss: the rows'
// weak labels enter the buffer and refit the label model on the CPU (the
// refit is a small solve), then the whole batch is one launch of the fused
// kernel (squid_loss_step), however many refits it holds: each row carries
// the index of its fitted model's log-odds table, or a label made on the
// host (warm-up majority votes, ClampVals, a model without a table), and
// the kernel makes the labels from the votes, scores the logits and
// reduces the batch mean on the device.
//
// A step's input (votes, model indices, tables, given labels) goes to the
// GPU as one copy from pinned host memory into a device buffer the Loss
// keeps, the outputs are written into output buffers it reuses once the
// caller has freed them (Result.Free hands them back), and the step waits
// only for its own stream, once, for the loss value. Close releases that
// memory.
//
// Forward is all or nothing: when a GPU step fails, the loss's state is
// restored to what it was before the call and the step is computed on the
// CPU instead (one notice on stderr per Loss), so a run never stops
// because of the GPU (and its results agree with fsloss's to rounding). With SQUID_BACKEND=cpu, or after the device
// is lost (ErrContextLost), every step is computed on the CPU; its results
// are still returned in device memory when the device can take them.
type Loss struct {
	dev    *Device
	host   *fsloss.Loss
	steps  stepper
	notice sync.Once
	// cpuSteps counts the steps computed on the CPU.
	cpuSteps int
}

// NewLoss returns a GPU loss on d with fsloss's configuration. It needs a
// one-task model (cfg.Spec.V <= 1).
func (d *Device) NewLoss(cfg fsloss.Config) (*Loss, error) {
	if cfg.Spec.Tasks() != 1 {
		return nil, fmt.Errorf("cuda: NewLoss: the GPU loss needs a one-task model, this one has v = %d", cfg.Spec.Tasks())
	}
	host, err := fsloss.New(cfg)
	if err != nil {
		return nil, err
	}
	return &Loss{dev: d, host: host, steps: stepper{d: d}}, nil
}

// Close frees the loss's device and pinned host memory. Results not yet
// freed stay valid until their Free. Forward fails after Close; closing
// twice does nothing.
func (l *Loss) Close() error { return l.steps.close() }

// Host returns the loss's CPU state (label model, buffer statistics,
// checkpoints through MarshalBinary).
func (l *Loss) Host() *fsloss.Loss { return l.host }

// CPUSteps returns how many Forward calls were computed on the CPU
// (SQUID_BACKEND=cpu, a lost device, or a failed GPU step).
func (l *Loss) CPUSteps() int { return l.cpuSteps }

// Forward scores one batch: device logits (batch or batch x 1, float32 or
// float64) against the probabilistic labels made from weakLabels (batch x
// m), with the buffer and refits of fsloss.Loss.Forward. On error nothing
// is changed.
func (l *Loss) Forward(logits *Buffer, weakLabels *tensor.Dense) (Result, error) {
	if err := checkLogits(logits); err != nil {
		return Result{}, err
	}
	batch := logits.shape.TotalSize()
	if weakLabels == nil || len(weakLabels.Shape()) != 2 || weakLabels.Shape()[0] != batch {
		return Result{}, fmt.Errorf("cuda: Loss.Forward: weak labels must be (%d, m), one row per logit", batch)
	}
	if l.steps.isClosed() {
		return Result{}, errors.New("cuda: Loss.Forward after Close")
	}
	if mayUseGPU(l.dev) && batch > 0 {
		var res Result
		var gpuErr error // a failure of the GPU step, as opposed to bad input
		err := l.host.Atomic(func() error {
			votes, segs, err := l.host.Push(weakLabels)
			if err != nil {
				return err
			}
			p, err := planSegments(segs, votes, batch, len(votes)/batch)
			if err != nil {
				return err
			}
			res, gpuErr = l.steps.run(p, logits, l.host.PosWeight())
			return gpuErr
		})
		if err == nil {
			return res, nil
		}
		if gpuErr == nil {
			return Result{}, err // the batch itself is wrong; the loss is unchanged
		}
		l.notice.Do(func() {
			fmt.Fprintf(os.Stderr, "squid: the GPU loss step failed, computing it on the CPU (further failures are silent): %v\n", err)
		})
	}
	return l.forwardOnCPU(logits, weakLabels)
}

// forwardOnCPU computes a step with fsloss on the host and copies the
// result to the device; when a copy fails, the step is undone.
func (l *Loss) forwardOnCPU(logits *Buffer, weakLabels *tensor.Dense) (Result, error) {
	x, err := logits.ToHost()
	if err != nil {
		return Result{}, err
	}
	var res Result
	err = l.host.Atomic(func() error {
		cpuRes, err := l.host.Forward(x, weakLabels)
		if err != nil {
			return err
		}
		res = Result{Loss: cpuRes.Loss}
		rowLoss := tensor.New(tensor.WithShape(len(cpuRes.RowLoss)), tensor.WithBacking(cpuRes.RowLoss))
		if res.Grad, err = l.dev.ToDevice(cpuRes.Grad); err == nil {
			if res.Labels, err = l.dev.ToDevice(cpuRes.Labels); err == nil {
				res.RowLoss, err = l.dev.ToDevice(rowLoss)
			}
		}
		if err != nil {
			_ = res.Free()
		}
		return err
	})
	if err != nil {
		return Result{}, err
	}
	l.cpuSteps++
	return res, nil
}
