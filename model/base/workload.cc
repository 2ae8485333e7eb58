#include "model/base/workload.h"

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

int64_t Workload::macs() const {
  int64_t total = 0;
  for (const Layer& l : layers) total += l.macs();
  return total;
}

}  // namespace cssim
