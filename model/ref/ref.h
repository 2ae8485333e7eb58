// Golden reference: plain, obviously-correct C++ of every layer kind, bit-exact with the
// hardware model (which the run compares against it, output tensor by output tensor).
//
// Tensors are flat vectors in [c][y][x] order; every value is held as int32 whatever the layer's
// element type (int8 layers hold values in [-128, 127]).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "model/base/workload.h"

namespace cssim {

// The requant step: x / 2^shift rounded half up (towards +infinity: 2.5 -> 3, -2.5 -> -2),
// then saturated to int8; shift is 0..62. Written as exact rational arithmetic (floor division
// and a remainder test), on purpose not as the hardware's add-and-shift (PpuRequantize in
// model/ppu/ppu_ops.h), so that a slip in either shows up as a disagreement.
int32_t Requantize(int32_t x, int shift);

// k-winners-take-all over a whole map (CHW in and out): keeps the k largest values and zeroes the
// rest. Ties are broken by the lowest index in HWC order ((y * w + x) * c + ch), the order in
// which the hardware holds and scans activations, so that model and reference pick the same
// winners. Exactly min(k, size) values are kept, whatever their sign.
std::vector<int32_t> KwtaRef(const Shape& s, const std::vector<int32_t>& chw, int64_t k);
// The winners KwtaRef keeps, as HWC flat indices in ascending order (the active list's order).
std::vector<int64_t> KwtaWinners(const Shape& s, const std::vector<int32_t>& chw, int64_t k);

// Output of one layer. `in` has l.in.size() values, `weights` has l.weight_count() values in
// the layout of GenerateWeights (empty for layers without weights). conv and linear sum in
// int32 and need int8-range inputs. Throws SimError if a size, l.out or a value range is
// inconsistent (a bug in the caller or in shape inference), or if a sum overflows int32.
std::vector<int32_t> RefLayer(const Layer& l, const std::vector<int32_t>& in,
                              const std::vector<int8_t>& weights);
// Output of an add layer: in + other element by element, saturated to the range of l.in_type.
// RefLayer refuses an add (it has only one operand).
std::vector<int32_t> RefAdd(const Layer& l, const std::vector<int32_t>& in,
                            const std::vector<int32_t>& other);

// Runs the whole network on GenerateInput(w) with GenerateWeights(w, i) (a layer with its own
// input reads GenerateLayerInput(w, i), one with `from` that layer's output, an add also the
// output of its `with`): element i is the output of layer i.
std::vector<std::vector<int32_t>> RefNetwork(const Workload& w);

}  // namespace cssim
