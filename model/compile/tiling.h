// Tiling shared by the compile steps: the reduction geometry of a conv/linear layer, how the
// weight-stationary reduction splits over the rows of a 2-D engine (PE array or CS engine), the
// choice of a GLB tile (output rows x weight units) with the least DRAM traffic, and where a
// tile's regions sit in its GLB half. Plain arithmetic, no SystemC; used by Compile() only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

#include "model/base/arch_spec.h"
#include "model/base/workload.h"
#include "model/compile/program.h"

namespace cssim {

// GLB regions and DRAM tensors start on kAlign-byte boundaries.
constexpr uint32_t kAlign = 64;
inline uint64_t AlignUp(uint64_t x) { return (x + kAlign - 1) / kAlign * kAlign; }
inline int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int ElemBytes(ElemType t) { return t == ElemType::kInt8 ? 1 : 4; }

// A conv or linear layer as a reduction: a linear layer is the conv whose kernel is the whole
// input map (stride 1, no padding, one output pixel). k = kh * kw * c.
struct ConvShape {
  int c = 0, h = 0, w = 0;  // input map
  int m = 0;                // output channels
  int kh = 1, kw = 1, stride = 1, pad = 0;
  int ho = 0, wo = 0;  // output map
  int64_t k = 0;
};
ConvShape ConvShapeOf(const Layer& l);

// The 2-D engine a conv/linear runs on. Rows split the reduction; each column takes one weight
// unit: an output channel on the PE array (n = 1), a group of n packed kernels on the CS engine.
struct ConvEngine {
  bool cs = false;  // the CS engine (else the PE array)
  bool ws = true;   // weight-stationary (the CS engine always is)
  bool is = false;  // input-stationary (the systolic array only)
  // The systolic array (array.topology): one stationary operand per PE and pass (rf = 1), and
  // its ws weight preload streams the bottom row first (StreamKind::kSysWsWeight).
  bool systolic = false;
  int rows = 0;      // array rows / CS lanes
  int cols = 0;      // array columns / CS group engines
  int rf = 0;        // weight entries per PE (per lane) in one of its buffers
  int n = 1;         // output channels per weight unit
  int units = 0;     // weight units of the layer: ceil(m / n)
  int w_arrays = 1;  // weight arrays in the GLB: values, and kernel IDs on the CS engine (n > 1)
};
ConvEngine ArrayEngine(const ArchSpec& a, const ConvShape& s);
// The CS engine with n kernels packed per group.
ConvEngine CsEngine(const ArchSpec& a, const ConvShape& s, int n);

// Output channels of weight units [u0, u0 + count) (the last unit may be partial).
inline int64_t UnitChannels(const ConvShape& s, const ConvEngine& e, int64_t u0, int64_t count) {
  return std::min<int64_t>(s.m, (u0 + count) * e.n) - u0 * e.n;
}

// Weight-stationary split of the reduction: each used row holds kp entries (at most the RF
// buffer, and no more than an even spread of k over the rows needs), rows_used = the rows that
// then cover k, and k_passes = ceil(k / (rows_used * kp)) passes per column group.
struct WsSplit {
  int kp = 0;
  int rows_used = 0;
  int64_t k_passes = 0;
};
WsSplit SplitReduction(int64_t k, int rows, int rf);

// One candidate GLB tile: rows_out output rows x n_tile weight units, the bytes of each region
// (aligned), and the layer's DRAM traffic if every tile has this shape.
struct ConvTiling {
  int rows_out = 1;  // output rows per tile
  int n_tile = 1;    // weight units per tile
  uint64_t in_bytes = 0, w_bytes = 0, psum_bytes = 0, out_bytes = 0;
  uint64_t traffic = 0;
  uint64_t glb_bytes() const { return in_bytes + w_bytes + psum_bytes + out_bytes; }
};
// in: the input rows the output rows need (with the kernel's halo, clipped to the map); w:
// n_tile units of k entries per weight array; psum: int32 sums of one column group, only when
// ws needs several k passes (is: of one pixel group, min(cols, pixels) x n_tile); out: the
// tile's outputs. Traffic: every tile loads its input rows
// (once per weight-unit block) and every row band loads all weights once.
ConvTiling SizeConvTile(const ConvShape& s, const ConvEngine& e, const WsSplit& split, int out_elem,
                        int rows_out, int n_tile);
// The tile with the least traffic that fits `half` bytes: for each weight-unit count (all
// units; then whole multiples of the columns, downwards), the most output rows that fit (a
// doubling search, then refined downwards from twice the last fit). nullopt if even one output
// row of min(units, cols) units does not fit.
std::optional<ConvTiling> ChooseConvTiling(const ConvShape& s, const ConvEngine& e,
                                           const WsSplit& split, int out_elem, uint64_t half);

// Where a conv tile's regions sit in its GLB half (from `base`): inputs, weight values, kernel
// IDs (CS engine), int32 psums, outputs, in that order.
struct ConvTileLayout {
  uint32_t in_base = 0, w_base = 0, id_base = 0, psum_base = 0, out_base = 0;
};
ConvTileLayout LayoutConvTile(const ConvTiling& t, const ConvEngine& e, uint32_t base);

// One contiguous transfer of `bytes` (one row).
DmaCmd ContiguousDma(bool store, DataType type, uint64_t dram_addr, uint32_t glb_addr,
                     uint32_t bytes);

}  // namespace cssim
