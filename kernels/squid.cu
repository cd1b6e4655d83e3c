// CUDA kernels of squid's hot path. Compiled to PTX by `go generate
// ./kernels` (nvcc -ptx -arch=compute_90); the PTX is committed and
// embedded by package kernels, and driven by package cuda through
// gorgonia.org/cu.
//
// Every kernel parameter is 8 bytes wide (pointers, long long, double):
// gorgonia/cu's Function.Launch copies each argument as 8 bytes.

typedef long long i64;
typedef unsigned long long u64;

// ---- vote counts ------------------------------------------------------------
//
// Counting is two kernels over an n x m int8 vote matrix (row-major): a
// pack into per-LF bitsets, then AND + popcount over every LF pair. See
// bench/README.md ("Performance model") for the design against the H200.

// PACK_THREADS is squid_pack's block size; PACK_TILE_WORDS the 32-bit
// words of votes one block stages in shared memory (32 KiB); PACK_MAX_LFS
// the most LFs one block packs (its column chunk, and words x LFs of its
// output).
#define PACK_THREADS 256
#define PACK_TILE_WORDS 8192
#define PACK_MAX_LFS 1024

// squid_pack packs an n x m int8 vote matrix (row-major) into per-LF
// bitsets: bit b of pos[i*words + w] is set when row 32*w+b votes +1 on LF
// i, and likewise neg for -1. Block x handles the wordsPerBlock words
// (32 rows each) from blockIdx.x*wordsPerBlock and the LFs [c0, c0+C) of
// column chunk blockIdx.y (c0 = blockIdx.y*lfsPerBlock). It stages its
// rows' votes in shared memory with coalesced loads: when the chunk is all
// of m, the rows are one contiguous range, read with 16-byte loads (one
// per thread per 16 bytes); otherwise each row's C bytes, with byte loads.
// Then each thread builds whole words: for (LF i, word w) it reads the 32
// bytes of LF i in the word's rows (lanes of a warp read consecutive LFs
// of one row: consecutive bytes, no bank conflicts) and sets bit b from
// row b, about 6 instructions per row, where a ballot per (LF, word) costs
// the whole warp ~16 instructions. The block writes its words LF by LF,
// wordsPerBlock consecutive words per LF (a whole 32-byte sector at 8).
// Requires wordsPerBlock*32*C <= 4*PACK_TILE_WORDS and
// wordsPerBlock*C <= PACK_MAX_LFS. Block: PACK_THREADS threads.
extern "C" __global__ void squid_pack(const signed char* votes, i64 n, i64 m, unsigned int* pos, unsigned int* neg,
                                      i64 words, i64 wordsPerBlock, i64 lfsPerBlock) {
    __shared__ uint4 tile[PACK_TILE_WORDS / 4];
    __shared__ unsigned int out[2][PACK_MAX_LFS];
    signed char* bytes = (signed char*)tile;
    int W = (int)wordsPerBlock;
    i64 word0 = (i64)blockIdx.x * W, row0 = word0 * 32;
    i64 c0 = (i64)blockIdx.y * lfsPerBlock;
    int C = (int)(m - c0 < lfsPerBlock ? m - c0 : lfsPerBlock);
    int rows = (int)(n - row0 < (i64)W * 32 ? n - row0 : (i64)W * 32);
    int tid = threadIdx.x;
    if (C == m) {
        // The block's rows are bytes [row0*m, (row0+rows)*m): contiguous.
        const signed char* base = votes + row0 * m;
        int span = rows * C;
        int body = ((unsigned long long)base & 15) == 0 ? span / 16 : 0;
        for (int q = tid; q < body; q += PACK_THREADS) tile[q] = ((const uint4*)base)[q];
        for (int k = body * 16 + tid; k < span; k += PACK_THREADS) bytes[k] = base[k];
    } else {
        for (int k = tid; k < rows * C; k += PACK_THREADS) {
            int r = k / C, i = k - r * C;
            bytes[k] = votes[(row0 + r) * m + c0 + i];
        }
    }
    __syncthreads();
    for (int p = tid; p < W * C; p += PACK_THREADS) {
        int w = p / C, i = p - w * C;
        int nr = rows - w * 32;  // rows of this word present (may be <= 0 past n)
        unsigned int pb = 0, nb = 0;
        const signed char* col = bytes + w * 32 * C + i;
        if (nr >= 32) {
            for (int b = 0; b < 32; b++) {
                signed char v = col[b * C];
                pb |= (unsigned int)(v == 1) << b;
                nb |= (unsigned int)(v == -1) << b;
            }
        } else {
            for (int b = 0; b < nr; b++) {
                signed char v = col[b * C];
                pb |= (unsigned int)(v == 1) << b;
                nb |= (unsigned int)(v == -1) << b;
            }
        }
        out[0][i * W + w] = pb;
        out[1][i * W + w] = nb;
    }
    __syncthreads();
    for (int t = tid; t < W * C; t += PACK_THREADS) {
        int i = t / W, w = t - i * W;
        i64 gw = word0 + w;
        if (gw < words) {
            pos[(c0 + i) * words + gw] = out[0][t];
            neg[(c0 + i) * words + gw] = out[1][t];
        }
    }
}

