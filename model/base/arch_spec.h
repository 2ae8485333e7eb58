// ArchSpec: the immutable, validated description of one accelerator (from arch YAML).
#pragma once

#include <string>

#include "model/dram/dram_spec.h"

namespace cssim {

enum class Dataflow { kWeightStationary, kOutputStationary };
const char* DataflowName(Dataflow d);  // "ws" | "os"

struct ArraySpec {
  int rows = 16;
  int cols = 16;
  Dataflow dataflow = Dataflow::kWeightStationary;
};

struct PeSpec {
  int weight_rf_entries = 64;  // int8 weights held per PE (all buffers together)
  // 2: the weight RF is two banks, so a weight-stationary pass loads its successor's weights
  // while it computes (each pass then uses at most weight_rf_entries / 2 entries).
  int weight_buffers = 2;
  int input_rf_entries = 16;  // int8 inputs buffered per PE row port
  int psum_rf_entries = 16;   // int32 partial sums per PE
};

struct GlbSpec {
  int size_kib = 256;
  int banks = 16;
  int bank_width_bytes = 8;  // one access per bank per cycle moves this many bytes
};

struct NocSpec {
  int input_bus_bytes = 16;   // GLB -> array input bus, bytes per cycle
  int weight_bus_bytes = 16;  // GLB -> array weight bus, bytes per cycle
  int output_bus_bytes = 16;  // array -> GLB psum/output bus, bytes per cycle
  int latency_cycles = 2;     // pipeline stages from GLB port to PE
};

struct DmaSpec {
  int max_outstanding = 16;  // DRAM requests in flight
};

struct PpuSpec {
  int lanes = 16;  // elements per cycle through requantise / ReLU / max-pool
};

struct ArchSpec {
  std::string name;
  std::string source;  // file it came from, or "builtin:<name>"
  double clock_mhz = 500;
  ArraySpec array;
  PeSpec pe;
  GlbSpec glb;
  NocSpec noc;
  DmaSpec dma;
  PpuSpec ppu;
  DramSpec dram;
};

}  // namespace cssim
