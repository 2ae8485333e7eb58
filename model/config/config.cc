#include "model/config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <set>
#include <type_traits>

#include "model/base/error.h"
#include "model/config/keys.h"
#include "model/config/params.h"
#include "model/import/onnx.h"
#include "model/import/scalesim.h"
#include "model/import/timeloop.h"

#ifndef CSSIM_SOURCE_DIR
#error "CSSIM_SOURCE_DIR must be defined by the build (the source tree root)"
#endif

namespace cssim {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxElements = int64_t(1) << 31;  // tensors are indexed with int

const char* KindDir(const std::string& kind) {
  if (kind == "arch") return "arch";
  if (kind == "workload") return "networks";
  if (kind == "energy") return "energy";
  if (kind == "chip") return "chip";
  throw SimError("unknown config kind '" + kind + "'");
}

bool EndsWith(const std::string& s, const std::string& ext) {
  return s.size() >= ext.size() && s.compare(s.size() - ext.size(), ext.size(), ext) == 0;
}

// A YAML file, or a file of another tool that cssim imports (docs/import.md).
bool IsFileName(const std::string& s) {
  return EndsWith(s, ".yaml") || EndsWith(s, ".yml") || EndsWith(s, ".csv") || EndsWith(s, ".cfg");
}

struct Input {
  std::string file;    // for messages and reading
  std::string source;  // the path, or "builtin:<name>"
};

Input Resolve(const std::string& kind, const std::string& name_or_path) {
  if (name_or_path.find('/') != std::string::npos || IsFileName(name_or_path))
    return {name_or_path, name_or_path};
  const std::vector<std::string> names = BuiltinNames(kind);
  if (std::find(names.begin(), names.end(), name_or_path) == names.end())
    throw InputError("", "--" + kind, "unknown built-in '" + name_or_path + "'",
                     Join(names, ", ") + " or a YAML file path");
  const std::string stem = DataDir() + "/" + KindDir(kind) + "/" + name_or_path;
  const std::string file = fs::exists(stem + ".yaml") ? stem + ".yaml" : stem + ".yml";
  return {file, "builtin:" + name_or_path};
}

// yaml-cpp counts lines and columns from 0; editors count from 1.
std::string Where(const YAML::Mark& mark) {
  if (mark.is_null()) return "";
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
}

YAML::Node ParseYaml(const std::string& file) {
  std::ifstream in(file);
  if (!fs::is_regular_file(file) || !in) throw InputError(file, "", "cannot open file");
  try {
    return YAML::Load(in);
  } catch (const YAML::Exception& e) {
    throw InputError(file, Where(e.mark), e.msg);
  }
}

// A workload's layers[] items `timeloop: FILE` (relative to the workload file) become the
// problem's conv layer; the first one also gives the workload its input if it has none.
void ExpandTimeloopLayers(YAML::Node& doc, const std::string& file) {
  if (!doc.IsMap() || !doc["layers"] || !doc["layers"].IsSequence()) return;
  YAML::Node layers = doc["layers"];
  for (size_t i = 0; i < layers.size(); ++i) {
    if (!layers[i].IsMap() || !layers[i]["timeloop"]) continue;
    const std::string path = "layers[" + std::to_string(i) + "].timeloop";
    if (layers[i].size() != 1 || !layers[i]["timeloop"].IsScalar())
      throw InputError(file, path, "a timeloop item holds only the problem file's path",
                       "{timeloop: path/to/problem.yaml}");
    fs::path problem = layers[i]["timeloop"].Scalar();
    if (problem.is_relative()) problem = fs::path(file).parent_path() / problem;
    if (!fs::is_regular_file(problem))
      throw InputError(file, path, "cannot open '" + problem.string() + "'");
    const YAML::Node root = ParseYaml(problem.string());
    if (!IsTimeloopProblem(root))
      throw InputError(problem.string(), "problem", "missing: not a Timeloop problem file");
    YAML::Node layer = TimeloopLayer(root, problem.string());
    if (i == 0 && !doc["input"]) doc["input"] = YAML::Clone(layer["input"]);
    layers[i] = layer;
  }
}

// A SCALE-Sim cfg: what it says, over the built-in scalesim-32x32 (the clock, buses, banks and
// DRAM SCALE-Sim has no keys for), the GLB rounded up to whole rows of that arch's banks.
YAML::Node ScaleSimArch(const std::string& file) {
  const YAML::Node cfg = ImportScaleSimConfig(file);
  YAML::Node doc = ParseYaml(Resolve("arch", "scalesim-32x32").file);
  doc["name"] = cfg["name"];
  for (const char* key : {"rows", "cols", "dataflow", "topology"})
    doc["array"][key] = cfg["array"][key];
  const int64_t row_bytes =
      doc["glb"]["banks"].as<int64_t>() * doc["glb"]["bank_width_bytes"].as<int64_t>();
  const int64_t row_kib = std::max<int64_t>(1, row_bytes / 1024);
  doc["glb"]["size_kib"] = (cfg["glb"]["size_kib"].as<int64_t>() + row_kib - 1) / row_kib * row_kib;
  return doc;
}

YAML::Node Parse(const std::string& file) {
  if (EndsWith(file, ".csv")) return ImportScaleSimTopology(file);
  if (EndsWith(file, ".cfg")) return ScaleSimArch(file);
  if (EndsWith(file, ".onnx")) return ImportOnnx(file);
  YAML::Node doc = ParseYaml(file);
  try {  // a yaml-cpp error while walking a Timeloop problem is bad input too
    if (IsTimeloopProblem(doc)) return ImportTimeloopProblem(doc, file);
    ExpandTimeloopLayers(doc, file);
  } catch (const YAML::Exception& e) {
    throw InputError(file, Where(e.mark), e.msg);
  }
  return doc;
}

// The bound keys come from the table (arch_keys.cc), which also holds the rules joining them.
ArchSpec ReadArch(const std::string& file, const YAML::Node& root) {
  ArchSpec a;
  ReadKeys(ParamReader(file, "arch", root, "", ""), "", ArchKeys(), a);
  return a;
}

LayerKind ParseLayerKind(const std::string& s) {
  for (LayerKind k : {LayerKind::kConv, LayerKind::kLinear, LayerKind::kMaxPool, LayerKind::kRelu,
                      LayerKind::kRequant, LayerKind::kKwta, LayerKind::kAvgPool, LayerKind::kAdd})
    if (s == LayerKindName(k)) return k;
  throw SimError("layer type '" + s + "' passed the schema but has no LayerKind");
}

std::string ShapeText(const Shape& s) {
  return std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
}

// Output size of a window of `k` sliding by `stride` over `in` padded by `pad` on both sides;
// the caller has checked that the window fits. May exceed an int for absurd padding.
int64_t WindowOut(int in, int k, int stride, int pad) {
  return (int64_t(in) + 2 * int64_t(pad) - k) / stride + 1;
}

// Whether a product of positive factors stays below kMaxElements, without overflowing: every
// partial product that gets multiplied is below 2^31, so no step exceeds 2^62.
bool ProductFits(std::initializer_list<int64_t> factors) {
  int64_t p = 1;
  for (int64_t f : factors) {
    if (f >= kMaxElements) return false;
    p *= f;
    if (p >= kMaxElements) return false;
  }
  return true;
}

// Reads one layer given the shape and type of its input, and infers its output. The layer
// table's bound keys (workload_keys.cc) are read after the type's own keys below.
Layer ReadLayer(const ParamReader& r, const Shape& in, ElemType in_type) {
  Layer l;
  l.name = r.String("name");
  const std::string type = r.String("type");
  r.CheckAppliesTo(type);
  l.kind = ParseLayerKind(type);
  l.in = in;
  l.in_type = in_type;
  const std::string input = std::to_string(in.h) + "x" + std::to_string(in.w) + " input";
  const std::string& layer_path = r.path();
  const auto need_int8 = [&]() {
    if (in_type != ElemType::kInt8)
      throw InputError(r.file(), layer_path, type + " needs int8 input; insert a requant layer");
  };

  int64_t out_h = in.h, out_w = in.w;  // checked to fit an int below
  switch (l.kind) {
    case LayerKind::kConv: {
      need_int8();
      l.out_channels = r.Int("out_channels");
      const bool square = r.Has("kernel");
      if (square && (r.Has("kernel_h") || r.Has("kernel_w")))
        r.Fail("kernel", "given together with kernel_h/kernel_w",
               "either kernel, or kernel_h and kernel_w");
      if (square) {
        l.kernel_h = l.kernel_w = r.Int("kernel");
      } else {
        const std::optional<int64_t> kh = r.OptInt("kernel_h"), kw = r.OptInt("kernel_w");
        if (!kh || !kw)
          r.Fail("kernel", "missing required key", "kernel, or kernel_h and kernel_w");
        l.kernel_h = *kh;
        l.kernel_w = *kw;
      }
      l.stride = r.OptInt("stride").value_or(1);
      l.pad = r.Int("pad");
      l.weight_density = r.Float("weight_density");
      const std::string kh_key = square ? "kernel" : "kernel_h";
      const std::string kw_key = square ? "kernel" : "kernel_w";
      if (l.pad >= l.kernel_h || l.pad >= l.kernel_w)
        r.Fail("pad",
               std::to_string(l.pad) + " is not less than the kernel (" +
                   std::to_string(l.kernel_h) + "x" + std::to_string(l.kernel_w) + ")",
               "0..kernel-1");
      const auto fit = [&](const std::string& key, int k, int dim) {
        if (k > int64_t(dim) + 2 * int64_t(l.pad))
          r.Fail(key, std::to_string(k) + " does not fit the " + input + " (pad " +
                          std::to_string(l.pad) + ")");
      };
      fit(kh_key, l.kernel_h, in.h);
      fit(kw_key, l.kernel_w, in.w);
      l.out.c = l.out_channels;
      out_h = WindowOut(in.h, l.kernel_h, l.stride, l.pad);
      out_w = WindowOut(in.w, l.kernel_w, l.stride, l.pad);
      l.out_type = ElemType::kInt32;
      break;
    }
    case LayerKind::kLinear:
      need_int8();
      l.out_channels = r.Int("out_features");
      l.weight_density = r.Float("weight_density");
      // The kernel of a linear layer is the whole input map.
      l.kernel_h = in.h;
      l.kernel_w = in.w;
      l.out.c = l.out_channels;
      out_h = out_w = 1;
      l.out_type = ElemType::kInt32;
      break;
    case LayerKind::kMaxPool:
    case LayerKind::kAvgPool: {
      l.pool_size = r.Int("size");
      l.pool_stride = r.OptInt("stride").value_or(l.pool_size);
      if (l.pool_size > in.h || l.pool_size > in.w)
        r.Fail("size", std::to_string(l.pool_size) + " does not fit the " + input);
      l.out.c = in.c;
      out_h = WindowOut(in.h, l.pool_size, l.pool_stride, 0);
      out_w = WindowOut(in.w, l.pool_size, l.pool_stride, 0);
      l.out_type = in_type;
      break;
    }
    case LayerKind::kRelu:
    case LayerKind::kAdd:  // `with` is checked by ReadWorkload, which knows the other layers
      l.out = in;
      l.out_type = in_type;
      break;
    case LayerKind::kKwta:
      need_int8();
      l.out = in;
      l.out_type = in_type;
      break;
    case LayerKind::kRequant:
      if (in_type != ElemType::kInt32)
        throw InputError(r.file(), layer_path,
                         "requant needs int32 input (the output of a conv or linear layer)");
      l.out = in;
      l.out_type = ElemType::kInt8;
      break;
  }
  ReadKeys(r, "layers[]", LayerKeys(), l, type);  // the bound keys of this type
  if (!ProductFits({l.out.c, out_h, out_w}))
    throw InputError(r.file(), layer_path,
                     "output " + std::to_string(l.out.c) + "x" + std::to_string(out_h) + "x" +
                         std::to_string(out_w) + " has 2^31 or more elements");
  l.out.h = int(out_h);
  l.out.w = int(out_w);
  const bool has_weights = l.kind == LayerKind::kConv || l.kind == LayerKind::kLinear;
  if (has_weights && !ProductFits({l.out_channels, in.c, l.kernel_h, l.kernel_w}))
    throw InputError(r.file(), layer_path, "has 2^31 or more weights");
  return l;
}

Workload ReadWorkload(const std::string& file, const YAML::Node& root) {
  Workload w;
  const ParamReader r(file, "workload", root, "", "");
  ReadKeys(r, "", WorkloadKeys(), w);
  if (!ProductFits({w.input.c, w.input.h, w.input.w}))
    throw InputError(file, "input", ShapeText(w.input) + " has 2^31 or more elements");

  const YAML::Node layers = r.Raw("layers");
  if (!layers.IsSequence()) r.Fail("layers", "expected a list of layers");
  if (layers.size() == 0) r.Fail("layers", "is empty", "at least one layer");
  Shape shape = w.input;
  ElemType type = ElemType::kInt8;
  std::map<std::string, size_t> index_of;
  for (size_t i = 0; i < layers.size(); ++i) {
    const std::string path = "layers[" + std::to_string(i) + "]";
    const ParamReader lr(file, "workload", layers[i], path, "layers[]");
    // A layer with its own input (layers[].input) does not read the previous layer's output.
    bool own = false;
    if (lr.Has("input")) {
      const ParamReader ir = lr.Map("input");
      const Shape s{int(ir.Int("channels")), int(ir.Int("height")), int(ir.Int("width"))};
      if (!ProductFits({s.c, s.h, s.w}))
        throw InputError(file, lr.Path("input"), ShapeText(s) + " has 2^31 or more elements");
      // The first layer reads the network input: its own input may only restate it.
      if (i == 0 && !(s == w.input))
        lr.Fail("input", ShapeText(s) + " differs from the workload input " + ShapeText(w.input),
                "the workload's input.* (layers[0] reads the network input)");
      own = i > 0;
      shape = s;
      type = ElemType::kInt8;
    }
    // A layer with `from` reads an earlier layer's output instead of the previous layer's.
    const auto earlier = [&](const std::string& key) {
      const std::string name = lr.String(key);
      const auto at = index_of.find(name);
      if (at == index_of.end())
        lr.Fail(key, "'" + name + "' is not an earlier layer",
                "the name of a layer listed before this one");
      return at->second;
    };
    int from = -1;
    if (lr.Has("from")) {
      if (own) lr.Fail("from", "given together with input", "either input or from");
      from = int(earlier("from"));
      shape = w.layers[size_t(from)].out;
      type = w.layers[size_t(from)].out_type;
    }
    Layer l = ReadLayer(lr, shape, type);
    l.own_input = own;
    l.from = from;
    if (l.kind == LayerKind::kAdd) {
      l.with = int(earlier("with"));
      const Layer& other = w.layers[size_t(l.with)];
      if (!(other.out == l.in) || other.out_type != l.in_type) {
        const auto text = [](const Shape& s, ElemType t) {
          return ShapeText(s) + (t == ElemType::kInt8 ? " int8" : " int32");
        };
        lr.Fail("with",
                "'" + other.name + "' gives " + text(other.out, other.out_type) +
                    ", the input is " + text(l.in, l.in_type),
                "a layer whose output has the input's shape and type");
      }
    }
    const auto [it, fresh] = index_of.emplace(l.name, i);
    if (!fresh)
      lr.Fail("name", "duplicate layer name '" + l.name + "' (also layers[" +
                          std::to_string(it->second) + "])");
    shape = l.out;
    type = l.out_type;
    w.layers.push_back(std::move(l));
  }
  return w;
}

EnergyTable ReadEnergyTable(const std::string& file, const YAML::Node& root) {
  EnergyTable t;
  const ParamReader r(file, "energy", root, "", "");
  ReadKeys(r, "", EnergyKeys(), t);
  const YAML::Node components = r.Raw("components");
  if (!components.IsMap()) r.Fail("components", "expected a map of components");
  std::set<std::string> seen;
  for (const auto& c : components) {
    const std::string component = c.first.Scalar();
    const std::string cpath = "components." + component;
    if (!seen.insert(component).second) throw InputError(file, cpath, "duplicate key");
    if (!c.second.IsMap() || c.second.size() == 0)
      throw InputError(file, cpath, "expected a map of actions");
    std::set<std::string> actions;
    for (const auto& a : c.second) {
      const std::string action = a.first.Scalar();
      const std::string apath = cpath + "." + action;
      if (!actions.insert(action).second) throw InputError(file, apath, "duplicate key");
      const ParamReader er(file, "energy", a.second, apath, "components.<component>.<action>");
      EnergyEntry& e = t.components[component][action];
      ReadKeys(er, "components.<component>.<action>", EnergyEntryKeys(), e);
      if (e.size_exponent != 0 && e.ref_size_bytes <= 0)
        er.Fail("ref_size_bytes", "must be > 0 when size_exponent is not 0", "number > 0");
    }
  }
  return t;
}

ChipSpec ReadChip(const std::string& file, const YAML::Node& root) {
  ChipSpec c;
  ReadKeys(ParamReader(file, "chip", root, "", ""), "", ChipKeys(), c);
  return c;
}

// Any yaml-cpp error while walking a parsed document still becomes a one-line InputError.
template <typename T>
T FromYaml(const YAML::Node& root, const std::string& file, const std::string& source,
           T (*read)(const std::string&, const YAML::Node&)) {
  try {
    T value = read(file, root);
    value.source = source;
    return value;
  } catch (const YAML::Exception& e) {
    throw InputError(file, Where(e.mark), e.msg);
  }
}

template <typename T>
T Load(const std::string& kind, const std::string& name_or_path,
       T (*read)(const std::string&, const YAML::Node&)) {
  const Input in = Resolve(kind, name_or_path);
  return FromYaml<T>(Parse(in.file), in.file, in.source, read);
}

// Flow maps keep one component per line, as the hand-written files do.
class FlowMap {
 public:
  explicit FlowMap(YAML::Emitter& out) : out_(out) { out_ << YAML::Flow << YAML::BeginMap; }
  ~FlowMap() { out_ << YAML::EndMap; }
  FlowMap& operator()(const std::string& key, const std::string& value) {
    out_ << YAML::Key << key << YAML::Value << value;
    return *this;
  }
  template <typename I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
  FlowMap& operator()(const std::string& key, I value) {
    out_ << YAML::Key << key << YAML::Value << value;
    return *this;
  }
  FlowMap& operator()(const std::string& key, double value) {
    out_ << YAML::Key << key << YAML::Value << FormatDouble(value);
    return *this;
  }

