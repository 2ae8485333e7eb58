// Output collector contract with a real GLB: on random commands (first / last pass, requantise,
// ReLU, int8 and int32 outputs, 1..16 columns, reductions over several passes, tiles of a few
// pixels so that a pass's beats meet the previous pass's still in flight, and commands whose
// regions overlap at random) it leaves the GLB exactly as a plain one-beat-at-a-time reference,
// with the same counts, while beats arrive with random gaps, another GLB client steals banks
// and the done consumer stalls; a command's done comes only once its writes are in the GLB.
// Its cycle counts on two hand-checked cases are exact; long passes run at max(bus, GLB port)
// rate; the engine's skipping of cycles in which it waits on nothing but the bus or its compute
// does not change the count.
#include "model/ppu/collector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "model/base/engine.h"
#include "model/base/error.h"
#include "model/ref/ref.h"
#include "tb/common/glb_noise.h"

namespace cssim {
namespace {

constexpr uint32_t kWord = 8;

GlbSpec MakeGlb(int size_kib, int banks) {
  GlbSpec s;
  s.size_kib = size_kib;
  s.banks = banks;
  s.bank_width_bytes = int(kWord);
  return s;
}

PpuSpec MakePpu(int lanes) {
  PpuSpec p;
  p.lanes = lanes;
  return p;
}

// The array side: pushes queued SumBeats into the collector's input, with random pauses when
// `gaps` is set.
class Feeder : public Unit {
 public:
  Feeder(Link<SumBeat>& out, bool gaps, uint64_t seed) : out_(out), gaps_(gaps), rng_(seed) {}
  void Add(SumBeat b) { beats_.push_back(std::move(b)); }
  void Tick(Cycle) override {
    if (beats_.empty() || !out_.CanPush()) return;
    if (gaps_) {
      if (pause_ > 0) {
        --pause_;
        return;
      }
      const uint64_t r = rng_() % 16;
      if (r < 5) return;  // a one-cycle gap
      if (r == 5) {
        pause_ = 1 + int(rng_() % 20);  // a longer one
        return;
      }
    }
    out_.Push(std::move(beats_.front()));
    beats_.pop_front();
  }
  Cycle NextEvent(Cycle now) const override { return beats_.empty() ? kNever : now + 1; }

 private:
  Link<SumBeat>& out_;
  bool gaps_;
  std::mt19937_64 rng_;
  std::deque<SumBeat> beats_;
  int pause_ = 0;
};

struct Bench {
  StatGroup root{nullptr, "top"};
  Glb glb;
  Glb::Port& port;
  Glb::Port& noise_port;
  Link<SumBeat> in{"array.out", 16};
  Collector collector;
  Feeder feeder;
  std::unique_ptr<GlbNoise> noise;
  std::vector<LinkBase*> links;
  std::deque<CollectCmd> queued;  // pushed on cmd() as it has room
  std::mt19937_64 done_rng{5};
  bool stall_done = false;
  Cycle now = 0;
  uint64_t most_requests = 0;  // the collector's GLB requests in one cycle, at most

