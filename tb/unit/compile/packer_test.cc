// Unit tier: does the packer overlay each group's kernels into one combined kernel in the
// compiled fan-in order without losing, duplicating or misplacing a non-zero, count padding and
// partial groups honestly, reject overlapping masks, and lay out the blocked DRAM arrays?
#include "model/compile/packer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/base/workload.h"
#include "model/ref/data.h"
#include "tb/common/layers.h"

namespace cssim {
namespace {

// GenerateWeights for a workload holding only `l`.
std::vector<int8_t> Weights(const Layer& l, uint64_t seed) {
  Workload w;
  w.name = "packer";
  w.source = "test";
  w.seed = seed;
  w.input = l.in;
  w.layers = {l};
  return GenerateWeights(w, 0);
}

struct FanIn {
  int c, kh, kw;
};
FanIn Geometry(const Layer& l) {
  if (l.kind == LayerKind::kLinear) return {l.in.c, l.in.h, l.in.w};
  return {l.in.c, l.kernel_h, l.kernel_w};
}

// Checks every invariant of a packing of `nchw`: each non-zero of kernel m sits at
// (group m / n, compiled position) with its value and id m % n, and the packed arrays hold
// nothing else (padded slots are value 0, id 0).
void ExpectFaithful(const Layer& l, const std::vector<int8_t>& nchw, const PackedLayer& p) {
  const int n = l.pack_n();
  const int m_count = l.out_channels;
  const FanIn f = Geometry(l);
  ASSERT_EQ(p.n, n);
  ASSERT_EQ(p.groups, (m_count + n - 1) / n);
  ASSERT_EQ(p.fan_in, l.fan_in());
  ASSERT_EQ(int64_t(p.value.size()), p.slots());
  ASSERT_EQ(int64_t(p.id.size()), p.slots());
  ASSERT_EQ(int64_t(p.channel.size()), int64_t(p.groups) * n);
  std::vector<bool> claimed(static_cast<size_t>(p.slots()), false);
  int64_t nonzeros = 0;
  for (int m = 0; m < m_count; ++m) {
    const int g = m / n, j = m % n;
    EXPECT_EQ(p.channel[g * n + j], m);
    int64_t src = int64_t(m) * p.fan_in;
    for (int c = 0; c < f.c; ++c) {
      for (int ky = 0; ky < f.kh; ++ky) {
        for (int kx = 0; kx < f.kw; ++kx, ++src) {
          if (nchw[src] == 0) continue;
          ++nonzeros;
          const int64_t slot = int64_t(g) * p.fan_in + (int64_t(ky) * f.kw + kx) * f.c + c;
          ASSERT_FALSE(claimed[slot]) << l.name << " slot " << slot << " claimed twice";
          claimed[slot] = true;
          ASSERT_EQ(p.value[slot], nchw[src]) << l.name << " kernel " << m;
          ASSERT_EQ(p.id[slot], j) << l.name << " kernel " << m;
        }
      }
    }
  }
  for (int s = m_count; s < p.groups * n; ++s) EXPECT_EQ(p.channel[s], -1);
  for (int64_t s = 0; s < p.slots(); ++s) {
    EXPECT_LT(p.id[s], n);
    if (!claimed[s]) {
      ASSERT_EQ(p.value[s], 0) << l.name << " unclaimed slot " << s;
      ASSERT_EQ(p.id[s], 0) << l.name << " unclaimed slot " << s;
    }
  }
  EXPECT_EQ(p.nonzeros, nonzeros);
}

TEST(Packer, GscConv2PacksEveryNonZeroOnceAtItsGroupAndId) {
  const Layer l = MakeConv("conv2", {64, 14, 14}, 64, 5, 5, 1, 0, 0.2);
  const std::vector<int8_t> w = Weights(l, 1);
  const PackedLayer p = PackLayer(l, w, "test.yaml", 4);
  ExpectFaithful(l, w, p);
  EXPECT_EQ(p.n, 5);
  EXPECT_EQ(p.groups, 13);
  EXPECT_EQ(p.nonzeros, 64 * 320);
  EXPECT_DOUBLE_EQ(p.efficiency(), 64.0 * 320 / (13.0 * 1600));
}

TEST(Packer, GscFc1PacksExactly) {
  const Layer l = MakeLinear("fc1", {64, 5, 5}, 1000, 0.1);
  const std::vector<int8_t> w = Weights(l, 3);
  const PackedLayer p = PackLayer(l, w, "test.yaml", 8);
  ExpectFaithful(l, w, p);
  EXPECT_EQ(p.groups, 100);
  // 10 x 160 = 1600: every slot holds a non-zero.
  EXPECT_DOUBLE_EQ(p.efficiency(), 1.0);
}

TEST(Packer, TinyLayerCountsPaddedSlotsAndPartialGroup) {
  // Fan-in 10, nnz 3 -> N = 3 (9 of 10 slots used); 7 channels -> groups of 3, 3 and 1.
  const Layer l = MakeLinear("tiny", {10, 1, 1}, 7, 0.3);
  const std::vector<int8_t> w = Weights(l, 2);
  const PackedLayer p = PackLayer(l, w, "test.yaml", 0);
  ExpectFaithful(l, w, p);
  ASSERT_EQ(p.n, 3);
  ASSERT_EQ(p.groups, 3);
  EXPECT_EQ(p.channel, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, -1, -1}));
  EXPECT_EQ(p.slots(), 30);
  EXPECT_EQ(p.nonzeros, 21);  // 7 kernels x 3
  EXPECT_DOUBLE_EQ(p.efficiency(), 0.7);
  // Full groups pad exactly one slot; the partial group (one kernel) pads seven.
  for (int g = 0; g < 3; ++g) {
    const auto first = p.value.begin() + g * 10;
    EXPECT_EQ(std::count(first, first + 10, int8_t(0)), g < 2 ? 1 : 7) << "group " << g;
  }
}

