// Dense-activation ops: conv/linear on the PE array or the CS engine (the same tile walk; the CS
// engine streams packed kernels and their IDs, see compile_sparse.cc for its packing and ID
// loads), and max-pool / ReLU / requantise on the vector unit.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/compile/compile_steps.h"
#include "model/compile/tiling.h"

namespace cssim {
namespace {

// Everything a conv layer's tiles share.
struct ConvPlan {
  const Group& g;
  ConvShape s;
  ConvEngine e;
  WsSplit split;
  ConvTiling tiling{};  // set once chosen
  int out_elem = 1;
};

// One tile's part of the layer: output rows [oy0, oy0 + rows_out) (input rows [iy0, iy1)) and
// weight units [u0, u0 + n_tile) (output channels [ch0, ch0 + chs)).
struct ConvSpan {
  int oy0 = 0, rows_out = 0, iy0 = 0, iy1 = 0;
  int64_t pixels = 0;
  int u0 = 0, n_tile = 0, ch0 = 0, chs = 0;
};

ConvSpan SpanOf(const ConvPlan& c, int oy0, int u0) {
  const ConvShape& s = c.s;
  ConvSpan t;
  t.oy0 = oy0;
  t.rows_out = std::min(c.tiling.rows_out, s.ho - oy0);
  t.pixels = int64_t(t.rows_out) * s.wo;
  t.iy0 = std::max(0, oy0 * s.stride - s.pad);
  t.iy1 = std::min(s.h, (oy0 + t.rows_out - 1) * s.stride - s.pad + s.kh);
  t.u0 = u0;
  t.n_tile = std::min(c.tiling.n_tile, c.e.units - u0);
  t.ch0 = u0 * c.e.n;
  t.chs = int(UnitChannels(s, c.e, u0, t.n_tile));
  return t;
}

ConvGeom GeomOf(const ConvPlan& c, const ConvSpan& t, const ConvTileLayout& lay) {
  const ConvShape& s = c.s;
  ConvGeom geom;
  geom.c = s.c;
  geom.h = s.h;
  geom.w = s.w;
  geom.kh = s.kh;
  geom.kw = s.kw;
  geom.stride = s.stride;
  geom.pad = s.pad;
  geom.wo = s.wo;
  geom.oy0 = t.oy0;
  geom.iy0 = t.iy0;
  geom.rows_in = t.iy1 - t.iy0;
  geom.k = s.k;
  geom.in_base = lay.in_base;
  geom.w_base = lay.w_base;
  geom.n_tile = t.n_tile;
  return geom;
}

// The tile's input rows (with their halo), its weight block and, on the CS engine with N > 1,
// the block's kernel IDs. Weights are stored in blocks of tiling.n_tile units, [k][u_local]:
// block u0 starts at u0 * k and holds n_tile * k bytes.
std::vector<DmaCmd> ConvLoads(const ConvPlan& c, const ConvSpan& t, const ConvTileLayout& lay,
                              const Op& op) {
  const ConvShape& s = c.s;
  std::vector<DmaCmd> loads = {
      ContiguousDma(false, DataType::kInput, op.in_addr + uint64_t(t.iy0) * s.w * s.c, lay.in_base,
                    uint32_t(int64_t(t.iy1 - t.iy0) * s.w * s.c)),
      ContiguousDma(false, DataType::kWeight, op.w_addr + uint64_t(t.u0) * s.k, lay.w_base,
                    uint32_t(int64_t(t.n_tile) * s.k))};
  if (c.e.cs && c.e.n > 1)
    loads.push_back(
        BlockIdLoad(op.id_addr, s.k, c.e.n, c.tiling.n_tile, t.u0, t.n_tile, lay.id_base));
  return loads;
}

// The tile's outputs, HWC: one run when the tile has every channel, else a row per pixel.
DmaCmd ConvStore(const ConvPlan& c, const ConvSpan& t, const ConvTileLayout& lay, const Op& op) {
  const ConvShape& s = c.s;
  DmaCmd st;
  st.store = true;
  st.data_type = DataType::kOutput;
  st.glb_addr = lay.out_base;
  st.dram_addr = op.out_addr + (uint64_t(t.oy0) * s.wo * s.m + t.ch0) * c.out_elem;
  if (t.chs == s.m) {
    st.row_bytes = uint32_t(t.pixels * s.m * c.out_elem);
    st.dram_stride = st.row_bytes;
  } else {
    st.rows = uint32_t(t.pixels);
    st.row_bytes = uint32_t(t.chs * c.out_elem);
    st.dram_stride = uint64_t(s.m) * c.out_elem;
  }
  return st;
}

CollectCmd CollectOf(const ConvPlan& c, const ConvSpan& t, const ConvTileLayout& lay) {
  CollectCmd cc;
  cc.psum_base = lay.psum_base;
  cc.out_base = lay.out_base;
  cc.out_pixel_bytes = t.chs * c.out_elem;
  cc.requant = c.g.requant;
  cc.shift = c.g.shift;
  cc.relu = c.g.relu;
  cc.out_elem_bytes = c.out_elem;
  return cc;
}

// Weight-stationary: for each group of columns (weight units), k_passes passes over the
// reduction, each streaming every pixel of the tile through rows x kp loaded weights.
void WsPasses(const ConvPlan& c, const ConvSpan& t, const ConvGeom& geom, const ConvGeom& id_geom,
              const CollectCmd& cc, std::vector<Pass>* passes) {
  const ConvEngine& e = c.e;
  const int kp = c.split.kp;
  const int64_t P = t.pixels, K = c.s.k;
  for (int us = 0; us < t.n_tile; us += e.cols) {
    const int cols_used = std::min(e.cols, t.n_tile - us);
    const int out_cols = int(UnitChannels(c.s, e, t.u0 + us, cols_used));
    for (int64_t j = 0; j < c.split.k_passes; ++j) {
      Pass ps;
      ps.engine = e.cs ? PassEngine::kCs : PassEngine::kArray;
      const int64_t k0 = j * c.split.rows_used * kp;
      // The last pass of a ragged reduction uses only the rows it has weights for.
      const int rows = int(std::min<int64_t>(c.split.rows_used, CeilDiv(K - k0, kp)));
      ps.input =
          StreamCmd{StreamKind::kWsInput, geom, rows, uint64_t(P * kp), k0, kp, 0, us, P, {}};
      const StreamKind wk = e.systolic ? StreamKind::kSysWsWeight : StreamKind::kWsWeight;
      ps.weight = StreamCmd{wk, geom, cols_used, uint64_t(rows) * kp, k0, kp, 0, us, P, {}};
      if (e.cs && e.n > 1) {
        ps.id = ps.weight;
        ps.id.geom = id_geom;
      }
      ps.array =
          ArrayCmd{Dataflow::kWeightStationary, rows, cols_used, k0, K, kp, P, e.n, out_cols, {}};
      ps.collect = cc;
      ps.collect.first = j == 0;
      ps.collect.last = j == c.split.k_passes - 1;
      ps.collect.p0 = 0;
      ps.collect.pixels = P;
      ps.collect.cols = out_cols;
      ps.collect.n_local0 = us * e.n;
      passes->push_back(ps);
    }
  }
}

// Output-stationary (PE array only): for each group of `rows` pixels and of columns (output
// channels), one pass over the whole reduction.
void OsPasses(const ConvPlan& c, const ConvSpan& t, const ConvGeom& geom, const CollectCmd& cc,
              std::vector<Pass>* passes) {
  const int R = c.e.rows, Cols = c.e.cols;
  const int64_t P = t.pixels, K = c.s.k;
  for (int64_t p0 = 0; p0 < P; p0 += R) {
    const int rows = int(std::min<int64_t>(R, P - p0));
    for (int ns = 0; ns < t.n_tile; ns += Cols) {
      const int cols_used = std::min(Cols, t.n_tile - ns);
      Pass ps;
      ps.input = StreamCmd{StreamKind::kOsInput, geom, rows, uint64_t(K), 0, 0, p0, ns, P, {}};
      ps.weight =
          StreamCmd{StreamKind::kOsWeight, geom, cols_used, uint64_t(K), 0, 0, p0, ns, P, {}};
      ps.array =
          ArrayCmd{Dataflow::kOutputStationary, rows, cols_used, 0, K, 0, rows, 1, cols_used, {}};
      ps.collect = cc;
      ps.collect.p0 = p0;
      ps.collect.pixels = rows;
      ps.collect.cols = cols_used;
      ps.collect.n_local0 = ns;
      passes->push_back(ps);
    }
  }
}

// Input-stationary (systolic array only): for each group of `cols` pixels, k_passes passes over
// the reduction, each preloading rows x pixels inputs and streaming every channel of the tile
// through them, one weight beat per channel. The sums leave per channel across the pixels
// (CollectCmd::transposed), into psums laid out [channel][pixel of the group].
void IsPasses(const ConvPlan& c, const ConvSpan& t, const ConvGeom& geom, const CollectCmd& cc,
              std::vector<Pass>* passes) {
  const int C = c.e.cols;
  const int64_t P = t.pixels, K = c.s.k;
  const int n = int(UnitChannels(c.s, c.e, 0, t.n_tile));
  for (int64_t p0 = 0; p0 < P; p0 += C) {
    const int cols_used = int(std::min<int64_t>(C, P - p0));
    for (int64_t j = 0; j < c.split.k_passes; ++j) {
      const int64_t k0 = j * c.split.rows_used;
      const int rows = int(std::min<int64_t>(c.split.rows_used, K - k0));
      Pass ps;
      ps.input =
          StreamCmd{StreamKind::kIsInput, geom, cols_used, uint64_t(rows), k0, 1, p0, 0, P, {}};
      ps.weight = StreamCmd{StreamKind::kIsWeight, geom, rows, uint64_t(n), k0, 1, p0, 0, P, {}};
      ps.array =
          ArrayCmd{Dataflow::kInputStationary, rows, cols_used, k0, K, 1, n, 1, cols_used, {}};
      ps.collect = cc;
      ps.collect.first = j == 0;
      ps.collect.last = j == c.split.k_passes - 1;
      ps.collect.p0 = p0;
      ps.collect.pixels = n;
      ps.collect.cols = cols_used;
      ps.collect.n_local0 = 0;
      ps.collect.transposed = true;
      passes->push_back(ps);
    }
  }
}

Tile ConvTile(const ConvPlan& c, const Op& op, int oy0, int u0, int half, uint64_t half_bytes) {
  const ConvSpan t = SpanOf(c, oy0, u0);
  Tile tile;
  tile.half = half;
  const ConvTileLayout lay = LayoutConvTile(c.tiling, c.e, uint32_t(half * half_bytes));
  const ConvGeom geom = GeomOf(c, t, lay);
  ConvGeom id_geom = geom;
  id_geom.w_base = lay.id_base;
  tile.loads = ConvLoads(c, t, lay, op);
  tile.stores = {ConvStore(c, t, lay, op)};
  const CollectCmd cc = CollectOf(c, t, lay);
  if (c.e.ws) {
    WsPasses(c, t, geom, id_geom, cc, &tile.passes);
  } else if (c.e.is) {
    IsPasses(c, t, geom, cc, &tile.passes);
  } else {
    OsPasses(c, t, geom, cc, &tile.passes);
  }
  return tile;
}

}  // namespace

// Both engines are weight-stationary over a 2-D structure (the array also runs
// output-stationary): rows (array rows / CS lanes) split the reduction, columns (array columns /
// CS group engines) take one weight unit each: an output channel on the array, a group of N
// channels on the CS engine.
void CompileConv(const CompileContext& cx, const Group& g, Op* op) {
  const Layer& l = *g.main;
  const bool cs = op->engine == OpEngine::kCs;
  if (!cs && cx.arch.array.dataflow == Dataflow::kRowStationary) return CompileRs(cx, g, op);
  if (cs) SetPacking(cx, l, op);
  const ConvShape s = ConvShapeOf(l);
  const ConvEngine e = cs ? CsEngine(cx.arch, s, l.pack_n()) : ArrayEngine(cx.arch, s);
  ConvPlan c{g, s, e, SplitReduction(s.k, e.rows, e.rf)};
  c.out_elem = ElemBytes(cx.workload.layers[g.last].out_type);
  const std::optional<ConvTiling> best = ChooseConvTiling(s, e, c.split, c.out_elem, cx.half);
  if (!best)
    TooSmall(cx, l,
             SizeConvTile(s, e, c.split, c.out_elem, 1, std::min(e.units, e.cols)).glb_bytes());
  c.tiling = *best;
  cx.program->weight_n_tile[size_t(g.first)] = c.tiling.n_tile;
  int tile_index = 0;
  for (int oy0 = 0; oy0 < s.ho; oy0 += c.tiling.rows_out)
    for (int u0 = 0; u0 < e.units; u0 += c.tiling.n_tile, ++tile_index)
      op->tiles.push_back(ConvTile(c, *op, oy0, u0, tile_index % 2, cx.half));
}

void CompileVector(const CompileContext& cx, const Group& g, Op* op) {
  const Layer& l = *g.main;
  const Layer& last = cx.workload.layers[g.last];
  const bool pool = l.pools();
  const int win = pool ? l.pool_size : 1, stride = pool ? l.pool_stride : 1;
  const int C = l.in.c, H = l.in.h, W = l.in.w, Ho = last.out.h, Wo = last.out.w;
  const int in_elem = ElemBytes(l.in_type), out_elem = ElemBytes(last.out_type);
  const bool add = l.kind == LayerKind::kAdd;  // a second input, the size of the first
  auto need = [&](int rows_out) {
    const int64_t rows_in = std::min<int64_t>(H, int64_t(rows_out - 1) * stride + win);
    return AlignUp(uint64_t(rows_in) * W * C * in_elem) * (add ? 2 : 1) +
           AlignUp(uint64_t(rows_out) * Wo * C * out_elem);
  };
  if (need(1) > cx.half) TooSmall(cx, l, need(1));
  int rows_out = 1;
  // At least kVectorTiles tiles (when the map has the rows), so that the DMA loads the next
  // tile and stores the last while the vector unit works on this one.
  constexpr int kVectorTiles = 4;
  const int most = std::max(1, int(CeilDiv(Ho, kVectorTiles)));
  while (rows_out < most && need(rows_out + 1) <= cx.half) ++rows_out;
  int tile_index = 0;
  for (int oy0 = 0; oy0 < Ho; oy0 += rows_out, ++tile_index) {
    const int rows = std::min(rows_out, Ho - oy0);
    const int iy0 = oy0 * stride, iy1 = std::min(H, (oy0 + rows - 1) * stride + win);
    Tile t;
    t.half = tile_index % 2;
    const uint32_t base = uint32_t(t.half * cx.half);
    VectorCmd v;
    v.c = C;
    v.in_w = W;
    v.win = win;
    v.stride = stride;
    v.out_w = Wo;
    v.out_pixels = int64_t(rows) * Wo;
    v.oy0 = oy0;
    v.iy0 = iy0;
    v.in_base = base;
    const uint32_t in_bytes = uint32_t(AlignUp(uint64_t(iy1 - iy0) * W * C * in_elem));
    v.in2_base = base + in_bytes;
    v.out_base = base + in_bytes * (add ? 2 : 1);
    v.in_elem_bytes = in_elem;
    v.out_elem_bytes = out_elem;
    v.max = l.kind == LayerKind::kMaxPool;
    v.avg = l.kind == LayerKind::kAvgPool;
    v.add = add;
    v.requant = g.requant;
    v.shift = g.shift;
    v.relu = g.relu;
    t.vectors = {v};
    t.loads = {ContiguousDma(false, DataType::kInput, op->in_addr + uint64_t(iy0) * W * C * in_elem,
                             v.in_base, uint32_t(int64_t(iy1 - iy0) * W * C * in_elem))};
    if (add)
      t.loads.push_back(ContiguousDma(false, DataType::kInput,
                                      op->with_addr + uint64_t(iy0) * W * C * in_elem, v.in2_base,
                                      uint32_t(int64_t(iy1 - iy0) * W * C * in_elem)));
    t.stores = {ContiguousDma(true, DataType::kOutput,
                              op->out_addr + uint64_t(oy0) * Wo * C * out_elem, v.out_base,
                              uint32_t(v.out_pixels * C * out_elem))};
    op->tiles.push_back(std::move(t));
  }
}

}  // namespace cssim
