// ONNX import on Debian's libonnx-testdata models (pytorch-converted): each either imports with
// the shapes and MAC counts the ONNX graph itself implies (its declared output dims and its
// initializer dims, read here with the protobuf API, not through the importer) or is refused
// with the expected one-line error. Skips visibly where the package is missing.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "model/base/error.h"
#include "model/config/config.h"
#include "tb/common/input_error.h"

namespace cssim {
namespace {

const std::string kData = "/usr/share/libonnx-testdata/data/pytorch-converted/";

onnx::ModelProto Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  onnx::ModelProto m;
  EXPECT_TRUE(m.ParseFromIstream(&in)) << path;
  return m;
}

// Output elements per sample times the fan-in of the one Conv/Gemm/MatMul node, from the
// graph's own declarations.
int64_t GraphMacs(const onnx::ModelProto& m) {
  const onnx::GraphProto& g = m.graph();
  std::map<std::string, std::vector<int64_t>> init;
  for (const auto& t : g.initializer()) init[t.name()] = {t.dims().begin(), t.dims().end()};
  int64_t out = 1;
  const auto& od = g.output(0).type().tensor_type().shape().dim();
  for (int i = 1; i < od.size(); ++i) out *= od[i].dim_value();
  for (const auto& n : g.node()) {
    if (n.op_type() == "Conv") {
      const auto& w = init.at(n.input(1));
      return out * w[1] * w[2] * w[3];
    }
    if (n.op_type() == "Gemm" || n.op_type() == "MatMul") {
      const auto& in = g.input(0).type().tensor_type().shape().dim();
      return out * in[1].dim_value();
    }
  }
  return 0;
}

// The error line without its leading file name.
std::string ErrorOf(const std::string& path) {
  const std::string e = InputErrorOf([&] { LoadWorkload(path); });
  return e.size() < path.size() ? e : e.substr(path.size());
}

class OnnxTestdata : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(kData))
      GTEST_SKIP() << "libonnx-testdata is not installed (" << kData
                   << "): tools/setup installs it";
  }
};

TEST_F(OnnxTestdata, ModelsCssimRunsImportWithTheGraphsShapesAndMacs) {
  for (const std::string name : {"test_Conv2d", "test_Conv2d_no_bias", "test_Conv2d_padding",
                                 "test_Conv2d_strided", "test_Linear", "test_Linear_no_bias",
                                 "test_ReLU", "test_AvgPool2d", "test_AvgPool2d_stride"}) {
    const std::string path = kData + name + "/model.onnx";
    const onnx::ModelProto m = Read(path);
    const Workload w = LoadWorkload(path);
    ASSERT_FALSE(w.layers.empty()) << name;
    const auto& od = m.graph().output(0).type().tensor_type().shape().dim();
    const Shape out = w.layers.back().out;
    if (od.size() == 4) {
      EXPECT_EQ(out,
                (Shape{int(od[1].dim_value()), int(od[2].dim_value()), int(od[3].dim_value())}))
          << name;
    } else if (od.size() == 2) {
      EXPECT_EQ(out, (Shape{int(od[1].dim_value()), 1, 1})) << name;
    }
    EXPECT_EQ(w.macs(), GraphMacs(m)) << name;
  }
}

TEST_F(OnnxTestdata, WhatCssimCannotRunIsOneLineNamingTheNode) {
  const std::map<std::string, std::string> refused = {
      {"test_Conv2d_groups",
       ": graph.node[0] ('', Conv).group: 2: grouped convolution; allowed: 1 (cssim has no "
       "grouped or depth-wise conv yet)"},
      {"test_Conv2d_depthwise",
       ": graph.node[0] ('', Conv).group: 4: grouped convolution; allowed: 1 (cssim has no "
       "grouped or depth-wise conv yet)"},
      {"test_Conv2d_dilated",
       ": graph.node[0] ('', Conv).dilations: a dilated convolution; allowed: 1 (cssim's conv "
       "has no dilation)"},
      {"test_MaxPool2d",
       ": graph.node[0] ('', MaxPool).pads: padded; allowed: 0 (cssim's pools have no "
       "padding)"},
      {"test_LeakyReLU",
       ": graph.node[0] ('', LeakyRelu): op type 'LeakyRelu' is not supported; allowed: Conv, "
       "Gemm, MatMul, MaxPool, AveragePool, Relu, Add (of two data tensors of one shape), Flatten, "
       "Reshape, Transpose (of a weight)"},
  };
  for (const auto& [name, error] : refused)
    EXPECT_EQ(ErrorOf(kData + name + "/model.onnx"), error) << name;
}

TEST(Onnx, ABrokenFileIsOneLine) {
  const std::string path = ::testing::TempDir() + "/cssim_not_a_model.onnx";
  std::ofstream(path) << "not a protobuf \xff\xff\xff";
  EXPECT_EQ(ErrorOf(path), ": not an ONNX model (the protobuf does not parse)");
}

}  // namespace
}  // namespace cssim
