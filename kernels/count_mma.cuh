// Pair counts on the tensor cores (included by squid.cu; see
// bench/README.md, "Performance model", for the design against the H200).
//
// With X = [P N] the n x 2m indicator matrix of the votes (P = vote == +1,
// N = vote == -1, one byte each), every count is an entry of the Gram
// matrix X^T X: PP(i,j) = P_i.P_j, PN(i,j) = P_i.N_j, NP(i,j) = N_i.P_j,
// NN(i,j) = N_i.N_j, and on the diagonal P_i.P_i and N_i.N_i are LF i's
// positives and negatives. squid_pair_counts_mma computes its upper
// triangle in 16 x 16 blocks with int8 mma.sync (int32 accumulators) and
// adds it to the same counts layout as squid_pair_counts.

// MMA_THREADS is the block size (16 warps). MMA_LFS is the LFs of a side
// tile (7 tiles of 16 LFs); MMA_STAGE_LFS the LFs staged for side A (32
// 4-LF words, the transposition's width). MMA_ROWS is the rows staged per
// step (two k-steps of 32). MMA_XT_WORDS is the 32-bit words per
// indicator column in shared memory (MMA_ROWS/4 of data, 4 of padding: a
// stride of 20 words puts the 8 columns x 4 words of a fragment load in
// 32 distinct banks). A warp's task is one pair of 16-LF tiles (qa, qb):
// the 32 x 32 Gram block [P N]_qa^T [P N]_qb, 8 mma per k-step from 4 A
// and 4 B fragments (2 LDS per mma instead of 4.5 for lone 16 x 16
// blocks); MMA_SLOTS such tasks per warp (64 int32 accumulators): a
// diagonal unit has 7*8/2 = 28 tile pairs, a cross unit 7 x 4, at most
// 32. MMA_RAW_A / MMA_RAW_B are the row strides, in bytes, of the votes
// staged for a side (136 and 72: 2 mod 8 words, so that the 4 rows x 8
// columns a warp reads in the transposition hit 32 banks).
#define MMA_THREADS 512
#define MMA_LFS 112
#define MMA_STAGE_LFS 128
#define MMA_ROWS 64
#define MMA_XT_WORDS 20
#define MMA_SLOTS 2
#define MMA_RAW_A 136
#define MMA_RAW_B 72

// MMA_UNROLL unrolls a loop on the GPU (the accumulators must stay in
// registers); the host compilers of the emulator need no hint.
#ifdef __CUDA_ARCH__
#define MMA_UNROLL _Pragma("unroll")
#else
#define MMA_UNROLL
#endif

// mma_s8 is D = A B + C for one warp: mma.sync.aligned.m16n8k32.row.col
// .s32.s8.s8.s32 on the GPU, the emulator's model of it elsewhere
// (kernels/hostemu/emu.h states the fragment layouts).
__device__ __forceinline__ void mma_s8(int d[4], const unsigned a[4], const unsigned b[2], const int c[4]) {
#ifdef __CUDA_ARCH__
    asm volatile(
        "mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};\n"
        : "=r"(d[0]), "=r"(d[1]), "=r"(d[2]), "=r"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "r"(c[0]), "r"(c[1]), "r"(c[2]), "r"(c[3]));
#else
    emu_mma_m16n8k32_s8(d, a, b, c);
#endif
}

// bytesEqual returns 1 in each byte of x equal to the same byte of y, 0 in
// the others (exact: no carries between bytes).
__device__ __forceinline__ unsigned bytesEqual(unsigned x, unsigned y) {
    unsigned z = x ^ y;  // zero bytes where equal
    unsigned hi = ~(((z & 0x7F7F7F7Fu) + 0x7F7F7F7Fu) | z) & 0x80808080u;
    return hi >> 7;
}

// mmaUnit decodes work unit u of a grid of T*T (T = ceil(m/MMA_LFS)): the
// first T units are the diagonal side tiles (I, I), the others the pairs
// I < J, twice each (half h: tiles [4h, 4h+4) of the J side tile's 7
// tiles of 16 LFs). It sets the first LF and the width of side A and side
// B (B == A on the diagonal); a width <= 0 is an empty unit.
__device__ __forceinline__ void mmaUnit(i64 u, i64 m, i64* a0, i64* wa, i64* b0, i64* wb) {
    i64 T = (m + MMA_LFS - 1) / MMA_LFS, I, J;
    if (u < T) {
        *a0 = *b0 = u * MMA_LFS;
        *wa = *wb = m - *a0 < MMA_LFS ? m - *a0 : MMA_LFS;
        return;
    }
    u -= T;
    tilePair(u / 2, T - 1, &I, &J);
    J++;
    *a0 = I * MMA_LFS;
    *wa = MMA_LFS;
    *b0 = J * MMA_LFS + (u % 2) * 64;
    i64 w = (u % 2) ? MMA_LFS - 64 : 64;
    *wb = m - *b0 < w ? m - *b0 : w;
}

