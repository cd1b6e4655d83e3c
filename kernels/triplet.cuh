// The triplet kernels' device code (included by squid.cu): the sweep over
// an expectation's candidate pairs shared by squid_triplet_mean and
// squid_triplet_median, and the median's selection. See bench/README.md,
// "Triplet solve at m = 2,000". The median writes nothing to global memory
// per value: the block recomputes its expectation's candidate values (the
// pairs matrix stays in L2) once per pass and narrows a key range that
// holds the middle ranks, then keeps the few values left in shared memory
// and sorts them there.

// MEDIAN_BINS is the shared histogram of one pass (16 KiB);
// MEDIAN_KEEP the most values a block compacts into shared memory and
// sorts, in the same 16 KiB. The block has TRIPLET_THREADS threads, and
// MEDIAN_BINS / TRIPLET_THREADS bins per thread in the rank search.
#define MEDIAN_BINS 4096
#define MEDIAN_KEEP 2048
#define MEDIAN_BIN_BITS 12
#define FULL_MASK 0xffffffffu
static_assert(MEDIAN_BINS * sizeof(unsigned) == MEDIAN_KEEP * sizeof(u64), "histogram and kept values share memory");
static_assert(MEDIAN_BINS % TRIPLET_THREADS == 0, "whole bins per thread");

// tripletRow is what a block reads per candidate: expectation LF le's
// moments me[f] = pairs[le*m + f] and the components c[f] (in shared
// memory when m <= TRIPLET_STAGE), beside the pairs matrix.
struct tripletRow {
    const double* pairs;
    const double* me;
    const int* c;
    i64 le, m;
};

// withTripletRow calls f(row) with expectation LF le's row: its moments
// and components c copied into sme and sc when m <= TRIPLET_STAGE, so that
// the sweep reads only pairs[x*m + y] from L2 (8 bytes a value) and the
// rest from shared memory, else read where they lie. The two calls are
// separate instantiations, so the staged one compiles to shared loads.
template <class F>
__device__ __forceinline__ void withTripletRow(const double* pairs, i64 le, const int* c, i64 m, double* sme, int* sc,
                                               F f) {
    if (m > TRIPLET_STAGE) {
        f(tripletRow{pairs, pairs + le * m, c, le, m});
        return;
    }
    for (i64 i = threadIdx.x; i < m; i += blockDim.x) {
        sme[i] = pairs[le * m + i];
        sc[i] = c[i];
    }
    __syncthreads();
    f(tripletRow{pairs, sme, sc, le, m});
}

// tripletKey is the order key of a candidate: the bit pattern of the
// squared triplet value |M_ab M_ac / M_bc| (0 for a zero denominator);
// FlyingSquid's value is its square root. The key is non-negative, so its
// bits order like the numbers, and sqrt is monotone, so the k-th smallest
// value is sqrt of the k-th smallest key: a selection needs no square
// root, only the one or two picked do.
__device__ __forceinline__ u64 tripletKey(double mab, double mac, double mbc, int* zero) {
    *zero = mbc == 0.0;
    return *zero ? 0ull : (u64)__double_as_longlong(fabs(mab * mac / mbc));
}

// keyFilter lets a median pass skip the divide for keys certainly outside
// its range [lo, end): |M_ab M_ac| / |M_bc| < below rounds under lo, and
// > over rounds to end or past it, where below and over are the range's
// bounds as doubles moved by 2^-50 (8.88e-16) outwards (at least two ulps: the
// rounded quotient cannot cross them). The tests use the sign of one FMA,
// |M_ab M_ac| - bound |M_bc| rounded once, which is exact (a result that
// underflows to a zero of either sign fails both strict tests, and so
// does NaN: those take the divide). below = 0 and over = inf filter
// nothing: they stand for a range reaching 0 or the largest keys, or
// bounds too small to move by ulps (subnormal).
struct keyFilter {
    double below, over;
};

