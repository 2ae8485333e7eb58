// Engine: advances a set of Units connected by Links, one clock at a time, and skips cycles in
// which nothing can change. The SystemC top (model/base/sc_kernel.h) drives the same Step logic
// from SystemC processes; Run() here is the kernel-free loop. Both must agree cycle for cycle.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "model/base/link.h"
#include "model/base/unit.h"

namespace cssim {

class Engine {
 public:
  void AddUnit(Unit* u, std::string name) {
    units_.push_back(u);
    names_.push_back(std::move(name));
  }
  const std::vector<std::string>& unit_names() const { return names_; }
  void AddLink(LinkBase* l) { links_.push_back(l); }
  const std::vector<Unit*>& units() const { return units_; }

  // Commits every link after all units ticked cycle `now`; returns the next cycle that must be
  // ticked. Throws SimError (deadlock) if no unit can ever act again while `done()` is false.
  Cycle EndCycle(Cycle now, const std::function<bool()>& done);

  // Kernel-free loop: ticks from cycle 0 until done() holds after a cycle; returns the cycle
  // count (the index of the last ticked cycle + 1). `on_cycle` runs after every ticked cycle.
  Cycle Run(const std::function<bool()>& done, const std::function<void(Cycle)>& on_cycle);

  std::string DeadlockReport(Cycle now) const;

 private:
  std::vector<Unit*> units_;
  std::vector<std::string> names_;
  std::vector<LinkBase*> links_;
};

}  // namespace cssim