TEST(Packer, DenseLayerIsItsWeightsWithIdZero) {
  // 1x1 spatial input: the compiled order equals the layout order, so value == weights.
  const Layer l = MakeLinear("fc2", {1000, 1, 1}, 12, 1.0);
  const std::vector<int8_t> w = Weights(l, 1);
  const PackedLayer p = PackLayer(l, w, "test.yaml", 11);
  EXPECT_EQ(p.n, 1);
  EXPECT_EQ(p.groups, 12);
  EXPECT_EQ(p.value, w);
  EXPECT_TRUE(std::all_of(p.id.begin(), p.id.end(), [](uint8_t x) { return x == 0; }));
  EXPECT_EQ(p.nonzeros, std::count_if(w.begin(), w.end(), [](int8_t x) { return x != 0; }));
  ExpectFaithful(l, w, p);
}

TEST(Packer, FanInIsReorderedToTheCompiledOrder) {
  // Two input channels, 1x2 kernel, one dense kernel: layout [c][ky][kx] = {1, 2, 3, 4} becomes
  // k = kx * 2 + c: {c0kx0, c1kx0, c0kx1, c1kx1} = {1, 3, 2, 4}.
  const std::vector<int8_t> w = {1, 2, 3, 4};
  const Layer conv = MakeConv("conv", {2, 3, 3}, 1, 1, 2, 1, 0, 1.0);
  EXPECT_EQ(PackLayer(conv, w, "t", 0).value, (std::vector<int8_t>{1, 3, 2, 4}));
  // A linear layer over a 2x1x2 map packs HWC in the same way, whatever kernel_h/w say.
  Layer linear = MakeLinear("fc", {2, 1, 2}, 1, 1.0);
  linear.kernel_h = linear.kernel_w = 1;
  EXPECT_EQ(PackLayer(linear, w, "t", 0).value, (std::vector<int8_t>{1, 3, 2, 4}));
}

TEST(Packer, OverlapIsRejectedNamingLayerKernelsAndPosition) {
  // Fan-in 6 x 3 x 3 = 54, density 0.2 -> nnz 11, N = 4: kernels 0..3 form group 0.
  const Layer l = MakeConv("conv2", {6, 8, 8}, 4, 3, 3, 1, 0, 0.2);
  ASSERT_EQ(l.pack_n(), 4);
  std::vector<int8_t> w(static_cast<size_t>(l.weight_count()), 0);
  const int64_t pos = (5 * 3 + 2) * 3 + 0;  // (c=5, ky=2, kx=0) in layout order
  w[1 * 54 + pos] = 7;
  w[3 * 54 + pos] = -2;
  w[0 * 54 + 0] = 1;  // other non-zeros that do not collide
  w[2 * 54 + 1] = 1;
  try {
    PackLayer(l, w, "nets/x.yaml", 4);
    FAIL() << "overlap not rejected";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "nets/x.yaml: layers[4]: layer 'conv2': kernels 1 and 3 of group 0 overlap at "
              "fan-in position (c=5, ky=2, kx=0); allowed: complementary masks: each fan-in "
              "position non-zero in at most one kernel of a group");
  }
}

