// Layers with their own input (workload key layers[].input): read, written back, generated
// from their own seed stream, and run bit-exact in every mode; both clock loops agree.
#include <gtest/gtest.h>

#include "model/base/error.h"
#include "model/config/config.h"
#include "model/ref/data.h"
#include "model/ref/ref.h"
#include "model/top/run.h"
#include "tb/common/clock_loops.h"
#include "tb/common/input_error.h"
#include "tb/common/temp_file.h"

namespace cssim {
namespace {

// Layer b reads its own 32x7x7 input (not a's 16x7x7 output), d its own 4x3x3 one; c is not
// absorbed by anything before it and is absorbed by b.
constexpr const char* kNet = R"(name: indep
input: {channels: 8, height: 9, width: 9}
layers:
  - {name: a, type: conv, out_channels: 16, kernel: 3, pad: 0}
  - {name: b, type: conv, input: {channels: 32, height: 7, width: 7}, out_channels: 24,
     kernel: 3, pad: 1, stride: 2}
  - {name: c, type: requant, shift: 8}
  - {name: d, type: linear, input: {channels: 4, height: 3, width: 3}, out_features: 10}
)";

std::string ErrorOf(const std::string& yaml) {
  return InputErrorOf([&] { LoadWorkload(WriteTemp("net.yaml", yaml)); });
}

TEST(OwnInput, ShapesComeFromTheKey) {
  const Workload w = LoadWorkload(WriteTemp("net.yaml", kNet));
  ASSERT_EQ(w.layers.size(), 4u);
  EXPECT_FALSE(w.layers[0].own_input);
  EXPECT_TRUE(w.layers[1].own_input);
  EXPECT_EQ(w.layers[1].in, (Shape{32, 7, 7}));
  EXPECT_EQ(w.layers[1].out, (Shape{24, 4, 4}));
  EXPECT_FALSE(w.layers[2].own_input);
  EXPECT_EQ(w.layers[2].in, (Shape{24, 4, 4}));
  EXPECT_TRUE(w.layers[3].own_input);
  EXPECT_EQ(w.layers[3].in_type, ElemType::kInt8);
  EXPECT_EQ(w.layers[3].macs(), 10 * 36);
  // Written back, it loads to the same layers.
  const Workload back = LoadWorkload(WriteTemp("back.yaml", ToYaml(w)));
  for (size_t i = 0; i < w.layers.size(); ++i) {
    EXPECT_EQ(back.layers[i].own_input, w.layers[i].own_input) << i;
    EXPECT_EQ(back.layers[i].in, w.layers[i].in) << i;
    EXPECT_EQ(back.layers[i].out, w.layers[i].out) << i;
  }
}

TEST(OwnInput, BadKeysAreRefused) {
  EXPECT_EQ(ErrorOf("name: x\ninput: {channels: 1, height: 4, width: 4}\nlayers:\n"
                    "  - {name: a, type: relu, input: {channels: 2, height: 4, width: 4}}\n"),
            WriteTemp("net.yaml", "") +
                ": layers[0].input: 2x4x4 differs from the workload input 1x4x4; allowed: the "
                "workload's input.* (layers[0] reads the network input)");
  EXPECT_NE(ErrorOf("name: x\ninput: {channels: 1, height: 4, width: 4}\nlayers:\n"
                    "  - {name: a, type: relu}\n"
                    "  - {name: b, type: relu, input: {channels: 2, height: 4}}\n")
                .find("layers[1].input.width"),
            std::string::npos);
  EXPECT_NE(ErrorOf("name: x\ninput: {channels: 1, height: 4, width: 4}\nlayers:\n"
                    "  - {name: a, type: relu}\n"
                    "  - {name: b, type: relu, input: {channels: 0, height: 4, width: 4}}\n")
                .find("layers[1].input.channels"),
            std::string::npos);
}

TEST(OwnInput, EachLayerHasItsOwnStream) {
  const Workload w = LoadWorkload(WriteTemp("net.yaml", kNet));
  const std::vector<int8_t> b = GenerateLayerInput(w, 1), d = GenerateLayerInput(w, 3);
  EXPECT_EQ(b.size(), 32u * 7 * 7);
  EXPECT_EQ(d.size(), 36u);
  EXPECT_EQ(GenerateLayerInput(w, 1), b);  // deterministic
  // Not the network input's stream, nor another layer's.
  const std::vector<int8_t> in = GenerateInput(w);
  EXPECT_FALSE(std::equal(d.begin(), d.end(), in.begin()));
  EXPECT_FALSE(std::equal(d.begin(), d.end(), b.begin()));
  EXPECT_THROW(GenerateLayerInput(w, 0), SimError);
  // The reference runs b on its own input.
  const auto ref = RefNetwork(w);
  const std::vector<int32_t> b_in(b.begin(), b.end());
  EXPECT_EQ(ref[1], RefLayer(w.layers[1], b_in, GenerateWeights(w, 1)));
}

TEST(OwnInput, RunsBitExactInEveryMode) {
  const Workload w = LoadWorkload(WriteTemp("net.yaml", kNet));
  const ArchSpec arch = LoadArch("default");
  const EnergyTable table = LoadEnergyTable("45nm");
  for (Mode mode : {Mode::kDense, Mode::kSparseDense, Mode::kSparseSparse}) {
    RunOptions o;
    o.mode = mode;
    o.kernel = Kernel::kDirect;
    const RunResult direct = cssim::Run(arch, w, table, o);  // throws SimError on a mismatch
    EXPECT_EQ(direct.output_check, "bit-exact") << ModeName(mode);
    EXPECT_EQ(direct.dense_macs, w.macs());
    ASSERT_EQ(direct.layers.size(), 3u);  // a, b+c, d
    EXPECT_EQ(direct.layers[1].name, "b+c");
  }
}

TEST(OwnInput, BothClockLoopsAgree) {
  ExpectClockLoopsAgree(LoadWorkload(WriteTemp("net.yaml", kNet)));
}

}  // namespace
}  // namespace cssim
