// Row-stationary array contract (model/pe/rs_array.h): random small convs, every pass of the
// whole layer streamed from a GLB image by the program's own address patterns (StreamCmd::Addr,
// kinds rs-filter and rs-input) with random gaps and a randomly ready sink, summed over passes
// as the collector would, must equal a direct convolution bit for bit and perform exactly the
// layer's MACs; and the timing of an unstalled pass follows from the structure.
#include "model/pe/rs_array.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace cssim {
namespace {

struct Case {
  const char* what;
  int rows, cols;  // the array
  int C, H, W, M, K, stride, pad;
  int q, p, weight_buffers;
};

int64_t Div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The passes of one tile holding the whole layer (input [H][W][C] at 0, weights
// [ky][kx][c][n] after it), as docs/design.md, "Row-stationary" folds them.
std::vector<RsMap> PassesOf(const Case& c) {
  const int ho = (c.H + 2 * c.pad - c.K) / c.stride + 1,
            wo = (c.W + 2 * c.pad - c.K) / c.stride + 1;
  RsMap base;
  base.S = c.K;
  base.stride = c.stride;
  base.pad = c.pad;
  base.q = c.q;
  base.p = c.p;
  const int strips = int(Div(ho, c.cols));
  base.e = int(Div(ho, strips));
  base.hg = c.cols / base.e;
  base.rows_out = ho;
  base.F = wo;
  base.c_tile = c.C;
  base.n_tile = c.M;
  base.h = c.H;
  base.w = c.W;
  base.w_base = uint32_t(c.H * c.W * c.C);
  const bool fold = c.K > c.rows;
  const int chunks = fold ? int(Div(c.K, c.rows)) : 1, sets_max = fold ? 1 : c.rows / c.K;
  const int sets = int(Div(c.C, c.q));
  const int vpasses = fold ? sets * chunks : int(Div(sets, sets_max));
  std::vector<RsMap> out;
  for (int n0 = 0; n0 < c.M; n0 += base.hg * base.p)
    for (int vp = 0; vp < vpasses; ++vp) {
      RsMap m = base;
      m.n0 = n0;
      if (fold) {
        m.c0 = vp / chunks * c.q;
        m.ky0 = vp % chunks * c.rows;
        m.rc = std::min(c.rows, c.K - m.ky0);
      } else {
        m.c0 = vp * sets_max * c.q;
        m.rc = c.K;
        m.sets = std::min(sets_max, sets - vp * sets_max);
      }
      out.push_back(m);
    }
  return out;
}

std::vector<Beat> BeatsOf(StreamKind kind, const RsMap& m, const std::vector<int8_t>& glb) {
  StreamCmd s;
  s.kind = kind;
  s.rs = m;
  const bool filter = kind == StreamKind::kRsFilter;
  const int lanes = filter ? m.weight_lanes() : m.input_lanes();
  const uint64_t beats = filter ? uint64_t(m.S) * m.q * m.p : uint64_t(m.strips()) * m.wp() * m.q;
  std::vector<Beat> out(beats);
  for (uint64_t b = 0; b < beats; ++b)
    for (int l = 0; l < lanes; ++l) {
      const int64_t a = s.Addr(l, b);
      out[b].v.push_back(a < 0 ? int8_t(0) : glb[size_t(a)]);
    }
  return out;
}

class RsArrayConv : public ::testing::TestWithParam<Case> {};

TEST_P(RsArrayConv, BitExactUnderRandomStalls) {
  const Case c = GetParam();
  SCOPED_TRACE(c.what);
  const int ho = (c.H + 2 * c.pad - c.K) / c.stride + 1,
            wo = (c.W + 2 * c.pad - c.K) / c.stride + 1;
  std::mt19937_64 rng(uint64_t(c.C * 131 + c.M * 7 + c.K));
  auto val = [&] { return int8_t(int(rng() % 255) - 127); };
  std::vector<int8_t> glb(size_t(c.H * c.W * c.C + c.K * c.K * c.C * c.M));
  for (int8_t& v : glb) v = val();
  auto in = [&](int y, int x, int ch) { return int32_t(glb[size_t((y * c.W + x) * c.C + ch)]); };
  auto wt = [&](int ky, int kx, int ch, int n) {
    return int32_t(glb[size_t(c.H * c.W * c.C + ((ky * c.K + kx) * c.C + ch) * c.M + n)]);
  };

  ArraySpec as;
  as.rows = c.rows;
  as.cols = c.cols;
  as.dataflow = Dataflow::kRowStationary;
  PeSpec ps;
  ps.weight_rf_entries = 224;
  ps.weight_buffers = c.weight_buffers;
  ps.input_rf_entries = 12;
  ps.psum_rf_entries = 24;
  StatGroup root(nullptr, "top");
  Link<Beat> in_link("in", 2), filter_link("filter", 2);
  RsArray array(as, ps, in_link, filter_link, root);

  const std::vector<RsMap> passes = PassesOf(c);
  std::vector<Beat> fbeats, ibeats;
  std::vector<int64_t> beats_per_pass;  // SumBeats each pass sends
  for (const RsMap& m : passes) {
    const std::vector<Beat> f = BeatsOf(StreamKind::kRsFilter, m, glb);
    const std::vector<Beat> i = BeatsOf(StreamKind::kRsInput, m, glb);
    fbeats.insert(fbeats.end(), f.begin(), f.end());
    ibeats.insert(ibeats.end(), i.begin(), i.end());
    beats_per_pass.push_back(int64_t(ho) * wo);
  }
  std::vector<int32_t> got(size_t(ho * wo * c.M), 0);
  size_t pass = 0, fi = 0, ii = 0, ci = 0;
  int64_t in_pass = 0;
  Cycle now = 0;
  for (; now < 2000000 && pass < passes.size(); ++now) {
    if (ci < passes.size() && array.cmd().CanPush()) {
      ArrayCmd a;
      a.dataflow = Dataflow::kRowStationary;
      a.rs = passes[ci++];
      array.cmd().Push(a);
    }
    if (fi < fbeats.size() && filter_link.CanPush() && rng() % 3 != 0)
      filter_link.Push(fbeats[fi++]);
    if (ii < ibeats.size() && in_link.CanPush() && rng() % 3 != 0) in_link.Push(ibeats[ii++]);
    array.Tick(now);
    if (array.out().CanPop() && rng() % 2 == 0) {
      const SumBeat s = array.out().Pop();
      const RsMap& m = passes[pass];
      ASSERT_EQ(s.v.size(), size_t(m.channels())) << "pass " << pass;
      for (size_t k = 0; k < s.v.size(); ++k) got[size_t(s.pixel) * c.M + m.n0 + k] += s.v[k];
      if (++in_pass == beats_per_pass[pass]) {
        ++pass;
        in_pass = 0;
      }
    }
    in_link.Commit();
    filter_link.Commit();
    array.cmd().Commit();
    array.out().Commit();
  }
  ASSERT_EQ(pass, passes.size()) << "the array stalled: " << array.DebugState();
  EXPECT_EQ(fi, fbeats.size());
  EXPECT_EQ(ii, ibeats.size());
  for (int oy = 0; oy < ho; ++oy)
    for (int ox = 0; ox < wo; ++ox)
      for (int n = 0; n < c.M; ++n) {
        int32_t want = 0;
        for (int ky = 0; ky < c.K; ++ky)
          for (int kx = 0; kx < c.K; ++kx)
            for (int ch = 0; ch < c.C; ++ch) {
              const int y = oy * c.stride - c.pad + ky, x = ox * c.stride - c.pad + kx;
              if (y >= 0 && y < c.H && x >= 0 && x < c.W) want += in(y, x, ch) * wt(ky, kx, ch, n);
            }
        ASSERT_EQ(got[size_t((oy * wo + ox) * c.M + n)], want)
            << "output (" << oy << ", " << ox << ") filter " << n;
      }
  // Every MAC of the layer, padding zeros included, once.
  EXPECT_EQ(array.macs(), uint64_t(ho) * wo * c.M * c.C * c.K * c.K);
}

INSTANTIATE_TEST_SUITE_P(
    Folding, RsArrayConv,
    ::testing::Values(
        // what, rows, cols, C, H, W, M, K, stride, pad, q, p, buffers
        Case{"one set, fits", 3, 4, 1, 6, 7, 2, 3, 1, 0, 1, 2, 1},
        Case{"R < rows: 4 channel sets stacked, ragged last", 12, 14, 7, 8, 9, 5, 3, 1, 1, 2, 3, 2},
        Case{"E > cols: 3 strips, last one shorter", 4, 5, 2, 14, 6, 3, 3, 1, 0, 2, 2, 1},
        Case{"E < cols: 3 filter groups side by side", 6, 12, 3, 6, 6, 9, 3, 1, 1, 1, 2, 2},
        Case{"R > rows: filter rows fold over 3 passes", 2, 6, 3, 9, 9, 4, 5, 1, 2, 2, 2, 2},
        Case{"stride 2 with padding", 5, 7, 2, 11, 11, 3, 3, 2, 1, 2, 3, 1},
        Case{"stride 4, kernel 5, diagonals with gaps", 5, 4, 1, 17, 17, 2, 5, 4, 2, 1, 2, 2},
        Case{"1x1 (linear) over many channels and filters", 12, 14, 50, 1, 1, 40, 1, 1, 0, 12, 9,
             2}),
    [](const ::testing::TestParamInfo<Case>& i) { return "case" + std::to_string(i.index); });

// An unstalled pass: 3 PE rows, one column, S = 3, q = p = 1, F = 3 (a 3x5 map), one weight
// bank, every beat offered as soon as the link takes it, the sink always ready. The pass is
// accepted in tick 0; its 3 filter beats are taken in ticks 1-3, so pixel 0 computes in ticks
// 4-6 (S * q * p = 3 MAC steps; its 3 input columns were taken in ticks 1-3). Its psum leaves
// the bottom row in tick 7 (psum RF write registered), reaches row 1 in 8 and the top in 9,
// and the SumBeat is pushed in tick 10 = 2 * S*q*p + rows + 1. Pixels 1 and 2 compute in 7-9
// and 10-12 (their columns arrived in ticks 4 and 5), so they leave in 13 and 16.
TEST(RsArrayTiming, UnstalledPassLeavesWhenTheStructureSays) {
  ArraySpec as;
  as.rows = 3;
  as.cols = 1;
  as.dataflow = Dataflow::kRowStationary;
  PeSpec ps;
  ps.weight_rf_entries = 224;
  ps.weight_buffers = 1;
  ps.input_rf_entries = 12;
  ps.psum_rf_entries = 24;
  StatGroup root(nullptr, "top");
  Link<Beat> in("in", 2), filter("filter", 2);
  RsArray array(as, ps, in, filter, root);
  RsMap m;
  m.S = 3;
  m.rc = 3;
  m.e = 1;
  m.rows_out = 1;
  m.F = 3;
  m.c_tile = 1;
  m.n_tile = 1;
  m.h = 3;
  m.w = 5;
  ArrayCmd a;
  a.dataflow = Dataflow::kRowStationary;
  a.rs = m;
  array.cmd().Push(a);
  array.cmd().Commit();
  std::vector<Cycle> pushed;
  int fsent = 0, isent = 0;
  for (Cycle now = 0; now < 100 && pushed.size() < 3; ++now) {
    if (fsent < 3 && filter.CanPush()) {
      filter.Push(Beat{{1, 1, 1}});
      ++fsent;
    }
    if (isent < 5 && in.CanPush()) {
      in.Push(Beat{{1, 1, 1, 1, 1}});  // 5 diagonals
      ++isent;
    }
    array.Tick(now);
    in.Commit();
    filter.Commit();
    array.out().Commit();
    if (array.out().CanPop()) {
      const SumBeat s = array.out().Pop();
      EXPECT_EQ(s.v, std::vector<int32_t>{9}) << "3 rows x 3 taps of 1 x 1";
      pushed.push_back(now);
    }
    array.out().Commit();
  }
  EXPECT_EQ(pushed, (std::vector<Cycle>{10, 13, 16}));
  EXPECT_EQ(array.macs(), 27u);  // 3 pixels x 3 rows x 3 taps
}

}  // namespace
}  // namespace cssim
