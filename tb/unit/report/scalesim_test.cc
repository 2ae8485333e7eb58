// SCALE-Sim v2's compute-cycle convention (model/report/scalesim.h) on layers worked out by
// hand. The same layers run through SCALE-Sim v2 itself (configs/scale.cfg with Dataflow os, ws
// and is; docs/import.md) gave exactly these Total Cycles and Mapping Efficiency figures.
#include "model/report/scalesim.h"

#include <gtest/gtest.h>

namespace cssim {
namespace {

// A conv layer with its shapes filled in as validation would.
Layer Conv(int c, int h, int w, int k, int stride, int filters) {
  Layer l;
  l.kind = LayerKind::kConv;
  l.in = {c, h, w};
  l.kernel_h = l.kernel_w = k;
  l.stride = stride;
  l.out_channels = filters;
  l.out = {filters, (h - k) / stride + 1, (w - k) / stride + 1};
  return l;
}

ArraySpec Array(Dataflow d) {
  ArraySpec a;
  a.rows = a.cols = 32;
  a.dataflow = d;
  a.topology = Topology::kSystolic;
  return a;
}

// GoogLeNet Inc5b 3x3 (SCALE-Sim's Googlenet.csv): 7x7x192, 3x3, 384 filters -> P = 25 pixels,
// K = 1728, N = 384.
TEST(ScaleSimConvention, Inc5bInEveryDataflow) {
  const Layer l = Conv(192, 7, 7, 3, 1, 384);
  // os: Sr = P = 25 (1 fold), Sc = N = 384 (12), T = K; a fold is K + R + C - 2 = 1790.
  ScaleSimLayer os = ScaleSimConvention(l, Array(Dataflow::kOutputStationary));
  EXPECT_TRUE(os.applies);
  EXPECT_EQ(os.row_folds * os.col_folds, 12);
  EXPECT_EQ(os.fold_cycles, 1790);
  EXPECT_EQ(os.compute_cycles, 12 * 1790 - 1);  // 21,479
  EXPECT_DOUBLE_EQ(os.mapping_efficiency, 25.0 / 32);
  // ws: Sr = K = 1728 (54 folds), Sc = N (12), T = P; a fold is 2R + C + P - 2 = 119.
  ScaleSimLayer ws = ScaleSimConvention(l, Array(Dataflow::kWeightStationary));
  EXPECT_EQ(ws.row_folds, 54);
  EXPECT_EQ(ws.col_folds, 12);
  EXPECT_EQ(ws.compute_cycles, 648 * 119 - 1);  // 77,111
  EXPECT_DOUBLE_EQ(ws.mapping_efficiency, 1.0);
  // is: Sr = K (54), Sc = P (1), T = N; a fold is 2R + C + N - 2 = 478.
  ScaleSimLayer is = ScaleSimConvention(l, Array(Dataflow::kInputStationary));
  EXPECT_EQ(is.compute_cycles, 54 * 478 - 1);  // 25,811
  EXPECT_DOUBLE_EQ(is.mapping_efficiency, 25.0 / 32);
}

// Two small convolutions with ragged folds: 6x6x5, 3x3, 40 filters (P = 16, K = 45) and 9x9x4,
// 3x3 stride 2, 20 filters (P = 16, K = 36).
TEST(ScaleSimConvention, SmallConvsWithRaggedFolds) {
  const Layer a = Conv(5, 6, 6, 3, 1, 40), b = Conv(4, 9, 9, 3, 2, 20);
  EXPECT_EQ(ScaleSimConvention(a, Array(Dataflow::kOutputStationary)).compute_cycles,
            2 * (45 + 62) - 1);  // 213
  // (16 x 32 + 16 x 8) / (2 x 1024)
  EXPECT_DOUBLE_EQ(ScaleSimConvention(a, Array(Dataflow::kOutputStationary)).mapping_efficiency,
                   640.0 / 2048);
  EXPECT_EQ(ScaleSimConvention(a, Array(Dataflow::kWeightStationary)).compute_cycles,
            4 * (96 + 16 - 2) - 1);  // 439
  // (32 x 32 + 32 x 8 + 13 x 32 + 13 x 8) / (4 x 1024)
  EXPECT_DOUBLE_EQ(ScaleSimConvention(a, Array(Dataflow::kWeightStationary)).mapping_efficiency,
                   1800.0 / 4096);
  EXPECT_EQ(ScaleSimConvention(a, Array(Dataflow::kInputStationary)).compute_cycles,
            2 * (96 + 40 - 2) - 1);  // 267
  EXPECT_EQ(ScaleSimConvention(b, Array(Dataflow::kOutputStationary)).compute_cycles,
            36 + 62 - 1);  // 97
  EXPECT_EQ(ScaleSimConvention(b, Array(Dataflow::kWeightStationary)).compute_cycles,
            2 * (96 + 16 - 2) - 1);  // 219
  EXPECT_EQ(ScaleSimConvention(b, Array(Dataflow::kInputStationary)).compute_cycles,
            2 * (96 + 20 - 2) - 1);  // 227
}

// SCALE-Sim's output size is ceil((H - R + S) / S): GoogLeNet's Conv1 (224x224x3, 7x7 stride
// 2, 64 filters) is 110 x 110 for it (cssim's valid conv: 109 x 109). SCALE-Sim v2 reported
// 158,421 cycles for it on scale.cfg.
TEST(ScaleSimConvention, OutputSizeAsScaleSimComputesIt) {
  const Layer l = Conv(3, 224, 224, 7, 2, 64);
  EXPECT_EQ(l.out.h, 109);
  const ScaleSimLayer os = ScaleSimConvention(l, Array(Dataflow::kOutputStationary));
  EXPECT_EQ(os.sr, 110 * 110);
  EXPECT_EQ(os.compute_cycles, 379 * 2 * (147 + 62) - 1);  // ceil(12100 / 32) x 2 folds
  EXPECT_EQ(os.compute_cycles, 158421);
}

// A GEMM (a linear layer: M = 1 pixel, K = fan-in, N = out features) and the layers it skips.
TEST(ScaleSimConvention, LinearAndLayersWithoutMacs) {
  Layer fc;
  fc.kind = LayerKind::kLinear;
  fc.in = {64, 1, 1};
  fc.out_channels = 100;
  fc.kernel_h = fc.kernel_w = 1;
  fc.out = {100, 1, 1};
  const ScaleSimLayer os = ScaleSimConvention(fc, Array(Dataflow::kOutputStationary));
  EXPECT_EQ(os.sr, 1);
  EXPECT_EQ(os.sc, 100);
  EXPECT_EQ(os.t, 64);
  EXPECT_EQ(os.compute_cycles, 4 * (64 + 62) - 1);
  Layer pool;
  pool.kind = LayerKind::kMaxPool;
  EXPECT_FALSE(ScaleSimConvention(pool, Array(Dataflow::kOutputStationary)).applies);
  ArraySpec rs = Array(Dataflow::kRowStationary);
  rs.topology = Topology::kMulticast;
  EXPECT_FALSE(ScaleSimConvention(Conv(5, 6, 6, 3, 1, 40), rs).applies);
}

}  // namespace
}  // namespace cssim
