#include "model/import/onnx.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <vector>

#include "model/base/error.h"

namespace cssim {
namespace {

constexpr const char* kSupported =
    "Conv, Gemm, MatMul, MaxPool, AveragePool, Relu, Add (of two data tensors of one shape), "
    "Flatten, Reshape, Transpose (of a weight)";

struct Tensor {
  int c = 0, h = 0, w = 0;
  bool int32 = false;  // a conv/linear sum that needs a requant before the next MAC layer
  int64_t fan_in = 0;  // of the layer that made it (for the requant shift)
};

class Importer {
 public:
  Importer(std::string file, const onnx::GraphProto& g) : file_(std::move(file)), g_(g) {}

  YAML::Node Run() {
    for (const onnx::TensorProto& t : g_.initializer())
      weights_[t.name()] = std::vector<int64_t>(t.dims().begin(), t.dims().end());
    const onnx::ValueInfoProto* in = nullptr;
    for (const onnx::ValueInfoProto& v : g_.input())
      if (!weights_.count(v.name())) {
        if (in)
          Fail("graph.input",
               "has more than one data input ('" + in->name() + "', '" + v.name() + "')",
               "one input tensor");
        in = &v;
      }
    if (!in) Fail("graph.input", "has no data input", "one input tensor");
    const std::vector<int64_t> d = Dims(*in, "graph.input");
    for (int64_t x : d)
      if (x < 1 || x > (int64_t(1) << 30))
        Fail("graph.input", "a dimension of " + std::to_string(x), "1..2^30");
    // [N, C, H, W], [N, C, L] or [N, F]; N is the batch: cssim runs one sample.
    if (d.size() == 4) cur_ = {int(d[1]), int(d[2]), int(d[3])};
    if (d.size() == 3) cur_ = {int(d[1]), 1, int(d[2])};
    if (d.size() == 2) cur_ = {int(d[1]), 1, 1};
    if (d.size() < 2 || d.size() > 4 || cur_.c < 1 || cur_.h < 1 || cur_.w < 1)
      Fail("graph.input",
           "shape of rank " + std::to_string(d.size()) + " with unknown or zero sizes",
           "[N, C, H, W], [N, C, L] or [N, F] with known sizes");
    cur_name_ = in->name();
    produced_[cur_name_] = {cur_, ""};
    YAML::Node doc;
    doc["name"] = g_.name().empty() ? Stem() : g_.name();
    doc["input"]["channels"] = cur_.c;
    doc["input"]["height"] = cur_.h;
    doc["input"]["width"] = cur_.w;
    for (int i = 0; i < g_.node_size(); ++i) Node(i, g_.node(i));
    if (layers_.size() == 0) Fail("graph", "has no node cssim runs", kSupported);
    CheckOutput();
    doc["layers"] = layers_;
    return doc;
  }

 private:
  [[noreturn]] void Fail(const std::string& where, const std::string& what,
                         const std::string& allowed = "") const {
    throw InputError(file_, where, what, allowed);
  }
  std::string Stem() const {
    std::string s = file_.substr(file_.find_last_of('/') + 1);
    return s.substr(0, s.rfind('.'));
  }
  std::vector<int64_t> Dims(const onnx::ValueInfoProto& v, const std::string& where) const {
    std::vector<int64_t> d;
    for (const auto& dim : v.type().tensor_type().shape().dim()) {
      if (!dim.has_dim_value())
        Fail(where, "'" + v.name() + "' has a symbolic size", "fixed sizes");
      d.push_back(dim.dim_value());
    }
    return d;
  }
  static const onnx::AttributeProto* Attr(const onnx::NodeProto& n, const std::string& name) {
    for (const onnx::AttributeProto& a : n.attribute())
      if (a.name() == name) return &a;
    return nullptr;
  }
  std::vector<int64_t> Ints(const onnx::NodeProto& n, const std::string& name,
                            std::vector<int64_t> fallback) const {
    const onnx::AttributeProto* a = Attr(n, name);
    return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : fallback;
  }
  int64_t Int(const onnx::NodeProto& n, const std::string& name, int64_t fallback) const {
    const onnx::AttributeProto* a = Attr(n, name);
    return a ? a->i() : fallback;
  }
  static bool AllEqual(const std::vector<int64_t>& v, int64_t x) {
    return std::all_of(v.begin(), v.end(), [x](int64_t e) { return e == x; });
  }
  // strides (>= 1) or pads (>= 0): one value for every dimension.
  int64_t One(const std::string& where, const std::vector<int64_t>& v, int64_t least,
              const std::string& what) const {
    if (v.empty() || v[0] < least || v[0] > (int64_t(1) << 30) || !AllEqual(v, v[0]))
      Fail(where, "unequal or out-of-range " + what,
           "one value >= " + std::to_string(least) + " for every side");
    return v[0];
  }
  // Weight dims: each 1 .. 2^30.
  void Positive(const std::string& where, const std::vector<int64_t>& d) const {
    for (int64_t x : d)
      if (x < 1 || x > (int64_t(1) << 30))
        Fail(where, "a weight dimension of " + std::to_string(x), "1..2^30");
  }

