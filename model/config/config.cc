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
#include "model/config/params.h"
#include "model/dram/presets.h"

#ifndef CSSIM_SOURCE_DIR
#error "CSSIM_SOURCE_DIR must be defined by the build (the source tree root)"
#endif

namespace cssim {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxElements = int64_t(1) << 31;  // tensors are indexed with int

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) s += (i ? sep : "") + items[i];
  return s;
}

const char* KindDir(const std::string& kind) {
  if (kind == "arch") return "arch";
  if (kind == "workload") return "networks";
  if (kind == "energy") return "energy";
  if (kind == "chip") return "chip";
  throw SimError("unknown config kind '" + kind + "'");
}

bool IsYamlName(const std::string& s) {
  const auto ends = [&](const std::string& ext) {
    return s.size() >= ext.size() && s.compare(s.size() - ext.size(), ext.size(), ext) == 0;
  };
  return ends(".yaml") || ends(".yml");
}

struct Input {
  std::string file;    // for messages and reading
  std::string source;  // the path, or "builtin:<name>"
};

Input Resolve(const std::string& kind, const std::string& name_or_path) {
  if (name_or_path.find('/') != std::string::npos || IsYamlName(name_or_path))
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

YAML::Node Parse(const std::string& file) {
  std::ifstream in(file);
  if (!fs::is_regular_file(file) || !in) throw InputError(file, "", "cannot open file");
  try {
    return YAML::Load(in);
  } catch (const YAML::Exception& e) {
    throw InputError(file, Where(e.mark), e.msg);
  }
}

Dataflow ParseDataflow(const std::string& s) {
  // The schema has already checked the word against the enum's choices.
  return s == "os" ? Dataflow::kOutputStationary : Dataflow::kWeightStationary;
}

// A double-bufferable weight register file (pe or cs): every buffer needs an entry.
void ReadWeightRf(const ParamReader& r, const std::string& section, int* entries, int* buffers) {
  *entries = int(r.Int("weight_rf_entries"));
  *buffers = int(r.Int("weight_buffers"));
  if (*entries < *buffers)
    r.Fail(
        "weight_rf_entries",
        std::to_string(*entries) + " entries cannot form " + std::to_string(*buffers) + " buffers",
        ">= " + section + ".weight_buffers");
}

ArchSpec ReadArch(const std::string& file, const YAML::Node& root) {
  // Int() values are range-checked against the schema, whose int ranges all fit an int.
  ArchSpec a;
  const ParamReader r(file, "arch", root, "", "");
  a.name = r.String("name");
  a.clock_mhz = r.Float("clock_mhz");

  const ParamReader array = r.Map("array");
  a.array.rows = array.Int("rows");
  a.array.cols = array.Int("cols");
  a.array.dataflow = ParseDataflow(array.String("dataflow"));

  const ParamReader pe = r.Map("pe");
  ReadWeightRf(pe, "pe", &a.pe.weight_rf_entries, &a.pe.weight_buffers);
  a.pe.input_rf_entries = pe.Int("input_rf_entries");
  a.pe.psum_rf_entries = pe.Int("psum_rf_entries");

  const ParamReader glb = r.Map("glb");
  a.glb.size_kib = glb.Int("size_kib");
  a.glb.banks = glb.Int("banks");
  a.glb.bank_width_bytes = glb.Int("bank_width_bytes");
  // Every bank has the same number of rows, so the capacity must split evenly.
  const int64_t row_bytes = int64_t(a.glb.banks) * a.glb.bank_width_bytes;
  if (int64_t(a.glb.size_kib) * 1024 % row_bytes != 0)
    glb.Fail("size_kib",
             std::to_string(a.glb.size_kib) + " KiB does not divide into " +
                 std::to_string(a.glb.banks) + " banks of " +
                 std::to_string(a.glb.bank_width_bytes) + "-byte rows",
             "a multiple of banks x bank_width_bytes bytes");

  const ParamReader noc = r.Map("noc");
  a.noc.input_bus_bytes = noc.Int("input_bus_bytes");
  a.noc.weight_bus_bytes = noc.Int("weight_bus_bytes");
  a.noc.output_bus_bytes = noc.Int("output_bus_bytes");
  a.noc.latency_cycles = noc.Int("latency_cycles");

  a.dma.max_outstanding = r.Map("dma").Int("max_outstanding");
  a.ppu.lanes = r.Map("ppu").Int("lanes");

  const ParamReader cs = r.Map("cs");
  a.cs.lanes = cs.Int("lanes");
  a.cs.engines = cs.Int("engines");
  a.cs.max_n = cs.Int("max_n");
  ReadWeightRf(cs, "cs", &a.cs.weight_rf_entries, &a.cs.weight_buffers);
  a.cs.route_latency_cycles = cs.Int("route_latency_cycles");
  a.cs.adder_latency_cycles = cs.Int("adder_latency_cycles");
  a.cs.accumulators = cs.Int("accumulators");
  a.cs.ss_glb_words = cs.Int("ss_glb_words");
  const ParamReader kwta = r.Map("kwta");
  a.kwta.lanes = kwta.Int("lanes");
  a.kwta.scan_bins_per_cycle = kwta.Int("scan_bins_per_cycle");

  // The preset fills every field; keys given next to it override single fields.
  const ParamReader dram = r.Map("dram");
  a.dram = DramPreset(dram.String("preset"));
  a.dram.preset = dram.String("preset");
  const auto set = [&](const char* key, int& field) {
    if (std::optional<int64_t> v = dram.OptInt(key)) field = int(*v);
  };
  set("channels", a.dram.channels);
  set("banks_per_channel", a.dram.banks_per_channel);
  set("row_bytes", a.dram.row_bytes);
  set("bus_bytes", a.dram.bus_bytes);
  set("burst_length", a.dram.burst_length);
  if (std::optional<double> v = dram.OptFloat("tck_ns")) a.dram.tck_ns = *v;
  set("t_rcd", a.dram.t_rcd);
  set("t_cl", a.dram.t_cl);
  set("t_rp", a.dram.t_rp);
  set("t_ras", a.dram.t_ras);
  set("t_wr", a.dram.t_wr);
  set("queue_depth", a.dram.queue_depth);
  return a;
}

LayerKind ParseLayerKind(const std::string& s) {
  for (LayerKind k : {LayerKind::kConv, LayerKind::kLinear, LayerKind::kMaxPool, LayerKind::kRelu,
                      LayerKind::kRequant, LayerKind::kKwta})
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

// Reads one layer given the shape and type of its input, and infers its output.
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
    case LayerKind::kMaxPool: {
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
      l.out = in;
      l.out_type = in_type;
      break;
    case LayerKind::kKwta:
      need_int8();
      l.density = r.Float("density");
      l.out = in;
      l.out_type = in_type;
      break;
    case LayerKind::kRequant:
      if (in_type != ElemType::kInt32)
        throw InputError(r.file(), layer_path,
                         "requant needs int32 input (the output of a conv or linear layer)");
      l.shift = r.Int("shift");
      l.out = in;
      l.out_type = ElemType::kInt8;
      break;
  }
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
  w.name = r.String("name");
  w.seed = uint64_t(r.Int("seed"));
  const ParamReader input = r.Map("input");
  w.input = {int(input.Int("channels")), int(input.Int("height")), int(input.Int("width"))};
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
    Layer l = ReadLayer(lr, shape, type);
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
  t.name = r.String("name");
  t.unit = r.String("unit");
  t.description = r.String("description");
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
      e.energy = er.Float("energy");
      e.per_bits = er.Float("per_bits");
      e.ref_size_bytes = er.Float("ref_size_bytes");
      e.size_exponent = er.Float("size_exponent");
      e.source = er.String("source");
      if (e.size_exponent != 0 && e.ref_size_bytes <= 0)
        er.Fail("ref_size_bytes", "must be > 0 when size_exponent is not 0", "number > 0");
    }
  }
  return t;
}

