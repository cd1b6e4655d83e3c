// Runs every kernel of squid.cu on the host emulator and compares it with
// plain reference loops. Exit status 0 when all agree.
#include "emu.h"
#include "../squid.cu"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>

static int failures = 0;
#define CHECK(cond, ...)                 \
    do {                                 \
        if (!(cond)) {                   \
            std::printf("FAIL: " __VA_ARGS__); \
            std::printf("\n");           \
            failures++;                  \
        }                                \
    } while (0)

static std::mt19937_64 rng(7);

static std::vector<signed char> randomVotes(i64 n, i64 m) {
    std::vector<signed char> v(n * m);
    for (auto& x : v) x = (signed char)(int(rng() % 3) - 1);
    return v;
}

// checkPairCounts compares counts (m x m x 4, squid_pair_counts' layout:
// PP, PN, NP, NN of every pair i <= j, zeros below) with plain loops over
// the n x m votes, reporting at most 5 mismatches.
static void checkPairCounts(const char* kernel, const signed char* votes, i64 n, i64 m, const std::vector<u64>& counts) {
    int bad = 0;
    for (i64 i = 0; i < m; i++)
        for (i64 j = 0; j < m; j++) {
            u64 pp = 0, pn = 0, np = 0, nn = 0;
            if (i <= j)
                for (i64 r = 0; r < n; r++) {
                    int a = votes[r * m + i], b = votes[r * m + j];
                    pp += a == 1 && b == 1;
                    pn += a == 1 && b == -1;
                    np += a == -1 && b == 1;
                    nn += a == -1 && b == -1;
                }
            const u64* c = &counts[(i * m + j) * 4];
            if ((c[0] != pp || c[1] != pn || c[2] != np || c[3] != nn) && bad++ < 5)
                CHECK(false, "%s n=%lld m=%lld pair (%lld,%lld): %llu %llu %llu %llu, want %llu %llu %llu %llu", kernel, n, m, i, j, c[0], c[1], c[2],
                      c[3], pp, pn, np, nn);
        }
}

#include "mma_tests.h"

// packShape is the host's choice of squid_pack's words per block and LFs
// per block (as package cuda makes it).
static void packShape(i64 m, i64* wpb, i64* lfs) {
    *lfs = std::min<i64>(m, PACK_MAX_LFS);
    *wpb = std::max<i64>(1, std::min<i64>({8, PACK_MAX_LFS / *lfs, 4 * PACK_TILE_WORDS / (32 * *lfs)}));
}

// testCounts packs and counts n x m random votes (starting offset bytes
// into their buffer, so that the 16-byte load path meets unaligned rows
// too) and compares every pair with plain loops. wpb is the pair kernel's
// words per block; packWpb, when > 0, overrides the pack's.
static void testCounts(i64 n, i64 m, i64 wpb, i64 offset = 0, i64 packWpb = 0) {
    auto raw = randomVotes(n * m + offset + 16, 1);
    alignas(16) static thread_local std::vector<uint4> aligned;
    aligned.assign((raw.size() + 15) / 16 + 1, uint4{});
    signed char* votes = (signed char*)aligned.data() + offset;
    std::memcpy(votes, raw.data(), n * m);
    i64 words = (n + 31) / 32;
    std::vector<unsigned> pos(m * words, 0xdeadbeefu), neg(m * words, 0xdeadbeefu);
    i64 pw, lfs;
    packShape(m, &pw, &lfs);
    if (packWpb > 0) pw = packWpb;
    emu_launch({unsigned((words + pw - 1) / pw), unsigned((m + lfs - 1) / lfs)}, {PACK_THREADS}, squid_pack,
               (const signed char*)votes, n, m, pos.data(), neg.data(), words, pw, lfs);
    for (i64 i = 0; i < m; i++)
        for (i64 w = 0; w < words; w++) {
            unsigned p = 0, q = 0;
            for (i64 b = 0; b < 32 && w * 32 + b < n; b++) {
                signed char v = votes[(w * 32 + b) * m + i];
                p |= unsigned(v == 1) << b;
                q |= unsigned(v == -1) << b;
            }
            CHECK(pos[i * words + w] == p && neg[i * words + w] == q, "pack n=%lld m=%lld offset=%lld LF %lld word %lld", n, m, offset, i, w);
        }
    std::vector<u64> counts(m * m * 4, 0);
    i64 T = (m + TILE - 1) / TILE;
    emu_launch({unsigned(T * (T + 1) / 2), unsigned((words + wpb - 1) / wpb)}, {TILE * TILE}, squid_pair_counts,
               (const unsigned*)pos.data(), (const unsigned*)neg.data(), m, words, wpb, counts.data());
    checkPairCounts("squid_pair_counts", votes, n, m, counts);
}

