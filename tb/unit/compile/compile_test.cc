// Unit tier: does Compile() tile dense conv and linear layers as its rules say? Every expected
// number below is worked out by hand in a comment from the arch and the layer sizes (the rules:
// model/compile/tiling.h), not copied from the compiler's output.
//
// Rules used throughout: GLB regions are aligned to 64 bytes (AlignUp); one tile must fit one
// GLB half (glb_kib * 512 bytes) as inputs + weights + psums + outputs; DRAM tensors are
// allocated in order (network input, every layer's weights, then each op's output), each start
// aligned to 64 bytes. Weight-stationary: kp = min(rf, ceil(K / rows)) entries per PE,
// rows_used = min(rows, ceil(K / kp)), k_passes = ceil(K / (rows_used * kp)); each tile runs
// ceil(n_tile / cols) column groups x k_passes passes.
#include "model/compile/compile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "model/base/error.h"
#include "model/compile/tiling.h"
#include "tb/unit/compile/small_nets.h"

namespace cssim {
namespace {

// conv: 3x10x10 input, 6 output channels, 3x3 kernel, stride 1, pad 1 -> 6x10x10, int32 out.
// K = 3 * 3 * 3 = 27. Array 4 x 4, rf = 8 / 2 = 4, GLB 4 KiB: half = 2048 bytes.
Layer Conv27() { return MakeConv("conv", {3, 10, 10}, 6, 3, 3, 1, 1, 1.0); }
ArchSpec Array4x4(int glb_kib) { return SmallArch(4, 4, 8, 2, glb_kib); }

// Tile choice for the conv. kp = min(4, ceil(27 / 4) = 7) = 4, rows_used = min(4, ceil(27 / 4)
// = 7) = 4, k_passes = ceil(27 / 16) = 2, so psums are kept. Weight units = channels = 6,
// cols 4: candidates n_tile = 6 (all), then 6 / 4 * 4 = 4.
// A tile of r output rows needs: inputs AlignUp((r + 2) * 10 * 3) (a 1-row halo each side),
// weights AlignUp(n_tile * 27), psums AlignUp(r * 10 * min(4, n_tile) * 4) (one column group),
// outputs AlignUp(r * 10 * n_tile * 4).
//   n_tile 6: r = 4: 192 + 192 + 640 + 960 = 1984 <= 2048; r = 5: 256 + 192 + 832 + 1216 = 2496
//     too big. Traffic: 3 row bands x 192 input bytes + 3 bands x 6 x 27 weights = 1062.
//   n_tile 4: r = 5: 256 + 128 + 832 + 832 = 2048 fits exactly; r = 6: 2304 too big. Traffic:
//     2 bands x 2 unit blocks x 256 + 2 bands x 162 weight bytes = 1348.
// The least traffic wins: 4 output rows x all 6 channels.
TEST(CompileTiling, ConvPicksTheTileWithLeastTraffic) {
  const Layer l = Conv27();
  const ArchSpec a = Array4x4(4);
  const ConvShape s = ConvShapeOf(l);
  const ConvEngine e = ArrayEngine(a, s);
  const WsSplit split = SplitReduction(s.k, e.rows, e.rf);
  EXPECT_EQ(split.kp, 4);
  EXPECT_EQ(split.rows_used, 4);
  EXPECT_EQ(split.k_passes, 2);

  const ConvTiling six = SizeConvTile(s, e, split, 4, 4, 6);
  EXPECT_EQ(six.in_bytes, 192u);
  EXPECT_EQ(six.w_bytes, 192u);
  EXPECT_EQ(six.psum_bytes, 640u);
  EXPECT_EQ(six.out_bytes, 960u);
  EXPECT_EQ(six.traffic, 1062u);
  EXPECT_EQ(SizeConvTile(s, e, split, 4, 5, 6).glb_bytes(), 2496u);
  const ConvTiling four = SizeConvTile(s, e, split, 4, 5, 4);
  EXPECT_EQ(four.glb_bytes(), 2048u);
  EXPECT_EQ(four.traffic, 1348u);
  EXPECT_EQ(SizeConvTile(s, e, split, 4, 6, 4).glb_bytes(), 2304u);

  const auto best = ChooseConvTiling(s, e, split, 4, 2048);
  ASSERT_TRUE(best.has_value());
  EXPECT_EQ(best->rows_out, 4);
  EXPECT_EQ(best->n_tile, 6);

  // Compile() uses that choice: 10 output rows in bands of 4, 4, 2 -> 3 tiles.
  const Program p = Compile(a, MakeWorkload("one-conv", {l}));
  ASSERT_EQ(p.ops.size(), 1u);
  EXPECT_EQ(p.ops[0].tiles.size(), 3u);
  EXPECT_EQ(p.weight_n_tile[0], 6);
}

// DRAM bytes per tile of the same conv. DRAM: input 300 bytes at 0, weights 162 bytes at
// AlignUp(300) = 320, output at AlignUp(320 + 162) = 512 (6 x 10 x 10 x 4 = 2400 bytes; footprint
// AlignUp(2912) = 2944).
// Input rows (HWC, 30 bytes a row) with the 3x3 kernel's halo, clipped at the map edge (the pad
// rows are not loaded):
//   band 0 (output rows 0-3): input rows max(0, -1) = 0 .. min(10, 3 - 1 + 3) = 5 -> 150 bytes
//   band 1 (rows 4-7): rows 3 .. min(10, 7 - 1 + 3) = 9 -> 180 bytes from 3 * 30 = 90
//   band 2 (rows 8-9): rows 7 .. min(10, 11) = 10 -> 90 bytes from 210.
// Weights: all 162 bytes each tile. Outputs: the tile holds every channel, so one run of
// rows * 10 * 6 * 4 bytes: 960, 960, 480 at 512, 512 + 960, 512 + 1920.
// GLB layout in half h (base h * 2048): inputs at base, weights at base + 192, psums at
// base + 384, outputs at base + 384 + 640 = base + 1024. Halves alternate 0, 1, 0.
TEST(CompileTiling, ConvDramBytesPerTile) {
  const Program p = Compile(Array4x4(4), MakeWorkload("one-conv", {Conv27()}));
  EXPECT_EQ(p.input_addr, 0u);
  EXPECT_EQ(p.weight_addr[0], 320u);
  EXPECT_EQ(p.dram_bytes, 2944u);
  const Op& op = p.ops[0];
  EXPECT_EQ(op.out_addr, 512u);
  struct Expect {
    int half;
    uint64_t in_dram;
    uint32_t in_bytes;
    uint64_t out_dram;
    uint32_t out_bytes;
  };
  const Expect want[] = {{0, 0, 150, 512, 960}, {1, 90, 180, 1472, 960}, {0, 210, 90, 2432, 480}};
  ASSERT_EQ(op.tiles.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE("tile " + std::to_string(i));
    const Tile& t = op.tiles[i];
    const uint32_t base = uint32_t(want[i].half) * 2048;
    EXPECT_EQ(t.half, want[i].half);
    ASSERT_EQ(t.loads.size(), 2u);  // inputs, weights (no kernel IDs on the array)
    EXPECT_EQ(t.loads[0].data_type, DataType::kInput);
    EXPECT_EQ(t.loads[0].dram_addr, want[i].in_dram);
    EXPECT_EQ(t.loads[0].bytes(), want[i].in_bytes);
    EXPECT_EQ(t.loads[0].glb_addr, base);
    EXPECT_EQ(t.loads[1].data_type, DataType::kWeight);
    EXPECT_EQ(t.loads[1].dram_addr, 320u);
    EXPECT_EQ(t.loads[1].bytes(), 162u);
    EXPECT_EQ(t.loads[1].glb_addr, base + 192);
    ASSERT_EQ(t.stores.size(), 1u);
    EXPECT_EQ(t.stores[0].dram_addr, want[i].out_dram);
    EXPECT_EQ(t.stores[0].rows, 1u);
    EXPECT_EQ(t.stores[0].bytes(), want[i].out_bytes);
    EXPECT_EQ(t.stores[0].glb_addr, base + 1024);
    ASSERT_FALSE(t.passes.empty());
    EXPECT_EQ(t.passes[0].collect.psum_base, base + 384);
    EXPECT_EQ(t.passes[0].collect.out_base, base + 1024);
  }
}

// Passes of the same conv: 2 column groups (channels 0-3 on 4 columns, 4-5 on 2) x 2 k passes
// = 4 per tile. Pass 1 of a group covers k 0..15 on 4 rows x kp 4; pass 2 covers k 16..26:
// ceil(11 / 4) = 3 rows. Input beats = pixels x kp (band 0: 40 x 4 = 160), weight beats =
// rows x kp. The first pass of a group has no psum to read, the last requantises and writes.
TEST(CompileTiling, ConvPassCounts) {
  const Program p = Compile(Array4x4(4), MakeWorkload("one-conv", {Conv27()}));
  const Tile& t = p.ops[0].tiles[0];
  ASSERT_EQ(t.passes.size(), 4u);
  struct Expect {
    int cols, n_local0, rows;
    int64_t k0;
    bool first, last;
  };
  const Expect want[] = {{4, 0, 4, 0, true, false},
                         {4, 0, 3, 16, false, true},
                         {2, 4, 4, 0, true, false},
                         {2, 4, 3, 16, false, true}};
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE("pass " + std::to_string(i));
    const Pass& ps = t.passes[i];
    EXPECT_EQ(ps.engine, PassEngine::kArray);
    EXPECT_EQ(ps.array.dataflow, Dataflow::kWeightStationary);
    EXPECT_EQ(ps.array.cols_used, want[i].cols);
    EXPECT_EQ(ps.array.rows_used, want[i].rows);
    EXPECT_EQ(ps.array.k0, want[i].k0);
    EXPECT_EQ(ps.array.k, 27);
    EXPECT_EQ(ps.array.kp, 4);
    EXPECT_EQ(ps.array.pixels, 40);
    EXPECT_EQ(ps.input.beats, 160u);
    EXPECT_EQ(ps.weight.beats, uint64_t(want[i].rows) * 4);
    EXPECT_EQ(ps.collect.n_local0, want[i].n_local0);
    EXPECT_EQ(ps.collect.cols, want[i].cols);
    EXPECT_EQ(ps.collect.first, want[i].first);
    EXPECT_EQ(ps.collect.last, want[i].last);
  }
  // Band 2 has 2 output rows: 20 pixels, still 4 passes.
  EXPECT_EQ(p.ops[0].tiles[2].passes.size(), 4u);
  EXPECT_EQ(p.ops[0].tiles[2].passes[0].array.pixels, 20);
}

// A bigger RF spreads the reduction instead: rf = 32 / 2 = 16, kp = min(16, ceil(27 / 4) = 7) =
// 7, rows_used = min(4, ceil(27 / 7) = 4) = 4, one k pass (4 x 7 = 28 >= 27), so no psum
// region. That changes the tile choice: r rows x n_tile channels now need
// AlignUp(30 (r + 2)) + AlignUp(27 n_tile) + AlignUp(40 r n_tile):
//   n_tile 6: r = 6 fits (256 + 192 + 1472 = 1920), r = 7 does not (320 + 192 + 1728 = 2240);
//     traffic 2 bands x 256 + 2 x 162 = 836;
//   n_tile 4: all 10 rows fit (320 + 128 + 1600 = 2048); traffic 2 blocks x 320 + 162 = 802.
// So 2 tiles (channels 0-3, then 4-5) over the whole map, one pass each (one column group).
TEST(CompileTiling, SinglePassWhenTheRfHoldsTheReduction) {
  const Program p = Compile(SmallArch(4, 4, 32, 2, 4), MakeWorkload("one-conv", {Conv27()}));
  const Op& op = p.ops[0];
  EXPECT_EQ(p.weight_n_tile[0], 4);
  ASSERT_EQ(op.tiles.size(), 2u);
  for (const Tile& t : op.tiles) {
    ASSERT_EQ(t.passes.size(), 1u);
    const Pass& ps = t.passes[0];
    EXPECT_EQ(ps.array.kp, 7);
    EXPECT_EQ(ps.array.rows_used, 4);
    EXPECT_EQ(ps.array.pixels, 100);
    EXPECT_TRUE(ps.collect.first);
    EXPECT_TRUE(ps.collect.last);
    // No psum region: outputs follow inputs (320) and weights (128).
    EXPECT_EQ(ps.collect.psum_base, uint32_t(t.half) * 2048 + 448);
    EXPECT_EQ(ps.collect.out_base, uint32_t(t.half) * 2048 + 448);
  }
  EXPECT_EQ(op.tiles[0].passes[0].array.cols_used, 4);
  EXPECT_EQ(op.tiles[1].passes[0].array.cols_used, 2);
  // Part of the channels: a row per pixel, 4 (then 2) int32 channels into a 24-byte pixel.
  EXPECT_EQ(op.tiles[0].stores[0].rows, 100u);
  EXPECT_EQ(op.tiles[0].stores[0].row_bytes, 16u);
  EXPECT_EQ(op.tiles[0].stores[0].dram_stride, 24u);
  EXPECT_EQ(op.tiles[1].stores[0].dram_addr, op.out_addr + 16);
  EXPECT_EQ(op.tiles[1].stores[0].row_bytes, 8u);
  // Weight blocks of 4 channels: block 1 (2 channels, 54 bytes) starts at 4 x 27 = 108.
  EXPECT_EQ(op.tiles[1].loads[1].dram_addr, p.weight_addr[0] + 108);
  EXPECT_EQ(op.tiles[1].loads[1].bytes(), 54u);
}

// Output-stationary array (same conv, rf 4, 4 KiB GLB): no psum region either (a pass holds
// its sums in the PEs), so the tile choice is the one above: 2 tiles of 10 rows x 4, then 2,
// channels. Passes per tile = ceil(pixels / rows) x ceil(n_tile / cols) = ceil(100 / 4) x 1 =
// 25, each over the whole reduction (27 beats).
TEST(CompileTiling, OutputStationaryPasses) {
  ArchSpec a = Array4x4(4);
  a.array.dataflow = Dataflow::kOutputStationary;
  const Program p = Compile(a, MakeWorkload("one-conv", {Conv27()}));
  const Op& op = p.ops[0];
  ASSERT_EQ(op.tiles.size(), 2u);
  ASSERT_EQ(op.tiles[0].passes.size(), 25u);
  ASSERT_EQ(op.tiles[1].passes.size(), 25u);
  const Pass& last = op.tiles[0].passes.back();
  EXPECT_EQ(last.array.dataflow, Dataflow::kOutputStationary);
  EXPECT_EQ(last.array.rows_used, 4);  // pixels 96..99
  EXPECT_EQ(last.array.cols_used, 4);
  EXPECT_EQ(last.array.k, 27);
  EXPECT_EQ(last.input.beats, 27u);
  EXPECT_EQ(last.collect.p0, 96);
  EXPECT_EQ(op.tiles[1].passes[0].array.cols_used, 2);
}

// Linear: 16x4x4 input (256 features) -> 10 outputs, int32. Array 4 x 4, rf = 64 / 2 = 32,
// GLB 5 KiB: half 2560. K = 256: kp = min(32, ceil(256 / 4) = 64) = 32, rows_used = min(4,
// ceil(256 / 32) = 8) = 4, k_passes = ceil(256 / 128) = 2. Candidates n_tile 10, 8, 4 (one
// output "row"): inputs AlignUp(256) = 256, weights AlignUp(n_tile * 256), psums
// AlignUp(min(4, n_tile) * 4) = 64, outputs AlignUp(n_tile * 4) = 64:
//   10: 256 + 2560 + 64 + 64 = 2944 > 2560, does not fit;
//   8: 256 + 2048 + 128 = 2432 fits, traffic 2 blocks x 256 + 10 x 256 = 3072;
//   4: 256 + 1024 + 128 = 1408 fits, traffic 3 x 256 + 2560 = 3328.
// So 2 tiles of 8 and 2 outputs, each re-loading the 256 input bytes.
TEST(CompileTiling, LinearTileChoiceAndBytes) {
  const Layer fc = MakeLinear("fc", {16, 4, 4}, 10, 1.0);
  const Program p = Compile(SmallArch(4, 4, 64, 2, 5), MakeWorkload("one-fc", {fc}));
  // DRAM: input 256 at 0, weights 2560 at 256, output 40 at 2816.
  EXPECT_EQ(p.weight_addr[0], 256u);
  const Op& op = p.ops[0];
  EXPECT_EQ(op.out_addr, 2816u);
  EXPECT_EQ(p.weight_n_tile[0], 8);
  ASSERT_EQ(op.tiles.size(), 2u);
  const Tile& t0 = op.tiles[0];
  const Tile& t1 = op.tiles[1];
  EXPECT_EQ(t0.loads[0].bytes(), 256u);
  EXPECT_EQ(t1.loads[0].bytes(), 256u);
  // Weights in blocks of 8 outputs, [k][n_local]: block 0 is 8 x 256 bytes at 256; block 1
  // (2 outputs) is 512 bytes at 256 + 8 x 256.
  EXPECT_EQ(t0.loads[1].dram_addr, 256u);
  EXPECT_EQ(t0.loads[1].bytes(), 2048u);
  EXPECT_EQ(t1.loads[1].dram_addr, 2304u);
  EXPECT_EQ(t1.loads[1].bytes(), 512u);
  // Outputs: 8 of the 10 int32 channels: one row of 32 bytes into a 40-byte pixel; then 8 bytes
  // at +32.
  EXPECT_EQ(t0.stores[0].dram_addr, 2816u);
  EXPECT_EQ(t0.stores[0].row_bytes, 32u);
  EXPECT_EQ(t0.stores[0].dram_stride, 40u);
  EXPECT_EQ(t1.stores[0].dram_addr, 2848u);
  EXPECT_EQ(t1.stores[0].row_bytes, 8u);
  // Passes: tile 0 has 2 column groups x 2 k passes, tile 1 one group (2 columns) x 2.
  EXPECT_EQ(t0.passes.size(), 4u);
  EXPECT_EQ(t1.passes.size(), 2u);
  EXPECT_EQ(t1.passes[0].array.cols_used, 2);
  EXPECT_EQ(t1.passes[1].array.k0, 128);
  EXPECT_EQ(t1.passes[1].array.rows_used, 4);
}

// The smallest conv tile is one output row of min(units, cols) = 4 channels: inputs
// AlignUp(3 x 10 x 3 = 90) = 128, weights AlignUp(4 x 27 = 108) = 128, psums AlignUp(10 x 4 x 4)
// = 192, outputs 192: 640 bytes, more than a 1 KiB GLB's 512-byte half. Double-buffered that
// is ceil(1280 / 1024) = 2 KiB.
TEST(CompileTiling, ConvTooBigForTheGlb) {
  try {
    Compile(Array4x4(1), MakeWorkload("one-conv", {Conv27()}));
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "small.yaml: glb.size_kib: layer 'conv' needs 2 KiB for its smallest "
                 "double-buffered tile, the GLB has 1 KiB; allowed: >= 2 for one-conv");
  }
}

}  // namespace
}  // namespace cssim