#define TILE 16
#define CHUNK 32  // words staged per LF per step; TILE * CHUNK == 2 * TILE * TILE (two rows a thread)

// bitCounter counts the set bits of a stream of 32-bit words with a
// carry-save (Harley-Seal) adder over 8 words: ones, twos and fours hold
// the bits of weight 1, 2, 4 not yet counted, eights the popcounts of the
// weight-8 carries. Per 8 words: 7 full adders (two LOP3 each) and one
// POPC instead of 8 POPC. 32-bit: at most 2^31 bits per thread and block.
struct bitCounter {
    unsigned int ones = 0, twos = 0, fours = 0, eights = 0;
};

// csa is a full adder on 32 lanes of bits: *hi gets the carries of a+b+c,
// the return value the sums.
__device__ __forceinline__ unsigned int csa(unsigned int* hi, unsigned int a, unsigned int b, unsigned int c) {
    unsigned int u = a ^ b;
    *hi = (a & b) | (u & c);
    return u ^ c;
}

// add8 adds the bits of x[0..7].
__device__ __forceinline__ void add8(bitCounter& s, const unsigned int* x) {
    unsigned int twosA, twosB, foursA, foursB, eights;
    s.ones = csa(&twosA, s.ones, x[0], x[1]);
    s.ones = csa(&twosB, s.ones, x[2], x[3]);
    s.twos = csa(&foursA, s.twos, twosA, twosB);
    s.ones = csa(&twosA, s.ones, x[4], x[5]);
    s.ones = csa(&twosB, s.ones, x[6], x[7]);
    s.twos = csa(&foursB, s.twos, twosA, twosB);
    s.fours = csa(&eights, s.fours, foursA, foursB);
    s.eights += __popc(eights);
}

// total is the number of bits added so far.
__device__ __forceinline__ unsigned int total(const bitCounter& s) {
    return 8 * s.eights + 4 * __popc(s.fours) + 2 * __popc(s.twos) + __popc(s.ones);
}

// tilePair maps block tile index t (0 .. T(T+1)/2 - 1) to the tile (I, J),
// I <= J, of a T x T grid of tiles, in row-major order of the upper
// triangle.
__device__ __forceinline__ void tilePair(i64 t, i64 T, i64* I, i64* J) {
    i64 i = 0;
    while (t >= T - i) {
        t -= T - i;
        i++;
    }
    *I = i;
    *J = i + t;
}

