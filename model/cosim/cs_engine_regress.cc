#include "model/cosim/cs_engine_regress.h"

#include <algorithm>
#include <array>
#include <deque>
#include <memory>
#include <random>

#include "model/base/engine.h"
#include "model/base/error.h"
#include "model/cosim/cs_engine_counters.h"
#include "model/cosim/cs_engine_twin.h"
#include "model/cs/cs_engine.h"
#include "model/top/sc_top.h"

namespace cssim {
namespace {

// A sum beat the engine owes more than this many cycles after the previous one: it is stuck.
constexpr Cycle kStuckCycles = 50000;
// Bus widths of the default arch's CS engine (the configuration the RTL is built for).
constexpr int kLanes = 16;
constexpr int kEngines = 16;
constexpr int kMaxN = 32;
constexpr int kBankEntries = 128;

class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  // Uniform in [lo, hi] (modulo bias is irrelevant here; std distributions are not portable).
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

// Valid / ready gap probabilities, redrawn every kPhaseCycles so that a run has stretches of
// full speed, of starved links and of a sink that is nearly never ready.
class Gaps {
 public:
  static constexpr Cycle kPhaseCycles = 256;
  explicit Gaps(uint64_t seed) : rng_(seed) {}
  // Whether cycle `now` has a gap: the same in every Impl, since every cycle is ticked.
  bool Gap(Cycle now) {
    if (now >= next_) {
      static constexpr std::array<int, 6> kChoices = {0, 0, 10, 40, 75, 95};
      pct_ = kChoices[size_t(rng_.In(0, int64_t(kChoices.size()) - 1))];
      next_ = now + kPhaseCycles;
    }
    return rng_.Percent(pct_);
  }

