// One run: arch x workload x energy table -> simulated, checked, accounted results.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "model/base/arch_spec.h"
#include "model/base/energy.h"
#include "model/base/unit.h"
#include "model/base/workload.h"
#include "model/chip/chip.h"
#include "model/compile/program.h"
#include "model/cosim/twin.h"

namespace cssim {

// Which loop advances the clock. Both tick the same unit classes and must agree to the cycle.
enum class Kernel { kSystemC, kDirect };

struct RunOptions {
  Kernel kernel = Kernel::kSystemC;
  Mode mode = Mode::kDense;
  bool check = true;  // compare the output tensor with model/ref, bit for bit
  // model, or the blocks with RTL twins run as their Verilated RTL (rtl) or as model and RTL in
  // lockstep with a scoreboard (both); the SystemC kernel only.
  Impl impl = Impl::kModel;
  CosimOptions cosim;
};

// One statistics counter after a run or a layer, with or without an energy action (stall
// cycles, row hits, ...), so that tools can see where the cycles went without parsing text.
struct CounterValue {
  std::string name;  // full name, e.g. "top.glb.conflict_stalls"
  std::string unit;
  std::string description;
  uint64_t value = 0;
};

struct LayerResult {
  std::string name;
  std::string kind;    // layer kinds executed together, e.g. "conv+requant+relu"
  std::string engine;  // unit that ran it: OpEngineName of the op's engine ("array", "cs", ...)
  Cycle cycles = 0;
  int64_t dense_macs = 0;         // the work of the layer computed densely
  int64_t macs = 0;               // MACs the engine performed (non-zero weight operand)
  int pack_n = 0;                 // CS: kernels per combined kernel (0: not packed)
  double packing_efficiency = 0;  // CS: non-zeros / weight slots
  double mac_utilization = 0;
  uint64_t dram_bytes = 0;             // read + written
  EnergyReport energy;                 // this layer's actions only
  std::vector<CounterValue> counters;  // this layer's counts, in StatGroup::Walk order
};

struct RunResult {
  ArchSpec arch;
  Workload workload;
  EnergyTable energy_table;
  std::string mode = "dense";
  Cycle cycles = 0;
  int64_t dense_macs = 0;         // the network's work, dense (docs/background.md, section 3)
  int64_t macs = 0;               // MACs performed by the mode's engine
  int64_t pe_count = 0;           // multipliers of the mode's engine (PE array, or CS engine)
  double mac_utilization = 0;     // macs / (cycles * pe_count)
  double packing_efficiency = 0;  // packed layers: non-zeros / slots (0: nothing packed)
  double inferences_per_s = 0;
  EnergyReport energy;
  std::vector<LayerResult> layers;
  std::vector<CounterValue> counters;  // every counter of the run, in StatGroup::Walk order
  std::string output_check;            // "bit-exact", or "skipped"
  double wall_seconds = 0;
  // Co-simulation: the implementation run, the units that ran as RTL twins ("top.array", ...),
  // and what the scoreboards compared (both) or the RTL moved (rtl).
  std::string impl = "model";
  std::vector<std::string> rtl_units;
  CosimTally cosim;
  // The RTL's synthesized area (the JSON tools/rtl-area writes), if the run was given one.
  std::string rtl_area_json;
};

// A full chip: as many instances of the accelerator as the chip's multipliers and SRAM hold
// (model/chip/chip.h), each running one inference from cycle 0, all sharing the chip's DRAM
// through a DramMux. No simulation when none fits.
struct ChipResult {
  ChipSpec chip;
  std::string mode, workload;
  InstanceNeeds needs;
  ChipFit fit;
  Cycle cycles = 0;                    // until every instance has finished its inference
  std::vector<Cycle> instance_cycles;  // when each finished
  double inferences_per_s = 0;         // instances / (cycles / clock): full-chip throughput
  uint64_t dram_bytes = 0;             // all instances' DMA traffic (read + written)
  EnergyReport energy;                 // every instance and the shared DRAM (totals only)
  std::string output_check;            // every instance's every op, or "skipped"
  double wall_seconds = 0;
};

// Throws InputError for a workload that cannot be mapped (e.g. a tile that cannot fit) and
// SimError for a model failure (deadlock, output mismatch).
RunResult Run(const ArchSpec& arch, const Workload& workload, const EnergyTable& table,
              const RunOptions& options);

// How far a chip run is: the ops every instance has finished, of instances x the program's ops.
// Called when that count grows and at least every 65536 simulated cycles (for a progress
// display; it must not touch the simulation).
using ChipProgress = std::function<void(size_t ops_done, size_t ops_total)>;

ChipResult RunChip(const ArchSpec& arch, const ChipSpec& chip, const Workload& workload,
                   const EnergyTable& table, const RunOptions& options,
                   const ChipProgress& progress = nullptr);

}  // namespace cssim
