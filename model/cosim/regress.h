// Block-level co-simulation regressions: for each RTL block, a random-stimulus harness (random
// commands and operands, random valid gaps and back-pressure) around the block's twin, seeded.
// `cssim regress` and the cosim test tier call them; each run needs its own process (SystemC
// elaborates once per process). Each block's model/cosim/<top>_regress.h declares a
// Run<Camel>Regress (Camel: the top in CamelCase) that takes (seed, impl, options)
// and returns a RegressResult; the table of FindBlockRegress lists those of the blocks this
// cssim is built with (the registry of twins, model/cosim/factory.h).
#pragma once

#include <cstdint>
#include <string>

#include "model/cosim/twin.h"

namespace cssim {

struct RegressResult {
  Cycle cycles = 0;
  uint64_t transactions = 0;  // link transfers compared (both) or made (rtl)
};

struct BlockRegress {
  const char* block;  // the RTL top: "pe_array", "cs_engine", "sparse_accum", "kwta"
  RegressResult (*run)(uint64_t seed, Impl impl, const CosimOptions& options);
};

// The harness of `block`, or null if this cssim was built without it.
const BlockRegress* FindBlockRegress(const std::string& block);

}  // namespace cssim