 private:
  Rng rng_;
  int pct_ = 0;
  Cycle next_ = 0;
};

// Whether cycle c is in the open part of its window: windows of `window` cycles, each open for
// its first lo..hi cycles (a hash of seed and window index). A pure function of the cycle, so
// that skipped cycles do not change it.
bool Open(uint64_t seed, Cycle c, Cycle window, uint64_t lo, uint64_t hi) {
  uint64_t h = (seed + c / window) * 0x9e3779b97f4a7c15ull;
  h = (h ^ (h >> 31)) * 0xbf58476d1ce4e5b9ull;
  h ^= h >> 29;
  return c % window < lo + h % (hi - lo + 1);
}

struct Stimulus {
  std::deque<ArrayCmd> cmds;
  std::deque<Beat> weights, ids, inputs;
  std::deque<SumBeat> sums;  // expected, in order
};

// What a pass of kMixed must contain, so that every run covers it.
enum class Force { kNone, kNOne, kPartialGroup, kPartialRow };

// One pass of the given shape, its beats, and the sums the engine must produce.
void AddPass(Rng& rng, CsEngineStimulus shape, Force force, Stimulus* s) {
  ArrayCmd c;
  c.dataflow = Dataflow::kWeightStationary;
  int64_t len = 0;  // k - k0
  switch (shape) {
    case CsEngineStimulus::kRagged:
    case CsEngineStimulus::kSkip:
      c.rows_used = int(rng.In(1, kLanes));
      c.cols_used = int(rng.In(1, kEngines));
      c.kp = int(rng.In(1, 32));
      c.n = rng.Percent(25) ? 1 : int(rng.In(2, kMaxN));
      c.k0 = rng.In(0, 1000);
      // Mostly a k range that ends inside the pass; sometimes one that ends before it.
      len = rng.Percent(5) ? -rng.In(0, 5) : rng.In(1, int64_t(c.rows_used) * c.kp);
      c.pixels = rng.In(1, 6);
      break;
    case CsEngineStimulus::kFull:
      c.rows_used = kLanes;
      c.cols_used = kEngines;
      c.kp = int(rng.Percent(30) ? kBankEntries : rng.In(1, kBankEntries));
      c.n = rng.Percent(50) ? kMaxN : int(rng.In(1, kMaxN));
      c.k0 = rng.In(0, 3) * kLanes * c.kp;
      len = int64_t(kLanes) * c.kp + (rng.Percent(30) ? rng.In(1, 100) : 0);
      c.pixels = rng.In(1, 3);
      break;
    case CsEngineStimulus::kTiny:
      c.rows_used = int(rng.In(1, 3));
      c.cols_used = int(rng.In(1, 4));
      c.kp = int(rng.In(1, 2));
      c.n = int(rng.In(1, 4));
      c.k0 = 0;
      len = rng.In(1, int64_t(c.rows_used) * c.kp);
      c.pixels = rng.In(4, 40);
      break;
    case CsEngineStimulus::kMixed:
      AddPass(rng, CsEngineStimulus(rng.In(1, 3)), force, s);
      return;
  }
  switch (force) {
    case Force::kNone:
      break;
    case Force::kNOne:
      c.n = 1;
      break;
    case Force::kPartialGroup:
      c.cols_used = std::max(c.cols_used, 2);
      c.n = std::max(c.n, 2);
      break;
    case Force::kPartialRow:
      c.rows_used = std::max(c.rows_used, 2);
      c.kp = std::max(c.kp, 2);
      len = rng.In(int64_t(c.rows_used - 1) * c.kp + 1, int64_t(c.rows_used) * c.kp - 1);
      break;
  }
  // Sums per pixel: a partial last group (out_cols < cols_used * n) a good part of the time.
  const int full = c.cols_used * c.n;
  c.out_cols = force == Force::kPartialGroup ? int(rng.In(full - c.n + 1, full - 1))
               : rng.Percent(50)             ? full
                                             : int(rng.In(full - c.n + 1, full));
  c.k = c.k0 + len;
  s->cmds.push_back(c);

  // Beat r * kp + j loads entry j of lane r; lane e of the beat goes to engine e. Entries past a
  // lane's reduction range and engines past the pass get random values and IDs.
  std::vector<int64_t> kp_eff(size_t(c.rows_used));
  for (int r = 0; r < c.rows_used; ++r)
    kp_eff[size_t(r)] = std::clamp<int64_t>(c.k - (c.k0 + int64_t(r) * c.kp), 0, c.kp);
  std::vector<Beat> w, id;
  for (int r = 0; r < c.rows_used; ++r)
    for (int j = 0; j < c.kp; ++j) {
      Beat wb, ib;
      const int width = int(rng.In(c.cols_used, kEngines));
      for (int e = 0; e < width; ++e) {
        if (e >= c.cols_used || j >= kp_eff[size_t(r)]) {
          wb.v.push_back(rng.Int8());
          ib.v.push_back(rng.Int8());
          continue;
        }
        // An ID below n; in a partial last group sometimes one of a kernel that does not exist
        // (legal: the model only checks ID < n; its sums are not put out).
        const int n_e = std::min(c.n, c.out_cols - e * c.n);
        const int kid = int(rng.Percent(10) ? rng.In(0, c.n - 1) : rng.In(0, n_e - 1));
        wb.v.push_back(rng.Percent(30) ? int8_t(0) : rng.NonZero());
        ib.v.push_back(int8_t(c.n == 1 ? 0 : kid));
      }
      w.push_back(wb);
      id.push_back(ib);
    }
  for (const Beat& b : w) s->weights.push_back(b);
  if (c.n > 1)  // an n = 1 pass carries no IDs
    for (const Beat& b : id) s->ids.push_back(b);

  for (int64_t p = 0; p < c.pixels; ++p) {
    std::vector<Beat> in;  // beat j: entry j, lane r for lane r
    for (int j = 0; j < c.kp; ++j) {
      Beat b;
      const int width = int(rng.In(c.rows_used, kLanes));
      for (int r = 0; r < width; ++r) b.v.push_back(rng.Int8());
      in.push_back(std::move(b));
    }
    SumBeat sum;
    sum.pixel = p;
    sum.v.assign(size_t(c.out_cols), 0);
    for (int r = 0; r < c.rows_used; ++r)
      for (int j = 0; j < kp_eff[size_t(r)]; ++j) {
        const Beat& wb = w[size_t(r * c.kp + j)];
        const Beat& ib = id[size_t(r * c.kp + j)];
        for (int e = 0; e < c.cols_used; ++e) {
          const int o = e * c.n + (c.n == 1 ? 0 : int(ib.v[size_t(e)]));
          if (o < c.out_cols)
            sum.v[size_t(o)] += int32_t(in[size_t(j)].v[size_t(r)]) * int32_t(wb.v[size_t(e)]);
        }
      }
    for (Beat& b : in) s->inputs.push_back(std::move(b));
    s->sums.push_back(std::move(sum));
  }
}

Stimulus MakeStimulus(Rng& rng, CsEngineStimulus shape) {
  int passes = 16;
  if (shape == CsEngineStimulus::kFull) passes = 4;
  if (shape == CsEngineStimulus::kTiny) passes = 20;
  Stimulus s;
  for (int i = 0; i < passes; ++i) {
    Force force = Force::kNone;
    if (shape == CsEngineStimulus::kMixed && i < 3)
      force = std::array<Force, 3>{Force::kNOne, Force::kPartialGroup, Force::kPartialRow}[i];
    AddPass(rng, shape, force, &s);
  }
  return s;
}

// Pushes the commands and beats, each link with its own random gaps.
class Source : public Unit {
 public:
  // lazy: sends only in the windows Sends() gives, and is not ticked while it cannot send.
  Source(uint64_t seed, bool lazy, Stimulus& s, Link<ArrayCmd>& cmd, Link<Beat>& weight,
         Link<Beat>& id, Link<Beat>& in)
      : seed_(seed),
        lazy_(lazy),
        s_(s),
        cmd_(cmd),
        weight_(weight),
        id_(id),
        in_(in),
        cmd_gaps_(seed + 1),
        weight_gaps_(seed + 2),
        id_gaps_(seed + 3),
        in_gaps_(seed + 4) {}