// mmaCol is the indicator column of local LF i, sign s (0: P, 1: N) of a
// side: the LFs in tiles of 16, each tile's 16 P columns then its 16 N
// columns, so that 16-column block 2q is tile q's P, 2q+1 its N.
__device__ __forceinline__ int mmaCol(int i, int s) { return (i >> 4) * 32 + s * 16 + (i & 15); }

// mmaStage copies rows [r0, r0+rows) x LFs [c0, c0+w) of the votes into
// raw (row stride stride bytes), zeros past rows and w: 4-byte loads when
// the rows are 4-byte aligned, byte loads otherwise.
__device__ __forceinline__ void mmaStage(const signed char* votes, i64 m, i64 r0, int rows, i64 c0, int w, unsigned char* raw,
                                         int stride) {
    int tid = threadIdx.x;
    int words = stride / 4;
    if (m % 4 == 0 && ((unsigned long long)(votes + c0) & 3) == 0) {
        unsigned* dst = (unsigned*)raw;
        for (int k = tid; k < MMA_ROWS * words; k += MMA_THREADS) {
            int r = k / words, c = k - r * words;
            unsigned v = 0;
            if (r < rows && 4 * c < w) v = *(const unsigned*)(votes + (r0 + r) * m + c0 + 4 * c);
            dst[k] = v;
        }
    } else {
        for (int k = tid; k < MMA_ROWS * stride; k += MMA_THREADS) {
            int r = k / stride, c = k - r * stride;
            raw[k] = r < rows && c < w ? (unsigned char)votes[(r0 + r) * m + c0 + c] : 0;
        }
    }
}

// mmaTranspose turns the staged votes of a side (lfWords = LF columns / 4,
// 32 or 16) into indicator columns of xt: task (row group q, LF word c)
// reads LFs 4c..4c+3 of rows 4q..4q+3 (four 32-bit words, or 16 bytes when
// the stride is not a multiple of 4), transposes the 4 x 4 bytes with
// byte permutes, and stores each LF's P and N bytes of the four rows as
// word q of its two columns. A warp's lanes take 8 LF words x 4 row
// groups; lane rotates its LFs by (c >> 1) & 3 so that its four stores
// hit 32 distinct banks.
__device__ __forceinline__ void mmaTranspose(const unsigned char* raw, int stride, int lfWords, unsigned* xt) {
    int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    int cw = lfWords / 8;
    if (warp >= (MMA_ROWS / 16) * cw) return;
    int c = (warp % cw) * 8 + (lane & 7), q = (warp / cw) * 4 + (lane >> 3);
    int rot = (c >> 1) & 3;
    unsigned w[4];
    for (int r = 0; r < 4; r++) {
        const unsigned char* p = raw + (4 * q + r) * stride + 4 * c;
        unsigned v;
        if (stride % 4 == 0) {
            v = *(const unsigned*)p;
        } else {
            v = (unsigned)p[0] | (unsigned)p[1] << 8 | (unsigned)p[2] << 16 | (unsigned)p[3] << 24;
        }
        w[r] = (v >> (8 * rot)) | (v << ((32 - 8 * rot) & 31));  // byte j: LF 4c + ((j + rot) & 3)
    }
    unsigned lo01 = __byte_perm(w[0], w[1], 0x5140), lo23 = __byte_perm(w[2], w[3], 0x5140);
    unsigned hi01 = __byte_perm(w[0], w[1], 0x7362), hi23 = __byte_perm(w[2], w[3], 0x7362);
    unsigned t[4] = {__byte_perm(lo01, lo23, 0x5410), __byte_perm(lo01, lo23, 0x7632), __byte_perm(hi01, hi23, 0x5410),
                     __byte_perm(hi01, hi23, 0x7632)};
    for (int j = 0; j < 4; j++) {
        int col = mmaCol(4 * c + ((j + rot) & 3), 0);
        xt[col * MMA_XT_WORDS + q] = bytesEqual(t[j], 0x01010101u);
        xt[(col + 16) * MMA_XT_WORDS + q] = bytesEqual(t[j], 0xFFFFFFFFu);
    }
}

