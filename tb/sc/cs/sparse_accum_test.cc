// Sparse-sparse accumulate unit with a real GLB: randomly packed complementary kernels (with
// padded slots and partial last groups) times a sparse active list must give exactly the dense
// conv/linear result of the masked weights on the listed inputs, whatever a competing GLB client
// does to the unit's timing; the counters must count exactly the slots, MACs and rows the
// geometry implies; a tiny linear case is pinned to the cycle.
#include "model/cs/sparse_accum.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "model/base/engine.h"
#include "model/base/error.h"
#include "model/ppu/ppu_ops.h"
#include "tb/common/glb_noise.h"

namespace cssim {
namespace {

constexpr int kWord = 8;

CsSpec TestCs() {
  CsSpec cs;
  cs.lanes = 2;
  cs.engines = 4;  // 8 multipliers
  cs.max_n = 8;
  cs.accumulators = 1024;
  cs.ss_glb_words = 4;
  return cs;
}

struct Bench {
  StatGroup root{nullptr, "top"};
  Glb glb;
  Glb::Port& port;
  Glb::Port& noise_port;
  SparseAccum ss;
  GlbNoise noise;
  Engine engine;
  std::vector<LinkBase*> links;
  Cycle now = 0;
  uint32_t last_index = 0;  // of the last command done

  static GlbSpec Spec() {
    GlbSpec s;
    s.size_kib = 64;
    s.banks = 4;
    s.bank_width_bytes = kWord;
    return s;
  }
  explicit Bench(bool with_noise, const CsSpec& cs = TestCs(), int ppu_lanes = 4)
      : glb(Spec(), root),
        port(glb.AddPort("ss", cs.ss_glb_words, 4)),
        noise_port(glb.AddPort("noise", 2, 4)),
        ss(cs, PpuSpec{ppu_lanes}, port, kWord, root),
        noise(noise_port, 64 * 1024, 99) {
    engine.AddUnit(&glb, "glb");
    engine.AddUnit(&ss, "ss");
    if (with_noise) engine.AddUnit(&noise, "noise");
    for (const auto& p : glb.ports()) {
      links.push_back(&p->req);
      links.push_back(&p->resp);
    }
    for (LinkBase* l : ss.links()) links.push_back(l);
    for (LinkBase* l : links) engine.AddLink(l);
  }
  void Issue(const SsCmd& c) {
    ss.cmd().Push(c);
    ss.cmd().Commit();
  }
  // Runs one command through the engine, which skips cycles in which nothing can change;
  // returns the cycle count (Engine::Run's: last ticked cycle + 1) and pops the done index.
  Cycle Run(const SsCmd& c) {
    Issue(c);
    const Cycle cycles = engine.Run([&] { return ss.done().CanPop(); },
                                    [&](Cycle t) {
                                      if (t > 200000) throw SimError("stuck: " + ss.DebugState());
                                    });
    last_index = ss.done().Pop();
    return cycles;
  }
  // Ticks every unit for one cycle, without skipping.
  void Step() {
    for (Unit* u : engine.units()) u->Tick(now);
    for (LinkBase* l : links) l->Commit();
    ++now;
  }
  uint64_t Counter(const std::string& full_name) const {
    uint64_t v = 0;
    bool found = false;
    root.Walk([&](const cssim::Counter& c) {
      if (c.full_name() == full_name) {
        v = c.value();
        found = true;
      }
    });
    EXPECT_TRUE(found) << "no counter " << full_name;
    return v;
  }
};

struct Case {
  const char* name;
  int c, h, w, kh, kw, stride, pad;
  int channels, n;
  double fill;  // fraction of the fan-in / n slots each kernel uses (< 1: padded slots)
  int actives;
  bool requant;
  int shift;
  bool relu;
  int out_elem_bytes;
};

// Test names only (the parameter bytes would make ctest names unstable).
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// A layer packed the way cssim's packer lays it out, plus the dense masked weights.
struct Layer {
  Case tc;
  int ho = 0, wo = 0, groups = 0;
  int64_t fan_in = 0;
  std::vector<int8_t> value;                 // [k][g]
  std::vector<uint8_t> id;                   // [k][g]
  std::vector<int8_t> dense;                 // [channel][k]
  std::vector<std::pair<int, int8_t>> list;  // (HWC index, value), sorted
  SsCmd cmd;
};

// Deterministic Fisher-Yates (std::shuffle's draws are not portable across libraries).
void Shuffle(std::vector<int64_t>& v, std::mt19937_64& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng() % i]);
}

