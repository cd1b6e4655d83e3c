// A tiny host emulator of the CUDA features squid.cu uses, so the kernels'
// logic is tested on machines without a GPU: each block runs as blockDim
// std::threads (one block at a time, so __shared__ can be a static),
// __syncthreads is a block barrier, __ballot_sync a warp barrier, and the
// atomics are std::atomic_ref. It checks logic, not speed or memory model.
#pragma once
#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

struct emu_dim3 {
    unsigned x = 1, y = 1, z = 1;
};
inline thread_local emu_dim3 threadIdx, blockIdx;
inline thread_local int emu_warp, emu_lane;
inline emu_dim3 blockDim, gridDim;
inline std::barrier<>* emu_block_barrier;
inline std::vector<std::unique_ptr<std::barrier<>>> emu_warp_barriers;
inline std::vector<unsigned> emu_warp_votes;

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static

inline void __syncthreads() { emu_block_barrier->arrive_and_wait(); }
inline int __popc(unsigned x) { return __builtin_popcount(x); }

inline unsigned __ballot_sync(unsigned, bool pred) {
    auto& b = *emu_warp_barriers[emu_warp];
    std::atomic_ref<unsigned> v(emu_warp_votes[emu_warp]);
    if (pred) v.fetch_or(1u << emu_lane);
    b.arrive_and_wait();
    unsigned r = v.load();
    b.arrive_and_wait();
    if (emu_lane == 0) v.store(0);
    b.arrive_and_wait();
    return r;
}

inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
    return std::atomic_ref<unsigned long long>(*p).fetch_add(v);
}
inline unsigned atomicAdd(unsigned* p, unsigned v) { return std::atomic_ref<unsigned>(*p).fetch_add(v); }
inline double atomicAdd(double* p, double v) {
    static std::mutex mu;
    std::lock_guard<std::mutex> g(mu);
    double old = *p;
    *p += v;
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

// emu_launch runs kernel(args...) over grid x block.
template <class K, class... A>
void emu_launch(emu_dim3 grid, emu_dim3 block, K kernel, A... args) {
    gridDim = grid;
    blockDim = block;
    int nt = block.x * block.y * block.z;
    for (unsigned bz = 0; bz < grid.z; bz++)
        for (unsigned by = 0; by < grid.y; by++)
            for (unsigned bx = 0; bx < grid.x; bx++) {
                std::barrier<> bar(nt);
                emu_block_barrier = &bar;
                int nw = (nt + 31) / 32;
                emu_warp_barriers.clear();
                emu_warp_votes.assign(nw, 0);
                for (int w = 0; w < nw; w++)
                    emu_warp_barriers.emplace_back(new std::barrier<>(std::min(32, nt - 32 * w)));
                std::vector<std::thread> ts;
                for (int t = 0; t < nt; t++)
                    ts.emplace_back([&, t] {
                        threadIdx = {unsigned(t % block.x), unsigned(t / block.x % block.y), unsigned(t / (block.x * block.y))};
                        blockIdx = {bx, by, bz};
                        emu_warp = t / 32;
                        emu_lane = t % 32;
                        kernel(args...);
                        // A thread that returned early no longer holds the others up.
                        emu_warp_barriers[emu_warp]->arrive_and_drop();
                        bar.arrive_and_drop();
                    });
                for (auto& th : ts) th.join();
            }
}
