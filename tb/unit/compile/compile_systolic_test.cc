// Unit tier: how Compile() maps a conv onto the systolic array (array.topology: systolic): one
// stationary operand per PE (rf 1), the ws weight preload sent bottom row first, and the
// input-stationary passes with their transposed collection and [channel][pixel] psums. Every
// expected number is worked out by hand below from the rules in model/compile/tiling.h.
#include <gtest/gtest.h>

#include "model/compile/compile.h"
#include "model/compile/tiling.h"
#include "tb/unit/compile/small_nets.h"

namespace cssim {
namespace {

// conv: 3x10x10 input, 6 output channels, 3x3 kernel, stride 1, pad 1 -> 6x10x10, int32 out;
// K = 27. A 4 x 4 systolic array and a 4 KiB GLB (half = 2048 bytes).
Layer Conv27() { return MakeConv("conv", {3, 10, 10}, 6, 3, 3, 1, 1, 1.0); }
ArchSpec Systolic4x4(Dataflow flow) {
  ArchSpec a = SmallArch(4, 4, 8, 2, 4);
  a.array.topology = Topology::kSystolic;
  a.array.dataflow = flow;
  return a;
}

// ws: rf 1, so kp = 1, rows_used = 4, k_passes = ceil(27 / 4) = 7. The tile choice is the
// multicast one (compile_test.cc, ConvPicksTheTileWithLeastTraffic: 4 output rows x 6
// channels; the psum region holds one column group either way): 3 tiles (rows 4, 4, 2). Tile 0:
// ceil(6 / 4) = 2 column groups x 7 passes = 14; pass 6 (the first group's last) starts at
// k0 = 24 and uses the 27 - 24 = 3 rows left. Its weight preload sends row 2 (k = 26) first.
TEST(CompileSystolic, WsHoldsOneWeightPerPeAndPreloadsBottomRowFirst) {
  const Program p =
      Compile(Systolic4x4(Dataflow::kWeightStationary), MakeWorkload("one-conv", {Conv27()}));
  const Op& op = p.ops[0];
  ASSERT_EQ(op.tiles.size(), 3u);
  ASSERT_EQ(op.tiles[0].passes.size(), 14u);
  const Pass& ps = op.tiles[0].passes[6];
  EXPECT_EQ(ps.array.kp, 1);
  EXPECT_EQ(ps.array.k0, 24);
  EXPECT_EQ(ps.array.rows_used, 3);
  EXPECT_EQ(ps.array.pixels, 40);
  EXPECT_EQ(ps.weight.kind, StreamKind::kSysWsWeight);
  EXPECT_EQ(ps.weight.beats, 3u);
  const ConvGeom& g = ps.weight.geom;
  EXPECT_EQ(ps.weight.Addr(1, 0), int64_t(g.w_base) + 26 * g.n_tile + 1);  // k 26, channel 1
  EXPECT_EQ(ps.weight.Addr(1, 2), int64_t(g.w_base) + 24 * g.n_tile + 1);  // k 24 last
  EXPECT_EQ(ps.input.kind, StreamKind::kWsInput);
  EXPECT_EQ(ps.input.beats, 40u);  // one beat per pixel
}

// is: rows_used 4, k_passes 7 as above; psums per tile: min(pixels, cols) = 4 pixels x 6
// channels x 4 bytes = 96 -> AlignUp 128. n_tile 6, r output rows: inputs AlignUp(min(10, r + 2)
// x 30), weights AlignUp(162) = 192, psums 128, outputs AlignUp(r x 240):
//   r = 6: 256 + 192 + 128 + 1472 = 2048 fits exactly; r = 7: 320 + 192 + 128 + 1728 too big;
//   traffic: 2 bands x 256 + 2 x 162 = 836.
//   n_tile 4 (weights 128, psums AlignUp(64) = 64): r = 9: 320 + 128 + 64 + 1472 = 1984 fits,
//   r = 10: 2112 does not; traffic 2 blocks x 2 bands x 320 + 324 = 1604.
// So 2 tiles of 6 and 4 output rows, all 6 channels. Tile 0 has 60 pixels: 15 groups of 4 x 7
// passes = 105, each preloading 4 x 4 inputs (bottom row first) and streaming 6 channels.
TEST(CompileSystolic, IsPassesPreloadInputsStreamChannelsAndCollectTransposed) {
  const ArchSpec a = Systolic4x4(Dataflow::kInputStationary);
  const Layer l = Conv27();
  const ConvShape s = ConvShapeOf(l);
  const ConvEngine e = ArrayEngine(a, s);
  EXPECT_TRUE(e.is);
  EXPECT_EQ(e.rf, 1);
  const WsSplit split = SplitReduction(s.k, e.rows, e.rf);
  EXPECT_EQ(split.k_passes, 7);
  const ConvTiling six = SizeConvTile(s, e, split, 4, 6, 6);
  EXPECT_EQ(six.psum_bytes, 128u);
  EXPECT_EQ(six.glb_bytes(), 2048u);
  EXPECT_EQ(six.traffic, 836u);
  EXPECT_EQ(SizeConvTile(s, e, split, 4, 9, 4).traffic, 1604u);

  const Program p = Compile(a, MakeWorkload("one-conv", {l}));
  const Op& op = p.ops[0];
  ASSERT_EQ(op.tiles.size(), 2u);
  ASSERT_EQ(op.tiles[0].passes.size(), 105u);
  ASSERT_EQ(op.tiles[1].passes.size(), 70u);  // 40 pixels: 10 groups x 7
  const Pass& first = op.tiles[0].passes[0];
  EXPECT_EQ(first.array.dataflow, Dataflow::kInputStationary);
  EXPECT_EQ(first.array.rows_used, 4);
  EXPECT_EQ(first.array.cols_used, 4);
  EXPECT_EQ(first.array.pixels, 6);  // channels streamed
  EXPECT_EQ(first.input.kind, StreamKind::kIsInput);
  EXPECT_EQ(first.input.lanes, 4);
  EXPECT_EQ(first.input.beats, 4u);
  const ConvGeom& g = first.input.geom;
  EXPECT_EQ(first.input.Addr(1, 0), g.InputAddr(1, 3));  // pixel 1, k 3 (bottom row) first
  EXPECT_EQ(first.weight.kind, StreamKind::kIsWeight);
  EXPECT_EQ(first.weight.lanes, 4);
  EXPECT_EQ(first.weight.beats, 6u);
  EXPECT_EQ(first.weight.Addr(1, 2), int64_t(g.w_base) + 1 * g.n_tile + 2);  // k 1, channel 2
  EXPECT_TRUE(first.collect.transposed);
  EXPECT_TRUE(first.collect.first);
  EXPECT_FALSE(first.collect.last);
  EXPECT_EQ(first.collect.pixels, 6);
  EXPECT_EQ(first.collect.cols, 4);
  const Pass& last = op.tiles[0].passes.back();  // pixels 56..59, k 24..26
  EXPECT_EQ(last.collect.p0, 56);
  EXPECT_EQ(last.array.k0, 24);
  EXPECT_EQ(last.array.rows_used, 3);
  EXPECT_TRUE(last.collect.last);
  EXPECT_EQ(last.input.beats, 3u);
  EXPECT_EQ(last.input.Addr(0, 0), g.InputAddr(56, 26));  // pixel 56, k 26 first
}

}  // namespace
}  // namespace cssim
