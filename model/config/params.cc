#include "model/config/params.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <set>
#include <sstream>

#include "model/base/arch_spec.h"
#include "model/base/error.h"
#include "model/dram/presets.h"

namespace cssim {
namespace {

// Upper bounds that read as "no limit but the C++ type's".
constexpr double kIntMax = 2147483647.0;             // fields stored as int
constexpr double kInt64Max = 9223372036854775807.0;  // fields stored as (u)int64
constexpr double kInf = std::numeric_limits<double>::infinity();

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) s += (i ? sep : "") + items[i];
  return s;
}

std::string RangeText(const std::string& what, double min, double max) {
  if (max >= kInt64Max) return what + " >= " + FormatDouble(min);
  const std::string hi = max == kIntMax ? "2^31-1" : FormatDouble(max);
  return what + " " + FormatDouble(min) + ".." + hi;
}

// The fields every def has; the checks are set by the callers below.
ParamDef Make(std::string kind, std::string key, std::string type, std::string unit,
              std::string default_value, std::string allowed, std::string description) {
  ParamDef d;
  d.file_kind = std::move(kind);
  d.key = std::move(key);
  d.type = std::move(type);
  d.unit = std::move(unit);
  d.default_value = std::move(default_value);
  d.allowed = std::move(allowed);
  d.description = std::move(description);
  return d;
}

ParamDef Int(std::string kind, std::string key, std::string unit, std::string def, double min,
             double max, std::string description) {
  ParamDef d = Make(std::move(kind), std::move(key), "int", std::move(unit), std::move(def),
                    RangeText("integer", min, max), std::move(description));
  d.min = min;
  d.max = max;
  return d;
}

ParamDef Pow2(std::string kind, std::string key, std::string unit, std::string def, double min,
              double max, std::string description) {
  ParamDef d = Int(std::move(kind), std::move(key), std::move(unit), std::move(def), min, max,
                   std::move(description));
  d.power_of_two = true;
  d.allowed = RangeText("power of two", min, max);
  return d;
}

ParamDef Float(std::string kind, std::string key, std::string unit, std::string def, double min,
               double max, std::string description) {
  ParamDef d = Make(std::move(kind), std::move(key), "float", std::move(unit), std::move(def),
                    RangeText("number", min, max), std::move(description));
  d.min = min;
  d.max = max;
  return d;
}

ParamDef Enum(std::string kind, std::string key, std::string def, std::vector<std::string> choices,
              std::string description) {
  ParamDef d = Make(std::move(kind), std::move(key), "enum", "-", std::move(def),
                    Join(choices, " | "), std::move(description));
  d.choices = std::move(choices);
  return d;
}

// Non-empty text.
ParamDef Text(std::string kind, std::string key, std::string description) {
  ParamDef d = Make(std::move(kind), std::move(key), "string", "-", "", "non-empty text",
                    std::move(description));
  d.min = 1;
  return d;
}

ParamDef Container(std::string kind, std::string key, std::string type, std::string description) {
  return Make(std::move(kind), std::move(key), std::move(type), "-", "", type + " of maps",
              std::move(description));
}

ParamDef For(ParamDef d, std::string applies_to) {
  d.applies_to = std::move(applies_to);
  return d;
}

std::string D(double v) { return FormatDouble(v); }