// mmaCommit adds v, the Gram entry of side-A column ca and side-B column
// cb, to the counts: the LFs x, y and signs sx, sy of the two columns give
// count (x, y) when x < y, the same count with the signs swapped at
// (y, x) when x > y (PN of one pair is NP of the other), the LF's own
// counts when x == y. On a diagonal unit (both sides the same columns) an
// entry counts only in the upper triangle, ca <= cb, so that no pair of
// columns counts twice. Entries past the sides' widths and zeros are
// skipped.
__device__ __forceinline__ void mmaCommit(int v, int ca, int cb, bool diag, i64 a0, i64 wa, i64 b0, i64 wb, i64 m, u64* counts) {
    int ia = (ca >> 5) * 16 + (ca & 15), ib = (cb >> 5) * 16 + (cb & 15);
    if (v == 0 || ia >= wa || ib >= wb || (diag && ca > cb)) return;
    i64 x = a0 + ia, y = b0 + ib;
    int sx = (ca >> 4) & 1, sy = (cb >> 4) & 1;
    if (x < y) {
        atomicAdd(&counts[(x * m + y) * 4 + 2 * sx + sy], (u64)(unsigned)v);
    } else if (x > y) {
        atomicAdd(&counts[(y * m + x) * 4 + 2 * sy + sx], (u64)(unsigned)v);
    } else if (sx == sy) {
        atomicAdd(&counts[(x * m + x) * 4 + 3 * sx], (u64)(unsigned)v);
    }
}

