#include "model/cosim/harness.h"

#include "model/base/error.h"
#include "model/base/sc_kernel.h"

namespace cssim {
namespace {

// The clock the SystemC kernel runs a bench at (it does not change the cycle counts).
constexpr double kClockMhz = 500.0;

// A sum beat the block owes more than this many cycles after the previous one: it is stuck.
constexpr Cycle kStuckCycles = 50000;

// A GLB client's bench that is not done after this many cycles is stuck.
constexpr Cycle kMaxCycles = 5000000;

std::string Show(const SumBeat& s) {
  std::string r = "pixel " + std::to_string(s.pixel) + " [";
  for (size_t i = 0; i < s.v.size(); ++i) r += (i ? " " : "") + std::to_string(s.v[i]);
  return r + "]";
}

// Takes the done indices, in a cycle only with the pace's chance; checks their order.
class DoneSink : public Unit {
 public:
  DoneSink(std::string block, Link<uint32_t>& in, size_t commands, int ready_pct, uint64_t seed)
      : block_(std::move(block)),
        in_(in),
        commands_(commands),
        ready_pct_(ready_pct),
        seed_(seed) {}
  void Tick(Cycle now) override {
    if (!in_.CanPop() || int(Mix(seed_, 2, now) % 100) >= ready_pct_) return;
    const uint32_t index = in_.Pop();
    if (index != received_)
      throw SimError(block_ + " regress: done index " + std::to_string(index) + ", expected " +
                     std::to_string(received_));
    ++received_;
  }
  Cycle NextEvent(Cycle now) const override { return in_.CanPop() ? now + 1 : kNever; }
  bool finished() const { return received_ == commands_; }

 private:
  std::string block_;
  Link<uint32_t>& in_;
  size_t commands_;
  int ready_pct_;
  uint64_t seed_;
  uint32_t received_ = 0;
};

// Another GLB client: in active bursts of 32 cycles it reads random words and pops its
// responses now and then, so it takes banks from the block and its arbitration turns.
class BankThief : public Unit {
 public:
  static constexpr Cycle kBurst = 32;
  BankThief(Glb::Port& port, uint32_t glb_bytes, int active_pct, uint64_t seed)
      : port_(port), words_(glb_bytes / 8), active_pct_(active_pct), seed_(seed) {}
  void Tick(Cycle now) override {
    if (!Active(now)) return;
    if (port_.resp.CanPop() && Mix(seed_, 3, now) % 2 == 0) port_.resp.Pop();
    if (port_.req.CanPush() && Mix(seed_, 4, now) % 3 != 0) {
      GlbReq r;
      r.addr = uint32_t(Mix(seed_, 5, now) % words_) * 8;
      port_.req.Push(r);
    }
  }
  Cycle NextEvent(Cycle now) const override {
    if (active_pct_ == 0) return kNever;
    if (Active(now + 1)) return now + 1;
    // The next burst (the paces' chances find one within a few).
    for (Cycle b = (now + 1) / kBurst + 1; b < (now + 1) / kBurst + 64; ++b)
      if (Active(b * kBurst)) return b * kBurst;
    return kNever;
  }