// testBitCounter checks the carry-save counter against __popc on words
// with every bit set, none, and random ones.
static void testBitCounter() {
    for (int trial = 0; trial < 50; trial++) {
        bitCounter s;
        unsigned long long want = 0;
        int groups = 1 + trial % 9;
        for (int g = 0; g < groups; g++) {
            unsigned x[8];
            for (auto& v : x) {
                v = trial == 0 ? 0xffffffffu : trial == 1 ? 0u : (unsigned)rng();
                want += __popc(v);
            }
            add8(s, x);
        }
        CHECK(total(s) == want, "bitCounter trial %d: %u, want %llu", trial, total(s), want);
    }
}

// testTilePair checks that the upper-triangular tile numbering visits
// every tile I <= J once.
static void testTilePair() {
    for (i64 T = 1; T <= 9; T++) {
        std::vector<int> seen(T * T, 0);
        for (i64 t = 0; t < T * (T + 1) / 2; t++) {
            i64 I, J;
            tilePair(t, T, &I, &J);
            CHECK(I <= J && J < T, "tilePair(%lld, %lld) = (%lld, %lld)", t, T, I, J);
            if (I <= J && J < T) seen[I * T + J]++;
        }
        for (i64 I = 0; I < T; I++)
            for (i64 J = I; J < T; J++) CHECK(seen[I * T + J] == 1, "tile (%lld, %lld) of %lld seen %d times", I, J, T, seen[I * T + J]);
    }
}

// tripletPairs is a symmetric m x m pairs matrix for testTriplets: kind 0
// random (some zero denominators), 1 every entry equal (all values tie: no
// pass can split them), 2 entries 1 + j*2^-40 (every value in one bin of
// the first passes, all distinct), 3 few distinct levels (many ties).
static std::vector<double> tripletPairs(i64 m, int kind) {
    std::vector<double> pairs(m * m);
    for (i64 i = 0; i < m; i++)
        for (i64 j = i + 1; j < m; j++) {
            double v = 0.05 + double(rng() % 1000) / 1000.0;
            if (rng() % 40 == 0) v = 0;
            if (kind == 1) v = 0.5;
            if (kind == 2) v = 1 + std::ldexp(double(rng() % 4096), -40);
            if (kind == 3) v = 0.25 * double(1 + rng() % 3);
            pairs[i * m + j] = pairs[j * m + i] = v;
        }
    return pairs;
}

