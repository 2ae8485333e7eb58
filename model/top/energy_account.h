// Energy and utilisation accounting of a run: the multipliers a mode computes on and the idle
// multiplier-cycles they are charged, the per-op boundaries recorded while the clock runs, and
// the per-layer results (cycles, MACs, DRAM bytes, energy, counters) made from them.
#pragma once

#include <cstdint>
#include <vector>

#include "model/base/energy.h"
#include "model/base/stats.h"
#include "model/base/unit.h"
#include "model/compile/program.h"
#include "model/top/accelerator.h"
#include "model/top/run.h"

namespace cssim {

// The engine a mode runs its conv/linear layers on: the PE array in dense mode, otherwise the
// CS engine, whose multipliers the sparse-sparse unit shares. Multiplier-cycles that do neither a
// MAC nor a gated slot are idle, and their energy goes to this engine's idle counter (the engine
// the mode leaves unused is power-gated: no idle energy).
class ModeEngine {
 public:
  ModeEngine(Accelerator& acc, Mode mode) : acc_(acc), dense_(mode == Mode::kDense) {}

  const char* name() const { return dense_ ? "array" : "CS engine"; }  // for messages
  int64_t multipliers() const;
  uint64_t macs() const;  // performed so far
  uint64_t busy() const;  // multiplier-cycles doing a MAC or gated in an active lane
  void AddIdle(uint64_t multiplier_cycles);
  // Charges every multiplier-cycle up to `cycles` that was not busy (a full chip: the
  // instance's multipliers idle until the whole chip is done).
  void ChargeIdleUntil(Cycle cycles);

 private:
  Accelerator& acc_;
  bool dense_;
};

// Per-op boundaries of one instance's run: at each op's end, the cycle, the engine's MACs and
// busy cycles, the DMA's bytes and a snapshot of every counter. Op i spans boundaries i and i+1.
class OpLedger {
 public:
  OpLedger(Accelerator& acc, ModeEngine& engine);

  // Called after every simulated cycle: closes each op the controller has finished by `now`
  // and charges the engine the multiplier-cycles it spent idle during that op.
  void OnCycle(Cycle now);

  // One LayerResult per op of `program` (every op closed): its cycles, MACs, packing, DRAM
  // bytes, energy and counters. `counters` is the run's counter list (StatGroup::Walk order),
  // whose order the snapshots share.
  std::vector<LayerResult> Layers(const Program& program, const EnergyModel& energy,
                                  const std::vector<CounterValue>& counters) const;

 private:
  Accelerator& acc_;
  ModeEngine& engine_;
  std::vector<Cycle> end_ = {0};
  std::vector<uint64_t> macs_ = {0}, busy_ = {0}, dram_ = {0};
  std::vector<std::vector<uint64_t>> snaps_;
};

// Every counter below `root`, in StatGroup::Walk order.
std::vector<CounterValue> Counters(const StatGroup& root);

// Packed layers' non-zeros over their slots, over the whole program (0: nothing packed).
double PackingEfficiency(const Program& program);

// Adds `r`'s totals, by component and by data type, into `into`.
void AddEnergy(EnergyReport* into, const EnergyReport& r);

}  // namespace cssim
