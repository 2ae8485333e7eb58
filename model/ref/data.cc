#include "model/ref/data.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>

#include "model/base/error.h"

namespace cssim {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t DataSeed(uint64_t workload_seed, uint64_t stream) {
  return SplitMix64(SplitMix64(workload_seed) + stream);
}

int64_t UniformInt(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  if (lo > hi) throw SimError("UniformInt: empty range");
  const uint64_t span = uint64_t(hi) - uint64_t(lo) + 1;  // 0 means the full 2^64 range
  if (span == 0) return int64_t(rng());
  // Accept only draws below the largest multiple of span, so that every residue is equally
  // likely; fewer than half of the draws are rejected in the worst case.
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  const uint64_t limit = max - (max % span + 1) % span;
  uint64_t r;
  do {
    r = rng();
  } while (r > limit);
  return int64_t(uint64_t(lo) + r % span);
}

namespace {

// UniformInt over a range fixed at compile time: the same draws, with the rejection limit and
// the modulus constants (the generators' hot loops; a run's weights are drawn here).
template <int64_t kLo, int64_t kHi>
int64_t UniformIn(std::mt19937_64& rng) {
  static_assert(kLo <= kHi && uint64_t(kHi) - uint64_t(kLo) + 1 != 0, "a non-empty, short range");
  constexpr uint64_t kSpan = uint64_t(kHi) - uint64_t(kLo) + 1;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  constexpr uint64_t kLimit = kMax - (kMax % kSpan + 1) % kSpan;
  uint64_t r;
  do {
    r = rng();
  } while (r > kLimit);
  return int64_t(uint64_t(kLo) + r % kSpan);
}

template <int64_t kLo, int64_t kHi>
std::vector<int8_t> Draw(uint64_t seed, int64_t count) {
  std::mt19937_64 rng(seed);
  std::vector<int8_t> v(static_cast<size_t>(count));
  for (int8_t& x : v) x = int8_t(UniformIn<kLo, kHi>(rng));
  return v;
}

// Uniform over the non-zero integers of [kWeightMin, kWeightMax]: one draw over a range one
// shorter, shifted past 0, so that every value costs exactly one accepted draw.
static_assert(kWeightMin < 0 && kWeightMax > 0, "the non-zero weight range must straddle 0");
int8_t DrawNonZeroWeight(std::mt19937_64& rng) {
  const int64_t v = UniformIn<kWeightMin, kWeightMax - 1>(rng);
  return int8_t(v >= 0 ? v + 1 : v);
}

// Complementary masks of a sparse layer (see GenerateWeights in data.h): 1 where the weight is
// non-zero, layout [n][fan-in].
std::vector<uint8_t> ComplementaryMasks(const Layer& l, uint64_t seed) {
  const int64_t m = l.out_channels, fan_in = l.fan_in(), nnz = l.nnz();
  const int n = l.pack_n();
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> mask(static_cast<size_t>(l.weight_count()), 0);
  std::vector<int64_t> perm(static_cast<size_t>(fan_in));
  for (int64_t first = 0; first < m; first += n) {
    // Restart from the identity so that each group's permutation depends only on the draws.
    std::iota(perm.begin(), perm.end(), int64_t(0));
    for (int64_t t = fan_in - 1; t > 0; --t) std::swap(perm[t], perm[UniformInt(rng, 0, t)]);
    const int64_t kernels = std::min<int64_t>(n, m - first);
    for (int64_t j = 0; j < kernels; ++j) {
      uint8_t* kernel = mask.data() + (first + j) * fan_in;
      for (int64_t p = j * nnz; p < (j + 1) * nnz; ++p) kernel[perm[p]] = 1;
    }
  }
  return mask;
}

}  // namespace

std::vector<int8_t> GenerateWeights(const Workload& w, size_t layer_index) {
  if (layer_index >= w.layers.size()) {
    throw SimError("GenerateWeights: layer index " + std::to_string(layer_index) +
                   " out of range for workload '" + w.name + "' with " +
                   std::to_string(w.layers.size()) + " layers");
  }
  const Layer& l = w.layers[layer_index];
  const uint64_t value_seed = DataSeed(w.seed, layer_index + 1);
  if (!l.sparse_weights() || l.weight_count() == 0) {
    return Draw<kWeightMin, kWeightMax>(value_seed, l.weight_count());
  }
  const std::vector<uint8_t> mask =
      ComplementaryMasks(l, DataSeed(w.seed, kMaskStream + layer_index));
  std::mt19937_64 rng(value_seed);
  std::vector<int8_t> v(mask.size(), 0);
  for (size_t i = 0; i < mask.size(); ++i) {
    if (mask[i]) v[i] = DrawNonZeroWeight(rng);
  }
  return v;
}

std::vector<int8_t> GenerateInput(const Workload& w) {
  return Draw<kInputMin, kInputMax>(DataSeed(w.seed, 0), w.input.size());
}

std::vector<int8_t> GenerateLayerInput(const Workload& w, size_t layer_index) {
  if (layer_index >= w.layers.size() || !w.layers[layer_index].own_input)
    throw SimError("GenerateLayerInput: layer " + std::to_string(layer_index) +
                   " has no own input");
  return Draw<kInputMin, kInputMax>(DataSeed(w.seed, kInputStream + layer_index),
                                    w.layers[layer_index].in.size());
}

}  // namespace cssim