// testTriplets runs the mean and median kernels against plain loops; sep
// makes every 4th LF share a component the task does not separate.
static void testTriplets(i64 m, int kind = 0, bool sep = true) {
    std::vector<double> pairs = tripletPairs(m, kind);
    std::vector<i64> lf(m);
    std::vector<int> comp(m * m);
    for (i64 e = 0; e < m; e++) {
        lf[e] = e;
        for (i64 f = 0; f < m; f++) comp[e * m + f] = (sep && f % 4 == 1 && m > 6) ? -1 : f;
    }
    std::vector<double> sum(m), med(m);
    std::vector<i64> cnt(m), z(m), cnt2(m), z2(m);
    emu_launch({unsigned(m)}, {TRIPLET_THREADS}, squid_triplet_mean, (const double*)pairs.data(), (const i64*)lf.data(),
               (const int*)comp.data(), m, sum.data(), cnt.data(), z.data());
    emu_launch({unsigned(m)}, {TRIPLET_THREADS}, squid_triplet_median, (const double*)pairs.data(), (const i64*)lf.data(),
               (const int*)comp.data(), m, med.data(), cnt2.data(), z2.data(), (i64*)nullptr);
    for (i64 e = 0; e < m; e++) {
        const int* c = &comp[e * m];
        std::vector<double> vals;
        i64 zeros = 0;
        for (i64 x = 0; x < m; x++) {
            if (x == e || c[x] == c[e]) continue;
            for (i64 y = x + 1; y < m; y++) {
                if (y == e || c[y] == c[e] || c[y] == c[x]) continue;
                double den = pairs[x * m + y];
                vals.push_back(den == 0 ? 0 : std::sqrt(std::fabs(pairs[e * m + x] * pairs[e * m + y] / den)));
                zeros += den == 0;
            }
        }
        double s = 0;
        for (double v : vals) s += v;
        std::sort(vals.begin(), vals.end());
        i64 n = vals.size();
        double want = n == 0 ? 0 : (n % 2 ? vals[n / 2] : (vals[n / 2 - 1] + vals[n / 2]) / 2);
        CHECK(cnt[e] == n && z[e] == zeros && std::fabs(sum[e] - s) <= 1e-12 * std::max(1.0, s), "triplet mean m=%lld e=%lld: %g/%lld vs %g/%lld", m, e, sum[e], cnt[e], s, n);
        CHECK(cnt2[e] == n && z2[e] == zeros && med[e] == want, "triplet median m=%lld kind=%d e=%lld: %.17g vs %.17g (n=%lld)", m, kind, e, med[e], want, n);
    }
}

// testBitBuiltins checks the emulator's __ffs, __clzll, atomicMin and
// atomicMax against their CUDA definitions.
static void testBitBuiltins() {
    CHECK(__ffs(0) == 0 && __ffs(1) == 1 && __ffs(0x80000000) == 32 && __ffs(12) == 3, "__ffs");
    CHECK(__clzll(0) == 64 && __clzll(1) == 63 && __clzll(-1) == 0 && __clzll(1ll << 40) == 23, "__clzll");
    unsigned long long x = 5;
    CHECK(atomicMin(&x, 7ull) == 5 && x == 5 && atomicMin(&x, 2ull) == 5 && x == 2, "atomicMin");
    CHECK(atomicMax(&x, 1ull) == 2 && x == 2 && atomicMax(&x, ~0ull) == 2 && x == ~0ull, "atomicMax");
}

// testKeyFilter checks filteredKey against tripletKey on ranges whose
// bounds lie within a few keys of the exact one (where the quotient's
// rounding decides): a key filtered out must truly lie outside the range,
// and both filters must fire somewhere.
static void testKeyFilter() {
    long below = 0, over = 0, bad = 0;
    for (int i = 0; i < 20000; i++) {
        double a = 0.05 + double(rng() % 1000000) / 1e6, b = 0.05 + double(rng() % 1000000) / 1e6;
        double c = (rng() % 2 ? -1 : 1) * (0.01 + double(rng() % 1000000) / 1e6);
        if (i % 1000 == 0) c = 0;
        int zero, fz;
        u64 key = tripletKey(a, b, c, &zero);
        for (long d = -6; d <= 6; d++)
            for (u64 w : {1ull, 2ull, 16ull, 1ull << 40}) {
                u64 lo = key + d, end = lo + w;
                u64 fk = filteredKey(a, b, c, rangeFilter(lo, end), &fz);
                bool fine = fz == zero && (fk == key || (fk == 0 && key < lo) || (fk == MEDIAN_OVER_KEY && key >= end));
                bad += !fine;
                below += fk != key && fk == 0;
                over += fk != key && fk == MEDIAN_OVER_KEY;
            }
    }
    CHECK(bad == 0 && below > 0 && over > 0, "key filter: %ld wrong, %ld filtered under, %ld over", bad, below, over);
}

