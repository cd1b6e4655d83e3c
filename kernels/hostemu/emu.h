// A small host emulator of the CUDA features squid.cu uses, so the kernels'
// logic runs on machines without a GPU: in kernels/hostemu/main.cpp (the
// kernels against plain loops) and in the stand-in driver library
// (standin/libcuda), which runs package cuda's launches through it.
//
// Execution model. The blocks of a grid are shared out among worker OS
// threads (EMU_THREADS or the number of cores); inside a block every CUDA
// thread is a fiber with its own small stack, run cooperatively on the
// worker: a fiber runs until it reaches a barrier (__syncthreads, a warp
// primitive) or returns, and a barrier is released when every live thread
// of its block (or warp) has reached it. A block whose threads can never
// all meet is reported as a deadlock, which on a GPU would be a hang or
// undefined behaviour. __shared__ variables are per worker (static
// thread_local), so concurrent blocks do not share them; global-memory
// atomics are std::atomic_ref. It checks logic, not speed or memory model.
#pragma once
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>

#include <algorithm>

#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <tuple>
#include <vector>

struct emu_dim3 {
    unsigned x = 1, y = 1, z = 1;
};
inline thread_local emu_dim3 threadIdx, blockIdx;

// uint4 is CUDA's 16-byte vector type (one 16-byte load or store).
struct alignas(16) uint4 {
    unsigned x, y, z, w;
};
inline emu_dim3 blockDim, gridDim;

#define __global__
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static thread_local

// ---- fibers ---------------------------------------------------------------

// emu_swap saves the callee-saved registers and the floating-point control
// words on the current stack, stores the stack pointer in *save and
// resumes the context whose stack pointer is next.
extern "C" void emu_swap(void** save, void* next);
#if defined(__x86_64__)
asm(R"(
	.text
	.p2align 4
	.type emu_swap,@function
	.hidden emu_swap
	.globl emu_swap
emu_swap:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp
	stmxcsr (%rsp)
	fnstcw 4(%rsp)
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	ldmxcsr (%rsp)
	fldcw 4(%rsp)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size emu_swap,.-emu_swap
	.section .note.GNU-stack,"",@progbits
	.text
)");
#else
#error "the host emulator's fibers are written for x86-64"
#endif

enum emu_state : unsigned char { EMU_READY, EMU_AT_BLOCK, EMU_AT_WARP, EMU_DONE };

struct emu_fiber {
    void* sp = nullptr;
    emu_dim3 tid;
    emu_state state = EMU_READY;
};

// emu_block is the per-worker state of the block being run.
struct emu_block {
    std::vector<emu_fiber> fibers;
    std::vector<char*> stacks;
    std::vector<unsigned> warp_acc, warp_result;  // ballot: bits gathered, bits released
    std::vector<std::vector<unsigned long long>> warp_lanes;  // shuffles: one value per lane
    std::vector<std::array<unsigned, 10>> warp_mma[2];  // mma.sync: each lane's A (4), B (2), C (4) registers; then D
    std::vector<char> warp_mma_done[2];                 // mma.sync: D computed for the warp
    std::vector<unsigned> mma_seq;                      // mma.sync: collectives each thread has joined
    void* sched_sp = nullptr;
    int cur = 0;
    void (*body)(void*) = nullptr;
    void* arg = nullptr;
    ~emu_block();
};
inline thread_local emu_block* emu_cur_block;

constexpr size_t emu_stack_bytes = 64 << 10;

[[noreturn]] inline void emu_fatal(const char* what) {
    std::fprintf(stderr, "host emulator: %s\n", what);
    std::abort();
}

// emu_yield parks the running fiber in state s and returns to the scheduler.
inline void emu_yield(emu_state s) {
    emu_block* b = emu_cur_block;
    emu_fiber& f = b->fibers[b->cur];
    f.state = s;
    emu_swap(&f.sp, b->sched_sp);
}

extern "C" inline void emu_fiber_main() {
    emu_block* b = emu_cur_block;
    b->body(b->arg);
    b = emu_cur_block;
    b->fibers[b->cur].state = EMU_DONE;
    void* dead;
    emu_swap(&dead, b->sched_sp);
    emu_fatal("a finished fiber was resumed");
}

inline char* emu_new_stack() {
    void* p = mmap(nullptr, emu_stack_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) emu_fatal("cannot map a fiber stack");
    mprotect(p, 4096, PROT_NONE);  // guard page: a stack overflow faults
    return (char*)p;
}

