// Tests of the emulated mma.sync (emu_mma_m16n8k32_s8, through squid.cu's
// mma_s8) and of squid_pair_counts_mma, included by main.cpp after
// squid.cu, CHECK, rng and checkPairCounts.
#pragma once

// fragLayout is one way to spread A (16x32), B (32x8) and C/D (16x8) over
// the lanes of a warp: the PTX ISA's (perm 0, "Matrix Fragments for
// mma.m16n8k32") or a plausible mistake (perm > 0), so that the test shows
// a wrong layout is caught. aAt(lane, reg, byte) gives the (row, k) of A,
// bAt the (k, col) of B, cAt(lane, reg) the (row, col) of C and D.
struct fragLayout {
    int perm;
    void aAt(int l, int r, int j, int* row, int* k) const {
        int g = l >> 2, t = l & 3;
        if (perm == 1 && (r == 1 || r == 2)) r = 3 - r;  // a1 and a2 swapped
        if (perm == 4) j = 3 - j;                         // bytes high to low
        if (perm == 5) g = l & 7, t = l >> 3;             // lanes grouped by 8, not by 4
        *row = g + 8 * (r & 1);
        *k = 4 * t + j + 16 * (r >> 1);
    }
    void bAt(int l, int r, int j, int* k, int* col) const {
        int g = l >> 2, t = l & 3;
        if (perm == 2) r = 1 - r;  // k halves swapped
        *k = 4 * t + j + 16 * r;
        *col = g;
    }
    void cAt(int l, int r, int* row, int* col) const {
        int g = l >> 2, t = l & 3;
        if (perm == 3) r ^= 2;  // rows g and g+8 swapped
        *row = g + 8 * (r >> 1);
        *col = 2 * t + (r & 1);
    }
};

// mmaTwice runs D = A B + C, then E = A B + D, for every warp of the
// block: frags holds each thread's 4 A, 2 B and 4 C registers, out gets
// D and E.
static void mmaTwice(const unsigned* frags, int* out) {
    const unsigned* f = frags + threadIdx.x * 10;
    unsigned a[4] = {f[0], f[1], f[2], f[3]}, b[2] = {f[4], f[5]};
    int c[4] = {(int)f[6], (int)f[7], (int)f[8], (int)f[9]}, d[4], e[4];
    mma_s8(d, a, b, c);
    mma_s8(e, a, b, d);
    for (int i = 0; i < 4; i++) {
        out[threadIdx.x * 8 + i] = d[i];
        out[threadIdx.x * 8 + 4 + i] = e[i];
    }
}

// mmaMatches packs random A, B, C of two warps with layout L, runs
// mmaTwice, unpacks with L and reports whether D = C + AB and
// E = C + 2AB (wrapping int32) everywhere.
static bool mmaMatches(fragLayout L, int trial) {
    const int W = 2;
    signed char A[W][16][32], B[W][32][8];
    unsigned C[W][16][8];
    for (int w = 0; w < W; w++) {
        for (auto& r : A[w])
            for (auto& x : r) x = (signed char)(trial == 0 ? 127 - (int)(rng() % 2) * 255 : (int)(rng() % 256) - 128);
        for (auto& r : B[w])
            for (auto& x : r) x = (signed char)(trial == 0 ? 127 - (int)(rng() % 2) * 255 : (int)(rng() % 256) - 128);
        for (auto& r : C[w])
            for (auto& x : r) x = trial == 1 ? 0x7fffff00u + (unsigned)(rng() % 512) : (unsigned)rng();  // some wrap
    }
    std::vector<unsigned> frags(W * 32 * 10);
    for (int w = 0; w < W; w++)
        for (int l = 0; l < 32; l++) {
            unsigned* f = &frags[(w * 32 + l) * 10];
            for (int r = 0; r < 4; r++) {
                f[r] = 0;
                for (int j = 0; j < 4; j++) {
                    int row, k;
                    L.aAt(l, r, j, &row, &k);
                    f[r] |= (unsigned)(unsigned char)A[w][row][k] << (8 * j);
                }
            }
            for (int r = 0; r < 2; r++) {
                f[4 + r] = 0;
                for (int j = 0; j < 4; j++) {
                    int k, col;
                    L.bAt(l, r, j, &k, &col);
                    f[4 + r] |= (unsigned)(unsigned char)B[w][k][col] << (8 * j);
                }
            }
            for (int r = 0; r < 4; r++) {
                int row, col;
                L.cAt(l, r, &row, &col);
                f[6 + r] = C[w][row][col];
            }
        }
    std::vector<int> out(W * 32 * 8);
    emu_launch({1}, {unsigned(W * 32)}, mmaTwice, (const unsigned*)frags.data(), out.data());
    bool ok = true;
    for (int w = 0; w < W; w++)
        for (int l = 0; l < 32; l++)
            for (int r = 0; r < 4; r++) {
                int row, col;
                L.cAt(l, r, &row, &col);
                unsigned ab = 0;
                for (int k = 0; k < 32; k++) ab += (unsigned)(int(A[w][row][k]) * int(B[w][k][col]));
                ok &= (unsigned)out[(w * 32 + l) * 8 + r] == C[w][row][col] + ab;
                ok &= (unsigned)out[(w * 32 + l) * 8 + 4 + r] == C[w][row][col] + 2 * ab;
            }
    return ok;
}

