// Co-simulation of a model unit with its RTL twin (rtl/<unit>/), Verilated in SystemC mode.
//
// A Twin takes the model unit's place in the Engine (the swap point, docs/design.md, "RTL twins"):
// - Impl::kRtl: the Verilated module does the work. The model object still exists, since it owns
//   the unit's links and counters, but it is never ticked; after every clock edge the RTL's
//   counters are copied into the model's.
// - Impl::kBoth: the model does the work (it pops and pushes the real links) and the RTL runs in
//   lockstep on the same stimulus: in every cycle it sees the links exactly as the model does,
//   and a Scoreboard compares what each side took from every input link and put on every output
//   link, value and cycle. At the end every counter the RTL exposes is compared with the
//   model's. The first difference throws CosimMismatch (cycle, instance, field, expected,
//   actual).
// The port helpers map a Link to the RTL's valid/ready signals:
//   InPort<T>   a link the unit consumes: RTL <port>_valid_i / <port>_ready_o (+ data inputs)
//   OutPort<T>  a link the unit produces: RTL <port>_valid_o / <port>_ready_i (+ data outputs)
// Both take up to max_per_cycle items per cycle (a GLB port moves several; the RTL then has a
// count instead of valid/ready). An item type T is compared through `void Flatten(const T&,
// Fields*)`, found by argument-dependent lookup (model/cosim/fields.h).
// Faults (tests, `--inject`): an OutPort can flip a bit of, delay by one cycle, or drop the
// n-th RTL transaction, between the RTL and the scoreboard, to prove the comparison fails.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/base/error.h"
#include "model/base/link.h"
#include "model/base/stats.h"
#include "model/base/twin.h"

namespace cssim {

// One counter both sides keep: its RTL name (index in cnt_o, generated from
// rtl/<unit>/<module>.counters) and its path under the model unit's stat group.
struct CounterSpec {
  const char* rtl;
  const char* model;
};

struct Fault {
  enum class Kind { kNone, kFlipBit, kDelayValid, kDrop };
  Kind kind = Kind::kNone;
  std::string block;         // twin instance name suffix it applies to ("" = every twin)
  std::string port;          // output port name ("out", "done", "glb_req", ...)
  uint64_t transaction = 0;  // the n-th transaction (from 0) on that port
};
// "KIND:BLOCK:PORT:N", KIND flip|delay|drop, e.g. "flip:array:out:3". Throws InputError.
Fault ParseFault(const std::string& spec);

struct CosimOptions {
  Fault fault;
  // Waveform window: FST files <wave_prefix><instance>.fst for cycles [wave_from, wave_to].
  std::string wave_prefix;
  Cycle wave_from = 0;
  Cycle wave_to = kNever;
  // After the first mismatch, keep simulating this many cycles (for the waveform), then throw.
  Cycle run_on_cycles = 0;
};

class CosimMismatch : public SimError {
 public:
  CosimMismatch(Cycle cycle, std::string instance, std::string field, std::string expected,
                std::string actual);
  Cycle cycle;
  std::string instance, field, expected, actual;
};

struct Field {
  std::string name;
  int64_t value;
};
using Fields = std::vector<Field>;

// Totals over every twin of the process (for `cssim regress` and the run summary).
struct CosimTally {
  uint64_t transactions = 0;  // link transfers compared (both) or made (rtl)
  uint64_t counters = 0;      // counters compared at the end
};
CosimTally& Tally();

class Scoreboard {
 public:
  Scoreboard(std::string instance, Cycle run_on)
      : instance_(std::move(instance)), run_on_(run_on) {}
  // Records a difference; the first one throws (at once, or run_on cycles later via Poll).
  void Mismatch(Cycle now, const std::string& field, const std::string& expected,
                const std::string& actual);
  void Mismatch(Cycle now, const std::string& field, int64_t expected, int64_t actual) {
    Mismatch(now, field, std::to_string(expected), std::to_string(actual));
  }
  // Compares two flattened items; `what` prefixes the field names ("out", "glb_req[1]").
  void Compare(Cycle now, const std::string& what, const Fields& expected, const Fields& actual);
  // Throws the recorded mismatch once its run-on window has passed (or at once with `force`).
  void Poll(Cycle now, bool force = false) const;
  bool failed() const { return first_ != nullptr; }
  const std::string& instance() const { return instance_; }

 private:
  std::string instance_;
  Cycle run_on_;
  std::unique_ptr<CosimMismatch> first_;
};

template <typename T>
class InPort {
 public:
  InPort(std::string name, Link<T>& link, size_t max_per_cycle = 1)
      : name_(std::move(name)), link_(link), max_(max_per_cycle) {}
  // Drive phase: what the RTL sees this cycle.
  void Begin() {
    avail_ = std::min(link_.visible(), max_);
    pops0_ = link_.pops();
  }
  size_t avail() const { return avail_; }
  bool valid() const { return avail_ > 0; }
  const T& item(size_t i = 0) const { return link_.Peek(i); }
  // rtl: the RTL took n items.
  void Take(size_t n) {
    if (n > avail_)
      throw SimError(name_ + ": the RTL took " + std::to_string(n) + " items of " +
                     std::to_string(avail_));
    for (size_t i = 0; i < n; ++i) link_.Pop();
    Tally().transactions += n;
  }
  // both: the model's pops this cycle against what the RTL took.
  void Check(Scoreboard& sb, Cycle now, size_t rtl_taken) const {
    const uint64_t model = link_.pops() - pops0_;
    if (model != rtl_taken)
      sb.Mismatch(now, name_ + (max_ == 1 ? ".ready" : ".taken"), int64_t(model),
                  int64_t(rtl_taken));
    Tally().transactions += model;
  }

