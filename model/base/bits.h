// Small integer helpers shared by the units and the compiler.
#pragma once

#include <cstdint>

namespace cssim {

// ceil(log2 x) for x >= 1: the bits that tell x things apart (0 for x = 1).
constexpr int CeilLog2(int64_t x) {
  int bits = 0;
  while ((int64_t(1) << bits) < x) ++bits;
  return bits;
}

// The smallest power of two >= n (1 for n = 0): ring sizes, so that an index wraps with a mask.
constexpr uint64_t Pow2AtLeast(uint64_t n) {
  uint64_t p = 1;
  while (p < n) p *= 2;
  return p;
}

}  // namespace cssim
