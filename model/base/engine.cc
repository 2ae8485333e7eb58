#include "model/base/engine.h"

#include <algorithm>
#include <sstream>

#include "model/base/error.h"
#include "model/base/twin.h"

namespace cssim {

Cycle Engine::EndCycle(Cycle now, const std::function<bool()>& done) {
  bool moved = false;
  for (LinkBase* l : links_) moved |= l->Commit();
  if (moved) return now + 1;
  Cycle next = kNever;
  for (const Unit* u : units_) next = std::min(next, u->NextEvent(now));
  if (next == kNever && !done()) throw SimError(DeadlockReport(now));
  return next;
}

Cycle Engine::Run(const std::function<bool()>& done, const std::function<void(Cycle)>& on_cycle) {
  for (Unit* u : units_)
    if (dynamic_cast<TwinUnit*>(u))
      throw InputError("", "--kernel", "direct cannot run an RTL twin (--impl rtl|both)",
                       "--kernel systemc");
  Cycle now = 0;
  for (;;) {
    for (Unit* u : units_) u->Tick(now);
    const Cycle next = EndCycle(now, done);
    on_cycle(now);
    if (done()) return now + 1;
    now = next;
  }
}

std::string Engine::DeadlockReport(Cycle now) const {
  std::ostringstream os;
  os << "deadlock at cycle " << now << ": no unit can act;";
  for (const Unit* u : units_) {
    const std::string s = u->DebugState();
    if (!s.empty()) os << " [" << s << "]";
  }
  for (const LinkBase* l : links_)
    if (l->occupancy() > 0) os << " " << l->name() << "=" << l->occupancy();
  return os.str();
}

}  // namespace cssim