  void Tick(Cycle now) override {
    if (lazy_) {
      const bool gap = !Sends(now);
      Send(s_.cmds, cmd_, gap);
      Send(s_.weights, weight_, gap);
      Send(s_.ids, id_, gap);
      Send(s_.inputs, in_, gap);
      return;
    }
    // Draw every cycle, pushed or not, so the draws never depend on what the engine did.
    const bool cmd_gap = cmd_gaps_.Gap(now);
    const bool weight_gap = weight_gaps_.Gap(now);
    const bool id_gap = id_gaps_.Gap(now);
    const bool in_gap = in_gaps_.Gap(now);
    Send(s_.cmds, cmd_, cmd_gap);
    Send(s_.weights, weight_, weight_gap);
    Send(s_.ids, id_, id_gap);
    Send(s_.inputs, in_, in_gap);
  }
  Cycle NextEvent(Cycle now) const override {
    if (!lazy_)
      return s_.cmds.empty() && s_.weights.empty() && s_.ids.empty() && s_.inputs.empty() ? kNever
                                                                                          : now + 1;
    const bool can = (!s_.cmds.empty() && cmd_.CanPush()) ||
                     (!s_.weights.empty() && weight_.CanPush()) ||
                     (!s_.ids.empty() && id_.CanPush()) || (!s_.inputs.empty() && in_.CanPush());
    if (!can) return kNever;  // a pop wakes the engine up
    Cycle next = now + 1;
    while (!Sends(next)) ++next;
    return next;
  }
  std::string DebugState() const override {
    return "source: cmds " + std::to_string(s_.cmds.size()) + " weights " +
           std::to_string(s_.weights.size()) + " ids " + std::to_string(s_.ids.size()) +
           " inputs " + std::to_string(s_.inputs.size());
  }

 private:
  bool Sends(Cycle c) const { return Open(seed_ + 7, c, 64, 4, 48); }

  template <typename T>
  static void Send(std::deque<T>& q, Link<T>& link, bool gap) {
    if (q.empty() || gap || !link.CanPush()) return;
    link.Push(std::move(q.front()));
    q.pop_front();
  }

  uint64_t seed_;
  bool lazy_;
  Stimulus& s_;
  Link<ArrayCmd>& cmd_;
  Link<Beat>& weight_;
  Link<Beat>& id_;
  Link<Beat>& in_;
  Gaps cmd_gaps_, weight_gaps_, id_gaps_, in_gaps_;
};

// Takes the sum beats with random ready gaps and checks each against the expected one.
class Sink : public Unit {
 public:
  // lazy: ready only in the windows Ready() gives, and no tick while it cannot take a sum.
  Sink(uint64_t seed, bool lazy, std::deque<SumBeat>& want, Link<SumBeat>& out,
       CsEngineTrace* trace)
      : seed_(seed), lazy_(lazy), want_(want), out_(out), gaps_(seed + 5), trace_(trace) {}

