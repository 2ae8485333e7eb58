// Where the cycles go: every cycle of a run, ticked or skipped, charged to exactly one reason,
// per cycle while the clock runs (docs/design.md, "Where the cycles go"). The reasons are
// counters of the group `top.cycles`, so each layer's share comes out of the per-op snapshots
// like any other counter, and the reasons of a layer sum to its cycles.
//
// A cycle belongs to the op the controller is on. With E the unit that runs that op's work:
//   kwta          E is the k-WTA unit and has a command (its histogram, search or select)
//   compute       E did work this cycle (a MAC or gated slot, a vector element)
//   glb_conflict  E has work, did none, and a GLB bank conflict delays it: a streamer feeding it
//                 waits on a read that lost a bank arbitration, or its own GLB port lost one
//   backpressure  E has work, did none, and its output cannot move on (link or GLB queue full)
//   fill_drain    E has work and did none for another reason: weights loading, operands on their
//                 way, the reduction and the write-back of the last results
//   dram_wait     E has no work: the next tile's loads, or the op's last stores, are with the DMA
//   other         none of these: the controller starting an op or issuing its first command
// The first that holds wins, in this order. Skipped cycles (nothing moved, so nothing changed)
// take the reason the state after the last ticked cycle gives, with no work done.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "model/base/stats.h"
#include "model/base/unit.h"
#include "model/compile/program.h"
#include "model/top/accelerator.h"

namespace cssim {

enum class CycleReason {
  kKwta,
  kCompute,
  kGlbConflict,
  kBackpressure,
  kFillDrain,
  kDramWait,
  kOther
};
constexpr int kCycleReasonCount = int(CycleReason::kOther) + 1;
// "kwta", "compute", "glb_conflict", "backpressure", "fill_drain", "dram_wait", "other": the
// counter names and the keys of stats.json's "cycle_reasons".
const char* CycleReasonName(CycleReason r);
const char* CycleReasonDescription(CycleReason r);

class CycleAccount {
 public:
  // Adds the group `cycles` under the accelerator's stats: construct it before taking the first
  // counter snapshot (model/top/energy_account.h, OpLedger).
  CycleAccount(Accelerator& acc, const Program& program);

  // After every ticked cycle `now` (before the op ledger closes ops at `now`): charges the
  // skipped cycles since the last call and cycle `now`.
  void OnCycle(Cycle now);

 private:
  struct State {
    OpEngine engine = OpEngine::kArray;  // of the op under way (kArray once all are done)
    Controller::Status status;
    Accelerator::EngineSignals signals;
  };
  State Read();
  // The reason of a cycle that begins in state `s`, in which E did work (`busy`) and one of its
  // own GLB ports lost its bank (`lost`).
  static CycleReason Classify(const State& s, bool busy, bool lost);

  Accelerator& acc_;
  const Program& program_;
  StatGroup stats_;
  std::vector<std::unique_ptr<Counter>> counters_;  // by CycleReason
  State state_;                                     // after the last ticked cycle
  Cycle next_ = 0;                                  // the first cycle not yet charged
};

}  // namespace cssim