  // The port as the accelerator builds it: one request per bus word, link depth 4.
  Bench(const GlbSpec& g, const PpuSpec& ppu, int bus_bytes, bool random_timing)
      : glb(g, root),
        port(glb.AddPort("output_bus", std::max(1, bus_bytes / g.bank_width_bytes), 4)),
        noise_port(glb.AddPort("noise", 2, 4)),
        collector("", ppu, bus_bytes, in, port, glb.word_bytes(), root),
        feeder(in, random_timing, 7) {
    if (random_timing) {
      noise = std::make_unique<GlbNoise>(noise_port, glb.size_bytes(), 99);
      stall_done = true;
    }
    for (const auto& p : glb.ports()) {
      links.push_back(&p->req);
      links.push_back(&p->resp);
    }
    links.push_back(&in);
    for (LinkBase* l : collector.links()) links.push_back(l);
  }
  // Makes the command visible in the current cycle (as if pushed in the previous one).
  void Issue(const CollectCmd& c) {
    collector.cmd().Push(c);
    collector.cmd().Commit();
  }
  // Makes the beats visible in the current cycle (at most the input link's 16).
  void Preload(const std::vector<SumBeat>& beats) {
    for (const SumBeat& b : beats) in.Push(b);
    in.Commit();
  }
  void Step() {
    if (!queued.empty() && collector.cmd().CanPush()) {
      collector.cmd().Push(queued.front());
      queued.pop_front();
    }
    feeder.Tick(now);
    if (noise) noise->Tick(now);
    glb.Tick(now);
    const uint64_t before = port.req.pushes();
    collector.Tick(now);
    most_requests = std::max(most_requests, port.req.pushes() - before);
    for (LinkBase* l : links) l->Commit();
    ++now;
  }
  // Steps until `n` done entries have been popped (the consumer stalls at random with random
  // timing); calls on_done(index) for each as it is popped. False if they never came.
  template <typename F>
  bool Finish(size_t n, F on_done) {
    size_t got = 0;
    for (int i = 0; i < 2000000 && got < n; ++i) {
      if (collector.done().CanPop() && !(stall_done && done_rng() % 4 == 0)) {
        on_done(collector.done().Pop());
        ++got;
      }
      if (got < n) Step();
    }
    if (got == n) return true;
    ADD_FAILURE() << "collect commands did not finish: " << collector.DebugState();
    return false;
  }
  bool Finish(size_t n) {
    return Finish(n, [](uint32_t) {});
  }
  uint64_t Stat(const std::string& name) const {
    uint64_t v = ~uint64_t(0);
    root.Walk([&](const Counter& c) {
      if (c.full_name() == "top." + name) v = c.value();
    });
    return v;
  }
};

// GLB words touched by [addr, addr + n).
uint64_t Words(uint64_t addr, uint64_t n) { return (addr % kWord + n + kWord - 1) / kWord; }

uint32_t PsumAddr(const CollectCmd& c, int64_t pixel) {
  return c.psum_base + uint32_t(c.p0 + pixel) * uint32_t(c.cols) * 4;
}
uint32_t OutAddr(const CollectCmd& c, int64_t pixel) {
  return c.out_base + uint32_t(c.p0 + pixel) * uint32_t(c.out_pixel_bytes) +
         uint32_t(c.n_local0 * c.out_elem_bytes);
}

// Counts of one beat at a time.
struct Counts {
  uint64_t ops = 0, transfers = 0, psum_reads = 0, psum_writes = 0, out_writes = 0;
};

// The plain reference: one beat after the other, each reading the image as the earlier ones
// left it.
void ApplyRef(const CollectCmd& c, const SumBeat& b, std::vector<uint8_t>* m, Counts* n) {
  const uint32_t psum = PsumAddr(c, b.pixel), bytes = uint32_t(c.cols) * 4;
  n->transfers += bytes;
  std::vector<int32_t> v(b.v.begin(), b.v.begin() + c.cols);
  if (!c.first) {
    n->psum_reads += Words(psum, bytes);
    for (int col = 0; col < c.cols; ++col) {
      uint32_t old;
      std::memcpy(&old, &(*m)[psum + uint32_t(col) * 4], 4);
      v[col] = int32_t(uint32_t(v[col]) + old);
    }
  }
  if (!c.last) {
    n->psum_writes += Words(psum, bytes);
    std::memcpy(&(*m)[psum], v.data(), bytes);
    return;
  }
  const uint32_t out = OutAddr(c, b.pixel);
  n->ops += uint64_t(c.cols);
  n->out_writes += Words(out, uint64_t(c.cols) * c.out_elem_bytes);
  for (int col = 0; col < c.cols; ++col) {
    int32_t x = v[col];
    if (c.requant) x = Requantize(x, c.shift);
    if (c.relu) x = std::max(x, 0);
    if (c.out_elem_bytes == 1)
      (*m)[out + uint32_t(col)] = uint8_t(int8_t(x));
    else
      std::memcpy(&(*m)[out + uint32_t(col) * 4], &x, 4);
  }
}

int64_t FirstDifference(const Glb& glb, const std::vector<uint8_t>& want, uint32_t lo = 0,
                        uint32_t hi = 0) {
  if (hi == 0) hi = uint32_t(want.size());
  std::vector<uint8_t> got(hi - lo);
  glb.Peek(lo, got.data(), got.size());
  const auto d = std::mismatch(got.begin(), got.end(), want.begin() + lo);
  return d.first == got.end() ? -1 : int64_t(lo) + int64_t(d.first - got.begin());
}

int Pick(std::mt19937_64& rng, int lo, int hi) { return lo + int(rng() % uint64_t(hi - lo + 1)); }

// Sums over the whole int32 range, or near zero so that ReLU and int8 saturation see both sides.
SumBeat RandomBeat(std::mt19937_64& rng, int64_t pixel, int cols) {
  SumBeat b;
  b.pixel = pixel;
  for (int col = 0; col < cols; ++col)
    b.v.push_back(rng() % 2 ? int32_t(uint32_t(rng())) : int32_t(rng() % 8192) - 4096);
  return b;
}

// A command's pixels in order, or now and then in a random order.
std::vector<int64_t> PixelOrder(std::mt19937_64& rng, int64_t pixels) {
  std::vector<int64_t> order(size_t(pixels), 0);
  for (int64_t p = 0; p < pixels; ++p) order[size_t(p)] = p;
  if (rng() % 4 == 0)
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
  return order;
}

void RandomOutputStage(std::mt19937_64& rng, CollectCmd* c) {
  c->requant = rng() % 4 != 0;
  c->shift = Pick(rng, 0, 16);
  c->relu = rng() % 2 == 0;
  c->out_elem_bytes = rng() % 3 ? 1 : 4;
}

// One reduction: `passes` commands over the same pixels and psums (first on the first, last on
// the last) in [region, region + 16 KiB), psums from region, outputs from region + 8 KiB. Few
// pixels (1..3) as often as many, so that the next pass's beats meet the last ones in flight.
std::vector<CollectCmd> RandomReduction(std::mt19937_64& rng, uint32_t region) {
  CollectCmd c;
  c.cols = Pick(rng, 1, 16);
  c.pixels = rng() % 2 ? Pick(rng, 1, 3) : Pick(rng, 4, 40);
  c.p0 = Pick(rng, 0, 3);
  c.n_local0 = Pick(rng, 0, 3);
  RandomOutputStage(rng, &c);
  c.out_pixel_bytes = (c.n_local0 + c.cols) * c.out_elem_bytes + Pick(rng, 0, 8);
  c.psum_base = region + uint32_t(Pick(rng, 0, 300));
  c.out_base = region + 8 * 1024 + uint32_t(Pick(rng, 0, 300));
  const int passes = Pick(rng, 1, 4);
  std::vector<CollectCmd> cmds;
  for (int j = 0; j < passes; ++j) {
    c.first = j == 0;
    c.last = j == passes - 1;
    cmds.push_back(c);
  }
  return cmds;
}

// A command anywhere in the first 2 KiB: regions of consecutive commands overlap at random.
CollectCmd RandomOverlapping(std::mt19937_64& rng) {
  CollectCmd c;
  c.first = rng() % 2 == 0;
  c.last = rng() % 2 == 0;
  c.cols = Pick(rng, 1, 16);
  c.pixels = Pick(rng, 1, 8);
  c.p0 = Pick(rng, 0, 3);
  c.n_local0 = Pick(rng, 0, 3);
  RandomOutputStage(rng, &c);
  c.out_pixel_bytes = (c.n_local0 + c.cols) * c.out_elem_bytes + Pick(rng, 0, 8);
  c.psum_base = uint32_t(Pick(rng, 0, 700));
  c.out_base = uint32_t(Pick(rng, 0, 700));
  return c;
}

struct Config {
  const char* name;
  int bus_bytes, ppu_lanes, banks;
};

TEST(CollectorRandom, LeavesTheGlbAsOneBeatAtATimeWithItsCounts) {
  const Config configs[] = {
      {"16-byte bus, 16 ppu lanes", 16, 16, 4},
      {"8-byte bus, 4 ppu lanes", 8, 4, 4},
      {"32-byte bus, 16 ppu lanes", 32, 16, 8},
  };
  std::mt19937_64 rng(17);
  for (const Config& cfg : configs) {
    SCOPED_TRACE(cfg.name);
    Bench b(MakeGlb(64, cfg.banks), MakePpu(cfg.ppu_lanes), cfg.bus_bytes, true);
    std::vector<uint8_t> image(b.glb.size_bytes());
    for (auto& x : image) x = uint8_t(rng());
    b.glb.Poke(0, image.data(), image.size());
    Counts want;
    uint32_t next_index = 0;
    for (int batch = 0; batch < 120; ++batch) {
      // Up to three reductions in their own 16 KiB regions, or up to five overlapping commands.
      std::vector<CollectCmd> cmds;
      if (batch % 2 == 0) {
        const int n = Pick(rng, 1, 3);
        for (int k = 0; k < n; ++k)
          for (const CollectCmd& c : RandomReduction(rng, uint32_t(k) * 16384)) cmds.push_back(c);
      } else {
        const int n = Pick(rng, 1, 5);
        for (int k = 0; k < n; ++k) cmds.push_back(RandomOverlapping(rng));
      }
      // The bytes each command leaves that no later command of the batch touches: a reduction's
      // outputs (its own region). Checked when its done is popped.
      const uint32_t first_index = next_index;
      std::vector<std::pair<uint32_t, uint32_t>> outputs;
      for (const CollectCmd& c : cmds) {
        const bool own = batch % 2 == 0 && c.last;
        outputs.push_back(
            own ? std::make_pair(OutAddr(c, 0),
                                 OutAddr(c, c.pixels - 1) + uint32_t(c.cols * c.out_elem_bytes))
                : std::make_pair(0u, 0u));
        for (int64_t p : PixelOrder(rng, c.pixels)) {
          SumBeat s = RandomBeat(rng, p, c.cols);
          ApplyRef(c, s, &image, &want);
          b.feeder.Add(std::move(s));
        }
        b.queued.push_back(c);
      }
      bool in_order = true, early = false;
      ASSERT_TRUE(b.Finish(cmds.size(),
                           [&](uint32_t d) {
                             in_order &= d == next_index++;
                             const auto& o = outputs[d - first_index];
                             if (o.second > 0)
                               early |= FirstDifference(b.glb, image, o.first, o.second) != -1;
                           }))
          << "batch " << batch;
      EXPECT_TRUE(in_order) << "batch " << batch << ": done indices out of command order";
      EXPECT_FALSE(early) << "batch " << batch << ": done before the outputs were in the GLB";
      // Every byte of the GLB, so a stray or missing byte anywhere fails.
      ASSERT_EQ(FirstDifference(b.glb, image), -1) << "batch " << batch;
    }
    EXPECT_LE(b.most_requests, uint64_t(b.port.lanes)) << "more GLB requests in a cycle than lanes";
    EXPECT_EQ(b.Stat("ppu.ops"), want.ops);
    EXPECT_EQ(b.Stat("output_bus.transfers"), want.transfers);
    EXPECT_EQ(b.Stat("glb.reads_psum"), want.psum_reads);
    EXPECT_EQ(b.Stat("glb.writes_psum"), want.psum_writes);
    EXPECT_EQ(b.Stat("glb.writes_output"), want.out_writes);
  }
}

std::vector<SumBeat> Beats(int64_t pixels, int cols) {
  std::vector<SumBeat> beats;
  for (int64_t p = 0; p < pixels; ++p) {
    SumBeat s;
    s.pixel = p;
    for (int col = 0; col < cols; ++col) s.v.push_back(int32_t(p * 1000 + col * 37) - 300);
    beats.push_back(s);
  }
  return beats;
}

// Checks the done of a command issued at cycle 0 with its beats visible then: not visible one
// cycle before `done_at`, visible in it; and the GLB then holds the reference.
void ExpectDoneAt(Bench& b, const CollectCmd& c, const std::vector<SumBeat>& beats, Cycle done_at) {
  std::vector<uint8_t> want(b.glb.size_bytes());
  b.glb.Peek(0, want.data(), want.size());
  Counts n;
  for (const SumBeat& s : beats) ApplyRef(c, s, &want, &n);
  b.Preload(beats);
  b.Issue(c);
  while (b.now < done_at - 1) b.Step();
  EXPECT_FALSE(b.collector.done().CanPop()) << "done visible one cycle early";
  b.Step();
  ASSERT_TRUE(b.collector.done().CanPop()) << "done not visible on time";
  EXPECT_EQ(b.collector.done().Pop(), 0u);
  EXPECT_EQ(FirstDifference(b.glb, want), -1);
}

// Bus bound: three beats of 16 sums (64 bytes, 4 cycles each on a 16-byte bus), first and last
// pass, int8 out (two words per beat, one cycle on a 2-request port). Beat k is taken at 4k,
// crosses at 4k + 4, computes in one cycle, writes at 4k + 5. The last writes (cycle 13) are
// served in 14 and acknowledged in 15, when done is pushed; visible in 16. (One beat at a
// time: 20, each beat waiting for the previous one's compute and writes.)
TEST(CollectorTiming, BusBoundCaseIsDoneExactlyWhenDerived) {
  Bench b(MakeGlb(4, 4), MakePpu(16), 16, false);
  CollectCmd c;
  c.cols = 16;
  c.pixels = 3;
  c.out_pixel_bytes = 16;
  c.requant = true;
  c.shift = 4;
  c.relu = true;
  ExpectDoneAt(b, c, Beats(3, 16), 16);
  EXPECT_EQ(b.Stat("glb.writes_output"), 6u);
}

// Psum-read bound: three beats of 4 sums (one bus cycle each), a last pass over stored psums
// (two words per beat at 0, 16, 32; banks 0..3 of 4), int8 out to 256 (one word each: 256, 256,
// 264). Beat k is taken at k and its reads go out then, served at k+1, back at k+2: it computes
// in k+2, writes in k+3 (served k+4, acknowledged k+5). The last ack is back in 7, done visible
// in 8. (One beat at a time: 22.)
TEST(CollectorTiming, PsumReadCaseIsDoneExactlyWhenDerived) {
  Bench b(MakeGlb(4, 4), MakePpu(16), 16, false);
  std::vector<uint8_t> psums(48);
  for (size_t i = 0; i < psums.size(); ++i) psums[i] = uint8_t(i * 29 % 7);
  b.glb.Poke(0, psums.data(), psums.size());
  CollectCmd c;
  c.first = false;
  c.cols = 4;
  c.pixels = 3;
  c.out_base = 256;
  c.out_pixel_bytes = 4;
  c.requant = true;
  c.shift = 2;
  ExpectDoneAt(b, c, Beats(3, 4), 8);
  EXPECT_EQ(b.Stat("glb.reads_psum"), 6u);
  EXPECT_EQ(b.Stat("glb.writes_output"), 3u);
}

// Long passes run at max(bus, GLB port) rate, within 10 %: the bus takes ceil(4 * cols / 16)
// cycles per beat; the port 2 requests per cycle, the psum reads and the writes.
struct RateCase {
  const char* name;
  int cols;
  bool first, last;
  int out_elem_bytes;
};

TEST(CollectorThroughput, LongPassesRunAtTheBusOrPortRate) {
  const RateCase cases[] = {
      {"gsc conv1: 16 columns, one pass, int8 out (bus bound)", 16, true, true, 1},
      {"4 columns, one pass, int32 out (bus bound, a beat per cycle)", 4, true, true, 4},
      {"16 columns, middle psum pass (port bound)", 16, false, false, 4},
      {"4 columns, last pass over psums, int8 out (port bound)", 4, false, true, 1},
      {"3 columns, middle psum pass (words shared by neighbours)", 3, false, false, 4},
  };
  constexpr int64_t kPixels = 784;
  for (const RateCase& r : cases) {
    Bench b(MakeGlb(256, 16), MakePpu(16), 16, false);
    CollectCmd c;
    c.first = r.first;
    c.last = r.last;
    c.cols = r.cols;
    c.pixels = kPixels;
    c.psum_base = 0;
    c.out_base = 128 * 1024;
    c.out_elem_bytes = r.out_elem_bytes;
    c.out_pixel_bytes = r.cols * r.out_elem_bytes;
    c.requant = r.out_elem_bytes == 1;
    c.shift = 6;
    std::vector<uint8_t> image(b.glb.size_bytes());
    Counts n;
    for (const SumBeat& s : Beats(kPixels, r.cols)) {
      ApplyRef(c, s, &image, &n);
      b.feeder.Add(s);
    }
    b.Issue(c);
    ASSERT_TRUE(b.Finish(1)) << r.name;
    const double bus = double(kPixels) * ((4 * r.cols + 15) / 16);
    const double port = double(n.psum_reads + n.psum_writes + n.out_writes) / b.port.lanes;
    const double bound = std::max(bus, port);
    EXPECT_GE(double(b.now), bound) << r.name << ": faster than the bus and port";
    EXPECT_LE(double(b.now), 1.10 * bound)
        << r.name << ": " << b.now << " cycles, bus bound " << bus << ", port bound " << port;
    EXPECT_EQ(FirstDifference(b.glb, image), -1) << r.name;
  }
}

// Twelve 16-column int32 beats, waiting on one thing only for most cycles: on a 16-byte bus,
// the bus (4 cycles a beat); on a 64-byte bus with 2 PPU lanes, the compute (8 cycles a beat).
// The engine must skip those cycles and still count them.
TEST(CollectorTiming, EngineSkipsBusAndComputeWaitsWithoutChangingTheCycleCount) {
  const Config configs[] = {{"bus bound", 16, 16, 4}, {"compute bound", 64, 2, 8}};
  CollectCmd c;
  c.cols = 16;
  c.pixels = 12;
  c.out_elem_bytes = 4;
  c.out_pixel_bytes = 64;
  const std::vector<SumBeat> beats = Beats(12, 16);
  for (const Config& cfg : configs) {
    SCOPED_TRACE(cfg.name);
    Bench stepped(MakeGlb(8, cfg.banks), MakePpu(cfg.ppu_lanes), cfg.bus_bytes, false);
    stepped.Preload(beats);
    stepped.Issue(c);
    ASSERT_TRUE(stepped.Finish(1));
    const Cycle want = stepped.now;
    EXPECT_GE(want, Cycle(12 * std::max(64 / cfg.bus_bytes, 16 / cfg.ppu_lanes)));

    Bench b(MakeGlb(8, cfg.banks), MakePpu(cfg.ppu_lanes), cfg.bus_bytes, false);
    b.Preload(beats);
    b.Issue(c);
    Engine e;
    e.AddUnit(&b.glb, "glb");
    e.AddUnit(&b.collector, "collector");
    for (LinkBase* l : b.links) e.AddLink(l);
    Cycle ticked = 0;
    const Cycle cycles =
        e.Run([&] { return b.collector.done().CanPop(); }, [&](Cycle) { ++ticked; });
    EXPECT_EQ(cycles, want);
    EXPECT_LT(ticked, cycles) << "cycles that wait only on the bus or compute should be skipped";
  }
}

TEST(CollectorErrors, ABeatWithFewerSumsThanColumnsIsBroken) {
  Bench b(MakeGlb(4, 4), MakePpu(16), 16, false);
  CollectCmd c;
  c.cols = 8;
  c.pixels = 1;
  c.out_pixel_bytes = 8;
  b.Preload(Beats(1, 4));
  b.Issue(c);
  EXPECT_THROW(b.Step(), SimError);
}

TEST(CollectorErrors, ZeroColumnsIsABrokenCommand) {
  Bench b(MakeGlb(4, 4), MakePpu(16), 16, false);
  CollectCmd c;
  c.pixels = 1;
  b.Issue(c);
  EXPECT_THROW(b.Step(), SimError);
}

}  // namespace
}  // namespace cssim
