// Streams and events of the stand-in driver. Work runs to completion when
// it is issued, so a stream is only a handle and an event is the host time
// at which it was recorded (for cuEventElapsedTime in timing code).
#include <chrono>

#include "driver.h"

using namespace standin;

namespace {
struct Stream {
    bool destroyed = false;
};
struct Event {
    std::chrono::steady_clock::time_point at;
    bool recorded = false;
    bool destroyed = false;
};
}  // namespace

#define ENTER_CONTEXT(name)                                 \
    std::lock_guard<std::mutex> lock_(standin::mu);         \
    if (CUresult injected_ = standin::inject(name))         \
        return injected_;                                   \
    if (CUresult r_ = standin::needContext())               \
        return r_;

extern "C" {

CUresult cuStreamCreate(CUstream* s, unsigned int) {
    ENTER_CONTEXT("cuStreamCreate");
    if (s == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *s = (CUstream) new Stream;
    return CUDA_SUCCESS;
}

CUresult cuStreamDestroy(CUstream s) {
    ENTER_CONTEXT("cuStreamDestroy");
    Stream* st = (Stream*)s;
    if (st == nullptr || st->destroyed) return CUDA_ERROR_INVALID_HANDLE;
    st->destroyed = true;
    return CUDA_SUCCESS;
}

CUresult cuStreamSynchronize(CUstream s) {
    ENTER_CONTEXT("cuStreamSynchronize");
    Stream* st = (Stream*)s;
    if (st != nullptr && st->destroyed) return CUDA_ERROR_INVALID_HANDLE;
    return CUDA_SUCCESS;
}

CUresult cuEventCreate(CUevent* e, unsigned int) {
    ENTER_CONTEXT("cuEventCreate");
    if (e == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *e = (CUevent) new Event;
    return CUDA_SUCCESS;
}

CUresult cuEventDestroy(CUevent e) {
    ENTER_CONTEXT("cuEventDestroy");
    Event* ev = (Event*)e;
    if (ev == nullptr || ev->destroyed) return CUDA_ERROR_INVALID_HANDLE;
    ev->destroyed = true;
    return CUDA_SUCCESS;
}

CUresult cuEventRecord(CUevent e, CUstream) {
    ENTER_CONTEXT("cuEventRecord");
    Event* ev = (Event*)e;
    if (ev == nullptr || ev->destroyed) return CUDA_ERROR_INVALID_HANDLE;
    ev->at = std::chrono::steady_clock::now();
    ev->recorded = true;
    return CUDA_SUCCESS;
}

CUresult cuEventSynchronize(CUevent e) {
    ENTER_CONTEXT("cuEventSynchronize");
    Event* ev = (Event*)e;
    if (ev == nullptr || ev->destroyed) return CUDA_ERROR_INVALID_HANDLE;
    return CUDA_SUCCESS;
}

CUresult cuEventElapsedTime(float* ms, CUevent a, CUevent b) {
    ENTER_CONTEXT("cuEventElapsedTime");
    Event *ea = (Event*)a, *eb = (Event*)b;
    if (ms == nullptr || ea == nullptr || eb == nullptr || ea->destroyed || eb->destroyed) return CUDA_ERROR_INVALID_HANDLE;
    if (!ea->recorded || !eb->recorded) return CUDA_ERROR_NOT_READY;
    *ms = std::chrono::duration<float, std::milli>(eb->at - ea->at).count();
    return CUDA_SUCCESS;
}

}  // extern "C"