inline emu_block::~emu_block() {
    for (char* s : stacks) munmap(s, emu_stack_bytes);
}

// emu_run_block runs body(arg) once per thread of block blk.
inline void emu_run_block(emu_block& b, emu_dim3 blk, void (*body)(void*), void* arg) {
    int nt = blockDim.x * blockDim.y * blockDim.z, nw = (nt + 31) / 32;
    b.fibers.assign(nt, emu_fiber{});
    while ((int)b.stacks.size() < nt) b.stacks.push_back(emu_new_stack());
    b.warp_acc.assign(nw, 0);
    b.warp_result.assign(nw, 0);
    b.warp_lanes.assign(nw, std::vector<unsigned long long>(32));
    for (int p = 0; p < 2; p++) {
        b.warp_mma[p].assign(nw * 32, {});
        b.warp_mma_done[p].assign(nw, 0);
    }
    b.mma_seq.assign(nw * 32, 0);
    b.body = body;
    b.arg = arg;
    blockIdx = blk;
    for (int t = 0; t < nt; t++) {
        emu_fiber& f = b.fibers[t];
        f.tid = {unsigned(t % blockDim.x), unsigned(t / blockDim.x % blockDim.y), unsigned(t / (blockDim.x * blockDim.y))};
        // An initial frame that emu_swap "returns" into emu_fiber_main with
        // the stack aligned as after a call.
        uint64_t* top = (uint64_t*)(b.stacks[t] + emu_stack_bytes);
        top[-1] = 0;                             // emu_fiber_main's return address (never used)
        top[-2] = (uint64_t)&emu_fiber_main;     // emu_swap's ret
        for (int r = 3; r <= 8; r++) top[-r] = 0;  // rbp rbx r12 r13 r14 r15
        top[-9] = 0x1F80ull | (0x037Full << 32);  // mxcsr, x87 control word
        f.sp = &top[-9];
    }
    emu_block* saved = emu_cur_block;
    emu_cur_block = &b;
    for (;;) {
        bool live = false;
        for (int t = 0; t < nt; t++) {
            emu_fiber& f = b.fibers[t];
            if (f.state != EMU_READY) continue;
            b.cur = t;
            threadIdx = f.tid;
            emu_swap(&b.sched_sp, f.sp);
        }
        // Release the barriers every live thread has reached.
        bool all_block = true, released = false;
        for (auto& f : b.fibers) {
            if (f.state == EMU_DONE) continue;
            live = true;
            if (f.state != EMU_AT_BLOCK) all_block = false;
        }
        if (!live) break;
        if (all_block) {
            for (auto& f : b.fibers)
                if (f.state == EMU_AT_BLOCK) f.state = EMU_READY;
            continue;
        }
        for (int w = 0; w < nw; w++) {
            bool any = false, all = true;
            for (int t = w * 32; t < std::min(nt, w * 32 + 32); t++) {
                emu_state s = b.fibers[t].state;
                if (s == EMU_DONE) continue;
                any = true;
                if (s != EMU_AT_WARP) all = false;
            }
            if (!any || !all) continue;
            b.warp_result[w] = b.warp_acc[w];
            b.warp_acc[w] = 0;
            for (int t = w * 32; t < std::min(nt, w * 32 + 32); t++)
                if (b.fibers[t].state == EMU_AT_WARP) b.fibers[t].state = EMU_READY;
            released = true;
        }
        if (!released) emu_fatal("deadlock: the threads of a block wait at different barriers");
    }
    emu_cur_block = saved;
}

// ---- CUDA built-ins -----------------------------------------------------

inline void __syncthreads() { emu_yield(EMU_AT_BLOCK); }

inline int emu_thread_in_block() { return emu_cur_block->cur; }

inline unsigned __ballot_sync(unsigned, bool pred) {
    emu_block* b = emu_cur_block;
    int t = b->cur, w = t / 32;
    if (pred) b->warp_acc[w] |= 1u << (t % 32);
    emu_yield(EMU_AT_WARP);
    return emu_cur_block->warp_result[w];
}

