// Runs every kernel of squid.cu on the host emulator and compares it with
// plain reference loops. Exit status 0 when all agree.
#include "emu.h"
#include "../squid.cu"

#include <algorithm>
#include <cstdio>
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

static void testCounts(i64 n, i64 m, i64 wpb) {
    auto votes = randomVotes(n, m);
    i64 words = (n + 31) / 32;
    std::vector<unsigned> pos(m * words), neg(m * words);
    emu_launch({unsigned((words * 32 + 63) / 64)}, {64}, squid_pack, votes.data(), n, m, pos.data(), neg.data(), words);
    std::vector<u64> counts(m * m * 4, 0);
    unsigned tiles = (m + TILE - 1) / TILE;
    emu_launch({tiles, tiles, unsigned((words + wpb - 1) / wpb)}, {TILE, TILE}, squid_pair_counts, (const unsigned*)pos.data(),
               (const unsigned*)neg.data(), m, words, wpb, counts.data());
    for (i64 i = 0; i < m; i++)
        for (i64 j = i; j < m; j++) {
            u64 pp = 0, pn = 0, np = 0, nn = 0;
            for (i64 r = 0; r < n; r++) {
                int a = votes[r * m + i], b = votes[r * m + j];
                pp += a == 1 && b == 1;
                pn += a == 1 && b == -1;
                np += a == -1 && b == 1;
                nn += a == -1 && b == -1;
            }
            const u64* c = &counts[(i * m + j) * 4];
            CHECK(c[0] == pp && c[1] == pn && c[2] == np && c[3] == nn, "counts n=%lld m=%lld pair (%lld,%lld)", n, m, i, j);
        }
}

static void testTriplets(i64 m) {
    std::vector<double> pairs(m * m);
    for (i64 i = 0; i < m; i++)
        for (i64 j = i + 1; j < m; j++) {
            double v = 0.05 + double(rng() % 1000) / 1000.0;
            if (rng() % 40 == 0) v = 0;
            pairs[i * m + j] = pairs[j * m + i] = v;
        }
    std::vector<i64> lf(m), comp(m * m);
    for (i64 e = 0; e < m; e++) {
        lf[e] = e;
        for (i64 f = 0; f < m; f++) comp[e * m + f] = (f % 4 == 1 && m > 6) ? -1 : f;
    }
    std::vector<double> sum(m), med(m);
    std::vector<i64> cnt(m), z(m), cnt2(m), z2(m);
    emu_launch({unsigned(m)}, {TRIPLET_THREADS}, squid_triplet_mean, (const double*)pairs.data(), (const i64*)lf.data(),
               (const i64*)comp.data(), m, sum.data(), cnt.data(), z.data());
    i64 cap = std::max<i64>(1, (m - 1) * (m - 2) / 2);
    i64 batch = 3;
    std::vector<u64> scratch(batch * cap);
    for (i64 e0 = 0; e0 < m; e0 += batch) {
        i64 nb = std::min(batch, m - e0);
        emu_launch({unsigned(nb)}, {256}, squid_triplet_median, (const double*)pairs.data(), (const i64*)lf.data(),
                   (const i64*)comp.data(), m, e0, cap, scratch.data(), med.data(), cnt2.data(), z2.data());
    }
    for (i64 e = 0; e < m; e++) {
        const i64* c = &comp[e * m];
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
        CHECK(cnt2[e] == n && z2[e] == zeros && med[e] == want, "triplet median m=%lld e=%lld: %.17g vs %.17g", m, e, med[e], want);
    }
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
    testCounts(1, 3, 2048);
    testCounts(33, 5, 2048);
    testCounts(1000, 17, 2048);
    testCounts(2000, 35, 20);  // several word blocks and tiles
    testTriplets(3);
    testTriplets(7);
    testTriplets(20);
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