ChipSpec ReadChip(const std::string& file, const YAML::Node& root) {
  ChipSpec c;
  const ParamReader r(file, "chip", root, "", "");
  c.name = r.String("name");
  c.description = r.String("description");
  c.datasheet = r.String("source");
  c.multipliers = r.Int("multipliers");
  c.sram_kib = r.Int("sram_kib");
  const ParamReader dram = r.Map("dram");
  c.dram = DramPreset(dram.String("preset"));
  c.dram.channels = int(dram.Int("channels"));
  return c;
}

// Any yaml-cpp error while walking a parsed document still becomes a one-line InputError.
template <typename T>
T Load(const std::string& kind, const std::string& name_or_path,
       T (*read)(const std::string&, const YAML::Node&)) {
  const Input in = Resolve(kind, name_or_path);
  const YAML::Node root = Parse(in.file);
  try {
    T value = read(in.file, root);
    value.source = in.source;
    return value;
  } catch (const YAML::Exception& e) {
    throw InputError(in.file, Where(e.mark), e.msg);
  }
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

void Begin(YAML::Emitter& out, const std::string& source, const std::string& name) {
  out << YAML::Comment("resolved from " + source) << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << name;
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
    if (e.is_regular_file() && IsYamlName(file)) names.push_back(e.path().stem().string());
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
  Begin(out, a.source, a.name);
  out << YAML::Key << "clock_mhz" << YAML::Value << FormatDouble(a.clock_mhz);
  out << YAML::Key << "array" << YAML::Value;
  FlowMap{out}("rows", a.array.rows)("cols", a.array.cols)("dataflow",
                                                           DataflowName(a.array.dataflow));
  out << YAML::Key << "pe" << YAML::Value;
  FlowMap{out}("weight_rf_entries", a.pe.weight_rf_entries)("weight_buffers", a.pe.weight_buffers)(
      "input_rf_entries", a.pe.input_rf_entries)("psum_rf_entries", a.pe.psum_rf_entries);
  out << YAML::Key << "glb" << YAML::Value;
  FlowMap{out}("size_kib", a.glb.size_kib)("banks", a.glb.banks)("bank_width_bytes",
                                                                 a.glb.bank_width_bytes);
  out << YAML::Key << "noc" << YAML::Value;
  FlowMap{out}("input_bus_bytes", a.noc.input_bus_bytes)(
      "weight_bus_bytes", a.noc.weight_bus_bytes)("output_bus_bytes", a.noc.output_bus_bytes)(
      "latency_cycles", a.noc.latency_cycles);
  out << YAML::Key << "dma" << YAML::Value;
  FlowMap{out}("max_outstanding", a.dma.max_outstanding);
  out << YAML::Key << "ppu" << YAML::Value;
  FlowMap{out}("lanes", a.ppu.lanes);
  const CsSpec& cs = a.cs;
  out << YAML::Key << "cs" << YAML::Value;
  FlowMap{out}("lanes", cs.lanes)("engines", cs.engines)("max_n", cs.max_n)(
      "weight_rf_entries", cs.weight_rf_entries)("weight_buffers", cs.weight_buffers)(
      "route_latency_cycles", cs.route_latency_cycles)(
      "adder_latency_cycles", cs.adder_latency_cycles)("accumulators", cs.accumulators)(
      "ss_glb_words", cs.ss_glb_words);
  out << YAML::Key << "kwta" << YAML::Value;
  FlowMap{out}("lanes", a.kwta.lanes)("scan_bins_per_cycle", a.kwta.scan_bins_per_cycle);
  const DramSpec& d = a.dram;
  out << YAML::Key << "dram" << YAML::Value;
  FlowMap{out}("preset", d.preset)("channels", d.channels)(
      "banks_per_channel", d.banks_per_channel)("row_bytes", d.row_bytes)("bus_bytes", d.bus_bytes)(
      "burst_length", d.burst_length)("tck_ns", d.tck_ns)("t_rcd", d.t_rcd)("t_cl", d.t_cl)(
      "t_rp", d.t_rp)("t_ras", d.t_ras)("t_wr", d.t_wr)("queue_depth", d.queue_depth);
  return End(out);
}

std::string ToYaml(const Workload& w) {
  YAML::Emitter out;
  Begin(out, w.source, w.name);
  out << YAML::Key << "seed" << YAML::Value << w.seed;
  out << YAML::Key << "input" << YAML::Value;
  FlowMap{out}("channels", w.input.c)("height", w.input.h)("width", w.input.w);
  out << YAML::Key << "layers" << YAML::Value << YAML::BeginSeq;
  for (const Layer& l : w.layers) {
    {
      FlowMap m(out);
      m("name", l.name)("type", LayerKindName(l.kind));
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
        case LayerKind::kKwta:
          m("density", l.density);
          break;
        case LayerKind::kMaxPool:
          m("size", l.pool_size)("stride", l.pool_stride);
          break;
        case LayerKind::kRequant:
          m("shift", l.shift);
          break;
        case LayerKind::kRelu:
          break;
      }
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
  Begin(out, t.source, t.name);
  out << YAML::Key << "unit" << YAML::Value << t.unit;
  out << YAML::Key << "description" << YAML::Value << t.description;
  out << YAML::Key << "components" << YAML::Value << YAML::BeginMap;
  for (const auto& [component, actions] : t.components) {
    out << YAML::Key << component << YAML::Value << YAML::BeginMap;
    for (const auto& [action, e] : actions) {
      out << YAML::Key << action << YAML::Value;
      FlowMap{out}("energy", e.energy)("per_bits", e.per_bits)("ref_size_bytes", e.ref_size_bytes)(
          "size_exponent", e.size_exponent)("source", e.source);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return End(out);
}

ChipSpec LoadChip(const std::string& name_or_path) {
  return Load<ChipSpec>("chip", name_or_path, ReadChip);
}

std::string ToYaml(const ChipSpec& c) {
  YAML::Emitter out;
  Begin(out, c.source, c.name);
  out << YAML::Key << "description" << YAML::Value << c.description;
  out << YAML::Key << "source" << YAML::Value << c.datasheet;
  out << YAML::Key << "multipliers" << YAML::Value << c.multipliers;
  out << YAML::Key << "sram_kib" << YAML::Value << c.sram_kib;
  out << YAML::Key << "dram" << YAML::Value;
  FlowMap{out}("preset", c.dram.preset)("channels", c.dram.channels);
  return End(out);
}

}  // namespace cssim
