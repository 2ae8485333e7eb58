// k-WTA arithmetic: the histogram / threshold search the unit runs picks exactly the winners of
// the golden reference (KwtaRef), ties to the lowest HWC index, whatever the value mix.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "model/kwta/kwta.h"
#include "model/ref/ref.h"

namespace cssim {
namespace {

// Runs KwtaSelect on a CHW map laid out HWC (as the GLB holds it) and KwtaRef on the CHW map;
// fails unless both keep the same elements and exactly min(k, n) of them. KwtaRef returns
// values, so a kept 0 would look dropped: callers draw maps without zeros.
void ExpectMatchesRef(const Shape& s, const std::vector<int32_t>& chw, int64_t k) {
  const int64_t n = s.size();
  std::vector<int8_t> hwc(size_t(n), 0);
  std::vector<size_t> hwc_of_chw(size_t(n), 0);
  for (int c = 0; c < s.c; ++c)
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x) {
        const size_t h = (size_t(y) * s.w + x) * s.c + c, i = (size_t(c) * s.h + y) * s.w + x;
        hwc[h] = int8_t(chw[i]);
        hwc_of_chw[i] = h;
      }
  const std::vector<int64_t> kept = KwtaSelect(hwc.data(), n, k);
  ASSERT_EQ(int64_t(kept.size()), std::min(k, n)) << "k " << k;
  for (size_t i = 1; i < kept.size(); ++i) ASSERT_LT(kept[i - 1], kept[i]) << "not ascending";
  std::vector<bool> is_kept(size_t(n), false);
  for (int64_t h : kept) is_kept[size_t(h)] = true;
  const std::vector<int32_t> want = KwtaRef(s, chw, k);
  for (int64_t i = 0; i < n; ++i) {
    const int32_t got = is_kept[hwc_of_chw[size_t(i)]] ? chw[size_t(i)] : 0;
    ASSERT_EQ(got, want[size_t(i)])
        << "CHW element " << i << " (HWC " << hwc_of_chw[size_t(i)] << "), k " << k;
  }
}

// A map of non-zero values from [lo, hi].
std::vector<int32_t> RandomMap(std::mt19937_64& rng, int64_t n, int lo, int hi) {
  std::vector<int32_t> m(static_cast<size_t>(n));
  for (auto& v : m) {
    do {
      v = lo + int(rng() % uint64_t(hi - lo + 1));
    } while (v == 0);
  }
  return m;
}

TEST(KwtaSearch, StopsAtTheBinWhereTheCountReachesK) {
  // Values 0..63, k = 8: bins 127 down to 56 hold 8 values; 57..63 are above, one tie at 56.
  KwtaHistogram h{};
  for (int v = 0; v < 64; ++v) ++h[size_t(v + 128)];
  const KwtaThreshold t = KwtaSearch(h, 8);
  EXPECT_EQ(t.value, 56);
  EXPECT_EQ(t.above, 7);
  EXPECT_EQ(t.ties, 1);
  EXPECT_EQ(t.bins_examined, 72);
}

TEST(KwtaSearch, TiesAreTheRemainderOfKAtTheThresholdBin) {
  // Five 9s, three 4s, k = 6: T = 4, the five 9s above, one of the 4s kept.
  KwtaHistogram h{};
  h[9 + 128] = 5;
  h[4 + 128] = 3;
  const KwtaThreshold t = KwtaSearch(h, 6);
  EXPECT_EQ(t.value, 4);
  EXPECT_EQ(t.above, 5);
  EXPECT_EQ(t.ties, 1);
  EXPECT_EQ(t.bins_examined, 124);
}

TEST(KwtaSearch, KBeyondNKeepsEverythingAndStopsAtTheLowestBin) {
  KwtaHistogram h{};
  h[-128 + 128] = 2;
  h[3 + 128] = 1;
  const KwtaThreshold t = KwtaSearch(h, 10);
  EXPECT_EQ(t.value, -128);
  EXPECT_EQ(t.above + t.ties, 3);
  EXPECT_EQ(t.bins_examined, 256);
}

TEST(KwtaSelect, TiesGoToTheLowestIndices) {
  const int8_t v[] = {5, 7, 5, 5, 7, 5};
  EXPECT_EQ(KwtaSelect(v, 6, 4), (std::vector<int64_t>{0, 1, 2, 4}));
}

TEST(KwtaSelect, AllEqualKeepsTheFirstK) {
  const std::vector<int8_t> v(50, -3);
  const std::vector<int64_t> kept = KwtaSelect(v.data(), 50, 7);
  EXPECT_EQ(kept, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
}

TEST(KwtaSelect, ExtremeValues) {
  const int8_t v[] = {-128, 127, -128, 127, 0};
  EXPECT_EQ(KwtaSelect(v, 5, 1), (std::vector<int64_t>{1}));
  EXPECT_EQ(KwtaSelect(v, 5, 3), (std::vector<int64_t>{1, 3, 4}));
  EXPECT_EQ(KwtaSelect(v, 5, 4), (std::vector<int64_t>{0, 1, 3, 4}));
}

TEST(KwtaSelect, MatchesRefOnRandomMaps) {
  std::mt19937_64 rng(2024);
  for (int t = 0; t < 200; ++t) {
    const Shape s{1 + int(rng() % 6), 1 + int(rng() % 5), 1 + int(rng() % 5)};
    const int64_t n = s.size();
    // Narrow ranges force many ties; full ranges spread the values.
    const int span = t % 3 == 0 ? 2 : t % 3 == 1 ? 10 : 127;
    const std::vector<int32_t> m = RandomMap(rng, n, -span, span);
    for (int64_t k : {int64_t(1), 1 + int64_t(rng() % uint64_t(n)), n})
      ASSERT_NO_FATAL_FAILURE(ExpectMatchesRef(s, m, k)) << "trial " << t;
  }
}

TEST(KwtaSelect, MatchesRefWhenAllValuesAreEqual) {
  const Shape s{3, 4, 2};
  const std::vector<int32_t> m(size_t(s.size()), 42);
  for (int64_t k = 1; k <= s.size(); ++k) ASSERT_NO_FATAL_FAILURE(ExpectMatchesRef(s, m, k));
}

TEST(KwtaSelect, MatchesRefWithNegativeWinners) {
  // Every value negative: the winners are the least negative, ties among them by index.
  std::mt19937_64 rng(5);
  const Shape s{4, 3, 3};
  const std::vector<int32_t> m = RandomMap(rng, s.size(), -128, -100);
  for (int64_t k : {1, 5, 17, 36}) ASSERT_NO_FATAL_FAILURE(ExpectMatchesRef(s, m, k));
}

}  // namespace
}  // namespace cssim
