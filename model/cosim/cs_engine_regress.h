// Random-stimulus regression of the CS engine (model/cs/cs_engine.h) and its RTL twin: a source
// sends seeded random passes (commands, combined-kernel value and kernel-ID beats, input beats,
// each link with random valid gaps) and a sink takes the sum beats with random ready gaps and
// checks every one against sums computed from the operands. The gaps change every 256 cycles
// (from none to nearly always), so the engine also runs with a full pipeline and out link and
// with starved banks. Every cycle is ticked (but with kSkip) and the random draws do not depend
// on the implementation: the same seed gives the same stimulus, cycle for cycle, in every Impl.
// Passes respect the model's SimError checks; values the pass must ignore (entries past a lane's
// reduction range, lanes and engines past the pass, their kernel IDs) are random.
#pragma once

#include <cstdint>

#include "model/base/twin.h"
#include "model/cosim/harness.h"
#include "model/cosim/regress.h"
#include "model/cosim/twin.h"
#include "model/pe/pe_array.h"

namespace cssim {

// The pass shapes the source draws.
enum class CsEngineStimulus {
  kMixed,   // the first passes are an n = 1 pass, one with a partial last group and one with a
            // partial last reduction row; then each pass one of the three below
  kRagged,  // random lanes, engines, kp and n (n = 1 a quarter of the time), out_cols anywhere
            // in its range (partial last groups), k ending anywhere inside the pass
  kFull,    // all 16 lanes and engines, n 32 or random, kp up to the whole bank (128)
  kTiny,    // 1..3 lanes, 1..4 engines, kp 1..2, many pixels: the pipeline and out link fill
  kSkip,    // kRagged passes; the source sends and the sink takes only in windows (functions
            // of the seed and the cycle) and neither is ticked while it waits, so the engine
            // skips the cycles in which nothing can change: in rtl mode the RTL's busy_o
            // decides which those are
};

// kMixed, for `cssim regress` (model/cosim/regress.h).
RegressResult RunCsEngineRegress(uint64_t seed, Impl impl, const CosimOptions& options);

// Impl::kModel runs the model alone on the kernel-free loop; kRtl and kBoth run the twin under
// the SystemC kernel (once per process). Throws SimError if a sum is wrong or missing,
// CosimMismatch (kBoth) at the first difference between model and RTL. `trace` (if not null)
// gets the sum beats and counters, to compare runs of different Impls.
RegressResult RunCsEngineRegress(uint64_t seed, Impl impl, const CosimOptions& options,
                                 CsEngineStimulus stimulus, SumTrace* trace = nullptr);

}  // namespace cssim