// testMedianValues runs squid_triplet_median on one expectation (LF 0,
// moments 1 to every LF) whose candidates are LFs 1..k, each in a
// component of its own, and g more LFs sharing one: C(k,2) + k*g pairs
// (x, y), each given the moment 1/v^2 for the next v of gen(i), so its
// triplet value is ~v (0 for v = 0: a zero denominator). Against a sort.
template <class G>
static void testMedianValues(i64 k, i64 g, G gen, const char* what, i64 wantPasses = -1) {
    i64 m = 1 + k + g;
    std::vector<double> pairs(m * m, 1.0);
    std::vector<i64> lf{0};
    std::vector<int> comp(m);
    for (i64 f = 0; f < m; f++) comp[f] = f <= k ? f : k + 1;
    std::vector<double> vals;
    i64 zeros = 0;
    for (i64 x = 1; x < m; x++)
        for (i64 y = x + 1; y < m; y++) {
            if (comp[x] == comp[y]) continue;
            double v = gen(i64(vals.size()));
            double den = v == 0 ? 0 : 1 / (v * v);
            pairs[x * m + y] = pairs[y * m + x] = den;
            vals.push_back(den == 0 ? 0 : std::sqrt(std::fabs(pairs[x] * pairs[y] / den)));
            zeros += den == 0;
        }
    std::sort(vals.begin(), vals.end());
    i64 n = vals.size();
    double expect = n == 0 ? 0 : (n % 2 ? vals[n / 2] : (vals[n / 2 - 1] + vals[n / 2]) / 2);
    double med = -1, sum = -1, s = 0;
    i64 cnt = -1, z = -1, cnt2 = -1, z2 = -1, passes = -1;
    for (double v : vals) s += v;
    emu_launch({1}, {TRIPLET_THREADS}, squid_triplet_median, (const double*)pairs.data(), (const i64*)lf.data(),
               (const int*)comp.data(), m, &med, &cnt, &z, &passes);
    emu_launch({1}, {TRIPLET_THREADS}, squid_triplet_mean, (const double*)pairs.data(), (const i64*)lf.data(),
               (const int*)comp.data(), m, &sum, &cnt2, &z2);
    CHECK(cnt == n && z == zeros && med == expect, "median of %s: %.17g vs %.17g (n=%lld, count %lld)", what, med, expect, n,
          cnt);
    CHECK(cnt2 == n && z2 == zeros && std::fabs(sum - s) <= 1e-12 * std::max(1.0, s), "mean of %s: %.17g vs %.17g", what, sum, s);
    CHECK(wantPasses < 0 || passes == wantPasses, "median of %s: %lld passes, want %lld", what, passes, wantPasses);
    if (std::getenv("EMU_PASSES")) std::printf("%s: n=%lld, %lld passes\n", what, n, passes);
}

