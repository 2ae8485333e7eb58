#include "model/cosim/factory.h"

#include "model/cosim/twin_headers.h"  // generated: every block's <top>_twin.h and <top>_regress.h

namespace cssim {

#define CSSIM_TWIN(top, Camel) \
  decltype(&Make##Camel##Twin) const k##Camel##Twin = &Make##Camel##Twin;
#define CSSIM_NO_TWIN(top, Camel) decltype(&Make##Camel##Twin) const k##Camel##Twin = nullptr;
#include "model/cosim/twin_list.inc"  // generated: one row per block
#undef CSSIM_TWIN
#undef CSSIM_NO_TWIN

std::vector<std::string> RtlBlocks() {
  return {
#define CSSIM_TWIN(top, Camel) #top,
#define CSSIM_NO_TWIN(top, Camel)
#include "model/cosim/twin_list.inc"
#undef CSSIM_TWIN
#undef CSSIM_NO_TWIN
  };
}

}  // namespace cssim