// __shfl_sync returns v of lane src (mod 32) of the calling warp.
template <class T>
inline T __shfl_sync(unsigned, T v, int src) {
    static_assert(sizeof(T) <= 8);
    emu_block* b = emu_cur_block;
    int t = b->cur, w = t / 32;
    unsigned long long bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    b->warp_lanes[w][t % 32] = bits;
    emu_yield(EMU_AT_WARP);
    bits = emu_cur_block->warp_lanes[w][src & 31];
    emu_yield(EMU_AT_WARP);  // every lane has read before the next shuffle writes
    T out;
    std::memcpy(&out, &bits, sizeof(T));
    return out;
}

// emu_mma_m16n8k32_s8 is the warp collective
// mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32: D = A B + C with A
// 16 x 32 and B 32 x 8 signed bytes, C and D 16 x 8 int32 (wrapping, as
// without .satfinite), every matrix spread over the warp's lanes in the
// PTX ISA's fragments ("Matrix Fragments for mma.m16n8k32"). With
// g = lane >> 2 (groupID) and t = lane % 4 (threadID_in_group), byte j
// (low to high) of a lane's registers holds:
//   a[0] A[g][4t+j]   a[1] A[g+8][4t+j]   a[2] A[g][16+4t+j]   a[3] A[g+8][16+4t+j]
//   b[0] B[4t+j][g]   b[1] B[16+4t+j][g]
// and c[0], c[1] are C[g][2t], C[g][2t+1], c[2], c[3] C[g+8][2t], C[g+8][2t+1]
// (d likewise). Every lane deposits its registers, the warp meets, the
// first lane to resume computes every lane's D from all the deposits and
// each lane takes its four. All 32 lanes must call it (the emulator checks
// that the warp is whole and that no lane has exited).
inline void emu_mma_m16n8k32_s8(int d[4], const unsigned a[4], const unsigned b[2], const int c[4]) {
    emu_block* blk = emu_cur_block;
    int tid = blk->cur, w = tid / 32;
    if ((int)blk->fibers.size() < w * 32 + 32) emu_fatal("mma.sync in a warp of fewer than 32 threads");
    // Deposits alternate between two buffers, so that one meeting per
    // collective suffices: a lane that runs ahead writes the other buffer,
    // and cannot come back to this one before every lane has met it again.
    int parity = blk->mma_seq[tid]++ & 1;
    auto& slots = blk->warp_mma[parity];
    auto& mine = slots[tid];
    for (int i = 0; i < 4; i++) mine[i] = a[i];
    mine[4] = b[0];
    mine[5] = b[1];
    for (int i = 0; i < 4; i++) mine[6 + i] = (unsigned)c[i];
    blk->warp_mma_done[parity][w] = false;
    emu_yield(EMU_AT_WARP);
    blk = emu_cur_block;
    if (!blk->warp_mma_done[parity][w]) {
        // The first lane to resume computes the whole D into the C slots.
        for (int l = w * 32; l < w * 32 + 32; l++)
            if (blk->fibers[l].state == EMU_DONE) emu_fatal("mma.sync with an exited lane");
        short A[16][32], Bt[8][32];  // Bt: B transposed, so both dot products run over contiguous k
        unsigned C[16][8];
        for (int l = 0; l < 32; l++) {
            const auto& r = slots[w * 32 + l];
            int g = l >> 2, t = l & 3;
            for (int j = 0; j < 4; j++) {
                A[g][4 * t + j] = (signed char)(r[0] >> (8 * j));
                A[g + 8][4 * t + j] = (signed char)(r[1] >> (8 * j));
                A[g][16 + 4 * t + j] = (signed char)(r[2] >> (8 * j));
                A[g + 8][16 + 4 * t + j] = (signed char)(r[3] >> (8 * j));
                Bt[g][4 * t + j] = (signed char)(r[4] >> (8 * j));
                Bt[g][16 + 4 * t + j] = (signed char)(r[5] >> (8 * j));
            }
            C[g][2 * t] = r[6];
            C[g][2 * t + 1] = r[7];
            C[g + 8][2 * t] = r[8];
            C[g + 8][2 * t + 1] = r[9];
        }
        for (int l = 0; l < 32; l++) {
            int g = l >> 2, t = l & 3;
            const int rows[4] = {g, g, g + 8, g + 8}, cols[4] = {2 * t, 2 * t + 1, 2 * t, 2 * t + 1};
            for (int i = 0; i < 4; i++) {
                int s = 0;  // |sum| <= 32 * 128 * 128: no overflow
                for (int k = 0; k < 32; k++) s += A[rows[i]][k] * Bt[cols[i]][k];
                slots[w * 32 + l][6 + i] = C[rows[i]][cols[i]] + (unsigned)s;
            }
        }
        blk->warp_mma_done[parity][w] = true;
    }
    for (int i = 0; i < 4; i++) d[i] = (int)slots[tid][6 + i];
}