 private:
  std::string name_;
  Link<T>& link_;
  size_t max_;
  size_t avail_ = 0;
  uint64_t pops0_ = 0;
};

template <typename T>
class OutPort {
 public:
  OutPort(std::string block, std::string name, Link<T>& link, const Fault& fault,
          size_t max_per_cycle = 1)
      : name_(std::move(name)), link_(link), max_(max_per_cycle) {
    if (fault.kind != Fault::Kind::kNone && fault.port == name_ &&
        (fault.block.empty() || block.size() >= fault.block.size()) &&
        block.compare(block.size() - fault.block.size(), fault.block.size(), fault.block) == 0)
      fault_ = fault;
  }
  // Drive phase: how many items the link takes this cycle (ready = space() > 0).
  void Begin() {
    space_ = std::min(link_.free_slots(), max_);
    pushes0_ = link_.pushes();
  }
  size_t space() const { return space_; }
  bool ready() const { return space_ > 0; }
  // rtl: one item the RTL put out.
  void Put(T item) {
    if (!link_.CanPush()) throw SimError(name_ + ": the RTL pushed into a full link");
    link_.Push(std::move(item));
    Tally().transactions += 1;
  }
  // both: the items the RTL put out this cycle (valid && ready), against the model's pushes.
  void Check(Scoreboard& sb, Cycle now, std::vector<T> rtl) {
    std::vector<Fields> got;
    if (held_) {
      got.push_back(std::move(*held_));
      held_.reset();
    }
    for (T& item : rtl) {
      Fields f;
      Flatten(item, &f);
      const bool hit = fault_.kind != Fault::Kind::kNone && seen_ == fault_.transaction;
      ++seen_;
      if (hit && fault_.kind == Fault::Kind::kDrop) continue;
      if (hit && fault_.kind == Fault::Kind::kDelayValid) {
        held_ = std::make_unique<Fields>(std::move(f));
        continue;
      }
      if (hit && fault_.kind == Fault::Kind::kFlipBit && !f.empty()) f.back().value ^= 1;
      got.push_back(std::move(f));
    }
    const size_t model = size_t(link_.pushes() - pushes0_);
    if (model != got.size())
      sb.Mismatch(now, name_ + (max_ == 1 ? ".valid" : ".count"), int64_t(model),
                  int64_t(got.size()));
    for (size_t i = 0; i < model && i < got.size(); ++i) {
      Fields want;
      Flatten(link_.PushedThisCycle(i), &want);
      sb.Compare(now, max_ == 1 ? name_ : name_ + "[" + std::to_string(i) + "]", want, got[i]);
    }
    Tally().transactions += model;
  }

 private:
  std::string name_;
  Link<T>& link_;
  size_t max_;
  Fault fault_;
  size_t space_ = 0;
  uint64_t pushes0_ = 0;
  uint64_t seen_ = 0;
  std::unique_ptr<Fields> held_;
};

// The block-independent half of a twin. A block's twin (model/cosim/<block>_twin.cc) derives
// from VerilatedTwin<V> (model/cosim/verilated_twin.h), which supplies the clock, reset, busy,
// counters and waves of the Verilated module; the block adds its ports.
class Twin : public TwinUnit {
 public:
  // model: the model unit (owner of the links and counters); stats: its stat group.
  Twin(std::string instance, Impl impl, Unit& model, StatGroup& stats,
       std::vector<CounterSpec> counters, const CosimOptions& options);

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override;
  std::string DebugState() const override;
  void Drive(Cycle now) override;
  void Edge(Cycle now) override;
  void Settled(Cycle now) override;
  // The clock falls half a period after the rising edge only when waves are kept, so that they
  // show a clock; otherwise it falls in the next Drive phase, with the inputs. The RTL has no
  // falling-edge logic, and every change of a Verilated module's inputs costs a whole evaluation
  // of its input-dependent logic.
  void FallingEdge() override {
    if (!options_.wave_prefix.empty()) SetClock(false);
  }
  // End of the run: compares (both) or copies (rtl) every counter; throws a pending mismatch.
  void Finish(Cycle end) override;

  const std::string& instance() const { return instance_; }
  Impl impl() const { return impl_; }

 protected:
  virtual void SetClock(bool high) = 0;
  virtual bool Busy() const = 0;
  virtual uint64_t RtlCounter(size_t i) const = 0;
  // Drive phase: Begin() every port and write the RTL's inputs from them.
  virtual void DriveInputs() = 0;
  // rtl, Tick phase: Take()/Put() what the settled RTL outputs say moved.
  virtual void Transfer() = 0;
  // both, Edge phase: Check() every port against the settled RTL outputs.
  virtual void Compare(Cycle now) = 0;

  Scoreboard& scoreboard() { return scoreboard_; }
  const CosimOptions& options() const { return options_; }

 private:
  std::string instance_;
  Impl impl_;
  Unit& model_;
  std::vector<std::pair<CounterSpec, Counter*>> counters_;
  CosimOptions options_;
  Scoreboard scoreboard_;
};

}  // namespace cssim
