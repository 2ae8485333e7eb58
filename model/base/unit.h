// Unit: the cycle behaviour of one hardware block as a plain C++ class (no SystemC inside), so
// that it is unit-testable without the kernel and can be ticked by the SystemC wrapper or by the
// kernel-free loop with identical results.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace cssim {

using Cycle = uint64_t;
constexpr Cycle kNever = std::numeric_limits<Cycle>::max();

class Unit {
 public:
  virtual ~Unit() = default;
  // Advances one clock: reads inputs visible this cycle, pushes outputs (visible next cycle).
  virtual void Tick(Cycle now) = 0;
  // The earliest cycle after `now` at which Tick may act although no link moved: kNever if the
  // unit only reacts to its links. The engine skips cycles in which nothing can change.
  virtual Cycle NextEvent(Cycle now) const = 0;
  // One line about what the unit waits for (named in a deadlock report).
  virtual std::string DebugState() const { return ""; }
};

}  // namespace cssim
