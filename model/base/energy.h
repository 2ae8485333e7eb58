// Energy: the per-action table (from energy YAML) and the one model that turns counted actions
// into energy; units count actions, never joules (docs/style.md, section 3). A Counter's action is
// an action of its group's EnergyRef.component, and that (component, action) pair must be in
// the table: a missing entry is an error, never a silent default.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/base/stats.h"

namespace cssim {

// Energy of one action. With per_bits > 0 it is the energy of a per_bits-wide access and scales
// linearly with the group's width_bits; with size_exponent != 0 it was given for a
// ref_size_bytes capacity and scales by (size_bytes / ref_size_bytes)^size_exponent.
struct EnergyEntry {
  double energy = 0;
  double per_bits = 0;
  double ref_size_bytes = 0;
  double size_exponent = 0;
  std::string source;  // paper, table or assumption the number comes from
};

struct EnergyTable {
  std::string name;
  std::string source;  // file it came from, or "builtin:<name>"
  std::string description;
  std::string unit;  // "pJ" or "MAC-normalised" (then every "pj" below is in MAC units)
  std::map<std::string, std::map<std::string, EnergyEntry>> components;  // component -> action
};

struct ActionEnergy {
  std::string counter;  // full name, e.g. "top.glb.reads"
  std::string component, action, data_type;
  uint64_t count = 0;
  double pj_per_action = 0;
  double pj = 0;          // count * pj_per_action
  std::string unit;       // what one count is ("accesses", "bytes", ...)
  double width_bits = 0;  // the group's access width (0: none given)
  double size_bytes = 0;  // the group's capacity (0: none given)
  std::string source;     // the table entry's source
};

struct EnergyReport {
  double total_pj = 0;
  // Keyed by EnergyRef.component and by DataTypeName. Every component and data type that has a
  // counter with an action is present, even at 0; each map sums to total_pj.
  std::map<std::string, double> by_component, by_datatype;
  std::vector<ActionEnergy> actions;  // one per counter with an action, in Walk order
};

class EnergyModel {
 public:
  explicit EnergyModel(const EnergyTable& table);

  // Energy of one action of counter c (see EnergyEntry). A (component, action) missing from
  // the table is an InputError on key "components.<component>.<action>". A group that lacks
  // the width or size the entry scales with is a SimError (a unit forgot to describe itself).
  double PjPerAction(const Counter& c) const;
  // Throws as PjPerAction for the first counter below root that does not resolve.
  void Validate(const StatGroup& root) const;
  // With the counters' current values.
  EnergyReport Evaluate(const StatGroup& root) const;
  // With counts in Walk order (StatGroup::Snapshot, or a difference of two snapshots).
  EnergyReport Evaluate(const StatGroup& root, const std::vector<uint64_t>& counts) const;

  const EnergyTable& table() const { return table_; }

 private:
  EnergyTable table_;
};

}  // namespace cssim
