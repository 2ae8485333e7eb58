// Workload: a network as a validated list of layers with inferred shapes (from workload YAML).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cssim {

struct Shape {
  int c = 0, h = 0, w = 0;
  int64_t size() const { return int64_t(c) * h * w; }
  // One element: channel, row, column.
  struct Pos {
    int c = 0, y = 0, x = 0;
  };
  // The element at HWC flat index i ((y * w + x) * c + ch): the order the hardware holds
  // activations in, and the index space of active lists.
  Pos FromHwc(int64_t i) const { return {int(i % c), int(i / (int64_t(c) * w)), int(i / c % w)}; }
  // Its CHW flat index: the reference's order.
  int64_t Chw(Pos p) const { return (int64_t(p.c) * h + p.y) * w + p.x; }
  bool operator==(const Shape& o) const { return c == o.c && h == o.h && w == o.w; }
};

enum class LayerKind { kConv, kLinear, kMaxPool, kRelu, kRequant, kKwta, kAvgPool, kAdd };
// "conv" | "linear" | "maxpool" | "relu" | "requant" | "kwta" | "avgpool" | "add"
const char* LayerKindName(LayerKind k);

// Element type of a layer's output: conv/linear produce int32 sums; requant makes int8.
enum class ElemType { kInt8, kInt32 };

struct Layer {
  std::string name;
  LayerKind kind = LayerKind::kConv;
  // conv: out_channels, kernel_h x kernel_w, stride, pad (zero padding on every side).
  // linear: out_channels = out features; kernel = the whole input map (flattened c, y, x).
  int out_channels = 0;
  int kernel_h = 1, kernel_w = 1;
  int stride = 1;
  int pad = 0;
  // maxpool, avgpool: pool_size x pool_size window, pool_stride, no padding. avgpool: the
  // window's sum / pool_size^2 rounded half up (towards +infinity), in the input's type.
  int pool_size = 2, pool_stride = 2;
  // requant: out = clamp((in + 2^(shift-1)) >> shift, -128, 127) (arithmetic shift; shift 0
  // just clamps).
  int shift = 0;
  // conv/linear: fraction of each kernel's fan-in that is non-zero (1: dense). Every kernel has
  // exactly nnz() non-zeros, and the masks of each group of pack_n() consecutive output channels
  // partition the fan-in (complementary sparsity, docs/background.md, section 2).
  double weight_density = 1.0;
  // kwta: keep the kwta_k() largest values of the whole map (ties: lowest HWC index), zero the
  // rest.
  double density = 1.0;
  // The layer reads its own input tensor (shape `in`, int8, generated from the seed like the
  // network input; workload key layers[].input) instead of the previous layer's output: the
  // layers of a SCALE-Sim topology or of a list of Timeloop problems are independent.
  bool own_input = false;
  // The layer reads the output of the earlier layer `from` (its index; layers[].from names it)
  // instead of the previous layer's: a branch, as in a residual network's shortcut. -1: none.
  int from = -1;
  // add: the element-wise sum of its input and the output of the earlier layer `with` (the same
  // shape and type), saturated to the type's range (int8 or int32): a residual connection.
  int with = -1;
  // Filled by validation.
  Shape in, out;
  ElemType in_type = ElemType::kInt8, out_type = ElemType::kInt8;
  int64_t macs() const;          // useful MACs of conv/linear, 0 otherwise
  int64_t weight_count() const;  // out_channels * in.c * kernel_h * kernel_w, 0 if none
  int64_t fan_in() const;        // in.c * kernel_h * kernel_w (linear: in.size()), 0 if none
  // Non-zeros per kernel: max(1, round(weight_density * fan_in)).
  int64_t nnz() const;
  // Kernels packed into one combined kernel: floor(fan_in / nnz), at most out_channels.
  int pack_n() const;
  bool sparse_weights() const { return weight_density < 1.0; }
  bool pools() const { return kind == LayerKind::kMaxPool || kind == LayerKind::kAvgPool; }
  int64_t kwta_k() const;  // max(1, round(density * in.size()))
};

struct Workload {
  std::string name;
  std::string source;  // file it came from, or "builtin:<name>"
  Shape input;
  uint64_t seed = 1;  // weights and input are generated from it (see model/ref/data.h)
  std::vector<Layer> layers;
  int64_t macs() const;
};

}  // namespace cssim
