// ONNX graphs with branches, built here with the protobuf API: a ResNet-style block whose
// shortcut is a 1x1 conv (a node reading an earlier node's output: layers[].from) and an Add of
// the two branches (layers[].with), imported with their shapes and run bit-exact; an Add cssim
// cannot run (a constant, the graph input, an unknown tensor) is one line naming the node.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <fstream>
#include <string>

#include "model/base/error.h"
#include "model/config/config.h"
#include "model/top/run.h"
#include "tb/common/input_error.h"

namespace cssim {
namespace {

void Dims(onnx::ValueInfoProto* v, const std::string& name, std::vector<int64_t> dims) {
  v->set_name(name);
  auto* shape = v->mutable_type()->mutable_tensor_type()->mutable_shape();
  v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
}

void Weight(onnx::GraphProto* g, const std::string& name, std::vector<int64_t> dims) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
}

onnx::NodeProto* Node(onnx::GraphProto* g, const std::string& op, std::vector<std::string> in,
                      const std::string& out, int pad = -1) {
  onnx::NodeProto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(out);
  for (const std::string& s : in) n->add_input(s);
  n->add_output(out);
  if (pad >= 0) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name("pads");
    a->set_type(onnx::AttributeProto::INTS);
    for (int i = 0; i < 4; ++i) a->add_ints(pad);
  }
  return n;
}

// x 4x6x6 -> c1 (3x3, pad 1) -> r1 -> c2 (3x3, pad 1); c3 = 1x1 conv of r1 (the shortcut);
// s = c3 + c2 -> r2 -> flatten -> fc (10). `add_b` replaces the Add's second operand.
std::string Block(const std::string& name, const std::string& add_b = "c2") {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  g->set_name("block");
  Dims(g->add_input(), "x", {1, 4, 6, 6});
  Weight(g, "w1", {8, 4, 3, 3});
  Weight(g, "w2", {8, 8, 3, 3});
  Weight(g, "w3", {8, 8, 1, 1});
  Weight(g, "w4", {10, 288});
  Weight(g, "bias", {8, 6, 6});
  Node(g, "Conv", {"x", "w1"}, "c1", 1);
  Node(g, "Relu", {"c1"}, "r1");
  Node(g, "Conv", {"r1", "w2"}, "c2", 1);
  Node(g, "Conv", {"r1", "w3"}, "c3", 0);
  Node(g, "Add", {"c3", add_b}, "s");
  Node(g, "Relu", {"s"}, "r2");
  Node(g, "Flatten", {"r2"}, "f");
  onnx::NodeProto* fc = Node(g, "Gemm", {"f", "w4"}, "y");
  onnx::AttributeProto* tb = fc->add_attribute();
  tb->set_name("transB");
  tb->set_type(onnx::AttributeProto::INT);
  tb->set_i(1);
  Dims(g->add_output(), "y", {1, 10});
  const std::string path = ::testing::TempDir() + "/cssim_" + name + ".onnx";
  std::ofstream out(path, std::ios::binary);
  m.SerializeToOstream(&out);
  return path;
}

TEST(OnnxResidual, BranchesImportAsFromAndWith) {
  const Workload w = LoadWorkload(Block("block"));
  std::vector<std::string> layers;
  for (const Layer& l : w.layers) layers.push_back(l.name + ":" + LayerKindName(l.kind));
  // The requant before c2 makes r1 int8; c3 reads that (from requant0); the add sums the two
  // int32 convs.
  EXPECT_EQ(layers, (std::vector<std::string>{"c1:conv", "r1:relu", "requant0:requant", "c2:conv",
                                              "c3:conv", "s:add", "r2:relu", "requant1:requant",
                                              "y:linear"}));
  EXPECT_EQ(w.layers[4].from, 2);  // c3 reads requant0, not c2
  EXPECT_EQ(w.layers[5].with, 3);  // s = c3 + c2
  EXPECT_EQ(w.layers[5].in_type, ElemType::kInt32);
  EXPECT_EQ(w.layers.back().out, (Shape{10, 1, 1}));
  EXPECT_EQ(w.macs(), 8 * 36 * 36 + 8 * 36 * 72 + 8 * 36 * 8 + 10 * 288);
}

TEST(OnnxResidual, TheBlockRunsBitExact) {
  RunOptions o;
  o.kernel = Kernel::kDirect;
  const RunResult r =
      cssim::Run(LoadArch("default"), LoadWorkload(Block("run")), LoadEnergyTable("45nm"), o);
  EXPECT_EQ(r.output_check, "bit-exact");
}

// The error line without its leading file name.
std::string ErrorOf(const std::string& path) {
  const std::string e = InputErrorOf([&] { LoadWorkload(path); });
  return e.size() < path.size() ? e : e.substr(path.size());
}

TEST(OnnxResidual, AnAddCssimCannotRunIsOneLine) {
  EXPECT_EQ(ErrorOf(Block("bias", "bias")),
            ": graph.node[4] ('s', Add): adds the constant 'bias'; allowed: two data tensors (no "
            "bias adds)");
  EXPECT_EQ(ErrorOf(Block("input", "x")),
            ": graph.node[4] ('s', Add): adds 'x', not an earlier node's output; allowed: the "
            "outputs of two earlier nodes");
  EXPECT_EQ(ErrorOf(Block("nowhere", "ghost")),
            ": graph.node[4] ('s', Add): adds 'ghost', not an earlier node's output; allowed: the "
            "outputs of two earlier nodes");
}

}  // namespace
}  // namespace cssim