  void Tick(Cycle now) override {
    const bool gap = lazy_ ? !Ready(now) : gaps_.Gap(now);
    if (want_.empty() || gap || !out_.CanPop()) return;
    const SumBeat got = out_.Pop();
    const SumBeat& want = want_.front();
    if (got.pixel != want.pixel || got.v != want.v)
      throw SimError("cs_engine regress: sum beat " + std::to_string(taken_) + " at cycle " +
                     std::to_string(now) + ": " + Show(got) + ", expected " + Show(want));
    want_.pop_front();
    ++taken_;
    last_ = now;
    if (trace_) trace_->sums.emplace_back(now, got);
  }
  Cycle NextEvent(Cycle now) const override {
    if (want_.empty()) return kNever;
    if (!lazy_) return now + 1;
    if (!out_.CanPop()) return kNever;  // a push wakes the engine up
    Cycle next = now + 1;
    while (!Ready(next)) ++next;
    return next;
  }
  std::string DebugState() const override {
    return "sink: " + std::to_string(want_.size()) + " sums to come";
  }

  bool done() const { return want_.empty(); }
  Cycle last() const { return last_; }

 private:
  static std::string Show(const SumBeat& s) {
    std::string r = "pixel " + std::to_string(s.pixel) + " [";
    for (size_t i = 0; i < s.v.size(); ++i) r += (i ? " " : "") + std::to_string(s.v[i]);
    return r + "]";
  }

  bool Ready(Cycle c) const { return Open(seed_, c, 96, 1, 80); }

  uint64_t seed_;
  bool lazy_;
  std::deque<SumBeat>& want_;
  Link<SumBeat>& out_;
  Gaps gaps_;
  CsEngineTrace* trace_;
  uint64_t taken_ = 0;
  Cycle last_ = 0;
};

}  // namespace

RegressResult RunCsEngineRegress(uint64_t seed, Impl impl, const CosimOptions& options) {
  return RunCsEngineRegress(seed, impl, options, CsEngineStimulus::kMixed);
}

RegressResult RunCsEngineRegress(uint64_t seed, Impl impl, const CosimOptions& options,
                                 CsEngineStimulus stimulus, CsEngineTrace* trace) {
  Rng rng(seed);
  Stimulus s = MakeStimulus(rng, stimulus);

  StatGroup root(nullptr, "top");
  Link<Beat> in("cs.in", 2), weight("cs.weight", 2), id("cs.id", 2);
  CsEngine cs(CsSpec{}, in, weight, id, root);
  const bool lazy = stimulus == CsEngineStimulus::kSkip;
  Source source(seed, lazy, s, cs.cmd(), weight, id, in);
  Sink sink(seed, lazy, s.sums, cs.out(), trace);

  Engine engine;
  engine.AddUnit(&source, "source");
  std::unique_ptr<Twin> twin;
  if (impl == Impl::kModel) {
    engine.AddUnit(&cs, "cs");
  } else {
    twin = MakeCsEngineTwin(cs, in, weight, id, impl, options, "top.cs");
    engine.AddUnit(twin.get(), "cs");
  }
  engine.AddUnit(&sink, "sink");
  for (LinkBase* l : cs.links()) engine.AddLink(l);
  engine.AddLink(&in);
  engine.AddLink(&weight);
  engine.AddLink(&id);

  auto done = [&] { return sink.done(); };
  auto on_cycle = [&](Cycle now) {
    if (now > sink.last() + kStuckCycles)
      throw SimError("cs_engine regress: seed " + std::to_string(seed) +
                     ": no sum beat since cycle " + std::to_string(sink.last()) + "; " +
                     engine.DeadlockReport(now));
  };
  RegressResult r;
  r.cycles =
      impl == Impl::kModel ? engine.Run(done, on_cycle) : RunSystemC(engine, 500.0, done, on_cycle);
  r.transactions = cs.cmd().pops() + in.pops() + weight.pops() + id.pops() + cs.out().pushes();
  if (trace)
    for (const CounterSpec& c : counters::cs_engine::kList)
      trace->counters.emplace_back(c.rtl, cs.stats().Find(c.model)->value());
  return r;
}

}  // namespace cssim
