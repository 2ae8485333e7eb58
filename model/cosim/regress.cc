#include "model/cosim/regress.h"

#include "model/cosim/twin_headers.h"  // generated: every block's <top>_twin.h and <top>_regress.h

namespace cssim {

const BlockRegress* FindBlockRegress(const std::string& block) {
  static const BlockRegress kBlocks[] = {
#define CSSIM_TWIN(top, Camel)                                       \
  {#top, [](uint64_t seed, Impl impl, const CosimOptions& options) { \
     return Run##Camel##Regress(seed, impl, options);                \
   }},
#define CSSIM_NO_TWIN(top, Camel)
#include "model/cosim/twin_list.inc"  // generated: one row per block
#undef CSSIM_TWIN
#undef CSSIM_NO_TWIN
      {nullptr, nullptr},
  };
  for (const BlockRegress& b : kBlocks)
    if (b.block && block == b.block) return &b;
  return nullptr;
}

}  // namespace cssim
