#include "model/config/params.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>

#include "model/base/error.h"
#include "model/config/keys.h"

namespace cssim {
namespace {

template <typename Spec>
void AppendDefs(const KeyTable<Spec>& table, std::vector<ParamDef>& p) {
  for (const KeyRow<Spec>& row : table.rows()) p.push_back(row.def);
}

// The key tables' rows (keys.h), in file order.
std::vector<ParamDef> BuildParams() {
  std::vector<ParamDef> p;
  AppendDefs(ArchKeys(), p);
  AppendDefs(WorkloadKeys(), p);
  AppendDefs(LayerKeys(), p);
  AppendDefs(EnergyKeys(), p);
  AppendDefs(EnergyEntryKeys(), p);
  AppendDefs(ChipKeys(), p);
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

bool IsPowerOfTwo(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

}  // namespace

bool AppliesTo(const ParamDef& d, const std::string& type) {
  if (d.applies_to.empty() || type.empty()) return true;
  std::istringstream words(d.applies_to);
  std::string w;
  while (words >> w)
    if (w == type) return true;
  return false;
}

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
