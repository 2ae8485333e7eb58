// The post-processing unit's element operations, shared by the output collector and the vector
// unit: the output stage (requantise, then ReLU), the average pool's divider and little-endian
// element packing.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

namespace cssim {

// The requantiser as the hardware builds it: a 64-bit adder adds the rounding bit 2^(shift-1)
// (64 bits, so that x near INT32_MAX cannot overflow), an arithmetic right shift by `shift`
// (0..62) drops the fraction rounding down, and a saturator clamps to int8. Together: x / 2^shift
// rounded half up (towards +infinity), then saturated, which is the rounding the reference
// defines (Requantize, model/ref/ref.h). The reference computes it its own way (floor division);
// tb/unit/ppu/ppu_ops_test.cc checks the two agree.
inline int32_t PpuRequantize(int32_t x, int shift) {
  static_assert((-3 >> 1) == -2, "PpuRequantize needs an arithmetic right shift");
  int64_t v = x;
  if (shift > 0) v = (v + (int64_t{1} << (shift - 1))) >> shift;
  if (v > 127) return 127;
  if (v < -128) return -128;
  return int32_t(v);
}

// The average pool's divider: the window's sum (int64, so that int32 windows cannot overflow)
// over its n elements, rounded half up like the requantiser: floor((2 * sum + n) / (2 * n)), an
// adder and a divider by the constant 2n whose quotient rounds towards -infinity. The reference
// computes it its own way (model/ref/ref.cc, AvgPool); tb/unit/ppu/ppu_ops_test.cc checks they
// agree.
inline int32_t PpuAverage(int64_t sum, int n) {
  const int64_t num = 2 * sum + n, den = 2 * int64_t(n);
  int64_t q = num / den;
  if (num % den != 0 && num < 0) q -= 1;  // C++ truncates towards zero
  return int32_t(q);
}

// The residual adder: the sum of two elements (int64, from int32 operands) saturated to the
// elements' type, int8 (1 byte) or int32 (4).
inline int32_t PpuAdd(int64_t sum, int elem_bytes) {
  const int64_t hi = elem_bytes == 1 ? 127 : std::numeric_limits<int32_t>::max();
  const int64_t lo = elem_bytes == 1 ? -128 : std::numeric_limits<int32_t>::min();
  return int32_t(sum > hi ? hi : sum < lo ? lo : sum);
}

inline int32_t OutputStage(int32_t x, bool requant, int shift, bool relu) {
  if (requant) x = PpuRequantize(x, shift);
  return relu ? std::max(x, 0) : x;
}

// Elements are int8 (1 byte) or int32 (4 bytes, little endian).
inline void StoreElem(uint8_t* dst, int32_t v, int elem_bytes) {
  if (elem_bytes == 1)
    dst[0] = uint8_t(int8_t(v));
  else
    std::memcpy(dst, &v, 4);
}

inline int32_t LoadElem(const uint8_t* src, int elem_bytes) {
  if (elem_bytes == 1) return int8_t(src[0]);
  int32_t v;
  std::memcpy(&v, src, 4);
  return v;
}

}  // namespace cssim