  // The node reads data tensor `name` (and, for a MAC layer, one weight): the previous node's
  // output, or an earlier one's, which the node's first layer then reads with `from`.
  void Select(const std::string& where, const std::string& name) {
    if (name == cur_name_) return;
    const auto it = produced_.find(name);
    if (it == produced_.end())
      Fail(where, "reads '" + name + "', which no earlier node produces",
           "the output of an earlier node (the graph in topological order)");
    if (it->second.layer.empty())
      Fail(where, "reads the graph input '" + name + "' after other nodes",
           "the graph input read by the first node only");
    cur_ = it->second.t;
    cur_name_ = name;
    from_ = it->second.layer;
  }
  // Appends a layer; the first after a Select of an earlier tensor reads it (from).
  void Append(YAML::Node l) {
    if (!from_.empty()) {
      YAML::Node ordered;
      for (const auto& kv : l) {
        ordered[kv.first.Scalar()] = kv.second;
        if (kv.first.Scalar() == "name") ordered["from"] = from_;
      }
      l = ordered;
      from_.clear();
    }
    last_layer_ = l["name"].Scalar();
    layers_.push_back(l);
  }
  const std::vector<int64_t>& Weight(const std::string& where, const std::string& name) const {
    const auto it = weights_.find(name);
    if (it == weights_.end())
      Fail(where, "weight '" + name + "' is not an initializer", "a constant weight");
    return it->second;
  }

  // A requant before a MAC layer or max-pool fed by an int32 sum: shift = ceil(log2(15 * fan
  // in)), so that a sum of fan_in products of int8 inputs and weights in [-15, 15]
  // (model/ref/data.h) lands in int8 when the inputs are of the order of 128.
  void ToInt8() {
    if (!cur_.int32) return;
    YAML::Node r;
    r["name"] = "requant" + std::to_string(requants_++);
    r["type"] = "requant";
    r["shift"] = std::min<int64_t>(31, int64_t(std::ceil(std::log2(15.0 * double(cur_.fan_in)))));
    Append(r);
    cur_.int32 = false;
    produced_[cur_name_] = {cur_, last_layer_};  // later readers take the int8 version
  }

  std::string Name(const onnx::NodeProto& n, int i) {
    std::string s = n.name().empty() ? n.op_type() + std::to_string(i) : n.name();
    while (!names_.insert(s).second) s += "_";
    return s;
  }