// testMedianCases drives each way medianSelect ends, with odd and even
// counts: C(k,2) + k*g values.
static void testMedianCases() {
    auto spread = [](i64) { return 0.05 + double(rng() % 1000000) / 1e6; };
    for (i64 k : {0, 1, 2, 3, 4}) testMedianValues(k, 0, spread, "a few values", k < 2 ? 1 : 2);
    testMedianValues(100, 0, spread, "4950 spread values");  // a second pass, then compaction
    testMedianValues(100, 1, spread, "5050 spread values");
    testMedianValues(64, 0, spread, "2016 spread values");  // fits compaction after the first pass
    testMedianValues(64, 1, spread, "2080 spread values");
    testMedianValues(64, 2, spread, "2144 spread values");
    testMedianValues(110, 0, [](i64) { return 0.5; }, "5995 equal values", 5);  // one key: width 1
    testMedianValues(80, 1, [](i64) { return 0.0; }, "3240 zero denominators", 1);
    testMedianValues(80, 0, [](i64 i) { return i % 2 ? 0.5 : 0.0; }, "half zero denominators", 2);  // k[0] a zero, k[1] not
    testMedianValues(100, 0, [](i64 i) { return i % 2 ? 0.3 : 0.7; }, "two tied halves", 2);  // extremes pass
    testMedianValues(4, 0, [](i64 i) { return i < 3 ? 0.3 : 0.9; }, "two tied halves of 6", 2);
    testMedianValues(101, 1, [](i64 i) { return i % 3 ? 0.25 : 0.0; }, "a third zeros");
    testMedianValues(120, 0, [](i64 i) { return 1 + std::ldexp(double(i * 7919 % 7140), -45); },
                     "7140 values in one fine bin", 4);  // several passes before compaction
    testMedianValues(90, 1, [](i64) { return std::ldexp(1.0 + double(rng() % 1000) / 1000.0, int(rng() % 600) - 300); },
                     "values over 600 binades");
    // the first value (the first pass's guess) far from the rest: the
    // middle ranks lie over, or under, the first window
    testMedianValues(70, 0, [&](i64 i) { return i == 0 ? 1e-6 : spread(i); }, "a small first value");
    testMedianValues(70, 1, [&](i64 i) { return i == 0 ? 1e6 : spread(i); }, "a large first value");
    testMedianValues(70, 0, [&](i64 i) { return i == 0 ? 0.5 : i % 2 ? 1e-5 * spread(i) : 1e5 * spread(i); },
                     "halves far under and over the first window", 2);
    // m = 2,103 > TRIPLET_STAGE: the row and components read from global memory
    testMedianValues(2, 2100, spread, "4201 values of an unstaged row");
}

// testLossStep scores a batch labelled by a new fitted model every `every`
// rows, its first `warm` rows (and every 7th) by labels given on the host,
// in one launch per dtype, and checks labels, row losses, gradients and the
// batch mean; then the posterior kernel with the first table.
static void testLossStep(i64 batch, i64 m, i64 every, i64 warm) {
    auto votes = randomVotes(batch, m);
    i64 nt = (batch + every - 1) / every, w = 3 * m + 1;
    std::vector<double> tables(nt * w), given, x(batch), labels(batch), grad(batch), post(2 * batch), rows(batch),
        labels32(batch), rows32(batch), p(batch);
    std::vector<float> x32(batch), grad32(batch);
    std::vector<int> model(batch);
    for (auto& t : tables) t = double(int(rng() % 2001) - 1000) / 500.0;
    for (i64 r = 0; r < batch; r++) {
        x32[r] = float(int(rng() % 2001) - 1000) / 100.0f;
        x[r] = x32[r];
        if (r < warm || r % 7 == 3) {
            model[r] = -1 - int(given.size());
            given.push_back(double(rng() % 1001) / 1000.0);
            p[r] = given.back();
            continue;
        }
        model[r] = int(r / every);
        const double* t = tables.data() + model[r] * w;
        double s = t[3 * m];
        for (i64 i = 0; i < m; i++) s += t[3 * i + votes[r * m + i] + 1];
        p[r] = 1 / (1 + std::exp(-s));
    }
    given.push_back(0);  // never empty
    double loss = 0, loss32 = 0, pw = 2.5;
    unsigned nb = unsigned((batch + 255) / 256);
    emu_launch({nb}, {256}, squid_loss_step_f64, (const signed char*)votes.data(), (const int*)model.data(),
               (const double*)tables.data(), (const double*)given.data(), batch, m, (const double*)x.data(), pw,
               labels.data(), grad.data(), rows.data(), &loss);
    emu_launch({unsigned((batch + 127) / 128 + 1)}, {128}, squid_loss_step_f32, (const signed char*)votes.data(), (const int*)model.data(),
               (const double*)tables.data(), (const double*)given.data(), batch, m, (const float*)x32.data(), pw,
               labels32.data(), grad32.data(), rows32.data(), &loss32);
    emu_launch({nb}, {256}, squid_posterior_logodds, (const signed char*)votes.data(), batch, m, (const double*)tables.data(), post.data());
    double want = 0;
    for (i64 r = 0; r < batch; r++) {
        double sp = std::log1p(std::exp(-x[r]));  // log(1 + e^-x)
        double wt = 1 + (pw - 1) * p[r];
        double rl = (1 - p[r]) * x[r] + wt * sp;
        want += rl / batch;
        CHECK(std::fabs(rows[r] - rl) < 1e-12 && std::fabs(rows32[r] - rl) < 1e-12, "row loss %lld", r);
        double g = (wt / (1 + std::exp(-x[r])) - pw * p[r]) / batch;
        CHECK(std::fabs(labels[r] - p[r]) < 1e-14 && std::fabs(labels32[r] - p[r]) < 1e-14 && std::fabs(grad[r] - g) < 1e-12 &&
                  std::fabs(grad32[r] - g) < 1e-6,
              "loss step row %lld", r);
        double s = tables[3 * m];
        for (i64 i = 0; i < m; i++) s += tables[3 * i + votes[r * m + i] + 1];
        double q = 1 / (1 + std::exp(-s));
        CHECK(std::fabs(post[2 * r + 1] - q) < 1e-14 && std::fabs(post[2 * r] - (1 - q)) < 1e-14, "posterior row %lld", r);
    }
    CHECK(std::fabs(loss - want) < 1e-9 && std::fabs(loss32 - want) < 1e-9, "loss step %g, %g vs %g", loss, loss32, want);
}