TEST(Packer, OverlapIsFoundInLaterGroups) {
  const Layer l = MakeLinear("fc", {10, 1, 1}, 6, 0.3);  // N = 3: group 1 = kernels 3..5
  std::vector<int8_t> w(60, 0);
  w[4 * 10 + 9] = 1;
  w[5 * 10 + 9] = 1;
  try {
    PackLayer(l, w, "f", 2);
    FAIL() << "overlap not rejected";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("kernels 1 and 2 of group 1 overlap at fan-in position "
                                         "(c=9, ky=0, kx=0)"),
              std::string::npos)
        << e.what();
  }
}

TEST(Packer, KernelsOfDifferentGroupsMayShareAPosition) {
  const Layer l = MakeLinear("fc", {10, 1, 1}, 6, 0.3);  // N = 3
  std::vector<int8_t> w(60, 0);
  w[0 * 10 + 4] = 5;  // group 0, kernel 0
  w[3 * 10 + 4] = 6;  // group 1, kernel 0
  const PackedLayer p = PackLayer(l, w, "f", 0);
  EXPECT_EQ(p.value[4], 5);
  EXPECT_EQ(p.value[10 + 4], 6);
  EXPECT_EQ(p.nonzeros, 2);
}

TEST(Packer, MoreKernelsThanEightBitIdsIsAnInputError) {
  // nnz 1 over fan-in 1000 would pack 300 kernels into one group.
  const Layer l = MakeLinear("wide", {1000, 1, 1}, 300, 0.0004);
  ASSERT_EQ(l.pack_n(), 300);
  const std::vector<int8_t> w(static_cast<size_t>(l.weight_count()), 0);
  try {
    PackLayer(l, w, "f", 3);
    FAIL() << "300 kernels per group accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("f: layers[3]: layer 'wide': "), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("packs 300 kernels per group"), std::string::npos);
  }
}

TEST(Packer, WrongWeightCountIsASimError) {
  const Layer l = MakeLinear("fc", {10, 1, 1}, 6, 0.3);
  EXPECT_THROW(PackLayer(l, std::vector<int8_t>(59, 0), "f", 0), SimError);
}

// Groups 0..2 over fan-in 2, value = 10 * g + k + 1, id = g.
PackedLayer Numbered() {
  PackedLayer p;
  p.n = 4;
  p.groups = 3;
  p.fan_in = 2;
  for (int g = 0; g < 3; ++g) {
    for (int k = 0; k < 2; ++k) {
      p.value.push_back(int8_t(10 * g + k + 1));
      p.id.push_back(uint8_t(g));
    }
  }
  return p;
}

TEST(Packer, BlockedLayoutIsRowMajorWithinEachBlock) {
  const PackedLayer p = Numbered();
  // Blocks of 2 groups: block 0 = [k][g] over groups 0, 1; block 1 = group 2 alone.
  EXPECT_EQ(BlockedValues(p, 2), (std::vector<int8_t>{1, 11, 2, 12, 21, 22}));
  EXPECT_EQ(BlockedIds(p, 2), (std::vector<uint8_t>{0, 1, 0, 1, 2, 2}));
  // One block holds the whole transpose; blocks of one group keep the grouped order.
  EXPECT_EQ(BlockedValues(p, 3), (std::vector<int8_t>{1, 11, 21, 2, 12, 22}));
  EXPECT_EQ(BlockedValues(p, 8), (std::vector<int8_t>{1, 11, 21, 2, 12, 22}));
  EXPECT_EQ(BlockedValues(p, 1), p.value);
  EXPECT_EQ(BlockedIds(p, 1), p.id);
  EXPECT_THROW(BlockedValues(p, 0), SimError);
}

