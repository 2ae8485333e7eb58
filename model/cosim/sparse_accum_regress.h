// Random-stimulus regression of the sparse-sparse accumulate unit (model/cs/sparse_accum.h)
// against its RTL twin (rtl/cs/sparse_accum.sv): the `cssim regress` workload for the block and
// the body of its cosim tests.
//
// One seed makes one run: a real GLB (model/glb, default config) behind the unit's port (16
// lanes, as the accelerator adds it), a second GLB client stealing banks in bursts (not in every
// profile), and a list of commands, each a random small conv or linear layer with complementary
// sparse weights (GenerateWeights) packed by the real packer (model/compile/packer.h: channel-major
// rows for conv, a random tile of its groups) times a random sorted active list, every region at
// an unaligned GLB address; commands are fed with random gaps and done is taken with random
// back-pressure. The profile (seed % 4) picks the mix: 0 mixed; 1 many tiny layers with long
// idle gaps; 2 wide rows (linear layers of hundreds of groups: several MAC cycles per row, and
// rows beyond the row buffer) and big convs, no bank thief; 3 convs under heavy done
// back-pressure. Every random decision is a function of the seed and the cycle, never of how
// many cycles the engine ticked. At the end the GLB must hold exactly the dense reference's
// outputs (model/ref RefLayer on the masked weights and the listed inputs, through the output
// stage) and the unit's action counters the reference's totals; otherwise SimError.
#pragma once

#include <cstdint>

#include "model/base/twin.h"
#include "model/cosim/regress.h"
#include "model/cosim/twin.h"

namespace cssim {

// impl: kBoth (model and RTL in lockstep, under the SystemC kernel), kRtl (the RTL alone, under
// the SystemC kernel) or kModel (the model alone, in the kernel-free loop). A run under the
// SystemC kernel must be the process's only one. Throws CosimMismatch on the first difference
// (kBoth), SimError if the outputs or counters differ from the reference.
RegressResult RunSparseAccumRegress(uint64_t seed, Impl impl, const CosimOptions& options);

}  // namespace cssim