int main() {
    testBitCounter();
    testTilePair();
    testCounts(1, 3, 2048);
    testCounts(33, 5, 2048);
    testCounts(1000, 17, 2048);
    testCounts(2000, 35, 20);         // several word blocks and tiles
    testCounts(999, 1, 32, 0);        // m = 1
    testCounts(517, 128, 64);         // rows 128 bytes apart: the swizzle
    testCounts(301, 64, 32, 3);       // unaligned votes: the byte path
    testCounts(4001, 33, 96, 0, 2);   // several pack blocks, 2 words each
    testCounts(97, 1040, 32);         // m > PACK_MAX_LFS: column chunks
    testMma();
    testBytesEqual();
    testCountsMma(1, 1, 64);
    testCountsMma(33, 5, 64);
    testCountsMma(1000, 17, 128);     // several row slices
    testCountsMma(2000, 100, 1024);
    testCountsMma(517, 112, 256);     // one whole side tile
    testCountsMma(300, 113, 128);     // two side tiles: a cross half of one LF
    testCountsMma(200, 128, 64);      // a cross unit of 112 x 16 LFs
    testCountsMma(301, 100, 128, 3);  // unaligned votes: byte loads
    testCountsMma(97, 177, 64);       // the second cross half of 1 LF
    testCountsMma(200, 300, 128);     // 4-byte staging, 3 x 3 units
    testCountsMma(150, 257, 64, 1);   // byte staging
    testCountsMma(33, 2048, 64);      // the largest m
    testTriplets(3);
    testTriplets(7);
    testTriplets(20);
    testTriplets(64);
    testTriplets(33, 1);         // every value equal: no pass splits them
    testTriplets(40, 2, false);  // distinct values within one first-pass bin
    testTriplets(41, 3);         // three levels: ranks split across bins
    testBitBuiltins();
    testKeyFilter();
    testMedianCases();
    testLossStep(1, 3, 10, 0);
    testLossStep(700, 9, 10, 100);
    testLossStep(1000, 4, 1000, 0);  // one model
    if (failures) {
        std::printf("%d failures\n", failures);
        return 1;
    }
    std::printf("ok\n");
    return 0;
}
