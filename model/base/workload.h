// Workload: a network as a validated list of layers with inferred shapes (from workload YAML).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cssim {

struct Shape {
  int c = 0, h = 0, w = 0;
  int64_t size() const { return int64_t(c) * h * w; }
  bool operator==(const Shape& o) const { return c == o.c && h == o.h && w == o.w; }
};

enum class LayerKind { kConv, kLinear, kMaxPool, kRelu, kRequant };
const char* LayerKindName(LayerKind k);  // "conv" | "linear" | "maxpool" | "relu" | "requant"

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
  // maxpool: pool_size x pool_size window, pool_stride.
  int pool_size = 2, pool_stride = 2;
  // requant: out = clamp((in + 2^(shift-1)) >> shift, -128, 127) (arithmetic shift; shift 0
  // just clamps).
  int shift = 0;
  // Filled by validation.
  Shape in, out;
  ElemType in_type = ElemType::kInt8, out_type = ElemType::kInt8;
  int64_t macs() const;          // useful MACs of conv/linear, 0 otherwise
  int64_t weight_count() const;  // out_channels * in.c * kernel_h * kernel_w, 0 if none
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