int8_t NonZero(std::mt19937_64& rng) {
  const int v = int(rng() % 255) - 127;
  return int8_t(v == 0 ? 1 : v);
}

Layer Build(const Case& tc, uint64_t seed, uint32_t list_base = 4) {
  std::mt19937_64 rng(seed);
  Layer l;
  l.tc = tc;
  l.ho = (tc.h + 2 * tc.pad - tc.kh) / tc.stride + 1;
  l.wo = (tc.w + 2 * tc.pad - tc.kw) / tc.stride + 1;
  l.fan_in = int64_t(tc.kh) * tc.kw * tc.c;
  l.groups = (tc.channels + tc.n - 1) / tc.n;
  const int64_t nnz = std::max<int64_t>(1, int64_t(double(l.fan_in / tc.n) * tc.fill));
  l.value.assign(size_t(l.fan_in * l.groups), 0);
  l.id.assign(l.value.size(), 0);
  l.dense.assign(size_t(tc.channels * l.fan_in), 0);
  for (int g = 0; g < l.groups; ++g) {
    // A random permutation of the fan-in cut into n chunks: disjoint masks by construction.
    std::vector<int64_t> perm(size_t(l.fan_in));
    for (int64_t i = 0; i < l.fan_in; ++i) perm[size_t(i)] = i;
    Shuffle(perm, rng);
    for (int j = 0; j < tc.n && g * tc.n + j < tc.channels; ++j)
      for (int64_t i = 0; i < nnz; ++i) {
        const int64_t k = perm[size_t(j * nnz + i)];
        const int8_t v = NonZero(rng);
        l.value[size_t(k * l.groups + g)] = v;
        l.id[size_t(k * l.groups + g)] = uint8_t(j);
        l.dense[size_t((g * tc.n + j) * l.fan_in + k)] = v;
      }
  }
  std::vector<int64_t> idx(size_t(tc.c) * tc.h * tc.w);
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = int64_t(i);
  Shuffle(idx, rng);
  idx.resize(size_t(tc.actives));
  std::sort(idx.begin(), idx.end());
  for (int64_t i : idx) l.list.push_back({int(i), int8_t(int(rng() % 256) - 128)});

  // Unaligned bases: partial words at every region's edges.
  SsCmd& c = l.cmd;
  c.list_base = list_base;
  c.actives = tc.actives;
  c.c = tc.c;
  c.h = tc.h;
  c.w = tc.w;
  c.kh = tc.kh;
  c.kw = tc.kw;
  c.stride = tc.stride;
  c.pad = tc.pad;
  c.ho = l.ho;
  c.wo = l.wo;
  c.w_base = list_base + uint32_t(tc.actives * kActEntryBytes) + 3;
  c.id_base = c.w_base + uint32_t(l.value.size()) + 5;
  c.groups = l.groups;
  c.n = tc.n;
  c.channels = tc.channels;
  c.out_base = c.id_base + uint32_t(l.id.size()) + 1;
  c.requant = tc.requant;
  c.shift = tc.shift;
  c.relu = tc.relu;
  c.out_elem_bytes = tc.out_elem_bytes;
  return l;
}

void Poke(Glb& glb, const Layer& l) {
  std::vector<uint8_t> list;
  for (const auto& [i, v] : l.list) {
    list.insert(list.end(), {uint8_t(i & 0xff), uint8_t(i >> 8), uint8_t(v), 0});
  }
  if (!list.empty()) glb.Poke(l.cmd.list_base, list.data(), list.size());
  glb.Poke(l.cmd.w_base, reinterpret_cast<const uint8_t*>(l.value.data()), l.value.size());
  glb.Poke(l.cmd.id_base, l.id.data(), l.id.size());
}