__device__ __forceinline__ keyFilter rangeFilter(u64 lo, u64 end) {
    const u64 normal = 1ull << 52, inf = 0x7ff0000000000000ull;
    double b = lo >= normal && lo < inf ? __longlong_as_double((long long)lo) * (1 - 8.8817841970012523e-16) : 0.0;
    double o = end >= normal && end < inf ? __longlong_as_double((long long)end) * (1 + 8.8817841970012523e-16) : INFINITY;
    return {b, o};
}

// MEDIAN_OVER_KEY is the key given to values certainly over a filtered
// range (above every finite key's range end, below MEDIAN_KEY_END).
#define MEDIAN_OVER_KEY 0x7fffffffffffffffull

// filteredKey is tripletKey(mab, mac, mbc) for keys in the filter's range,
// and 0 or MEDIAN_OVER_KEY for those certainly under or over it.
__device__ __forceinline__ u64 filteredKey(double mab, double mac, double mbc, keyFilter k, int* zero) {
    double p = mab * mac;  // as the CPU, the product first
    *zero = mbc == 0.0;
    if (*zero || fma(-k.below, fabs(mbc), fabs(p)) < 0) return 0;
    if (fma(-k.over, fabs(mbc), fabs(p)) > 0) return MEDIAN_OVER_KEY;
    return (u64)__double_as_longlong(fabs(p / mbc));
}

// forEachTripletKey calls f(ok, key, zero) in every thread of the block the
// same number of times, so that f may use warp primitives: once per slot
// (x, y = y0 + threadIdx.x) of a block-wide sweep over the pairs x < y,
// with ok set when the slot is a candidate pair of expectation LF le: x
// and y differ from le, lie in other components than le, and in different
// components from each other. With a filter, keys certainly outside its
// range come as 0 or MEDIAN_OVER_KEY (see filteredKey).
template <bool Filter, class F>
__device__ __forceinline__ void forEachTripletKey(const tripletRow& r, keyFilter kf, F f) {
    const int m = (int)r.m, le = (int)r.le;  // m < 2^31: the pairs matrix holds m^2 doubles
    const int ce = r.c[le];
    for (int x = 0; x < m; x++) {
        const int cx = r.c[x];
        if (x == le || cx == ce) continue;  // the same x in every thread
        const double mex = r.me[x];
        const double* px = r.pairs + (i64)x * m;
        for (int y = x + 1 + (int)threadIdx.x; y - (int)threadIdx.x < m; y += blockDim.x) {
            int cy = y < m ? r.c[y] : ce;
            bool ok = y != le && cy != ce && cy != cx;
            int zero = 0;
            u64 key = 0;
            if (ok) key = Filter ? filteredKey(mex, r.me[y], px[y], kf, &zero) : tripletKey(mex, r.me[y], px[y], &zero);
            f(ok, key, zero);
        }
    }
}

// laneBelow is the mask of the lanes below the calling one.
__device__ __forceinline__ unsigned laneBelow() { return (1u << (threadIdx.x & 31)) - 1; }

// warpHistAdd adds 1 to hist[bin] for every lane of the warp with in set.
// The lanes sharing the bin of the first two lanes still to add (in lane
// order) add with one atomic each group, the rest one atomic per lane: a
// pass's values crowd into few bins (the first pass's bins are whole
// binades), and same-address shared atomics of one warp serialise.
__device__ __forceinline__ void warpHistAdd(unsigned* hist, bool in, unsigned bin) {
    unsigned todo = __ballot_sync(FULL_MASK, in);
    for (int round = 0; round < 2 && todo; round++) {
        int src = __ffs(todo) - 1;
        unsigned lead = __shfl_sync(FULL_MASK, bin, src);
        unsigned peers = __ballot_sync(FULL_MASK, in && bin == lead) & todo;
        if ((int)(threadIdx.x & 31) == src) atomicAdd(&hist[lead], (unsigned)__popc(peers));
        todo &= ~peers;
    }
    if (todo & (1u << (threadIdx.x & 31))) atomicAdd(&hist[bin], 1u);
}

