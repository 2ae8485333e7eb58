// What the block regressions (model/cosim/<top>_regress.cc) share: seeded random numbers, the
// sources and sinks around a block, a competing GLB client, the Impl dispatch (the model alone
// on the kernel-free loop, a twin under the SystemC kernel) and the end-of-run checks.
//
// Two kinds of bench:
// - stream blocks (PE array, CS engine): the block's own source pushes commands and beats, a
//   SumSink takes the sum beats and checks each against the expected one (RunSumBench);
// - GLB clients (k-WTA, sparse-sparse): a GlbClientBench holds a real GLB of the default arch,
//   feeds commands with random gaps, takes the done indices with random back-pressure, lets a
//   second client steal banks in bursts, and at the end compares the GLB image and the block's
//   counters with the reference's.
// Every random decision is a function of the seed and the cycle (or is drawn in cycles every
// Impl ticks), so a seed gives the same stimulus, cycle for cycle, in every Impl.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "model/base/engine.h"
#include "model/base/link.h"
#include "model/base/stats.h"
#include "model/base/twin.h"
#include "model/base/unit.h"
#include "model/cosim/regress.h"
#include "model/cosim/twin.h"
#include "model/glb/glb.h"
#include "model/pe/pe_array.h"

namespace cssim {

// Random operands and shapes (std distributions are not portable across library versions).
class StimulusRng {
 public:
  explicit StimulusRng(uint64_t seed) : gen_(seed) {}
  // Uniform in [lo, hi] (modulo bias is irrelevant here).
  int64_t In(int64_t lo, int64_t hi) { return lo + int64_t(gen_() % uint64_t(hi - lo + 1)); }
  int8_t Int8() { return int8_t(int(gen_() & 0xff) - 128); }
  int8_t NonZero() {
    const int8_t v = Int8();
    return v == 0 ? 1 : v;
  }
  bool Percent(int p) { return int(gen_() % 100) < p; }

 private:
  std::mt19937_64 gen_;
};

// A well-mixed 64-bit value of (seed, stream, cycle): a per-cycle random decision.
uint64_t Mix(uint64_t seed, uint64_t stream, uint64_t cycle);

// Pushes the front of `q` into `link` unless `q` is empty, `gap` is set or the link is full.
template <typename T>
void SendFront(std::deque<T>& q, Link<T>& link, bool gap) {
  if (q.empty() || gap || !link.CanPush()) return;
  link.Push(std::move(q.front()));
  q.pop_front();
}

// Puts the block into the engine as `name`: the model unit itself, or `twin` (if not null) in
// its place.
void AddBlock(Engine& engine, Unit& model, Twin* twin, std::string name);

// The model alone (Impl::kModel) on the kernel-free loop; rtl and both under the SystemC kernel,
// which elaborates once per process. Returns the cycle count.
Cycle RunBench(Engine& engine, Impl impl, const std::function<bool()>& done,
               const std::function<void(Cycle)>& on_cycle);

// What a stream block's run produced, to compare runs of different Impls.
struct SumTrace {
  std::vector<std::pair<Cycle, SumBeat>> sums;             // cycle the sink took each one
  std::vector<std::pair<std::string, uint64_t>> counters;  // the RTL's counters, model values

  // Appends the model values of `counters` (paths under `stats`).
  void RecordCounters(const std::vector<CounterSpec>& counters, const StatGroup& stats);
};

// Takes the sum beats of a stream block when its pacing lets it, and checks each against the
// expected one, in order (SimError naming `block`).
class SumSink : public Unit {
 public:
  // ready(now): whether the sink takes a visible beat in ticked cycle `now`; asked once in every
  // ticked cycle while sums are due (it may draw random numbers). next(now): the earliest cycle
  // after `now` in which it may take one (its NextEvent while sums are due).
  SumSink(std::string block, std::deque<SumBeat>& want, Link<SumBeat>& out, SumTrace* trace,
          std::function<bool(Cycle)> ready, std::function<Cycle(Cycle)> next);

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override { return want_.empty() ? kNever : next_(now); }
  std::string DebugState() const override;

