// Streams and events of the stand-in driver. Work runs to completion when
// it is issued, so a stream is only a handle and an event is the host time
// at which it was recorded (for cuEventElapsedTime in timing code). The
// entry points still check their handles as the driver does: a destroyed
// stream or event is CUDA_ERROR_INVALID_HANDLE, so code that orders two
// streams with events (cuStreamWaitEvent) is exercised here even though
// the ordering itself is trivially kept.
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

bool standin::streamValid(CUstream s) {
    // CU_STREAM_LEGACY and CU_STREAM_PER_THREAD are the handles 1 and 2.
    if (s == nullptr || s == CU_STREAM_LEGACY || s == CU_STREAM_PER_THREAD) return true;
    return !((Stream*)s)->destroyed;
}

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

CUresult cuStreamWaitEvent(CUstream s, CUevent e, unsigned int flags) {
    ENTER_CONTEXT("cuStreamWaitEvent");
    Stream* st = (Stream*)s;
    Event* ev = (Event*)e;
    if (st != nullptr && st->destroyed) return CUDA_ERROR_INVALID_HANDLE;
    if (ev == nullptr || ev->destroyed) return CUDA_ERROR_INVALID_HANDLE;
    if (flags != 0) return CUDA_ERROR_INVALID_VALUE;
    return CUDA_SUCCESS;  // the event's work is complete: it ran when issued
}

CUresult cuStreamQuery(CUstream s) {
    ENTER_CONTEXT("cuStreamQuery");
    Stream* st = (Stream*)s;
    if (st != nullptr && st->destroyed) return CUDA_ERROR_INVALID_HANDLE;
    return CUDA_SUCCESS;
}

CUresult cuEventQuery(CUevent e) {
    ENTER_CONTEXT("cuEventQuery");
    Event* ev = (Event*)e;
    if (ev == nullptr || ev->destroyed) return CUDA_ERROR_INVALID_HANDLE;
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