// Dense reference: the masked weights over the map that holds only the listed values.
std::vector<uint8_t> Reference(const Layer& l) {
  const Case& tc = l.tc;
  std::vector<int32_t> in(size_t(tc.c) * tc.h * tc.w, 0);  // HWC
  for (const auto& [i, v] : l.list) in[size_t(i)] = v;
  std::vector<uint8_t> out(size_t(l.ho * l.wo * tc.channels * tc.out_elem_bytes));
  for (int oy = 0; oy < l.ho; ++oy)
    for (int ox = 0; ox < l.wo; ++ox)
      for (int ch = 0; ch < tc.channels; ++ch) {
        int64_t sum = 0;
        for (int ky = 0; ky < tc.kh; ++ky)
          for (int kx = 0; kx < tc.kw; ++kx) {
            const int y = oy * tc.stride - tc.pad + ky, x = ox * tc.stride - tc.pad + kx;
            if (y < 0 || y >= tc.h || x < 0 || x >= tc.w) continue;
            for (int c = 0; c < tc.c; ++c)
              sum += int64_t(l.dense[size_t(ch * l.fan_in + (ky * tc.kw + kx) * tc.c + c)]) *
                     in[size_t((y * tc.w + x) * tc.c + c)];
          }
        const size_t e = size_t((oy * l.wo + ox) * tc.channels + ch);
        StoreElem(&out[e * size_t(tc.out_elem_bytes)],
                  OutputStage(int32_t(sum), tc.requant, tc.shift, tc.relu), tc.out_elem_bytes);
      }
  return out;
}

// What the counters must say: valid offsets, MACs and slots from the geometry, and the GLB
// words each data type needs.
struct Expected {
  uint64_t rows = 0, macs = 0, slots = 0, weight_words = 0, id_words = 0, list_words = 0;
};
Expected Expect(const Layer& l) {
  const Case& tc = l.tc;
  const SsCmd& c = l.cmd;
  auto words = [](uint64_t addr, uint64_t bytes) {
    return bytes == 0 ? 0 : (addr + bytes - 1) / kWord - addr / kWord + 1;
  };
  Expected e;
  for (const auto& [i, v] : l.list) {
    const int ch = i % tc.c, x = i / tc.c % tc.w, y = i / (tc.c * tc.w);
    // Consecutive rows of one input share the word at their boundary: one read.
    uint64_t last_w = ~uint64_t(0), last_id = ~uint64_t(0);
    for (int ky = 0; ky < tc.kh; ++ky)
      for (int kx = 0; kx < tc.kw; ++kx) {
        const int ny = y + tc.pad - ky, nx = x + tc.pad - kx;
        if (ny < 0 || nx < 0 || ny % tc.stride || nx % tc.stride || ny / tc.stride >= l.ho ||
            nx / tc.stride >= l.wo)
          continue;
        const int64_t k = (ky * tc.kw + kx) * tc.c + ch;
        ++e.rows;
        e.slots += uint64_t(l.groups);
        for (int g = 0; g < l.groups; ++g) e.macs += l.value[size_t(k * l.groups + g)] != 0;
        const uint64_t w0 = c.w_base + uint64_t(k) * l.groups,
                       i0 = c.id_base + uint64_t(k) * l.groups;
        e.weight_words += words(w0, uint64_t(l.groups)) - (w0 / kWord == last_w ? 1 : 0);
        if (tc.n > 1) e.id_words += words(i0, uint64_t(l.groups)) - (i0 / kWord == last_id ? 1 : 0);
        last_w = (w0 + l.groups - 1) / kWord;
        last_id = (i0 + l.groups - 1) / kWord;
      }
  }
  e.list_words = words(c.list_base, uint64_t(tc.actives) * kActEntryBytes);
  return e;
}

std::vector<uint8_t> Output(const Bench& b, const Layer& l) {
  std::vector<uint8_t> got(size_t(l.ho * l.wo * l.tc.channels * l.tc.out_elem_bytes));
  b.glb.Peek(l.cmd.out_base, got.data(), got.size());
  return got;
}

class SparseAccumCase : public ::testing::TestWithParam<Case> {};

