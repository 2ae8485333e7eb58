#include "model/cosim/pe_array_regress.h"

#include <algorithm>
#include <array>
#include <deque>
#include <memory>

#include "model/base/engine.h"
#include "model/cosim/harness.h"
#include "model/cosim/pe_array_counters.h"
#include "model/cosim/pe_array_twin.h"
#include "model/ref/data.h"

namespace cssim {
namespace {

// When a source or sink unit acts. Every unit sleeps in the same random stretches of
// kSleepCycles (so that the engine skips the cycles in which the array is idle too); awake, a
// unit acts each cycle and stalls with a probability that changes every kPhaseCycles (from never
// to nearly always). The stretches and the probabilities are a function of the seed and the
// cycle, and the stall draws happen in awake cycles only, all of which are ticked: the stimulus
// is the same in every Impl, whichever cycles the engine skips.
class Pacer {
 public:
  static constexpr Cycle kSleepCycles = 32;
  static constexpr Cycle kPhaseCycles = 256;
  Pacer(uint64_t seed, uint64_t stream)
      : seed_(seed), stream_(SplitMix64(seed ^ stream)), rng_(SplitMix64(stream_)) {}

  bool Asleep(Cycle now) const { return SplitMix64(seed_ ^ (now / kSleepCycles)) % 4 == 0; }
  // In an awake cycle: whether the unit stalls.
  bool Stall(Cycle now) {
    static constexpr std::array<int, 6> kPercent = {0, 0, 10, 40, 75, 95};
    return rng_.Percent(kPercent[SplitMix64(stream_ ^ (now / kPhaseCycles)) % kPercent.size()]);
  }
  // The first awake cycle after `now`.
  Cycle NextAwake(Cycle now) const {
    Cycle c = now + 1;
    while (Asleep(c)) c = (c / kSleepCycles + 1) * kSleepCycles;
    return c;
  }

 private:
  uint64_t seed_, stream_;
  StimulusRng rng_;
};

struct Stimulus {
  std::deque<ArrayCmd> cmds;
  std::deque<Beat> weights, inputs;
  std::deque<SumBeat> sums;  // expected, in order
};

Beat RandomBeat(StimulusRng& rng, int lanes) {
  Beat b;
  for (int i = 0; i < lanes; ++i) b.v.push_back(rng.Int8());
  return b;
}

// One pass of the given shape, its beats, and the sums the array must produce: lanes and
// entries the pass does not multiply carry random values too, so any leak shows.
void AddPass(StimulusRng& rng, PeArrayStimulus shape, Stimulus* s) {
  ArrayCmd c;
  c.dataflow = Dataflow::kWeightStationary;
  int64_t len = 0;  // k - k0
  switch (shape) {
    case PeArrayStimulus::kFull:
      c.rows_used = 16;
      c.cols_used = 16;
      c.kp = int(rng.In(1, 32));
      c.k0 = rng.In(0, 3) * 16 * c.kp;
      len = 16 * c.kp + (rng.Percent(30) ? rng.In(1, 100) : 0);
      c.pixels = rng.In(1, 4);
      break;
    case PeArrayStimulus::kRagged:
      c.rows_used = int(rng.In(1, 16));
      c.cols_used = int(rng.In(1, 16));
      c.kp = int(rng.In(1, 32));
      c.k0 = rng.In(0, 1000);
      // Mostly a k range that ends inside the pass; sometimes one that ends before it or
      // goes on after it (rows beyond rows_used must stay idle).
      if (rng.Percent(10))
        len = -rng.In(0, 5);
      else if (rng.Percent(15))
        len = int64_t(c.rows_used) * c.kp + rng.In(1, 100);
      else
        len = rng.In(1, int64_t(c.rows_used) * c.kp);
      c.pixels = rng.In(1, 6);
      break;
    case PeArrayStimulus::kTiny:
      c.rows_used = int(rng.In(1, 3));
      c.cols_used = int(rng.In(1, 4));
      c.kp = int(rng.In(1, 2));
      c.k0 = 0;
      len = rng.In(1, int64_t(c.rows_used) * c.kp);
      c.pixels = rng.In(4, 40);
      break;
    case PeArrayStimulus::kMixed:
      AddPass(rng, PeArrayStimulus(rng.In(1, 3)), s);
      return;
  }
  c.k = c.k0 + len;
  s->cmds.push_back(c);
  std::vector<Beat> w;  // beat r * kp + j: entry j of row r, lane c for column c
  for (int b = 0; b < c.rows_used * c.kp; ++b) w.push_back(RandomBeat(rng, c.cols_used));
  for (const Beat& b : w) s->weights.push_back(b);
  for (int64_t p = 0; p < c.pixels; ++p) {
    std::vector<Beat> in;  // beat j: entry j, lane r for row r
    for (int j = 0; j < c.kp; ++j) in.push_back(RandomBeat(rng, c.rows_used));
    SumBeat sum;
    sum.pixel = p;
    sum.v.assign(size_t(c.cols_used), 0);
    for (int r = 0; r < c.rows_used; ++r) {
      const int64_t kp_eff = std::clamp<int64_t>(c.k - (c.k0 + int64_t(r) * c.kp), 0, c.kp);
      for (int j = 0; j < kp_eff; ++j)
        for (int col = 0; col < c.cols_used; ++col)
          sum.v[size_t(col)] +=
              int32_t(in[size_t(j)].v[size_t(r)]) * int32_t(w[size_t(r * c.kp + j)].v[size_t(col)]);
    }
    for (Beat& b : in) s->inputs.push_back(std::move(b));
    s->sums.push_back(std::move(sum));
  }
}

Stimulus MakeStimulus(StimulusRng& rng, PeArrayStimulus shape) {
  int passes = 20;
  if (shape == PeArrayStimulus::kFull) passes = 6;
  if (shape == PeArrayStimulus::kTiny) passes = 24;
  Stimulus s;
  for (int i = 0; i < passes; ++i) AddPass(rng, shape, &s);
  return s;
}

// Pushes the commands and beats, each link with its own random stalls.
class Source : public Unit {
 public:
  Source(uint64_t seed, Stimulus& s, Link<ArrayCmd>& cmd, Link<Beat>& weight, Link<Beat>& in)
      : s_(s),
        cmd_(cmd),
        weight_(weight),
        in_(in),
        cmd_pacer_(seed, 1),
        weight_pacer_(seed, 2),
        in_pacer_(seed, 3) {}