// medianRange is the state of one block's selection, in shared memory:
// the middle ranks k[0] <= k[1] (0-based, of n values; k[1] = k[0] + 1
// for even n) lie among the count values whose keys are in [lo, lo +
// width), with below values under lo. shift is the next pass's bin width,
// 2^shift. mid != 0 when a pass put the two ranks in different bins: then
// the bins between them are empty, k[0] is the largest key under mid and
// k[1] the smallest at or above it.
struct medianRange {
    u64 lo, width, mid, below, count, n, zeros;
    u64 k[2];
    int shift;
    int passes;  // sweeps over the values so far
};

// MEDIAN_KEY_END bounds every key: non-negative doubles (NaN included)
// have the sign bit clear.
#define MEDIAN_KEY_END (1ull << 63)

// binShift is the least shift with (width - 1) >> shift < MEDIAN_BINS.
__device__ __forceinline__ int binShift(u64 width) {
    int bits = 64 - __clzll((long long)(width - 1));
    return bits > MEDIAN_BIN_BITS ? bits - MEDIAN_BIN_BITS : 0;
}

// findBin returns the bin holding rank r (0-based) of the histogram, whose
// thread t's MEDIAN_BINS / TRIPLET_THREADS bins sum to part[t], and the
// number of values in the bins before it (*before). Thread 0 only.
__device__ int findBin(const unsigned* hist, const u64* part, u64 r, u64* before) {
    const int per = MEDIAN_BINS / TRIPLET_THREADS;
    u64 acc = 0;
    int t = 0;
    while (t < TRIPLET_THREADS - 1 && acc + part[t] <= r) acc += part[t++];
    int b = t * per;
    while (b < t * per + per - 1 && acc + hist[b] <= r) acc += hist[b++];
    *before = acc;
    return b;
}

// medianGuess is the key of the first candidate pair with a non-zero
// denominator among the sweep's first few hundred slots, or that of 1.0:
// the first pass's window is centred on it. Thread 0 only.
__device__ u64 medianGuess(const tripletRow& r) {
    const int m = (int)r.m, le = (int)r.le, ce = r.c[le];
    int tries = 0;
    for (int x = 0; x < m && tries < 512; x++) {
        if (x == le || r.c[x] == ce) continue;
        for (int y = x + 1; y < m && tries < 512; y++, tries++) {
            int zero;
            if (y == le || r.c[y] == ce || r.c[y] == r.c[x]) continue;
            u64 key = tripletKey(r.me[x], r.me[y], r.pairs[(i64)x * m + y], &zero);
            if (!zero) return key;
        }
    }
    return (u64)__double_as_longlong(1.0);
}

// medianStart sets s to a first window of four binades around the guess
// (bins of 1/1024 binade): triplet values crowd around the expectation's
// accuracy, so the middle ranks usually fall in it and the second pass
// already leaves few values; if not, the next pass takes the keys under or
// over the window.
__device__ void medianStart(const tripletRow& row, medianRange* s) {
    if (threadIdx.x == 0) {
        u64 binade = medianGuess(row) >> 52;
        u64 lo = binade >= 2 ? (binade - 2) << 52 : 0;
        u64 end = lo + (4ull << 52) < MEDIAN_KEY_END ? lo + (4ull << 52) : MEDIAN_KEY_END;
        s->lo = lo;
        s->width = end - lo;
        s->mid = 0;
        s->below = 0;
        s->n = ~0ull;
        s->shift = binShift(s->width);
        s->passes = 0;
    }
    __syncthreads();
}

// medianBin places rank r among a pass's bins: -1 for the under keys below
// lo, MEDIAN_BINS for the over keys at or past lo + width, else a bin of
// the histogram. It returns the bin and sets *start, *end (its keys) and
// *count, *before (its values and those below it).
__device__ int medianBin(const unsigned* hist, const u64* part, const medianRange* s, u64 under, u64 inside, u64 r,
                         u64* start, u64* end, u64* count, u64* before) {
    if (r < under) {
        *start = 0, *end = s->lo, *count = under, *before = 0;
        return -1;
    }
    if (r >= under + inside) {
        *start = s->lo + s->width, *end = MEDIAN_KEY_END, *count = s->n - under - inside, *before = under + inside;
        return MEDIAN_BINS;
    }
    u64 acc;
    int b = findBin(hist, part, r - under, &acc);
    u64 bstart = (u64)b << s->shift, bend = (u64)(b + 1) << s->shift;
    *start = s->lo + bstart;
    *end = s->lo + (bend < s->width ? bend : s->width);
    *count = hist[b];
    *before = under + acc;
    return b;
}