std::vector<ParamDef> BuildParams() {
  // Arch defaults come from ArchSpec's member initialisers, so arch_spec.h stays the one place
  // that states them.
  const ArchSpec a;
  const std::string k = "arch";
  const std::string preset = "from dram.preset";
  std::vector<ParamDef> p = {
      Text(k, "name", "architecture name, used in reports"),
      Float(k, "clock_mhz", "MHz", D(a.clock_mhz), 1, 10000, "accelerator clock frequency"),
      Int(k, "array.rows", "PEs", D(a.array.rows), 1, 256, "PE rows of the array"),
      Int(k, "array.cols", "PEs", D(a.array.cols), 1, 256, "PE columns of the array"),
      Enum(k, "array.dataflow", DataflowName(a.array.dataflow), {"ws", "os"},
           "ws: weights stay in the PEs, inputs stream, partial sums move; os: partial sums "
           "stay, weights and inputs stream"),
      Int(k, "pe.weight_rf_entries", "entries", D(a.pe.weight_rf_entries), 1, 4096,
          "int8 weights held per PE"),
      Int(k, "pe.weight_buffers", "banks", D(a.pe.weight_buffers), 1, 2,
          "weight RF banks: 2 loads the next weight-stationary pass's weights while the current "
          "pass computes (a pass then uses at most weight_rf_entries / 2)"),
      Int(k, "pe.input_rf_entries", "entries", D(a.pe.input_rf_entries), 1, 4096,
          "int8 inputs buffered per PE row port"),
      Int(k, "pe.psum_rf_entries", "entries", D(a.pe.psum_rf_entries), 1, 4096,
          "int32 partial sums held per PE"),
      Int(k, "glb.size_kib", "KiB", D(a.glb.size_kib), 1, 65536,
          "global buffer capacity; a whole number of rows across all banks"),
      Int(k, "glb.banks", "banks", D(a.glb.banks), 1, 1024,
          "global buffer banks; each takes one access per cycle"),
      Pow2(k, "glb.bank_width_bytes", "bytes", D(a.glb.bank_width_bytes), 1, 64,
           "bytes moved by one bank access"),
      Int(k, "noc.input_bus_bytes", "bytes/cycle", D(a.noc.input_bus_bytes), 1, 256,
          "GLB -> array input bus width"),
      Int(k, "noc.weight_bus_bytes", "bytes/cycle", D(a.noc.weight_bus_bytes), 1, 256,
          "GLB -> array weight bus width"),
      Int(k, "noc.output_bus_bytes", "bytes/cycle", D(a.noc.output_bus_bytes), 1, 256,
          "array -> GLB psum/output bus width"),
      Int(k, "noc.latency_cycles", "cycles", D(a.noc.latency_cycles), 0, 64,
          "pipeline stages from a GLB port to a PE"),
      Int(k, "dma.max_outstanding", "requests", D(a.dma.max_outstanding), 1, 1024,
          "DRAM requests in flight"),
      Int(k, "ppu.lanes", "elements/cycle", D(a.ppu.lanes), 1, 1024,
          "elements per cycle through requantise / ReLU / max-pool"),
      Int(k, "cs.lanes", "multipliers", D(a.cs.lanes), 1, 256,
          "CS engine: multipliers per group engine (fan-in positions per cycle); the activation "
          "bus carries one value per lane"),
      Int(k, "cs.engines", "engines", D(a.cs.engines), 1, 256,
          "CS engine: group engines sharing one activation broadcast, one combined kernel each"),
      Int(k, "cs.max_n", "kernels", D(a.cs.max_n), 1, 256,
          "CS engine: adder trees / accumulators per engine, the largest packing factor N"),
      Int(k, "cs.weight_rf_entries", "entries", D(a.cs.weight_rf_entries), 1, 65536,
          "CS engine: combined-kernel entries (value + kernel ID) per lane, all buffers"),
      Int(k, "cs.weight_buffers", "banks", D(a.cs.weight_buffers), 1, 2,
          "CS engine: weight RF banks; 2 loads the next pass's kernels while one computes"),
      Int(k, "cs.route_latency_cycles", "cycles", D(a.cs.route_latency_cycles), 1, 64,
          "CS engine: pipeline stages of the route (permutation) network"),
      Int(k, "cs.adder_latency_cycles", "cycles", D(a.cs.adder_latency_cycles), 1, 64,
          "CS engine: pipeline stages of the adder trees"),
      Int(k, "cs.accumulators", "int32 entries", D(a.cs.accumulators), 1, 1 << 24,
          "sparse-sparse accumulator SRAM; an output tile (pixels x channels) must fit"),
      Int(k, "cs.ss_glb_words", "words/cycle", D(a.cs.ss_glb_words), 1, 1024,
          "sparse-sparse unit: GLB words per cycle for packed weight rows and kernel IDs"),
      Int(k, "kwta.lanes", "values/cycle", D(a.kwta.lanes), 1, 1024,
          "k-WTA unit: int8 values per cycle through the histogram and the compare pass"),
      Int(k, "kwta.scan_bins_per_cycle", "bins/cycle", D(a.kwta.scan_bins_per_cycle), 1, 256,
          "k-WTA unit: histogram bins examined per cycle by the threshold search"),
      Enum(k, "dram.preset", a.dram.preset, DramPresetNames(),
           "DRAM device; fills every other dram key, which then override it"),
      Int(k, "dram.channels", "channels", preset, 1, 64, "independent DRAM channels"),
      Int(k, "dram.banks_per_channel", "banks", preset, 1, 256, "banks per channel"),
      Pow2(k, "dram.row_bytes", "bytes", preset, 64, 65536, "row buffer (page) size per bank"),
      Pow2(k, "dram.bus_bytes", "bytes", preset, 1, 128, "data bus width of one channel"),
      Pow2(k, "dram.burst_length", "beats", preset, 1, 64,
           "beats per burst (two beats per tCK: DDR)"),
      Float(k, "dram.tck_ns", "ns", preset, 0.05, 100, "DRAM clock period (tCK)"),
      Int(k, "dram.t_rcd", "tCK", preset, 1, 1000, "ACT -> RD/WR delay"),
      Int(k, "dram.t_cl", "tCK", preset, 1, 1000, "RD -> first data (CAS latency)"),
      Int(k, "dram.t_rp", "tCK", preset, 1, 1000, "PRE -> ACT delay"),
      Int(k, "dram.t_ras", "tCK", preset, 1, 1000, "ACT -> PRE minimum"),
      Int(k, "dram.t_wr", "tCK", preset, 1, 1000, "end of write data -> PRE (write recovery)"),
      Int(k, "dram.queue_depth", "requests", preset, 1, 1024, "requests buffered per channel"),
  };

  const std::string w = "workload";
  const std::vector<ParamDef> workload = {
      Text(w, "name", "workload name, used in reports"),
      Int(w, "seed", "-", "1", 0, kInt64Max, "seed of the synthetic weights and input data"),
      Int(w, "input.channels", "channels", "", 1, kIntMax, "input feature map channels"),
      Int(w, "input.height", "pixels", "", 1, kIntMax, "input feature map height"),
      Int(w, "input.width", "pixels", "", 1, kIntMax, "input feature map width"),
      Container(w, "layers", "list",
                "layers in execution order; each item is a map of the layers[] keys"),
      Text(w, "layers[].name", "layer name, unique in the workload"),
      Enum(w, "layers[].type", "", {"conv", "linear", "maxpool", "relu", "requant", "kwta"},
           "conv and linear take int8 and produce int32; requant takes int32 and produces int8; "
           "relu and maxpool keep the type; kwta takes int8"),
      For(Int(w, "layers[].out_channels", "channels", "", 1, kIntMax, "output channels"), "conv"),
      For(Int(w, "layers[].out_features", "features", "", 1, kIntMax,
              "output features; each sees the whole flattened input"),
          "linear"),
      For(Int(w, "layers[].kernel", "pixels", "kernel_h, kernel_w", 1, kIntMax,
              "square kernel size"),
          "conv"),
      For(Int(w, "layers[].kernel_h", "pixels", "kernel", 1, kIntMax,
              "kernel height (with kernel_w, instead of kernel)"),
          "conv"),
      For(Int(w, "layers[].kernel_w", "pixels", "kernel", 1, kIntMax,
              "kernel width (with kernel_h, instead of kernel)"),
          "conv"),
      For(Int(w, "layers[].stride", "pixels", "1 (conv), size (maxpool)", 1, kIntMax,
              "window step"),
          "conv maxpool"),
      For(Int(w, "layers[].pad", "pixels", "0", 0, kIntMax,
              "zero padding on every side; less than the kernel"),
          "conv"),
      For(Int(w, "layers[].size", "pixels", "", 1, kIntMax, "pooling window is size x size"),
          "maxpool"),
      For(Float(w, "layers[].weight_density", "fraction", "1", 1e-9, 1,
                "non-zero fraction of every kernel; < 1 generates complementary masks (each "
                "group of floor(1 / density) output channels partitions the fan-in)"),
          "conv linear"),
      For(Float(w, "layers[].density", "fraction", "", 1e-9, 1,
                "k-WTA keeps k = round(density * c * h * w) values of the whole map"),
          "kwta"),
      For(Int(w, "layers[].shift", "bits", "", 0, 31,
              "out = clamp((in + 2^(shift-1)) >> shift, -128, 127); 0 only clamps"),
          "requant"),
  };
  p.insert(p.end(), workload.begin(), workload.end());

  const std::string e = "energy";
  const std::string entry = "components.<component>.<action>.";
  const std::vector<ParamDef> energy = {
      Text(e, "name", "energy table name, used in reports"),
      Enum(e, "unit", "", {"pJ", "MAC-normalised"},
           "unit of every energy value; MAC-normalised: one MAC = 1"),
      Text(e, "description", "what the table models and where its numbers come from"),
      Container(e, "components", "map",
                "component -> action -> entry; component and action names are those the "
                "model's counters use (mac, rf, noc, glb, dram, ppu)"),
      Float(e, entry + "energy", "table unit", "", 0, kInf, "energy of one action"),
      Float(e, entry + "per_bits", "bits", "0", 0, kInf,
            "energy is for an access this wide; scaled by the access width / per_bits; 0: per "
            "action, whatever the width"),
      Float(e, entry + "ref_size_bytes", "bytes", "0", 0, kInf,
            "capacity the energy was given for (with size_exponent)"),
      Float(e, entry + "size_exponent", "-", "0", -2, 2,
            "energy scales by (size / ref_size_bytes)^size_exponent; 0: no size scaling"),
      Text(e, entry + "source", "where the number comes from (paper, table, or assumption)"),
  };
  p.insert(p.end(), energy.begin(), energy.end());

  const std::string c = "chip";
  const std::vector<ParamDef> chip = {
      Text(c, "name", "chip name, used in reports"),
      Text(c, "description", "what the budget models and the modelling choices behind it"),
      Text(c, "source", "the data sheets and tables the numbers come from"),
      Int(c, "multipliers", "multipliers", "", 1, kIntMax,
          "int8 multipliers available to accelerator instances (e.g. one per DSP slice)"),
      Int(c, "sram_kib", "KiB", "", 1, kIntMax,
          "on-chip SRAM available to accelerator instances (GLBs, RFs, accumulators)"),
      Enum(c, "dram.preset", "", DramPresetNames(), "DRAM device all instances share"),
      Int(c, "dram.channels", "channels", "", 1, 64, "independent channels of the shared DRAM"),
  };
  p.insert(p.end(), chip.begin(), chip.end());
  return p;
}

