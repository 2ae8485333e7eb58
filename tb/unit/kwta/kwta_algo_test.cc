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

// A hand-worked multi-channel case. The map (CHW, 3 channels of 2 x 2):
//   channel 0: | 5  3 |   channel 1: | 3  7 |   channel 2: | 3  3 |
//              | 3  1 |              | 2  3 |              | 5 -4 |
// k = 6. Three values exceed 3 (5, 7, 5), and six equal 3, so the threshold is T = 3 and
// 6 - 3 = 3 of the six 3s are kept. The tie-break rule: lowest HWC index, (y * 2 + x) * 3 + ch.
//   values > 3:  (ch0, y0, x0) = 5 -> HWC 0;  (ch1, y0, x1) = 7 -> 4;  (ch2, y1, x0) = 5 -> 8
//   values == 3: (ch1, y0, x0) -> 1;  (ch2, y0, x0) -> 2;  (ch0, y0, x1) -> 3;
//                (ch2, y0, x1) -> 5;  (ch0, y1, x0) -> 6;  (ch1, y1, x1) -> 10
// The three lowest tie indices are 1, 2, 3, so the winners are HWC {0, 1, 2, 3, 4, 8}: pixel
// (0, 0) keeps all three channels, pixel (0, 1) keeps channels 0 and 1, pixel (1, 0) only
// channel 2. (In CHW order the first three 3s would be ch0 (0, 1), ch0 (1, 0), ch1 (0, 0): a
// different answer, so the case also pins which index order breaks ties.)
const Shape kTieShape{3, 2, 2};
const std::vector<int32_t> kTieMap = {5, 3, 3, 1, /**/ 3, 7, 2, 3, /**/ 3, 3, 5, -4};
// The same map as the GLB holds it (HWC: pixel by pixel, channels 0, 1, 2 of each).
const std::vector<int8_t> kTieHwc = {5, 3, 3, /**/ 3, 7, 3, /**/ 3, 2, 5, /**/ 1, 3, -4};
const std::vector<int64_t> kTieWinners = {0, 1, 2, 3, 4, 8};

TEST(KwtaHandWorked, MultiChannelTiesAtTheThreshold) {
  // The unit's algorithm (histogram, threshold search, select) on the HWC map.
  KwtaHistogram h{};
  for (int8_t v : kTieHwc) ++h[size_t(v + 128)];
  const KwtaThreshold t = KwtaSearch(h, 6);
  EXPECT_EQ(t.value, 3);
  EXPECT_EQ(t.above, 3);
  EXPECT_EQ(t.ties, 3);
  EXPECT_EQ(t.bins_examined, 125);  // bins 127 down to 3
  EXPECT_EQ(KwtaSelect(kTieHwc.data(), int64_t(kTieHwc.size()), 6), kTieWinners);

  // The reference, on the CHW map.
  EXPECT_EQ(KwtaWinners(kTieShape, kTieMap, 6), kTieWinners);
  const std::vector<int32_t> kept = {5, 3, 0, 0, /**/ 3, 7, 0, 0, /**/ 3, 0, 5, 0};
  EXPECT_EQ(KwtaRef(kTieShape, kTieMap, 6), kept);
}

TEST(KwtaHandWorked, OneMoreWinnerTakesTheNextTieIndex) {
  // k = 7: four 3s are kept, the fourth lowest tie index is 5 = (ch2, y0, x1).
  const std::vector<int64_t> want = {0, 1, 2, 3, 4, 5, 8};
  EXPECT_EQ(KwtaWinners(kTieShape, kTieMap, 7), want);
  EXPECT_EQ(KwtaSelect(kTieHwc.data(), int64_t(kTieHwc.size()), 7), want);
}

}  // namespace
}  // namespace cssim
