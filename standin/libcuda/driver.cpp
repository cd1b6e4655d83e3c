// The stand-in CUDA driver: a libcuda.so.1 that implements on the host the
// driver-API entry points gorgonia.org/cu and package cuda call, so the
// CUDA build of squid runs (and is tested in CI) without a GPU. Kernels run
// through the host emulator (kernels/hostemu/emu.h); kernels.h lists them.
// Every other entry point of cuda.h is a generated stub that returns
// CUDA_ERROR_NOT_SUPPORTED (stubs.cpp, made by build.sh).
//
// It fails where a GPU would: device addresses are non-canonical (a host
// dereference of one faults), pointer arguments of a launch must lie in a
// live allocation (else the launch faults with CUDA_ERROR_ILLEGAL_ADDRESS,
// which like on a GPU is sticky: every later call in that context returns
// it), calls need a current context, fresh allocations hold garbage (0xFF
// bytes: NaN for floats, all ones for integers), and an allocation ends at
// an unmapped guard page. See faults.cpp for fault injection and the
// environment variables.
#include "driver.h"

#include <sys/mman.h>

#include <cstdio>
#include <cstring>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "kernels.h"

namespace standin {

std::mutex mu;
static bool initialized;

// ---- contexts -------------------------------------------------------------

struct Context {
    int device;
    CUresult sticky = CUDA_SUCCESS;  // a fault: every later call returns it
    bool destroyed = false;
};
static thread_local Context* current;

CUresult needContext() {
    if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (current == nullptr) return CUDA_ERROR_INVALID_CONTEXT;
    if (current->destroyed) return CUDA_ERROR_CONTEXT_IS_DESTROYED;
    return current->sticky;
}

void makeSticky(CUresult r) {
    if (current != nullptr && current->sticky == CUDA_SUCCESS) current->sticky = r;
}

// ---- memory ---------------------------------------------------------------

// Device addresses start at a non-canonical x86-64 address: a host load
// from one faults instead of reading something.
constexpr uint64_t kDeviceBase = 0xD5D0'0000'0000'0000ull;
constexpr uint64_t kPage = 4096;

struct Allocation {
    uint64_t size;
    char* host;       // the bytes, ending just before the guard page
    char* map;        // the whole mapping
    uint64_t mapped;  // its length, guard page included
};
static std::map<uint64_t, Allocation> allocations;  // by device address
static uint64_t nextAddress = kDeviceBase;
static uint64_t used;

static uint64_t roundUp(uint64_t x, uint64_t to) { return (x + to - 1) / to * to; }

// find returns the allocation holding [p, p+n) (n >= 1), or nullptr.
static const Allocation* find(uint64_t p, uint64_t n, uint64_t* offset) {
    auto it = allocations.upper_bound(p);
    if (it == allocations.begin()) return nullptr;
    --it;
    uint64_t off = p - it->first;
    if (off >= it->second.size || n > it->second.size - off) return nullptr;
    *offset = off;
    return &it->second;
}

char* hostAddress(uint64_t p, uint64_t n) {
    uint64_t off;
    const Allocation* a = find(p, n == 0 ? 1 : n, &off);
    return a == nullptr ? nullptr : a->host + off;
}

static CUresult allocate(CUdeviceptr* out, size_t bytes) {
    if (out == nullptr || bytes == 0) return CUDA_ERROR_INVALID_VALUE;
    if (bytes > memoryTotal() - used) return CUDA_ERROR_OUT_OF_MEMORY;
    uint64_t body = roundUp(bytes, 16), mapped = roundUp(body, kPage) + kPage;
    void* m = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return CUDA_ERROR_OUT_OF_MEMORY;
    char* map = (char*)m;
    mprotect(map + mapped - kPage, kPage, PROT_NONE);
    char* host = map + mapped - kPage - body;
    std::memset(host, 0xFF, body);  // garbage, not zeros
    uint64_t addr = nextAddress;
    nextAddress += roundUp(bytes, 256) + (1 << 20);  // a gap: an overrun never lands in a neighbour
    allocations[addr] = Allocation{bytes, host, map, mapped};
    used += bytes;
    *out = addr;
    return CUDA_SUCCESS;
}

static CUresult release(CUdeviceptr p) {
    auto it = allocations.find(p);
    if (it == allocations.end()) return CUDA_ERROR_INVALID_VALUE;
    munmap(it->second.map, it->second.mapped);
    used -= it->second.size;
    allocations.erase(it);
    return CUDA_SUCCESS;
}

// ---- modules ----------------------------------------------------------------

struct Module {
    std::vector<std::string> entries;  // the PTX's .entry names
    bool loaded = true;
};
struct Function {
    Module* module;
    const KernelDesc* kernel;
};

// entries lists the .entry names of a PTX text.
static std::vector<std::string> entries(const char* ptx) {
    std::vector<std::string> out;
    for (const char* p = std::strstr(ptx, ".entry"); p != nullptr; p = std::strstr(p + 6, ".entry")) {
        const char* q = p + 6;
        while (*q == ' ' || *q == '\t') q++;
        const char* e = q;
        while ((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z') || (*e >= '0' && *e <= '9') || *e == '_' || *e == '$') e++;
        if (e > q) out.emplace_back(q, e);
    }
    return out;
}

// copyHtoD, copyDtoH and setD8 are the bodies of the synchronous and
// asynchronous copies and sets (every stream runs at once here).
static CUresult copyHtoD(CUdeviceptr dst, const void* src, size_t n) {
    if (n == 0) return CUDA_SUCCESS;
    char* d = hostAddress(dst, n);
    if (d == nullptr || src == nullptr) return CUDA_ERROR_INVALID_VALUE;
    std::memcpy(d, src, n);
    return CUDA_SUCCESS;
}

static CUresult copyDtoH(void* dst, CUdeviceptr src, size_t n) {
    if (n == 0) return CUDA_SUCCESS;
    char* s = hostAddress(src, n);
    if (s == nullptr || dst == nullptr) return CUDA_ERROR_INVALID_VALUE;
    std::memcpy(dst, s, n);
    return CUDA_SUCCESS;
}

static CUresult setD8(CUdeviceptr dst, unsigned char v, size_t n) {
    if (n == 0) return CUDA_SUCCESS;
    char* d = hostAddress(dst, n);
    if (d == nullptr) return CUDA_ERROR_INVALID_VALUE;
    std::memset(d, v, n);
    return CUDA_SUCCESS;
}

}  // namespace standin

using namespace standin;

extern "C" {

// ---- initialisation and devices ---------------------------------------------

CUresult cuInit(unsigned int flags) {
    ENTER("cuInit");
    if (flags != 0) return CUDA_ERROR_INVALID_VALUE;
    if (deviceCount() == 0) return CUDA_ERROR_NO_DEVICE;
    initialized = true;
    return CUDA_SUCCESS;
}

CUresult cuDriverGetVersion(int* v) {
    ENTER("cuDriverGetVersion");
    if (v == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *v = 11080;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetCount(int* n) {
    ENTER("cuDeviceGetCount");
    if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (n == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *n = deviceCount();
    return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice* d, int ordinal) {
    ENTER("cuDeviceGet");
    if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (d == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (ordinal < 0 || ordinal >= deviceCount()) return CUDA_ERROR_INVALID_DEVICE;
    *d = ordinal;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char* name, int len, CUdevice d) {
    ENTER("cuDeviceGetName");
    if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (name == nullptr || len <= 0) return CUDA_ERROR_INVALID_VALUE;
    if (d < 0 || d >= deviceCount()) return CUDA_ERROR_INVALID_DEVICE;
    std::snprintf(name, len, "squid stand-in GPU %d (host emulator)", d);
    return CUDA_SUCCESS;
}

CUresult cuDeviceTotalMem(size_t* bytes, CUdevice d) {
    ENTER("cuDeviceTotalMem");
    if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (bytes == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (d < 0 || d >= deviceCount()) return CUDA_ERROR_INVALID_DEVICE;
    *bytes = memoryTotal();
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int* v, CUdevice_attribute a, CUdevice d) {
    ENTER("cuDeviceGetAttribute");
    if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (v == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (d < 0 || d >= deviceCount()) return CUDA_ERROR_INVALID_DEVICE;
    switch (a) {  // an H200's values
    case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK: *v = 1024; break;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X:
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y: *v = 1024; break;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z: *v = 64; break;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X: *v = 2147483647; break;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y:
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z: *v = 65535; break;
    case CU_DEVICE_ATTRIBUTE_WARP_SIZE: *v = 32; break;
    case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: *v = 132; break;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: *v = 9; break;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: *v = 0; break;
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK: *v = 48 << 10; break;
    case CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING: *v = 1; break;
    default: *v = 0;
    }
    return CUDA_SUCCESS;
}

// ---- contexts -----------------------------------------------------------------

CUresult cuCtxCreate(CUcontext* c, unsigned int flags, CUdevice d) {
    ENTER("cuCtxCreate");
    if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (c == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (d < 0 || d >= deviceCount()) return CUDA_ERROR_INVALID_DEVICE;
    (void)flags;
    current = new Context{d};
    *c = (CUcontext)current;
    return CUDA_SUCCESS;
}

CUresult cuCtxDestroy(CUcontext c) {
    ENTER("cuCtxDestroy");
    if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
    Context* ctx = (Context*)c;
    if (ctx == nullptr || ctx->destroyed) return CUDA_ERROR_INVALID_CONTEXT;
    ctx->destroyed = true;  // never freed: a stale handle stays detectable
    if (current == ctx) current = nullptr;
    return CUDA_SUCCESS;
}

CUresult cuCtxSetCurrent(CUcontext c) {
    ENTER("cuCtxSetCurrent");
    if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
    Context* ctx = (Context*)c;
    if (ctx != nullptr && ctx->destroyed) return CUDA_ERROR_INVALID_CONTEXT;
    current = ctx;
    return CUDA_SUCCESS;
}

CUresult cuCtxGetCurrent(CUcontext* c) {
    ENTER("cuCtxGetCurrent");
    if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (c == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *c = (CUcontext)current;
    return CUDA_SUCCESS;
}

CUresult cuCtxPushCurrent(CUcontext c) {
    ENTER("cuCtxPushCurrent");
    if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
    Context* ctx = (Context*)c;
    if (ctx == nullptr || ctx->destroyed) return CUDA_ERROR_INVALID_CONTEXT;
    current = ctx;  // a one-deep stack: squid never nests contexts
    return CUDA_SUCCESS;
}

CUresult cuCtxPopCurrent(CUcontext* c) {
    ENTER("cuCtxPopCurrent");
    NEED_CONTEXT();
    if (c != nullptr) *c = (CUcontext)current;
    current = nullptr;
    return CUDA_SUCCESS;
}

CUresult cuCtxGetDevice(CUdevice* d) {
    ENTER("cuCtxGetDevice");
    NEED_CONTEXT();
    if (d == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *d = current->device;
    return CUDA_SUCCESS;
}

CUresult cuCtxSynchronize(void) {
    ENTER("cuCtxSynchronize");
    NEED_CONTEXT();
    return CUDA_SUCCESS;  // launches and copies complete before they return
}

// ---- memory ---------------------------------------------------------------------

CUresult cuMemGetInfo(size_t* free, size_t* total) {
    ENTER("cuMemGetInfo");
    NEED_CONTEXT();
    if (free == nullptr || total == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *total = memoryTotal();
    *free = memoryTotal() - used;
    return CUDA_SUCCESS;
}

CUresult cuMemAlloc(CUdeviceptr* p, size_t bytes) {
    ENTER("cuMemAlloc");
    NEED_CONTEXT();
    return allocate(p, bytes);
}

CUresult cuMemFree(CUdeviceptr p) {
    ENTER("cuMemFree");
    NEED_CONTEXT();
    return release(p);
}

CUresult cuMemAllocHost(void** p, size_t bytes) {
    ENTER("cuMemAllocHost");
    NEED_CONTEXT();
    if (p == nullptr || bytes == 0) return CUDA_ERROR_INVALID_VALUE;
    *p = std::malloc(bytes);
    return *p == nullptr ? CUDA_ERROR_OUT_OF_MEMORY : CUDA_SUCCESS;
}

CUresult cuMemFreeHost(void* p) {
    ENTER("cuMemFreeHost");
    NEED_CONTEXT();
    std::free(p);
    return CUDA_SUCCESS;
}

CUresult cuMemcpyHtoD(CUdeviceptr dst, const void* src, size_t n) {
    ENTER("cuMemcpyHtoD");
    NEED_CONTEXT();
    return copyHtoD(dst, src, n);
}

CUresult cuMemcpyDtoH(void* dst, CUdeviceptr src, size_t n) {
    ENTER("cuMemcpyDtoH");
    NEED_CONTEXT();
    return copyDtoH(dst, src, n);
}

CUresult cuMemcpyDtoD(CUdeviceptr dst, CUdeviceptr src, size_t n) {
    ENTER("cuMemcpyDtoD");
    NEED_CONTEXT();
    if (n == 0) return CUDA_SUCCESS;
    char *d = hostAddress(dst, n), *s = hostAddress(src, n);
    if (d == nullptr || s == nullptr) return CUDA_ERROR_INVALID_VALUE;
    std::memmove(d, s, n);
    return CUDA_SUCCESS;
}

// The async copies run at once (every stream is synchronous here); the
// stream handle is checked by standin::streamValid (events.cpp).
CUresult cuMemcpyHtoDAsync(CUdeviceptr dst, const void* src, size_t n, CUstream s) {
    ENTER("cuMemcpyHtoDAsync");
    NEED_CONTEXT();
    if (!streamValid(s)) return CUDA_ERROR_INVALID_HANDLE;
    return copyHtoD(dst, src, n);
}

CUresult cuMemcpyDtoHAsync(void* dst, CUdeviceptr src, size_t n, CUstream s) {
    ENTER("cuMemcpyDtoHAsync");
    NEED_CONTEXT();
    if (!streamValid(s)) return CUDA_ERROR_INVALID_HANDLE;
    return copyDtoH(dst, src, n);
}

CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char v, size_t n, CUstream s) {
    ENTER("cuMemsetD8Async");
    NEED_CONTEXT();
    if (!streamValid(s)) return CUDA_ERROR_INVALID_HANDLE;
    return setD8(dst, v, n);
}

CUresult cuMemsetD8(CUdeviceptr dst, unsigned char v, size_t n) {
    ENTER("cuMemsetD8");
    NEED_CONTEXT();
    return setD8(dst, v, n);
}

CUresult cuMemsetD32(CUdeviceptr dst, unsigned int v, size_t n) {
    ENTER("cuMemsetD32");
    NEED_CONTEXT();
    if (n == 0) return CUDA_SUCCESS;
    char* d = hostAddress(dst, n * 4);
    if (d == nullptr || dst % 4 != 0) return CUDA_ERROR_INVALID_VALUE;
    for (size_t i = 0; i < n; i++) std::memcpy(d + 4 * i, &v, 4);
    return CUDA_SUCCESS;
}

// ---- modules and launches -------------------------------------------------------

CUresult cuModuleLoadData(CUmodule* m, const void* image) {
    ENTER("cuModuleLoadData");
    NEED_CONTEXT();
    if (m == nullptr || image == nullptr) return CUDA_ERROR_INVALID_VALUE;
    std::vector<std::string> names = entries((const char*)image);
    if (names.empty()) return CUDA_ERROR_INVALID_IMAGE;
    *m = (CUmodule) new Module{names};
    return CUDA_SUCCESS;
}

CUresult cuModuleUnload(CUmodule m) {
    ENTER("cuModuleUnload");
    NEED_CONTEXT();
    Module* mod = (Module*)m;
    if (mod == nullptr || !mod->loaded) return CUDA_ERROR_INVALID_HANDLE;
    mod->loaded = false;  // never freed: functions of it stay detectable
    return CUDA_SUCCESS;
}

CUresult cuModuleGetFunction(CUfunction* f, CUmodule m, const char* name) {
    ENTER("cuModuleGetFunction");
    NEED_CONTEXT();
    Module* mod = (Module*)m;
    if (f == nullptr || name == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (mod == nullptr || !mod->loaded) return CUDA_ERROR_INVALID_HANDLE;
    bool inPTX = false;
    for (auto& e : mod->entries) inPTX = inPTX || e == name;
    if (!inPTX) return CUDA_ERROR_NOT_FOUND;
    for (int k = 0; k < kernelCount; k++)
        if (std::strcmp(kernels[k].name, name) == 0) {
            *f = (CUfunction) new Function{mod, &kernels[k]};
            return CUDA_SUCCESS;
        }
    std::fprintf(stderr, "squid stand-in: kernel %s is in the PTX but not emulated (run go generate ./kernels)\n", name);
    return CUDA_ERROR_NOT_FOUND;
}

CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned sharedBytes, CUstream stream, void** params, void** extra) {
    ENTER("cuLaunchKernel");
    NEED_CONTEXT();
    if (!streamValid(stream)) return CUDA_ERROR_INVALID_HANDLE;
    Function* fn = (Function*)f;
    if (fn == nullptr || !fn->module->loaded) return CUDA_ERROR_INVALID_HANDLE;
    if (extra != nullptr || (params == nullptr && fn->kernel->params[0] != 0)) return CUDA_ERROR_INVALID_VALUE;
    if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0 || gy > 65535 || gz > 65535 || bz > 64 ||
        uint64_t(bx) * by * bz > 1024 || sharedBytes > (48u << 10))
        return CUDA_ERROR_INVALID_VALUE;
    const KernelDesc& k = *fn->kernel;
    std::vector<uint64_t> args;
    for (int i = 0; k.params[i] != 0; i++) {
        uint64_t v;
        std::memcpy(&v, params[i], 8);
        if (k.params[i] == 'p' && v != 0) {
            char* h = hostAddress(v, 1);
            if (h == nullptr) {
                if (trace())
                    std::fprintf(stderr, "squid stand-in: %s argument %d (0x%llx) is not in a live allocation\n", k.name, i,
                                 (unsigned long long)v);
                makeSticky(CUDA_ERROR_ILLEGAL_ADDRESS);  // the kernel faults; the launch call itself succeeds
                return CUDA_SUCCESS;
            }
            v = (uint64_t)h;
        }
        args.push_back(v);
    }
    unsigned grid[3] = {gx, gy, gz}, block[3] = {bx, by, bz};
    k.launch(grid, block, args.data());
    return CUDA_SUCCESS;
}

}  // extern "C"
