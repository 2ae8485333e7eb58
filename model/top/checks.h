// The run's own checks, after the simulation: every op's output read back from DRAM against the
// reference network (model/ref), bit for bit, and the MACs each engine performed against the
// count its mapping implies. Each check throws SimError on the first disagreement.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/base/workload.h"
#include "model/compile/program.h"
#include "model/dram/dram.h"

namespace cssim {

// Every layer's output of the reference network (RefNetwork), CHW, in layer order.
using RefOutputs = std::vector<std::vector<int32_t>>;

// The reference network is needed for the output check and for the sparse-sparse MAC counts
// (which depend on the k-WTA winners); large networks take seconds, so it is computed only then.
bool NeedsReference(const Program& program, bool check_outputs);

// Input of layer `i` of the reference network: the generated input for layer 0, its own
// generated input for a layer with one (Layer::own_input), the output of layer `from` for one
// with that, else the previous layer's output.
std::vector<int32_t> LayerInput(const Workload& w, const RefOutputs& ref, int i);

// MACs each op of `program` must perform: the array does every MAC of the layer; the CS engine
// one per non-zero weight per output pixel; the sparse-sparse unit one per non-zero weight met by
// an active input (this needs `ref`); vector and k-WTA ops none.
std::vector<int64_t> ExpectedMacs(const Program& program, const Workload& workload,
                                  const RefOutputs& ref);

// Op `op` performed `performed` MACs, its mapping has `expected`.
void CheckOpMacs(const Op& op, int64_t performed, int64_t expected);

// The mode's engine (`engine`: "array" or "CS engine") performed `performed` MACs in the whole
// run, the `mode` mapping of the workload has `expected`.
void CheckEngineMacs(const std::string& engine, Mode mode, uint64_t performed, int64_t expected);

// Every op's output at `base` in `dram` (the instance's DRAM region), bit for bit against `ref`:
// tensors element by element, a k-WTA op's active list entry by entry.
void CheckNetwork(Dram& dram, uint64_t base, const Program& program, const Workload& workload,
                  const RefOutputs& ref);

}  // namespace cssim
