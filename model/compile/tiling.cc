#include "model/compile/tiling.h"

namespace cssim {

ConvShape ConvShapeOf(const Layer& l) {
  const bool linear = l.kind == LayerKind::kLinear;
  ConvShape s;
  s.c = l.in.c;
  s.h = l.in.h;
  s.w = l.in.w;
  s.m = l.out_channels;
  s.kh = linear ? s.h : l.kernel_h;
  s.kw = linear ? s.w : l.kernel_w;
  s.stride = linear ? 1 : l.stride;
  s.pad = linear ? 0 : l.pad;
  s.ho = l.out.h;
  s.wo = l.out.w;
  s.k = int64_t(s.kh) * s.kw * s.c;
  return s;
}

ConvEngine ArrayEngine(const ArchSpec& a, const ConvShape& s) {
  ConvEngine e;
  e.ws = a.array.dataflow == Dataflow::kWeightStationary;
  e.is = a.array.dataflow == Dataflow::kInputStationary;
  e.systolic = a.array.topology == Topology::kSystolic;
  e.rows = a.array.rows;
  e.cols = a.array.cols;
  // A systolic PE holds one stationary operand per pass (its shadow register aside).
  e.rf = e.systolic ? 1 : a.pe.weight_rf_entries / a.pe.weight_buffers;
  e.units = s.m;
  return e;
}

ConvEngine CsEngine(const ArchSpec& a, const ConvShape& s, int n) {
  ConvEngine e;
  e.cs = true;
  e.rows = a.cs.lanes;
  e.cols = a.cs.engines;
  e.rf = a.cs.weight_rf_entries / a.cs.weight_buffers;
  e.n = n;
  e.units = int(CeilDiv(s.m, n));
  e.w_arrays = n > 1 ? 2 : 1;  // values and kernel IDs (none for n = 1)
  return e;
}

WsSplit SplitReduction(int64_t k, int rows, int rf) {
  WsSplit w;
  w.kp = int(std::min<int64_t>(rf, CeilDiv(k, rows)));
  w.rows_used = int(std::min<int64_t>(rows, CeilDiv(k, w.kp)));
  w.k_passes = CeilDiv(k, int64_t(w.rows_used) * w.kp);
  return w;
}

ConvTiling SizeConvTile(const ConvShape& s, const ConvEngine& e, const WsSplit& split, int out_elem,
                        int rows_out, int n_tile) {
  ConvTiling t;
  t.rows_out = rows_out;
  t.n_tile = n_tile;
  const int64_t rows_in = std::min<int64_t>(s.h, int64_t(rows_out - 1) * s.stride + s.kh);
  const int64_t P = int64_t(rows_out) * s.wo;
  t.in_bytes = AlignUp(uint64_t(rows_in) * s.w * s.c);
  t.w_bytes = AlignUp(uint64_t(n_tile) * s.k) * e.w_arrays;
  t.psum_bytes = 0;
  if (e.ws && split.k_passes > 1)
    t.psum_bytes = AlignUp(uint64_t(P) * UnitChannels(s, e, 0, std::min(e.cols, n_tile)) * 4);
  if (e.is && split.k_passes > 1)
    t.psum_bytes =
        AlignUp(uint64_t(std::min<int64_t>(P, e.cols)) * UnitChannels(s, e, 0, n_tile) * 4);
  t.out_bytes = AlignUp(uint64_t(P) * UnitChannels(s, e, 0, n_tile) * out_elem);
  const int64_t row_tiles = CeilDiv(s.ho, rows_out), n_tiles = CeilDiv(e.units, n_tile);
  t.traffic =
      uint64_t(n_tiles) * row_tiles * t.in_bytes + uint64_t(row_tiles) * e.units * s.k * e.w_arrays;
  return t;
}

std::optional<ConvTiling> ChooseConvTiling(const ConvShape& s, const ConvEngine& e,
                                           const WsSplit& split, int out_elem, uint64_t half) {
  auto size_of = [&](int rows_out, int n_tile) {
    return SizeConvTile(s, e, split, out_elem, rows_out, n_tile);
  };
  auto fits = [&](const ConvTiling& t) { return t.glb_bytes() <= half; };
  std::optional<ConvTiling> best;
  const int units = e.units, cols = e.cols;
  const int n_min = std::min(units, cols);
  for (int n_tile = units; n_tile >= n_min;
       n_tile = (n_tile == units && units % cols) ? units / cols * cols : n_tile - cols) {
    if (n_tile <= 0) break;
    int lo = 0;
    for (int r = 1; r <= s.ho; r *= 2)
      if (fits(size_of(r, n_tile))) lo = r;
    if (lo == 0) continue;
    // refine: largest rows_out that fits
    int hi = std::min(s.ho, lo * 2);
    while (hi > lo && !fits(size_of(hi, n_tile))) --hi;
    const ConvTiling t = size_of(hi, n_tile);
    if (!best || t.traffic < best->traffic) best = t;
  }
  return best;
}

ConvTileLayout LayoutConvTile(const ConvTiling& t, const ConvEngine& e, uint32_t base) {
  ConvTileLayout g;
  g.in_base = base;
  g.w_base = base + uint32_t(t.in_bytes);
  g.id_base = g.w_base + uint32_t(t.w_bytes / e.w_arrays);
  g.psum_base = g.w_base + uint32_t(t.w_bytes);
  g.out_base = g.psum_base + uint32_t(t.psum_bytes);
  return g;
}

DmaCmd ContiguousDma(bool store, DataType type, uint64_t dram_addr, uint32_t glb_addr,
                     uint32_t bytes) {
  DmaCmd d;
  d.store = store;
  d.data_type = type;
  d.dram_addr = dram_addr;
  d.glb_addr = glb_addr;
  d.row_bytes = bytes;
  d.dram_stride = bytes;
  return d;
}

}  // namespace cssim