// squid_pair_counts adds, for every LF pair i <= j, the joint counts
// (PP, PN, NP, NN) of their bitsets to counts[(i*m + j)*4 ...]. The 1-D
// grid x enumerates only the upper-triangular TILE x TILE tiles (I, J)
// (tilePair; T = ceil(m/TILE)), grid y the word ranges of wordsPerBlock
// words. A tile's valid pairs (i < m, j < m, i <= j: all 256 off the
// diagonal and inside m, 136 on a full diagonal tile) are numbered and
// thread t counts pair t, so idle threads are only those past the last
// valid pair (whole warps but one). The block stages CHUNK words of each
// of its 2 x TILE LFs in shared memory, like a GEMM whose multiply-add is
// AND + popcount; counts are 32-bit carry-save counters (bitCounter) per
// thread, folded into the 64-bit totals with one atomic each at the end.
// The diagonal (i == j) gives the per-LF vote counts: PP = positives,
// NN = negatives. wordsPerBlock*32 < 2^31. Block: TILE*TILE threads (1-D).
extern "C" __global__ void squid_pair_counts(const unsigned int* pos, const unsigned int* neg, i64 m, i64 words,
                                             i64 wordsPerBlock, u64* counts) {
    __shared__ unsigned int sp[2][TILE][CHUNK + 1];
    __shared__ unsigned int sn[2][TILE][CHUNK + 1];
    i64 T = (m + TILE - 1) / TILE, I, J;
    tilePair(blockIdx.x, T, &I, &J);
    int hi = (int)(m - I * TILE < TILE ? m - I * TILE : TILE);  // valid rows of the tile
    int wj = (int)(m - J * TILE < TILE ? m - J * TILE : TILE);  // valid columns
    int tid = threadIdx.x;
    // This thread's pair (ti, tj) inside the tile, if any.
    int ti = 0, tj = 0;
    bool active;
    if (I < J) {
        active = tid < hi * wj;
        ti = tid / wj;
        tj = tid - ti * wj;
    } else {
        int t = tid;
        while (ti < wj && t >= wj - ti) {
            t -= wj - ti;
            ti++;
        }
        active = ti < wj;
        tj = ti + t;
    }
    bitCounter pp, pn, np, nn;
    i64 w0 = (i64)blockIdx.y * wordsPerBlock;
    i64 w1 = w0 + wordsPerBlock < words ? w0 + wordsPerBlock : words;
    // Staging: thread tid loads column col of rows row and row + 8 of
    // both LF ranges; the pointers advance by CHUNK words per chunk.
    int col = tid % CHUNK, row = tid / CHUNK;
    const unsigned int* src[2][2][2];  // [row, row+8][I side, J side][pos, neg]
    bool ok[2][2];
    for (int h = 0; h < 2; h++) {
        i64 li = I * TILE + row + 8 * h, lj = J * TILE + row + 8 * h;
        ok[h][0] = li < m;
        ok[h][1] = lj < m;
        i64 oi = (ok[h][0] ? li : 0) * words + col, oj = (ok[h][1] ? lj : 0) * words + col;
        src[h][0][0] = pos + oi;
        src[h][0][1] = neg + oi;
        src[h][1][0] = pos + oj;
        src[h][1][1] = neg + oj;
    }
    for (i64 base = w0; base < w1; base += CHUNK) {
        bool okw = base + col < w1;
        for (int h = 0; h < 2; h++)
            for (int side = 0; side < 2; side++) {
                bool ld = okw && ok[h][side];
                sp[side][row + 8 * h][col] = ld ? src[h][side][0][base] : 0u;
                sn[side][row + 8 * h][col] = ld ? src[h][side][1][base] : 0u;
            }
        __syncthreads();
        if (active) {
            for (int c = 0; c < CHUNK; c += 8) {
                unsigned int xpp[8], xpn[8], xnp[8], xnn[8];
                for (int k = 0; k < 8; k++) {
                    unsigned int a = sp[0][ti][c + k], b = sn[0][ti][c + k];
                    unsigned int d = sp[1][tj][c + k], e = sn[1][tj][c + k];
                    xpp[k] = a & d;
                    xpn[k] = a & e;
                    xnp[k] = b & d;
                    xnn[k] = b & e;
                }
                add8(pp, xpp);
                add8(pn, xpn);
                add8(np, xnp);
                add8(nn, xnn);
            }
        }
        __syncthreads();
    }
    u64 cpp = total(pp), cpn = total(pn), cnp = total(np), cnn = total(nn);
    if (active && (cpp | cpn | cnp | cnn)) {
        u64* o = counts + ((I * TILE + ti) * m + J * TILE + tj) * 4;
        atomicAdd(o, cpp);
        atomicAdd(o + 1, cpn);
        atomicAdd(o + 2, cnp);
        atomicAdd(o + 3, cnn);
    }
}

#include "count_mma.cuh"

// TRIPLET_THREADS is the triplet kernels' block size; TRIPLET_STAGE the
// largest m whose expectation row and components a block stages in shared
// memory (triplet.cuh).
#define TRIPLET_THREADS 256
#define TRIPLET_STAGE 2048
#include "triplet.cuh"