 private:
  YAML::Emitter& out_;
};

// The source comment, then the document's bound keys.
template <typename Spec>
void Begin(YAML::Emitter& out, const KeyTable<Spec>& table, const Spec& s) {
  out << YAML::Comment("resolved from " + s.source) << YAML::BeginMap;
  WriteKeys(out, "", table, s);
}

std::string End(YAML::Emitter& out) {
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace

std::string DataDir() {
  const char* env = std::getenv("CSSIM_DATA_DIR");
  return env && *env ? env : CSSIM_SOURCE_DIR "/workloads";
}

std::vector<std::string> BuiltinNames(const std::string& kind) {
  const fs::path dir = fs::path(DataDir()) / KindDir(kind);
  std::vector<std::string> names;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string file = e.path().filename().string();
    if (e.is_regular_file() && (EndsWith(file, ".yaml") || EndsWith(file, ".yml")))
      names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

ArchSpec LoadArch(const std::string& name_or_path) {
  return Load<ArchSpec>("arch", name_or_path, ReadArch);
}

Workload LoadWorkload(const std::string& name_or_path) {
  return Load<Workload>("workload", name_or_path, ReadWorkload);
}

EnergyTable LoadEnergyTable(const std::string& name_or_path) {
  return Load<EnergyTable>("energy", name_or_path, ReadEnergyTable);
}

std::string ToYaml(const ArchSpec& a) {
  YAML::Emitter out;
  Begin(out, ArchKeys(), a);
  return End(out);
}

std::string ToYaml(const Workload& w) {
  YAML::Emitter out;
  Begin(out, WorkloadKeys(), w);
  out << YAML::Key << "layers" << YAML::Value << YAML::BeginSeq;
  for (const Layer& l : w.layers) {
    {
      FlowMap m(out);
      m("name", l.name)("type", LayerKindName(l.kind));
      if (l.from >= 0) m("from", w.layers[size_t(l.from)].name);
      if (l.with >= 0) m("with", w.layers[size_t(l.with)].name);
      if (l.own_input) {
        out << YAML::Key << "input" << YAML::Value;
        FlowMap shape(out);
        shape("channels", l.in.c)("height", l.in.h)("width", l.in.w);
      }
      switch (l.kind) {
        case LayerKind::kConv:
          m("out_channels", l.out_channels);
          if (l.kernel_h == l.kernel_w)
            m("kernel", l.kernel_h);
          else
            m("kernel_h", l.kernel_h)("kernel_w", l.kernel_w);
          m("stride", l.stride)("pad", l.pad);
          if (l.sparse_weights()) m("weight_density", l.weight_density);
          break;
        case LayerKind::kLinear:
          m("out_features", l.out_channels);
          if (l.sparse_weights()) m("weight_density", l.weight_density);
          break;
        case LayerKind::kMaxPool:
        case LayerKind::kAvgPool:
          m("size", l.pool_size)("stride", l.pool_stride);
          break;
        case LayerKind::kKwta:
        case LayerKind::kRequant:
        case LayerKind::kRelu:
        case LayerKind::kAdd:
          break;
      }
      WriteKeys(out, "layers[]", LayerKeys(), l, LayerKindName(l.kind));  // after the above
    }
    const auto type = [](ElemType t) { return t == ElemType::kInt8 ? " int8" : " int32"; };
    out << YAML::Comment(ShapeText(l.in) + type(l.in_type) + " -> " + ShapeText(l.out) +
                         type(l.out_type));
  }
  out << YAML::EndSeq;
  return End(out);
}

std::string ToYaml(const EnergyTable& t) {
  YAML::Emitter out;
  Begin(out, EnergyKeys(), t);
  out << YAML::Key << "components" << YAML::Value << YAML::BeginMap;
  for (const auto& [component, actions] : t.components) {
    out << YAML::Key << component << YAML::Value << YAML::BeginMap;
    for (const auto& [action, e] : actions) {
      out << YAML::Key << action << YAML::Value << YAML::Flow << YAML::BeginMap;
      WriteKeys(out, "components.<component>.<action>", EnergyEntryKeys(), e);
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return End(out);
}

ConfigFile ResolveConfig(const std::string& kind, const std::string& name_or_path) {
  const Input in = Resolve(kind, name_or_path);
  return {in.file, in.source};
}

YAML::Node ParseConfig(const std::string& file) { return Parse(file); }

ArchSpec ArchFromYaml(const YAML::Node& root, const std::string& file, const std::string& source) {
  return FromYaml<ArchSpec>(root, file, source, ReadArch);
}

Workload WorkloadFromYaml(const YAML::Node& root, const std::string& file,
                          const std::string& source) {
  return FromYaml<Workload>(root, file, source, ReadWorkload);
}

EnergyTable EnergyTableFromYaml(const YAML::Node& root, const std::string& file,
                                const std::string& source) {
  return FromYaml<EnergyTable>(root, file, source, ReadEnergyTable);
}

ChipSpec LoadChip(const std::string& name_or_path) {
  return Load<ChipSpec>("chip", name_or_path, ReadChip);
}

std::string ToYaml(const ChipSpec& c) {
  YAML::Emitter out;
  Begin(out, ChipKeys(), c);
  return End(out);
}

}  // namespace cssim
