// Residual connections: layers[].type: add (its input plus an earlier layer's output, saturated)
// and layers[].from (a layer reads an earlier layer's output instead of the previous one's).
// Read and written back, the referenced outputs stored (no op absorbs past them), run bit-exact
// in every mode (the output check compares every layer's output with the reference), both
// clock loops agreeing, and bad references refused in one line.
#include <gtest/gtest.h>

#include "model/compile/compile.h"
#include "model/config/config.h"
#include "model/ref/ref.h"
#include "model/top/run.h"
#include "tb/common/clock_loops.h"
#include "tb/common/input_error.h"
#include "tb/common/temp_file.h"

namespace cssim {
namespace {

// A ResNet basic block and a strided shortcut branch: sum adds b's requantised output to r1 and
// absorbs its ReLU; down reads r1 again (from) instead of the previous layer's output, and fc
// reads r2 (from) instead of down's.
constexpr const char* kNet = R"(name: res
input: {channels: 8, height: 10, width: 10}
layers:
  - {name: a, type: conv, out_channels: 16, kernel: 3, pad: 1}
  - {name: qa, type: requant, shift: 8}
  - {name: r1, type: relu}
  - {name: b, type: conv, out_channels: 16, kernel: 3, pad: 1}
  - {name: qb, type: requant, shift: 9}
  - {name: sum, type: add, with: r1}
  - {name: r2, type: relu}
  - {name: down, type: conv, from: r1, out_channels: 8, kernel: 1, stride: 2, pad: 0}
  - {name: qd, type: requant, shift: 6}
  - {name: fc, type: linear, from: r2, out_features: 10}
)";

TEST(Residual, ReferencesResolveAndWriteBack) {
  const Workload w = LoadWorkload(WriteTemp("net.yaml", kNet));
  ASSERT_EQ(w.layers.size(), 10u);
  EXPECT_EQ(w.layers[5].kind, LayerKind::kAdd);
  EXPECT_EQ(w.layers[5].with, 2);
  EXPECT_EQ(w.layers[5].out, (Shape{16, 10, 10}));
  EXPECT_EQ(w.layers[7].from, 2);
  EXPECT_EQ(w.layers[7].in, (Shape{16, 10, 10}));
  EXPECT_EQ(w.layers[7].out, (Shape{8, 5, 5}));
  EXPECT_EQ(w.layers[9].from, 6);
  EXPECT_EQ(w.layers[9].macs(), 10 * 16 * 10 * 10);
  const Workload back = LoadWorkload(WriteTemp("back.yaml", ToYaml(w)));
  for (size_t i = 0; i < w.layers.size(); ++i) {
    EXPECT_EQ(back.layers[i].from, w.layers[i].from) << i;
    EXPECT_EQ(back.layers[i].with, w.layers[i].with) << i;
    EXPECT_EQ(back.layers[i].out, w.layers[i].out) << i;
  }
}

TEST(Residual, ReadOutputsAreStoredByTheirOwnOps) {
  const Workload w = LoadWorkload(WriteTemp("net.yaml", kNet));
  const Program p = Compile(LoadArch("default"), w, Mode::kDense);
  std::vector<std::string> names;
  for (const Op& op : p.ops) names.push_back(op.name);
  // r1 and r2 are read later: each ends an op (they are last in theirs here).
  EXPECT_EQ(names, (std::vector<std::string>{"a+qa+r1", "b+qb", "sum+r2", "down+qd", "fc"}));
  EXPECT_EQ(p.ops[2].with_addr, p.ops[0].out_addr);  // sum adds r1
  EXPECT_EQ(p.ops[3].in_addr, p.ops[0].out_addr);    // down reads r1
  EXPECT_EQ(p.ops[4].in_addr, p.ops[2].out_addr);    // fc reads r2
}

TEST(Residual, RunsBitExactInEveryMode) {
  const Workload w = LoadWorkload(WriteTemp("net.yaml", kNet));
  const EnergyTable table = LoadEnergyTable("45nm");
  for (const char* arch : {"default", "scalesim-32x32"}) {
    for (Mode mode : {Mode::kDense, Mode::kSparseDense, Mode::kSparseSparse}) {
      RunOptions o;
      o.mode = mode;
      o.kernel = Kernel::kDirect;
      const RunResult r = cssim::Run(LoadArch(arch), w, table, o);  // throws on a mismatch
      EXPECT_EQ(r.output_check, "bit-exact") << arch << " " << ModeName(mode);
      EXPECT_EQ(r.layers.size(), 5u) << arch << " " << ModeName(mode);
    }
  }
}

TEST(Residual, BothClockLoopsAgree) {
  ExpectClockLoopsAgree(LoadWorkload(WriteTemp("net.yaml", kNet)));
}

TEST(Residual, TheAddSaturates) {
  Layer l;
  l.name = "s";
  l.kind = LayerKind::kAdd;
  l.in = l.out = {1, 1, 4};
  EXPECT_EQ(RefAdd(l, {100, -100, 5, 127}, {100, -100, -7, 0}),
            (std::vector<int32_t>{127, -128, -2, 127}));
  l.in_type = l.out_type = ElemType::kInt32;
  EXPECT_EQ(RefAdd(l, {100, -100, 2147483647, -2147483647}, {100, -100, 1, -5}),
            (std::vector<int32_t>{200, -200, 2147483647, -2147483647 - 1}));
}

std::string ErrorOf(const std::string& layers) {
  return InputErrorOf([&] {
    LoadWorkload(WriteTemp("bad.yaml",
                           "name: x\ninput: {channels: 2, height: 4, width: 4}\nlayers:\n"
                           "  - {name: a, type: relu}\n" +
                               layers));
  });
}

TEST(Residual, BadReferencesAreOneLine) {
  const std::string f = WriteTemp("bad.yaml", "");
  EXPECT_EQ(ErrorOf("  - {name: s, type: add, with: nope}\n"),
            f + ": layers[1].with: 'nope' is not an earlier layer; allowed: the name of a layer "
                "listed before this one");
  EXPECT_EQ(ErrorOf("  - {name: s, type: add, with: s}\n"),
            f + ": layers[1].with: 's' is not an earlier layer; allowed: the name of a layer "
                "listed before this one");
  EXPECT_EQ(ErrorOf("  - {name: p, type: maxpool, size: 2}\n  - {name: s, type: add, with: a}\n"),
            f + ": layers[2].with: 'a' gives 2x4x4 int8, the input is 2x2x2 int8; allowed: a "
                "layer whose output has the input's shape and type");
  EXPECT_EQ(ErrorOf("  - {name: r, type: relu, from: a, input: {channels: 2, height: 4, width: "
                    "4}}\n"),
            f + ": layers[1].from: given together with input; allowed: either input or from");
  EXPECT_NE(ErrorOf("  - {name: s, type: add}\n").find("layers[1].with"), std::string::npos);
  EXPECT_NE(ErrorOf("  - {name: r, type: relu, with: a}\n").find("layers[1].with"),
            std::string::npos);
}

}  // namespace
}  // namespace cssim
