// Shared state of the stand-in CUDA driver (see driver.cpp).
#pragma once
#include <cuda.h>

#include <cstdint>
#include <mutex>

namespace standin {

// mu serialises every entry point, as a real context serialises its work.
extern std::mutex mu;

// inject counts a call of entry point name and returns the error that
// SQUIDSTUB_FAIL asks for, or CUDA_SUCCESS (faults.cpp).
CUresult inject(const char* name);
// deviceCount is SQUIDSTUB_DEVICES (default 1).
int deviceCount();
// memoryTotal is SQUIDSTUB_MEMORY in bytes (default 8 GiB).
uint64_t memoryTotal();
// trace reports whether SQUIDSTUB_TRACE is set.
bool trace();

// needContext returns the error of a call that needs a current, healthy
// context, or CUDA_SUCCESS.
CUresult needContext();
// makeSticky poisons the current context with a fault.
void makeSticky(CUresult r);
// hostAddress translates device range [p, p+n) inside one live allocation
// to the host address of its bytes, or returns nullptr.
char* hostAddress(uint64_t p, uint64_t n);
// streamValid reports whether s is the null stream or a live stream
// (events.cpp).
bool streamValid(CUstream s);

}  // namespace standin

// ENTER starts every entry point: it takes the driver's lock and counts the
// call for fault injection, returning an injected failure.
#define ENTER(name)                                 \
    std::lock_guard<std::mutex> lock_(standin::mu); \
    if (CUresult injected_ = standin::inject(name)) \
        return injected_;

// NEED_CONTEXT returns from a call that needs a current, healthy context.
#define NEED_CONTEXT()                        \
    if (CUresult r_ = standin::needContext()) \
        return r_;

// ENTER_CONTEXT is ENTER then NEED_CONTEXT.
#define ENTER_CONTEXT(name) \
    ENTER(name)             \
    NEED_CONTEXT()
