// Program: what the compiler hands the controller. Plain data, no SystemC: one Op per executed
// layer group, each a list of GLB tiles; each tile is DMA loads, compute passes and DMA stores.
// `cssim run --dump-program` prints it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "model/base/arch_spec.h"
#include "model/base/stats.h"
#include "model/base/workload.h"

namespace cssim {

// One DMA transfer: `rows` rows of `row_bytes`, DRAM rows `dram_stride` apart, packed densely in
// the GLB from glb_addr.
struct DmaCmd {
  bool store = false;                     // false: DRAM -> GLB; true: GLB -> DRAM
  DataType data_type = DataType::kInput;  // what the bytes are, for per-type traffic and energy
  uint64_t dram_addr = 0;
  uint64_t dram_stride = 0;
  uint32_t glb_addr = 0;
  uint32_t rows = 1;
  uint32_t row_bytes = 0;
  // Gather (loads only): the rows are those named by an active list already in the GLB
  // (`index_count` records of kActEntryBytes at index_glb_addr, see below): for a record with
  // index i, DRAM dram_addr + i * dram_stride -> GLB glb_addr + i * row_bytes (`rows` unused).
  // The sparse-sparse form of a linear layer fetches only the packed weight rows of its active
  // inputs this way.
  bool gather = false;
  uint32_t index_glb_addr = 0;
  uint32_t index_count = 0;
  // Bit-packed rows (loads only; kernel IDs): expand_bits > 0 means each DRAM row of row_bytes
  // bytes holds expanded_row_bytes values of expand_bits bits (value j at bits
  // [j * expand_bits, (j + 1) * expand_bits) of the row, least significant bit first; the row
  // padded to whole bytes), and each value lands in the GLB as one byte: DRAM row r (gather:
  // the row of index i) -> GLB glb_addr + r * expanded_row_bytes (gather: i * ...).
  int expand_bits = 0;
  uint32_t expanded_row_bytes = 0;
  uint64_t bytes() const { return uint64_t(gather ? index_count : rows) * row_bytes; }
};

// Geometry of one conv/linear GLB tile, in the layouts the compiler chose: activations HWC
// (channels innermost), so every reduction run (kw x C bytes) is contiguous; weights in blocks
// of n_tile output channels, each block [k][n_local] with k = (ky, kx, c), so that one weight
// beat (one k, consecutive columns) is one run of consecutive GLB words in different banks.
struct ConvGeom {
  int c = 0, h = 0, w = 0;  // whole input map
  int kh = 1, kw = 1, stride = 1, pad = 0;
  int wo = 0;                // output width
  int oy0 = 0;               // first output row of this tile
  int iy0 = 0, rows_in = 0;  // input rows held in the GLB tile
  int64_t k = 0;             // reduction length kh*kw*c
  uint32_t in_base = 0;      // GLB address of input row iy0
  uint32_t w_base = 0;       // GLB address of the tile's weights, [k][n_local]
  int n_tile = 0;            // output channels in the tile (the weight row length)
  // GLB address of input element (pixel p of the tile, reduction index k); -1: zero padding.
  int64_t InputAddr(int64_t p, int64_t kk) const;
};

// One row-stationary pass (docs/design.md, "Row-stationary"): which filter rows, channels and
// filters every PE of the array holds, and the output rows it computes. PE row r of the pass
// belongs to channel set r / rc (channels ch0(r) = c0 + (r / rc) * q, at most q of them) and
// holds filter row ky(r) = ky0 + r % rc; PE column j = g * e + jj holds filters n0 + g * p + pp
// (pp < p) and computes output row jj of each strip. Strip st covers the tile's output rows
// [st * e, st * e + e) (the last may be shorter); PE (r, j) reads input row
// (oy0 + st * e + jj) * stride - pad + ky(r), which is diagonal d = r % rc + jj * stride of its
// channel set: input lane set * diagonals() + d multicasts it. A PE's weights (filter-row
// lane r * hg + g) are p * q * S values in (s, qq, pp) order; its input lane carries, per strip,
// the wp = (F - 1) * stride + S padded columns of q channels each, in (column, qq) order.
struct RsMap {
  int S = 1, stride = 1, pad = 0;    // filter row length, conv stride, zero padding
  int rc = 1, ky0 = 0;               // filter rows per channel set in this pass, the first one
  int sets = 1;                      // channel sets stacked in the columns
  int q = 1, p = 1;                  // channels and filters interleaved in each PE
  int e = 1, hg = 1;                 // output rows per strip (columns per group), filter groups
  int rows_out = 0;                  // the tile's output rows (strips of e)
  int F = 0;                         // output width
  int oy0 = 0;                       // the tile's first output row
  int c0 = 0, n0 = 0;                // tile-local first channel and filter of the pass
  int c_tile = 0, n_tile = 0;        // channels and filters held in the GLB tile
  int h = 0, w = 0, iy0 = 0;         // input map height and width; first input row in the GLB
  uint32_t in_base = 0, w_base = 0;  // GLB: input [row][x][c_tile]; weights [ky][kx][c][n]
  int rows_used() const { return sets * rc; }
  int cols_used() const { return e * hg; }
  int strips() const { return (rows_out + e - 1) / e; }
  int strip_rows(int st) const { return std::min(e, rows_out - st * e); }
  int wp() const { return (F - 1) * stride + S; }
  int diagonals() const { return (e - 1) * stride + rc; }  // input lanes per channel set
  int input_lanes() const { return sets * diagonals(); }
  int weight_lanes() const { return rows_used() * hg; }
  int ch0(int r) const { return c0 + (r / rc) * q; }
  int q_eff(int r) const { return std::clamp(c_tile - ch0(r), 0, q); }
  int ky(int r) const { return ky0 + r % rc; }
  int p_eff(int g) const { return std::clamp(n_tile - n0 - g * p, 0, p); }
  int channels() const { return std::clamp(n_tile - n0, 0, hg * p); }  // filters in the pass
  // True if a PE of strip st (st's rows jj < strip_rows) reads diagonal d.
  bool DiagonalUsed(int st, int d) const;
};

// kSysWsWeight: the systolic array's weight-stationary preload (kp = 1), bottom row first: the
// weights shift down the columns from the top, so the first beat in ends in the last row.
// kIsInput: the systolic input-stationary preload, bottom row first likewise: beat b carries,
// for column (lane) c, the input (reduction index k0 + beats - 1 - b, pixel p0 + c).
// kIsWeight: the input-stationary weight stream: beat m carries, for row (lane) r, the weight
// (reduction index k0 + r, tile-local channel n_local0 + m).
enum class StreamKind {
  kWsInput,
  kWsWeight,
  kOsInput,
  kOsWeight,
  kSysWsWeight,
  kIsInput,
  kIsWeight,
  kRsFilter,
  kRsInput
};
const char* StreamKindName(StreamKind k);

// A stream of beats from the GLB to the array: beat b carries one byte per lane.
struct StreamCmd {
  StreamKind kind = StreamKind::kWsInput;
  ConvGeom geom;
  int lanes = 0;  // active lanes (rows or columns)
  uint64_t beats = 0;
  int64_t k0 = 0;      // first reduction index of the pass
  int kp = 0;          // reduction entries per PE (ws)
  int64_t p0 = 0;      // first tile-local pixel (os)
  int n_local0 = 0;    // first tile-local output channel of the pass
  int64_t pixels = 0;  // pixels in the pass
  RsMap rs;            // kRsFilter, kRsInput: the pass's mapping (geom is unused)
  // GLB address of lane's byte in beat b; -1 zero; -2 no value (lane idle in this beat).
  int64_t Addr(int lane, uint64_t beat) const;
};

// StreamCmd::Addr of one lane at beats 0, 1, 2, ...: the same addresses, worked out a beat at a
// time without divisions for the streams that walk a conv's reduction index (im2col inputs and
// weight columns, in either direction), and by Addr itself for the row-stationary streams. The
// streamer asks for the address of every value it moves, so this is its inner loop; a unit
// test holds it to Addr for every stream kind.
class StreamWalk {
 public:
  StreamWalk() = default;
  StreamWalk(const StreamCmd& c, int lane);  // at beat 0
  int64_t addr() const { return addr_; }
  void Next() {  // to the next beat (at or past the last beat, addr() is unspecified)
    ++beat_;
    switch (walk_) {
      case Walk::kAddr:
        addr_ = beat_ < c_->beats ? c_->Addr(lane_, beat_) : 0;
        return;
      case Walk::kLinear:
        addr_ += step_;
        return;
      case Walk::kReduction:
        StepReduction();
        return;
    }
  }

