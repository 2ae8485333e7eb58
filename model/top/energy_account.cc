#include "model/top/energy_account.h"

#include <utility>

namespace cssim {

int64_t ModeEngine::multipliers() const {
  return dense_ ? acc_.dense_pe_count() : acc_.cs().multipliers();
}

uint64_t ModeEngine::macs() const {
  return dense_ ? acc_.dense_macs() : acc_.cs().macs() + acc_.ss().macs();
}

uint64_t ModeEngine::busy() const {
  return dense_ ? acc_.dense_macs()
                : acc_.cs().macs() + acc_.cs().gated() + acc_.ss().macs() + acc_.ss().gated();
}

void ModeEngine::AddIdle(uint64_t multiplier_cycles) {
  if (dense_)
    acc_.AddDenseIdle(multiplier_cycles);
  else
    acc_.cs().AddIdle(multiplier_cycles);
}

void ModeEngine::ChargeIdleUntil(Cycle cycles) {
  AddIdle(uint64_t(multipliers()) * cycles - busy());
}

OpLedger::OpLedger(Accelerator& acc, ModeEngine& engine)
    : acc_(acc), engine_(engine), snaps_{acc.stats().Snapshot()} {}

void OpLedger::OnCycle(Cycle now) {
  while (acc_.controller().ops_done() >= end_.size()) {
    const Cycle len = now + 1 - end_.back();
    engine_.AddIdle(uint64_t(engine_.multipliers()) * len - (engine_.busy() - busy_.back()));
    end_.push_back(now + 1);
    macs_.push_back(engine_.macs());
    busy_.push_back(engine_.busy());
    dram_.push_back(acc_.dma().bytes_moved());
    snaps_.push_back(acc_.stats().Snapshot());
  }
}

std::vector<LayerResult> OpLedger::Layers(const Program& program, const EnergyModel& energy,
                                          const std::vector<CounterValue>& counters) const {
  const int64_t mults = engine_.multipliers();
  std::vector<LayerResult> layers;
  for (size_t i = 0; i < program.ops.size(); ++i) {
    const Op& op = program.ops[i];
    LayerResult l;
    l.name = op.name;
    l.kind = op.kind;
    l.engine = OpEngineName(op.engine);
    l.cycles = end_[i + 1] - end_[i];
    l.dense_macs = op.macs;
    l.macs = int64_t(macs_[i + 1] - macs_[i]);
    l.mac_utilization = double(l.macs) / (double(l.cycles) * double(mults));
    if (op.slots > 0) {
      l.pack_n = op.pack_n;
      l.packing_efficiency = double(op.nonzeros) / double(op.slots);
    }
    l.dram_bytes = dram_[i + 1] - dram_[i];
    std::vector<uint64_t> delta(snaps_[i + 1].size());
    for (size_t k = 0; k < delta.size(); ++k) delta[k] = snaps_[i + 1][k] - snaps_[i][k];
    l.energy = energy.Evaluate(acc_.stats(), delta);
    l.counters = counters;  // Snapshot and Walk share one order
    for (size_t k = 0; k < delta.size(); ++k) l.counters[k].value = delta[k];
    layers.push_back(std::move(l));
  }
  return layers;
}

std::vector<CounterValue> Counters(const StatGroup& root) {
  std::vector<CounterValue> counters;
  root.Walk([&](const Counter& c) {
    counters.push_back({c.full_name(), c.unit(), c.description(), c.value()});
  });
  return counters;
}

double PackingEfficiency(const Program& program) {
  int64_t slots = 0, nonzeros = 0;
  for (const Op& op : program.ops) {
    if (op.slots <= 0) continue;
    slots += op.slots;
    nonzeros += op.nonzeros;
  }
  return slots > 0 ? double(nonzeros) / double(slots) : 0;
}

void AddEnergy(EnergyReport* into, const EnergyReport& r) {
  into->total_pj += r.total_pj;
  for (const auto& [k, v] : r.by_component) into->by_component[k] += v;
  for (const auto& [k, v] : r.by_datatype) into->by_datatype[k] += v;
}

}  // namespace cssim
