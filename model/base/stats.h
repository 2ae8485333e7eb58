// Statistics: typed counters declared once, as members of the unit that counts them.
//
// A Counter has a name, a unit, a description, and optionally the energy action it stands for
// (an action of its group's energy component, e.g. "read" of "glb") and the data type it moves.
// Units count actions, never joules: EnergyModel turns counts into pJ with the energy table.
// Full names come from the group hierarchy: "top.glb.reads".
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cssim {

// kKernelId: the CS kernel-ID arrays; kActList: compressed (index, value) activation lists.
enum class DataType { kNone, kWeight, kInput, kPsum, kOutput, kKernelId, kActList };
const char* DataTypeName(DataType t);

// What the energy model needs to know about the hardware a group of counters belongs to.
struct EnergyRef {
  std::string component;   // energy table component: "dram", "glb", "noc", "rf", "mac", ...
  double size_bytes = 0;   // capacity, for tables that scale energy with size
  double width_bits = 0;   // access width, for tables that scale energy with width
  uint64_t instances = 1;  // how many identical copies the group stands for (e.g. PEs)
};

class StatGroup;

class Counter {
 public:
  // action empty: a counter with no energy (stall cycles, occupancy, ...).
  Counter(StatGroup& parent, std::string name, std::string unit, std::string description,
          std::string action = "", DataType data_type = DataType::kNone);
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void Add(uint64_t n = 1) { value_ += n; }
  // Only for a unit whose counting is done elsewhere: an RTL twin's counters (model/cosim).
  void Set(uint64_t v) { value_ = v; }
  uint64_t value() const { return value_; }
  const std::string& name() const { return name_; }
  const std::string& unit() const { return unit_; }
  const std::string& description() const { return description_; }
  const std::string& action() const { return action_; }
  DataType data_type() const { return data_type_; }
  const StatGroup& group() const { return *group_; }
  std::string full_name() const;

 private:
  StatGroup* group_;
  std::string name_, unit_, description_, action_;
  DataType data_type_;
  uint64_t value_ = 0;
};

class StatGroup {
 public:
  // parent null: the root. A duplicate child or counter name is an error (SimError).
  StatGroup(StatGroup* parent, std::string name, EnergyRef energy = {});
  StatGroup(const StatGroup&) = delete;
  StatGroup& operator=(const StatGroup&) = delete;
  ~StatGroup();

  const std::string& name() const { return name_; }
  std::string full_name() const;
  const EnergyRef& energy() const { return energy_; }
  void set_energy(EnergyRef e) { energy_ = std::move(e); }
  const std::vector<Counter*>& counters() const { return counters_; }
  const std::vector<StatGroup*>& children() const { return children_; }

  // Visits every counter below this group, depth first, in declaration order.
  void Walk(const std::function<void(const Counter&)>& visit) const;
  // The counter at `path` below this group ("mac.macs"), or null.
  Counter* Find(const std::string& path) const;
  // All counter values in Walk order (for per-layer deltas).
  std::vector<uint64_t> Snapshot() const;

 private:
  friend class Counter;
  void AddCounter(Counter* c);
  void AddChild(StatGroup* g);
  void RemoveChild(StatGroup* g);

  StatGroup* parent_;
  std::string name_;
  EnergyRef energy_;
  std::vector<Counter*> counters_;
  std::vector<StatGroup*> children_;
};

// One counter per data type for the same action: "<name>_weight", "<name>_input", ...
class DataTypeCounters {
 public:
  DataTypeCounters(StatGroup& parent, const std::string& name, const std::string& unit,
                   const std::string& description, const std::string& action);
  void Add(DataType t, uint64_t n = 1) { counters_.at(size_t(t))->Add(n); }
  uint64_t Total() const;

 private:
  std::vector<std::unique_ptr<Counter>> counters_;  // indexed by DataType
};

}  // namespace cssim
