// PE array contract under random back-pressure: operand beats arrive with random gaps, the sum
// sink is randomly not ready; the sums must not depend on that timing, and the array must never
// lose or duplicate a beat.
#include "model/pe/pe_array.h"

#include <gtest/gtest.h>

#include <random>

namespace cssim {
namespace {

struct Case {
  Dataflow dataflow;
  int rows_used, cols_used, kp;
  int64_t k, pixels;
};

class PeArrayPacer : public ::testing::TestWithParam<Case> {};

TEST_P(PeArrayPacer, SumsIndependentOfStalls) {
  const Case tc = GetParam();
  ArraySpec as;
  as.rows = 4;
  as.cols = 3;
  as.dataflow = tc.dataflow;
  PeSpec ps;
  ps.weight_rf_entries = 16;  // two banks of 8
  StatGroup root(nullptr, "top");
  Link<Beat> in("in", 2), weight("weight", 2);
  PeArray array(as, ps, in, weight, root);
  const bool ws = tc.dataflow == Dataflow::kWeightStationary;

  std::mt19937_64 rng(1234);
  auto val = [&] { return int8_t(int(rng() % 255) - 127); };
  // Operands: x[p][k], w[k][c].
  std::vector<std::vector<int8_t>> x(size_t(tc.pixels), std::vector<int8_t>(size_t(tc.k)));
  std::vector<std::vector<int8_t>> w(size_t(tc.k), std::vector<int8_t>(size_t(tc.cols_used)));
  for (auto& r : x)
    for (auto& v : r) v = val();
  for (auto& r : w)
    for (auto& v : r) v = val();

  // The beat sequences the streamers would send.
  std::vector<Beat> wbeats, ibeats;
  if (ws) {
    for (int r = 0; r < tc.rows_used; ++r)
      for (int j = 0; j < tc.kp; ++j) {
        Beat b;
        for (int c = 0; c < tc.cols_used; ++c) {
          const int64_t kk = int64_t(r) * tc.kp + j;
          b.v.push_back(kk < tc.k ? w[size_t(kk)][size_t(c)] : 0);
        }
        wbeats.push_back(b);
      }
    for (int64_t p = 0; p < tc.pixels; ++p)
      for (int j = 0; j < tc.kp; ++j) {
        Beat b;
        for (int r = 0; r < tc.rows_used; ++r) {
          const int64_t kk = int64_t(r) * tc.kp + j;
          b.v.push_back(kk < tc.k ? x[size_t(p)][size_t(kk)] : 0);
        }
        ibeats.push_back(b);
      }
  } else {
    for (int64_t kk = 0; kk < tc.k; ++kk) {
      Beat bw, bi;
      for (int c = 0; c < tc.cols_used; ++c) bw.v.push_back(w[size_t(kk)][size_t(c)]);
      for (int r = 0; r < tc.rows_used; ++r) bi.v.push_back(x[size_t(r)][size_t(kk)]);
      wbeats.push_back(bw);
      ibeats.push_back(bi);
    }
  }

  ArrayCmd cmd{tc.dataflow, tc.rows_used, tc.cols_used, 0, tc.k, tc.kp, tc.pixels, 1, 0, {}};
  array.cmd().Push(cmd);
  std::vector<SumBeat> got;
  size_t wi = 0, ii = 0;
  const int64_t want_beats = tc.pixels;
  for (Cycle now = 0; now < 100000 && int64_t(got.size()) < want_beats; ++now) {
    if (wi < wbeats.size() && weight.CanPush() && rng() % 3 != 0) weight.Push(wbeats[wi++]);
    if (ii < ibeats.size() && in.CanPush() && rng() % 3 != 0) in.Push(ibeats[ii++]);
    array.Tick(now);
    if (array.out().CanPop() && rng() % 2 == 0) got.push_back(array.out().Pop());
    in.Commit();
    weight.Commit();
    array.cmd().Commit();
    array.out().Commit();
  }
  ASSERT_EQ(int64_t(got.size()), want_beats) << "the array lost or stalled a sum beat";
  for (int64_t p = 0; p < want_beats; ++p) {
    EXPECT_EQ(got[size_t(p)].pixel, p);
    for (int c = 0; c < tc.cols_used; ++c) {
      int32_t want = 0;
      for (int64_t kk = 0; kk < tc.k; ++kk)
        want += int32_t(x[size_t(p)][size_t(kk)]) * w[size_t(kk)][size_t(c)];
      EXPECT_EQ(got[size_t(p)].v[size_t(c)], want) << "pixel " << p << " col " << c;
    }
  }
  EXPECT_EQ(array.macs(), uint64_t(tc.pixels * tc.k * tc.cols_used));
  EXPECT_EQ(wi, wbeats.size());
  EXPECT_EQ(ii, ibeats.size());
}

INSTANTIATE_TEST_SUITE_P(
    Dataflows, PeArrayPacer,
    ::testing::Values(Case{Dataflow::kWeightStationary, 4, 3, 8, 32, 9},   // full array
                      Case{Dataflow::kWeightStationary, 3, 2, 5, 13, 4},   // partial rows, ragged k
                      Case{Dataflow::kOutputStationary, 4, 3, 0, 21, 4},   // os, full
                      Case{Dataflow::kOutputStationary, 2, 1, 0, 7, 2}));  // os, partial

// Drives ws passes of 2x2 PEs with all-ones operands (at most `weight_beats` / `input_beats`
// of them, pushed whenever the links take them) and a sink that is always ready; returns the
// cycles at which the first `sums` sum beats became visible.
std::vector<Cycle> WsArrivals(int weight_entries, int buffers, int passes, int weight_beats,
                              int input_beats, size_t sums) {
  ArraySpec as;
  as.rows = 2;
  as.cols = 2;
  PeSpec ps;
  ps.weight_rf_entries = weight_entries;
  ps.weight_buffers = buffers;
  StatGroup root(nullptr, "top");
  Link<Beat> in("in", 2), weight("weight", 2);
  PeArray array(as, ps, in, weight, root);
  for (int i = 0; i < passes; ++i)
    array.cmd().Push(ArrayCmd{Dataflow::kWeightStationary, 2, 2, 0, 8, 4, 3, 1, 0, {}});
  array.cmd().Commit();
  std::vector<Cycle> arrivals;
  int wsent = 0, isent = 0;
  for (Cycle now = 0; now < 500 && arrivals.size() < sums; ++now) {
    if (wsent < weight_beats && weight.CanPush()) {
      weight.Push(Beat{{1, 1}});
      ++wsent;
    }
    if (isent < input_beats && in.CanPush()) {
      in.Push(Beat{{1, 1}});
      ++isent;
    }
    array.Tick(now);
    if (array.out().CanPop()) {
      array.out().Pop();
      arrivals.push_back(now);
    }
    in.Commit();
    weight.Commit();
    array.cmd().Commit();
    array.out().Commit();
  }
  return arrivals;
}

TEST(PeArray, WsPassTakesKpCyclesPerPixelWhenFed) {
  // One pass (k 8 on 2 rows, kp 4, 3 pixels), one weight bank, operands always available.
  const std::vector<Cycle> arrivals = WsArrivals(4, 1, 1, 1000, 1000, 3);
  ASSERT_EQ(arrivals.size(), 3u);
  // Cycle 0: command visible; the weight beat pushed in cycle 0 is visible from cycle 1, so the
  // 8 weight beats are consumed in cycles 1..8; input beats in 9..12; the 2-row reduction makes
  // the sum ready at 14; pushed at 14, visible at 15.
  EXPECT_EQ(arrivals[0], 15u);
  EXPECT_EQ(arrivals[1] - arrivals[0], 4u) << "one pixel per kp cycles";
  EXPECT_EQ(arrivals[2] - arrivals[1], 4u);
}

// Two ws passes of 3 pixels, kp 4 on 2 rows, operands always available. With one weight bank
// the second pass loads its 8 weight beats after the first pass's last input (cycle 20): loads
// 21..28, inputs from 29, first sum visible at 35. With two banks its weights load in 9..16,
// during the first pass's compute, so its first sum is visible at 27: exactly the 8 cycles of
// weight load hidden.
Cycle SecondPassFirstSum(int buffers) {
  const std::vector<Cycle> arrivals = WsArrivals(4 * buffers, buffers, 2, 16, 24, 4);
  return arrivals.size() == 4 ? arrivals[3] : 0;
}

TEST(PeArray, SecondWeightBankHidesTheNextPassWeightLoad) {
  EXPECT_EQ(SecondPassFirstSum(1), 35u);
  EXPECT_EQ(SecondPassFirstSum(2), 27u);
}

}  // namespace
}  // namespace cssim
