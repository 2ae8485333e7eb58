// SCALE-Sim topology CSVs and configs, and Timeloop problem files, through the importers and
// the workload/arch checks: shapes, MACs, the translated keys, and one exact error per mistake.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "model/base/error.h"
#include "model/config/config.h"
#include "tb/common/input_error.h"
#include "tb/common/temp_file.h"

namespace cssim {
namespace {

std::string ErrorOf(const std::function<void()>& load) { return InputErrorOf(load); }

constexpr const char* kConvHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
    "Strides,\n";

TEST(ScaleSimTopology, ConvRowsAreIndependentLayers) {
  const std::string f = WriteTemp("net.csv", std::string(kConvHeader) +
                                                 "Conv1 ,224 ,224 ,11 ,11 ,3 ,96 ,4 ,\r\n"
                                                 "\n"
                                                 "Conv2, 27, 27, 5, 3, 96, 256, 1,\n");
  const Workload w = LoadWorkload(f);
  EXPECT_EQ(w.name, "net");
  EXPECT_EQ(w.input, (Shape{3, 224, 224}));
  ASSERT_EQ(w.layers.size(), 2u);
  EXPECT_FALSE(w.layers[0].own_input);
  EXPECT_EQ(w.layers[0].out, (Shape{96, 54, 54}));
  EXPECT_EQ(w.layers[0].stride, 4);
  EXPECT_TRUE(w.layers[1].own_input);  // its IFMAP, not Conv1's output
  EXPECT_EQ(w.layers[1].in, (Shape{96, 27, 27}));
  EXPECT_EQ(w.layers[1].kernel_h, 5);
  EXPECT_EQ(w.layers[1].kernel_w, 3);
  EXPECT_EQ(w.layers[1].out, (Shape{256, 23, 25}));
  EXPECT_EQ(w.layers[1].macs(), int64_t(256) * 23 * 25 * 96 * 5 * 3);
}

TEST(ScaleSimTopology, GemmRowsAreMTimesKTimesN) {
  const std::string f =
      WriteTemp("gemm.csv", "Layer Name, M, N, K,\nTest 1, 128, 64, 256,\nQKT,1024,1024,64\n");
  const Workload w = LoadWorkload(f);
  ASSERT_EQ(w.layers.size(), 2u);
  EXPECT_EQ(w.input, (Shape{1, 128, 256}));
  EXPECT_EQ(w.layers[0].out, (Shape{64, 128, 1}));
  EXPECT_EQ(w.layers[0].macs(), int64_t(128) * 64 * 256);
  EXPECT_EQ(w.layers[1].macs(), int64_t(1024) * 1024 * 64);
}

TEST(ScaleSimTopology, MistakesNameLineAndColumn) {
  const auto error = [](const std::string& body) {
    const std::string f = WriteTemp("bad.csv", body);
    return ErrorOf([&] { LoadWorkload(f); }).substr(f.size());
  };
  EXPECT_EQ(error(std::string(kConvHeader) + "C1, 7, 7, 3, 3, 192, x, 1,\n"),
            ": line 2 (Num Filter): 'x' is not a whole number; allowed: integer 1..2147483647");
  EXPECT_EQ(error(std::string(kConvHeader) + "C1, 7, 7, 3, 3, 192, 1,\n"),
            ": line 2: 7 fields, the header has 8; allowed: one value per column: Layer name, "
            "IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
            "Strides");
  EXPECT_EQ(error(std::string(kConvHeader) + "C1, 7, 7, 9, 3, 192, 4, 1,\n"),
            ": line 2 (Filter Height): 9 exceeds the IFMAP Height 7; allowed: 1..7 (SCALE-Sim's "
            "IFMAP is already padded)");
  EXPECT_EQ(
      error(std::string(kConvHeader) + "C1, 7, 7, 3, 3, 1, 4, 1,\nC1, 7, 7, 3, 3, 1, 4, 1,\n"),
      ": line 3 (Layer name): duplicate layer name 'C1'; allowed: a name used once");
  EXPECT_EQ(error(std::string(kConvHeader) + "C1, 7, 7, 3, 3, 0, 4, 1,\n"),
            ": line 2 (Channels): '0' is not a whole number; allowed: integer 1..2147483647");
  EXPECT_EQ(error("\n\n"),
            ": no header line; allowed: a SCALE-Sim topology: 'Layer name, IFMAP Height, IFMAP "
            "Width, Filter Height, Filter Width, Channels, Num Filter, Strides,' or 'Layer, M, N, "
            "K,'");
  EXPECT_EQ(error(std::string(kConvHeader)), ": no layer rows after the header");
  EXPECT_EQ(error("a, b\n1, 2\n").substr(0, 25), ": line 1: unknown header ");
}

TEST(ScaleSimConfig, TheBundledConfigBecomesASystolicArch) {
  const std::string f = WriteTemp("scale.cfg",
                                  "[general]\nrun_name = scale_example_run_32x32_os\n\n"
                                  "[architecture_presets]\nArrayHeight:    32\nArrayWidth:     16\n"
                                  "IfmapSramSzkB:   64 \nFilterSramSzkB:  64 \nOfmapSramSzkB:   "
                                  "63 \nIfmapOffset:    0\nFilterOffset:   10000000\n"
                                  "OfmapOffset:    20000000\nBandwidth : 10\nDataflow : ws\n"
                                  "MemoryBanks:   1\n\n[run_presets]\nInterfaceBandwidth: CALC \n");
  const ArchSpec a = LoadArch(f);
  EXPECT_EQ(a.name, "scale_example_run_32x32_os");
  EXPECT_EQ(a.array.rows, 32);
  EXPECT_EQ(a.array.cols, 16);
  EXPECT_EQ(a.array.topology, Topology::kSystolic);
  EXPECT_EQ(a.array.dataflow, Dataflow::kWeightStationary);
  EXPECT_EQ(a.glb.size_kib, 192);  // 191 rounded up to whole 2 KiB rows
  EXPECT_EQ(a.source, f);
}

TEST(ScaleSimConfig, MistakesNameTheKey) {
  const auto error = [](const std::string& body) {
    const std::string f = WriteTemp("bad.cfg", body);
    return ErrorOf([&] { LoadArch(f); }).substr(f.size());
  };
  const std::string base =
      "[architecture_presets]\nArrayHeight: 8\nArrayWidth: 8\nIfmapSramSzkB: 8\n"
      "FilterSramSzkB: 8\nOfmapSramSzkB: 8\n";
  EXPECT_EQ(error(base + "Dataflow: rs\n"),
            ": architecture_presets.Dataflow: unknown value 'rs'; allowed: os | ws | is");
  EXPECT_EQ(error(base), ": architecture_presets.Dataflow: missing required key");
  EXPECT_EQ(error(base + "Dataflow: os\nFilterOffset: -5\n"),
            ": architecture_presets.FilterOffset: '-5' is not a whole number; allowed: integer "
            "1..2147483647");
  EXPECT_EQ(error("ArrayHeight: 8\n"), ": line 1: expected 'key: value' inside a [section]");
  EXPECT_EQ(error(base + "ArrayHeight: 9\nDataflow: os\n"),
            ": architecture_presets.arrayheight: duplicate key");
}

constexpr const char* kProblem = R"(problem:
  shape:
    name: CNN-Layer
    dimensions: [C, M, R, S, N, P, Q]
  instance:
    C: 3
    M: 96
    R: 11
    S: 11
    N: 1
    P: 55
    Q: 55
    Wstride: 4
    Hstride: 4
    Wdilation: 1
    Hdilation: 1
)";

TEST(TimeloopProblem, OneProblemIsOneConvLayer) {
  const Workload w = LoadWorkload(WriteTemp("conv1.yaml", kProblem));
  EXPECT_EQ(w.name, "conv1");
  EXPECT_EQ(w.input, (Shape{3, 227, 227}));  // (55 - 1) * 4 + 11
  ASSERT_EQ(w.layers.size(), 1u);
  EXPECT_EQ(w.layers[0].out, (Shape{96, 55, 55}));
  EXPECT_EQ(w.layers[0].macs(), int64_t(96) * 55 * 55 * 3 * 11 * 11);
}

TEST(TimeloopProblem, AWorkloadListsSeveral) {
  WriteTemp("conv1.yaml", kProblem);
  WriteTemp("conv2.yaml",
            "problem:\n  instance: {C: 96, M: 256, R: 5, S: 3, N: 1, P: 27, Q: 25}\n");
  const Workload w = LoadWorkload(WriteTemp(
      "net.yaml", "name: two\nlayers:\n  - {timeloop: conv1.yaml}\n  - {timeloop: conv2.yaml}\n"));
  ASSERT_EQ(w.layers.size(), 2u);
  EXPECT_EQ(w.input, (Shape{3, 227, 227}));
  EXPECT_TRUE(w.layers[1].own_input);
  EXPECT_EQ(w.layers[1].in, (Shape{96, 27, 31}));  // H = 24 + 3, W = 26 + 5
  EXPECT_EQ(w.layers[1].kernel_h, 3);
  EXPECT_EQ(w.layers[1].kernel_w, 5);
  EXPECT_EQ(w.layers[1].out, (Shape{256, 25, 27}));
}

TEST(TimeloopProblem, WhatCssimCannotRunIsRefused) {
  const auto error = [](const std::string& instance) {
    const std::string f = WriteTemp("p.yaml", "problem:\n  instance: {" + instance + "}\n");
    return ErrorOf([&] { LoadWorkload(f); }).substr(f.size());
  };
  const std::string dims = "C: 3, M: 8, R: 3, S: 3, P: 4, Q: 4";
  EXPECT_EQ(error(dims + ", N: 2"), ": problem.instance.N: 2: cssim runs one sample; allowed: 1");
  EXPECT_EQ(error(dims + ", Wdilation: 2"),
            ": problem.instance.Wdilation: 2: cssim's conv has no dilation; allowed: 1");
  EXPECT_EQ(error(dims + ", Wstride: 2, Hstride: 1"),
            ": problem.instance.Hstride: 1 differs from Wstride 2: cssim's conv has one stride; "
            "allowed: equal to Wstride");
  EXPECT_EQ(error("C: 3, M: 8, R: 3, S: 3, P: 4"), ": problem.instance.Q: missing required key");
  EXPECT_EQ(error(dims + ", N: x"),
            ": problem.instance.N: 'x' is not a number; allowed: integer 1..2147483647");
}

}  // namespace
}  // namespace cssim