// squid_triplet_mean estimates E[λ_e Y] for expectation e = blockIdx.x as
// the mean over every candidate pair x < y: LFs other than lf[e] with
// comp[e*m + x] != comp[e*m + lf[e]] (separated from e by its task) and
// comp[e*m + x] != comp[e*m + y]. pairs is the m x m second-moment matrix.
// Outputs per e: the sum of values, the number of values, the number of
// zero denominators. Block: 256 threads (TRIPLET_THREADS).
extern "C" __global__ void squid_triplet_mean(const double* pairs, const i64* lf, const int* comp, i64 m,
                                              double* sum, i64* count, i64* zeros) {
    __shared__ double red[TRIPLET_THREADS];
    __shared__ i64 redc[TRIPLET_THREADS];
    __shared__ i64 redz[TRIPLET_THREADS];
    __shared__ double sme[TRIPLET_STAGE];
    __shared__ int sc[TRIPLET_STAGE];
    i64 e = blockIdx.x;
    double s = 0;
    i64 cnt = 0, z = 0;
    withTripletRow(pairs, lf[e], comp + e * m, m, sme, sc, [&](const tripletRow& row) {
        forEachTripletKey<false>(row, keyFilter{}, [&](bool ok, u64 key, int zero) {
            if (!ok) return;
            s += sqrt(__longlong_as_double((long long)key));
            cnt++;
            z += zero;
        });
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
// squid_triplet_mean for expectation e = blockIdx.x, exactly as the CPU
// (cpu.Median: the mean of the two middle values for an even count),
// without any scratch memory: medianSelect (triplet.cuh) recomputes the
// values in a few passes that narrow a range of their keys by shared
// histograms, then sorts the few left in shared memory. passes, unless
// null, receives the number of sweeps over the values (for the device
// check's performance table). Block: TRIPLET_THREADS threads; at most 64
// registers, so that four blocks fit an SM.
extern "C" __global__ void __launch_bounds__(TRIPLET_THREADS, 4) squid_triplet_median(const double* pairs, const i64* lf, const int* comp, i64 m,
                                                double* median, i64* count, i64* zeros, i64* passes) {
    __shared__ medianRange s;
    __shared__ u64 work[MEDIAN_KEEP];  // the passes' histogram, then the kept values
    __shared__ u64 picked[2];
    __shared__ double sme[TRIPLET_STAGE];
    __shared__ int sc[TRIPLET_STAGE];
    i64 e = blockIdx.x;
    withTripletRow(pairs, lf[e], comp + e * m, m, sme, sc,
                   [&](const tripletRow& row) { medianSelect(row, &s, work, picked); });
    if (threadIdx.x == 0) {
        double a = sqrt(__longlong_as_double((long long)picked[0]));
        double b = sqrt(__longlong_as_double((long long)picked[1]));
        median[e] = s.n == 0 ? 0.0 : (s.n % 2 == 1 ? a : (a + b) / 2);
        count[e] = (i64)s.n;
        zeros[e] = (i64)s.zeros;
        if (passes) passes[e] = s.passes;
    }
}

// A per-LF log-odds table, laid out as cpu.LogOdds: entry 3i + v + 1 is
// LF i's term for its vote v in {-1, 0, +1}, then the base at 3m;
// logOddsLen(m) entries in all.
__device__ __forceinline__ i64 logOddsLen(i64 m) { return 3 * m + 1; }
__device__ __forceinline__ double logOddsAt(const double* t, i64 i, int v) { return t[3 * i + v + 1]; }
__device__ __forceinline__ double logOddsBase(const double* t, i64 m) { return t[3 * m]; }

// labelFromVotes is P(Y=+1 | votes of row r) from a per-LF log-odds table.
__device__ __forceinline__ double labelFromVotes(const signed char* votes, i64 m, const double* table, i64 r) {
    double s = logOddsBase(table, m);
    const signed char* row = votes + r * m;
    for (i64 i = 0; i < m; i++) s += logOddsAt(table, i, row[i]);
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
    return labelFromVotes(votes, m, tables + k * logOddsLen(m), r);
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