// Random conv (with stride and pad) and linear layers: the packing is faithful, and the blocked
// arrays are a permutation that puts (g, k) at its block position.
// DRAM holds kernel IDs at ceil(log2 N) bits: N = 5 takes 3 bits, so a block of 5 groups packs
// its 5 IDs of one fan-in position into 15 bits, 2 bytes; the partial last block of 3 groups
// into 9 bits, also 2 bytes. Every ID reads back from its bits.
TEST(Packer, IdRowsHoldCeilLog2NBitsPerIdLsbFirst) {
  EXPECT_EQ(IdBits(1), 0);
  EXPECT_EQ(IdBits(2), 1);
  EXPECT_EQ(IdBits(5), 3);
  EXPECT_EQ(IdBits(10), 4);
  EXPECT_EQ(IdBits(20), 5);
  const Layer l = MakeConv("conv2", {64, 14, 14}, 64, 5, 0.2);
  const PackedLayer p = PackLayer(l, Weights(l, 1), "test.yaml", 0);
  ASSERT_EQ(p.n, 5);
  ASSERT_EQ(p.groups, 13);
  const std::vector<uint8_t> rows = PackedIdRows(p, 5, /*row_aligned=*/true);
  ASSERT_EQ(rows.size(), size_t(p.fan_in) * (2 + 2 + 2));
  size_t at = 0;
  for (int g0 = 0; g0 < p.groups; g0 += 5) {
    const int nt = std::min(5, p.groups - g0);
    ASSERT_EQ(PackedIdRowBytes(nt, 3), 2u);
    for (int64_t k = 0; k < p.fan_in; ++k, at += 2) {
      const uint32_t bits = uint32_t(rows[at]) | uint32_t(rows[at + 1]) << 8;
      for (int j = 0; j < nt; ++j)
        EXPECT_EQ(bits >> (3 * j) & 7u, p.id[size_t(int64_t(g0 + j) * p.fan_in + k)])
            << "group " << g0 + j << " k " << k;
      EXPECT_EQ(bits >> (3 * nt), 0u) << "padding bits are zero";
    }
  }
  // Without row alignment a block is one stream: 1600 rows x 15 bits = 3,000 bytes for the full
  // blocks, 1600 x 9 bits = 1,800 bytes for the last; ID j of row k at bit (k * nt + j) * 3.
  const std::vector<uint8_t> stream = PackedIdRows(p, 5, /*row_aligned=*/false);
  ASSERT_EQ(stream.size(), 3000u + 3000u + 1800u);
  size_t block = 0;
  for (int g0 = 0; g0 < p.groups; g0 += 5) {
    const int nt = std::min(5, p.groups - g0);
    for (int64_t k = 0; k < p.fan_in; ++k)
      for (int j = 0; j < nt; ++j) {
        const int64_t bit = (k * nt + j) * 3;
        uint32_t v = 0;
        for (int b = 0; b < 3; ++b)
          v |= uint32_t(stream[block + size_t((bit + b) / 8)] >> ((bit + b) % 8) & 1u) << b;
        EXPECT_EQ(v, p.id[size_t(int64_t(g0 + j) * p.fan_in + k)]);
      }
    block += size_t((p.fan_in * nt * 3 + 7) / 8);
  }
}

TEST(Packer, RandomLayersPackFaithfully) {
  std::mt19937_64 rng(20240611);
  const auto pick = [&](int lo, int hi) { return int(UniformInt(rng, lo, hi)); };
  const std::vector<double> densities = {1.0, 0.5, 0.3, 0.2, 0.1, 0.05, 0.02};
  for (int trial = 0; trial < 60; ++trial) {
    const double d = densities[pick(0, int(densities.size()) - 1)];
    Layer l;
    if (trial % 2 == 0) {
      const int kh = pick(1, 5), kw = pick(1, 5), pad = pick(0, std::min(kh, kw) - 1);
      const Shape in{pick(1, 24), pick(kh, 12), pick(kw, 12)};
      l = MakeConv("conv" + std::to_string(trial), in, pick(1, 40), kh, kw, pick(1, 3), pad, d);
    } else {
      l = MakeLinear("fc" + std::to_string(trial), {pick(1, 16), pick(1, 6), pick(1, 6)},
                     pick(1, 50), d);
    }
    SCOPED_TRACE(l.name + " fan-in " + std::to_string(l.fan_in()) + " M " +
                 std::to_string(l.out_channels) + " density " + std::to_string(d));
    const std::vector<int8_t> w = Weights(l, uint64_t(trial) + 1);
    const PackedLayer p = PackLayer(l, w, "random", trial);
    ExpectFaithful(l, w, p);
    if (l.sparse_weights()) {
      EXPECT_EQ(p.nonzeros, l.nnz() * l.out_channels);
    }
    const int gpb = pick(1, p.groups + 1);
    const std::vector<int8_t> bv = BlockedValues(p, gpb);
    const std::vector<uint8_t> bi = BlockedIds(p, gpb);
    ASSERT_EQ(bv.size(), p.value.size());
    for (int g = 0; g < p.groups; ++g) {
      const int first = g / gpb * gpb, nb = std::min(gpb, p.groups - first);
      for (int64_t k = 0; k < p.fan_in; ++k) {
        const int64_t at = int64_t(first) * p.fan_in + k * nb + (g - first);
        ASSERT_EQ(bv[at], p.value[g * p.fan_in + k]);
        ASSERT_EQ(bi[at], p.id[g * p.fan_in + k]);
      }
    }
  }
}

}  // namespace
}  // namespace cssim
