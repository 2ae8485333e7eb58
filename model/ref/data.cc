#include "model/ref/data.h"

#include <limits>
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

std::vector<int8_t> Draw(uint64_t seed, int64_t count, int lo, int hi) {
  std::mt19937_64 rng(seed);
  std::vector<int8_t> v(static_cast<size_t>(count));
  for (int8_t& x : v) x = int8_t(UniformInt(rng, lo, hi));
  return v;
}

}  // namespace

std::vector<int8_t> GenerateWeights(const Workload& w, size_t layer_index) {
  if (layer_index >= w.layers.size()) {
    throw SimError("GenerateWeights: layer index " + std::to_string(layer_index) +
                   " out of range for workload '" + w.name + "' with " +
                   std::to_string(w.layers.size()) + " layers");
  }
  const int64_t count = w.layers[layer_index].weight_count();
  return Draw(DataSeed(w.seed, layer_index + 1), count, kWeightMin, kWeightMax);
}

std::vector<int8_t> GenerateInput(const Workload& w) {
  return Draw(DataSeed(w.seed, 0), w.input.size(), kInputMin, kInputMax);
}

}  // namespace cssim