// First segment of a key below `schema`, or "" if `key` is not below it.
std::string ChildSegment(const std::string& key, const std::string& schema) {
  std::string rest = key;
  if (!schema.empty()) {
    if (key.compare(0, schema.size() + 1, schema + ".") != 0) return "";
    rest = key.substr(schema.size() + 1);
  }
  return rest.substr(0, rest.find_first_of(".["));
}

bool AppliesTo(const ParamDef& d, const std::string& type) {
  if (d.applies_to.empty() || type.empty()) return true;
  std::istringstream words(d.applies_to);
  std::string w;
  while (words >> w)
    if (w == type) return true;
  return false;
}

bool IsPowerOfTwo(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

}  // namespace

const std::vector<ParamDef>& AllParams() {
  static const std::vector<ParamDef> params = BuildParams();
  return params;
}

const ParamDef* FindParam(const std::string& kind, const std::string& key) {
  for (const ParamDef& d : AllParams())
    if (d.file_kind == kind && d.key == key) return &d;
  return nullptr;
}

std::vector<std::string> ChildKeys(const std::string& kind, const std::string& schema,
                                   const std::string& type) {
  std::vector<std::string> keys;
  for (const ParamDef& d : AllParams()) {
    if (d.file_kind != kind) continue;
    const std::string seg = ChildSegment(d.key, schema);
    if (seg.empty()) continue;
    const bool leaf = (schema.empty() ? "" : schema + ".") + seg == d.key;
    if (leaf && !AppliesTo(d, type)) continue;
    if (std::find(keys.begin(), keys.end(), seg) == keys.end()) keys.push_back(seg);
  }
  return keys;
}

