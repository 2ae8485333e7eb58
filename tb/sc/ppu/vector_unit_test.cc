// Vector unit contract with a real GLB: on random maps and windows (max-pool 2x2 / 3x3 with
// stride 1..3, element-wise requantise / ReLU; int8 and int32 in and out; unaligned bases; tiles
// that start below the map's first row; in-place element-wise ops) it writes exactly what a
// plain reference computes and nothing else, with the same GLB access and op counts as one
// pixel at a time, while another GLB client steals banks and the done consumer stalls. Its cycle
// count on a hand-checked case is exact; a long map runs at the port rate; the engine's
// skipping of cycles in which it waits on nothing but its combine does not change the count.
#include "model/ppu/vector_unit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <vector>

#include "model/base/engine.h"
#include "model/base/error.h"
#include "model/ref/ref.h"

namespace cssim {
namespace {

// Random GLB reads on its own port; pops responses only now and then (back-pressure).
class Noise : public Unit {
 public:
  Noise(Glb::Port& port, uint32_t glb_bytes, uint64_t seed) : port_(port), bytes_(glb_bytes) {
    rng_.seed(seed);
  }
  void Tick(Cycle) override {
    if (port_.resp.CanPop() && rng_() % 2 == 0) port_.resp.Pop();
    if (port_.req.CanPush() && rng_() % 3 != 0) {
      GlbReq r;
      r.addr = uint32_t(rng_() % (bytes_ / 8)) * 8;
      port_.req.Push(r);
    }
  }
  Cycle NextEvent(Cycle now) const override { return now + 1; }

 private:
  Glb::Port& port_;
  uint32_t bytes_;
  std::mt19937_64 rng_;
};

GlbSpec MakeGlb(int size_kib, int banks) {
  GlbSpec s;
  s.size_kib = size_kib;
  s.banks = banks;
  s.bank_width_bytes = 8;
  return s;
}

PpuSpec MakePpu(int lanes) {
  PpuSpec p;
  p.lanes = lanes;
  return p;
}

struct Bench {
  StatGroup root{nullptr, "top"};
  Glb glb;
  Glb::Port& port;
  Glb::Port& noise_port;
  VectorUnit vector;
  std::unique_ptr<Noise> noise;
  std::vector<LinkBase*> links;
  std::mt19937_64 done_rng{5};
  bool stall_done = false;
  Cycle now = 0;

