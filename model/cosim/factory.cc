#include "model/cosim/factory.h"

#include <sstream>

#ifdef CSSIM_HAS_RTL_PE_ARRAY
#include "model/cosim/pe_array_twin.h"
#endif
#ifdef CSSIM_HAS_RTL_CS_ENGINE
#include "model/cosim/cs_engine_twin.h"
#endif
#ifdef CSSIM_HAS_RTL_SPARSE_ACCUM
#include "model/cosim/sparse_accum_twin.h"
#endif
#ifdef CSSIM_HAS_RTL_KWTA
#include "model/cosim/kwta_twin.h"
#endif

namespace cssim {

std::unique_ptr<Twin> TwinOf(PeArray& array, Link<Beat>& in, Link<Beat>& weight, Impl impl,
                             const CosimOptions& options, const std::string& instance) {
#ifdef CSSIM_HAS_RTL_PE_ARRAY
  return MakePeArrayTwin(array, in, weight, impl, options, instance);
#else
  return nullptr;
#endif
}

std::unique_ptr<Twin> TwinOf(CsEngine& cs, Link<Beat>& in, Link<Beat>& weight, Link<Beat>& id,
                             Impl impl, const CosimOptions& options, const std::string& instance) {
#ifdef CSSIM_HAS_RTL_CS_ENGINE
  return MakeCsEngineTwin(cs, in, weight, id, impl, options, instance);
#else
  return nullptr;
#endif
}

std::unique_ptr<Twin> TwinOf(SparseAccum& ss, Glb::Port& glb, Impl impl,
                             const CosimOptions& options, const std::string& instance) {
#ifdef CSSIM_HAS_RTL_SPARSE_ACCUM
  return MakeSparseAccumTwin(ss, glb, impl, options, instance);
#else
  return nullptr;
#endif
}

std::unique_ptr<Twin> TwinOf(Kwta& kwta, Glb::Port& glb, Impl impl, const CosimOptions& options,
                             const std::string& instance) {
#ifdef CSSIM_HAS_RTL_KWTA
  return MakeKwtaTwin(kwta, glb, impl, options, instance);
#else
  return nullptr;
#endif
}

std::vector<std::string> RtlBlocks() {
  std::vector<std::string> blocks;
  std::stringstream ss(CSSIM_RTL_BLOCKS);
  for (std::string b; std::getline(ss, b, ',');)
    if (!b.empty()) blocks.push_back(b);
  return blocks;
}

}  // namespace cssim
