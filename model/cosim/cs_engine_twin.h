// The CS engine's RTL twin: rtl/cs/cs_engine.sv, Verilated in SystemC mode, standing in the
// Engine where the CsEngine model would (model/cosim/twin.h explains rtl and both modes).
//
// Ports: cmd (ArrayCmd fields rows_used, cols_used, k0, k, kp, pixels, n, out_cols), in, weight
// and id (one Beat each: a beat narrower than the RTL bus is zero-padded), out (SumBeat: the RTL
// puts out Engines * MaxN slots and their count out_cols; the twin builds the SumBeat of that
// many values). The RTL is built for one configuration, the default arch's CS engine.
// In rtl mode the twin repeats the model's command checks (SimError) when the RTL takes a
// command; it does not repeat the per-beat ones (a kernel ID >= n, a beat narrower than the
// pass): the RTL keeps the low bits of an ID and reads a missing lane as zero.
#pragma once

#include <memory>
#include <string>

#include "model/base/link.h"
#include "model/cosim/twin.h"
#include "model/cs/cs_engine.h"
#include "model/noc/streamer.h"

namespace cssim {

// `model` must have been built with the links in, weight and id. Throws InputError (key --impl)
// if the model's configuration is not the one the RTL is built for.
std::unique_ptr<Twin> MakeCsEngineTwin(CsEngine& model, Link<Beat>& in, Link<Beat>& weight,
                                       Link<Beat>& id, Impl impl, const CosimOptions& options,
                                       const std::string& instance);

// MakeCsEngineTwin if this cssim is built with the block's RTL, else null (model/cosim/factory.h).
extern decltype(&MakeCsEngineTwin) const kCsEngineTwin;

}  // namespace cssim
