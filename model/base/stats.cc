#include "model/base/stats.h"

#include <algorithm>

#include "model/base/error.h"

namespace cssim {

const char* DataTypeName(DataType t) {
  switch (t) {
    case DataType::kWeight:
      return "weight";
    case DataType::kInput:
      return "input";
    case DataType::kPsum:
      return "psum";
    case DataType::kOutput:
      return "output";
    case DataType::kKernelId:
      return "kernel_id";
    case DataType::kActList:
      return "act_list";
    case DataType::kNone:
      break;
  }
  return "none";
}

Counter::Counter(StatGroup& parent, std::string name, std::string unit, std::string description,
                 std::string action, DataType data_type)
    : group_(&parent),
      name_(std::move(name)),
      unit_(std::move(unit)),
      description_(std::move(description)),
      action_(std::move(action)),
      data_type_(data_type) {
  parent.AddCounter(this);
}

std::string Counter::full_name() const { return group_->full_name() + "." + name_; }

StatGroup::StatGroup(StatGroup* parent, std::string name, EnergyRef energy)
    : parent_(parent), name_(std::move(name)), energy_(std::move(energy)) {
  if (parent_) parent_->AddChild(this);
}

StatGroup::~StatGroup() {
  if (parent_) parent_->RemoveChild(this);
  for (StatGroup* c : children_) c->parent_ = nullptr;
}

Counter* StatGroup::Find(const std::string& path) const {
  const size_t dot = path.find('.');
  if (dot == std::string::npos) {
    for (Counter* c : counters_)
      if (c->name() == path) return c;
    return nullptr;
  }
  const std::string head = path.substr(0, dot);
  for (StatGroup* g : children_)
    if (g->name() == head) return g->Find(path.substr(dot + 1));
  return nullptr;
}

std::string StatGroup::full_name() const {
  return parent_ ? parent_->full_name() + "." + name_ : name_;
}

void StatGroup::AddCounter(Counter* c) {
  for (const Counter* o : counters_)
    if (o->name() == c->name()) throw SimError("duplicate counter " + c->full_name());
  counters_.push_back(c);
}

void StatGroup::AddChild(StatGroup* g) {
  for (const StatGroup* o : children_)
    if (o->name() == g->name()) throw SimError("duplicate stat group " + g->full_name());
  children_.push_back(g);
}

void StatGroup::RemoveChild(StatGroup* g) {
  children_.erase(std::remove(children_.begin(), children_.end(), g), children_.end());
}

void StatGroup::Walk(const std::function<void(const Counter&)>& visit) const {
  for (const Counter* c : counters_) visit(*c);
  for (const StatGroup* g : children_) g->Walk(visit);
}

std::vector<uint64_t> StatGroup::Snapshot() const {
  std::vector<uint64_t> v;
  Walk([&](const Counter& c) { v.push_back(c.value()); });
  return v;
}

DataTypeCounters::DataTypeCounters(StatGroup& parent, const std::string& name,
                                   const std::string& unit, const std::string& description,
                                   const std::string& action) {
  // One counter per DataType value, in enum order (the index is the enum value).
  for (DataType t : {DataType::kNone, DataType::kWeight, DataType::kInput, DataType::kPsum,
                     DataType::kOutput, DataType::kKernelId, DataType::kActList})
    counters_.push_back(std::make_unique<Counter>(parent, name + "_" + DataTypeName(t), unit,
                                                  description + " (" + DataTypeName(t) + ")",
                                                  action, t));
}

uint64_t DataTypeCounters::Total() const {
  uint64_t n = 0;
  for (const auto& c : counters_) n += c->value();
  return n;
}

}  // namespace cssim
