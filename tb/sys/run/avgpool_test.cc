// Average pooling (layers[].type: avgpool) on the vector unit: read and written back, run
// bit-exact against the reference over int8 and int32 maps (the output check compares every
// element), a following ReLU absorbed, both clock loops agreeing, and a window that does not fit
// refused.
#include <gtest/gtest.h>

#include "model/config/config.h"
#include "model/ref/ref.h"
#include "model/top/run.h"
#include "tb/common/clock_loops.h"
#include "tb/common/input_error.h"
#include "tb/common/temp_file.h"

namespace cssim {
namespace {

// p1 averages int32 sums (a's output), p2 int8 values after the requant, with a ReLU absorbed
// and overlapping 3x3 windows.
constexpr const char* kNet = R"(name: avg
input: {channels: 8, height: 12, width: 12}
layers:
  - {name: a, type: conv, out_channels: 16, kernel: 3, pad: 1}
  - {name: p1, type: avgpool, size: 2}
  - {name: q, type: requant, shift: 7}
  - {name: p2, type: avgpool, size: 3, stride: 1}
  - {name: r, type: relu}
  - {name: fc, type: linear, out_features: 10}
)";

TEST(AvgPool, ShapesTypesAndWriteBack) {
  const Workload w = LoadWorkload(WriteTemp("net.yaml", kNet));
  ASSERT_EQ(w.layers.size(), 6u);
  EXPECT_EQ(w.layers[1].kind, LayerKind::kAvgPool);
  EXPECT_EQ(w.layers[1].out, (Shape{16, 6, 6}));
  EXPECT_EQ(w.layers[1].out_type, ElemType::kInt32);  // keeps its input's type
  EXPECT_EQ(w.layers[3].out, (Shape{16, 4, 4}));
  EXPECT_EQ(w.layers[3].out_type, ElemType::kInt8);
  const Workload back = LoadWorkload(WriteTemp("back.yaml", ToYaml(w)));
  for (size_t i = 0; i < w.layers.size(); ++i) {
    EXPECT_EQ(back.layers[i].kind, w.layers[i].kind) << i;
    EXPECT_EQ(back.layers[i].pool_size, w.layers[i].pool_size) << i;
    EXPECT_EQ(back.layers[i].pool_stride, w.layers[i].pool_stride) << i;
  }
}

TEST(AvgPool, RunsBitExactOnTheVectorUnit) {
  const Workload w = LoadWorkload(WriteTemp("net.yaml", kNet));
  const EnergyTable table = LoadEnergyTable("45nm");
  for (const char* arch : {"default", "scalesim-32x32"}) {
    RunOptions o;
    o.kernel = Kernel::kDirect;
    const RunResult r = cssim::Run(LoadArch(arch), w, table, o);  // throws on a mismatch
    EXPECT_EQ(r.output_check, "bit-exact") << arch;
    ASSERT_EQ(r.layers.size(), 5u) << arch;  // a, p1, q (a lone requant), p2+r, fc
    EXPECT_EQ(r.layers[3].name, "p2+r") << arch;
  }
}

TEST(AvgPool, BothClockLoopsAgree) {
  ExpectClockLoopsAgree(LoadWorkload(WriteTemp("net.yaml", kNet)));
}

TEST(AvgPool, AWindowLargerThanTheMapIsRefused) {
  const std::string file = WriteTemp("net.yaml",
                                     "name: x\ninput: {channels: 1, height: 4, width: 4}\n"
                                     "layers:\n  - {name: p, type: avgpool, size: 5}\n");
  EXPECT_EQ(InputErrorOf([&] { LoadWorkload(file); }),
            file + ": layers[0].size: 5 does not fit the 4x4 input");
}

}  // namespace
}  // namespace cssim
