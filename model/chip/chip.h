// Whole-chip budgets: how many accelerator instances a device's multipliers and on-chip SRAM
// hold (docs/background.md, section 4: "4 dense instances fit, 20 sparse instances fit").
//
// A ChipSpec (chip YAML, workloads/chip/) is a resource budget, not a floorplan: it counts int8
// multipliers and SRAM bytes only. Logic (LUTs, flip-flops), routing and clocking are not
// modelled, so Fit() is an upper bound on what a real device places.
#pragma once

#include <cstdint>
#include <string>

#include "model/base/arch_spec.h"
#include "model/base/dram_spec.h"

namespace cssim {

struct ChipSpec {
  std::string name;
  std::string description;  // what the budget models (YAML key "description")
  std::string datasheet;    // the documents and tables the numbers are from (YAML key "source")
  std::string source;       // file it came from, or "builtin:<name>" (as ArchSpec::source)
  int64_t multipliers = 0;  // int8 multipliers available to the accelerators
  int64_t sram_kib = 0;     // on-chip SRAM available to the accelerators
  // The DRAM every instance shares: the preset's fields with `channels` from the chip file.
  DramSpec dram;
};

// What one accelerator instance occupies.
struct InstanceNeeds {
  int64_t multipliers = 0;
  int64_t sram_bytes = 0;
};

// What one instance of `arch` occupies when built for dense or for sparse operation. An instance
// is built for one of the two: a dense instance has no CS engine, a sparse one no PE array.
//
// Both: the GLB, glb.size_kib * 1024 bytes.
// Dense (the PE array):
//   multipliers  rows * cols (one int8 MAC per PE)
//   SRAM         weight RF  rows * cols * pe.weight_rf_entries bytes (all buffers)
//                psum RF    rows * cols * pe.psum_rf_entries * 4 bytes (int32)
//                input RF   rows * pe.input_rf_entries bytes (one int8 buffer per row port)
// Sparse (CS engine + sparse-sparse accumulate unit + k-WTA unit):
//   multipliers  cs.lanes * cs.engines (the sparse-sparse unit reuses the CS engine's)
//   SRAM         weight RF  lanes * engines * cs.weight_rf_entries entries of an int8 value and
//                           a ceil(log2 cs.max_n)-bit kernel ID, packed to whole bytes overall
//                adder-tree accumulators  engines * max_n * 4 bytes (int32, one pixel's)
//                sparse-sparse accumulator SRAM  cs.accumulators * 4 bytes (int32)
//                input RF   cs.lanes * pe.input_rf_entries bytes (one buffer per lane of the
//                           activation broadcast, as the PE array's row ports)
//                k-WTA histograms  kwta.lanes * 256 * 4 bytes: one 256-bin histogram of 32-bit
//                           counts per lane, because a single table cannot take kwta.lanes
//                           updates a cycle with two ports (the search sums the copies)
// Not counted: NoC bus buffers, DMA and PPU registers (small and alike in both builds).
InstanceNeeds Needs(const ArchSpec& arch, bool sparse);

struct ChipFit {
  int instances = 0;
  std::string limit;  // the binding resource: "multipliers" | "sram" (multipliers on a tie)
};

// instances = min(floor(multipliers / need.multipliers), floor(sram / need.sram_bytes)), capped
// at INT_MAX; 0 when one resource cannot hold a single instance. A need of zero never limits.
// Throws SimError for a negative need or one with both resources zero (no count follows).
ChipFit Fit(const ChipSpec& chip, const InstanceNeeds& need);

}  // namespace cssim
