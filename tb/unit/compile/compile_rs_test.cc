// Unit tier: does the row-stationary compile path (model/compile/compile_rs.cc; docs/design.md,
// "Row-stationary") pick p and q by its RF rule, fold the layer so that its passes do every MAC
// of the layer exactly as often as the layer has them, keep every tile inside the GLB, compile
// what weight-stationary refuses, and refuse a filter row the input RF cannot hold? Expected
// values are derived in the comments from the arch and layer sizes.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "model/base/error.h"
#include "model/compile/compile.h"
#include "tb/unit/compile/small_nets.h"

namespace cssim {
namespace {

// Eyeriss-sized: 12 x 14 PEs, 224 weights (one bank), 12 inputs, 24 psums, 108 KiB GLB.
ArchSpec EyerissSized(Dataflow d) {
  ArchSpec a = SmallArch(12, 14, 224, 1, 108);
  a.array.dataflow = d;
  a.pe.input_rf_entries = 12;
  a.pe.psum_rf_entries = 24;
  a.glb.banks = 27;
  return a;
}

// The MACs the passes of an op imply: per pass, every output pixel of the tile x the pass's
// filters x, per PE row, its channels x S taps (a PE row holds one filter row of each).
int64_t PassMacs(const Op& op) {
  int64_t macs = 0;
  for (const Tile& t : op.tiles)
    for (const Pass& p : t.passes) {
      const RsMap& m = p.array.rs;
      int64_t row_products = 0;
      for (int r = 0; r < m.rows_used(); ++r) row_products += int64_t(m.q_eff(r)) * m.S;
      macs += int64_t(m.rows_out) * m.F * m.channels() * row_products;
    }
  return macs;
}

// Every load, store and stream of the op stays inside the GLB.
void ExpectInsideGlb(const Op& op, const ArchSpec& a) {
  const uint64_t glb = uint64_t(a.glb.size_kib) * 1024;
  for (const Tile& t : op.tiles) {
    for (const DmaCmd& d : t.loads) EXPECT_LE(d.glb_addr + uint64_t(d.rows) * d.row_bytes, glb);
    for (const DmaCmd& d : t.stores) EXPECT_LE(d.glb_addr + uint64_t(d.rows) * d.row_bytes, glb);
  }
}

// AlexNet conv4: 384 x 13 x 13, 256 filters 3 x 3, pad 1. q = min(384, 12 / 3, 224 / 3) = 4;
// p = min(256, 24 / 2, 224 / (3 * 4)) = 12; 12 rows / R = 3: 4 channel sets, so every pass
// uses 12 rows and 16 channels. Weight-stationary needs 14 filters x 3,456 weights (48,384 B)
// + 3 input rows of 13 x 384 (14,976 B) + psums and outputs in one 55,296 B half: refused.
TEST(CompileRs, AlexnetConv4CompilesWhereWeightStationaryDoesNot) {
  const Workload w = MakeWorkload("alex4", {MakeConv("conv4", {384, 13, 13}, 256, 3, 3, 1, 1, 1)});
  EXPECT_THROW(Compile(EyerissSized(Dataflow::kWeightStationary), w, Mode::kDense), InputError);
  const ArchSpec a = EyerissSized(Dataflow::kRowStationary);
  const Program p = Compile(a, w, Mode::kDense);
  ASSERT_EQ(p.ops.size(), 1u);
  const Op& op = p.ops[0];
  ASSERT_FALSE(op.tiles.empty());
  const RsMap& m = op.tiles[0].passes.at(0).array.rs;
  EXPECT_EQ(m.q, 4);
  EXPECT_EQ(m.p, 12);
  EXPECT_EQ(m.rc, 3);
  EXPECT_EQ(m.sets, 4);
  EXPECT_EQ(m.rows_used(), 12);
  EXPECT_EQ(op.tiles[0].passes[0].array.dataflow, Dataflow::kRowStationary);
  EXPECT_EQ(PassMacs(op), w.layers[0].macs());
  ExpectInsideGlb(op, a);
}

// R = 11 > 4 rows: every channel's filter rows fold over ceil(11 / 4) = 3 passes of 4, 4, 3
// rows; stride 4 (AlexNet conv1's shape on a 3 x 35 x 35 map: 7 x 7 outputs).
TEST(CompileRs, TallFiltersFoldOverPasses) {
  ArchSpec a = EyerissSized(Dataflow::kRowStationary);
  a.array.rows = 4;
  const Workload w = MakeWorkload("tall", {MakeConv("c", {3, 35, 35}, 8, 11, 11, 4, 2, 1)});
  const Program p = Compile(a, w, Mode::kDense);
  const Op& op = p.ops[0];
  std::vector<int> rows;
  for (const Pass& ps : op.tiles.at(0).passes) rows.push_back(ps.array.rs.rc);
  ASSERT_GE(rows.size(), 3u);
  EXPECT_EQ(std::vector<int>(rows.begin(), rows.begin() + 3), (std::vector<int>{4, 4, 3}));
  EXPECT_EQ(PassMacs(op), w.layers[0].macs());
  ExpectInsideGlb(op, a);
}

// A linear layer is the 1x1 conv over its 1,600 inputs: S = 1, q = min(1600, 12, 224) = 12,
// p = min(1000, 12, 224 / 12 = 18) = 12, 12 sets of one row, one output row (e = 1), so the 14
// columns are 14 filter groups of 12.
TEST(CompileRs, LinearIsAOneByOneConvWithFilterGroupsAcrossColumns) {
  const ArchSpec a = EyerissSized(Dataflow::kRowStationary);
  const Workload w = MakeWorkload("fc", {MakeLinear("fc", {64, 5, 5}, 1000, 1)});
  const Program p = Compile(a, w, Mode::kDense);
  const RsMap& m = p.ops[0].tiles.at(0).passes.at(0).array.rs;
  EXPECT_EQ(m.S, 1);
  EXPECT_EQ(m.q, 12);
  EXPECT_EQ(m.p, 12);
  EXPECT_EQ(m.sets, 12);
  EXPECT_EQ(m.e, 1);
  EXPECT_EQ(m.hg, 14);
  EXPECT_EQ(PassMacs(p.ops[0]), w.layers[0].macs());
  ExpectInsideGlb(p.ops[0], a);
}

// A 13-wide filter row does not fit a 12-entry input RF.
TEST(CompileRs, FilterRowWiderThanTheInputRfIsAnInputError) {
  const Workload w = MakeWorkload("wide", {MakeConv("c", {1, 20, 20}, 2, 13, 13, 1, 0, 1)});
  try {
    Compile(EyerissSized(Dataflow::kRowStationary), w, Mode::kDense);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "small.yaml: pe.input_rf_entries: layer 'c' needs 13 entries for one filter row "
              "under row-stationary; allowed: >= 13 for wide");
  }
}

}  // namespace
}  // namespace cssim
