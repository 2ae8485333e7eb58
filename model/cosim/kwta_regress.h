// Random-stimulus regression of the k-WTA unit (model/kwta) against its RTL twin
// (rtl/kwta/kwta.sv): the `cssim regress` workload for the block and the body of its cosim
// tests.
//
// One seed makes one run: a real GLB (model/glb, default config) behind the unit's port of 2
// lanes, a second GLB client stealing banks in bursts (not in every profile), a list of random
// commands (maps at unaligned addresses, narrow value ranges for many ties, k of 1, n or in
// between, dense and/or list output or neither, some dense maps written in place) fed with
// random gaps, and done taken with random back-pressure. The profile (seed % 4) picks the mix:
// 0 mixed, 1 many tiny maps with long idle gaps, 2 large maps mostly with lists and no bank
// thief, 3 heavy done back-pressure. Every random decision is a function of the seed and the
// cycle, never of how many cycles the engine ticked, so runs are deterministic in any mode.
// At the end the GLB must hold exactly the reference's dense maps and active lists (KwtaWinners,
// model/ref) and the unit's counters the reference's totals; otherwise SimError.
#pragma once

#include <cstdint>

#include "model/base/twin.h"
#include "model/base/unit.h"
#include "model/cosim/regress.h"
#include "model/cosim/twin.h"

namespace cssim {

// impl: kBoth (model and RTL in lockstep, under the SystemC kernel), kRtl (the RTL alone, under
// the SystemC kernel) or kModel (the model alone, in the kernel-free loop). A run under the
// SystemC kernel must be the process's only one. Throws CosimMismatch on the first difference
// (kBoth), SimError if the outputs or counters differ from the reference.
RegressResult RunKwtaRegress(uint64_t seed, Impl impl, const CosimOptions& options);

}  // namespace cssim
