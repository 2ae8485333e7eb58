// Unit tier: does Compile() map packed layers onto the CS engine (sparse-dense) and the
// sparse-sparse unit, and whole small networks onto the right engines with the right fused ops?
// Every expected number is worked out by hand in a comment from the arch and layer sizes.
//
// Packing (model/base/workload.h): nnz = round(density * fan_in) non-zeros per kernel, N =
// floor(fan_in / nnz) kernels per combined kernel, groups = ceil(M / N); in the sparse modes each
// weighted layer's DRAM weights are groups * fan_in value bytes, then (N > 1) as many bytes for
// kernel IDs. Kernel IDs travel bit-packed, IdBits(N) = ceil(log2 N) bits each. DRAM tensors and
// GLB regions start on 64-byte boundaries; a GLB half is glb_kib * 512 bytes.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "model/base/error.h"
#include "model/compile/compile.h"
#include "tb/unit/compile/small_nets.h"

namespace cssim {
namespace {

// CS engine: 4 lanes x 2 group engines, 16 weight entries per lane in 2 buffers (8 each).
ArchSpec SmallCs(int glb_kib) {
  ArchSpec a = SmallArch(4, 4, 8, 2, glb_kib);
  a.cs.lanes = 4;
  a.cs.engines = 2;
  a.cs.max_n = 8;
  a.cs.weight_rf_entries = 16;
  a.cs.weight_buffers = 2;
  return a;
}

// conv 4x6x6 -> 6 channels, 3x3, no pad: 6x4x4 int32. fan_in = K = 36, density 0.25: nnz = 9,
// N = floor(36 / 9) = 4, groups = ceil(6 / 4) = 2 (the second holds 2 kernels): slots 2 x 36
// = 72, non-zeros 6 x 9 = 54.
// On the CS engine (rf 8, 4 lanes): kp = min(8, ceil(36 / 4) = 9) = 8, rows_used = min(4,
// ceil(36 / 8) = 5) = 4, k_passes = ceil(36 / 32) = 2. Weight units are the 2 groups, 2 engines:
// n_tile 2. GLB 64 KiB (half 32768): the whole map fits, one tile of 4 output rows:
// inputs AlignUp(6 x 6 x 4 = 144) = 192, values AlignUp(2 x 36 = 72) = 128 and as much for IDs,
// psums AlignUp(16 px x 6 ch x 4) = 384, outputs 384. Layout: inputs 0, values 192, IDs 320,
// psums 448, outputs 832.
// DRAM: input 144 at 0, values 72 at 192, IDs 72 at 320, output 384 at 448; footprint 832.
TEST(CompileSparse, SparseDenseConvOnTheCsEngine) {
  const Layer conv = MakeConv("conv", {4, 6, 6}, 6, 3, 0.25);
  ASSERT_EQ(conv.pack_n(), 4);
  const Program p = Compile(SmallCs(64), MakeWorkload("cs-conv", {conv}), Mode::kSparseDense);
  EXPECT_EQ(p.weight_addr[0], 192u);
  EXPECT_EQ(p.id_addr[0], 320u);
  EXPECT_TRUE(p.packed[0]);
  EXPECT_EQ(p.weight_n_tile[0], 2);
  EXPECT_EQ(p.dram_bytes, 832u);
  ASSERT_EQ(p.ops.size(), 1u);
  const Op& op = p.ops[0];
  EXPECT_EQ(op.engine, OpEngine::kCs);
  EXPECT_EQ(op.pack_n, 4);
  EXPECT_EQ(op.groups, 2);
  EXPECT_EQ(op.slots, 72);
  EXPECT_EQ(op.nonzeros, 54);
  EXPECT_EQ(op.out_addr, 448u);
  ASSERT_EQ(op.tiles.size(), 1u);
  const Tile& t = op.tiles[0];
  ASSERT_EQ(t.loads.size(), 3u);
  EXPECT_EQ(t.loads[0].bytes(), 144u);
  EXPECT_EQ(t.loads[1].data_type, DataType::kWeight);
  EXPECT_EQ(t.loads[1].dram_addr, 192u);
  EXPECT_EQ(t.loads[1].glb_addr, 192u);
  EXPECT_EQ(t.loads[1].bytes(), 72u);
  // IDs: 72 of 2 bits = 144 bits = 18 bytes in DRAM, expanded to 72 bytes in the GLB.
  const DmaCmd& id = t.loads[2];
  EXPECT_EQ(id.data_type, DataType::kKernelId);
  EXPECT_EQ(id.dram_addr, 320u);
  EXPECT_EQ(id.glb_addr, 320u);
  EXPECT_EQ(id.row_bytes, 18u);
  EXPECT_EQ(id.expand_bits, 2);
  EXPECT_EQ(id.expanded_row_bytes, 72u);
  // Passes: one column group (both engines) x 2 k passes; the second covers k 32..35 on one
  // lane. Each pass leaves 6 sums a pixel (2 groups x 4 accumulators, 2 of them unused).
  ASSERT_EQ(t.passes.size(), 2u);
  for (int j = 0; j < 2; ++j) {
    SCOPED_TRACE("pass " + std::to_string(j));
    const Pass& ps = t.passes[j];
    EXPECT_EQ(ps.engine, PassEngine::kCs);
    EXPECT_EQ(ps.array.cols_used, 2);
    EXPECT_EQ(ps.array.kp, 8);
    EXPECT_EQ(ps.array.n, 4);
    EXPECT_EQ(ps.array.out_cols, 6);
    EXPECT_EQ(ps.array.pixels, 16);
    EXPECT_EQ(ps.collect.cols, 6);
    EXPECT_EQ(ps.id.geom.w_base, 320u);  // the ID stream reads the ID region
    EXPECT_EQ(ps.id.beats, ps.weight.beats);
  }
  EXPECT_EQ(t.passes[0].array.rows_used, 4);
  EXPECT_EQ(t.passes[1].array.rows_used, 1);
  EXPECT_EQ(t.passes[1].array.k0, 32);
  EXPECT_EQ(t.passes[0].collect.psum_base, 448u);
  EXPECT_EQ(t.passes[0].collect.out_base, 832u);
  // All 6 channels: one run of 16 x 6 x 4 bytes.
  EXPECT_EQ(t.stores[0].bytes(), 384u);
  EXPECT_EQ(t.stores[0].dram_addr, 448u);
}

// kWTA 4x2x2 (16 values, density 0.25: k = 4) -> linear 16 -> 6, density 0.25: nnz 4, N 4,
// groups 2, K = 16. DRAM: input 16 at 0, values 2 x 16 = 32 at 64, IDs 32 at 128, then op
// outputs: the k-WTA's active list 4 x 4 = 16 bytes at 192 (sparse-sparse: it feeds a linear),
// the linear's 6 int32 at 256; footprint 320.
Workload KwtaLinear() {
  const Shape in{4, 2, 2};
  return MakeWorkload("kwta-fc", {MakeKwta("kwta", in, 0.25), MakeLinear("fc", in, 6, 0.25)});
}

// The sparse-sparse tile (GLB 4 KiB, half 2048): list AlignUp(16) = 64, values and IDs
// AlignUp(2 x 16) = 64 each, outputs AlignUp(6 x 4) = 64: 256 bytes, one tile of both groups
// (P x channels = 6 accumulators). Layout: list 0, values 64, IDs 128, outputs 192.
// A linear layer's packed rows are HWC, so the list names the rows to fetch: a gather of the
// 4 active rows of 2 values (8 bytes instead of 32) and of their IDs, each row of 2 x 2 bits
// padded to 1 byte.
TEST(CompileSparse, SparseSparseLinearGathersActiveRows) {
  const Program p = Compile(SmallCs(4), KwtaLinear(), Mode::kSparseSparse);
  EXPECT_EQ(p.weight_addr[1], 64u);
  EXPECT_EQ(p.id_addr[1], 128u);
  EXPECT_EQ(p.weight_n_tile[1], 2);
  EXPECT_FALSE(p.channel_major[1]);
  EXPECT_TRUE(p.id_rows_aligned[1]);
  EXPECT_EQ(p.dram_bytes, 320u);
  ASSERT_EQ(p.ops.size(), 2u);

  const Op& kwta = p.ops[0];
  EXPECT_EQ(kwta.engine, OpEngine::kKwta);
  EXPECT_TRUE(kwta.out_is_list);
  EXPECT_EQ(kwta.out_addr, 192u);
  ASSERT_EQ(kwta.tiles.size(), 1u);
  ASSERT_EQ(kwta.tiles[0].kwta.size(), 1u);
  const KwtaCmd& kc = kwta.tiles[0].kwta[0];
  EXPECT_EQ(kc.n, 16);
  EXPECT_EQ(kc.k, 4);
  EXPECT_TRUE(kc.write_list);
  EXPECT_FALSE(kc.write_dense);
  EXPECT_EQ(kc.list_base, 64u);  // after the 16-byte map, aligned
  EXPECT_EQ(kwta.tiles[0].stores[0].data_type, DataType::kActList);
  EXPECT_EQ(kwta.tiles[0].stores[0].bytes(), 16u);

  const Op& fc = p.ops[1];
  EXPECT_EQ(fc.engine, OpEngine::kSparseSparse);
  EXPECT_TRUE(fc.in_is_list);
  EXPECT_EQ(fc.in_addr, 192u);
  EXPECT_EQ(fc.out_addr, 256u);
  EXPECT_EQ(fc.pack_n, 4);
  EXPECT_EQ(fc.groups, 2);
  ASSERT_EQ(fc.tiles.size(), 1u);
  const Tile& t = fc.tiles[0];
  ASSERT_EQ(t.ss.size(), 1u);
  const SsCmd& c = t.ss[0];
  EXPECT_EQ(c.actives, 4);
  EXPECT_EQ(c.list_base, 0u);
  EXPECT_EQ(c.w_base, 64u);
  EXPECT_EQ(c.id_base, 128u);
  EXPECT_EQ(c.out_base, 192u);
  EXPECT_EQ(c.groups, 2);
  EXPECT_EQ(c.n, 4);
  EXPECT_EQ(c.channels, 6);
  EXPECT_FALSE(c.channel_major);
  EXPECT_EQ(c.kh, 2);  // a linear layer's kernel is the whole 2x2 map
  EXPECT_EQ(c.kw, 2);
  ASSERT_EQ(t.loads.size(), 3u);
  EXPECT_EQ(t.loads[0].data_type, DataType::kActList);
  EXPECT_EQ(t.loads[0].dram_addr, 192u);
  EXPECT_EQ(t.loads[0].bytes(), 16u);
  const DmaCmd& wt = t.loads[1];
  EXPECT_TRUE(wt.gather);
  EXPECT_EQ(wt.index_glb_addr, 0u);
  EXPECT_EQ(wt.index_count, 4u);
  EXPECT_EQ(wt.row_bytes, 2u);
  EXPECT_EQ(wt.dram_stride, 2u);
  EXPECT_EQ(wt.bytes(), 8u);
  const DmaCmd& id = t.loads[2];
  EXPECT_TRUE(id.gather);
  EXPECT_EQ(id.dram_addr, 128u);
  EXPECT_EQ(id.row_bytes, 1u);
  EXPECT_EQ(id.expand_bits, 2);
  EXPECT_EQ(id.expanded_row_bytes, 2u);
  EXPECT_EQ(id.bytes(), 4u);
  EXPECT_EQ(t.stores[0].bytes(), 24u);
  EXPECT_EQ(t.stores[0].dram_addr, 256u);
}

// kWTA 2x4x4 (32 values, density 0.25: k = 8) -> conv 4 channels, 3x3, pad 1 (4x4x4 int32),
// density 0.5: fan_in 18, nnz 9, N 2, groups 2. With 40 accumulators the tile holds P x channels
// = 16 x 4 = 64 > 40 sums for both groups, so one group a tile (16 x 2 = 32): 2 tiles. DRAM:
// input 32 at 0, values 36 at 64, IDs 36 at 128, list 8 x 4 = 32 at 192, output 256 at 256.
// GLB (half 2048): list 64, one group's values AlignUp(18) = 64 and IDs 64, outputs: list at
// base, values base + 64, IDs base + 128, outputs base + 192. A conv's rows are loaded whole
// (channel-major rows, no gather): 18 values, 18 IDs of 1 bit = 3 bytes; block g at g x 3.
TEST(CompileSparse, SparseSparseConvTiledByAccumulators) {
  ArchSpec a = SmallCs(4);
  a.cs.accumulators = 40;
  const Shape in{2, 4, 4};
  const Layer conv = MakeConv("conv", in, 4, 3, 3, 1, 1, 0.5);
  ASSERT_EQ(conv.pack_n(), 2);
  const Program p = Compile(a, MakeWorkload("kwta-conv", {MakeKwta("kwta", in, 0.25), conv}),
                            Mode::kSparseSparse);
  EXPECT_EQ(p.weight_n_tile[1], 1);
  EXPECT_TRUE(p.channel_major[1]);
  EXPECT_FALSE(p.id_rows_aligned[1]);
  ASSERT_EQ(p.ops.size(), 2u);
  const Op& op = p.ops[1];
  EXPECT_EQ(op.engine, OpEngine::kSparseSparse);
  EXPECT_EQ(op.slots, 36);
  EXPECT_EQ(op.nonzeros, 36);
  ASSERT_EQ(op.tiles.size(), 2u);
  for (int g = 0; g < 2; ++g) {
    SCOPED_TRACE("tile " + std::to_string(g));
    const Tile& t = op.tiles[g];
    const uint32_t base = uint32_t(g) * 2048;
    EXPECT_EQ(t.half, g);
    const SsCmd& c = t.ss.at(0);
    EXPECT_EQ(c.actives, 8);
    EXPECT_EQ(c.groups, 1);
    EXPECT_EQ(c.channels, 2);
    EXPECT_TRUE(c.channel_major);
    EXPECT_EQ(c.ho * c.wo, 16);
    EXPECT_EQ(c.w_base, base + 64);
    EXPECT_EQ(c.id_base, base + 128);
    EXPECT_EQ(c.out_base, base + 192);
    ASSERT_EQ(t.loads.size(), 3u);
    EXPECT_EQ(t.loads[0].bytes(), 32u);  // the whole list again
    EXPECT_FALSE(t.loads[1].gather);
    EXPECT_EQ(t.loads[1].dram_addr, 64u + 18 * g);
    EXPECT_EQ(t.loads[1].bytes(), 18u);
    EXPECT_EQ(t.loads[2].dram_addr, 128u + 3 * g);
    EXPECT_EQ(t.loads[2].bytes(), 3u);
    EXPECT_EQ(t.loads[2].expanded_row_bytes, 18u);
    // Channels 2g, 2g + 1 of every pixel: 16 rows of 8 bytes, 16 bytes apart.
    EXPECT_EQ(t.stores[0].dram_addr, 256u + 8 * g);
    EXPECT_EQ(t.stores[0].rows, 16u);
    EXPECT_EQ(t.stores[0].row_bytes, 8u);
    EXPECT_EQ(t.stores[0].dram_stride, 16u);
  }
}

// The CS datapath's limits: the conv above packs N = 4 kernels a group, more than 2 accumulators
// per engine; and the sparse-sparse conv above needs P x N = 16 x 2 = 32 accumulators for one
// group, more than 20.
std::string CompileError(const ArchSpec& a, const Workload& w, Mode mode) {
  try {
    Compile(a, w, mode);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CompileSparse, EngineLimitsAreInputErrors) {
  ArchSpec a = SmallCs(64);
  a.cs.max_n = 2;
  EXPECT_EQ(CompileError(a, MakeWorkload("cs-conv", {MakeConv("conv", {4, 6, 6}, 6, 3, 0.25)}),
                         Mode::kSparseDense),
            "small.yaml: cs.max_n: layer 'conv' packs 4 kernels per group, the engine has 2 "
            "accumulators; allowed: >= 4 for cs-conv");
  ArchSpec b = SmallCs(4);
  b.cs.accumulators = 20;
  const Shape in{2, 4, 4};
  const Workload w = MakeWorkload(
      "kwta-conv", {MakeKwta("kwta", in, 0.25), MakeConv("conv", in, 4, 3, 3, 1, 1, 0.5)});
  EXPECT_EQ(CompileError(b, w, Mode::kSparseSparse),
            "small.yaml: cs.accumulators: layer 'conv' needs 32 accumulators for one group of its "
            "16 output pixels; allowed: >= 32 for kwta-conv");
  // In sparse-dense mode the same conv runs on the CS engine, which keeps no accumulator map.
  EXPECT_EQ(CompileError(b, w, Mode::kSparseDense), "no error");
}

// The same k-WTA -> linear network in each mode: the linear runs on the array (dense), on the
// CS engine reading a dense map (sparse-dense), or on the sparse-sparse unit reading the active
// list (sparse-sparse). Only in sparse-sparse is the k-WTA output an active list.
TEST(CompileNetwork, EnginesPerMode) {
  const Workload w = KwtaLinear();
  struct Expect {
    Mode mode;
    OpEngine fc;
    bool list;
  };
  for (const Expect& e : {Expect{Mode::kDense, OpEngine::kArray, false},
                          Expect{Mode::kSparseDense, OpEngine::kCs, false},
                          Expect{Mode::kSparseSparse, OpEngine::kSparseSparse, true}}) {
    SCOPED_TRACE(ModeName(e.mode));
    const Program p = Compile(SmallCs(4), w, e.mode);
    ASSERT_EQ(p.ops.size(), 2u);
    EXPECT_EQ(p.ops[0].engine, OpEngine::kKwta);
    EXPECT_EQ(p.ops[0].out_is_list, e.list);
    EXPECT_EQ(p.ops[0].tiles.at(0).kwta.at(0).write_dense, !e.list);
    EXPECT_EQ(p.ops[1].engine, e.fc);
    EXPECT_EQ(p.ops[1].in_is_list, e.list);
    EXPECT_EQ(p.packed[1], e.mode != Mode::kDense);
  }
}

// The k-WTA unit has no output stage, so a ReLU after it is an op of its own on the vector
// unit; the linear then reads a dense map and runs on the CS engine even in sparse-sparse mode.
TEST(CompileNetwork, KwtaAbsorbsNoRelu) {
  const Shape in{4, 2, 2};
  const Workload w = MakeWorkload("kwta-relu-fc", {MakeKwta("kwta", in, 0.25), MakeRelu("relu", in),
                                                   MakeLinear("fc", in, 6, 0.25)});
  const Program p = Compile(SmallCs(4), w, Mode::kSparseSparse);
  ASSERT_EQ(p.ops.size(), 3u);
  EXPECT_EQ(p.ops[0].name, "kwta");
  EXPECT_EQ(p.ops[0].engine, OpEngine::kKwta);
  EXPECT_FALSE(p.ops[0].out_is_list);
  EXPECT_EQ(p.ops[1].name, "relu");
  EXPECT_EQ(p.ops[1].engine, OpEngine::kVector);
  EXPECT_EQ(p.ops[2].engine, OpEngine::kCs);
}

// conv 1x8x8 -> 4, 3x3, pad 1 (4x8x8), requant (shift 3), ReLU, max-pool 2/2 (4x4x4), linear
// -> 10 (int32), dense, array 4 x 4 with rf 4, GLB 4 KiB (half 2048).
// Groups: conv absorbs the requant and the ReLU (one op, int8 out); the pool; the linear.
// DRAM: input 64 at 0, conv weights 36 at 64, linear weights 640 at 128, outputs: conv 256 at
// 768, pool 64 at 1024, linear 40 at 1088; footprint 1152.
// conv: K = 9, kp = min(4, ceil(9 / 4) = 3) = 3, rows_used = 3, one k pass; all 8 rows fit
// (64 + 64 + 256 = 384): one tile, one pass. Pool: 4 output rows, at least 4 tiles when the map
// has the rows, so 1 row a tile: 2 input rows (64 bytes) -> 16 bytes. Linear: K = 64: kp 4,
// rows 4, k_passes 4; all 10 outputs fit (64 + 640 + 64 + 64 = 832), one tile of ceil(10 / 4)
// = 3 column groups x 4 = 12 passes.
TEST(CompileNetwork, ConvPoolLinear) {
  const Layer conv = MakeConv("c1", {1, 8, 8}, 4, 3, 3, 1, 1, 1.0);
  const Shape map{4, 8, 8};
  const Layer pool = MakePool("pool", map, 2, 2);
  const Workload w = MakeWorkload("net", {conv, MakeRequant("rq1", map, 3), MakeRelu("r1", map),
                                          pool, MakeLinear("fc", pool.out, 10, 1.0)});
  const Program p = Compile(SmallArch(4, 4, 8, 2, 4), w);
  EXPECT_EQ(p.weight_addr[0], 64u);
  EXPECT_EQ(p.weight_addr[4], 128u);
  EXPECT_EQ(p.dram_bytes, 1152u);
  EXPECT_EQ(p.output_addr, 1088u);
  EXPECT_EQ(p.output_type, ElemType::kInt32);
  ASSERT_EQ(p.ops.size(), 3u);

  const Op& c = p.ops[0];
  EXPECT_EQ(c.name, "c1+rq1+r1");
  EXPECT_EQ(c.kind, "conv+requant+relu");
  EXPECT_EQ(c.engine, OpEngine::kArray);
  EXPECT_EQ(c.first_layer, 0);
  EXPECT_EQ(c.last_layer, 2);
  EXPECT_EQ(c.out_addr, 768u);
  ASSERT_EQ(c.tiles.size(), 1u);
  ASSERT_EQ(c.tiles[0].passes.size(), 1u);
  const Pass& ps = c.tiles[0].passes[0];
  EXPECT_EQ(ps.array.rows_used, 3);
  EXPECT_EQ(ps.array.kp, 3);
  EXPECT_EQ(ps.array.pixels, 64);
  EXPECT_TRUE(ps.collect.requant);
  EXPECT_EQ(ps.collect.shift, 3);
  EXPECT_TRUE(ps.collect.relu);
  EXPECT_EQ(ps.collect.out_elem_bytes, 1);
  EXPECT_EQ(c.tiles[0].stores[0].bytes(), 256u);  // 4 x 8 x 8 int8

  const Op& v = p.ops[1];
  EXPECT_EQ(v.name, "pool");
  EXPECT_EQ(v.kind, "maxpool");
  EXPECT_EQ(v.engine, OpEngine::kVector);
  EXPECT_EQ(v.in_addr, 768u);
  EXPECT_EQ(v.out_addr, 1024u);
  ASSERT_EQ(v.tiles.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE("pool tile " + std::to_string(i));
    const Tile& t = v.tiles[i];
    EXPECT_EQ(t.half, i % 2);
    const VectorCmd& vc = t.vectors.at(0);
    EXPECT_TRUE(vc.max);
    EXPECT_FALSE(vc.relu);
    EXPECT_EQ(vc.win, 2);
    EXPECT_EQ(vc.out_pixels, 4);
    EXPECT_EQ(vc.iy0, 2 * i);
    EXPECT_EQ(vc.out_base, vc.in_base + 64);
    EXPECT_EQ(t.loads[0].dram_addr, 768u + 64 * i);  // input rows 2i, 2i + 1: 2 x 8 x 4 bytes
    EXPECT_EQ(t.loads[0].bytes(), 64u);
    EXPECT_EQ(t.stores[0].dram_addr, 1024u + 16 * i);
    EXPECT_EQ(t.stores[0].bytes(), 16u);
  }

  const Op& fc = p.ops[2];
  EXPECT_EQ(fc.name, "fc");
  EXPECT_EQ(fc.kind, "linear");
  EXPECT_EQ(fc.engine, OpEngine::kArray);
  EXPECT_EQ(fc.in_addr, 1024u);
  EXPECT_EQ(fc.out_addr, 1088u);
  ASSERT_EQ(fc.tiles.size(), 1u);
  EXPECT_EQ(fc.tiles[0].passes.size(), 12u);
  EXPECT_EQ(fc.tiles[0].passes.back().array.cols_used, 2);  // outputs 8, 9
  EXPECT_EQ(fc.tiles[0].passes.back().array.k0, 48);
}

}  // namespace
}  // namespace cssim
