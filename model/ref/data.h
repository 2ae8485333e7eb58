// Seeded synthetic data: the network input and the weights of every conv/linear layer.
//
// cssim does not train, so tensors are generated, and the same workload seed must give the
// same bits on every machine and standard library. std::mt19937_64 is specified exactly by the
// standard, but std::uniform_int_distribution is not, so the mapping to a range is ours
// (UniformInt).
//
// Seeds: every tensor has its own stream, seeded with
//   DataSeed(s, k) = SplitMix64(SplitMix64(s) + k)      (arithmetic mod 2^64)
// where s is Workload::seed and k = 0 for the network input, k = i + 1 for the weight values
// of layer i, k = kMaskStream + i for the sparsity masks of layer i, and k = kInputStream + i
// for the own input of layer i (Layer::own_input). kMaskStream = 2^32 and kInputStream = 2^33
// keep the streams apart for any workload of fewer than 2^32 - 1 layers. SplitMix64 is the
// finaliser of Steele, Lea, Flood, "Fast splittable pseudorandom number generators" (OOPSLA 2014).
// Because it is a bijection, different streams of one seed get different generator seeds, so
// changing one layer never shifts another layer's data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "model/base/workload.h"

namespace cssim {

// Weights are drawn from [kWeightMin, kWeightMax], not the full int8 range, so that conv/linear
// sums over thousands of products stay in a realistic range for the requant shifts.
constexpr int kWeightMin = -15;
constexpr int kWeightMax = 15;
// First stream of the per-layer mask streams (see the seed comment above).
constexpr uint64_t kMaskStream = uint64_t(1) << 32;
// First stream of the per-layer own-input streams.
constexpr uint64_t kInputStream = uint64_t(1) << 33;
// Network input values cover the full int8 range.
constexpr int kInputMin = -128;
constexpr int kInputMax = 127;

uint64_t SplitMix64(uint64_t x);
uint64_t DataSeed(uint64_t workload_seed, uint64_t stream);

// Uniform integer in [lo, hi] (lo <= hi), exactly uniform (rejection sampling), and the same
// sequence for the same generator state on every platform.
int64_t UniformInt(std::mt19937_64& rng, int64_t lo, int64_t hi);

// Weights of layer `layer_index` (layer.weight_count() values), layout [n][c][ky][kx]; for a
// linear layer [n][c][y][x] over the whole input map. Empty for a layer without weights. Throws
// SimError for an index out of range.
//
// Dense layer (weight_density 1): every value uniform in [kWeightMin, kWeightMax] (so some are
// zero), drawn in layout order from the value stream.
//
// Sparse layer (Layer::sparse_weights()), complementary masks as in docs/background.md, section 2:
// output channels are taken in groups of N = pack_n() (the last group may be partial). For each
// group, in order, the mask stream draws a random permutation `perm` of the fan-in positions
// 0..L-1 (L = fan_in(), position = (c * kh + ky) * kw + kx, i.e. layout order within a kernel)
// by Fisher-Yates from the identity (for t = L-1 down to 1: swap perm[t] and
// perm[UniformInt(0, t)]); kernel j of the group is non-zero exactly at
// perm[j * nnz .. (j + 1) * nnz). So every kernel has exactly nnz() non-zeros and the kernels of
// a group never share a position. The values at those positions are then drawn in layout order
// from the value stream, uniform over the non-zero integers of [kWeightMin, kWeightMax]; every
// other weight is 0.
std::vector<int8_t> GenerateWeights(const Workload& w, size_t layer_index);

// Network input (w.input.size() values, uniform in [kInputMin, kInputMax]), layout [c][y][x].
std::vector<int8_t> GenerateInput(const Workload& w);

// Own input of layer `layer_index` (Layer::own_input; l.in.size() values, uniform in
// [kInputMin, kInputMax]), layout [c][y][x]. Throws SimError for a layer without one.
std::vector<int8_t> GenerateLayerInput(const Workload& w, size_t layer_index);

}  // namespace cssim
