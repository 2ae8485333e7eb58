// Program: what the compiler hands the controller. Plain data, no SystemC: one Op per executed
// layer group, each a list of GLB tiles; each tile is DMA loads, compute passes and DMA stores.
// `cssim run --dump-program` prints it.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "model/base/arch_spec.h"
#include "model/base/workload.h"

namespace cssim {

// One DMA transfer: `rows` rows of `row_bytes`, DRAM rows `dram_stride` apart, packed densely in
// the GLB from glb_addr.
struct DmaCmd {
  bool store = false;  // false: DRAM -> GLB; true: GLB -> DRAM
  uint64_t dram_addr = 0;
  uint64_t dram_stride = 0;
  uint32_t glb_addr = 0;
  uint32_t rows = 1;
  uint32_t row_bytes = 0;
  uint64_t bytes() const { return uint64_t(rows) * row_bytes; }
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

enum class StreamKind { kWsInput, kWsWeight, kOsInput, kOsWeight };
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
  // GLB address of lane's byte in beat b; -1 zero; -2 no value (lane idle in this beat).
  int64_t Addr(int lane, uint64_t beat) const;
};

struct ArrayCmd {
  Dataflow dataflow = Dataflow::kWeightStationary;
  int rows_used = 0, cols_used = 0;
  int64_t k0 = 0, k = 0;  // reduction range start and total length
  int kp = 0;             // ws: entries per PE
  int64_t pixels = 0;     // ws: pixels streamed through the loaded weights; os: rows_used
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
};

// A vector pass over a GLB tile: max-pool / ReLU / requantise, HWC in and out.
struct VectorCmd {
  int c = 0;                // channels
  int in_w = 0;             // input width
  int win = 1, stride = 1;  // window (1 for element-wise ops)
  int out_w = 0;
  int64_t out_pixels = 0;  // output pixels in the tile
  int oy0 = 0, iy0 = 0;    // first output row; first input row held in the GLB
  uint32_t in_base = 0, out_base = 0;
  int in_elem_bytes = 1, out_elem_bytes = 1;
  bool max = false;  // max over the window (else the single element)
  bool requant = false;
  int shift = 0;
  bool relu = false;
};

struct Pass {
  StreamCmd input, weight;  // weight.beats == 0: no weight stream
  ArrayCmd array;
  CollectCmd collect;
};

struct Tile {
  int half = 0;  // GLB double-buffer half
  std::vector<DmaCmd> loads;
  std::vector<Pass> passes;
  std::vector<VectorCmd> vectors;
  std::vector<DmaCmd> stores;
};

struct Op {
  std::string name;  // layer names joined by '+'
  std::string kind;  // "conv+requant+relu", "maxpool", ...
  int first_layer = 0, last_layer = 0;
  int64_t macs = 0;
  uint64_t in_addr = 0, w_addr = 0, out_addr = 0;  // DRAM tensors
  std::vector<Tile> tiles;
};

struct Program {
  std::vector<Op> ops;
  uint64_t dram_bytes = 0;  // DRAM footprint
  // DRAM address of each layer-group's output and of the network input / weights.
  uint64_t input_addr = 0;
  std::vector<uint64_t> weight_addr;  // per workload layer (0 when none)
  std::vector<int> weight_n_tile;     // per workload layer: channels per weight block
  uint64_t output_addr = 0;
  Shape output_shape;
  ElemType output_type = ElemType::kInt8;
};

void DumpProgram(const Program& p, std::ostream& os);

}  // namespace cssim