// squid_pair_counts_mma adds the counts of the n x m int8 votes (row-major,
// on the device) to counts[(i*m + j)*4 + {PP, PN, NP, NN}] for i <= j, the
// layout of squid_pair_counts, computed as the upper triangle of X^T X on
// the tensor cores. Grid x: T*T work units (mmaUnit; T = ceil(m/MMA_LFS)),
// grid y: row slices of rowsPerBlock rows (a multiple of MMA_ROWS, at most
// 2^31 - 1 so that the int32 accumulators cannot overflow). Each step a
// block stages MMA_ROWS rows of its sides' LFs in shared memory (m <=
// MMA_LFS: the rows are one contiguous range, read with 16-byte loads),
// turns them into indicator columns (mmaTranspose: X^T, each column's
// rows as consecutive bytes, so that the A (row-major) and B (col-major)
// fragments are both 32-bit loads from the same staging), and every warp
// runs two k-steps of mma.sync on each of its tile pairs (task e = warp +
// 16 k, k < MMA_SLOTS; 8 m16n8k32 per 32 x 32 block). At the end each
// accumulator is added to the 64-bit counts with one atomic.
// Block: MMA_THREADS threads.
extern "C" __global__ void __launch_bounds__(MMA_THREADS, 1) squid_pair_counts_mma(const signed char* votes, i64 n, i64 m, i64 rowsPerBlock, u64* counts) {
    __shared__ uint4 rawStore[(MMA_ROWS * (MMA_RAW_A + MMA_RAW_B)) / 16];
    __shared__ unsigned xtA[2 * MMA_STAGE_LFS * MMA_XT_WORDS];
    __shared__ unsigned xtB[2 * 64 * MMA_XT_WORDS];
    // This warp's tile pairs, k < nslots: side-A tile slot[warp][k] >> 16,
    // side-B tile slot[warp][k] & 0xffff (in shared memory, not registers:
    // the accumulators need them).
    __shared__ int slot[MMA_THREADS / 32][MMA_SLOTS];
    unsigned char* raw = (unsigned char*)rawStore;
    i64 a0, wa, b0, wb;
    mmaUnit(blockIdx.x, m, &a0, &wa, &b0, &wb);
    if (wa <= 0 || wb <= 0) return;
    bool diag = a0 == b0;
    const unsigned* xb = diag ? xtA : xtB;
    int TA = (int)((wa + 15) / 16), TB = (int)((wb + 15) / 16);
    int ntasks = diag ? TA * (TA + 1) / 2 : TA * TB;
    int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5, g = lane >> 2, t = lane & 3;
    int nslots = 0;
    for (int k = 0; k < MMA_SLOTS; k++) {
        int e = warp + 16 * k, qa = 0, qb = 0;
        if (e >= ntasks) break;
        nslots = k + 1;
        if (diag) {
            while (e >= TA - qa) {
                e -= TA - qa;
                qa++;
            }
            qb = qa + e;
        } else {
            qa = e / TB;
            qb = e - qa * TB;
        }
        if (lane == 0) slot[warp][k] = qa << 16 | qb;
    }
    // acc[k][s][c]: task k, A block sign s (rows 32 qa + 16 s ...), B
    // column group c of 8 (columns 32 qb + 8 c ...).
    int acc[MMA_SLOTS][2][4][4];
    MMA_UNROLL
    for (int k = 0; k < MMA_SLOTS; k++)
        MMA_UNROLL
        for (int s = 0; s < 2; s++)
            MMA_UNROLL
            for (int c = 0; c < 4; c++)
                MMA_UNROLL
                for (int i = 0; i < 4; i++) acc[k][s][c][i] = 0;
    i64 r0 = (i64)blockIdx.y * rowsPerBlock, r1 = r0 + rowsPerBlock < n ? r0 + rowsPerBlock : n;
    bool whole = wa == m;  // one side tile holds every LF: the rows are contiguous
    int strideA = whole ? (int)m : MMA_RAW_A;
    for (i64 s = r0; s < r1; s += MMA_ROWS) {
        int rows = (int)(r1 - s < MMA_ROWS ? r1 - s : MMA_ROWS);
        if (whole) {
            // Bytes [s*m, (s+rows)*m) are contiguous; s*m is a multiple of 16.
            const signed char* base = votes + s * m;
            int span = rows * (int)m, full = MMA_ROWS * (int)m;
            int body = ((unsigned long long)base & 15) == 0 ? span / 16 : 0;
            for (int k = tid; k < body; k += MMA_THREADS) rawStore[k] = ((const uint4*)base)[k];
            for (int k = body * 16 + tid; k < full; k += MMA_THREADS) raw[k] = k < span ? (unsigned char)base[k] : 0;
        } else {
            mmaStage(votes, m, s, rows, a0, (int)wa, raw, MMA_RAW_A);
            if (!diag) mmaStage(votes, m, s, rows, b0, (int)wb, raw + MMA_ROWS * MMA_RAW_A, MMA_RAW_B);
        }
        __syncthreads();
        mmaTranspose(raw, strideA, MMA_STAGE_LFS / 4, xtA);
        if (!diag) mmaTranspose(raw + MMA_ROWS * MMA_RAW_A, MMA_RAW_B, 64 / 4, xtB);
        __syncthreads();
        for (int ks = 0; ks < MMA_ROWS / 32; ks++) {
            int kw = 8 * ks + t;
            MMA_UNROLL
            for (int k = 0; k < MMA_SLOTS; k++) {
                if (k >= nslots) continue;  // uniform across the warp
                int sk = slot[warp][k];
                const unsigned* pa = xtA + (32 * (sk >> 16) + g) * MMA_XT_WORDS + kw;
                const unsigned* pb = xb + (32 * (sk & 0xffff) + g) * MMA_XT_WORDS + kw;
                unsigned fa[2][4], fb[4][2];
                MMA_UNROLL
                for (int x = 0; x < 2; x++) {
                    const unsigned* p = pa + 16 * x * MMA_XT_WORDS;
                    fa[x][0] = p[0];
                    fa[x][1] = p[8 * MMA_XT_WORDS];
                    fa[x][2] = p[4];
                    fa[x][3] = p[8 * MMA_XT_WORDS + 4];
                }
                MMA_UNROLL
                for (int c = 0; c < 4; c++) {
                    fb[c][0] = pb[8 * c * MMA_XT_WORDS];
                    fb[c][1] = pb[8 * c * MMA_XT_WORDS + 4];
                }
                MMA_UNROLL
                for (int x = 0; x < 2; x++)
                    MMA_UNROLL
                    for (int c = 0; c < 4; c++) mma_s8(acc[k][x][c], fa[x], fb[c], acc[k][x][c]);
            }
        }
    }
    MMA_UNROLL
    for (int k = 0; k < MMA_SLOTS; k++) {
        if (k >= nslots) continue;
        int sk = slot[warp][k];
        MMA_UNROLL
        for (int x = 0; x < 2; x++)
            MMA_UNROLL
            for (int c = 0; c < 4; c++)
                MMA_UNROLL
                for (int i = 0; i < 4; i++)
                    mmaCommit(acc[k][x][c][i], 32 * (sk >> 16) + 16 * x + g + 8 * (i >> 1), 32 * (sk & 0xffff) + 8 * c + 2 * t + (i & 1), diag,
                              a0, wa, b0, wb, m, counts);
    }
}