// medianPass recomputes the block's values and histograms the keys in
// [s->lo, s->lo + s->width) into MEDIAN_BINS bins of 2^s->shift (hist, in
// shared memory), counting the keys under the range too, then narrows s
// to the bins of the middle ranks (a bin, or all keys under or over the
// range). The first pass (s->n == ~0) also counts the values and the zero
// denominators and sets the ranks.
__device__ void medianPass(const tripletRow& row, medianRange* s, unsigned* hist) {
    __shared__ u64 part[TRIPLET_THREADS];
    __shared__ unsigned long long nsum, zsum, usum;
    const int per = MEDIAN_BINS / TRIPLET_THREADS;
    for (int b = threadIdx.x; b < MEDIAN_BINS; b += blockDim.x) hist[b] = 0;
    if (threadIdx.x == 0) nsum = zsum = usum = 0;
    __syncthreads();
    u64 lo = s->lo, width = s->width;
    int shift = s->shift;
    unsigned long long cnt = 0, z = 0, under = 0;
    forEachTripletKey<true>(row, rangeFilter(lo, lo + width), [&](bool ok, u64 key, int zero) {
        cnt += ok;
        z += ok && zero;
        under += ok && key < lo;
        bool in = ok && key - lo < width;  // unsigned: key >= lo too
        warpHistAdd(hist, in, in ? (unsigned)((key - lo) >> shift) : 0u);
    });
    atomicAdd(&nsum, cnt);
    atomicAdd(&zsum, z);
    atomicAdd(&usum, under);
    __syncthreads();
    u64 sum = 0;
    for (int b = threadIdx.x * per; b < threadIdx.x * per + per; b++) sum += hist[b];
    part[threadIdx.x] = sum;
    __syncthreads();
    if (threadIdx.x == 0) {
        s->passes++;
        if (s->n == ~0ull) {
            s->n = nsum;
            s->zeros = zsum;
            s->k[0] = nsum == 0 ? 0 : (nsum - 1) / 2;
            s->k[1] = nsum / 2;
        }
        if (s->k[1] < s->zeros) {
            // The middle ranks are zero denominators' values, key 0 (no key
            // is smaller): sparse LFs that rarely vote together.
            s->lo = 0, s->width = 1, s->mid = 0, s->below = 0, s->count = s->zeros;
        } else if (s->n > 0) {
            u64 inside = 0;
            for (int t = 0; t < TRIPLET_THREADS; t++) inside += part[t];
            u64 start0, end0, count0, before0, start1, end1, count1, before1;
            int b0 = medianBin(hist, part, s, usum, inside, s->k[0], &start0, &end0, &count0, &before0);
            int b1 = medianBin(hist, part, s, usum, inside, s->k[1], &start1, &end1, &count1, &before1);
            // The ranks are consecutive: the bins between b0 and b1 are empty.
            s->below = before0;
            s->lo = start0;
            s->width = end1 - start0;
            s->mid = b1 != b0 ? start1 : 0;  // > 0: bin b1 starts past the non-empty bin b0
            s->count = count0 + (b1 != b0 ? count1 : 0);
            s->shift = binShift(s->width);
        }
    }
    __syncthreads();
}

