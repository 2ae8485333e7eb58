// Small hand-built architectures, layers and workloads for the compiler's unit tests: sizes
// small enough that every tile choice, DRAM byte count and pass count can be worked out by hand.
#pragma once

#include <string>
#include <vector>

#include "model/base/arch_spec.h"
#include "model/base/workload.h"
#include "tb/common/layers.h"

namespace cssim {

// A weight-stationary rows x cols PE array with weight_rf_entries / weight_buffers weights per
// PE in one buffer, and a GLB of glb_kib KiB (one tile per half: glb_kib * 512 bytes).
inline ArchSpec SmallArch(int rows, int cols, int weight_rf_entries, int weight_buffers,
                          int glb_kib) {
  ArchSpec a;
  a.name = "small";
  a.source = "small.yaml";
  a.array.rows = rows;
  a.array.cols = cols;
  a.array.dataflow = Dataflow::kWeightStationary;
  a.pe.weight_rf_entries = weight_rf_entries;
  a.pe.weight_buffers = weight_buffers;
  a.glb.size_kib = glb_kib;
  return a;
}

inline Layer MakeRequant(const std::string& name, Shape in, int shift) {
  Layer l;
  l.name = name;
  l.kind = LayerKind::kRequant;
  l.shift = shift;
  l.in = l.out = in;
  l.in_type = ElemType::kInt32;
  l.out_type = ElemType::kInt8;
  return l;
}

inline Layer MakeRelu(const std::string& name, Shape in) {
  Layer l;
  l.name = name;
  l.kind = LayerKind::kRelu;
  l.in = l.out = in;
  return l;
}

inline Layer MakePool(const std::string& name, Shape in, int size, int stride) {
  Layer l;
  l.name = name;
  l.kind = LayerKind::kMaxPool;
  l.pool_size = size;
  l.pool_stride = stride;
  l.in = in;
  l.out = {in.c, (in.h - size) / stride + 1, (in.w - size) / stride + 1};
  return l;
}

inline Layer MakeKwta(const std::string& name, Shape in, double density) {
  Layer l;
  l.name = name;
  l.kind = LayerKind::kKwta;
  l.density = density;
  l.in = l.out = in;
  return l;
}

inline Workload MakeWorkload(const std::string& name, std::vector<Layer> layers) {
  Workload w;
  w.name = name;
  w.source = name + ".yaml";
  w.input = layers.front().in;
  w.layers = std::move(layers);
  return w;
}

}  // namespace cssim
