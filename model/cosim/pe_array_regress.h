// Random-stimulus regression of the PE array (model/pe/pe_array.h) and its RTL twin: a source
// sends seeded random weight-stationary passes (commands, weight beats and input beats, each
// link with random stalls) and a sink takes the sum beats with random stalls and checks every
// one against the sums computed from the operands. The stall rates change every 256 cycles
// (from none to nearly always), so the array also runs with a full reduction buffer and
// starved banks; in random stretches of 32 cycles source and sink sleep, so the engine skips
// the cycles in which the array is idle. The stimulus depends only on the seed and the cycle:
// the same seed gives the same stimulus, cycle for cycle, in every Impl.
#pragma once

#include <cstdint>

#include "model/base/twin.h"
#include "model/cosim/harness.h"
#include "model/cosim/regress.h"
#include "model/cosim/twin.h"
#include "model/pe/pe_array.h"

namespace cssim {

// The pass shapes the source draws.
enum class PeArrayStimulus {
  kMixed,   // each pass one of the three below
  kFull,    // all 16 rows and columns, kp 1..32, k covering every loaded entry
  kRagged,  // random rows, columns and kp; k ends inside the pass (partial and unused rows)
  kTiny,    // 1..3 rows, 1..4 columns, kp 1..2, many pixels: sums overlap in the reduction
};

// Impl::kModel runs the model alone on the kernel-free loop; kRtl and kBoth run the twin under
// the SystemC kernel (once per process). Throws SimError if a sum is wrong or missing,
// CosimMismatch (kBoth) at the first difference between model and RTL. `trace` (if not null)
// gets the sum beats and counters, to compare runs of different Impls.
RegressResult RunPeArrayRegress(uint64_t seed, Impl impl, const CosimOptions& options,
                                PeArrayStimulus stimulus = PeArrayStimulus::kMixed,
                                SumTrace* trace = nullptr);

}  // namespace cssim
