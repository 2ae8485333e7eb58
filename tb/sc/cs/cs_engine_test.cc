// CS engine contract: under random gaps on the input, weight and id links and a randomly
// stalling sum sink, the sums equal a plain reference of the combined kernels (kernel j of
// engine e = sum over positions with ID j of w * x); a pass's first sum arrives exactly
// rows_used*kp + kp + 1 + route + adder cycles after the weights start; at most the pipeline
// depth of pixels is in flight; the action counters match a hand-computed case.
#include "model/cs/cs_engine.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "model/base/error.h"

namespace cssim {
namespace {

CsSpec SmallSpec() {
  CsSpec cs;
  cs.lanes = 4;
  cs.engines = 3;
  cs.max_n = 4;
  cs.weight_rf_entries = 16;  // two banks of 8 entries
  cs.weight_buffers = 2;
  cs.route_latency_cycles = 2;
  cs.adder_latency_cycles = 3;
  return cs;
}

uint64_t Count(const StatGroup& root, const std::string& full_name) {
  uint64_t v = 0;
  bool found = false;
  root.Walk([&](const Counter& c) {
    if (c.full_name() == full_name) {
      v = c.value();
      found = true;
    }
  });
  EXPECT_TRUE(found) << "no counter " << full_name;
  return v;
}

// One pass: its command, the beats the streamers would send, and the reference sums.
struct PassData {
  ArrayCmd cmd;
  std::vector<Beat> w, id, in;
  std::vector<std::vector<int32_t>> want;  // [pixel][out col]
  uint64_t macs = 0;                       // non-zero weights met, over all pixels
};

struct Case {
  int rows_used, cols_used, kp;
  int64_t k, pixels;
  int n, out_cols;
};

int8_t Garbage(std::mt19937_64& rng) { return int8_t(int(rng() % 256) - 128); }

// Random combined kernels, complementary by construction (each position has one ID, below the
// number of kernels in its group), about a quarter of the slots padded (zero weight), random
// activations. Values the pass must ignore (unused lanes and engines, entries past k) are
// garbage, and unused IDs are out of range, so touching them breaks the sums or throws.
PassData MakePass(const Case& tc, const CsSpec& cs, std::mt19937_64& rng) {
  PassData d;
  d.cmd.dataflow = Dataflow::kWeightStationary;
  d.cmd.rows_used = tc.rows_used;
  d.cmd.cols_used = tc.cols_used;
  d.cmd.k0 = 0;
  d.cmd.k = tc.k;
  d.cmd.kp = tc.kp;
  d.cmd.pixels = tc.pixels;
  d.cmd.n = tc.n;
  d.cmd.out_cols = tc.out_cols;
  std::vector<std::vector<int8_t>> w(size_t(tc.cols_used), std::vector<int8_t>(size_t(tc.k)));
  std::vector<std::vector<int>> id(w.size(), std::vector<int>(size_t(tc.k)));
  int64_t nonzero = 0;
  for (int e = 0; e < tc.cols_used; ++e) {
    const int n_e = std::min(tc.n, tc.out_cols - e * tc.n);
    for (int64_t kk = 0; kk < tc.k; ++kk) {
      id[size_t(e)][size_t(kk)] = int(rng() % uint64_t(n_e));
      if (rng() % 4 == 0) continue;  // padded slot
      const int mag = 1 + int(rng() % 127);
      w[size_t(e)][size_t(kk)] = int8_t(rng() % 2 ? mag : -mag);
      ++nonzero;
    }
  }
  std::vector<std::vector<int8_t>> x(size_t(tc.pixels), std::vector<int8_t>(size_t(tc.k)));
  for (auto& row : x)
    for (auto& v : row) v = Garbage(rng);

  const int8_t kBadId = int8_t(cs.max_n + 1);
  for (int r = 0; r < tc.rows_used; ++r)
    for (int j = 0; j < tc.kp; ++j) {
      const int64_t kk = int64_t(r) * tc.kp + j;
      Beat bw, bi;
      for (int e = 0; e < cs.engines; ++e) {
        const bool used = e < tc.cols_used && kk < tc.k;
        bw.v.push_back(used ? w[size_t(e)][size_t(kk)] : Garbage(rng));
        bi.v.push_back(used ? int8_t(id[size_t(e)][size_t(kk)]) : kBadId);
      }
      d.w.push_back(bw);
      if (tc.n > 1) d.id.push_back(bi);  // n = 1 passes carry no IDs
    }
  for (int64_t p = 0; p < tc.pixels; ++p)
    for (int j = 0; j < tc.kp; ++j) {
      Beat b;
      for (int r = 0; r < cs.lanes; ++r) {
        const int64_t kk = int64_t(r) * tc.kp + j;
        b.v.push_back(r < tc.rows_used && kk < tc.k ? x[size_t(p)][size_t(kk)] : Garbage(rng));
      }
      d.in.push_back(b);
    }
  d.want.assign(size_t(tc.pixels), std::vector<int32_t>(size_t(tc.out_cols), 0));
  for (int64_t p = 0; p < tc.pixels; ++p)
    for (int o = 0; o < tc.out_cols; ++o) {
      const int e = o / tc.n, j = o % tc.n;
      for (int64_t kk = 0; kk < tc.k; ++kk)
        if (id[size_t(e)][size_t(kk)] == j)
          d.want[size_t(p)][size_t(o)] +=
              int32_t(x[size_t(p)][size_t(kk)]) * w[size_t(e)][size_t(kk)];
    }
  d.macs = uint64_t(nonzero) * uint64_t(tc.pixels);
  return d;
}

// Feeds the passes' beats (each link's push taken with probability push_pct %, the sink ready
// with probability pop_pct %) until every sum arrived or max_cycles passed.
std::vector<SumBeat> Drive(CsEngine& cs, Link<Beat>& in, Link<Beat>& weight, Link<Beat>& id,
                           const std::vector<PassData>& passes, int push_pct, int pop_pct,
                           uint64_t seed, Cycle max_cycles = 100000) {
  std::vector<Beat> wb, ib, xb;
  size_t want = 0;
  for (const PassData& p : passes) {
    cs.cmd().Push(p.cmd);
    wb.insert(wb.end(), p.w.begin(), p.w.end());
    ib.insert(ib.end(), p.id.begin(), p.id.end());
    xb.insert(xb.end(), p.in.begin(), p.in.end());
    want += p.want.size();
  }
  cs.cmd().Commit();
  std::mt19937_64 rng(seed);
  auto go = [&](int pct) { return int(rng() % 100) < pct; };
  std::vector<SumBeat> got;
  size_t wi = 0, ii = 0, xi = 0;
  for (Cycle now = 0; now < max_cycles && got.size() < want; ++now) {
    if (wi < wb.size() && weight.CanPush() && go(push_pct)) weight.Push(wb[wi++]);
    if (ii < ib.size() && id.CanPush() && go(push_pct)) id.Push(ib[ii++]);
    if (xi < xb.size() && in.CanPush() && go(push_pct)) in.Push(xb[xi++]);
    cs.Tick(now);
    if (cs.out().CanPop() && go(pop_pct)) got.push_back(cs.out().Pop());
    for (Link<Beat>* l : {&in, &weight, &id}) l->Commit();
    cs.cmd().Commit();
    cs.out().Commit();
  }
  return got;
}

class CsEnginePacer : public ::testing::TestWithParam<Case> {};

TEST_P(CsEnginePacer, SumsMatchReferenceUnderRandomStalls) {
  const Case tc = GetParam();
  const CsSpec spec = SmallSpec();
  StatGroup root(nullptr, "top");
  Link<Beat> in("in", 2), weight("weight", 2), id("id", 2);
  CsEngine cs(spec, in, weight, id, root);
  std::mt19937_64 rng(99);
  // Two passes back to back, so the second loads into the other bank during the first.
  const std::vector<PassData> passes = {MakePass(tc, spec, rng), MakePass(tc, spec, rng)};
  const std::vector<SumBeat> got = Drive(cs, in, weight, id, passes, 67, 50, 1234);

  ASSERT_EQ(got.size(), size_t(2 * tc.pixels)) << "a sum beat was lost or the engine stalled";
  uint64_t macs = 0;
  for (size_t pi = 0; pi < passes.size(); ++pi) {
    macs += passes[pi].macs;
    for (int64_t p = 0; p < tc.pixels; ++p) {
      const SumBeat& s = got[pi * size_t(tc.pixels) + size_t(p)];
      EXPECT_EQ(s.pixel, p) << "pass " << pi;
      EXPECT_EQ(s.v, passes[pi].want[size_t(p)]) << "pass " << pi << " pixel " << p;
    }
  }
  EXPECT_EQ(cs.macs(), macs);
  // Every used multiplier slot is a MAC or gated; with the skipped ones they make the dense work.
  const uint64_t slots = 2 * uint64_t(tc.pixels * tc.k * tc.cols_used);
  EXPECT_EQ(Count(root, "top.cs.mac.gated"), slots - macs);
  EXPECT_EQ(Count(root, "top.cs.mac.macs") + Count(root, "top.cs.mac.gated") +
                Count(root, "top.cs.mac.skipped"),
            2 * uint64_t(tc.pixels * tc.k * tc.out_cols));
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, CsEnginePacer,
    ::testing::Values(Case{4, 3, 8, 32, 5, 3, 9},   // whole engine, full banks
                      Case{3, 2, 5, 13, 4, 2, 4},   // partial lanes, ragged k (13 = 5+5+3)
                      Case{4, 3, 4, 16, 3, 1, 3},   // n = 1: plain dense kernels
                      Case{4, 3, 6, 22, 4, 4, 12},  // n = max_n
                      Case{2, 2, 7, 14, 3, 4, 6},   // cols_used < engines, partial last group
                      Case{4, 3, 1, 3, 9, 2, 5}));  // kp 1: a pixel per cycle, lane 3 idle

// One pass of ones, fed without gaps, sink always ready: the cycles each sum became visible,
// and whether one was visible, cycle by cycle.
struct Timing {
  std::vector<Cycle> arrivals;
  std::vector<bool> visible;
};

Timing RunOnes(const CsSpec& spec, int rows, int kp, int pixels) {
  StatGroup root(nullptr, "top");
  Link<Beat> in("in", 2), weight("weight", 2), id("id", 2);
  CsEngine cs(spec, in, weight, id, root);
  cs.cmd().Push(
      ArrayCmd{Dataflow::kWeightStationary, rows, 1, 0, int64_t(rows) * kp, kp, pixels, 1, 1, {}});
  cs.cmd().Commit();
  Timing t;
  int wsent = 0, isent = 0;
  const std::vector<int8_t> ones(size_t(spec.lanes), 1);
  for (Cycle now = 0; now < 500 && t.arrivals.size() < size_t(pixels); ++now) {
    if (wsent < rows * kp && weight.CanPush()) {  // n = 1: no ID beats
      weight.Push(Beat{ones});
      ++wsent;
    }
    if (isent < pixels * kp && in.CanPush()) {
      in.Push(Beat{ones});
      ++isent;
    }
    cs.Tick(now);
    t.visible.push_back(cs.out().CanPop());
    if (cs.out().CanPop()) {
      EXPECT_EQ(cs.out().Pop().v[0], rows * kp);
      t.arrivals.push_back(now);
    }
    for (Link<Beat>* l : {&in, &weight, &id}) l->Commit();
    cs.cmd().Commit();
    cs.out().Commit();
  }
  return t;
}

TEST(CsEngine, FirstSumArrivesAfterLoadComputeRouteAndAdd) {
  CsSpec spec = SmallSpec();  // route 2 + adder 3: 6 cycles from last beat to a ready sum
  const int rows = 2, kp = 4;
  // Cycle 0: the first beats are pushed (visible from 1). Weights and IDs load in cycles 1..8
  // (rows*kp), the pixel's kp input beats are consumed in 9..12, its sum is ready and pushed at
  // 12 + 1 + 2 + 3 = 18 and visible at 19.
  const Cycle expected =
      1 + rows * kp + kp + (1 + spec.route_latency_cycles + spec.adder_latency_cycles);
  ASSERT_EQ(expected, 19u);
  const Timing t = RunOnes(spec, rows, kp, 3);
  ASSERT_EQ(t.arrivals.size(), 3u);
  EXPECT_FALSE(t.visible[expected - 1]) << "one cycle early";
  EXPECT_TRUE(t.visible[expected]) << "on time";
  EXPECT_EQ(t.arrivals[1] - t.arrivals[0], Cycle(kp)) << "one pixel per kp cycles";
  EXPECT_EQ(t.arrivals[2] - t.arrivals[1], Cycle(kp));
  // The route and adder stages are what the latency is made of.
  spec.route_latency_cycles = 0;
  spec.adder_latency_cycles = 1;
  const Timing fast = RunOnes(spec, rows, kp, 1);
  ASSERT_EQ(fast.arrivals.size(), 1u);
  EXPECT_EQ(fast.arrivals[0], expected - 4);
}

TEST(CsEngine, InFlightPixelsBoundedByPipelineDepth) {
  const CsSpec spec = SmallSpec();
  StatGroup root(nullptr, "top");
  Link<Beat> in("in", 2), weight("weight", 2), id("id", 2);
  CsEngine cs(spec, in, weight, id, root);
  cs.cmd().Push(ArrayCmd{Dataflow::kWeightStationary, 1, 1, 0, 1, 1, 100, 1, 1, {}});
  cs.cmd().Commit();
  weight.Push(Beat{{1, 0, 0}});
  id.Push(Beat{{0, 0, 0}});
  uint64_t pushed = 0;
  for (Cycle now = 0; now < 200; ++now) {  // the sink never takes a sum
    if (in.CanPush()) {
      in.Push(Beat{{1, 0, 0, 0}});
      ++pushed;
    }
    cs.Tick(now);
    for (Link<Beat>* l : {&in, &weight, &id}) l->Commit();
    cs.cmd().Commit();
    cs.out().Commit();
  }
  // 6 pixels in the multiply/route/add pipeline plus the 2 the out link holds.
  const int depth = 1 + spec.route_latency_cycles + spec.adder_latency_cycles;
  EXPECT_EQ(pushed - in.occupancy(), uint64_t(depth) + cs.out().capacity());
  EXPECT_EQ(cs.macs(), uint64_t(depth) + cs.out().capacity());
  EXPECT_GT(Count(root, "top.cs.stall_cycles"), 100u);
}

// Lanes 4 (2 route stages), 2 engines, n = 4: engine 0 holds 4 kernels, engine 1 the 3 of a
// partial last group (out_cols 7). Two lanes, kp 2, one pixel x = (1, 2, 3, 4).
//   k:         0       1     2       3
//   engine 0:  1/id0   4/id1   2/id1   3/id1
//   engine 1:  pad     pad     5/id2   pad
// Beat 0 (k 0 and 2): 3 MACs, 1 gated, trees hit {e0: 0, 1; e1: 2} = 3 updates.
// Beat 1 (k 1 and 3): 2 MACs into the same tree (e0: 1) = 1 update, 2 gated.
TEST(CsEngine, CountsMacsGatedSkippedAndIdBits) {
  CsSpec spec = SmallSpec();
  spec.engines = 2;
  StatGroup root(nullptr, "top");
  Link<Beat> in("in", 4), weight("weight", 4), id("id", 4);
  CsEngine cs(spec, in, weight, id, root);
  PassData d;
  d.cmd = ArrayCmd{Dataflow::kWeightStationary, 2, 2, 0, 4, 2, 1, 4, 7, {}};
  d.w = {Beat{{1, 0}}, Beat{{4, 0}}, Beat{{2, 5}}, Beat{{3, 0}}};  // beat r*kp+j = k
  d.id = {Beat{{0, 3}}, Beat{{1, 1}}, Beat{{1, 2}}, Beat{{1, 0}}};
  d.in = {Beat{{1, 3, 0, 0}}, Beat{{2, 4, 0, 0}}};
  d.want = {{1, 4 * 2 + 2 * 3 + 3 * 4, 0, 0, 0, 0, 5 * 3}};
  const std::vector<SumBeat> got = Drive(cs, in, weight, id, {d}, 100, 100, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].v, d.want[0]);
  EXPECT_EQ(Count(root, "top.cs.mac.macs"), 5u);
  EXPECT_EQ(Count(root, "top.cs.mac.gated"), 3u);
  EXPECT_EQ(cs.gated(), 3u);
  // Dense work 2 beats x 2 lanes x (4 + 3) kernels = 28, of which 8 slots were used.
  EXPECT_EQ(Count(root, "top.cs.mac.skipped"), 20u);
  EXPECT_EQ(Count(root, "top.cs.weight_rf.reads"), 8u);
  EXPECT_EQ(Count(root, "top.cs.weight_rf.writes"), 8u);
  EXPECT_EQ(Count(root, "top.cs.input_rf.reads"), 5u);
  EXPECT_EQ(Count(root, "top.cs.kernel_id.id_reads"), 8u * 2) << "ceil(log2 4) = 2 bits a slot";
  EXPECT_EQ(Count(root, "top.cs.route.hops"), 5u * 2) << "log2(4 lanes) = 2 stages";
  EXPECT_EQ(Count(root, "top.cs.acc.updates"), 4u) << "one per tree hit, not per product";
  cs.AddIdle(7);
  EXPECT_EQ(Count(root, "top.cs.mac.idle"), 7u);
  EXPECT_EQ(cs.multipliers(), 4 * 2);
}

// ID bits per MAC or gated slot: ceil(log2 n), none for n = 1.
TEST(CsEngine, KernelIdBitsAreCeilLog2N) {
  for (const auto& [n, bits] : std::vector<std::pair<int, uint64_t>>{{1, 0}, {2, 1}, {3, 2}}) {
    const CsSpec spec = SmallSpec();
    StatGroup root(nullptr, "top");
    Link<Beat> in("in", 2), weight("weight", 2), id("id", 2);
    CsEngine cs(spec, in, weight, id, root);
    std::mt19937_64 rng(static_cast<uint64_t>(n));
    const PassData d = MakePass(Case{4, 3, 3, 12, 2, n, 3 * n}, spec, rng);
    ASSERT_EQ(Drive(cs, in, weight, id, {d}, 100, 100, 1).size(), 2u);
    EXPECT_EQ(Count(root, "top.cs.kernel_id.id_reads"), 2u * 12 * 3 * bits) << "n = " << n;
  }
}

// Feeds one pass, whose one value beat has ID `bad_id` in engine 1, for a few cycles.
void RunBad(const ArrayCmd& cmd, int8_t bad_id) {
  const CsSpec spec = SmallSpec();
  StatGroup root(nullptr, "top");
  Link<Beat> in("in", 2), weight("weight", 2), id("id", 2);
  CsEngine cs(spec, in, weight, id, root);
  cs.cmd().Push(cmd);
  cs.cmd().Commit();
  weight.Push(Beat{{1, 1, 1}});
  id.Push(Beat{{0, bad_id, 0}});
  weight.Commit();
  id.Commit();
  for (Cycle now = 0; now < 4; ++now) cs.Tick(now);
}

TEST(CsEngine, RejectsBadIdsAndOversizedPasses) {
  const ArrayCmd ok{Dataflow::kWeightStationary, 1, 3, 0, 1, 1, 1, 2, 6, {}};
  EXPECT_NO_THROW(RunBad(ok, 1));
  EXPECT_THROW(RunBad(ok, 2), SimError) << "ID 2 with n = 2";
  EXPECT_THROW(RunBad(ok, -1), SimError) << "ID byte 255";
  ArrayCmd c = ok;
  c.n = 5;  // > max_n 4
  c.out_cols = 15;
  EXPECT_THROW(RunBad(c, 0), SimError);
  c = ok;
  c.rows_used = 5;
  EXPECT_THROW(RunBad(c, 0), SimError) << "more lanes than the engine";
  c = ok;
  c.cols_used = 4;
  c.out_cols = 8;
  EXPECT_THROW(RunBad(c, 0), SimError) << "more engines than the engine";
  c = ok;
  c.kp = 9;
  EXPECT_THROW(RunBad(c, 0), SimError) << "more entries than a bank";
  c = ok;
  c.out_cols = 4;  // engine 2 would hold no kernel
  EXPECT_THROW(RunBad(c, 0), SimError);
}

}  // namespace
}  // namespace cssim
