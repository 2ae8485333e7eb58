// Flatten: the fields of a link item, in a fixed order, for the co-simulation scoreboard
// (model/cosim/twin.h). One overload per item type an RTL twin puts out.
#pragma once

#include <cstdint>
#include <string>

#include "model/cosim/twin.h"
#include "model/glb/glb.h"
#include "model/pe/pe_array.h"

namespace cssim {

inline void Flatten(const SumBeat& s, Fields* f) {
  f->push_back({"pixel", s.pixel});
  for (size_t i = 0; i < s.v.size(); ++i) f->push_back({"v[" + std::to_string(i) + "]", s.v[i]});
}

// A done index (a finished command's index).
inline void Flatten(const uint32_t& index, Fields* f) { f->push_back({"index", index}); }

// A GLB request: the data bytes count only where the write enables are set.
inline void Flatten(const GlbReq& r, Fields* f) {
  f->push_back({"addr", r.addr});
  f->push_back({"write", r.write});
  f->push_back({"tag", r.tag});
  f->push_back({"data_type", int64_t(r.data_type)});
  if (!r.write) return;
  f->push_back({"mask", int64_t(r.mask)});
  for (int i = 0; i < kMaxGlbWordBytes; ++i)
    if (r.mask >> i & 1) f->push_back({"data[" + std::to_string(i) + "]", r.data[i]});
}

}  // namespace cssim
