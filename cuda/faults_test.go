//go:build !nocuda

package cuda

import (
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"gorgonia.org/cu"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/internal/testutil"
	"github.com/squid-ws/squid/kernels"
	"github.com/squid-ws/squid/labelmodel"
)

// Fault injection through the stand-in driver (standin/libcuda/faults.cpp):
// each case re-runs this test binary with SQUIDSTUB_* set, so the driver
// itself fails the way a GPU or driver does, and the parent checks what the
// child printed. Nothing inside package cuda simulates a failure.

const childEnv = "SQUID_CUDA_TEST_CHILD"

// children are the bodies run in child processes; each prints "ok" when
// its own checks pass.
var children = map[string]func() error{
	"golden-fit":    childGoldenFit,
	"loss-fallback": childLossFallback,
	"open":          childOpen,
	"illegal":       childIllegalAddress,
	"host-read":     childHostRead,
	"register":      func() error { return Register() },
	"small-memory":  childSmallMemory,
	"count-fault":   childCountFault,
}

func runChild(name string) int {
	f, ok := children[name]
	if !ok {
		fmt.Println("unknown child", name)
		return 2
	}
	if err := f(); err != nil {
		fmt.Println("child error:", err)
		return 1
	}
	fmt.Println("ok")
	return 0
}

// requireStandIn skips fault-injection cases on a real GPU, whose driver
// reads no SQUIDSTUB_* variables.
func requireStandIn(t *testing.T) {
	t.Helper()
	if !strings.Contains(dev.Name(), "stand-in") {
		t.Skipf("fault injection needs the stand-in driver; this is %s", dev.Name())
	}
}

// child runs case name with env added and returns its output and exit code.
func child(t *testing.T, name string, env ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), childEnv+"="+name), env...)
	out, err := cmd.CombinedOutput()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// childTB lets test helpers run in a child process: Fatal ends it.
type childTB struct{ testing.TB }

func (childTB) Helper() {}
func (childTB) Fatal(args ...any) {
	fmt.Println(args...)
	os.Exit(1)
}

func count(out, s string) int { return strings.Count(out, s) }

func openDev() (*Device, error) { return Open(0) }

// fitGolden fits indep_m20 with the GPU backend and compares the dev-set
// probabilities with FlyingSquid's.
func fitGolden(b *Backend) error {
	dir := "../testdata/golden/indep_m20"
	train := testutil.ReadNpy[int8](childTB{}, filepath.Join(dir, "L_train.npy"))
	devv := testutil.ReadNpy[int8](childTB{}, filepath.Join(dir, "L_dev.npy"))
	want := testutil.ReadNpy[float64](childTB{}, filepath.Join(dir, "expected_triplet_median_proba_dev.npy"))
	labelmodel.SetBackend(b)
	defer labelmodel.SetBackend(nil)
	model, _ := labelmodel.New(labelmodel.Spec{M: 20})
	if err := model.Fit(labelmodel.Votes{N: len(train) / 20, M: 20, Data: train}, labelmodel.Options{Method: labelmodel.TripletMedian}); err != nil {
		return err
	}
	p, err := model.PredictProba(labelmodel.Votes{N: len(devv) / 20, M: 20, Data: devv})
	if err != nil {
		return err
	}
	for i, g := range p.RawMatrix().Data {
		if math.Abs(g-want[i]) > 1e-9 {
			return fmt.Errorf("entry %d = %v, golden %v", i, g, want[i])
		}
	}
	return nil
}

// childGoldenFit fits twice with the GPU backend whatever the driver does,
// and reports whether the device was lost.
func childGoldenFit() error {
	d, err := openDev()
	if err != nil {
		return err
	}
	b := &Backend{Dev: d, MinVotes: 1}
	for range 2 {
		if err := fitGolden(b); err != nil {
			return err
		}
	}
	fmt.Printf("lost=%v\n", d.Lost() != nil)
	return nil
}

