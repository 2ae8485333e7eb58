// The swap point (docs/design.md, "RTL twins"): for a unit with RTL, the Twin that stands in the
// Engine in its place under --impl rtl|both, or null when this cssim was built without that
// block's RTL (the model then stays). The accelerator calls TwinOf for each unit a run uses.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/cosim/twin.h"
#include "model/cs/cs_engine.h"
#include "model/cs/sparse_accum.h"
#include "model/glb/glb.h"
#include "model/kwta/kwta.h"
#include "model/pe/pe_array.h"

namespace cssim {

std::unique_ptr<Twin> TwinOf(PeArray& array, Link<Beat>& in, Link<Beat>& weight, Impl impl,
                             const CosimOptions& options, const std::string& instance);
std::unique_ptr<Twin> TwinOf(CsEngine& cs, Link<Beat>& in, Link<Beat>& weight, Link<Beat>& id,
                             Impl impl, const CosimOptions& options, const std::string& instance);
std::unique_ptr<Twin> TwinOf(SparseAccum& ss, Glb::Port& glb, Impl impl,
                             const CosimOptions& options, const std::string& instance);
std::unique_ptr<Twin> TwinOf(Kwta& kwta, Glb::Port& glb, Impl impl, const CosimOptions& options,
                             const std::string& instance);

// The RTL blocks built into this cssim (rtl/<unit>/<top>.counters), e.g. {"cs_engine", "kwta"}.
std::vector<std::string> RtlBlocks();

}  // namespace cssim