TEST_P(SparseAccumCase, MatchesDenseReferenceUnderBackPressure) {
  const Case tc = GetParam();
  const Layer l = Build(tc, 17);
  const std::vector<uint8_t> want = Reference(l);
  for (const bool with_noise : {false, true}) {
    SCOPED_TRACE(with_noise ? "with a competing GLB client" : "alone on the GLB");
    Bench b(with_noise);
    Poke(b.glb, l);
    b.Run(l.cmd);
    EXPECT_EQ(Output(b, l), want);

    const Expected e = Expect(l);
    int id_bits = 0;
    while ((1 << id_bits) < tc.n) ++id_bits;
    EXPECT_EQ(b.ss.macs(), e.macs);
    EXPECT_EQ(b.Counter("top.ss.mac.gated"), e.slots - e.macs);
    EXPECT_EQ(b.Counter("top.ss.acc.updates"), e.macs);
    EXPECT_EQ(b.Counter("top.ss.kernel_id.id_reads"), e.slots * uint64_t(id_bits));
    EXPECT_EQ(b.Counter("top.ss.row_reads"), e.rows);
    EXPECT_EQ(b.Counter("top.ss.list_reads"), uint64_t(tc.actives));
    EXPECT_EQ(b.Counter("top.ss.acc.drains"), uint64_t(l.ho * l.wo * tc.channels));
    // The GLB counts by the data type on each request: one read per distinct word.
    EXPECT_EQ(b.Counter("top.glb.reads_weight"), e.weight_words);
    EXPECT_EQ(b.Counter("top.glb.reads_kernel_id"), e.id_words);
    EXPECT_EQ(b.Counter("top.glb.reads_act_list"), e.list_words);
  }
}