// testMma checks the emulated mma.sync against a plain 16x8x32 product
// with the PTX ISA's layouts, and that each wrong layout fails.
static void testMma() {
    for (int trial = 0; trial < 6; trial++) CHECK(mmaMatches(fragLayout{0}, trial), "mma.sync m16n8k32 s8 trial %d", trial);
    for (int perm = 1; perm <= 5; perm++)
        CHECK(!mmaMatches(fragLayout{perm}, 2), "a wrong fragment layout (%d) passes the mma.sync test", perm);
}

// testBytesEqual checks bytesEqual on every byte value in every position.
static void testBytesEqual() {
    for (int v = 0; v < 256; v++)
        for (int pos = 0; pos < 4; pos++) {
            unsigned x = (0x01FF0001u & ~(0xFFu << (8 * pos))) | (unsigned)v << (8 * pos);
            for (unsigned y : {0x01010101u, 0xFFFFFFFFu}) {
                unsigned want = 0;
                for (int j = 0; j < 4; j++) want |= (unsigned)(((x >> (8 * j)) & 0xFF) == ((y >> (8 * j)) & 0xFF)) << (8 * j);
                CHECK(bytesEqual(x, y) == want, "bytesEqual(%08x, %08x) = %08x, want %08x", x, y, bytesEqual(x, y), want);
            }
        }
}

// testCountsMma counts n x m votes (some of them out of range: counted as
// abstentions, as cpu.CountReference does) with squid_pair_counts_mma, the
// votes offset bytes into their buffer, and compares every pair with
// plain loops.
static void testCountsMma(i64 n, i64 m, i64 rowsPerBlock, i64 offset = 0) {
    std::vector<signed char> raw(n * m + offset + 16);
    for (auto& x : raw) {
        int r = int(rng() % 40);
        x = (signed char)(r < 13 ? 1 : r < 26 ? -1 : r < 38 ? 0 : r == 38 ? 2 : -128);
    }
    alignas(16) static thread_local std::vector<uint4> aligned;
    aligned.assign((raw.size() + 15) / 16 + 1, uint4{});
    signed char* votes = (signed char*)aligned.data() + offset;
    std::memcpy(votes, raw.data(), n * m);
    std::vector<u64> counts(m * m * 4, 0);
    i64 T = (m + MMA_LFS - 1) / MMA_LFS;
    emu_launch({unsigned(T * T), unsigned((n + rowsPerBlock - 1) / rowsPerBlock)}, {MMA_THREADS}, squid_pair_counts_mma,
               (const signed char*)votes, n, m, rowsPerBlock, counts.data());
    checkPairCounts("squid_pair_counts_mma", votes, n, m, counts);
}
