// ArchSpec: the immutable, validated description of one accelerator (from arch YAML).
#pragma once

#include <string>

#include "model/base/dram_spec.h"

namespace cssim {

// kRowStationary: Eyeriss's row-stationary dataflow on its own unit (model/pe/rs_array.h;
// docs/design.md, "Row-stationary"); multicast topology only. kInputStationary needs the
// systolic topology (the multicast array has no input-stationary pass; the arch loader refuses
// it there).
enum class Dataflow { kWeightStationary, kOutputStationary, kRowStationary, kInputStationary };
const char* DataflowName(Dataflow d);  // "ws" | "os" | "rs" | "is"

// How operands reach the PEs: kMulticast broadcasts inputs along a row and weights down a
// column and sums a column in one step (model/pe/pe_array; with dataflow rs, Eyeriss's
// multicast buses, model/pe/rs_array); kSystolic moves every operand and partial sum one PE
// per cycle between neighbours (model/pe/systolic_array).
enum class Topology { kMulticast, kSystolic };
const char* TopologyName(Topology t);  // "multicast" | "systolic"

struct ArraySpec {
  int rows = 16;
  int cols = 16;
  Dataflow dataflow = Dataflow::kWeightStationary;
  Topology topology = Topology::kMulticast;
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

// Complementary-sparsity (CS) engine: `engines` group engines share one activation broadcast
// (like the array's columns); each has `lanes` multipliers (one fan-in slice per cycle), a route
// stage steering every product by its kernel ID, and max_n adder trees / accumulators. The
// sparse-sparse accumulate unit uses the same lanes * engines multipliers.
struct CsSpec {
  int lanes = 16;
  int engines = 16;
  int max_n = 32;
  int weight_rf_entries = 256;  // combined-kernel entries (value + ID) per lane, both buffers
  int weight_buffers = 2;
  int route_latency_cycles = 4;  // permutation network stages (log2 lanes for a butterfly)
  int adder_latency_cycles = 4;  // adder tree levels (log2 lanes)
  int accumulators = 8192;       // sparse-sparse accumulator SRAM, int32 entries
  int ss_glb_words = 16;         // sparse-sparse weight-row fetch, GLB words per cycle
};

// k-winners-take-all unit: a two-pass histogram / threshold search over int8 values.
struct KwtaSpec {
  int lanes = 16;               // values per cycle through the histogram and the compare pass
  int scan_bins_per_cycle = 8;  // histogram bins examined per cycle in the threshold search
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
  CsSpec cs;
  KwtaSpec kwta;
  DramSpec dram;
};

}  // namespace cssim
