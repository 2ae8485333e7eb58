// The k-WTA unit's RTL twin (rtl/kwta/kwta.sv) as an Engine unit (model/cosim/twin.h): stands
// where the model unit `kwta` would, on the same links (its cmd and done, and the GLB port it
// was built with).
// The RTL is built for the default arch: kwta.lanes 16, kwta.scan_bins_per_cycle 8, GLB words
// of 8 bytes, a GLB port of 2 lanes whose response link holds at most 4 items.
#pragma once

#include <memory>
#include <string>

#include "model/cosim/twin.h"
#include "model/glb/glb.h"
#include "model/kwta/kwta.h"

namespace cssim {

// Throws InputError (key --impl) if the model's configuration is not the RTL's.
std::unique_ptr<Twin> MakeKwtaTwin(Kwta& model, Glb::Port& glb, Impl impl,
                                   const CosimOptions& options, const std::string& instance);

// MakeKwtaTwin if this cssim is built with the block's RTL, else null (model/cosim/factory.h).
extern decltype(&MakeKwtaTwin) const kKwtaTwin;

}  // namespace cssim