  void Node(int i, const onnx::NodeProto& n) {
    const std::string where =
        "graph.node[" + std::to_string(i) + "] ('" + n.name() + "', " + n.op_type() + ")";
    const std::string& op = n.op_type();
    if (n.output_size() != 1)
      Fail(where, std::to_string(n.output_size()) + " outputs", "one output tensor");
    if (op == "Transpose") {  // of a weight only (PyTorch's Linear without bias: x @ W^T)
      if (n.input_size() != 1 || !weights_.count(n.input(0)))
        Fail(where, "transposes a data tensor", "a Transpose of a constant weight");
      std::vector<int64_t> d = weights_.at(n.input(0));
      std::reverse(d.begin(), d.end());
      weights_[n.output(0)] = d;
      return;
    }
    if (n.input_size() < 1) Fail(where, "has no input", "a data tensor");
    if (op == "Add") {
      // The operand that is not the previous node's output (either may be) is added to it.
      if (n.input_size() != 2) Fail(where, std::to_string(n.input_size()) + " inputs", "2");
      const bool swap = n.input(1) == cur_name_;
      const std::string& mine = n.input(swap ? 1 : 0);
      const std::string& other = n.input(swap ? 0 : 1);
      for (const std::string& t : {mine, other})
        if (weights_.count(t))
          Fail(where, "adds the constant '" + t + "'", "two data tensors (no bias adds)");
      Select(where, mine);
      const auto it = produced_.find(other);
      if (it == produced_.end() || it->second.layer.empty() || other == cur_name_)
        Fail(where, "adds '" + other + "', not an earlier node's output",
             "the outputs of two earlier nodes");
      const Tensor& t = it->second.t;
      if (t.c != cur_.c || t.h != cur_.h || t.w != cur_.w)
        Fail(where,
             "operands of " + Text(cur_) + " and " + Text(t) + " (cssim's add does not broadcast)",
             "two tensors of one shape");
      if (t.int32 != cur_.int32) ToInt8();
      if (t.int32 != cur_.int32)
        Fail(where, "adds an int32 sum ('" + other + "') to an int8 tensor",
             "operands of one type (requantise the sum first)");
      YAML::Node l;
      l["name"] = Name(n, i);
      l["type"] = "add";
      l["with"] = it->second.layer;
      Append(l);
      Produce(n.output(0));
      return;
    }
    Select(where, n.input(0));
    YAML::Node l;
    if (op == "Conv") {
      const std::vector<int64_t>& w = Weight(where, n.input_size() > 1 ? n.input(1) : "");
      if (w.size() != 4) Fail(where, "a weight of rank " + std::to_string(w.size()), "rank 4");
      if (Int(n, "group", 1) != 1)
        Fail(where + ".group", std::to_string(Int(n, "group", 1)) + ": grouped convolution",
             "1 (cssim has no grouped or depth-wise conv yet)");
      if (!AllEqual(Ints(n, "dilations", {1}), 1))
        Fail(where + ".dilations", "a dilated convolution", "1 (cssim's conv has no dilation)");
      Positive(where, w);
      const int64_t stride = One(where + ".strides", Ints(n, "strides", {1}), 1, "strides");
      const int64_t pad = One(where + ".pads", Ints(n, "pads", {0}), 0, "pads");
      if (w[1] != cur_.c)
        Fail(where, "weight has " + std::to_string(w[1]) + " input channels, its input " +
                        std::to_string(cur_.c));
      ToInt8();
      l["type"] = "conv";
      l["out_channels"] = w[0];
      l["kernel_h"] = w[2];
      l["kernel_w"] = w[3];
      l["stride"] = stride;
      l["pad"] = pad;
      if (cur_.h + 2 * pad < w[2] || cur_.w + 2 * pad < w[3])
        Fail(where, "kernel larger than its padded input");
      const int64_t fan = int64_t(cur_.c) * w[2] * w[3];
      cur_ = {int(w[0]), int((cur_.h + 2 * pad - w[2]) / stride + 1),
              int((cur_.w + 2 * pad - w[3]) / stride + 1), true, fan};
    } else if (op == "Gemm" || op == "MatMul") {
      const std::vector<int64_t>& b = Weight(where, n.input_size() > 1 ? n.input(1) : "");
      if (b.size() != 2) Fail(where, "a weight of rank " + std::to_string(b.size()), "rank 2");
      Positive(where, b);
      if (op == "Gemm" && Int(n, "transA", 0) != 0)
        Fail(where + ".transA", "transposes the data", "0");
      const bool tb = op == "Gemm" && Int(n, "transB", 0) != 0;
      const int64_t k = tb ? b[1] : b[0], out = tb ? b[0] : b[1];
      const int64_t size = int64_t(cur_.c) * cur_.h * cur_.w;
      if (k != size)
        Fail(where, "weight takes " + std::to_string(k) + " inputs, its input has " +
                        std::to_string(size));
      ToInt8();
      l["type"] = "linear";
      l["out_features"] = out;
      cur_ = {int(out), 1, 1, true, size};
    } else if (op == "MaxPool" || op == "AveragePool") {
      const std::vector<int64_t> k = Ints(n, "kernel_shape", {});
      if (k.size() != 2 || k[0] != k[1]) Fail(where + ".kernel_shape", "not square", "k x k");
      Positive(where + ".kernel_shape", k);
      const int64_t stride = One(where + ".strides", Ints(n, "strides", {1}), 1, "strides");
      if (!AllEqual(Ints(n, "pads", {0}), 0))
        Fail(where + ".pads", "padded", "0 (cssim's pools have no padding)");
      if (k[0] > cur_.h || k[0] > cur_.w) Fail(where, "window larger than its input");
      if (!AllEqual(Ints(n, "dilations", {1}), 1) || Int(n, "ceil_mode", 0) != 0)
        Fail(where, "dilation or ceil_mode", "neither");
      ToInt8();
      l["type"] = op == "MaxPool" ? "maxpool" : "avgpool";
      l["size"] = k[0];
      l["stride"] = stride;
      cur_.h = int((cur_.h - k[0]) / stride + 1);
      cur_.w = int((cur_.w - k[0]) / stride + 1);
    } else if (op == "Relu") {
      l["type"] = "relu";
    } else if (op == "Flatten" || op == "Reshape") {
      // cssim's linear layer flattens its input (c, y, x) itself: nothing to run; the tensor
      // keeps its shape until a Gemm/MatMul takes all of it.
      if (!from_.empty()) Fail(where, "reshapes an earlier node's output", "the previous node's");
      Produce(n.output(0));
      return;
    } else {
      Fail(where, "op type '" + op + "' is not supported", kSupported);
    }
    l["name"] = Name(n, i);
    YAML::Node ordered;
    ordered["name"] = l["name"];
    for (const auto& kv : l)
      if (kv.first.Scalar() != "name") ordered[kv.first.Scalar()] = kv.second;
    Append(ordered);
    Produce(n.output(0));
  }

