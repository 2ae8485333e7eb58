// ArrayUnit: what the accelerator needs of a dense PE array, whichever topology builds it: the
// multicast PeArray (model/pe/pe_array.h) or the SystolicArray (model/pe/systolic_array.h).
// Both take ArrayCmds on cmd(), input and weight Beats from the two streamers, and put SumBeats
// for the output collector on out().
#pragma once

#include <cstdint>
#include <vector>

#include "model/base/link.h"
#include "model/base/unit.h"
#include "model/compile/program.h"

namespace cssim {

// One output beat: the sums of one pixel (a weight- or output-stationary pass: v[c] is column
// c's output channel), or, for an input-stationary pass, of one output channel across the
// pass's pixels (v[c] is pixel c of the pass; `pixel` then holds the channel index).
struct SumBeat {
  int64_t pixel = 0;  // pass-local pixel index (input-stationary: pass-local channel)
  std::vector<int32_t> v;
};

class ArrayUnit : public Unit {
 public:
  virtual Link<ArrayCmd>& cmd() = 0;
  virtual Link<SumBeat>& out() = 0;
  virtual std::vector<LinkBase*> links() = 0;
  virtual int pe_count() const = 0;
  virtual uint64_t macs() const = 0;
  // Clock-gated PE-cycles (no MAC): the top adds them per op, since skipped cycles are not ticked.
  virtual void AddIdle(uint64_t pe_cycles) = 0;
};

}  // namespace cssim