  // The port as the accelerator builds it: ppu.lanes bytes per cycle, link depth 4.
  Bench(const GlbSpec& g, const PpuSpec& ppu, bool with_noise)
      : glb(g, root),
        port(glb.AddPort("vector", std::max(1, ppu.lanes / g.bank_width_bytes), 4)),
        noise_port(glb.AddPort("noise", 2, 4)),
        vector(ppu, port, glb.word_bytes(), root) {
    if (with_noise) {
      noise = std::make_unique<Noise>(noise_port, glb.size_bytes(), 99);
      stall_done = true;
    }
    for (const auto& p : glb.ports()) {
      links.push_back(&p->req);
      links.push_back(&p->resp);
    }
    for (LinkBase* l : vector.links()) links.push_back(l);
  }
  // Makes the command visible in the current cycle (as if pushed in the previous one).
  void Issue(const VectorCmd& c) {
    vector.cmd().Push(c);
    vector.cmd().Commit();
  }
  void Step() {
    if (noise) noise->Tick(now);
    glb.Tick(now);
    vector.Tick(now);
    for (LinkBase* l : links) l->Commit();
    ++now;
  }
  // Steps until `n` done entries have been popped (the consumer stalls at random with noise);
  // their indices go to `indices`. False if they never came.
  bool Finish(size_t n, std::vector<uint32_t>* indices) {
    for (int i = 0; i < 2000000 && indices->size() < n; ++i) {
      if (vector.done().CanPop() && !(stall_done && done_rng() % 4 == 0))
        indices->push_back(vector.done().Pop());
      if (indices->size() < n) Step();
    }
    if (indices->size() == n) return true;
    ADD_FAILURE() << "vector commands did not finish: " << vector.DebugState();
    return false;
  }
  uint64_t Stat(const std::string& name) const {
    uint64_t v = ~uint64_t(0);
    root.Walk([&](const Counter& c) {
      if (c.full_name() == "top." + name) v = c.value();
    });
    return v;
  }
  // The vector unit's reads (int8 maps as input, int32 ones as psum; the noise's are typeless).
  uint64_t VectorReads() const { return Stat("glb.reads_input") + Stat("glb.reads_psum"); }
  uint64_t GlbWrites() const { return Stat("glb.writes_output"); }
};

int32_t Load(const std::vector<uint8_t>& m, size_t at, int elem_bytes) {
  if (elem_bytes == 1) return int8_t(m[at]);
  int32_t v;
  std::memcpy(&v, &m[at], 4);
  return v;
}

void Store(std::vector<uint8_t>* m, size_t at, int32_t v, int elem_bytes) {
  if (elem_bytes == 1)
    (*m)[at] = uint8_t(int8_t(v));
  else
    std::memcpy(&(*m)[at], &v, 4);
}

// The plain reference: applies `c` to the GLB image `m` (HWC rows iy0.. at in_base), pixel by
// pixel, every input read before any output is written.
void ApplyRef(const VectorCmd& c, std::vector<uint8_t>* m) {
  const std::vector<uint8_t> in = *m;
  for (int64_t p = 0; p < c.out_pixels; ++p) {
    const int oy = c.oy0 + int(p / c.out_w), ox = int(p % c.out_w);
    for (int ch = 0; ch < c.c; ++ch) {
      int32_t v = std::numeric_limits<int32_t>::min();
      for (int dy = 0; dy < c.win; ++dy)
        for (int dx = 0; dx < c.win; ++dx) {
          const int64_t iy = int64_t(oy) * c.stride + dy - c.iy0, ix = int64_t(ox) * c.stride + dx;
          const size_t at = c.in_base + size_t((iy * c.in_w + ix) * c.c + ch) * c.in_elem_bytes;
          v = std::max(v, Load(in, at, c.in_elem_bytes));
        }
      if (c.requant) v = Requantize(v, c.shift);
      if (c.relu) v = std::max(v, 0);
      Store(m, c.out_base + size_t(p * c.c + ch) * c.out_elem_bytes, v, c.out_elem_bytes);
    }
  }
}

// GLB words touched by [addr, addr + n).
uint64_t Words(uint64_t addr, uint64_t n) { return (addr % 8 + n + 7) / 8; }

// The accesses of one pixel at a time: every window run read word by word (a word shared by two
// runs is read for each), every output run written word by word.
void CountAccesses(const VectorCmd& c, uint64_t* reads, uint64_t* writes) {
  const uint64_t run = uint64_t(c.c) * c.in_elem_bytes, out = uint64_t(c.c) * c.out_elem_bytes;
  for (int64_t p = 0; p < c.out_pixels; ++p) {
    const int oy = c.oy0 + int(p / c.out_w), ox = int(p % c.out_w);
    for (int dy = 0; dy < c.win; ++dy)
      for (int dx = 0; dx < c.win; ++dx) {
        const uint64_t iy = uint64_t(oy) * c.stride + dy - c.iy0, ix = uint64_t(ox) * c.stride + dx;
        *reads += Words(c.in_base + (iy * c.in_w + ix) * run, run);
      }
    *writes += Words(c.out_base + uint64_t(p) * out, out);
  }
}

int64_t FirstDifference(const Glb& glb, const std::vector<uint8_t>& want) {
  std::vector<uint8_t> got(want.size());
  glb.Peek(0, got.data(), got.size());
  const auto d = std::mismatch(got.begin(), got.end(), want.begin());
  return d.first == got.end() ? -1 : int64_t(d.first - got.begin());
}

// A random command within [region, region + 16 KiB): input map rows iy0.. at most 12 x 12 x 20
// int32 (11,520 bytes) near the region's start, the output (never larger) from 12 KiB in, or in
// place for element-wise ops that do not widen.
VectorCmd RandomCmd(std::mt19937_64& rng, uint32_t region, std::vector<uint8_t>* image) {
  VectorCmd c;
  auto pick = [&](int lo, int hi) { return lo + int(rng() % uint64_t(hi - lo + 1)); };
  c.max = rng() % 3 != 0;
  c.win = c.max ? pick(2, 3) : 1;
  c.stride = c.max ? pick(1, 3) : 1;
  c.c = pick(1, 20);
  c.in_elem_bytes = rng() % 2 ? 4 : 1;
  c.requant = c.in_elem_bytes == 4 ? rng() % 4 != 0 : rng() % 2 == 0;
  c.shift = pick(0, 12);
  c.relu = rng() % 2 == 0;
  // int8 out only where the value fits: requantised, or int8 in.
  c.out_elem_bytes = c.requant || c.in_elem_bytes == 1 ? (rng() % 3 ? 1 : 4) : 4;
  const int h = pick(c.win, 12);
  c.in_w = pick(c.win, 12);
  c.out_w = (c.in_w - c.win) / c.stride + 1;
  const int ho = (h - c.win) / c.stride + 1;
  c.oy0 = pick(0, ho - 1);
  const int rows = pick(1, ho - c.oy0);
  c.iy0 = c.oy0 * c.stride;
  c.out_pixels = int64_t(rows) * c.out_w;
  const int in_rows = (c.oy0 + rows - 1) * c.stride + c.win - c.iy0;
  c.in_base = region + uint32_t(pick(0, 300));
  const bool in_place = !c.max && c.out_elem_bytes <= c.in_elem_bytes && rng() % 2 == 0;
  c.out_base = in_place ? c.in_base : region + 12 * 1024 + uint32_t(pick(0, 300));
  const size_t in_values = size_t(in_rows) * c.in_w * c.c;
  for (size_t i = 0; i < in_values; ++i) {
    // int32 inputs over the whole range, or mostly near zero so that ReLU and int8 saturation
    // both see values on either side.
    const int32_t v = c.in_elem_bytes == 1 ? int32_t(int8_t(rng()))
                      : rng() % 2          ? int32_t(uint32_t(rng()))
                                           : int32_t(rng() % 4096) - 2048;
    Store(image, c.in_base + i * c.in_elem_bytes, v, c.in_elem_bytes);
  }
  return c;
}

TEST(VectorRandom, WritesExactlyTheReferenceOutputWithOnePixelAtATimeCounts) {
  Bench b(MakeGlb(64, 4), MakePpu(16), true);
  std::mt19937_64 rng(17);
  std::vector<uint8_t> image(b.glb.size_bytes());
  for (auto& x : image) x = uint8_t(rng());
  uint64_t ops = 0, reads = 0, writes = 0;
  uint32_t next_index = 0;
  for (int batch = 0; batch < 150; ++batch) {
    // One to three commands queued back to back, each in its own 16 KiB region.
    const int n = 1 + int(rng() % 3);
    std::vector<VectorCmd> cmds;
    for (int k = 0; k < n; ++k) cmds.push_back(RandomCmd(rng, uint32_t(k) * 16384, &image));
    b.glb.Poke(0, image.data(), image.size());
    for (const VectorCmd& c : cmds) {
      ApplyRef(c, &image);
      ops += uint64_t(c.out_pixels) * c.c * c.win * c.win;
      CountAccesses(c, &reads, &writes);
      b.Issue(c);
    }
    std::vector<uint32_t> done;
    ASSERT_TRUE(b.Finish(cmds.size(), &done)) << "batch " << batch;
    for (uint32_t d : done) EXPECT_EQ(d, next_index++) << "done indices in command order";
    // Every byte of the GLB, so a stray or missing byte anywhere fails.
    const VectorCmd& c = cmds.back();
    ASSERT_EQ(FirstDifference(b.glb, image), -1)
        << "batch " << batch << " (last: c " << c.c << ", win " << c.win << ", stride " << c.stride
        << ", in " << c.in_elem_bytes << "B at " << c.in_base << ", out " << c.out_elem_bytes
        << "B at " << c.out_base << ")";
  }
  EXPECT_EQ(b.Stat("vector.ops"), ops);
  EXPECT_EQ(b.VectorReads(), reads);
  EXPECT_EQ(b.GlbWrites(), writes);
}

// The hand-checked case: 16 int8 channels (two words per run), a 4x2 map at 0, 2x2 max-pool,
// stride 2: two output pixels of 4 runs (8 reads) each and two writes each, to 256; the port
// takes 2 requests per cycle, the combine 16 elements (4 cycles per pixel). Bank conflicts: none
// (the pairs served together are on different banks). Pixel 0's reads go out in cycles 0..3,
// pixel 1's start in 4; pixel 0's last data is back in 5, when it completes (its combine ended
// in 4) and its writes take the port; pixel 1's remaining reads go in 6..8 and are back in 10,
// when its writes go; they are served in 11, acknowledged in 12, done pushed then and visible in
// cycle 13 (one pixel at a time: 16, pixel 1's reads waiting for pixel 0's data and writes).
constexpr Cycle kHandDone = 13;

VectorCmd HandCase(Bench& b) {
  std::vector<uint8_t> map(128);
  for (size_t i = 0; i < map.size(); ++i) map[i] = uint8_t(i * 37 % 251);
  b.glb.Poke(0, map.data(), map.size());
  VectorCmd c;
  c.c = 16;
  c.in_w = 4;
  c.win = 2;
  c.stride = 2;
  c.out_w = 2;
  c.out_pixels = 2;
  c.out_base = 256;
  c.max = true;
  return c;
}

TEST(VectorTiming, HandCaseIsDoneExactlyWhenDerived) {
  Bench b(MakeGlb(4, 4), MakePpu(16), false);
  const VectorCmd c = HandCase(b);
  std::vector<uint8_t> want(b.glb.size_bytes());
  b.glb.Peek(0, want.data(), want.size());
  ApplyRef(c, &want);
  b.Issue(c);
  while (b.now < kHandDone - 1) b.Step();
  EXPECT_FALSE(b.vector.done().CanPop()) << "done visible one cycle early";
  b.Step();
  ASSERT_TRUE(b.vector.done().CanPop()) << "done not visible on time";
  EXPECT_EQ(b.vector.done().Pop(), 0u);
  EXPECT_EQ(FirstDifference(b.glb, want), -1);
  EXPECT_EQ(b.Stat("glb.reads_input"), 16u);
  EXPECT_EQ(b.GlbWrites(), 4u);
  EXPECT_EQ(b.Stat("vector.ops"), 128u);
}

// A 2x2 max-pool over 64 int8 channels with a 4-element combine: the port (one 8-byte word per
// cycle) brings 8 elements per cycle, the combine takes 4, so the pixels in flight fill up and
// the unit waits on its combine alone; the engine must skip those cycles and still count them.
TEST(VectorTiming, EngineSkipsCombineWaitsWithoutChangingTheCycleCount) {
  VectorCmd c;
  c.c = 64;
  c.in_w = 8;
  c.win = 2;
  c.stride = 2;
  c.out_w = 4;
  c.out_pixels = 8;
  c.out_base = 4096;
  c.max = true;
  Bench stepped(MakeGlb(8, 4), MakePpu(4), false);
  stepped.Issue(c);
  std::vector<uint32_t> done;
  ASSERT_TRUE(stepped.Finish(1, &done));
  const Cycle want = stepped.now;
  // The combine bounds it: 8 pixels x 256 elements / 4 per cycle.
  EXPECT_GE(want, Cycle(8 * 256 / 4));

  Bench b(MakeGlb(8, 4), MakePpu(4), false);
  b.Issue(c);
  Engine e;
  e.AddUnit(&b.glb, "glb");
  e.AddUnit(&b.vector, "vector");
  for (LinkBase* l : b.links) e.AddLink(l);
  Cycle ticked = 0;
  const Cycle cycles = e.Run([&] { return b.vector.done().CanPop(); }, [&](Cycle) { ++ticked; });
  EXPECT_EQ(cycles, want);
  EXPECT_LT(ticked, cycles) << "cycles that wait only on the combine should be skipped";
}

// Long maps run at the port rate: (reads + writes) / requests per cycle, within 10 %. Reads and
// writes share the port, so for a 2x2 max-pool the writes add a quarter to the reads' time.
struct RateCase {
  const char* name;
  int c, h, w, win, stride, in_elem, out_elem;
};

TEST(VectorThroughput, LongMapsRunAtThePortRate) {
  const RateCase cases[] = {
      {"gsc pool1: 64x28x28 int8, 2x2 stride 2", 64, 28, 28, 2, 2, 1, 1},
      {"64x12x12 int8, 3x3 stride 1", 64, 12, 12, 3, 1, 1, 1},
      {"requant 64x14x14 int32 -> int8", 64, 14, 14, 1, 1, 4, 1},
      {"relu 8x32x32 int8 (one word per pixel)", 8, 32, 32, 1, 1, 1, 1},
  };
  for (const RateCase& r : cases) {
    Bench b(MakeGlb(256, 16), MakePpu(16), false);
    VectorCmd c;
    c.c = r.c;
    c.in_w = r.w;
    c.win = r.win;
    c.stride = r.stride;
    c.out_w = (r.w - r.win) / r.stride + 1;
    c.out_pixels = int64_t((r.h - r.win) / r.stride + 1) * c.out_w;
    c.in_elem_bytes = r.in_elem;
    c.out_elem_bytes = r.out_elem;
    c.out_base = uint32_t(r.c * r.h * r.w * r.in_elem);
    c.max = r.win > 1;
    c.requant = r.in_elem == 4;
    c.relu = !c.max;
    uint64_t reads = 0, writes = 0;
    CountAccesses(c, &reads, &writes);
    b.Issue(c);
    std::vector<uint32_t> done;
    ASSERT_TRUE(b.Finish(1, &done)) << r.name;
    const double bound = double(reads + writes) / b.port.lanes;
    EXPECT_GE(double(b.now), bound) << r.name << ": faster than the port";
    EXPECT_LE(double(b.now), 1.10 * bound)
        << r.name << ": " << b.now << " cycles, port bound " << bound << " (" << reads << " reads, "
        << writes << " writes)";
  }
}

TEST(VectorErrors, ZeroChannelsIsABrokenCommand) {
  Bench b(MakeGlb(4, 4), MakePpu(16), false);
  VectorCmd c = HandCase(b);
  c.c = 0;
  b.Issue(c);
  EXPECT_THROW(b.Step(), SimError);
}

}  // namespace
}  // namespace cssim