  // The current tensor is `name`, made by the last layer appended.
  void Produce(const std::string& name) {
    cur_name_ = name;
    produced_[name] = {cur_, last_layer_};
  }
  static std::string Text(const Tensor& t) {
    return std::to_string(t.c) + "x" + std::to_string(t.h) + "x" + std::to_string(t.w);
  }

  // The graph's declared output shape, when it has one, must be what cssim inferred.
  void CheckOutput() const {
    for (const onnx::ValueInfoProto& o : g_.output()) {
      if (o.name() != cur_name_) continue;
      std::vector<int64_t> d;
      for (const auto& dim : o.type().tensor_type().shape().dim()) {
        if (!dim.has_dim_value()) return;
        d.push_back(dim.dim_value());
      }
      std::vector<int64_t> want;
      if (d.size() == 4) want = {d[1], d[2], d[3]};
      if (d.size() == 3) want = {d[1], 1, d[2]};
      if (d.size() == 2) want = {d[1], 1, 1};
      if (!want.empty() && want != std::vector<int64_t>{cur_.c, cur_.h, cur_.w})
        Fail("graph.output", "declares " + std::to_string(want[0]) + "x" + std::to_string(want[1]) +
                                 "x" + std::to_string(want[2]) + ", cssim infers " +
                                 std::to_string(cur_.c) + "x" + std::to_string(cur_.h) + "x" +
                                 std::to_string(cur_.w));
    }
  }

  std::string file_;
  const onnx::GraphProto& g_;
  std::map<std::string, std::vector<int64_t>> weights_;  // initializer dims (and transposes)
  Tensor cur_;
  std::string cur_name_;
  // Every data tensor made so far: its shape and the layer that made it ("" for the graph
  // input), so that a later node can read it (from) or add it (with).
  struct Made {
    Tensor t;
    std::string layer;
  };
  std::map<std::string, Made> produced_;
  std::string from_;        // the next appended layer reads this layer's output
  std::string last_layer_;  // the name of the last layer appended
  YAML::Node layers_{YAML::NodeType::Sequence};
  std::set<std::string> names_;
  int requants_ = 0;
};

}  // namespace

YAML::Node ImportOnnx(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file, "", "cannot open file");
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&in))
    throw InputError(file, "", "not an ONNX model (the protobuf does not parse)");
  return Importer(file, model.graph()).Run();
}

}  // namespace cssim
