// The sparse-sparse accumulate unit's RTL twin (rtl/cs/sparse_accum.sv) as an Engine unit
// (model/cosim/twin.h): stands where the model unit `ss` would, on the same links (its cmd and
// done, and the GLB port it was built with).
// The RTL is built for the default arch: 256 multipliers (cs.lanes x cs.engines), 8192
// accumulators, cs.max_n 32, a GLB port of cs.ss_glb_words = 16 lanes whose request and response
// links hold at most 64 items together, ppu.lanes 16, GLB words of 8 bytes. Beyond the model's
// own command checks it takes commands with groups <= 8192, out_elem_bytes 1 or 4, shift <= 63
// and fewer than 2^32 actives (SimError otherwise).
#pragma once

#include <memory>
#include <string>

#include "model/cosim/twin.h"
#include "model/cs/sparse_accum.h"
#include "model/glb/glb.h"

namespace cssim {

// Throws InputError (key --impl) if the model's configuration is not the RTL's.
std::unique_ptr<Twin> MakeSparseAccumTwin(SparseAccum& model, Glb::Port& glb, Impl impl,
                                          const CosimOptions& options, const std::string& instance);

// MakeSparseAccumTwin if this cssim is built with the block's RTL, else null
// (model/cosim/factory.h).
extern decltype(&MakeSparseAccumTwin) const kSparseAccumTwin;

}  // namespace cssim
