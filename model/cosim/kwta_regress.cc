#include "model/cosim/kwta_regress.h"

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "model/base/engine.h"
#include "model/base/error.h"
#include "model/base/stats.h"
#include "model/compile/program.h"
#include "model/cosim/kwta_twin.h"
#include "model/glb/glb.h"
#include "model/kwta/kwta.h"
#include "model/ref/ref.h"
#include "model/top/sc_top.h"

namespace cssim {
namespace {

// A well-mixed 64-bit value of (seed, stream, cycle): the per-cycle random decisions.
uint64_t Mix(uint64_t seed, uint64_t stream, uint64_t cycle) {
  uint64_t z = seed * 0x9e3779b97f4a7c15ull + stream * 0xbf58476d1ce4e5b9ull + cycle;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// What one seed runs: the profile's knobs and the commands.
struct Plan {
  std::vector<KwtaCmd> cmds;
  int max_gap = 3;          // cycles between commands: 0..max_gap
  int done_ready_pct = 50;  // chance the done sink takes a visible index in a cycle
  int noise_pct = 0;        // chance a cycle of the bank thief is in an active burst
};

// Regions of the 256 KiB GLB: maps below 48 KiB, dense maps from 64 KiB (or in place), lists
// from 128 KiB (at most 4 * 3000 bytes past 168 KiB).
constexpr uint32_t kDenseRegion = 64 * 1024;
constexpr uint32_t kListRegion = 128 * 1024;
constexpr uint32_t kBaseSpan = 40000;

Plan MakePlan(uint64_t seed, std::mt19937_64& rng) {
  Plan p;
  const int profile = int(seed % 4);
  int commands = 24 + int(rng() % 12);
  int64_t n_min = 1, n_max = 700;
  int list_pct = 50;
  switch (profile) {
    case 1:
      commands = 80;
      n_max = 40;
      p.max_gap = 60;  // long idle stretches: the engine skips them
      p.done_ready_pct = 30;
      p.noise_pct = 60;
      break;
    case 2:
      commands = 12 + int(rng() % 5);
      n_min = 500;
      n_max = 3000;
      list_pct = 80;
      p.done_ready_pct = 90;
      break;
    case 3:
      n_max = 300;
      p.done_ready_pct = 5;
      p.noise_pct = 80;
      break;
    default:
      p.noise_pct = 50;
      break;
  }
  for (int i = 0; i < commands; ++i) {
    KwtaCmd c;
    c.n = n_min + int64_t(rng() % uint64_t(n_max - n_min + 1));
    const uint64_t pick = rng() % 4;
    c.k = pick == 0 ? 1 : pick == 1 ? c.n : 1 + int64_t(rng() % uint64_t(c.n));
    c.in_base = uint32_t(rng() % kBaseSpan);
    const uint64_t out = rng() % 10;  // 0: neither, 1..3: list only, 4..: dense (and list)
    c.write_dense = out >= 4;
    c.write_list = out >= 1 && (out <= 3 || int(rng() % 100) < list_pct);
    if (rng() % 4 == 0)  // in place, or from a little below
      c.dense_base = c.in_base - std::min<uint32_t>(c.in_base, uint32_t(rng() % 8));
    else
      c.dense_base = kDenseRegion + uint32_t(rng() % kBaseSpan);
    c.list_base = kListRegion + uint32_t(rng() % kBaseSpan);
    p.cmds.push_back(c);
  }
  return p;
}

// Writes the map: narrow value ranges make many ties at the threshold.
void FillMap(const KwtaCmd& c, std::mt19937_64& rng, std::vector<uint8_t>* image) {
  static const int kSpans[] = {1, 2, 12, 127};
  const int span = kSpans[rng() % 4];
  for (int64_t i = 0; i < c.n; ++i)
    (*image)[c.in_base + size_t(i)] = uint8_t(int(rng() % uint64_t(2 * span + 1)) - span);
}

// Applies a command to the image as the reference says; adds its counts to `want`.
struct Counts {
  uint64_t values = 0, compares = 0, winners = 0, records = 0;
};
void Reference(const KwtaCmd& c, std::vector<uint8_t>* image, Counts* want) {
  const size_t n = size_t(c.n);
  std::vector<int32_t> map(n);
  KwtaHistogram hist{};
  for (size_t i = 0; i < n; ++i) {
    map[i] = int8_t((*image)[c.in_base + i]);
    ++hist[size_t(map[i] + 128)];
  }
  // One channel per value: HWC and CHW orders coincide.
  const std::vector<int64_t> kept = KwtaWinners(Shape{int(n), 1, 1}, map, c.k);
  want->values += n;
  want->compares += n + uint64_t(KwtaSearch(hist, c.k).bins_examined);
  want->winners += kept.size();
  if (c.write_dense) {
    for (size_t i = 0; i < n; ++i) (*image)[c.dense_base + i] = 0;
    for (int64_t i : kept) (*image)[c.dense_base + size_t(i)] = uint8_t(map[size_t(i)]);
  }
  if (c.write_list) {
    uint32_t at = c.list_base;
    for (int64_t i : kept) {
      const uint8_t rec[kActEntryBytes] = {uint8_t(i & 0xff), uint8_t(i >> 8),
                                           uint8_t(map[size_t(i)]), 0};
      std::copy(rec, rec + kActEntryBytes, image->begin() + at);
      at += kActEntryBytes;
    }
    want->records += kept.size();
  }
}

// Feeds the commands, each at least `gap` cycles (random) after the previous one.
class CmdSource : public Unit {
 public:
  CmdSource(Link<KwtaCmd>& out, const Plan& plan, uint64_t seed)
      : out_(out), plan_(plan), seed_(seed) {}
  void Tick(Cycle now) override {
    if (next_ == plan_.cmds.size() || now < ready_at_ || !out_.CanPush()) return;
    out_.Push(plan_.cmds[next_++]);
    ready_at_ = now + 1 + Mix(seed_, 1, now) % uint64_t(plan_.max_gap + 1);
  }
  Cycle NextEvent(Cycle now) const override {
    return next_ == plan_.cmds.size() ? kNever : std::max(now + 1, ready_at_);
  }

 private:
  Link<KwtaCmd>& out_;
  const Plan& plan_;
  uint64_t seed_;
  size_t next_ = 0;
  Cycle ready_at_ = 0;
};

// Takes the done indices, in a cycle only with the profile's chance; checks their order.
class DoneSink : public Unit {
 public:
  DoneSink(Link<uint32_t>& in, const Plan& plan, uint64_t seed)
      : in_(in), plan_(plan), seed_(seed) {}
  void Tick(Cycle now) override {
    if (!in_.CanPop() || int(Mix(seed_, 2, now) % 100) >= plan_.done_ready_pct) return;
    const uint32_t index = in_.Pop();
    if (index != received_)
      throw SimError("kwta regress: done index " + std::to_string(index) + ", expected " +
                     std::to_string(received_));
    ++received_;
  }
  Cycle NextEvent(Cycle now) const override { return in_.CanPop() ? now + 1 : kNever; }
  bool finished() const { return received_ == plan_.cmds.size(); }

 private:
  Link<uint32_t>& in_;
  const Plan& plan_;
  uint64_t seed_;
  uint32_t received_ = 0;
};

// Another GLB client: in active bursts of 32 cycles it reads random words and pops its
// responses now and then, so it takes banks from the unit and its arbitration turns.
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
    // The next burst (the profiles' chances find one within a few).
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

RegressResult RunKwtaRegress(uint64_t seed, Impl impl, const CosimOptions& options) {
  std::mt19937_64 rng(seed);
  const Plan plan = MakePlan(seed, rng);
  const GlbSpec glb_spec;  // the default arch's: 256 KiB, 16 banks of 8-byte words
  const KwtaSpec kwta_spec;

  StatGroup root(nullptr, "top");
  Glb glb(glb_spec, root);
  // As the accelerator adds it (model/top/accelerator.cc): one lane per word of `lanes` values.
  Glb::Port& port =
      glb.AddPort("glb.kwta", std::max(1, kwta_spec.lanes / glb_spec.bank_width_bytes), 4);
  Glb::Port& thief_port = glb.AddPort("glb.thief", 2, 4);
  Kwta kwta(kwta_spec, port, glb_spec.bank_width_bytes, root);

  // The image: random bytes, the maps, then what the reference makes of them, in order (a
  // command starts after the previous one's writes are acknowledged).
  std::vector<uint8_t> image(glb.size_bytes());
  for (auto& b : image) b = uint8_t(rng());
  for (const KwtaCmd& c : plan.cmds) FillMap(c, rng, &image);
  glb.Poke(0, image.data(), image.size());
  std::vector<uint8_t> want = image;
  Counts counts;
  for (const KwtaCmd& c : plan.cmds) Reference(c, &want, &counts);

  CmdSource source(kwta.cmd(), plan, seed);
  DoneSink sink(kwta.done(), plan, seed);
  BankThief thief(thief_port, glb.size_bytes(), plan.noise_pct, seed);
  std::unique_ptr<Twin> twin;
  if (impl != Impl::kModel) twin = MakeKwtaTwin(kwta, port, impl, options, "top.kwta");

  Engine engine;
  engine.AddUnit(&source, "source");
  engine.AddUnit(&thief, "thief");
  engine.AddUnit(&glb, "glb");
  if (twin)
    engine.AddUnit(twin.get(), "kwta");
  else
    engine.AddUnit(&kwta, "kwta");
  engine.AddUnit(&sink, "sink");
  for (const auto& p : glb.ports()) {
    engine.AddLink(&p->req);
    engine.AddLink(&p->resp);
  }
  for (LinkBase* l : kwta.links()) engine.AddLink(l);

  constexpr Cycle kMaxCycles = 5000000;
  const auto done = [&] { return sink.finished(); };
  const auto on_cycle = [&](Cycle now) {
    if (now >= kMaxCycles)
      throw SimError("kwta regress seed " + std::to_string(seed) + ": not done after " +
                     std::to_string(kMaxCycles) + " cycles");
  };
  const uint64_t transactions0 = Tally().transactions;
  RegressResult r;
  r.cycles = twin ? RunSystemC(engine, 500, done, on_cycle) : engine.Run(done, on_cycle);
  r.transactions = Tally().transactions - transactions0;

  std::vector<uint8_t> got(glb.size_bytes());
  glb.Peek(0, got.data(), got.size());
  const auto diff = std::mismatch(got.begin(), got.end(), want.begin());
  if (diff.first != got.end())
    throw SimError("kwta regress seed " + std::to_string(seed) + " (" + ImplName(impl) +
                   "): GLB byte " + std::to_string(diff.first - got.begin()) + " is " +
                   std::to_string(*diff.first) + ", the reference says " +
                   std::to_string(*diff.second));
  const std::pair<const char*, uint64_t> totals[] = {{"hist_updates", counts.values},
                                                     {"compares", counts.compares},
                                                     {"winners", counts.winners},
                                                     {"list_writes", counts.records}};
  for (const auto& [name, value] : totals) {
    const uint64_t v = kwta.stats().Find(name)->value();
    if (v != value)
      throw SimError("kwta regress seed " + std::to_string(seed) + " (" + ImplName(impl) +
                     "): counter " + name + " is " + std::to_string(v) + ", the reference says " +
                     std::to_string(value));
  }
  return r;
}

}  // namespace cssim
