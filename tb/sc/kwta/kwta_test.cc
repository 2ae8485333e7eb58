// k-WTA unit contract with a real GLB: on random maps (unaligned bases, many ties, in-place
// dense output) it writes exactly the dense map and the active list of KwtaRef and nothing else,
// while another GLB client steals banks; its cycle count on a hand-checked case is exact, and
// the engine's skipping of the cycles in which it waits on nothing but time does not change it.
#include "model/kwta/kwta.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

#include "model/base/engine.h"
#include "model/base/error.h"
#include "model/ref/ref.h"
#include "tb/common/glb_noise.h"

namespace cssim {
namespace {

GlbSpec SmallGlb(int size_kib) {
  GlbSpec s;
  s.size_kib = size_kib;
  s.banks = 4;
  s.bank_width_bytes = 8;
  return s;
}

KwtaSpec Spec16x8() {
  KwtaSpec s;
  s.lanes = 16;
  s.scan_bins_per_cycle = 8;
  return s;
}

struct Bench {
  StatGroup root{nullptr, "top"};
  Glb glb;
  Glb::Port& port;
  Glb::Port& noise_port;
  Kwta kwta;
  std::unique_ptr<GlbNoise> noise;
  std::vector<LinkBase*> links;
  Cycle now = 0;

  // The k-WTA port serves 4 words per cycle: the 2 reads and 2 dense writes that 16 lanes of
  // 8-byte words need.
  Bench(const KwtaSpec& spec, int glb_kib, bool with_noise)
      : glb(SmallGlb(glb_kib), root),
        port(glb.AddPort("kwta", 4, 8)),
        noise_port(glb.AddPort("noise", 2, 4)),
        kwta(spec, port, glb.word_bytes(), root) {
    if (with_noise) noise = std::make_unique<GlbNoise>(noise_port, glb.size_bytes(), 99);
    for (const auto& p : glb.ports()) {
      links.push_back(&p->req);
      links.push_back(&p->resp);
    }
    for (LinkBase* l : kwta.links()) links.push_back(l);
  }
  // Makes the command visible in the current cycle (as if pushed in the previous one).
  void Issue(const KwtaCmd& c) {
    kwta.cmd().Push(c);
    kwta.cmd().Commit();
  }
  void Step() {
    if (noise) noise->Tick(now);
    glb.Tick(now);
    kwta.Tick(now);
    for (LinkBase* l : links) l->Commit();
    ++now;
  }
  // Steps until the command's done entry is visible and pops it; false if it never came.
  bool Finish() {
    for (int i = 0; i < 400000; ++i) {
      if (kwta.done().CanPop()) {
        kwta.done().Pop();
        return true;
      }
      Step();
    }
    ADD_FAILURE() << "k-WTA command did not finish: " << kwta.DebugState();
    return false;
  }
  uint64_t Stat(const std::string& name) const {
    uint64_t v = ~uint64_t(0);
    root.Walk([&](const Counter& c) {
      if (c.full_name() == "top.kwta." + name) v = c.value();
    });
    return v;
  }
};

// CHW <-> HWC, the GLB holding the map HWC.
size_t Hwc(const Shape& s, int c, int y, int x) { return (size_t(y) * s.w + x) * s.c + c; }
size_t Chw(const Shape& s, int c, int y, int x) { return (size_t(c) * s.h + y) * s.w + x; }

// The first GLB address whose byte differs from `want`, or -1.
int64_t FirstDifference(const Glb& glb, const std::vector<uint8_t>& want) {
  std::vector<uint8_t> got(want.size());
  glb.Peek(0, got.data(), got.size());
  const auto d = std::mismatch(got.begin(), got.end(), want.begin());
  return d.first == got.end() ? -1 : int64_t(d.first - got.begin());
}

TEST(KwtaRandom, WritesExactlyTheDenseMapAndListOfTheReference) {
  Bench b(Spec16x8(), 16, true);
  std::mt19937_64 rng(11);
  std::vector<uint8_t> image(b.glb.size_bytes());
  for (auto& x : image) x = uint8_t(rng());
  b.glb.Poke(0, image.data(), image.size());
  uint64_t values = 0, winners = 0, records = 0;

  for (int t = 0; t < 40; ++t) {
    const Shape s{1 + int(rng() % 16), 1 + int(rng() % 10), 1 + int(rng() % 10)};
    const int64_t n = s.size();
    // Narrow ranges give many ties. No zeros: KwtaRef returns values, and a kept zero must show
    // up as a list record.
    const int span = t % 3 == 0 ? 2 : t % 3 == 1 ? 12 : 127;
    const size_t size = static_cast<size_t>(n);
    std::vector<int32_t> chw(size);
    for (auto& v : chw) {
      do {
        v = int(rng() % uint64_t(2 * span + 1)) - span;
      } while (v == 0);
    }
    KwtaCmd c;
    c.n = n;
    c.k = t % 4 == 0 ? 1 : t % 4 == 1 ? n : 1 + int64_t(rng() % uint64_t(n));
    // Regions: the map within [0, 3648), the dense map within [4096, 7744), the list (at most
    // 6400 bytes) from 8192 to at most 15616.
    c.in_base = uint32_t(rng() % 2048);
    c.write_dense = t % 3 != 2;
    // Every fifth map is overwritten in place (or from a little below): the unit must read each
    // input word before it writes the dense word that covers it.
    c.dense_base = t % 5 == 0 ? c.in_base - std::min<uint32_t>(c.in_base, uint32_t(rng() % 8))
                              : 4096 + uint32_t(rng() % 2048);
    c.write_list = t % 3 != 0;
    c.list_base = 8192 + uint32_t(rng() % 1024);

    const std::vector<int32_t> want = KwtaRef(s, chw, c.k);
    std::vector<uint8_t> hwc(size);
    std::vector<int32_t> want_hwc(size);
    for (int ch = 0; ch < s.c; ++ch)
      for (int y = 0; y < s.h; ++y)
        for (int x = 0; x < s.w; ++x) {
          hwc[Hwc(s, ch, y, x)] = uint8_t(chw[Chw(s, ch, y, x)]);
          want_hwc[Hwc(s, ch, y, x)] = want[Chw(s, ch, y, x)];
        }
    b.glb.Poke(c.in_base, hwc.data(), hwc.size());
    std::copy(hwc.begin(), hwc.end(), image.begin() + c.in_base);
    uint32_t list_at = c.list_base;
    for (size_t i = 0; i < size; ++i) {
      const int32_t v = want_hwc[i];
      if (c.write_dense) image[c.dense_base + i] = uint8_t(v);
      if (c.write_list && v != 0) {
        const uint8_t rec[kActEntryBytes] = {uint8_t(i & 0xff), uint8_t(i >> 8), uint8_t(v), 0};
        std::copy(rec, rec + kActEntryBytes, image.begin() + list_at);
        list_at += kActEntryBytes;
      }
    }
    b.Issue(c);
    ASSERT_TRUE(b.Finish()) << "map " << t;
    // Every byte of the GLB, so a stray or missing byte anywhere fails.
    ASSERT_EQ(FirstDifference(b.glb, image), -1)
        << "map " << t << " (n " << n << ", k " << c.k << ", in " << c.in_base << ", dense "
        << c.dense_base << ", list " << c.list_base << ")";
    values += uint64_t(n);
    winners += uint64_t(c.k);
    if (c.write_list) records += uint64_t(c.k);
  }
  EXPECT_EQ(b.Stat("hist_updates"), values);
  EXPECT_EQ(b.Stat("winners"), winners);
  EXPECT_EQ(b.Stat("list_writes"), records);
}

// The hand-checked case: values 0..63 (n 64) at GLB word 0, k 8, dense map only, to 512.
// H = C = 64 / 16 = 4 cycles per pass; the search examines bins 127 down to 56 (the 8th
// largest), 72 bins at 8 per cycle: S = 9. Reads of cycles 0, 1 return at 2, 3; the histogram
// counts in 2..5; the search runs 6..14; the select reads go out in 15 and return from 17; the
// compares run 17..20, the last dense words go out in 20, are written in 21 and acknowledged
// in 22, when done is pushed: visible in cycle 23 = H + S + C + 6.
constexpr Cycle kHandDone = 4 + 9 + 4 + 6;

KwtaCmd HandCase(Bench& b) {
  std::vector<uint8_t> map(64);
  for (int i = 0; i < 64; ++i) map[size_t(i)] = uint8_t(i);
  b.glb.Poke(0, map.data(), map.size());
  KwtaCmd c;
  c.n = 64;
  c.k = 8;
  c.dense_base = 512;
  return c;
}

TEST(KwtaTiming, HandCaseIsDoneExactlyWhenDerived) {
  Bench b(Spec16x8(), 4, false);
  b.Issue(HandCase(b));
  while (b.now < kHandDone - 1) b.Step();
  EXPECT_FALSE(b.kwta.done().CanPop()) << "done visible one cycle early";
  b.Step();
  ASSERT_TRUE(b.kwta.done().CanPop()) << "done not visible on time";
  EXPECT_EQ(b.kwta.done().Pop(), 0u);

  std::vector<uint8_t> dense(64), want(64, 0);
  for (int i = 56; i < 64; ++i) want[size_t(i)] = uint8_t(i);
  b.glb.Peek(512, dense.data(), dense.size());
  EXPECT_EQ(dense, want);
  EXPECT_EQ(b.Stat("hist_updates"), 64u);
  EXPECT_EQ(b.Stat("compares"), 64u + 72u);
  EXPECT_EQ(b.Stat("winners"), 8u);
  EXPECT_EQ(b.Stat("list_writes"), 0u);
  EXPECT_EQ(b.Stat("busy_cycles"), kHandDone) << "cycles 0..22, command to done push";
}

TEST(KwtaTiming, EngineSkipsTheSearchWithoutChangingTheCycleCount) {
  Bench b(Spec16x8(), 4, false);
  b.Issue(HandCase(b));
  Engine e;
  e.AddUnit(&b.glb, "glb");
  e.AddUnit(&b.kwta, "kwta");
  for (LinkBase* l : b.links) e.AddLink(l);
  Cycle ticked = 0;
  const Cycle cycles = e.Run([&] { return b.kwta.done().CanPop(); }, [&](Cycle) { ++ticked; });
  EXPECT_EQ(cycles, kHandDone);
  EXPECT_LT(ticked, kHandDone) << "the search cycles, where no link moves, should be skipped";
}

TEST(KwtaErrors, KOutsideOneToNIsABrokenCommand) {
  Bench b(Spec16x8(), 4, false);
  KwtaCmd c;
  c.n = 10;
  c.k = 11;
  b.Issue(c);
  EXPECT_THROW(b.Step(), SimError);
}

TEST(KwtaErrors, ListWinnerBeyondTheSixteenBitIndexThrows) {
  // 65537 values, the only winner (k 1) the last: index 65536 has no 16-bit record.
  Bench b(Spec16x8(), 128, false);
  std::vector<uint8_t> map(65537, 0);
  map.back() = 5;
  b.glb.Poke(0, map.data(), map.size());
  KwtaCmd c;
  c.n = int64_t(map.size());
  c.k = 1;
  c.write_dense = false;
  c.write_list = true;
  c.list_base = 96 * 1024;
  b.Issue(c);
  EXPECT_THROW(
      {
        for (int i = 0; i < 20000; ++i) b.Step();
      },
      SimError);
}

}  // namespace
}  // namespace cssim
