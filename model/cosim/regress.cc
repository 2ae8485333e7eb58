#include "model/cosim/regress.h"

#ifdef CSSIM_HAS_RTL_PE_ARRAY
#include "model/cosim/pe_array_regress.h"
#endif
#ifdef CSSIM_HAS_RTL_CS_ENGINE
#include "model/cosim/cs_engine_regress.h"
#endif
#ifdef CSSIM_HAS_RTL_SPARSE_ACCUM
#include "model/cosim/sparse_accum_regress.h"
#endif
#ifdef CSSIM_HAS_RTL_KWTA
#include "model/cosim/kwta_regress.h"
#endif

namespace cssim {

const BlockRegress* FindBlockRegress(const std::string& block) {
  static const BlockRegress kBlocks[] = {
#ifdef CSSIM_HAS_RTL_PE_ARRAY
      {"pe_array", [](uint64_t seed, Impl impl,
                      const CosimOptions& o) { return RunPeArrayRegress(seed, impl, o); }},
#endif
#ifdef CSSIM_HAS_RTL_CS_ENGINE
      {"cs_engine", [](uint64_t seed, Impl impl,
                       const CosimOptions& o) { return RunCsEngineRegress(seed, impl, o); }},
#endif
#ifdef CSSIM_HAS_RTL_SPARSE_ACCUM
      {"sparse_accum", [](uint64_t seed, Impl impl,
                          const CosimOptions& o) { return RunSparseAccumRegress(seed, impl, o); }},
#endif
#ifdef CSSIM_HAS_RTL_KWTA
      {"kwta", [](uint64_t seed, Impl impl,
                  const CosimOptions& o) { return RunKwtaRegress(seed, impl, o); }},
#endif
      {nullptr, nullptr},
  };
  for (const BlockRegress& b : kBlocks)
    if (b.block && block == b.block) return &b;
  return nullptr;
}

}  // namespace cssim