 private:
  bool Active(Cycle now) const { return int(Mix(seed_, 6, now / kBurst) % 100) < active_pct_; }
  Glb::Port& port_;
  uint64_t words_;
  int active_pct_;
  uint64_t seed_;
};

}  // namespace

uint64_t Mix(uint64_t seed, uint64_t stream, uint64_t cycle) {
  uint64_t z = seed * 0x9e3779b97f4a7c15ull + stream * 0xbf58476d1ce4e5b9ull + cycle;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void AddBlock(Engine& engine, Unit& model, Twin* twin, std::string name) {
  engine.AddUnit(twin ? static_cast<Unit*>(twin) : &model, std::move(name));
}

Cycle RunBench(Engine& engine, Impl impl, const std::function<bool()>& done,
               const std::function<void(Cycle)>& on_cycle) {
  return impl == Impl::kModel ? engine.Run(done, on_cycle)
                              : RunSystemC(engine, kClockMhz, done, on_cycle);
}

void SumTrace::RecordCounters(const std::vector<CounterSpec>& list, const StatGroup& stats) {
  for (const CounterSpec& c : list) counters.emplace_back(c.rtl, stats.Find(c.model)->value());
}

SumSink::SumSink(std::string block, std::deque<SumBeat>& want, Link<SumBeat>& out, SumTrace* trace,
                 std::function<bool(Cycle)> ready, std::function<Cycle(Cycle)> next)
    : block_(std::move(block)),
      want_(want),
      out_(out),
      trace_(trace),
      ready_(std::move(ready)),
      next_(std::move(next)) {}

void SumSink::Tick(Cycle now) {
  if (want_.empty() || !ready_(now) || !out_.CanPop()) return;
  const SumBeat got = out_.Pop();
  const SumBeat& want = want_.front();
  if (got.pixel != want.pixel || got.v != want.v)
    throw SimError(block_ + " regress: sum beat " + std::to_string(taken_) + " at cycle " +
                   std::to_string(now) + ": " + Show(got) + ", expected " + Show(want));
  want_.pop_front();
  ++taken_;
  last_ = now;
  if (trace_) trace_->sums.emplace_back(now, got);
}

std::string SumSink::DebugState() const {
  return "sink: " + std::to_string(want_.size()) + " sums to come";
}

Cycle RunSumBench(Engine& engine, Impl impl, const SumSink& sink, uint64_t seed) {
  return RunBench(
      engine, impl, [&] { return sink.done(); },
      [&](Cycle now) {
        if (now > sink.last() + kStuckCycles)
          throw SimError(sink.block() + " regress: seed " + std::to_string(seed) +
                         ": no sum beat since cycle " + std::to_string(sink.last()) + "; " +
                         engine.DeadlockReport(now));
      });
}

GlbClientBench::GlbClientBench(std::string block, uint64_t seed, Impl impl,
                               const GlbClientPace& pace, const std::string& port, int lanes,
                               size_t depth)
    : block_(std::move(block)),
      seed_(seed),
      impl_(impl),
      pace_(pace),
      root_(nullptr, "top"),
      glb_(GlbSpec{}, root_),
      port_(glb_.AddPort(port, lanes, depth)),
      thief_port_(glb_.AddPort("glb.thief", 2, 4)) {}

RegressResult GlbClientBench::RunUnits(Unit& source, size_t commands, Unit& model, Twin* twin,
                                       const std::string& name, Link<uint32_t>& done,
                                       const std::vector<LinkBase*>& links) {
  DoneSink sink(block_, done, commands, pace_.done_ready_pct, seed_);
  BankThief thief(thief_port_, glb_.size_bytes(), pace_.noise_pct, seed_);

  Engine engine;
  engine.AddUnit(&source, "source");
  engine.AddUnit(&thief, "thief");
  engine.AddUnit(&glb_, "glb");
  AddBlock(engine, model, twin, name);
  engine.AddUnit(&sink, "sink");
  for (const auto& p : glb_.ports()) {
    engine.AddLink(&p->req);
    engine.AddLink(&p->resp);
  }
  for (LinkBase* l : links) engine.AddLink(l);

  const uint64_t transactions0 = Tally().transactions;
  RegressResult r;
  r.cycles = RunBench(
      engine, impl_, [&] { return sink.finished(); },
      [&](Cycle now) {
        if (now >= kMaxCycles)
          throw SimError(block_ + " regress seed " + std::to_string(seed_) + ": not done after " +
                         std::to_string(kMaxCycles) + " cycles");
      });
  r.transactions = Tally().transactions - transactions0;
  return r;
}

void GlbClientBench::Check(const std::vector<uint8_t>& want, const StatGroup& stats,
                           const std::vector<std::pair<const char*, uint64_t>>& totals) const {
  const std::string run =
      block_ + " regress seed " + std::to_string(seed_) + " (" + ImplName(impl_) + "): ";
  std::vector<uint8_t> got(glb_.size_bytes());
  glb_.Peek(0, got.data(), got.size());
  const auto diff = std::mismatch(got.begin(), got.end(), want.begin());
  if (diff.first != got.end())
    throw SimError(run + "GLB byte " + std::to_string(diff.first - got.begin()) + " is " +
                   std::to_string(*diff.first) + ", the reference says " +
                   std::to_string(*diff.second));
  for (const auto& [name, value] : totals) {
    const uint64_t v = stats.Find(name)->value();
    if (v != value)
      throw SimError(run + "counter " + name + " is " + std::to_string(v) +
                     ", the reference says " + std::to_string(value));
  }
}

}  // namespace cssim