void PrintParams(std::ostream& os) {
  const std::vector<std::string> header = {"kind",    "key",     "type",       "unit",
                                           "default", "allowed", "description"};
  std::vector<std::vector<std::string>> rows = {header};
  for (const ParamDef& d : AllParams())
    rows.push_back({d.file_kind, d.key, d.type, d.unit,
                    d.default_value.empty() ? "(required)" : d.default_value, d.allowed,
                    d.description});
  std::vector<size_t> width(header.size(), 0);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i)
      line += i + 1 < r.size() ? r[i] + std::string(width[i] - r[i].size() + 2, ' ') : r[i];
    os << line << "\n";
  }
}

std::string FormatDouble(double v) {
  char buf[32];
  // Whole numbers print without an exponent ("10000", not "1e+04").
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

ParamReader::ParamReader(std::string file, std::string kind, const YAML::Node& node,
                         std::string path, std::string schema)
    : file_(std::move(file)),
      kind_(std::move(kind)),
      // "glb:" with nothing after it, or no "glb" at all, is an empty map: every key in it
      // takes its default.
      node_(node.IsDefined() && !node.IsNull() ? node : YAML::Node(YAML::NodeType::Map)),
      path_(std::move(path)),
      schema_(std::move(schema)) {
  if (!node_.IsMap()) throw InputError(file_, path_, "expected a map of keys", "");
  const std::vector<std::string> allowed = ChildKeys(kind_, schema_);
  std::set<std::string> seen;
  for (const auto& kv : node_) {
    if (!kv.first.IsScalar()) throw InputError(file_, path_, "a key is not a plain name", "");
    const std::string key = kv.first.Scalar();
    if (!seen.insert(key).second) Fail(key, "duplicate key");
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      Fail(key, "unknown key", Join(allowed, ", "));
  }
}

std::string ParamReader::Path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

void ParamReader::Fail(const std::string& key, const std::string& problem,
                       const std::string& allowed) const {
  throw InputError(file_, Path(key), problem, allowed);
}

const ParamDef& ParamReader::Def(const std::string& key) const {
  const std::string full = schema_.empty() ? key : schema_ + "." + key;
  const ParamDef* d = FindParam(kind_, full);
  if (!d) throw SimError("ParamReader: " + kind_ + " key '" + full + "' is not in AllParams()");
  return *d;
}

bool ParamReader::Has(const std::string& key) const { return node_[key].IsDefined(); }

YAML::Node ParamReader::Get(const std::string& key) const {
  const ParamDef& d = Def(key);
  const YAML::Node n = node_[key];
  if (!n.IsDefined()) return n;
  if (n.IsNull()) Fail(key, "has no value", d.allowed);
  if (!n.IsScalar())
    Fail(key, "expected a single value, not a " + std::string(n.IsMap() ? "map" : "list"),
         d.allowed);
  return n;
}

int64_t ParamReader::ParseInt(const ParamDef& d, const std::string& key,
                              const YAML::Node& n) const {
  const std::string& s = n.Scalar();
  const size_t sign = !s.empty() && (s[0] == '+' || s[0] == '-') ? 1 : 0;
  const bool well_formed =
      s.size() > sign && s.find_first_not_of("0123456789", sign) == std::string::npos;
  if (!well_formed) Fail(key, "'" + s + "' is not an integer", d.allowed);
  errno = 0;
  const long long v = std::strtoll(s.c_str(), nullptr, 10);
  if (errno == ERANGE || double(v) < d.min || double(v) > d.max)
    Fail(key, s + " is out of range", d.allowed);
  if (d.power_of_two && !IsPowerOfTwo(v)) Fail(key, s + " is not a power of two", d.allowed);
  return v;
}

double ParamReader::ParseFloat(const ParamDef& d, const std::string& key,
                               const YAML::Node& n) const {
  const std::string& s = n.Scalar();
  char* end = nullptr;
  const double v = s.empty() ? 0 : std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !std::isfinite(v))
    Fail(key, "'" + s + "' is not a number", d.allowed);
  if (v < d.min || v > d.max) Fail(key, s + " is out of range", d.allowed);
  return v;
}

