#include "model/top/cycle_account.h"

namespace cssim {

namespace {

struct ReasonInfo {
  const char* name;
  const char* description;
};

constexpr ReasonInfo kReasons[kCycleReasonCount] = {
    {"kwta", "cycles of a k-WTA op with the k-WTA unit at work (histogram, search, select)"},
    {"compute", "cycles in which the op's unit did work (a MAC or gated slot, a vector element)"},
    {"glb_conflict",
     "cycles the op's unit had work but idled because a GLB bank conflict delayed an operand"},
    {"backpressure",
     "cycles the op's unit had work but idled because its output could not move on (link or "
     "GLB queue full)"},
    {"fill_drain",
     "cycles the op's unit had work but idled otherwise: pipeline fill (weights loading, "
     "operands on their way) and drain (reduction, write-back)"},
    {"dram_wait",
     "cycles the op's unit had no work: the next tile's loads or the op's last stores were with "
     "the DMA and DRAM"},
    {"other", "cycles with none of these: the controller starting an op or issuing a command"},
};

}  // namespace

const char* CycleReasonName(CycleReason r) { return kReasons[int(r)].name; }
const char* CycleReasonDescription(CycleReason r) { return kReasons[int(r)].description; }

CycleAccount::CycleAccount(Accelerator& acc, const Program& program)
    : acc_(acc), program_(program), stats_(&acc.stats(), "cycles") {
  for (int i = 0; i < kCycleReasonCount; ++i)
    counters_.push_back(
        std::make_unique<Counter>(stats_, kReasons[i].name, "cycles", kReasons[i].description));
  state_ = Read();
}

CycleAccount::State CycleAccount::Read() {
  State s;
  const Controller& c = acc_.controller();
  if (!c.done()) s.engine = program_.ops[c.ops_done()].engine;
  s.status = c.status();
  s.signals = acc_.Signals(s.engine);
  return s;
}

CycleReason CycleAccount::Classify(const State& s, bool busy, bool lost) {
  const bool work = s.status.work_in_flight;  // false when no op is under way
  if (s.engine == OpEngine::kKwta && work) return CycleReason::kKwta;
  if (busy) return CycleReason::kCompute;
  if (work) {
    if (lost || s.signals.conflict_wait) return CycleReason::kGlbConflict;
    if (s.signals.out_full) return CycleReason::kBackpressure;
    return CycleReason::kFillDrain;
  }
  if (s.status.dram_pending) return CycleReason::kDramWait;
  return CycleReason::kOther;
}

void CycleAccount::OnCycle(Cycle now) {
  // Cycles skipped since the last ticked one: nothing moved, so the state stood still.
  if (now > next_) counters_[int(Classify(state_, false, false))]->Add(now - next_);
  const Accelerator::EngineSignals after = acc_.Signals(state_.engine);
  const CycleReason r = Classify(state_, after.busy > state_.signals.busy, after.last_lost == now);
  counters_[int(r)]->Add();
  next_ = now + 1;
  state_ = Read();
}

}  // namespace cssim
