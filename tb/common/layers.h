// Hand-built conv and linear layers for unit tests that need a Layer without a workload file:
// shapes inferred as config loading would (no validation).
#pragma once

#include <string>

#include "model/base/workload.h"

namespace cssim {

inline Layer MakeConv(const std::string& name, Shape in, int out_c, int kh, int kw, int stride,
                      int pad, double density) {
  Layer l;
  l.name = name;
  l.kind = LayerKind::kConv;
  l.out_channels = out_c;
  l.kernel_h = kh;
  l.kernel_w = kw;
  l.stride = stride;
  l.pad = pad;
  l.weight_density = density;
  l.in = in;
  l.out = {out_c, (in.h + 2 * pad - kh) / stride + 1, (in.w + 2 * pad - kw) / stride + 1};
  l.out_type = ElemType::kInt32;
  return l;
}

// Square kernel, stride 1, no padding.
inline Layer MakeConv(const std::string& name, Shape in, int out_c, int kernel, double density) {
  return MakeConv(name, in, out_c, kernel, kernel, 1, 0, density);
}

inline Layer MakeLinear(const std::string& name, Shape in, int out_features, double density) {
  Layer l;
  l.name = name;
  l.kind = LayerKind::kLinear;
  l.out_channels = out_features;
  l.kernel_h = in.h;
  l.kernel_w = in.w;
  l.weight_density = density;
  l.in = in;
  l.out = {out_features, 1, 1};
  l.out_type = ElemType::kInt32;
  return l;
}

}  // namespace cssim
