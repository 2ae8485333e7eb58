// The run's own checks (model/top/checks.h) on hand-built cases, without a simulation: an output
// tensor and a k-WTA active list written into a DRAM as the hardware would leave them pass, and
// one corrupted element or entry makes the check fire with its exact message; the expected MAC
// count of an array op; the MAC-count checks' messages; the engine enum's count.
#include "model/top/checks.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/base/stats.h"
#include "model/dram/presets.h"
#include "model/ref/data.h"
#include "model/ref/ref.h"
#include "tb/common/layers.h"

namespace cssim {
namespace {

// One 2x2 conv, 1x3x3 input -> 2x2x2 int32 output (stride 1, no padding: (3 - 2) + 1 = 2).
Workload OneConv() {
  Workload w;
  w.name = "one-conv";
  w.source = "builtin:one-conv";
  w.input = {1, 3, 3};
  w.layers.push_back(MakeConv("conv", w.input, 2, 2, 1.0));
  return w;
}

Program OneOp(OpEngine engine, uint64_t out_addr, bool out_is_list = false) {
  Program p;
  Op op;
  op.name = "op0";
  op.engine = engine;
  op.out_addr = out_addr;
  op.out_is_list = out_is_list;
  p.ops.push_back(op);
  return p;
}

// `chw` written in the hardware's layout: HWC, int32 little endian.
std::vector<uint8_t> HwcInt32(const Shape& s, const std::vector<int32_t>& chw) {
  std::vector<uint8_t> bytes(size_t(s.size()) * 4);
  for (int c = 0; c < s.c; ++c)
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x) {
        const uint32_t v = uint32_t(chw[(size_t(c) * s.h + y) * s.w + x]);
        const size_t i = ((size_t(y) * s.w + x) * s.c + c) * 4;
        for (int b = 0; b < 4; ++b) bytes[i + b] = uint8_t(v >> (8 * b));
      }
  return bytes;
}

std::string SimMessage(const std::function<void()>& f) {
  try {
    f();
  } catch (const SimError& e) {
    return e.what();
  }
  return "(no SimError)";
}

class ChecksTest : public ::testing::Test {
 protected:
  StatGroup root_{nullptr, "top"};
  Dram dram_{DramPreset("lpddr4"), 500, root_};
};

TEST_F(ChecksTest, OutputTensorPassesAndOneCorruptElementFires) {
  const Workload w = OneConv();
  const RefOutputs ref = RefNetwork(w);
  const Shape& s = w.layers[0].out;
  ASSERT_EQ(s.size(), 8);
  // An instance's region at 0x1000 (a full chip's second instance), the op's output at 0x40.
  const uint64_t base = 0x1000, addr = 0x40;
  std::vector<uint8_t> bytes = HwcInt32(s, ref[0]);
  dram_.Load(base + addr, bytes.data(), bytes.size());
  const Program p = OneOp(OpEngine::kArray, addr);
  EXPECT_NO_THROW(CheckNetwork(dram_, base, p, w, ref));

  // Element (c=1, y=0, x=1) sits at HWC index (0 * 2 + 1) * 2 + 1 = 3, bytes 12..15.
  const int32_t want = ref[0][(1 * 2 + 0) * 2 + 1];
  const int32_t got = want + 1;
  for (int b = 0; b < 4; ++b) bytes[12 + b] = uint8_t(uint32_t(got) >> (8 * b));
  dram_.Load(base + addr, bytes.data(), bytes.size());
  EXPECT_EQ(SimMessage([&] { CheckNetwork(dram_, base, p, w, ref); }),
            "output mismatch in layer 'conv' at (c=1, y=0, x=1): reference " +
                std::to_string(want) + ", simulated " + std::to_string(got));
}

TEST_F(ChecksTest, ActiveListPassesAndAWrongValueOrIndexFires) {
  // A k-WTA layer on the 1x3x3 input, density 4/9: k = 4 winners of 9.
  Workload w;
  w.name = "one-kwta";
  w.source = "builtin:one-kwta";
  w.input = {1, 3, 3};
  Layer k;
  k.name = "kwta";
  k.kind = LayerKind::kKwta;
  k.density = 4.0 / 9.0;
  k.in = k.out = w.input;
  w.layers.push_back(k);
  ASSERT_EQ(w.layers[0].kwta_k(), 4);
  const RefOutputs ref = RefNetwork(w);
  const std::vector<int32_t> in = LayerInput(w, ref, 0);
  const std::vector<int64_t> winners = KwtaWinners(w.input, in, 4);
  ASSERT_EQ(winners.size(), 4u);
  // Entries (index uint16 LE, value int8, one pad byte), in index order. With c = 1, the HWC
  // index is the CHW index.
  std::vector<uint8_t> list(4 * kActEntryBytes, 0);
  for (size_t e = 0; e < winners.size(); ++e) {
    list[e * kActEntryBytes] = uint8_t(winners[e]);
    list[e * kActEntryBytes + 1] = uint8_t(winners[e] >> 8);
    list[e * kActEntryBytes + 2] = uint8_t(int8_t(in[size_t(winners[e])]));
  }
  const Program p = OneOp(OpEngine::kKwta, 0x80, /*out_is_list=*/true);
  dram_.Load(0x80, list.data(), list.size());
  EXPECT_NO_THROW(CheckNetwork(dram_, 0, p, w, ref));

  std::vector<uint8_t> bad = list;
  const int8_t want = int8_t(bad[2 * kActEntryBytes + 2]);
  bad[2 * kActEntryBytes + 2] = uint8_t(want ^ 1);
  dram_.Load(0x80, bad.data(), bad.size());
  EXPECT_EQ(SimMessage([&] { CheckNetwork(dram_, 0, p, w, ref); }),
            "output mismatch in layer 'kwta' at list entry 2 (value): reference " +
                std::to_string(want) + ", simulated " + std::to_string(int8_t(want ^ 1)));

  bad = list;
  bad[kActEntryBytes] = uint8_t(winners[1] + 9);  // an index no map position has
  dram_.Load(0x80, bad.data(), bad.size());
  EXPECT_EQ(SimMessage([&] { CheckNetwork(dram_, 0, p, w, ref); }),
            "output mismatch in layer 'kwta' at list entry 1 (index): reference " +
                std::to_string(winners[1]) + ", simulated " + std::to_string(winners[1] + 9));
}

TEST(ExpectedMacs, ArrayOpDoesEveryMacOfItsLayer) {
  // 2 output channels x 2x2 output pixels, each a fan-in of 1 x 2 x 2 = 4: 2 * 4 * 4 = 32.
  const Workload w = OneConv();
  const std::vector<int64_t> want = ExpectedMacs(OneOp(OpEngine::kArray, 0), w, {});
  ASSERT_EQ(want.size(), 1u);
  EXPECT_EQ(want[0], 32);
  // Vector and k-WTA ops perform no MACs.
  EXPECT_EQ(ExpectedMacs(OneOp(OpEngine::kVector, 0), w, {})[0], 0);
  EXPECT_EQ(ExpectedMacs(OneOp(OpEngine::kKwta, 0), w, {})[0], 0);
}

TEST(MacChecks, FireWithTheCountsOnlyWhenTheyDiffer) {
  Op op;
  op.name = "conv1+requant1";
  op.engine = OpEngine::kCs;
  EXPECT_NO_THROW(CheckOpMacs(op, 96, 96));
  EXPECT_EQ(SimMessage([&] { CheckOpMacs(op, 95, 96); }),
            "op 'conv1+requant1' performed 95 MACs, its cs mapping has 96");
  EXPECT_NO_THROW(CheckEngineMacs("CS engine", Mode::kSparseSparse, 1000, 1000));
  EXPECT_EQ(SimMessage([&] { CheckEngineMacs("CS engine", Mode::kSparseSparse, 999, 1000); }),
            "the CS engine performed 999 MACs, the sparse-sparse mapping of the workload has 1000");
}

TEST(OpEngine, CountCoversEveryNamedEngine) {
  // Tables indexed by engine (Accelerator's uses_) are sized by kOpEngineCount: every engine
  // below it has a name, and the first value past it has none (a new engine named in
  // OpEngineName but not made kLastOpEngine fails here).
  for (int e = 0; e < kOpEngineCount; ++e)
    EXPECT_STRNE(OpEngineName(OpEngine(e)), "?") << "engine " << e;
  EXPECT_STREQ(OpEngineName(OpEngine(kOpEngineCount)), "?");
}

}  // namespace
}  // namespace cssim
