// The post-processing unit's requantiser (PpuRequantize, add-and-shift as the hardware does it)
// against the reference's own (Requantize, exact floor division): they are written
// independently and must agree on every int32 edge case at every shift, and on a random sweep.
#include "model/ppu/ppu_ops.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "model/ref/ref.h"

namespace cssim {
namespace {

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

// Values where rounding or saturation changes at shift s: the int32 limits, zero and +-1, the
// int8 limits scaled by 2^s, and each exact half (m + 1/2) * 2^s for small and saturating m,
// with one below and one above each.
std::vector<int32_t> EdgeValues(int shift) {
  std::vector<int64_t> v = {kMin, int64_t(kMin) + 1, kMax, int64_t(kMax) - 1, 0, 1, -1};
  const int64_t d = int64_t{1} << std::min(shift, 40);
  for (int64_t m : {-130, -129, -128, -127, -3, -2, -1, 0, 1, 2, 126, 127, 128}) {
    v.push_back(m * d);
    v.push_back(m * d + d / 2);  // exactly m + 1/2 when shift > 0
  }
  std::vector<int32_t> out;
  for (int64_t x : v)
    for (int64_t e : {-1, 0, 1})
      if (x + e >= kMin && x + e <= kMax) out.push_back(int32_t(x + e));
  return out;
}

TEST(PpuRequantize, AgreesWithTheReferenceOnEdgeCasesAtEveryShift) {
  for (int shift = 0; shift <= 62; ++shift)
    for (int32_t x : EdgeValues(shift))
      ASSERT_EQ(PpuRequantize(x, shift), Requantize(x, shift)) << "x " << x << ", shift " << shift;
}

TEST(PpuRequantize, AgreesWithTheReferenceOnARandomSweep) {
  std::mt19937_64 rng(12);
  for (int shift = 0; shift <= 62; ++shift)
    for (int i = 0; i < 20000; ++i) {
      // Half the draws anywhere, half m * 2^s + r with m in -200..200 and 0 <= r < 2^s: around
      // the rounding and saturation points of this shift (s capped so the value fits int32).
      const int64_t d = int64_t{1} << std::min(shift, 23);
      const int64_t near = (int64_t(rng() % 401) - 200) * d + int64_t(rng() % uint64_t(d));
      const int32_t x = i % 2 ? int32_t(uint32_t(rng())) : int32_t(near);
      ASSERT_EQ(PpuRequantize(x, shift), Requantize(x, shift)) << "x " << x << ", shift " << shift;
    }
}

// Hand-worked values, so that agreeing is not enough: both must also be right.
TEST(PpuRequantize, RoundsHalfUpAndSaturates) {
  struct Case {
    int32_t x;
    int shift;
    int32_t want;
  };
  const Case cases[] = {
      {6, 2, 2},         // 1.5 -> 2
      {-6, 2, -1},       // -1.5 -> -1 (half up is towards +infinity)
      {-7, 2, -2},       // -1.75 -> -2
      {-9, 4, -1},       // -0.5625 -> -1
      {-8, 4, 0},        // -0.5 -> 0
      {2039, 4, 127},    // 127.4375 -> 127
      {2040, 4, 127},    // 127.5 -> 128, saturates
      {-2056, 4, -128},  // -128.5 -> -128
      {-2057, 4, -128},  // -128.5625 -> -129, saturates
      {kMax, 31, 1},     // 0.99999... -> 1
      {kMin, 31, -1},    // -1 exactly
      {kMin, 32, 0},     // -0.5 -> 0
      {kMax, 62, 0},     // tiny positive -> 0
      {kMin, 62, 0},     // tiny negative -> 0
      {300, 0, 127},     // shift 0 only saturates
      {-300, 0, -128},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PpuRequantize(c.x, c.shift), c.want) << "x " << c.x << ", shift " << c.shift;
    EXPECT_EQ(Requantize(c.x, c.shift), c.want) << "x " << c.x << ", shift " << c.shift;
  }
}

TEST(OutputStage, RequantisesThenAppliesRelu) {
  EXPECT_EQ(OutputStage(-6, true, 2, false), -1);
  EXPECT_EQ(OutputStage(-6, true, 2, true), 0);
  EXPECT_EQ(OutputStage(6, true, 2, true), 2);
  EXPECT_EQ(OutputStage(1000, false, 0, false), 1000);  // int32 output: no saturation
  EXPECT_EQ(OutputStage(-1000, false, 0, true), 0);
}

// The average pool's divider against the reference's AvgPool (floor division and remainder)
// over windows of 1, 4, 9 and 25 values: int8 windows (every sum near a half) and int32 ones at
// the limits, where the sum needs 64 bits.
TEST(PpuAverage, AgreesWithTheReferenceOnRandomAndExtremeWindows) {
  std::mt19937_64 rng(15);
  for (int size : {1, 2, 3, 5}) {
    const int n = size * size;
    Layer l;
    l.name = "avg";
    l.kind = LayerKind::kAvgPool;
    l.pool_size = l.pool_stride = size;
    l.in = {1, size, size};
    l.out = {1, 1, 1};
    for (int i = 0; i < 20000; ++i) {
      std::vector<int32_t> window(static_cast<size_t>(n));
      int64_t sum = 0;
      for (int32_t& x : window) {
        const int32_t off = int32_t(rng() % 3);  // at or just inside a limit
        x = i % 3 == 0   ? (rng() % 2 ? kMax - off : kMin + off)
            : i % 3 == 1 ? int32_t(rng() % 256) - 128
                         : int32_t(uint32_t(rng()));
        sum += x;
      }
      ASSERT_EQ(PpuAverage(sum, n), RefLayer(l, window, {})[0]) << "sum " << sum << ", n " << n;
    }
  }
  // Hand-worked: 10 / 4 = 2.5 -> 3, -10 / 4 = -2.5 -> -2, -7 / 4 = -1.75 -> -2, 4 / 9 -> 0.
  EXPECT_EQ(PpuAverage(10, 4), 3);
  EXPECT_EQ(PpuAverage(-10, 4), -2);
  EXPECT_EQ(PpuAverage(-7, 4), -2);
  EXPECT_EQ(PpuAverage(4, 9), 0);
  EXPECT_EQ(PpuAverage(int64_t(kMin) * 4, 4), kMin);
}

}  // namespace
}  // namespace cssim
