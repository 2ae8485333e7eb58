#include "model/base/energy.h"

#include <cmath>

#include "model/base/error.h"

namespace cssim {

EnergyModel::EnergyModel(const EnergyTable& table) : table_(table) {}

double EnergyModel::PjPerAction(const Counter& c) const {
  const EnergyRef& ref = c.group().energy();
  if (c.action().empty()) return 0;
  if (ref.component.empty())
    throw SimError("counter " + c.full_name() + " counts action '" + c.action() +
                   "' but its group names no energy component");
  const std::string key = "components." + ref.component + "." + c.action();
  const auto comp = table_.components.find(ref.component);
  if (comp == table_.components.end() || !comp->second.count(c.action()))
    throw InputError(table_.source, key, "missing; the model counts this action", "");
  const EnergyEntry& e = comp->second.at(c.action());

  double pj = e.energy;
  if (e.per_bits > 0) {
    // A group without a width would silently get zero energy.
    if (ref.width_bits <= 0)
      throw SimError("counter " + c.full_name() + ": " + key +
                     " scales with access width but the group has no width_bits");
    pj *= ref.width_bits / e.per_bits;
  }
  if (e.size_exponent != 0) {
    if (ref.size_bytes <= 0)
      throw SimError("counter " + c.full_name() + ": " + key +
                     " scales with capacity but the group has no size_bytes");
    pj *= std::pow(ref.size_bytes / e.ref_size_bytes, e.size_exponent);
  }
  return pj;
}

void EnergyModel::Validate(const StatGroup& root) const {
  root.Walk([&](const Counter& c) { PjPerAction(c); });
}

EnergyReport EnergyModel::Evaluate(const StatGroup& root) const {
  return Evaluate(root, root.Snapshot());
}

EnergyReport EnergyModel::Evaluate(const StatGroup& root,
                                   const std::vector<uint64_t>& counts) const {
  EnergyReport r;
  size_t i = 0;
  root.Walk([&](const Counter& c) {
    if (i >= counts.size())
      throw SimError("energy: more counters below " + root.full_name() + " than counts given");
    const uint64_t count = counts[i++];
    if (c.action().empty()) return;
    ActionEnergy a;
    a.counter = c.full_name();
    a.component = c.group().energy().component;
    a.action = c.action();
    a.data_type = DataTypeName(c.data_type());
    a.unit = c.unit();
    a.width_bits = c.group().energy().width_bits;
    a.size_bytes = c.group().energy().size_bytes;
    a.count = count;
    a.pj_per_action = PjPerAction(c);  // throws for an action the table lacks
    a.source = table_.components.at(a.component).at(a.action).source;
    a.pj = double(count) * a.pj_per_action;
    r.total_pj += a.pj;
    r.by_component[a.component] += a.pj;
    r.by_datatype[a.data_type] += a.pj;
    r.actions.push_back(std::move(a));
  });
  if (i != counts.size())
    throw SimError("energy: " + std::to_string(counts.size()) + " counts for " + std::to_string(i) +
                   " counters below " + root.full_name());
  return r;
}

}  // namespace cssim
