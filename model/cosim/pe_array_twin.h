// The PE array's RTL twin (rtl/pe/pe_array.sv) in place of the PeArray model unit: Impl::kRtl
// runs the Verilated array on the model's links, Impl::kBoth runs both in lockstep and compares
// every cmd / in / weight transfer and every out SumBeat (value and cycle), and at the end the
// counters of rtl/pe/pe_array.counters.
// The RTL is built for the default arch only: a 16 x 16 weight-stationary array, 64 weight RF
// entries in 2 banks (kp up to 32). Passes must have 1 <= rows_used, cols_used, kp and pixels,
// k0 and k within int32, pixels within uint32 (the compiler makes no others).
#pragma once

#include <memory>
#include <string>

#include "model/base/link.h"
#include "model/cosim/twin.h"
#include "model/noc/streamer.h"
#include "model/pe/pe_array.h"

namespace cssim {

// `in` and `weight` are the links `model` was built with. Throws InputError (key --impl) if the
// model's configuration is not the one the RTL is built for.
std::unique_ptr<Twin> MakePeArrayTwin(PeArray& model, Link<Beat>& in, Link<Beat>& weight, Impl impl,
                                      const CosimOptions& options, const std::string& instance);

// MakePeArrayTwin if this cssim is built with the block's RTL, else null (model/cosim/factory.h).
extern decltype(&MakePeArrayTwin) const kPeArrayTwin;

}  // namespace cssim