// A sticky fault (a failed launch) makes the backend fall back to the CPU
// with one notice and never try the GPU again; results stay golden.
func TestStickyFaultFallsBackForGood(t *testing.T) {
	requireStandIn(t)
	out, code := child(t, "golden-fit", "SQUIDSTUB_FAIL=cuLaunchKernel@1", "SQUIDSTUB_FAIL_CODE=719", "SQUIDSTUB_TRACE=1")
	if code != 0 || !strings.Contains(out, "lost=true") || count(out, "cannot be used again") != 1 {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	if n := count(out, ": cuLaunchKernel"); n != 0 {
		t.Errorf("%d launches after the device was lost", n)
	}
	// Register's self-test meets the fault: one error line, not one per
	// buffer that could not be freed afterwards.
	out, code = child(t, "register", "SQUIDSTUB_FAIL=cuLaunchKernel", "SQUIDSTUB_FAIL_CODE=700")
	if code != 1 || strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.Contains(out, "IllegalAddress") {
		t.Errorf("Register on a faulting GPU: exit %d, output:\n%s", code, out)
	}
}

// A failed allocation sends that call to the CPU with one notice; the
// device stays usable.
func TestAllocationFailureFallsBackPerCall(t *testing.T) {
	requireStandIn(t)
	out, code := child(t, "golden-fit", "SQUIDSTUB_FAIL=cuMemAlloc@1", "SQUIDSTUB_FAIL_CODE=2", "SQUIDSTUB_TRACE=1")
	if code != 0 || !strings.Contains(out, "lost=false") || count(out, "GPU call failed, using the CPU for this call") != 1 {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	if count(out, ": cuLaunchKernel") == 0 {
		t.Error("no launch after the failed allocation: the GPU was abandoned")
	}
}

// childLossFallback runs the GPU loss over the golden stream beside the
// CPU loss; every step must agree whichever side computed it.
func childLossFallback() error {
	d, err := openDev()
	if err != nil {
		return err
	}
	cfg := fsloss.Config{Spec: labelmodel.Spec{M: 5}}
	cpuLoss, _ := fsloss.New(cfg)
	gpuLoss, err := d.NewLoss(cfg)
	if err != nil {
		return err
	}
	for b := 0; b < 10; b++ {
		x, weak := goldenStream(childTB{}, b)
		want, err := cpuLoss.Forward(x, weak)
		if err != nil {
			return err
		}
		var buf *Buffer
		// Without a device (all copies failing) the logits cannot reach it:
		// score host-resident ones through the CPU path instead.
		if buf, err = d.ToDevice(x); err != nil {
			return fmt.Errorf("batch %d: uploading logits: %w", b, err)
		}
		_, weak = goldenStream(childTB{}, b)
		got, err := gpuLoss.Forward(buf, weak)
		if err != nil {
			return fmt.Errorf("batch %d: %w", b, err)
		}
		if math.Abs(got.Loss-want.Loss) > 1e-9 {
			return fmt.Errorf("batch %d: loss %v, CPU %v", b, got.Loss, want.Loss)
		}
		buf.Free()
		got.Free()
	}
	if !gpuLoss.Host().Stats().Equal(cpuLoss.Stats()) {
		return errors.New("the GPU loss's buffer statistics differ from the CPU loss's")
	}
	fmt.Printf("cpu-steps=%d\n", gpuLoss.CPUSteps())
	return nil
}

// A GPU loss step that fails (here every launch from the 3rd on) leaves
// the loss unchanged and is computed on the CPU, with one notice: the run
// matches the CPU loss step for step (a step buffered twice would not).
func TestLossStepFailureFallsBack(t *testing.T) {
	requireStandIn(t)
	out, code := child(t, "loss-fallback", "SQUIDSTUB_FAIL=cuLaunchKernel@3+")
	if code != 0 || count(out, "the GPU loss step failed") != 1 || strings.Contains(out, "cpu-steps=0\n") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	out, code = child(t, "loss-fallback", "SQUID_BACKEND=cpu", "SQUIDSTUB_FAIL=cuLaunchKernel")
	if code != 0 || !strings.Contains(out, "cpu-steps=10\n") || strings.Contains(out, "step failed") {
		t.Fatalf("SQUID_BACKEND=cpu: exit %d, output:\n%s", code, out)
	}
}

// childOpen opens GPUs 0..2 and prints what each gave.
func childOpen() error {
	for i := 0; i < 3; i++ {
		_, err := Open(i)
		fmt.Printf("open %d: %v\n", i, err)
	}
	return nil
}

// The stand-in reports N GPUs; a missing ordinal is an error.
func TestDeviceCount(t *testing.T) {
	requireStandIn(t)
	out, code := child(t, "open", "SQUIDSTUB_DEVICES=2")
	if code != 0 || !strings.Contains(out, "open 1: <nil>") || !strings.Contains(out, "open 2: cuda: no GPU 2 (2 present)") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	// Every call from the 3rd on fails (the probe's and cu's cuInit are
	// the first two): Open reports the driver's error, nothing panics.
	out, code = child(t, "open", "SQUIDSTUB_FAIL=3+")
	if code != 0 || !strings.Contains(out, "open 0: cuda: counting devices: Unknown") {
		t.Fatalf("3+: exit %d, output:\n%s", code, out)
	}
}

// A machine with the driver and no GPU: one squid line, exit status 1.
func TestNoGPUSaysBuildWithNocuda(t *testing.T) {
	requireStandIn(t)
	for _, env := range []string{"SQUIDSTUB_DEVICES=0", "SQUIDSTUB_FAIL=1"} {
		out, code := child(t, "open", env)
		if code != 1 || count(out, "\n") != 1 || !strings.HasPrefix(out, "squid: ") || !strings.Contains(out, "-tags nocuda") {
			t.Errorf("%s: exit %d, output:\n%s", env, code, out)
		}
	}
}

// childIllegalAddress launches a kernel on an address outside every
// allocation: like a GPU, the launch faults, the context is lost, and
// later calls fail at once.
func childIllegalAddress() error {
	d, err := openDev()
	if err != nil {
		return err
	}
	var bogus cu.DevicePtr
	err = d.do(func() error {
		var a arena
		defer a.free()
		p, err := a.alloc(64)
		if err != nil {
			return err
		}
		bogus = p + 1<<30
		return d.launchPack(dim3{1, 1, 1}, dim3{kernels.PackThreads, 1, 1}, p, 2, 3, bogus, bogus, 1, 1, 3)
	})
	if !errors.Is(err, ErrContextLost) || !errors.Is(err, cu.IllegalAddress) {
		return fmt.Errorf("launch on an illegal address: %v", err)
	}
	if err := d.Count(cpu.NewCounts(3), make([]int8, 6), 3); err == nil {
		return errors.New("a lost device accepted work")
	}
	if d.FreeMemory() != 0 {
		return errors.New("a lost device reported free memory")
	}
	return fitGolden(&Backend{Dev: d, MinVotes: 1})
}

func TestIllegalAddressLosesTheContext(t *testing.T) {
	requireStandIn(t)
	out, code := child(t, "illegal")
	if code != 0 {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}

// childHostRead reads device memory from the host, as a careless view of
// a device buffer would.
func childHostRead() error {
	d, err := openDev()
	if err != nil {
		return err
	}
	var p cu.DevicePtr
	if err := d.do(func() (err error) { p, err = cu.MemAlloc(8); return err }); err != nil {
		return err
	}
	fmt.Println(*(*byte)(unsafe.Add(unsafe.Pointer(nil), int(p)))) // deliberately invalid: must fault
	return nil
}

// Device addresses are not host addresses: reading one from Go faults
// here as it would with a GPU.
func TestHostReadOfDeviceMemoryFaults(t *testing.T) {
	requireStandIn(t)
	out, code := child(t, "host-read")
	if code == 0 || strings.Contains(out, "\nok") || !strings.Contains(out, "fault") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}

// With SQUID_BACKEND=cpu, Register does no device work at all.
func TestRegisterRespectsCPUBackend(t *testing.T) {
	requireStandIn(t)
	out, code := child(t, "register", "SQUID_BACKEND=cpu", "SQUIDSTUB_TRACE=1")
	if code != 0 {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	for _, call := range []string{"cuDeviceGet", "cuCtxCreate", "cuModuleLoadData", "cuMemAlloc", "cuLaunchKernel"} {
		if strings.Contains(out, ": "+call+"\n") {
			t.Errorf("Register called %s with SQUID_BACKEND=cpu:\n%s", call, out)
		}
	}
	out, code = child(t, "register", "SQUID_BACKEND=gpus")
	if code != 1 || !strings.Contains(out, `SQUID_BACKEND="gpus": want cpu, gpu or auto`) {
		t.Fatalf("SQUID_BACKEND=gpus: exit %d, output:\n%s", code, out)
	}
	out, code = child(t, "register", "SQUIDSTUB_TRACE=1")
	if code != 0 || !strings.Contains(out, ": cuLaunchKernel\n") {
		t.Fatalf("without SQUID_BACKEND: exit %d, output:\n%s", code, out)
	}
}

// childSmallMemory: a 1 MiB GPU. The backend keeps large problems on the
// CPU; a direct call that does not fit fails with the driver's
// out-of-memory error.
func childSmallMemory() error {
	d, err := openDev()
	if err != nil {
		return err
	}
	b := &Backend{Dev: d, MinVotes: 1}
	if b.useGPU(4<<20, 4<<20) {
		return errors.New("the backend sends 4 MiB to a 1 MiB GPU")
	}
	err = d.Count(cpu.NewCounts(3), make([]int8, 3<<20), 3)
	if !errors.Is(err, cu.OutOfMemory) {
		return fmt.Errorf("Count of 3 MiB on a 1 MiB GPU: %v", err)
	}
	return fitGolden(b)
}

func TestSmallMemory(t *testing.T) {
	requireStandIn(t)
	out, code := child(t, "small-memory", "SQUIDSTUB_MEMORY=1M")
	if code != 0 {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}

// Calls without a current context fail, as with the real driver.
func TestNoCurrentContext(t *testing.T) {
	requireStandIn(t)
	errc := make(chan error)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cu.SetCurrentContext(cu.CUContext{}); err != nil {
			errc <- err
			return
		}
		_, err := cu.MemAlloc(8)
		errc <- err
	}()
	if err := <-errc; !errors.Is(err, cu.InvalidContext) {
		t.Fatalf("MemAlloc without a context: %v, want InvalidContext", err)
	}
}

// Fresh device memory holds garbage, not zeros, so a kernel that relies on
// zeroed memory fails here too.
func TestFreshMemoryIsGarbage(t *testing.T) {
	requireStandIn(t)
	got := make([]uint64, 4)
	err := dev.do(func() error {
		var a arena
		defer a.free()
		p, err := a.alloc(32)
		if err != nil {
			return err
		}
		return download(got, p)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range got {
		if v == 0 {
			t.Fatalf("fresh allocation reads %x", got)
		}
	}
}

// Loading: a name missing from the PTX is NotFound; a zero Function does
// not launch.
func TestModuleLookups(t *testing.T) {
	requireStandIn(t)
	err := dev.do(func() error {
		mod, err := cu.LoadData(kernels.PTX)
		if err != nil {
			return err
		}
		if _, err := mod.Function("squid_no_such_kernel"); !errors.Is(err, cu.NotFound) {
			return fmt.Errorf("missing kernel: %v, want NotFound", err)
		}
		var f cu.Function
		if err := f.Launch(1, 1, 1, 1, 1, 1, 0, cu.NoStream, nil); !errors.Is(err, cu.InvalidHandle) {
			return fmt.Errorf("zero function: %v, want InvalidHandle", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// childCountFault: a driver call of the pipelined host-fed count fails
// (SQUIDSTUB_FAIL names it) in the middle of a count of several chunks.
// The count reports the error, frees its scratch (pinned buffers, device
// buffers, streams), and the next count works and agrees with the CPU.
func childCountFault() error {
	d, err := openDev()
	if err != nil {
		return err
	}
	_, total, err := memInfo(d)
	if err != nil {
		return err
	}
	votes := make([]int8, 3000*7)
	for i := range votes {
		votes[i] = int8(i*7%3) - 1
	}
	d.ChunkBytes = 7 * 320
	if err := d.Count(cpu.NewCounts(7), votes, 7); err == nil {
		return errors.New("a count whose driver call failed reported no error")
	} else {
		fmt.Println("count error:", err)
	}
	if free := d.FreeMemory(); free != total {
		return fmt.Errorf("%d bytes of device memory left after the failed count", total-free)
	}
	want, got := cpu.NewCounts(7), cpu.NewCounts(7)
	cpu.CountReference(want, votes, 7)
	if err := d.Count(got, votes, 7); err != nil {
		return fmt.Errorf("the count after the failure: %v", err)
	}
	if !sameCounts(got, want) {
		return errors.New("the count after the failure differs from the CPU's")
	}
	return nil
}

func memInfo(d *Device) (free, total int64, err error) {
	err = d.do(func() (err error) { free, total, err = cu.MemInfo(); return err })
	return free, total, err
}

func TestCountPipelineFault(t *testing.T) {
	requireStandIn(t)
	for _, call := range []string{"cuMemcpyHtoDAsync@3", "cuStreamWaitEvent@2", "cuEventRecord@4", "cuEventSynchronize@1", "cuMemAllocHost@2", "cuStreamCreate@2"} {
		out, code := child(t, "count-fault", "SQUIDSTUB_FAIL="+call)
		if code != 0 || !strings.Contains(out, "count error: cuda: ") {
			t.Errorf("%s: exit %d, output:\n%s", call, code, out)
		}
	}
}
