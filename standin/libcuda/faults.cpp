// The stand-in driver's settings and fault injection, read once from the
// environment:
//
//   SQUIDSTUB_DEVICES=N       GPUs reported (default 1; 0 makes cuInit fail
//                             with CUDA_ERROR_NO_DEVICE, as on a machine with
//                             a driver and no GPU)
//   SQUIDSTUB_MEMORY=SIZE     device memory, bytes or with K, M, G (default 8G)
//   SQUIDSTUB_FAIL=SPEC,...   calls that fail: N (the N-th call of the process,
//                             1-based, cuInit included), N+ (every call from
//                             the N-th on), NAME (every call of entry point
//                             NAME, e.g. cuMemAlloc, without _v2), NAME@N and
//                             NAME@N+ (counting only that entry point's calls)
//   SQUIDSTUB_FAIL_CODE=CODE  the CUresult they return (default 999,
//                             CUDA_ERROR_UNKNOWN); a sticky code (700, 714-719)
//                             also poisons the context, as a GPU fault does
//   SQUIDSTUB_TRACE=1         every call, and every fault, on stderr
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "driver.h"

namespace standin {
namespace {

struct Rule {
    std::string name;  // empty: any entry point
    long long n = 0;   // 0: every call
    bool from = false; // N+: the N-th and every later call
};

struct Settings {
    int devices = 1;
    uint64_t memory = 8ull << 30;
    std::vector<Rule> rules;
    CUresult code = CUDA_ERROR_UNKNOWN;
    bool trace = false;
};

[[noreturn]] void bad(const char* var, const char* value) {
    std::fprintf(stderr, "squid stand-in: cannot parse %s=%s\n", var, value);
    std::exit(2);
}

uint64_t parseSize(const char* s) {
    char* end;
    unsigned long long v = std::strtoull(s, &end, 10);
    if (end == s) bad("SQUIDSTUB_MEMORY", s);
    switch (*end) {
    case 'G': case 'g': v <<= 30; end++; break;
    case 'M': case 'm': v <<= 20; end++; break;
    case 'K': case 'k': v <<= 10; end++; break;
    }
    if (*end != 0) bad("SQUIDSTUB_MEMORY", s);
    return v;
}

Settings load() {
    Settings s;
    if (const char* v = std::getenv("SQUIDSTUB_DEVICES")) {
        char* end;
        long n = std::strtol(v, &end, 10);
        if (end == v || *end != 0 || n < 0) bad("SQUIDSTUB_DEVICES", v);
        s.devices = (int)n;
    }
    if (const char* v = std::getenv("SQUIDSTUB_MEMORY")) s.memory = parseSize(v);
    if (const char* v = std::getenv("SQUIDSTUB_FAIL_CODE")) {
        char* end;
        long n = std::strtol(v, &end, 10);
        if (end == v || *end != 0 || n <= 0) bad("SQUIDSTUB_FAIL_CODE", v);
        s.code = (CUresult)n;
    }
    if (const char* v = std::getenv("SQUIDSTUB_TRACE")) s.trace = *v != 0 && std::strcmp(v, "0") != 0;
    if (const char* v = std::getenv("SQUIDSTUB_FAIL")) {
        std::string all = v;
        size_t at = 0;
        while (at <= all.size()) {
            size_t comma = all.find(',', at);
            std::string spec = all.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
            at = comma == std::string::npos ? all.size() + 1 : comma + 1;
            if (spec.empty()) continue;
            Rule r;
            std::string count = spec;
            if (spec[0] < '0' || spec[0] > '9') {
                size_t a = spec.find('@');
                r.name = spec.substr(0, a);
                count = a == std::string::npos ? "" : spec.substr(a + 1);
            }
            if (!count.empty()) {
                if (count.back() == '+') {
                    r.from = true;
                    count.pop_back();
                }
                char* end;
                r.n = std::strtoll(count.c_str(), &end, 10);
                if (count.empty() || *end != 0 || r.n <= 0) bad("SQUIDSTUB_FAIL", v);
            }
            s.rules.push_back(r);
        }
    }
    return s;
}

const Settings& settings() {
    static const Settings s = load();
    return s;
}

}  // namespace

int deviceCount() { return settings().devices; }
uint64_t memoryTotal() { return settings().memory; }
bool trace() { return settings().trace; }

CUresult inject(const char* name) {
    static long long calls;
    static std::map<std::string, long long> perName;
    const Settings& s = settings();
    long long k = ++calls, kn = ++perName[name];
    for (const Rule& r : s.rules) {
        bool named = !r.name.empty();
        if (named && r.name != name) continue;
        long long c = named ? kn : k;
        if (r.n == 0 || c == r.n || (r.from && c > r.n)) {
            if (s.trace) std::fprintf(stderr, "squid stand-in: call %lld (%s #%lld) fails with %d (injected)\n", k, name, kn, s.code);
            if (s.code == CUDA_ERROR_ILLEGAL_ADDRESS || (s.code >= 714 && s.code <= 719)) makeSticky(s.code);
            return s.code;
        }
    }
    if (s.trace) std::fprintf(stderr, "squid stand-in: call %lld: %s\n", k, name);
    return CUDA_SUCCESS;
}

}  // namespace standin

extern "C" {

// cuGetErrorName and cuGetErrorString name the results the stand-in returns.
CUresult cuGetErrorName(CUresult r, const char** s) {
    static const std::map<int, const char*> names = {
        {CUDA_SUCCESS, "CUDA_SUCCESS"},
        {CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE"},
        {CUDA_ERROR_OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY"},
        {CUDA_ERROR_NOT_INITIALIZED, "CUDA_ERROR_NOT_INITIALIZED"},
        {CUDA_ERROR_NO_DEVICE, "CUDA_ERROR_NO_DEVICE"},
        {CUDA_ERROR_INVALID_DEVICE, "CUDA_ERROR_INVALID_DEVICE"},
        {CUDA_ERROR_INVALID_IMAGE, "CUDA_ERROR_INVALID_IMAGE"},
        {CUDA_ERROR_INVALID_CONTEXT, "CUDA_ERROR_INVALID_CONTEXT"},
        {CUDA_ERROR_INVALID_HANDLE, "CUDA_ERROR_INVALID_HANDLE"},
        {CUDA_ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND"},
        {CUDA_ERROR_ILLEGAL_ADDRESS, "CUDA_ERROR_ILLEGAL_ADDRESS"},
        {CUDA_ERROR_CONTEXT_IS_DESTROYED, "CUDA_ERROR_CONTEXT_IS_DESTROYED"},
        {CUDA_ERROR_LAUNCH_FAILED, "CUDA_ERROR_LAUNCH_FAILED"},
        {CUDA_ERROR_NOT_SUPPORTED, "CUDA_ERROR_NOT_SUPPORTED"},
        {CUDA_ERROR_UNKNOWN, "CUDA_ERROR_UNKNOWN"},
    };
    if (s == nullptr) return CUDA_ERROR_INVALID_VALUE;
    auto it = names.find(r);
    if (it == names.end()) return CUDA_ERROR_INVALID_VALUE;
    *s = it->second;
    return CUDA_SUCCESS;
}

CUresult cuGetErrorString(CUresult r, const char** s) { return cuGetErrorName(r, s); }

}  // extern "C"