std::optional<int64_t> ParamReader::OptInt(const std::string& key) const {
  const ParamDef& d = Def(key);
  if (d.type != "int") throw SimError("ParamReader: " + d.key + " is not an int");
  const YAML::Node n = Get(key);
  if (!n.IsDefined()) return std::nullopt;
  return ParseInt(d, key, n);
}

std::optional<double> ParamReader::OptFloat(const std::string& key) const {
  const ParamDef& d = Def(key);
  if (d.type != "float") throw SimError("ParamReader: " + d.key + " is not a float");
  const YAML::Node n = Get(key);
  if (!n.IsDefined()) return std::nullopt;
  return ParseFloat(d, key, n);
}

int64_t ParamReader::Int(const std::string& key) const {
  if (std::optional<int64_t> v = OptInt(key)) return *v;
  const ParamDef& d = Def(key);
  if (d.default_value.empty()) Fail(key, "missing required key", d.allowed);
  char* end = nullptr;
  const long long v = std::strtoll(d.default_value.c_str(), &end, 10);
  if (*end != '\0') throw SimError("ParamReader: " + d.key + " has no numeric default");
  return v;
}

double ParamReader::Float(const std::string& key) const {
  if (std::optional<double> v = OptFloat(key)) return *v;
  const ParamDef& d = Def(key);
  if (d.default_value.empty()) Fail(key, "missing required key", d.allowed);
  char* end = nullptr;
  const double v = std::strtod(d.default_value.c_str(), &end);
  if (*end != '\0') throw SimError("ParamReader: " + d.key + " has no numeric default");
  return v;
}

