// The post-processing unit's element operations, shared by the output collector and the vector
// unit: the output stage (requantise, then ReLU) and little-endian element packing.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "model/ref/ref.h"

namespace cssim {

inline int32_t OutputStage(int32_t x, bool requant, int shift, bool relu) {
  if (requant) x = Requantize(x, shift);
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