// name, c, h, w, kh, kw, stride, pad, channels, n, fill, actives, requant, shift, relu, elem
INSTANTIATE_TEST_SUITE_P(
    Layers, SparseAccumCase,
    ::testing::Values(
        // Linear: kernel = whole map, one valid offset per input; groups < multipliers.
        Case{"linear", 4, 3, 3, 3, 3, 1, 0, 12, 3, 0.8, 9, true, 5, false, 1},
        Case{"conv3x3_pad1", 3, 6, 6, 3, 3, 1, 1, 8, 4, 0.7, 20, false, 0, false, 4},
        Case{"conv5x5_nopad", 2, 8, 8, 5, 5, 1, 0, 6, 2, 0.9, 25, false, 0, false, 4},
        Case{"stride2", 3, 7, 7, 3, 3, 2, 1, 4, 2, 0.75, 30, false, 0, false, 4},
        // 7 channels in groups of 3: the last group holds one kernel and is mostly padding.
        Case{"partial_last_group", 3, 5, 5, 3, 3, 1, 1, 7, 3, 1.0, 15, false, 0, false, 4},
        Case{"requant_relu", 2, 6, 6, 3, 3, 1, 1, 6, 3, 0.8, 16, true, 6, true, 1},
        // More products per input (9 offsets x 12 groups) than multipliers and row buffer.
        Case{"wide_input", 2, 5, 5, 3, 3, 1, 1, 24, 2, 0.8, 10, false, 0, false, 4},
        Case{"k1", 3, 5, 5, 3, 3, 1, 1, 6, 2, 0.8, 1, true, 4, true, 1},
        Case{"n1", 2, 4, 4, 3, 3, 1, 1, 3, 1, 1.0, 6, false, 0, false, 4}),
    [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

TEST(SparseAccum, EmptyListWritesTheOutputStageOfZero) {
  Case tc{"empty", 2, 4, 4, 3, 3, 1, 1, 4, 2, 0.8, 0, true, 2, false, 1};
  Layer l = Build(tc, 5);
  Bench b(false);
  const std::vector<uint8_t> junk(64, 0x5a);
  b.glb.Poke(l.cmd.out_base, junk.data(), junk.size());
  Poke(b.glb, l);
  b.Run(l.cmd);
  EXPECT_EQ(Output(b, l), Reference(l));
  EXPECT_EQ(b.ss.macs(), 0u);
}

TEST(SparseAccum, AccumulatorsStartAtZeroForEveryCommand) {
  // The second command's pixels reuse the first command's accumulator entries.
  Case tc{"twice", 2, 4, 4, 3, 3, 1, 1, 4, 2, 0.8, 6, false, 0, false, 4};
  const Layer a = Build(tc, 1), b2 = Build(tc, 2);
  Bench b(false);
  Poke(b.glb, a);
  b.Run(a.cmd);
  EXPECT_EQ(b.last_index, 0u);
  Poke(b.glb, b2);
  b.Run(b2.cmd);
  EXPECT_EQ(b.last_index, 1u) << "the second command's index";
  EXPECT_EQ(Output(b, b2), Reference(b2));
}

TEST(SparseAccum, RejectsCommandsBeyondTheUnit) {
  Case tc{"big", 2, 6, 6, 3, 3, 1, 1, 32, 4, 0.8, 4, false, 0, false, 4};
  {
    Layer l = Build(tc, 3);  // 36 pixels x 32 channels > 1024 accumulators
    Bench b(false);
    Poke(b.glb, l);
    EXPECT_THROW(b.Run(l.cmd), SimError);
  }
  {
    tc.channels = 12;
    tc.n = 12;  // > max_n 8
    Layer l = Build(tc, 3);
    Bench b(false);
    Poke(b.glb, l);
    EXPECT_THROW(b.Run(l.cmd), SimError);
  }
}

TEST(SparseAccum, KernelIdBeyondNIsAnError) {
  // Group 0's IDs become 2 (n = 2 allows 0..1): channel 2 exists, so only the ID check can tell.
  Case tc{"bad_id", 2, 2, 2, 1, 1, 1, 0, 4, 2, 1.0, 8, false, 0, false, 4};
  Layer l = Build(tc, 4);
  for (int64_t k = 0; k < l.fan_in; ++k)
    if (l.value[size_t(k * l.groups)] != 0) l.id[size_t(k * l.groups)] = 2;
  Bench b(false);
  Poke(b.glb, l);
  try {
    b.Run(l.cmd);
    ADD_FAILURE() << "no error for a kernel ID >= n";
  } catch (const SimError& e) {
    EXPECT_NE(std::string(e.what()).find("kernel ID 2"), std::string::npos) << e.what();
  }
}

// Tiny linear layer, alone on the GLB (port 4 words/cycle, response usable 2 cycles after the
// request), aligned regions in distinct banks, one word per row: 8 inputs x 1x1, 4 channels,
// n = 2 (2 groups), active inputs 1 and 5.
//   c0 accept, list word out | c2 list word back, record 0 decoded | c3 its 2 row words out,
//   record 1 decoded | c4 record 1's row words out | c5 MAC input 0 | c6 MAC input 1, last:
//   drain from c7, ppu.lanes accumulators per cycle; the output word goes out in the cycle
//   its 4th element is produced (c7 with 4 lanes, c10 with 1) and its acknowledgement comes
//   back 2 cycles later, when done is pushed.
// done() is visible from cycle 10 (4 lanes) or 13 (1 lane); 5 stall cycles (c0..c4).
Layer TinyLinear() {
  Case tc{"tiny", 8, 1, 1, 1, 1, 1, 0, 4, 2, 1.0, 2, false, 0, false, 1};
  Layer l = Build(tc, 9, 0);
  l.list = {{1, 3}, {5, -2}};
  l.cmd.w_base = 64;    // rows 1 and 5: words 64 (bank 0) and 72 (bank 1)
  l.cmd.id_base = 144;  // words 144 (bank 2) and 152 (bank 3)
  l.cmd.out_base = 192;
  return l;
}

struct TinyTiming {
  int ppu_lanes;
  Cycle cycles;
};

class SparseAccumTiming : public ::testing::TestWithParam<TinyTiming> {};

TEST_P(SparseAccumTiming, TinyLinearDoneOnTheStatedCycle) {
  const TinyTiming t = GetParam();
  const Layer l = TinyLinear();
  Bench b(false, TestCs(), t.ppu_lanes);
  Poke(b.glb, l);
  b.Issue(l.cmd);
  while (b.now < t.cycles - 1) b.Step();
  EXPECT_FALSE(b.ss.done().CanPop()) << "one cycle early: done must not be visible";
  b.Step();
  EXPECT_TRUE(b.ss.done().CanPop()) << "done must be visible after " << t.cycles << " cycles";
  EXPECT_EQ(b.Counter("top.ss.stall_cycles"), 5u);
  EXPECT_EQ(Output(b, l), Reference(l));
}

TEST_P(SparseAccumTiming, SkippingIdleCyclesKeepsTheCycleCount) {
  const TinyTiming t = GetParam();
  const Layer l = TinyLinear();
  Bench b(false, TestCs(), t.ppu_lanes);
  Poke(b.glb, l);
  EXPECT_EQ(b.Run(l.cmd), t.cycles);
}

INSTANTIATE_TEST_SUITE_P(PpuLanes, SparseAccumTiming,
                         ::testing::Values(TinyTiming{4, 10}, TinyTiming{1, 13}),
                         [](const ::testing::TestParamInfo<TinyTiming>& i) {
                           return "ppu" + std::to_string(i.param.ppu_lanes);
                         });

TEST(SparseAccumThroughput, MultipliersBoundAWideInput) {
  // One input, one offset (1x1 kernel), 72 groups: 72 products on 8 multipliers take 9 MAC
  // cycles, and they wait for the whole row (20 words, unaligned), so the MAC stage adds its
  // cycles after the fetch. 72 multipliers (1 MAC cycle) must save exactly 8 cycles.
  Case tc{"wide", 4, 2, 2, 1, 1, 1, 0, 72, 1, 1.0, 1, false, 0, false, 4};
  Layer l = Build(tc, 6, 0);
  CsSpec narrow = TestCs(), wide = TestCs();
  narrow.ss_glb_words = wide.ss_glb_words = 32;
  wide.engines = 36;
  Bench bn(false, narrow, 64), bw(false, wide, 64);
  Poke(bn.glb, l);
  Poke(bw.glb, l);
  const Cycle tn = bn.Run(l.cmd), tw = bw.Run(l.cmd);
  EXPECT_EQ(tn - tw, 8u);
  EXPECT_EQ(Output(bn, l), Reference(l));
  EXPECT_EQ(Output(bw, l), Reference(l));
}

TEST(SparseAccumThroughput, FetchRunsAheadOnlyAsFarAsItsBuffers) {
  // 40 actives (20 list words) x 9 offsets x 12 groups: list and rows could be requested far
  // ahead of the MAC. The list buffer is 2 * port lanes words (64 bytes); the row buffer
  // 2 * multipliers + 4 * port lanes * word / 2 products (80).
  const Case tc{"ahead", 2, 5, 5, 3, 3, 1, 1, 24, 2, 0.8, 40, false, 0, false, 4};
  const Layer l = Build(tc, 8, 0);
  Bench b(true);
  Poke(b.glb, l);
  b.Issue(l.cmd);
  int64_t max_list_ahead = 0, max_rows_ahead = 0;
  while (!b.ss.done().CanPop() && b.now < 100000) {
    b.Step();
    const int64_t list_bytes = int64_t(b.Counter("top.glb.reads_act_list")) * kWord;
    const int64_t decoded = int64_t(b.Counter("top.ss.list_reads")) * kActEntryBytes;
    max_list_ahead = std::max(max_list_ahead, list_bytes - decoded);
    const int64_t admitted = int64_t(b.Counter("top.ss.row_reads")) * l.groups;
    const int64_t done = int64_t(b.Counter("top.ss.mac.macs") + b.Counter("top.ss.mac.gated"));
    max_rows_ahead = std::max(max_rows_ahead, admitted - done);
  }
  ASSERT_TRUE(b.ss.done().CanPop());
  EXPECT_LE(max_list_ahead, 64);
  EXPECT_GT(max_list_ahead, 32) << "the list buffer should fill";
  EXPECT_LE(max_rows_ahead, 80);
  EXPECT_GT(max_rows_ahead, 80 - l.groups) << "the row buffer should fill";
  EXPECT_EQ(Output(b, l), Reference(l));
}

TEST(SparseAccum, DeterministicCyclesAndCounters) {
  const Case tc{"det", 3, 6, 6, 3, 3, 1, 1, 8, 4, 0.7, 20, true, 5, true, 1};
  const Layer l = Build(tc, 23);
  Cycle cycles[2];
  std::vector<uint64_t> counters[2];
  for (int run = 0; run < 2; ++run) {
    Bench b(true);
    Poke(b.glb, l);
    cycles[run] = b.Run(l.cmd);
    counters[run] = b.root.Snapshot();
  }
  EXPECT_EQ(cycles[0], cycles[1]);
  EXPECT_EQ(counters[0], counters[1]);
}

}  // namespace
}  // namespace cssim
