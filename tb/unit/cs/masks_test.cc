// Unit tier: do the generated sparse weights have complementary masks (every kernel exactly nnz
// non-zeros, the kernels of a group disjoint), are they reproducible from the seed, and do dense
// layers keep the bits they had before masks existed?
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "model/base/workload.h"
#include "model/ref/data.h"
#include "tb/common/layers.h"

namespace cssim {
namespace {

// The sparse GSC layers (docs/background.md, section 3), a small linear layer whose last group is
// partial. Indices: 0 conv1 (N=1), 1 conv2 (N=5, 64 % 5 = 4), 2 fc1 (N=10), 3 fc1 super-sparse
// (N=20), 4 odd (N=3, 7 % 3 = 1).
Workload SparseLayers(uint64_t seed) {
  Workload w;
  w.name = "masks";
  w.source = "test";
  w.seed = seed;
  w.input = {1, 32, 32};
  w.layers = {
      MakeConv("conv1", {1, 32, 32}, 64, 5, 0.5), MakeConv("conv2", {64, 14, 14}, 64, 5, 0.2),
      MakeLinear("fc1", {64, 5, 5}, 1000, 0.1),   MakeLinear("fc1_super", {64, 5, 5}, 1000, 0.05),
      MakeLinear("odd", {10, 1, 1}, 7, 0.3),
  };
  return w;
}

// The dense GSC layers with the shapes of workloads/networks/gsc-dense.yaml.
Workload DenseGsc(uint64_t seed) {
  Workload w;
  w.name = "gsc-dense";
  w.source = "test";
  w.seed = seed;
  w.input = {1, 32, 32};
  w.layers = {
      MakeConv("conv1", {1, 32, 32}, 64, 5, 1.0),
      MakeConv("conv2", {64, 14, 14}, 64, 5, 1.0),
      MakeLinear("fc1", {64, 5, 5}, 1000, 1.0),
      MakeLinear("fc2", {1000, 1, 1}, 12, 1.0),
  };
  return w;
}

uint64_t Fnv1a(const std::vector<int8_t>& v) {
  uint64_t h = 1469598103934665603ULL;
  for (int8_t x : v) {
    h ^= uint8_t(x);
    h *= 1099511628211ULL;
  }
  return h;
}

TEST(Masks, PackingFactorsOfTheTestLayersAreTheIntendedOnes) {
  // Guards the other tests: they mean to cover N=1, full and partial last groups.
  const Workload w = SparseLayers(1);
  const std::vector<int> n = {1, 5, 10, 20, 3};
  const std::vector<int64_t> nnz = {13, 320, 160, 80, 3};
  for (size_t i = 0; i < w.layers.size(); ++i) {
    EXPECT_EQ(w.layers[i].pack_n(), n[i]) << w.layers[i].name;
    EXPECT_EQ(w.layers[i].nnz(), nnz[i]) << w.layers[i].name;
  }
}

TEST(Masks, EveryKernelHasExactlyNnzNonZerosInTheWeightRange) {
  for (uint64_t seed : {1, 2, 77}) {
    const Workload w = SparseLayers(seed);
    for (size_t i = 0; i < w.layers.size(); ++i) {
      const Layer& l = w.layers[i];
      const std::vector<int8_t> v = GenerateWeights(w, i);
      ASSERT_EQ(int64_t(v.size()), l.weight_count());
      for (int m = 0; m < l.out_channels; ++m) {
        const auto first = v.begin() + m * l.fan_in(), last = first + l.fan_in();
        EXPECT_EQ(std::count_if(first, last, [](int8_t x) { return x != 0; }), l.nnz())
            << l.name << " kernel " << m << " seed " << seed;
        EXPECT_TRUE(std::all_of(first, last, [](int8_t x) {
          return x >= kWeightMin && x <= kWeightMax;
        })) << l.name;
      }
    }
  }
}

TEST(Masks, KernelsOfOneGroupAreDisjoint) {
  for (uint64_t seed : {1, 2, 77}) {
    const Workload w = SparseLayers(seed);
    for (size_t i = 0; i < w.layers.size(); ++i) {
      const Layer& l = w.layers[i];
      const int64_t fan_in = l.fan_in();
      const int n = l.pack_n();
      const std::vector<int8_t> v = GenerateWeights(w, i);
      for (int first = 0; first < l.out_channels; first += n) {
        std::vector<int> used(static_cast<size_t>(fan_in), 0);
        for (int m = first; m < std::min(first + n, l.out_channels); ++m) {
          for (int64_t p = 0; p < fan_in; ++p) used[p] += v[m * fan_in + p] != 0;
        }
        EXPECT_LE(*std::max_element(used.begin(), used.end()), 1)
            << l.name << " group " << first / n << " seed " << seed;
      }
    }
  }
}

TEST(Masks, FullGroupsOfAnExactFitPartitionTheFanIn) {
  // fc1: 10 kernels x 160 non-zeros = 1600 = fan-in, so a full group covers every position.
  const Workload w = SparseLayers(3);
  const Layer& l = w.layers[2];
  const std::vector<int8_t> v = GenerateWeights(w, 2);
  for (int first = 0; first < l.out_channels; first += 10) {
    std::vector<int> used(1600, 0);
    for (int m = first; m < first + 10; ++m) {
      for (int p = 0; p < 1600; ++p) used[p] += v[m * 1600 + p] != 0;
    }
    EXPECT_TRUE(std::all_of(used.begin(), used.end(), [](int u) { return u == 1; }))
        << "group " << first / 10;
  }
}

TEST(Masks, EveryNonZeroValueOccursAndMasksDifferBetweenGroups) {
  // Not a degenerate generator: all 30 non-zero values appear (and 0 does, off the masks), and
  // kernel 0 of group 0 and of group 1 use different positions (each group draws its own
  // permutation).
  const Workload w = SparseLayers(1);
  const Layer& l = w.layers[1];
  const std::vector<int8_t> v = GenerateWeights(w, 1);
  std::vector<int> hist(kWeightMax - kWeightMin + 1, 0);
  for (int8_t x : v) ++hist[x - kWeightMin];
  for (int x = kWeightMin; x <= kWeightMax; ++x) {
    EXPECT_GT(hist[x - kWeightMin], 0) << "value " << x;
  }
  const int64_t fan_in = l.fan_in();
  bool differ = false;
  for (int64_t p = 0; p < fan_in; ++p) {
    differ |= (v[p] != 0) != (v[l.pack_n() * fan_in + p] != 0);
  }
  EXPECT_TRUE(differ);
}

TEST(Masks, SameSeedGivesSameBits) {
  const Workload a = SparseLayers(9), b = SparseLayers(9);
  for (size_t i = 0; i < a.layers.size(); ++i) {
    EXPECT_EQ(GenerateWeights(a, i), GenerateWeights(b, i)) << a.layers[i].name;
  }
}

TEST(Masks, DifferentSeedsGiveDifferentMasks) {
  const Workload a = SparseLayers(1), b = SparseLayers(2);
  for (size_t i = 0; i < a.layers.size(); ++i) {
    const std::vector<int8_t> va = GenerateWeights(a, i), vb = GenerateWeights(b, i);
    ASSERT_EQ(va.size(), vb.size());
    int64_t mask_diff = 0;
    for (size_t p = 0; p < va.size(); ++p) mask_diff += (va[p] != 0) != (vb[p] != 0);
    EXPECT_GT(mask_diff, 0) << a.layers[i].name;
  }
}

TEST(Masks, FollowTheDocumentedStreams) {
  // Rebuilds the "odd" layer (fan-in 10, nnz 3, N 3, 7 channels) from the recipe in data.h,
  // so that another tool can regenerate the same weights from the seed.
  const Workload w = SparseLayers(5);
  const size_t index = 4;
  const Layer& l = w.layers[index];
  std::mt19937_64 mask_rng(DataSeed(5, kMaskStream + index));
  std::vector<int8_t> mask(70, 0);
  for (int first = 0; first < 7; first += 3) {
    std::vector<int64_t> perm(10);
    std::iota(perm.begin(), perm.end(), 0);
    for (int64_t t = 9; t > 0; --t) std::swap(perm[t], perm[UniformInt(mask_rng, 0, t)]);
    for (int j = 0; j < 3 && first + j < 7; ++j) {
      for (int p = 3 * j; p < 3 * j + 3; ++p) mask[(first + j) * 10 + perm[p]] = 1;
    }
  }
  std::mt19937_64 value_rng(DataSeed(5, index + 1));
  std::vector<int8_t> expected(70, 0);
  for (int p = 0; p < 70; ++p) {
    if (!mask[p]) continue;
    const int64_t x = UniformInt(value_rng, kWeightMin, kWeightMax - 1);
    expected[p] = int8_t(x >= 0 ? x + 1 : x);
  }
  ASSERT_EQ(l.weight_count(), 70);
  EXPECT_EQ(GenerateWeights(w, index), expected);
}

// Checksums of GenerateWeights for gsc-dense taken from the generator before masks were added:
// dense layers must keep their bits, or every dense result and golden file would move.
TEST(Masks, DenseLayersKeepTheirBits) {
  const std::vector<uint64_t> seed1 = {0xe285257b5d46fe7eULL, 0xde09b33d380ac247ULL,
                                       0xa023ef0bec8c9684ULL, 0xcbce8716e70e4007ULL};
  const std::vector<uint64_t> seed42 = {0x8fe3e6d7a5cf6de9ULL, 0x3e2d21d0aab90368ULL,
                                        0x7a6b08f33b247808ULL, 0xf218529e5a859521ULL};
  const Workload w1 = DenseGsc(1), w42 = DenseGsc(42);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(Fnv1a(GenerateWeights(w1, i)), seed1[i]) << w1.layers[i].name;
    EXPECT_EQ(Fnv1a(GenerateWeights(w42, i)), seed42[i]) << w42.layers[i].name;
  }
}

TEST(Masks, SparseLayerDoesNotShiftOtherLayersData) {
  // Making fc1 sparse changes fc1 only; fc2 (dense, its own stream) keeps its bits.
  Workload w = DenseGsc(1);
  w.layers[2].weight_density = 0.1;
  EXPECT_NE(Fnv1a(GenerateWeights(w, 2)), 0xa023ef0bec8c9684ULL);
  EXPECT_EQ(Fnv1a(GenerateWeights(w, 3)), 0xcbce8716e70e4007ULL);
  EXPECT_EQ(Fnv1a(GenerateWeights(w, 1)), 0xde09b33d380ac247ULL);
}

}  // namespace
}  // namespace cssim