  void Tick(Cycle now) override {
    if (cmd_pacer_.Asleep(now)) return;
    // Draw every awake cycle, sent or not, so the draws never depend on what the array did.
    const bool cmd_stall = cmd_pacer_.Stall(now);
    const bool weight_stall = weight_pacer_.Stall(now);
    const bool in_stall = in_pacer_.Stall(now);
    SendFront(s_.cmds, cmd_, cmd_stall);
    SendFront(s_.weights, weight_, weight_stall);
    SendFront(s_.inputs, in_, in_stall);
  }
  Cycle NextEvent(Cycle now) const override {
    const bool idle = s_.cmds.empty() && s_.weights.empty() && s_.inputs.empty();
    return idle ? kNever : cmd_pacer_.NextAwake(now);
  }
  std::string DebugState() const override {
    return "source: cmds " + std::to_string(s_.cmds.size()) + " weights " +
           std::to_string(s_.weights.size()) + " inputs " + std::to_string(s_.inputs.size());
  }

 private:
  Stimulus& s_;
  Link<ArrayCmd>& cmd_;
  Link<Beat>& weight_;
  Link<Beat>& in_;
  Pacer cmd_pacer_, weight_pacer_, in_pacer_;
};

}  // namespace

RegressResult RunPeArrayRegress(uint64_t seed, Impl impl, const CosimOptions& options,
                                PeArrayStimulus stimulus, SumTrace* trace) {
  StimulusRng rng(seed);
  Stimulus s = MakeStimulus(rng, stimulus);

  StatGroup root(nullptr, "top");
  Link<Beat> in("array.in", 2), weight("array.weight", 2);
  PeArray array(ArraySpec{}, PeSpec{}, in, weight, root);
  Source source(seed, s, array.cmd(), weight, in);
  // The sink takes a sum beat in an awake cycle unless it stalls.
  Pacer pacer(seed, 4);
  SumSink sink(
      "pe_array", s.sums, array.out(), trace,
      [&](Cycle now) { return !pacer.Asleep(now) && !pacer.Stall(now); },
      [&](Cycle now) { return pacer.NextAwake(now); });

  std::unique_ptr<Twin> twin;
  if (impl != Impl::kModel) twin = MakePeArrayTwin(array, in, weight, impl, options, "top.array");
  Engine engine;
  engine.AddUnit(&source, "source");
  AddBlock(engine, array, twin.get(), "array");
  engine.AddUnit(&sink, "sink");
  for (LinkBase* l : array.links()) engine.AddLink(l);
  engine.AddLink(&in);
  engine.AddLink(&weight);

  RegressResult r;
  r.cycles = RunSumBench(engine, impl, sink, seed);
  r.transactions = array.cmd().pops() + in.pops() + weight.pops() + array.out().pushes();
  if (trace) trace->RecordCounters(counters::pe_array::kList, array.stats());
  return r;
}

}  // namespace cssim
