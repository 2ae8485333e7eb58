// Row-stationary conv/linear tiles (docs/design.md, "Row-stationary"): the PE-set mapping (q
// channels and p filters per PE, channel sets stacked in the columns, strips of output rows,
// filter groups side by side), the GLB tiling over output rows x filters x channels with psums
// kept in the GLB across channel tiles, and the passes of each tile.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/compile/compile_steps.h"
#include "model/compile/tiling.h"

namespace cssim {
namespace {

// A layer as row-stationary sees it: a linear layer is the 1x1 conv over its flattened (HWC)
// input, so that its weight rows (k = flat input index) are channels.
ConvShape RsShapeOf(const Layer& l) {
  ConvShape s = ConvShapeOf(l);
  if (l.kind != LayerKind::kLinear) return s;
  s.c = int(s.k);
  s.h = s.w = s.kh = s.kw = 1;
  return s;
}

// The per-PE interleaving and the vertical folding, fixed for the layer.
struct RsPlan {
  const Group& g;
  ConvShape s;
  int q = 1, p = 1;        // channels and filters per PE
  int rc = 1, chunks = 1;  // filter rows per set; passes a filter's rows fold into (R > rows)
  int sets_max = 1;        // channel sets stacked in a column (R <= rows)
  int rows = 0, cols = 0;  // the array
  int out_elem = 1;
};

[[noreturn]] void RfTooSmall(const CompileContext& cx, const Layer& l, const std::string& key,
                             int need) {
  throw InputError(cx.arch.source, key,
                   "layer '" + l.name + "' needs " + std::to_string(need) +
                       " entries for one filter row under row-stationary",
                   ">= " + std::to_string(need) + " for " + cx.workload.name);
}

// q: as many channels as the input RF holds whole filter-row windows of (and the weight RF one
// filter's rows of); p: as many filters as the weight RF then holds, at most half the psum RF
// (two psum buffers: a pixel's psums go up while the next pixel computes).
RsPlan PlanOf(const CompileContext& cx, const Group& g) {
  const Layer& l = *g.main;
  const ArchSpec& a = cx.arch;
  RsPlan c{g, RsShapeOf(l)};
  const ConvShape& s = c.s;
  const int kp = a.pe.weight_rf_entries / a.pe.weight_buffers;
  if (a.pe.input_rf_entries < s.kw) RfTooSmall(cx, l, "pe.input_rf_entries", s.kw);
  if (kp < s.kw) RfTooSmall(cx, l, "pe.weight_rf_entries", s.kw * a.pe.weight_buffers);
  c.q = std::min({s.c, a.pe.input_rf_entries / s.kw, kp / s.kw});
  c.p = std::min({s.m, std::max(1, a.pe.psum_rf_entries / 2), kp / (s.kw * c.q)});
  c.rows = a.array.rows;
  c.cols = a.array.cols;
  if (s.kh <= c.rows) {
    c.rc = s.kh;
    c.sets_max = c.rows / s.kh;
  } else {
    c.rc = c.rows;
    c.chunks = int(CeilDiv(s.kh, c.rows));
  }
  c.out_elem = ElemBytes(cx.workload.layers[g.last].out_type);
  return c;
}

// Columns for a tile of rows_out output rows: strips of e rows (balanced), hg = cols / e filter
// groups side by side; e shrinks until a set's diagonals fit the input bus's lanes.
void Columns(const RsPlan& c, int rows_out, int* e, int* hg) {
  const int strips = int(CeilDiv(rows_out, c.cols));
  *e = int(CeilDiv(rows_out, strips));
  while (*e > 1 && c.sets_max * ((*e - 1) * c.s.stride + c.rc) > c.rows * c.cols) --*e;
  *hg = c.cols / *e;
}

// Vertical passes over c_tile channels: channel sets of q channels, sets_max per pass, each
// set's filter rows in `chunks` passes.
int64_t VerticalPasses(const RsPlan& c, int c_tile) {
  const int64_t sets = CeilDiv(c_tile, c.q);
  return c.chunks > 1 ? sets * c.chunks : CeilDiv(sets, c.sets_max);
}

struct RsTiling {
  int rows_out = 1, n_tile = 1, c_tile = 1;
  uint64_t in_bytes = 0, w_bytes = 0, psum_bytes = 0, out_bytes = 0;
  uint64_t traffic = 0;
  int64_t tiles = 0;
  double pe_share = 1;  // of the array's PEs a pass uses, on average
  // The choice's cost: DRAM traffic over the PE share, a proxy for the slower of the DRAM
  // time and the compute time (our heuristic, not a timing model).
  double cost() const { return double(traffic) / pe_share; }
  uint64_t glb_bytes() const { return in_bytes + w_bytes + psum_bytes + out_bytes; }
};

RsTiling SizeOf(const RsPlan& c, int rows_out, int n_tile, int c_tile) {
  const ConvShape& s = c.s;
  RsTiling t{rows_out, n_tile, c_tile};
  const int64_t rows_in = std::min<int64_t>(s.h, int64_t(rows_out - 1) * s.stride + s.kh);
  const int64_t P = int64_t(rows_out) * s.wo;
  const int64_t c_tiles = CeilDiv(s.c, c_tile);
  t.in_bytes = AlignUp(uint64_t(rows_in) * s.w * c_tile);
  t.w_bytes = AlignUp(uint64_t(s.kh) * s.kw * c_tile * n_tile);
  t.psum_bytes = c_tiles * VerticalPasses(c, c_tile) > 1 ? AlignUp(uint64_t(P) * n_tile * 4) : 0;
  t.out_bytes = AlignUp(uint64_t(P) * n_tile * c.out_elem);
  const int64_t bands = CeilDiv(s.ho, rows_out), n_tiles = CeilDiv(s.m, n_tile);
  // DRAM bytes in 64-byte atoms: a tile of fewer channels than the map loads one run per
  // pixel (and per kernel offset for the weights), each run its own atoms.
  const uint64_t in_tile = c_tile == s.c ? AlignUp(uint64_t(rows_in) * s.w * s.c)
                                         : uint64_t(rows_in) * s.w * AlignUp(uint64_t(c_tile));
  const uint64_t w_tile = c_tile == s.c
                              ? AlignUp(uint64_t(n_tile) * s.k)
                              : uint64_t(s.kh) * s.kw * AlignUp(uint64_t(c_tile) * n_tile);
  t.tiles = bands * n_tiles * c_tiles;
  t.traffic = uint64_t(t.tiles) * (in_tile + w_tile);
  // The share of the PEs a pass keeps busy: columns (strips x filter groups, and the filter
  // slots the tile's filters fill) times rows (stacked channel sets the tile's channels fill).
  int e = 1, hg = 1;
  Columns(c, rows_out, &e, &hg);
  const double slots = double(CeilDiv(n_tile, int64_t(hg) * c.p)) * hg * c.p;
  const double sets = double(CeilDiv(c_tile, c.q));
  const double fill = double(c_tile) / (sets * c.q);  // channels of the tile's last set
  const double rows_per_pass = c.chunks > 1
                                   ? double(s.kh) / c.chunks
                                   : sets * c.rc / double(CeilDiv(int64_t(sets), c.sets_max));
  const double row_share = rows_per_pass / c.rows * fill;
  t.pe_share = double(n_tile) / slots * double(e * hg) / c.cols * row_share;
  return t;
}

// Candidates, largest first: the whole extent, then the multiples of `step` below it (full:
// every PE row or filter slot used), or else the halvings of min(whole, step) down to 1.
std::vector<int> Candidates(int whole, int step, bool full) {
  std::vector<int> v;
  if (full) {
    v.push_back(whole);
    for (int x = (whole - 1) / step * step; x >= step; x -= step) v.push_back(x);
  } else {
    for (int x = std::min(whole, step) / 2; x >= 1; x /= 2) v.push_back(x);
  }
  return v;
}

// The tile with the least cost (DRAM traffic in atoms over the PE share; then the fewest
// tiles) that fits one GLB half:
// for each channel and filter count, the most output rows that fit. Channel counts that fill the
// columns' channel sets and filter counts of whole PE filter slots come first; smaller ones
// only when none of those fits.
std::optional<RsTiling> ChooseTiling(const RsPlan& c, uint64_t half) {
  std::optional<RsTiling> best;
  const int c_step = c.chunks > 1 ? c.q : c.q * c.sets_max;
  for (bool full : {true, false}) {
    for (int c_tile : Candidates(c.s.c, c_step, full))
      for (int n_tile : Candidates(c.s.m, c.p, full)) {
        auto fits = [&](int r) { return SizeOf(c, r, n_tile, c_tile).glb_bytes() <= half; };
        int lo = 0;
        for (int r = 1; r <= c.s.ho; r *= 2)
          if (fits(r)) lo = r;
        if (lo == 0) continue;
        int hi = std::min(c.s.ho, lo * 2);
        while (hi > lo && !fits(hi)) --hi;
        const RsTiling t = SizeOf(c, hi, n_tile, c_tile);
        if (!best || t.cost() < best->cost() || (t.cost() == best->cost() && t.tiles < best->tiles))
          best = t;
      }
    if (best) break;
  }
  return best;
}

// One GLB tile's part: output rows [oy0, oy0 + rows) (input rows [iy0, iy1)), filters
// [f0, f0 + nt), channels [c0, c0 + ct).
struct RsSpan {
  int oy0 = 0, rows = 0, iy0 = 0, iy1 = 0;
  int f0 = 0, nt = 0, c0 = 0, ct = 0;
  bool first = true, last = true;  // the first and last channel tile of its output block
};

// Regions: slot (tile % 2) holds the tile's inputs and weights; accumulator region (block % 2)
// its output block's psums and outputs, which stay in place over the block's channel tiles.
struct RsLayout {
  uint32_t in_base = 0, w_base = 0, psum_base = 0, out_base = 0;
};

RsLayout LayoutOf(const RsTiling& t, int slot, int acc, uint64_t half) {
  RsLayout g;
  g.in_base = uint32_t(slot * half);
  g.w_base = g.in_base + uint32_t(t.in_bytes);
  g.psum_base = uint32_t(acc * half + t.in_bytes + t.w_bytes);
  g.out_base = g.psum_base + uint32_t(t.psum_bytes);
  return g;
}

// A strided load of `rows` runs of `bytes` (one contiguous run when they touch).
DmaCmd RunsDma(DataType type, uint64_t dram_addr, uint64_t stride, uint32_t glb_addr, uint32_t rows,
               uint32_t bytes) {
  if (stride == bytes) return ContiguousDma(false, type, dram_addr, glb_addr, rows * bytes);
  DmaCmd d = ContiguousDma(false, type, dram_addr, glb_addr, bytes);
  d.rows = rows;
  d.dram_stride = stride;
  return d;
}

// Inputs: rows [iy0, iy1) x every column x channels [c0, c0 + ct), HWC. Weights: block f0 of
// the [block][k][n_local] layout (k = (ky, kx, c)), its kh * kw runs of ct channels x nt.
std::vector<DmaCmd> Loads(const RsPlan& c, const RsSpan& t, const RsLayout& lay, const Op& op) {
  const ConvShape& s = c.s;
  const uint32_t pixels = uint32_t(t.iy1 - t.iy0) * uint32_t(s.w);
  return {RunsDma(DataType::kInput, op.in_addr + (uint64_t(t.iy0) * s.w * s.c + t.c0), s.c,
                  lay.in_base, pixels, uint32_t(t.ct)),
          RunsDma(DataType::kWeight, op.w_addr + uint64_t(t.f0) * s.k + uint64_t(t.c0) * t.nt,
                  uint64_t(s.c) * t.nt, lay.w_base, uint32_t(s.kh * s.kw), uint32_t(t.ct * t.nt))};
}

DmaCmd Store(const RsPlan& c, const RsSpan& t, const RsLayout& lay, const Op& op) {
  const ConvShape& s = c.s;
  const uint32_t pixels = uint32_t(t.rows * s.wo);
  DmaCmd st = ContiguousDma(true, DataType::kOutput,
                            op.out_addr + (uint64_t(t.oy0) * s.wo * s.m + t.f0) * c.out_elem,
                            lay.out_base, uint32_t(t.nt * c.out_elem));
  if (t.nt == s.m) {
    st.row_bytes *= pixels;
    st.dram_stride = st.row_bytes;
  } else {
    st.rows = pixels;
    st.dram_stride = uint64_t(s.m) * c.out_elem;
  }
  return st;
}

// The pass mapping shared by every pass of a tile.
RsMap BaseMap(const RsPlan& c, const RsSpan& t, const RsLayout& lay) {
  const ConvShape& s = c.s;
  RsMap m;
  m.S = s.kw;
  m.stride = s.stride;
  m.pad = s.pad;
  m.q = c.q;
  m.p = c.p;
  Columns(c, t.rows, &m.e, &m.hg);
  m.rows_out = t.rows;
  m.F = s.wo;
  m.oy0 = t.oy0;
  m.c_tile = t.ct;
  m.n_tile = t.nt;
  m.h = s.h;
  m.w = s.w;
  m.iy0 = t.iy0;
  m.in_base = lay.in_base;
  m.w_base = lay.w_base;
  return m;
}

// For each filter pass (hg * p filters) and vertical pass (channel sets, or filter-row chunks):
// the filter and input streams, the array pass and the collector's part (psums in the GLB
// from the block's first pass to its last).
void Passes(const RsPlan& c, const RsSpan& t, const RsLayout& lay, const Group& g,
            std::vector<Pass>* passes) {
  const RsMap base = BaseMap(c, t, lay);
  const int64_t P = int64_t(t.rows) * c.s.wo;
  const int64_t vpasses = VerticalPasses(c, t.ct);
  const int64_t sets = CeilDiv(t.ct, c.q);
  for (int n0 = 0; n0 < t.nt; n0 += base.hg * base.p)
    for (int64_t vp = 0; vp < vpasses; ++vp) {
      RsMap m = base;
      m.n0 = n0;
      if (c.chunks > 1) {
        m.c0 = int(vp / c.chunks) * c.q;
        m.ky0 = int(vp % c.chunks) * c.rows;
        m.rc = std::min(c.rows, c.s.kh - m.ky0);
        m.sets = 1;
      } else {
        m.c0 = int(vp * c.sets_max) * c.q;
        m.rc = c.rc;
        m.sets = int(std::min<int64_t>(c.sets_max, sets - vp * c.sets_max));
      }
      Pass ps;
      ps.input.kind = StreamKind::kRsInput;
      ps.input.lanes = m.input_lanes();
      ps.input.beats = uint64_t(m.strips()) * m.wp() * m.q;
      ps.input.rs = m;
      ps.weight.kind = StreamKind::kRsFilter;
      ps.weight.lanes = m.weight_lanes();
      ps.weight.beats = uint64_t(m.S) * m.q * m.p;
      ps.weight.rs = m;
      ps.array.dataflow = Dataflow::kRowStationary;
      ps.array.rows_used = m.rows_used();
      ps.array.cols_used = m.cols_used();
      ps.array.rs = m;
      CollectCmd& cc = ps.collect;
      cc.first = t.first && vp == 0;
      cc.last = t.last && vp == vpasses - 1;
      cc.pixels = P;
      cc.cols = m.channels();
      cc.n_local0 = n0;
      cc.psum_base = lay.psum_base + uint32_t(P * n0 * 4);
      cc.out_base = lay.out_base;
      cc.out_pixel_bytes = t.nt * c.out_elem;
      cc.requant = g.requant;
      cc.shift = g.shift;
      cc.relu = g.relu;
      cc.out_elem_bytes = c.out_elem;
      passes->push_back(ps);
    }
}

}  // namespace

void CompileRs(const CompileContext& cx, const Group& g, Op* op) {
  const RsPlan c = PlanOf(cx, g);
  const ConvShape& s = c.s;
  const std::optional<RsTiling> best = ChooseTiling(c, cx.half);
  if (!best) TooSmall(cx, *g.main, SizeOf(c, 1, 1, 1).glb_bytes());
  const RsTiling& tl = *best;
  cx.program->weight_n_tile[size_t(g.first)] = tl.n_tile;
  int tile = 0, block = 0;
  for (int oy0 = 0; oy0 < s.ho; oy0 += tl.rows_out)
    for (int f0 = 0; f0 < s.m; f0 += tl.n_tile, ++block)
      for (int c0 = 0; c0 < s.c; c0 += tl.c_tile, ++tile) {
        RsSpan t;
        t.oy0 = oy0;
        t.rows = std::min(tl.rows_out, s.ho - oy0);
        t.iy0 = std::max(0, oy0 * s.stride - s.pad);
        t.iy1 = std::min(s.h, (oy0 + t.rows - 1) * s.stride - s.pad + s.kh);
        t.f0 = f0;
        t.nt = std::min(tl.n_tile, s.m - f0);
        t.c0 = c0;
        t.ct = std::min(tl.c_tile, s.c - c0);
        t.first = c0 == 0;
        t.last = c0 + t.ct == s.c;
        Tile out;
        out.half = tile % 2;
        const RsLayout lay = LayoutOf(tl, tile % 2, block % 2, cx.half);
        out.loads = Loads(c, t, lay, *op);
        Passes(c, t, lay, g, &out.passes);
        if (t.last) out.stores = {Store(c, t, lay, *op)};
        op->tiles.push_back(std::move(out));
      }
}

}  // namespace cssim