std::string ParamReader::String(const std::string& key) const {
  const ParamDef& d = Def(key);
  if (d.type != "string" && d.type != "enum")
    throw SimError("ParamReader: " + d.key + " is not a string");
  const YAML::Node n = Get(key);
  if (!n.IsDefined()) {
    if (d.default_value.empty()) Fail(key, "missing required key", d.allowed);
    return d.default_value;
  }
  const std::string& s = n.Scalar();
  if (d.type == "enum" && std::find(d.choices.begin(), d.choices.end(), s) == d.choices.end())
    Fail(key, "unknown value '" + s + "'", d.allowed);
  if (double(s.size()) < d.min) Fail(key, "is empty", d.allowed);
  return s;
}

ParamReader ParamReader::Map(const std::string& key) const {
  const std::string child = schema_.empty() ? key : schema_ + "." + key;
  if (ChildKeys(kind_, child).empty())
    throw SimError("ParamReader: " + kind_ + " has no map '" + child + "'");
  return ParamReader(file_, kind_, node_[key], Path(key), child);
}

YAML::Node ParamReader::Raw(const std::string& key) const {
  const ParamDef& d = Def(key);
  if (d.type != "list" && d.type != "map")
    throw SimError("ParamReader: " + d.key + " is not a list or map");
  const YAML::Node n = node_[key];
  if (!n.IsDefined() && d.default_value.empty()) Fail(key, "missing required key", d.allowed);
  return n;
}

void ParamReader::CheckAppliesTo(const std::string& type) const {
  for (const auto& kv : node_) {
    const std::string key = kv.first.Scalar();
    if (!AppliesTo(Def(key), type))
      Fail(key, "not a key of type '" + type + "'", Join(ChildKeys(kind_, schema_, type), ", "));
  }
}

}  // namespace cssim