// medianEnds finishes a split range (s->mid != 0): the largest key in
// [s->lo, s->mid) and the smallest in [s->mid, s->lo + s->width), into
// picked[0] and picked[1].
__device__ void medianEnds(const tripletRow& row, const medianRange* s, u64* picked) {
    if (threadIdx.x == 0) {
        picked[0] = 0;
        picked[1] = ~0ull;
    }
    __syncthreads();
    u64 lo = s->lo, width = s->width, mid = s->mid, below = 0, above = ~0ull;
    forEachTripletKey<true>(row, rangeFilter(lo, lo + width), [&](bool ok, u64 key, int) {
        if (!ok || key - lo >= width) return;
        if (key < mid) below = below > key ? below : key;
        else above = above < key ? above : key;
    });
    atomicMax(&picked[0], below);
    atomicMin(&picked[1], above);
    __syncthreads();
}

// medianKeep recomputes the block's values, gathers the s->count keys in
// [s->lo, s->lo + s->width) into keep (s->count <= MEDIAN_KEEP), one
// shared atomic per warp, and sorts them (bitonic, padded with ~0 to a
// power of two).
__device__ void medianKeep(const tripletRow& row, const medianRange* s, u64* keep) {
    __shared__ unsigned kept;
    if (threadIdx.x == 0) kept = 0;
    __syncthreads();
    u64 lo = s->lo, width = s->width;
    forEachTripletKey<true>(row, rangeFilter(lo, lo + width), [&](bool ok, u64 key, int) {
        bool in = ok && key - lo < width;
        unsigned mask = __ballot_sync(FULL_MASK, in);
        if (!mask) return;
        int leader = __ffs(mask) - 1;
        unsigned base = 0;
        if ((int)(threadIdx.x & 31) == leader) base = atomicAdd(&kept, (unsigned)__popc(mask));
        base = __shfl_sync(FULL_MASK, base, leader);
        unsigned at = base + __popc(mask & laneBelow());
        if (in && at < MEDIAN_KEEP) keep[at] = key;
    });
    __syncthreads();
    int n = (int)(s->count < MEDIAN_KEEP ? s->count : MEDIAN_KEEP), p = 1;
    while (p < n) p <<= 1;
    for (int i = n + threadIdx.x; i < p; i += blockDim.x) keep[i] = ~0ull;
    __syncthreads();
    for (int k = 2; k <= p; k <<= 1)
        for (int j = k >> 1; j > 0; j >>= 1) {
            for (int i = threadIdx.x; i < p; i += blockDim.x) {
                int o = i ^ j;
                if (o > i && ((keep[i] > keep[o]) == ((i & k) == 0))) {
                    u64 t = keep[i];
                    keep[i] = keep[o];
                    keep[o] = t;
                }
            }
            __syncthreads();
        }
}

// medianSelect leaves the keys of ranks s->k[0] and s->k[1] of the
// block's values in picked[0] and picked[1] (both 0 without values): a
// counting pass over a window guessed from one value, then a pass per
// narrowing (one in practice: 4096 bins of 1/1024 binade leave ~1/4000 of
// the values at 2 x 10^6 values concentrated within a few percent), then
// a compaction or an extremes pass. Each pass after the first shrinks the
// range to two bins, at most 2^-11 of it, so even all-equal values finish
// within eight passes.
__device__ void medianSelect(const tripletRow& row, medianRange* s, u64* keep,
                             u64* picked) {
    medianStart(row, s);
    medianPass(row, s, (unsigned*)keep);
    for (;;) {  // s is read after a barrier: the same branch in every thread
        if (s->n == 0 || (s->mid == 0 && s->width == 1)) {
            if (threadIdx.x == 0) picked[0] = picked[1] = s->n == 0 ? 0 : s->lo;
            break;
        }
        if (s->mid != 0) {
            medianEnds(row, s, picked);
            if (threadIdx.x == 0) s->passes++;
            break;
        }
        if (s->count <= MEDIAN_KEEP) {
            medianKeep(row, s, keep);
            if (threadIdx.x == 0) {
                s->passes++;
                picked[0] = keep[s->k[0] - s->below];
                picked[1] = keep[s->k[1] - s->below];
            }
            break;
        }
        medianPass(row, s, (unsigned*)keep);
    }
    __syncthreads();
}
