#include "model/base/workload.h"

#include <algorithm>
#include <cmath>

namespace cssim {

const char* LayerKindName(LayerKind k) {
  switch (k) {
    case LayerKind::kConv:
      return "conv";
    case LayerKind::kLinear:
      return "linear";
    case LayerKind::kMaxPool:
      return "maxpool";
    case LayerKind::kRelu:
      return "relu";
    case LayerKind::kRequant:
      return "requant";
    case LayerKind::kKwta:
      return "kwta";
    case LayerKind::kAvgPool:
      return "avgpool";
    case LayerKind::kAdd:
      return "add";
  }
  return "unknown";  // unreachable for a valid enum value; keeps -Wreturn-type quiet
}

int64_t Layer::macs() const {
  switch (kind) {
    case LayerKind::kConv:
      // One MAC per output element per (input channel, kernel position).
      return out.size() * in.c * kernel_h * kernel_w;
    case LayerKind::kLinear:
      // Every output feature sees the whole flattened input map.
      return int64_t(out_channels) * in.size();
    default:
      return 0;
  }
}

int64_t Layer::weight_count() const {
  switch (kind) {
    case LayerKind::kConv:
      return int64_t(out_channels) * in.c * kernel_h * kernel_w;
    case LayerKind::kLinear:
      // The kernel of a linear layer is the whole input map, whatever kernel_h/w hold.
      return int64_t(out_channels) * in.size();
    default:
      return 0;
  }
}

int64_t Layer::fan_in() const {
  const int64_t m = out_channels;
  return m == 0 ? 0 : weight_count() / m;
}

int64_t Layer::nnz() const {
  const int64_t l = fan_in();
  if (l == 0) return 0;
  return std::clamp<int64_t>(std::llround(weight_density * double(l)), 1, l);
}

int Layer::pack_n() const {
  const int64_t z = nnz();
  if (z == 0) return 1;
  return int(std::clamp<int64_t>(fan_in() / z, 1, out_channels));
}

int64_t Layer::kwta_k() const {
  return std::clamp<int64_t>(std::llround(density * double(in.size())), 1, in.size());
}

int64_t Workload::macs() const {
  int64_t total = 0;
  for (const Layer& l : layers) total += l.macs();
  return total;
}

}  // namespace cssim
