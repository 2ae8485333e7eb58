#include "model/cosim/cs_engine_regress.h"

#include <algorithm>
#include <array>
#include <deque>
#include <memory>

#include "model/base/engine.h"
#include "model/cosim/cs_engine_counters.h"
#include "model/cosim/cs_engine_twin.h"
#include "model/cosim/harness.h"
#include "model/cs/cs_engine.h"

namespace cssim {
namespace {

// Bus widths of the default arch's CS engine (the configuration the RTL is built for).
constexpr int kLanes = 16;
constexpr int kEngines = 16;
constexpr int kMaxN = 32;
constexpr int kBankEntries = 128;

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
  StimulusRng rng_;
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
void AddPass(StimulusRng& rng, CsEngineStimulus shape, Force force, Stimulus* s) {
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

Stimulus MakeStimulus(StimulusRng& rng, CsEngineStimulus shape) {
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
      SendFront(s_.cmds, cmd_, gap);
      SendFront(s_.weights, weight_, gap);
      SendFront(s_.ids, id_, gap);
      SendFront(s_.inputs, in_, gap);
      return;
    }
    // Draw every cycle, pushed or not, so the draws never depend on what the engine did.
    const bool cmd_gap = cmd_gaps_.Gap(now);
    const bool weight_gap = weight_gaps_.Gap(now);
    const bool id_gap = id_gaps_.Gap(now);
    const bool in_gap = in_gaps_.Gap(now);
    SendFront(s_.cmds, cmd_, cmd_gap);
    SendFront(s_.weights, weight_, weight_gap);
    SendFront(s_.ids, id_, id_gap);
    SendFront(s_.inputs, in_, in_gap);
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

  uint64_t seed_;
  bool lazy_;
  Stimulus& s_;
  Link<ArrayCmd>& cmd_;
  Link<Beat>& weight_;
  Link<Beat>& id_;
  Link<Beat>& in_;
  Gaps cmd_gaps_, weight_gaps_, id_gaps_, in_gaps_;
};

}  // namespace

RegressResult RunCsEngineRegress(uint64_t seed, Impl impl, const CosimOptions& options) {
  return RunCsEngineRegress(seed, impl, options, CsEngineStimulus::kMixed);
}

RegressResult RunCsEngineRegress(uint64_t seed, Impl impl, const CosimOptions& options,
                                 CsEngineStimulus stimulus, SumTrace* trace) {
  StimulusRng rng(seed);
  Stimulus s = MakeStimulus(rng, stimulus);

  StatGroup root(nullptr, "top");
  Link<Beat> in("cs.in", 2), weight("cs.weight", 2), id("cs.id", 2);
  CsEngine cs(CsSpec{}, in, weight, id, root);
  const bool lazy = stimulus == CsEngineStimulus::kSkip;
  Source source(seed, lazy, s, cs.cmd(), weight, id, in);
  // Lazy, the sink is ready only in windows, and not ticked while it cannot take a sum (a push
  // wakes the engine up); otherwise it has random ready gaps and is ticked every cycle.
  Gaps gaps(seed + 5);
  auto ready = [seed](Cycle c) { return Open(seed, c, 96, 1, 80); };
  SumSink sink(
      "cs_engine", s.sums, cs.out(), trace,
      [&](Cycle now) { return lazy ? ready(now) : !gaps.Gap(now); },
      [&](Cycle now) {
        if (!lazy) return now + 1;
        if (!cs.out().CanPop()) return kNever;
        Cycle next = now + 1;
        while (!ready(next)) ++next;
        return next;
      });

  std::unique_ptr<Twin> twin;
  if (impl != Impl::kModel) twin = MakeCsEngineTwin(cs, in, weight, id, impl, options, "top.cs");
  Engine engine;
  engine.AddUnit(&source, "source");
  AddBlock(engine, cs, twin.get(), "cs");
  engine.AddUnit(&sink, "sink");
  for (LinkBase* l : cs.links()) engine.AddLink(l);
  engine.AddLink(&in);
  engine.AddLink(&weight);
  engine.AddLink(&id);

  RegressResult r;
  r.cycles = RunSumBench(engine, impl, sink, seed);
  r.transactions = cs.cmd().pops() + in.pops() + weight.pops() + id.pops() + cs.out().pushes();
  if (trace) trace->RecordCounters(counters::cs_engine::kList, cs.stats());
  return r;
}

}  // namespace cssim
