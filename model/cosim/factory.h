// The swap point (docs/design.md): for a unit with an RTL twin, the Twin that stands in the
// Engine in its place under --impl rtl|both, or null when this cssim is built without that
// block's RTL (the model then stays). The accelerator calls TwinOf for each unit a run uses.
//
// The registry of twins: every RTL block rtl/<unit>/<top>.counters has a twin, whose header
// model/cosim/<top>_twin.h declares (Camel: the top in CamelCase, pe_array -> PeArray)
//   std::unique_ptr<Twin> Make<Camel>Twin(<Model>& model, <the links it takes over>..., Impl impl,
//                                         const CosimOptions& options, const std::string&
//                                         instance);
//   extern decltype(&Make<Camel>Twin) const k<Camel>Twin;
// and a regression (model/cosim/regress.h). CMake writes the list of blocks (cmake/rtl.cmake,
// twin_list.inc in the generated directory); factory.cc defines each k<Camel>Twin from it:
// Make<Camel>Twin if the block is built, else null. Make<Camel>Twin itself is defined (in
// <top>_twin.cc, which includes the Verilated headers) only in a build with the block.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/cosim/twin.h"

namespace cssim {

// The twin `make` (a block's k<Camel>Twin) builds from `args`, or null if `make` is null.
template <typename Make, typename... Args>
std::unique_ptr<Twin> TwinOf(Make* make, Args&&... args) {
  return make ? make(std::forward<Args>(args)...) : nullptr;
}

// The RTL blocks built into this cssim (rtl/<unit>/<top>.counters), e.g. {"cs_engine", "kwta"},
// in the order of their .counters paths.
std::vector<std::string> RtlBlocks();

}  // namespace cssim
