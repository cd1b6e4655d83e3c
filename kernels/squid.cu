// CUDA kernels of squid's hot path. Compiled to PTX by `go generate
// ./kernels` (nvcc -ptx -arch=compute_90); the PTX is committed and
// embedded by package kernels, and driven by package cuda through
// gorgonia.org/cu.
//
// Every kernel parameter is 8 bytes wide (pointers, long long, double):
// gorgonia/cu's Function.Launch copies each argument as 8 bytes.

typedef long long i64;
typedef unsigned long long u64;

// squid_pack packs an n x m int8 vote matrix (row-major) into per-LF
// bitsets: bit b of pos[i*words + w] is set when row 32*w+b votes +1 on LF
// i, and likewise neg for -1. One warp per 32-row word; lanes read one row
// each and __ballot_sync gathers the bits. blockDim.x must be a multiple
// of 32.
extern "C" __global__ void squid_pack(const signed char* votes, i64 n, i64 m,
                                      unsigned int* pos, unsigned int* neg, i64 words) {
    i64 warp = ((i64)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    int lane = threadIdx.x & 31;
    if (warp >= words) return;  // uniform within the warp
    i64 r = warp * 32 + lane;
    bool in = r < n;
    for (i64 i = 0; i < m; i++) {
        signed char v = in ? votes[r * m + i] : 0;
        unsigned int p = __ballot_sync(0xffffffffu, v == 1);
        unsigned int q = __ballot_sync(0xffffffffu, v == -1);
        if (lane == 0) {
            pos[i * words + warp] = p;
            neg[i * words + warp] = q;
        }
    }
}

#define TILE 16
#define CHUNK 32

// squid_pair_counts adds, for every LF pair i <= j, the joint counts
// (PP, PN, NP, NN) of their bitsets to counts[(i*m + j)*4 ...]. A block
// computes a TILE x TILE tile of pairs (blockIdx.y, blockIdx.x) over the
// word range [blockIdx.z*wordsPerBlock, ...), staging CHUNK words of each
// LF in shared memory, like a GEMM whose multiply-add is AND+popcount. The
// diagonal (i == j) gives the per-LF vote counts: PP = positives, NN =
// negatives. Block: TILE x TILE threads.
extern "C" __global__ void squid_pair_counts(const unsigned int* pos, const unsigned int* neg,
                                             i64 m, i64 words, i64 wordsPerBlock, u64* counts) {
    i64 I = blockIdx.y, J = blockIdx.x;
    if (J < I) return;  // upper tiles only; uniform within the block
    int ti = threadIdx.y, tj = threadIdx.x;
    __shared__ unsigned int sp[2][TILE][CHUNK + 1];
    __shared__ unsigned int sn[2][TILE][CHUNK + 1];
    u64 pp = 0, pn = 0, np = 0, nn = 0;
    i64 w0 = (i64)blockIdx.z * wordsPerBlock;
    i64 w1 = w0 + wordsPerBlock < words ? w0 + wordsPerBlock : words;
    int tid = ti * TILE + tj;
    for (i64 base = w0; base < w1; base += CHUNK) {
        for (int k = tid; k < TILE * CHUNK; k += TILE * TILE) {
            int row = k / CHUNK, col = k % CHUNK;
            i64 w = base + col;
            i64 li = I * TILE + row, lj = J * TILE + row;
            bool okw = w < w1;
            sp[0][row][col] = (okw && li < m) ? pos[li * words + w] : 0u;
            sn[0][row][col] = (okw && li < m) ? neg[li * words + w] : 0u;
            sp[1][row][col] = (okw && lj < m) ? pos[lj * words + w] : 0u;
            sn[1][row][col] = (okw && lj < m) ? neg[lj * words + w] : 0u;
        }
        __syncthreads();
        for (int c = 0; c < CHUNK; c++) {
            unsigned int a = sp[0][ti][c], b = sn[0][ti][c];
            unsigned int d = sp[1][tj][c], e = sn[1][tj][c];
            pp += __popc(a & d);
            pn += __popc(a & e);
            np += __popc(b & d);
            nn += __popc(b & e);
        }
        __syncthreads();
    }
    i64 i = I * TILE + ti, j = J * TILE + tj;
    if (i < m && j < m && i <= j && (pp | pn | np | nn)) {
        u64* o = counts + (i * m + j) * 4;
        atomicAdd(o, pp);
        atomicAdd(o + 1, pn);
        atomicAdd(o + 2, np);
        atomicAdd(o + 3, nn);
    }
}

// tripletValue is FlyingSquid's sqrt(|M_ab M_ac / M_bc|), 0 when M_bc = 0.
__device__ __forceinline__ double tripletValue(double mab, double mac, double mbc, int* zero) {
    if (mbc == 0.0) {
        *zero = 1;
        return 0.0;
    }
    *zero = 0;
    return sqrt(fabs(mab * mac / mbc));
}

// forEachTriplet calls f(value, zero) for every candidate pair x < y of
// expectation LF le that this thread handles (y strided by blockDim.x):
// x and y differ from le, lie in other components than le (comp c), and in
// different components from each other.
template <class F>
__device__ void forEachTriplet(const double* pairs, i64 le, const i64* c, i64 m, F f) {
    for (i64 x = 0; x < m; x++) {
        if (x == le || c[x] == c[le]) continue;
        double mex = pairs[le * m + x];
        for (i64 y = x + 1 + threadIdx.x; y < m; y += blockDim.x) {
            if (y == le || c[y] == c[le] || c[y] == c[x]) continue;
            int zero;
            double v = tripletValue(mex, pairs[le * m + y], pairs[x * m + y], &zero);
            f(v, zero);
        }
    }
}

// squid_triplet_mean estimates E[λ_e Y] for expectation e = blockIdx.x as
// the mean over every candidate pair x < y: LFs other than lf[e] with
// comp[e*m + x] != comp[e*m + lf[e]] (separated from e by its task) and
// comp[e*m + x] != comp[e*m + y]. pairs is the m x m second-moment matrix.
// Outputs per e: the sum of values, the number of values, the number of
// zero denominators. Block: 256 threads (TRIPLET_THREADS).
#define TRIPLET_THREADS 256
extern "C" __global__ void squid_triplet_mean(const double* pairs, const i64* lf, const i64* comp, i64 m,
                                              double* sum, i64* count, i64* zeros) {
    __shared__ double red[TRIPLET_THREADS];
    __shared__ i64 redc[TRIPLET_THREADS];
    __shared__ i64 redz[TRIPLET_THREADS];
    i64 e = blockIdx.x;
    i64 le = lf[e];
    const i64* c = comp + e * m;
    double s = 0;
    i64 cnt = 0, z = 0;
    forEachTriplet(pairs, le, c, m, [&](double v, int zero) {
        s += v;
        cnt++;
        z += zero;
    });
    red[threadIdx.x] = s;
    redc[threadIdx.x] = cnt;
    redz[threadIdx.x] = z;
    __syncthreads();
    for (int h = blockDim.x / 2; h > 0; h >>= 1) {
        if (threadIdx.x < h) {
            red[threadIdx.x] += red[threadIdx.x + h];
            redc[threadIdx.x] += redc[threadIdx.x + h];
            redz[threadIdx.x] += redz[threadIdx.x + h];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        sum[e] = red[0];
        count[e] = redc[0];
        zeros[e] = redz[0];
    }
}

// squid_triplet_median writes the median of the same candidate values as
// squid_triplet_mean for expectation e = e0 + blockIdx.x. The block first
// writes its values to scratch[blockIdx.x * capacity ...], then selects the
// middle one(s) by an 8-bit radix select on the values' bits (they are
// non-negative doubles, so their bit patterns order like the numbers): a
// selection in eight passes, not a sort. Block: 256 threads.
extern "C" __global__ void squid_triplet_median(const double* pairs, const i64* lf, const i64* comp, i64 m,
                                                i64 e0, i64 capacity, u64* scratch,
                                                double* median, i64* count, i64* zeros) {
    __shared__ unsigned int hist[256];
    __shared__ unsigned long long fill;
    __shared__ unsigned long long zsum;
    __shared__ u64 prefix;
    __shared__ u64 rank;
    __shared__ u64 picked[2];
    i64 e = e0 + blockIdx.x;
    i64 le = lf[e];
    const i64* c = comp + e * m;
    u64* vals = scratch + (i64)blockIdx.x * capacity;
    if (threadIdx.x == 0) {
        fill = 0;
        zsum = 0;
    }
    __syncthreads();
    forEachTriplet(pairs, le, c, m, [&](double v, int zero) {
        unsigned long long at = atomicAdd(&fill, 1ull);
        if (at < (unsigned long long)capacity) vals[at] = (u64)__double_as_longlong(v);
        if (zero) atomicAdd(&zsum, 1ull);
    });
    __syncthreads();
    u64 n = fill;
    if (n > (u64)capacity) n = capacity;  // cannot happen when capacity is the pair count
    for (int which = 0; which < 2; which++) {
        // ranks (0-based) of the middle values: (n-1)/2 and n/2
        if (threadIdx.x == 0) {
            prefix = 0;
            rank = which == 0 ? (n - 1) / 2 : n / 2;
        }
        __syncthreads();
        for (int shift = 56; shift >= 0; shift -= 8) {
            for (int b = threadIdx.x; b < 256; b += blockDim.x) hist[b] = 0;
            __syncthreads();
            u64 highMask = shift == 56 ? 0ull : (~0ull << (shift + 8));
            for (u64 k = threadIdx.x; k < n; k += blockDim.x) {
                u64 v = vals[k];
                if ((v & highMask) == prefix) atomicAdd(&hist[(v >> shift) & 255u], 1u);
            }
            __syncthreads();
            if (threadIdx.x == 0) {
                u64 r = rank;
                int b = 0;
                while (b < 255 && r >= hist[b]) {
                    r -= hist[b];
                    b++;
                }
                prefix |= ((u64)b) << shift;
                rank = r;
            }
            __syncthreads();
        }
        if (threadIdx.x == 0) picked[which] = prefix;
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        double a = __longlong_as_double((long long)picked[0]);
        double b = __longlong_as_double((long long)picked[1]);
        median[e] = n == 0 ? 0.0 : (n % 2 == 1 ? a : (a + b) / 2);
        count[e] = (i64)n;
        zeros[e] = (i64)zsum;
    }
}

// labelFromVotes is P(Y=+1 | votes of row r) from the per-LF log-odds
// table (3 entries per LF, then the base at 3m).
__device__ __forceinline__ double labelFromVotes(const signed char* votes, i64 m, const double* table, i64 r) {
    double s = table[3 * m];
    const signed char* row = votes + r * m;
    for (i64 i = 0; i < m; i++) s += table[3 * i + row[i] + 1];
    return 1.0 / (1.0 + exp(-s));
}

// bceRow is BCE-with-logits of logit x against label p with positive
// weight pw; it returns the loss and writes d loss / d x.
__device__ __forceinline__ double bceRow(double x, double p, double pw, double* g) {
    double softplus = fmax(-x, 0.0) + log1p(exp(-fabs(x)));
    double w = 1.0 + (pw - 1.0) * p;
    double sig = 1.0 / (1.0 + exp(-x));
    *g = w * sig - pw * p;
    return (1.0 - p) * x + w * softplus;
}

// blockSumAtomic adds the block's sum of v into *out. Block: a power of two.
__device__ void blockSumAtomic(double v, double* out) {
    __shared__ double red[1024];
    red[threadIdx.x] = v;
    __syncthreads();
    for (int h = blockDim.x / 2; h > 0; h >>= 1) {
        if (threadIdx.x < h) red[threadIdx.x] += red[threadIdx.x + h];
        __syncthreads();
    }
    if (threadIdx.x == 0) atomicAdd(out, red[0]);
}

// lossLabel is row r's probabilistic label in a loss step: made from the
// votes with log-odds table model[r] of tables (each 3m+1 doubles) when
// model[r] >= 0, else the given label given[-1 - model[r]] (a row labelled
// on the host: warm-up majority vote, clamped labels, a model without a
// table).
__device__ __forceinline__ double lossLabel(const signed char* votes, const int* model, const double* tables,
                                            const double* given, i64 m, i64 r) {
    i64 k = model[r];
    if (k < 0) return given[-1 - k];
    return labelFromVotes(votes, m, tables + k * (3 * m + 1), r);
}

// lossStep is one pass over a whole batch whatever the number of refits in
// it: every row's label (lossLabel), BCE-with-logits with positive weight
// pw (rowLoss), its gradient d mean / d logit (grad, float or double T),
// and the batch mean reduced into *loss (which must hold 0). One thread per
// row; blockDim.x a power of two <= 1024.
template <typename T>
__device__ void lossStep(const signed char* votes, const int* model, const double* tables, const double* given,
                         i64 batch, i64 m, const T* logits, double pw, double* labels, T* grad, double* rowLoss,
                         double* loss) {
    i64 r = (i64)blockIdx.x * blockDim.x + threadIdx.x;
    double l = 0;
    if (r < batch) {
        double p = lossLabel(votes, model, tables, given, m, r);
        double g;
        double rl = bceRow((double)logits[r], p, pw, &g);
        labels[r] = p;
        rowLoss[r] = rl;
        grad[r] = (T)(g / (double)batch);
        l = rl / (double)batch;
    }
    blockSumAtomic(l, loss);
}

// squid_loss_step_f64 and _f32 score double or float logits: the online
// loss's one launch per batch (package cuda's Loss.Forward).
extern "C" __global__ void squid_loss_step_f64(const signed char* votes, const int* model, const double* tables,
                                               const double* given, i64 batch, i64 m, const double* logits, double pw,
                                               double* labels, double* grad, double* rowLoss, double* loss) {
    lossStep<double>(votes, model, tables, given, batch, m, logits, pw, labels, grad, rowLoss, loss);
}

extern "C" __global__ void squid_loss_step_f32(const signed char* votes, const int* model, const double* tables,
                                               const double* given, i64 batch, i64 m, const float* logits, double pw,
                                               double* labels, float* grad, double* rowLoss, double* loss) {
    lossStep<float>(votes, model, tables, given, batch, m, logits, pw, labels, grad, rowLoss, loss);
}

// squid_posterior_logodds writes P(Y=-1), P(Y=+1) per row (n x 2) from the
// per-LF log-odds table: the inference of an independent one-task model.
extern "C" __global__ void squid_posterior_logodds(const signed char* votes, i64 n, i64 m, const double* table,
                                                   double* out) {
    i64 r = (i64)blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= n) return;
    double p = labelFromVotes(votes, m, table, r);
    out[2 * r] = 1.0 - p;
    out[2 * r + 1] = p;
}