 private:
  enum class Walk { kAddr, kLinear, kReduction };
  void StepReduction();
  void SetReduction(int64_t kk);  // kk_ and its im2col position
  int64_t ReductionAddr() const;  // Addr at reduction index kk_ (-2 past geom.k)

  const StreamCmd* c_ = nullptr;
  int lane_ = 0;
  uint64_t beat_ = 0;
  Walk walk_ = Walk::kAddr;
  int64_t addr_ = 0, step_ = 0;
  // kReduction: the reduction index kk_ moves by dir_ each beat (ws input: restarts at kk_first_
  // every kp beats, with the next pixel); weights or an im2col read at (ky_, kx_, ch_) of pixel
  // p_ (its window's top-left input iy_, ix_, which may be in the padding).
  bool weights_ = false;
  int dir_ = 1;
  int64_t kk_ = 0, kk_first_ = 0, j_ = 0;
  int64_t p_ = 0, iy_ = 0, ix_ = 0;
  int64_t ky_ = 0, kx_ = 0, ch_ = 0;
  int64_t w_col_ = 0;  // weights: address of reduction index 0 in this lane's column
};

// A pass of the PE array, or of the CS engine (sparse weights x dense activations). For the CS
// engine rows are its lanes and columns its group engines: engine e holds the combined kernel of
// group (first group of the pass + e), and each of its `n` accumulators sums the products whose
// kernel ID is that accumulator's index.
struct ArrayCmd {
  Dataflow dataflow = Dataflow::kWeightStationary;
  int rows_used = 0, cols_used = 0;
  int64_t k0 = 0, k = 0;  // reduction range start and total length
  int kp = 0;             // ws: entries per PE
  // ws: pixels streamed through the loaded weights; os: rows_used; is (systolic): output
  // channels streamed through the loaded inputs (one weight beat each)
  int64_t pixels = 0;
  // CS engine only: kernels per group (accumulators used per engine), and the sums per pixel
  // that leave it: sum e*n + j is kernel j of engine e; a partial last group leaves fewer than
  // cols_used * n (out_cols counts the output channels that exist).
  int n = 1;
  int out_cols = 0;
  RsMap rs;  // Dataflow kRowStationary: the pass's mapping (the other fields unused)
};

// What the output path does with the sums of one pass.
struct CollectCmd {
  bool first = true, last = true;  // first k pass: no psum to read; last: requantise and write
  int64_t p0 = 0;                  // tile-local pixel of the first sum
  int64_t pixels = 0;
  int cols = 0;             // sums per pixel
  int n_local0 = 0;         // tile-local channel of column 0
  uint32_t psum_base = 0;   // [pixel][col] int32, for multi-pass reductions
  uint32_t out_base = 0;    // [pixel][n_local] elements
  int out_pixel_bytes = 0;  // bytes per pixel row in the output region
  bool requant = false;
  int shift = 0;
  bool relu = false;
  int out_elem_bytes = 1;  // 1: int8; 4: int32
  // An input-stationary pass (systolic array): a SumBeat holds one output channel's sums across
  // the pass's pixels: beat `pixel` is channel n_local0 + pixel, v[c] is pixel p0 + c, and
  // `pixels` counts beats (channels). Psums are [channel][c] rows of `cols` int32 from psum_base;
  // outputs go one element per pixel, out_pixel_bytes apart.
  bool transposed = false;
};

// A vector pass over a GLB tile: max- or average-pool / ReLU / requantise, HWC in and out.
struct VectorCmd {
  int c = 0;                // channels
  int in_w = 0;             // input width
  int win = 1, stride = 1;  // window (1 for element-wise ops)
  int out_w = 0;
  int64_t out_pixels = 0;  // output pixels in the tile
  int oy0 = 0, iy0 = 0;    // first output row; first input row held in the GLB
  uint32_t in_base = 0, out_base = 0;
  int in_elem_bytes = 1, out_elem_bytes = 1;
  bool max = false;  // max over the window
  bool avg = false;  // the window's average (PpuAverage); neither: the single element
  bool add = false;  // the element plus the same element at in2_base (PpuAdd), win 1
  uint32_t in2_base = 0;
  bool requant = false;
  int shift = 0;
  bool relu = false;
};

// Where a pass runs: the dense PE array, or the CS engine (which also streams kernel IDs).
enum class PassEngine { kArray, kCs };

struct Pass {
  PassEngine engine = PassEngine::kArray;
  StreamCmd input, weight;  // weight.beats == 0: no weight stream
  StreamCmd id;  // CS with n > 1: the kernel IDs, same pattern as `weight` over the ID array
  ArrayCmd array;
  CollectCmd collect;
};

// Active-input list records (written by the k-WTA unit, read by the sparse-sparse unit): 4 bytes
// each, little endian: uint16 index (the HWC flat index (y * w + x) * c + ch of the map), int8
// value, one zero byte. Lists are sorted by index.
constexpr int kActEntryBytes = 4;

// k-WTA over a whole int8 map (HWC) held in the GLB: keeps the k largest values (ties: lowest
// index) and writes them as a dense map (others zero) and/or as an active list.
struct KwtaCmd {
  uint32_t in_base = 0;
  int64_t n = 0;  // values
  int64_t k = 0;  // winners, 1..n
  bool write_dense = true;
  uint32_t dense_base = 0;
  bool write_list = false;
  uint32_t list_base = 0;
};

// Sparse weights x sparse activations over one GLB tile (scatter form). For every active input
// (c, y, x) of the list, for every kernel offset (ky, kx) that maps it to an output pixel
// (oy, ox) = ((y + pad - ky) / stride, (x + pad - kx) / stride) (exact division, in range), the
// unit reads packed weight row k = (ky * kw + kx) * c_in + c (`groups` values at
// w_base + k * groups and their kernel IDs at id_base + k * groups) and does one MAC per group g
// into accumulator [pixel][g * n + id]. A linear layer is the case kernel = whole map, 1x1 out.
// After the last active input the accumulators (pixels x channels) leave through the output
// stage to out_base, [pixel][channel] elements.
struct SsCmd {
  uint32_t list_base = 0;
  int64_t actives = 0;
  int c = 0, h = 0, w = 0;  // input map
  int kh = 1, kw = 1, stride = 1, pad = 0;
  int ho = 1, wo = 1;                // output map
  uint32_t w_base = 0, id_base = 0;  // id_base unused when n = 1 (no IDs)
  // Row order. false: k = (ky * kw + kx) * c_in + c, the compiled order (a linear layer's rows
  // are then HWC, so a row index is an active-list index). true: k = (c * kh + ky) * kw + kx,
  // so that the kh * kw rows one active input of a conv meets are contiguous in the GLB.
  bool channel_major = false;
  int groups = 0;    // groups in the tile: the packed row length
  int n = 1;         // kernels per group
  int channels = 0;  // output channels of the tile (group g local covers g*n .. g*n+n-1)
  uint32_t out_base = 0;
  bool requant = false;
  int shift = 0;
  bool relu = false;
  int out_elem_bytes = 1;
};

// A GLB tile: loads, then one kind of work (array/CS passes, vector, k-WTA or sparse-sparse
// commands), then stores.
struct Tile {
  int half = 0;  // GLB double-buffer half
  std::vector<DmaCmd> loads;
  std::vector<Pass> passes;
  std::vector<VectorCmd> vectors;
  std::vector<KwtaCmd> kwta;
  std::vector<SsCmd> ss;
  std::vector<DmaCmd> stores;
};

// How conv/linear layers run: dense on the PE array; on the CS engine with dense activations;
// or, where the input is a k-WTA output, sparse weights x sparse activations.
enum class Mode { kDense, kSparseDense, kSparseSparse };
const char* ModeName(Mode m);  // "dense" | "sparse-dense" | "sparse-sparse"

// The unit an op's work runs on. A new engine goes last and becomes kLastOpEngine; tables
// indexed by engine are sized by kOpEngineCount (no sentinel enumerator: every switch over the
// engines stays exhaustive without a case for it).
enum class OpEngine { kArray, kCs, kSparseSparse, kVector, kKwta };
constexpr OpEngine kLastOpEngine = OpEngine::kKwta;
constexpr int kOpEngineCount = int(kLastOpEngine) + 1;
const char* OpEngineName(OpEngine e);  // "array" | "cs" | "ss" | "vector" | "kwta"

struct Op {
  std::string name;  // layer names joined by '+'
  std::string kind;  // "conv+requant+relu", "maxpool", ...
  OpEngine engine = OpEngine::kArray;
  int first_layer = 0, last_layer = 0;
  int64_t macs = 0;  // dense-equivalent MACs of the layer (the work a dense engine does)
  uint64_t in_addr = 0, w_addr = 0, id_addr = 0, out_addr = 0;  // DRAM tensors
  uint64_t with_addr = 0;    // add: the other operand (the output of the layer `with` names)
  bool in_is_list = false;   // the input is an active list (sparse-sparse)
  bool out_is_list = false;  // the output is an active list (k-WTA feeding sparse-sparse)
  // CS packing (engine kCs or kSparseSparse): kernels per group, groups, and the slots
  // (groups * fan-in) that hold the layer's non-zeros; efficiency = nonzeros / slots.
  int pack_n = 1;
  int groups = 0;
  int64_t slots = 0, nonzeros = 0;
  std::vector<Tile> tiles;
};

struct Program {
  Mode mode = Mode::kDense;
  std::vector<Op> ops;
  uint64_t dram_bytes = 0;  // DRAM footprint
  // DRAM address of each layer-group's output and of the network input / weights.
  uint64_t input_addr = 0;
  std::vector<uint64_t> weight_addr;  // per workload layer (0 when none)
  std::vector<int> weight_n_tile;     // per workload layer: channels (CS: groups) per weight block
  std::vector<uint64_t> id_addr;      // per workload layer: CS kernel-ID array (0 when none)
  std::vector<bool> packed;           // per workload layer: weights in the CS packed layout
  std::vector<bool> channel_major;    // per workload layer: packed rows in (c, ky, kx) order
  std::vector<bool> id_rows_aligned;  // per workload layer: packed ID rows start on bytes
  // Per workload layer: DRAM address of its own input (Layer::own_input), HWC int8; 0 when
  // the layer reads the previous layer's output.
  std::vector<uint64_t> layer_input_addr;
  uint64_t output_addr = 0;
  Shape output_shape;
  ElemType output_type = ElemType::kInt8;
};

void DumpProgram(const Program& p, std::ostream& os);

}  // namespace cssim
