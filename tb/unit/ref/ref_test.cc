// Unit tier: is the reference arithmetic right, is the seeded data reproducible, and does the
// built-in GSC network exercise the datapath (neither saturated nor all zero)?
#include "model/ref/ref.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/base/workload.h"
#include "model/ref/data.h"

namespace cssim {
namespace {

Layer MakeConv(const std::string& name, Shape in, Shape out, int kernel, int stride, int pad) {
  Layer l;
  l.name = name;
  l.kind = LayerKind::kConv;
  l.out_channels = out.c;
  l.kernel_h = l.kernel_w = kernel;
  l.stride = stride;
  l.pad = pad;
  l.in = in;
  l.out = out;
  l.in_type = ElemType::kInt8;
  l.out_type = ElemType::kInt32;
  return l;
}

Layer MakeLinear(const std::string& name, Shape in, int out_features) {
  Layer l;
  l.name = name;
  l.kind = LayerKind::kLinear;
  l.out_channels = out_features;
  l.in = in;
  l.out = {out_features, 1, 1};
  l.in_type = ElemType::kInt8;
  l.out_type = ElemType::kInt32;
  return l;
}

Layer MakePool(const std::string& name, Shape in, Shape out, int size, int stride) {
  Layer l;
  l.name = name;
  l.kind = LayerKind::kMaxPool;
  l.pool_size = size;
  l.pool_stride = stride;
  l.in = in;
  l.out = out;
  return l;
}

Layer MakeElementwise(const std::string& name, LayerKind kind, Shape shape, int shift = 0) {
  Layer l;
  l.name = name;
  l.kind = kind;
  l.shift = shift;
  l.in = l.out = shape;
  l.in_type = kind == LayerKind::kRequant ? ElemType::kInt32 : ElemType::kInt8;
  return l;
}

// gsc-dense built by hand, shapes from docs/background.md, section 3 (not shape inference), the
// shifts as in workloads/networks/gsc-dense.yaml (YamlMatchesHandBuiltGsc keeps them equal).
Workload HandBuiltGsc() {
  Workload w;
  w.name = "gsc-dense";
  w.source = "test";
  w.seed = 1;
  w.input = {1, 32, 32};
  const Shape c1{64, 28, 28}, p1{64, 14, 14}, c2{64, 10, 10}, p2{64, 5, 5};
  w.layers = {
      MakeConv("conv1", w.input, c1, 5, 1, 0),
      MakeElementwise("conv1_rq", LayerKind::kRequant, c1, 5),
      MakeElementwise("conv1_relu", LayerKind::kRelu, c1),
      MakePool("pool1", c1, p1, 2, 2),
      MakeConv("conv2", p1, c2, 5, 1, 0),
      MakeElementwise("conv2_rq", LayerKind::kRequant, c2, 8),
      MakeElementwise("conv2_relu", LayerKind::kRelu, c2),
      MakePool("pool2", c2, p2, 2, 2),
      MakeLinear("fc1", p2, 1000),
      MakeElementwise("fc1_rq", LayerKind::kRequant, {1000, 1, 1}, 8),
      MakeElementwise("fc1_relu", LayerKind::kRelu, {1000, 1, 1}),
      MakeLinear("fc2", {1000, 1, 1}, 12),
  };
  return w;
}

// ---- Requantize ----

TEST(Requantize, RoundsHalfUpAndShiftsArithmetically) {
  EXPECT_EQ(Requantize(4, 2), 1);    // 1.0
  EXPECT_EQ(Requantize(5, 2), 1);    // 1.25
  EXPECT_EQ(Requantize(6, 2), 2);    // 1.5 rounds up
  EXPECT_EQ(Requantize(5, 1), 3);    // 2.5 rounds up
  EXPECT_EQ(Requantize(-5, 1), -2);  // -2.5 rounds up (towards +inf)
  EXPECT_EQ(Requantize(-6, 2), -1);  // -1.5 rounds up
  EXPECT_EQ(Requantize(-7, 2), -2);  // -1.75
  EXPECT_EQ(Requantize(-1, 4), 0);   // -0.0625
  EXPECT_EQ(Requantize(-9, 4), -1);  // -0.5625: arithmetic shift floors, not truncates
}

TEST(Requantize, SaturatesToInt8) {
  EXPECT_EQ(Requantize(1000, 0), 127);
  EXPECT_EQ(Requantize(-1000, 0), -128);
  EXPECT_EQ(Requantize(127, 0), 127);
  EXPECT_EQ(Requantize(-128, 0), -128);
  EXPECT_EQ(Requantize(127 * 16 + 7, 4), 127);    // 127.44
  EXPECT_EQ(Requantize(127 * 16 + 8, 4), 127);    // 127.5 rounds to 128, clamps
  EXPECT_EQ(Requantize(-128 * 16 - 8, 4), -128);  // -128.5 rounds to -128
  EXPECT_EQ(Requantize(-128 * 16 - 9, 4), -128);  // -128.56 rounds to -129, clamps
}

TEST(Requantize, NoOverflowAtInt32Limits) {
  EXPECT_EQ(Requantize(std::numeric_limits<int32_t>::max(), 1), 127);
  EXPECT_EQ(Requantize(std::numeric_limits<int32_t>::max(), 31), 1);  // 0.99999 rounds to 1
  EXPECT_EQ(Requantize(std::numeric_limits<int32_t>::min(), 31), -1);
  EXPECT_EQ(Requantize(std::numeric_limits<int32_t>::min(), 0), -128);
}

// ---- RefLayer ----

TEST(RefLayer, ConvWithPadAndStride) {
  // 1x3x3 input 1..9, 3x3 kernel, pad 1, stride 2 -> 2x2.
  const Layer l = MakeConv("c", {1, 3, 3}, {2, 2, 2}, 3, 2, 1);
  const std::vector<int32_t> in{1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<int8_t> w(18, 0);
  for (int i = 0; i < 9; ++i) w[i] = 1;  // n0: box sum over the in-bounds part of the window
  w[9 + 1 * 3 + 1] = 1;                  // n1: centre (ky 1, kx 1) ...
  w[9 + 0 * 3 + 0] = -1;                 // ... minus top-left (ky 0, kx 0)
  const std::vector<int32_t> expected{12, 16, 24, 28,  // n0
                                      1,  3,  7,  4};  // n1: top-left is padding except at (1,1)
  EXPECT_EQ(RefLayer(l, in, w), expected);
}

TEST(RefLayer, ConvSumsChannelsAndUsesNckyKxLayout) {
  // 2x2x2 input, 1x2 kernel (kernel_h 1, kernel_w 2), no pad -> 1x2x1.
  Layer l = MakeConv("c", {2, 2, 2}, {1, 2, 1}, 1, 1, 0);
  l.kernel_w = 2;
  const std::vector<int32_t> in{1,  2,  3,  4,     // c0
                                10, 20, 30, -40};  // c1
  const std::vector<int8_t> w{1, -1,               // c0, kx 0..1
                              2, -1};              // c1
  // y0: 1 - 2 + 20 - 20 = -1; y1: 3 - 4 + 60 + 40 = 99.
  EXPECT_EQ(RefLayer(l, in, w), (std::vector<int32_t>{-1, 99}));
}

TEST(RefLayer, LinearFlattensCyx) {
  const Layer l = MakeLinear("fc", {2, 1, 2}, 2);
  const std::vector<int32_t> in{1, -2, 3, 4};
  const std::vector<int8_t> w{1, 1, 1,  1,   // n0
                              2, 0, -1, 3};  // n1
  EXPECT_EQ(RefLayer(l, in, w), (std::vector<int32_t>{6, 11}));
}

TEST(RefLayer, MaxPoolFloorsOutputAndKeepsNegatives) {
  // 1x4x5, 2x2 window, stride 2 -> 1x2x2: the last column is dropped.
  const Layer l = MakePool("p", {1, 4, 5}, {1, 2, 2}, 2, 2);
  const std::vector<int32_t> in{-9, -8, -7, -6, 100,  //
                                -5, -4, -3, -2, 100,  //
                                1,  2,  -1, -1, 100,  //
                                3,  0,  -1, 5,  100};
  EXPECT_EQ(RefLayer(l, in, {}), (std::vector<int32_t>{-4, -2, 3, 5}));
}

TEST(RefLayer, MaxPoolOverlappingWindows) {
  // 1x5x5 ramp, 3x3 window, stride 2 -> 2x2; each window's max is its bottom-right element.
  const Layer l = MakePool("p", {1, 5, 5}, {1, 2, 2}, 3, 2);
  std::vector<int32_t> in(25);
  for (int i = 0; i < 25; ++i) in[i] = i;
  EXPECT_EQ(RefLayer(l, in, {}), (std::vector<int32_t>{12, 14, 22, 24}));
}

TEST(RefLayer, AvgPoolRoundsTheMeanHalfUp) {
  // 1x4x4, 2x2 windows, stride 2: sums 10 (2.5 -> 3), -10 (-2.5 -> -2), 5 (1.25 -> 1) and
  // -7 (-1.75 -> -2); halves go towards +infinity, like the requantiser.
  Layer l = MakePool("p", {1, 4, 4}, {1, 2, 2}, 2, 2);
  l.kind = LayerKind::kAvgPool;
  const std::vector<int32_t> in{1,  2, -1, -2,  //
                                3,  4, -3, -4,  //
                                5,  0, -1, -1,  //
                                -1, 1, -2, -3};
  EXPECT_EQ(RefLayer(l, in, {}), (std::vector<int32_t>{3, -2, 1, -2}));
  // int32 sums beyond int32 (four of INT32_MAX) still average exactly.
  const int32_t big = std::numeric_limits<int32_t>::max();
  Layer q = MakePool("q", {1, 2, 2}, {1, 1, 1}, 2, 2);
  q.kind = LayerKind::kAvgPool;
  EXPECT_EQ(RefLayer(q, {big, big, big, big}, {}), std::vector<int32_t>{big});
}

TEST(RefLayer, Relu) {
  const Layer l = MakeElementwise("r", LayerKind::kRelu, {4, 1, 1});
  const std::vector<int32_t> in{-5, 0, 7, std::numeric_limits<int32_t>::min()};
  EXPECT_EQ(RefLayer(l, in, {}), (std::vector<int32_t>{0, 0, 7, 0}));
}

TEST(RefLayer, RequantAppliesRequantizeToEveryElement) {
  const Layer l = MakeElementwise("q", LayerKind::kRequant, {1, 2, 3}, 3);
  const std::vector<int32_t> in{-100000, -12, -4, 3, 4, 100000};
  EXPECT_EQ(RefLayer(l, in, {}), (std::vector<int32_t>{-128, -1, 0, 0, 1, 127}));
}

TEST(RefLayer, RejectsInconsistentCalls) {
  const Layer conv = MakeConv("c", {1, 3, 3}, {1, 1, 1}, 3, 1, 0);
  const std::vector<int32_t> in(9, 1);
  const std::vector<int8_t> w(9, 1);
  EXPECT_EQ(RefLayer(conv, in, w), std::vector<int32_t>{9});
  EXPECT_THROW(RefLayer(conv, std::vector<int32_t>(8, 1), w), SimError);  // input size
  EXPECT_THROW(RefLayer(conv, in, std::vector<int8_t>(8, 1)), SimError);  // weight count
  std::vector<int32_t> wide = in;
  wide[4] = 128;  // conv needs int8 input
  EXPECT_THROW(RefLayer(conv, wide, w), SimError);
  Layer bad_out = conv;
  bad_out.out = {1, 2, 2};  // the layer computes 1x1x1
  EXPECT_THROW(RefLayer(bad_out, in, w), SimError);
  const Layer too_big =
      MakeConv("c", {1, 3, 3}, {1, 1, 1}, 5, 2, 0);  // (3 - 5) / 2 + 1 == 1 in C++
  EXPECT_THROW(RefLayer(too_big, in, std::vector<int8_t>(25, 1)), SimError);
  const Layer relu = MakeElementwise("r", LayerKind::kRelu, {1, 3, 3});
  EXPECT_THROW(RefLayer(relu, in, w), SimError);  // no weights for relu
}

TEST(RefLayer, ThrowsWhenASumOverflowsInt32) {
  const int fan_in = (1 << 17) + 1;  // 131073 * 128 * 128 > 2^31 - 1
  const Layer l = MakeLinear("fc", {fan_in, 1, 1}, 1);
  EXPECT_THROW(RefLayer(l, std::vector<int32_t>(fan_in, -128), std::vector<int8_t>(fan_in, -128)),
               SimError);
}

// ---- Seeded data ----

TEST(Data, SplitMix64MatchesPublishedAlgorithm) {
  // First output of SplitMix64 from state 0 (Steele et al.; also Vigna's splitmix64.c).
  EXPECT_EQ(SplitMix64(0), 0xe220a8397b1dcdafULL);
}

TEST(Data, UniformIntCoversRangeEvenly) {
  std::mt19937_64 rng(42);
  const int kBins = 31, kDraws = 31 * 2000;
  std::vector<int> count(kBins, 0);
  for (int i = 0; i < kDraws; ++i) {
    const int64_t v = UniformInt(rng, -15, 15);
    ASSERT_GE(v, -15);
    ASSERT_LE(v, 15);
    ++count[size_t(v + 15)];
  }
  for (int c : count) {
    EXPECT_GT(c, 1800);  // 2000 expected; sigma ~44
    EXPECT_LT(c, 2200);
  }
  EXPECT_EQ(UniformInt(rng, 7, 7), 7);
  EXPECT_THROW(UniformInt(rng, 1, 0), SimError);
  // The full 64-bit range (span wraps to 0) must not divide by zero.
  UniformInt(rng, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
}

TEST(Data, GoldenValuesPinTheSeedFormula) {
  // Changing DataSeed, the generator or UniformInt changes every golden result downstream;
  // these values make such a change visible here first.
  Workload w;
  w.seed = 1;
  w.input = {1, 4, 4};
  w.layers = {MakeConv("c", {1, 4, 4}, {2, 3, 3}, 2, 1, 0)};
  EXPECT_EQ(DataSeed(1, 0), 0x5e41ab087439611eULL);
  EXPECT_EQ(GenerateInput(w), (std::vector<int8_t>{-58, 114, 54, 28, -61, 117, 14, -115, -88, -30,
                                                   -54, -50, 19, 5, -100, 110}));
  EXPECT_EQ(GenerateWeights(w, 0), (std::vector<int8_t>{-7, 0, -4, 13, 12, -1, 3, -2}));
}

TEST(Data, GeneratorsDrawExactlyWhatUniformIntDraws) {
  // The generators specialise UniformInt to their fixed ranges for speed: over many draws (and
  // so many rejections) they must still be UniformInt's sequence.
  Workload w;
  w.seed = 7;
  w.input = {16, 16, 16};
  w.layers = {MakeConv("c", {16, 16, 16}, {32, 3, 3}, 1, 1, 0)};
  std::mt19937_64 in_rng(DataSeed(7, 0));
  std::vector<int8_t> in(w.input.size());
  for (int8_t& x : in) x = int8_t(UniformInt(in_rng, kInputMin, kInputMax));
  EXPECT_EQ(GenerateInput(w), in);
  std::mt19937_64 w_rng(DataSeed(7, 1));
  std::vector<int8_t> weights(size_t(w.layers[0].weight_count()));
  for (int8_t& x : weights) x = int8_t(UniformInt(w_rng, kWeightMin, kWeightMax));
  EXPECT_EQ(GenerateWeights(w, 0), weights);
}

TEST(Data, InputDeterministicPerSeedAndInRange) {
  Workload a;
  a.input = {3, 32, 32};
  a.seed = 1;
  Workload b = a;
  b.seed = 2;
  const std::vector<int8_t> a1 = GenerateInput(a);
  ASSERT_EQ(a1.size(), 3u * 32 * 32);
  EXPECT_EQ(GenerateInput(a), a1);
  EXPECT_NE(GenerateInput(b), a1);
  // 3072 draws of 256 values: both ends of the int8 range occur.
  EXPECT_EQ(*std::min_element(a1.begin(), a1.end()), kInputMin);
  EXPECT_EQ(*std::max_element(a1.begin(), a1.end()), kInputMax);
}

TEST(Data, WeightsDeterministicPerSeedPerLayerAndInRange) {
  Workload w = HandBuiltGsc();
  const std::vector<int8_t> conv2 = GenerateWeights(w, 4);
  ASSERT_EQ(int64_t(conv2.size()), w.layers[4].weight_count());
  EXPECT_EQ(GenerateWeights(w, 4), conv2);
  EXPECT_EQ(*std::min_element(conv2.begin(), conv2.end()), kWeightMin);
  EXPECT_EQ(*std::max_element(conv2.begin(), conv2.end()), kWeightMax);
  // Each layer has its own stream: fc1's first weights are not conv2's.
  const std::vector<int8_t> fc1 = GenerateWeights(w, 8);
  EXPECT_NE(std::vector<int8_t>(fc1.begin(), fc1.begin() + 64),
            std::vector<int8_t>(conv2.begin(), conv2.begin() + 64));
  EXPECT_TRUE(GenerateWeights(w, 1).empty());  // requant has no weights
  EXPECT_THROW(GenerateWeights(w, w.layers.size()), SimError);
  w.seed = 2;
  EXPECT_NE(GenerateWeights(w, 4), conv2);
}

// ---- Workload accounting ----

TEST(Workload, LayerKindNames) {
  EXPECT_STREQ(LayerKindName(LayerKind::kConv), "conv");
  EXPECT_STREQ(LayerKindName(LayerKind::kLinear), "linear");
  EXPECT_STREQ(LayerKindName(LayerKind::kMaxPool), "maxpool");
  EXPECT_STREQ(LayerKindName(LayerKind::kRelu), "relu");
  EXPECT_STREQ(LayerKindName(LayerKind::kRequant), "requant");
}

TEST(Workload, GscDenseMacsAndWeightsMatchThePaper) {
  const Workload w = HandBuiltGsc();
  EXPECT_EQ(w.macs(), 13106400);
  EXPECT_EQ(w.layers[0].macs(), 1254400);
  EXPECT_EQ(w.layers[4].macs(), 10240000);
  EXPECT_EQ(w.layers[8].macs(), 1600000);
  EXPECT_EQ(w.layers[11].macs(), 12000);
  EXPECT_EQ(w.layers[0].weight_count(), 1600);
  EXPECT_EQ(w.layers[4].weight_count(), 102400);
  EXPECT_EQ(w.layers[8].weight_count(), 1600000);  // linear: kernel_h/w unused
  EXPECT_EQ(w.layers[11].weight_count(), 12000);
  for (size_t i : {1, 2, 3}) {
    EXPECT_EQ(w.layers[i].macs(), 0);
    EXPECT_EQ(w.layers[i].weight_count(), 0);
  }
}

TEST(Workload, ConvMacsCountStrideAndNonSquareKernel) {
  Layer l = MakeConv("c", {3, 8, 8}, {4, 4, 3}, 3, 2, 1);
  l.kernel_w = 5;  // 3x5 kernel: out w = (8 + 2 - 5) / 2 + 1 = 3
  EXPECT_EQ(l.macs(), 4 * 4 * 3 * 3 * 3 * 5);
  EXPECT_EQ(l.weight_count(), 4 * 3 * 3 * 5);
}

// ---- Built-in network data ----

// The saturation test below runs on HandBuiltGsc; this keeps it equal to the YAML file until
// the workload parser can load the file itself.
TEST(Networks, YamlMatchesHandBuiltGsc) {
  const YAML::Node doc =
      YAML::LoadFile(std::string(CSSIM_SOURCE_DIR) + "/workloads/networks/gsc-dense.yaml");
  const Workload w = HandBuiltGsc();
  EXPECT_EQ(doc["name"].as<std::string>(), w.name);
  EXPECT_EQ(doc["seed"].as<uint64_t>(), w.seed);
  EXPECT_EQ(doc["input"]["channels"].as<int>(), w.input.c);
  EXPECT_EQ(doc["input"]["height"].as<int>(), w.input.h);
  EXPECT_EQ(doc["input"]["width"].as<int>(), w.input.w);
  const YAML::Node layers = doc["layers"];
  ASSERT_EQ(layers.size(), w.layers.size());
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const Layer& l = w.layers[i];
    const YAML::Node y = layers[i];
    SCOPED_TRACE(l.name);
    EXPECT_EQ(y["name"].as<std::string>(), l.name);
    EXPECT_EQ(y["type"].as<std::string>(), LayerKindName(l.kind));
    switch (l.kind) {
      case LayerKind::kConv:
        EXPECT_EQ(y["out_channels"].as<int>(), l.out_channels);
        EXPECT_EQ(y["kernel"].as<int>(), l.kernel_h);
        EXPECT_EQ(y["stride"].as<int>(1), l.stride);
        EXPECT_EQ(y["pad"].as<int>(0), l.pad);
        break;
      case LayerKind::kLinear:
        EXPECT_EQ(y["out_features"].as<int>(), l.out_channels);
        break;
      case LayerKind::kMaxPool:
      case LayerKind::kAvgPool:
        EXPECT_EQ(y["size"].as<int>(), l.pool_size);
        EXPECT_EQ(y["stride"].as<int>(l.pool_size), l.pool_stride);
        break;
      case LayerKind::kRequant:
        EXPECT_EQ(y["shift"].as<int>(), l.shift);
        break;
      case LayerKind::kKwta:
        EXPECT_EQ(y["density"].as<double>(), l.density);
        break;
      case LayerKind::kRelu:
        break;
      case LayerKind::kAdd:
        EXPECT_EQ(y["with"].as<std::string>(), w.layers[size_t(l.with)].name);
        break;
    }
  }
}

TEST(Networks, GscDenseDataExercisesTheDatapath) {
  const Workload w = HandBuiltGsc();
  const std::vector<std::vector<int32_t>> out = RefNetwork(w);
  ASSERT_EQ(out.size(), w.layers.size());
  int requants = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    const Layer& l = w.layers[i];
    SCOPED_TRACE(l.name);
    ASSERT_EQ(int64_t(out[i].size()), l.out.size());
    if (l.kind != LayerKind::kRequant) continue;
    ++requants;
    int64_t saturated = 0, zeros = 0;
    for (int32_t v : out[i]) {
      ASSERT_GE(v, -128);
      ASSERT_LE(v, 127);
      saturated += v == -128 || v == 127;
      zeros += v == 0;
    }
    const double n = double(out[i].size());
    EXPECT_LT(saturated / n, 0.5);
    EXPECT_LT(zeros / n, 0.9);
  }
  EXPECT_EQ(requants, 3);
  // The int32 logits differ from each other (a dead network would give all zeros).
  const std::vector<int32_t>& logits = out.back();
  EXPECT_NE(*std::min_element(logits.begin(), logits.end()),
            *std::max_element(logits.begin(), logits.end()));
}

TEST(Networks, RefNetworkIsDeterministic) {
  Workload w = HandBuiltGsc();
  const std::vector<std::vector<int32_t>> first = RefNetwork(w);
  EXPECT_EQ(RefNetwork(w), first);
  w.seed = 2;
  EXPECT_NE(RefNetwork(w).back(), first.back());
}

}  // namespace
}  // namespace cssim