  const std::string& block() const { return block_; }
  bool done() const { return want_.empty(); }
  Cycle last() const { return last_; }  // the cycle of the last beat taken

 private:
  std::string block_;
  std::deque<SumBeat>& want_;
  Link<SumBeat>& out_;
  SumTrace* trace_;
  std::function<bool(Cycle)> ready_;
  std::function<Cycle(Cycle)> next_;
  uint64_t taken_ = 0;
  Cycle last_ = 0;
};

// Runs a stream block's bench (units and links already in `engine`) until `sink` has every sum
// beat; SimError with the engine's deadlock report if none comes for 50000 cycles.
Cycle RunSumBench(Engine& engine, Impl impl, const SumSink& sink, uint64_t seed);

// How a GLB client's bench paces its commands, done indices and bank thief.
struct GlbClientPace {
  int max_gap = 3;          // cycles between commands: 0..max_gap
  int done_ready_pct = 50;  // chance the done sink takes a visible index in a cycle
  int noise_pct = 0;        // chance a cycle of the bank thief is in an active burst
};

// Feeds commands, each at least a random 1..max_gap + 1 cycles after the previous one.
template <typename Cmd>
class CmdSource : public Unit {
 public:
  CmdSource(Link<Cmd>& out, std::vector<Cmd> cmds, int max_gap, uint64_t seed)
      : out_(out), cmds_(std::move(cmds)), max_gap_(max_gap), seed_(seed) {}
  void Tick(Cycle now) override {
    if (next_ == cmds_.size() || now < ready_at_ || !out_.CanPush()) return;
    out_.Push(cmds_[next_++]);
    ready_at_ = now + 1 + Mix(seed_, 1, now) % uint64_t(max_gap_ + 1);
  }
  Cycle NextEvent(Cycle now) const override {
    return next_ == cmds_.size() ? kNever : std::max(now + 1, ready_at_);
  }

 private:
  Link<Cmd>& out_;
  std::vector<Cmd> cmds_;
  int max_gap_;
  uint64_t seed_;
  size_t next_ = 0;
  Cycle ready_at_ = 0;
};

// The bench of a block that works on the GLB: its GLB, the block's port on it, commands fed with
// random gaps, done indices taken with random back-pressure and a bank thief (a second client
// that steals banks in bursts). Build the block on root() and port(); then Run and Check.
class GlbClientBench {
 public:
  // A GLB of the default arch with the block's port (name, lanes, depth) and then the thief's:
  // the port order is the GLB's arbitration order.
  GlbClientBench(std::string block, uint64_t seed, Impl impl, const GlbClientPace& pace,
                 const std::string& port, int lanes, size_t depth);

  StatGroup& root() { return root_; }
  Glb& glb() { return glb_; }
  Glb::Port& port() { return port_; }

  // Runs the command source, the thief, the GLB, the block (the model, or `twin` in its place,
  // as `name`) and the done sink, in that order, until every command is done; `links` are the
  // block's own. SimError if that takes 5000000 cycles.
  template <typename Cmd>
  RegressResult Run(Link<Cmd>& cmd, std::vector<Cmd> cmds, Unit& model, Twin* twin,
                    const std::string& name, Link<uint32_t>& done,
                    const std::vector<LinkBase*>& links) {
    const size_t commands = cmds.size();
    CmdSource<Cmd> source(cmd, std::move(cmds), pace_.max_gap, seed_);
    return RunUnits(source, commands, model, twin, name, done, links);
  }

  // Throws SimError at the first GLB byte that differs from `want`, or the first counter (path
  // under `stats`) that differs from the reference's total.
  void Check(const std::vector<uint8_t>& want, const StatGroup& stats,
             const std::vector<std::pair<const char*, uint64_t>>& totals) const;

 private:
  RegressResult RunUnits(Unit& source, size_t commands, Unit& model, Twin* twin,
                         const std::string& name, Link<uint32_t>& done,
                         const std::vector<LinkBase*>& links);

  std::string block_;
  uint64_t seed_;
  Impl impl_;
  GlbClientPace pace_;
  StatGroup root_;
  Glb glb_;
  Glb::Port& port_;
  Glb::Port& thief_port_;
};

}  // namespace cssim
