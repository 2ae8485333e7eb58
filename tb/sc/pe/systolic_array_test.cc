// Systolic array contract: for each dataflow, random passes (partial rows and columns, ragged
// lengths) under random operand gaps and a randomly stalling sum sink give sums equal to a direct
// computation, in order, with every MAC counted once; and the first and last sums of a pass fed
// without gaps leave exactly when the structure's fill, skew and drain say.
#include "model/pe/systolic_array.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace cssim {
namespace {

struct PassCase {
  int rows_used, cols_used;
  int64_t length;  // ws: pixels; is: channels; os: reduction length k
};

// One pass's beats on the two links and the sums it must produce, in order.
struct PassStim {
  ArrayCmd cmd;
  std::vector<Beat> in, weight;
  std::vector<SumBeat> want;
};

std::vector<int8_t> Randoms(std::mt19937_64& rng, size_t n) {
  std::vector<int8_t> v(n);
  for (auto& x : v) x = int8_t(int(rng() % 255) - 127);
  return v;
}

// ws: stationary W[k][c] (k < rows_used), streaming X[p][k]; sum (p, c) = sum_k X[p][k] W[k][c].
// is: stationary I[k][c] (input of reduction k, pixel c), streaming V[m][k] (weight of channel m);
// sum (m, c) = sum_k I[k][c] V[m][k]. Both preload the bottom row first. os: X[r][k], W[k][c];
// sum (r, c) = sum_k X[r][k] W[k][c], leaving row rows_used - 1 first.
PassStim MakePass(Dataflow flow, const PassCase& pc, std::mt19937_64& rng) {
  const int ru = pc.rows_used, cu = pc.cols_used;
  PassStim s;
  s.cmd.dataflow = flow;
  s.cmd.rows_used = ru;
  s.cmd.cols_used = cu;
  s.cmd.kp = 1;
  s.cmd.out_cols = cu;
  if (flow == Dataflow::kOutputStationary) {
    const int64_t k = pc.length;
    s.cmd.k = k;
    s.cmd.pixels = ru;
    const std::vector<int8_t> x = Randoms(rng, size_t(ru * k)), w = Randoms(rng, size_t(k * cu));
    for (int64_t kk = 0; kk < k; ++kk) {
      Beat a, b;
      for (int r = 0; r < ru; ++r) a.v.push_back(x[size_t(r * k + kk)]);
      for (int c = 0; c < cu; ++c) b.v.push_back(w[size_t(kk * cu + c)]);
      s.in.push_back(a);
      s.weight.push_back(b);
    }
    for (int r = ru - 1; r >= 0; --r) {
      SumBeat sb;
      sb.pixel = r;
      for (int c = 0; c < cu; ++c) {
        int32_t sum = 0;
        for (int64_t kk = 0; kk < k; ++kk)
          sum += int32_t(x[size_t(r * k + kk)]) * w[size_t(kk * cu + c)];
        sb.v.push_back(sum);
      }
      s.want.push_back(sb);
    }
    return s;
  }
  const int64_t n = pc.length;
  s.cmd.k = ru;
  s.cmd.pixels = n;
  const std::vector<int8_t> st = Randoms(rng, size_t(ru * cu)), sm = Randoms(rng, size_t(n * ru));
  std::vector<Beat>& preload = flow == Dataflow::kInputStationary ? s.in : s.weight;
  std::vector<Beat>& stream = flow == Dataflow::kInputStationary ? s.weight : s.in;
  for (int b = 0; b < ru; ++b) {
    Beat p;
    for (int c = 0; c < cu; ++c) p.v.push_back(st[size_t((ru - 1 - b) * cu + c)]);
    preload.push_back(p);
  }
  for (int64_t i = 0; i < n; ++i) {
    Beat b;
    for (int r = 0; r < ru; ++r) b.v.push_back(sm[size_t(i * ru + r)]);
    stream.push_back(b);
    SumBeat sb;
    sb.pixel = i;
    for (int c = 0; c < cu; ++c) {
      int32_t sum = 0;
      for (int r = 0; r < ru; ++r) sum += int32_t(sm[size_t(i * ru + r)]) * st[size_t(r * cu + c)];
      sb.v.push_back(sum);
    }
    s.want.push_back(sb);
  }
  return s;
}

uint64_t PassMacs(const PassStim& s) {
  const uint64_t beats =
      s.cmd.dataflow == Dataflow::kOutputStationary ? uint64_t(s.cmd.k) : uint64_t(s.cmd.pixels);
  return beats * uint64_t(s.cmd.rows_used) * uint64_t(s.cmd.cols_used);
}

struct Bench {
  int rows, cols, buffers;
  double in_rate, weight_rate, sink_rate;  // per-cycle chance of a push / pop
  uint64_t seed;
};

struct Outcome {
  std::vector<SumBeat> got;
  std::vector<Cycle> at;  // the cycle each sum beat was popped
  uint64_t macs = 0;
  size_t in_left = 0, weight_left = 0;
};

Outcome Drive(Dataflow flow, const Bench& b, const std::vector<PassStim>& passes) {
  ArraySpec as;
  as.rows = b.rows;
  as.cols = b.cols;
  as.dataflow = flow;
  as.topology = Topology::kSystolic;
  PeSpec ps;
  ps.weight_buffers = b.buffers;
  StatGroup root(nullptr, "top");
  Link<Beat> in("in", 2), weight("weight", 2);
  SystolicArray array(as, ps, in, weight, root);
  std::vector<Beat> ins, weights;
  size_t want = 0;
  for (const PassStim& p : passes) {
    ins.insert(ins.end(), p.in.begin(), p.in.end());
    weights.insert(weights.end(), p.weight.begin(), p.weight.end());
    want += p.want.size();
  }
  std::mt19937_64 rng(b.seed);
  auto chance = [&](double p) { return double(rng() % 1000) < p * 1000; };
  Outcome o;
  size_t ii = 0, wi = 0, ci = 0;
  for (Cycle now = 0; now < 200000 && o.got.size() < want; ++now) {
    if (ci < passes.size() && array.cmd().CanPush()) array.cmd().Push(passes[ci++].cmd);
    if (ii < ins.size() && in.CanPush() && chance(b.in_rate)) in.Push(ins[ii++]);
    if (wi < weights.size() && weight.CanPush() && chance(b.weight_rate))
      weight.Push(weights[wi++]);
    array.Tick(now);
    if (array.out().CanPop() && chance(b.sink_rate)) {
      o.got.push_back(array.out().Pop());
      o.at.push_back(now);
    }
    in.Commit();
    weight.Commit();
    array.cmd().Commit();
    array.out().Commit();
  }
  o.macs = array.macs();
  o.in_left = ins.size() - ii;
  o.weight_left = weights.size() - wi;
  return o;
}

void ExpectSums(const std::vector<PassStim>& passes, const Outcome& o) {
  size_t i = 0;
  uint64_t macs = 0;
  for (size_t p = 0; p < passes.size(); ++p) {
    macs += PassMacs(passes[p]);
    for (const SumBeat& w : passes[p].want) {
      ASSERT_LT(i, o.got.size()) << "pass " << p << ": sum beat " << w.pixel << " never left";
      EXPECT_EQ(o.got[i].pixel, w.pixel) << "pass " << p << ": beat order";
      EXPECT_EQ(o.got[i].v, w.v) << "pass " << p << " beat " << w.pixel;
      ++i;
    }
  }
  EXPECT_EQ(o.got.size(), i) << "extra sum beats";
  EXPECT_EQ(o.macs, macs) << "every MAC of every pass counted once";
  EXPECT_EQ(o.in_left, 0u);
  EXPECT_EQ(o.weight_left, 0u);
}

struct RandomCase {
  Dataflow flow;
  Bench bench;
};

class SystolicRandom : public ::testing::TestWithParam<RandomCase> {};

TEST_P(SystolicRandom, SumsEqualDirectComputationUnderGapsAndBackPressure) {
  const RandomCase rc = GetParam();
  const Bench& b = rc.bench;
  std::mt19937_64 rng(b.seed * 7 + 1);
  // Full passes, partial rows and columns, one-beat passes and passes shorter than the array
  // (os: k below rows, so the drain chain's interlock holds the last beat back).
  std::vector<PassStim> passes;
  const std::vector<PassCase> shapes = {{b.rows, b.cols, 9},  {b.rows - 1, b.cols, 1},
                                        {1, b.cols - 1, 5},   {b.rows, 1, 2},
                                        {b.rows, b.cols, 13}, {2, 2, 3}};
  for (const PassCase& pc : shapes) passes.push_back(MakePass(rc.flow, pc, rng));
  SCOPED_TRACE(std::string(DataflowName(rc.flow)) + " " + std::to_string(b.rows) + "x" +
               std::to_string(b.cols) + " buffers " + std::to_string(b.buffers) + " seed " +
               std::to_string(b.seed));
  ExpectSums(passes, Drive(rc.flow, b, passes));
}

INSTANTIATE_TEST_SUITE_P(
    Dataflows, SystolicRandom,
    ::testing::Values(RandomCase{Dataflow::kWeightStationary, {4, 3, 2, 0.7, 0.6, 0.5, 1}},
                      RandomCase{Dataflow::kWeightStationary, {3, 5, 1, 0.5, 0.8, 0.3, 2}},
                      RandomCase{Dataflow::kWeightStationary, {5, 4, 2, 1.0, 1.0, 1.0, 3}},
                      RandomCase{Dataflow::kInputStationary, {4, 3, 2, 0.6, 0.7, 0.5, 4}},
                      RandomCase{Dataflow::kInputStationary, {3, 5, 1, 0.8, 0.5, 0.3, 5}},
                      RandomCase{Dataflow::kInputStationary, {5, 4, 2, 1.0, 1.0, 1.0, 6}},
                      RandomCase{Dataflow::kOutputStationary, {4, 3, 2, 0.7, 0.6, 0.5, 7}},
                      RandomCase{Dataflow::kOutputStationary, {3, 5, 1, 0.5, 0.8, 0.3, 8}},
                      RandomCase{Dataflow::kOutputStationary, {5, 4, 2, 1.0, 1.0, 1.0, 9}}),
    [](const ::testing::TestParamInfo<RandomCase>& i) {
      return std::string(DataflowName(i.param.flow)) + "_" + std::to_string(i.param.bench.rows) +
             "x" + std::to_string(i.param.bench.cols) + "_seed" +
             std::to_string(i.param.bench.seed);
    });

// One full R x C pass, every operand pushed as soon as its link takes it (so a beat pushed in
// cycle t is taken in t + 1) and the sink always ready (a sum pushed in t is popped in t + 1).
// The array steps once per cycle from cycle 1, so step s is cycle s + 1.
Outcome OnePass(Dataflow flow, int rows, int cols, int64_t length) {
  std::mt19937_64 rng(11);
  const std::vector<PassStim> passes = {MakePass(flow, {rows, cols, length}, rng)};
  Outcome o = Drive(flow, Bench{rows, cols, 2, 1.0, 1.0, 1.0, 1}, passes);
  ExpectSums(passes, o);
  return o;
}

TEST(SystolicTiming, StationaryFillSkewAndDeskewGiveTheFirstAndLastSum) {
  // ws and is: R preload beats in steps 0..R-1 (the last shift is registered), beat p of the
  // stream in step R + p; its sums leave the bottom of column c in step R + p + R - 1 + c, and the
  // de-skew and output register push them together in step 2R + p + C - 1, popped one cycle
  // after that step's cycle: cycle 2R + C + 1 + p.
  for (Dataflow flow : {Dataflow::kWeightStationary, Dataflow::kInputStationary}) {
    for (auto [rows, cols] : {std::pair{4, 3}, std::pair{3, 6}, std::pair{8, 8}}) {
      SCOPED_TRACE(std::string(DataflowName(flow)) + " " + std::to_string(rows) + "x" +
                   std::to_string(cols));
      const int64_t n = 10;
      const Outcome o = OnePass(flow, rows, cols, n);
      ASSERT_EQ(o.at.size(), size_t(n));
      const Cycle first = Cycle(2 * rows + cols + 1);
      EXPECT_EQ(o.at.front(), first);
      EXPECT_EQ(o.at.back(), first + Cycle(n - 1)) << "one sum beat per cycle once filled";
    }
  }
}

TEST(SystolicTiming, OutputStationaryDrainGivesTheFirstAndLastSum) {
  // os: beat k in step k; the last (k = K-1) reaches PE(r, c) in step K-1 + r + c, which moves
  // its sum into its drain register; column c's chain lets row R-1 out in step K-1 + R + c and
  // one row per step after it; de-skewed by C - 1 - c steps and the output register, row R-1's
  // sums are pushed in step K-1 + R + C and row 0's in K-1 + 2R + C - 1: popped in cycles
  // K + R + C + 1 and K + 2R + C.
  for (auto [rows, cols] : {std::pair{4, 3}, std::pair{3, 6}, std::pair{8, 8}}) {
    SCOPED_TRACE(std::to_string(rows) + "x" + std::to_string(cols));
    const int64_t k = 20;
    const Outcome o = OnePass(Dataflow::kOutputStationary, rows, cols, k);
    ASSERT_EQ(o.at.size(), size_t(rows));
    EXPECT_EQ(o.at.front(), Cycle(k + rows + cols + 1));
    EXPECT_EQ(o.at.back(), Cycle(k + 2 * rows + cols));
  }
}

TEST(SystolicTiming, SecondBankHidesTheNextPreload) {
  // Two ws passes of P pixels on R x C. With two banks the second pass's R preload beats shift
  // in during the first pass's stream, so its pixels follow the first pass's without a gap: the
  // 2P sums leave in 2P consecutive cycles. With one bank the second preload waits until the
  // first pass's last beat (step R + P - 1) has passed PE(R-1, C-1) (step R + P - 1 + R + C - 2):
  // preload in steps 2R + P + C - 2 .. 3R + P + C - 3, its first beat in step 3R + P + C - 2
  // instead of R + P: its sums leave 2R + C - 2 cycles later than with two banks.
  const int R = 4, C = 3;
  const int64_t P = 6;
  for (int buffers : {1, 2}) {
    SCOPED_TRACE(buffers);
    std::mt19937_64 rng(5);
    const std::vector<PassStim> passes = {MakePass(Dataflow::kWeightStationary, {R, C, P}, rng),
                                          MakePass(Dataflow::kWeightStationary, {R, C, P}, rng)};
    const Outcome o =
        Drive(Dataflow::kWeightStationary, Bench{R, C, buffers, 1.0, 1.0, 1.0, 1}, passes);
    ExpectSums(passes, o);
    ASSERT_EQ(o.at.size(), size_t(2 * P));
    const Cycle first = Cycle(2 * R + C + 1);
    EXPECT_EQ(o.at.front(), first);
    const Cycle gap = buffers == 2 ? 0 : Cycle(2 * R + C - 2);
    EXPECT_EQ(o.at[size_t(P)], first + Cycle(P) + gap);
  }
}

}  // namespace
}  // namespace cssim