// __byte_perm(x, y, s): byte i of the result is byte (s >> 4i) & 7 of the
// 8 bytes y:x (x the low four).
inline unsigned __byte_perm(unsigned x, unsigned y, unsigned s) {
    unsigned long long v = (unsigned long long)y << 32 | x;
    unsigned r = 0;
    for (int i = 0; i < 4; i++) r |= (unsigned)((v >> (8 * ((s >> (4 * i)) & 7))) & 0xff) << (8 * i);
    return r;
}

inline void __syncwarp(unsigned = 0xffffffffu) { emu_yield(EMU_AT_WARP); }

inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
// __ffs is the 1-based position of the lowest set bit, 0 for none.
inline int __ffs(int x) { return __builtin_ffs(x); }
// __clzll is the number of leading zero bits, 64 for 0.
inline int __clzll(long long x) { return x == 0 ? 64 : __builtin_clzll((unsigned long long)x); }

inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
    return std::atomic_ref<unsigned long long>(*p).fetch_add(v);
}
inline unsigned atomicAdd(unsigned* p, unsigned v) { return std::atomic_ref<unsigned>(*p).fetch_add(v); }
inline unsigned long long atomicMin(unsigned long long* p, unsigned long long v) {
    std::atomic_ref<unsigned long long> a(*p);
    unsigned long long old = a.load();
    while (v < old && !a.compare_exchange_weak(old, v)) {
    }
    return old;
}
inline unsigned long long atomicMax(unsigned long long* p, unsigned long long v) {
    std::atomic_ref<unsigned long long> a(*p);
    unsigned long long old = a.load();
    while (v > old && !a.compare_exchange_weak(old, v)) {
    }
    return old;
}
inline double atomicAdd(double* p, double v) {
    std::atomic_ref<double> a(*p);
    double old = a.load();
    while (!a.compare_exchange_weak(old, old + v)) {
    }
    return old;
}
inline long long __double_as_longlong(double d) {
    long long x;
    std::memcpy(&x, &d, 8);
    return x;
}
inline double __longlong_as_double(long long x) {
    double d;
    std::memcpy(&d, &x, 8);
    return d;
}

// ---- launches -----------------------------------------------------------

// emu_threads is the number of worker threads blocks are shared among.
inline int emu_threads() {
    if (const char* s = std::getenv("EMU_THREADS")) {
        int n = std::atoi(s);
        if (n > 0) return n;
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

// emu_launch_body runs body(arg) for every thread of grid x block.
inline void emu_launch_body(emu_dim3 grid, emu_dim3 block, void (*body)(void*), void* arg) {
    gridDim = grid;
    blockDim = block;
    long long nb = (long long)grid.x * grid.y * grid.z;
    if (nb == 0 || block.x * block.y * block.z == 0) return;
    std::atomic<long long> next{0};
    auto work = [&] {
        static thread_local emu_block b;
        for (long long k; (k = next.fetch_add(1)) < nb;) {
            emu_dim3 blk{unsigned(k % grid.x), unsigned(k / grid.x % grid.y), unsigned(k / ((long long)grid.x * grid.y))};
            emu_run_block(b, blk, body, arg);
        }
    };
    int nthreads = (int)std::min<long long>(emu_threads(), nb);
    std::vector<std::thread> pool;
    for (int i = 1; i < nthreads; i++)
        pool.emplace_back([&] {
            sigset_t all;  // signals go to the caller's threads, never to a worker on a fiber stack
            sigfillset(&all);
            pthread_sigmask(SIG_BLOCK, &all, nullptr);
            work();
        });
    work();
    for (auto& t : pool) t.join();
}

// emu_launch runs kernel(args...) over grid x block.
template <class K, class... A>
void emu_launch(emu_dim3 grid, emu_dim3 block, K kernel, A... args) {
    struct call {
        K k;
        std::tuple<A...> a;
    } c{kernel, {args...}};
    emu_launch_body(
        grid, block, [](void* p) { std::apply(((call*)p)->k, ((call*)p)->a); }, &c);
}
