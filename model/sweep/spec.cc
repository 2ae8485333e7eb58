// Expanding a read spec (spec_read.cc) into the manifest: the nested loops of spec.h, each
// point's configs loaded and resolved by the config loaders, ids, duplicates dropped; and the
// helpers both files use (a key set in or read from a YAML node, the loaders).
#include "model/sweep/spec.h"

#include <cmath>
#include <cstdio>
#include <map>

#include "model/base/error.h"
#include "model/base/version.h"
#include "model/config/params.h"
#include "model/sweep/spec_read.h"

namespace cssim::sweep {
namespace {

constexpr int64_t kMaxPoints = 1000000;

// "arch.array.rows=8, mode=dense": a point in messages.
std::string Describe(const std::vector<std::pair<std::string, std::string>>& values) {
  std::string s;
  for (const auto& [k, v] : values) s += (s.empty() ? "" : ", ") + k + "=" + v;
  return s.empty() ? "the base files" : s;
}

std::string WithoutLeadingComments(const std::string& yaml) {
  size_t p = 0;
  while (p < yaml.size() && yaml[p] == '#') {
    const size_t nl = yaml.find('\n', p);
    if (nl == std::string::npos) return "";
    p = nl + 1;
  }
  return yaml.substr(p);
}

// The value of a derived key at one point, from the resolved documents of its kinds.
std::string DerivedValue(const Spec& s, const Derived& d, const YAML::Node resolved[],
                         const std::string& point) {
  const KeyRef& target = s.keys[d.target];
  const ParamDef& src_def = *d.source.def;
  std::string v = GetKey(resolved[d.source.kind], d.source);
  if (v.empty()) v = src_def.default_value;  // a key the resolved YAML leaves out
  if (!d.op) return v;
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !std::isfinite(x))
    throw InputError(s.file, target.where,
                     "point " + point + ": " + d.source.text + " has no number ('" + v + "')");
  const double r = d.op == '*' ? x * d.k : x / d.k;
  if (target.def->type == "float") return FormatDouble(r);
  if (r != std::floor(r) || std::fabs(r) > 9.0e15)
    throw InputError(s.file, target.where,
                     "point " + point + ": " + d.source.text + " " + d.op + " " + d.k_text + " = " +
                         FormatDouble(r) + " is not an integer",
                     "an expression whose result is an integer at every point");
  return std::to_string(int64_t(r));
}

// One combination of the axes' values (every mode of it): its resolved configs.
struct Combination {
  std::vector<std::pair<std::string, std::string>> values;  // the columns but "mode"
  std::string yaml[kKinds];
  Loaded loaded;
};

Combination Resolve(const Spec& s, const std::vector<size_t>& at) {
  Combination c;
  YAML::Node roots[kKinds];
  for (int k = 0; k < kKinds; ++k) roots[k] = YAML::Clone(s.root[k]);
  for (size_t d = 0; d < s.dims.size(); ++d) {
    const Dim& dim = s.dims[d];
    for (size_t j = 0; j < dim.keys.size(); ++j) {
      const KeyRef& key = s.keys[dim.keys[j]];
      const Value& v = dim.rows[at[d]][j];
      SetKey(roots[key.kind], key, v.node);
      c.values.emplace_back(key.text, v.text);
    }
  }
  const std::string source = ", swept by " + s.file;
  const auto load = [&](int k, const std::string& point) {
    try {
      c.yaml[k] = LoadResolved(s, k, roots[k], s.base[k].source + source, &c.loaded);
    } catch (const InputError& e) {
      throw InputError(s.file, "axes", "point " + point + ": " + LoaderProblem(s, k, e));
    }
  };
  const std::string point = Describe(c.values);
  for (int k = 0; k < kKinds; ++k) load(k, point);
  if (s.derived.empty()) return c;
  YAML::Node resolved[kKinds];
  for (int k = 0; k < kKinds; ++k) resolved[k] = YAML::Load(c.yaml[k]);
  bool touched[kKinds] = {};
  for (const Derived& d : s.derived) {
    const KeyRef& target = s.keys[d.target];
    const std::string v = DerivedValue(s, d, resolved, point);
    SetKey(roots[target.kind], target, YAML::Node(v));
    c.values.emplace_back(target.text, v);
    touched[target.kind] = true;
  }
  const std::string full = Describe(c.values);
  for (int k = 0; k < kKinds; ++k)
    if (touched[k]) load(k, full);
  return c;
}

}  // namespace

std::string LoadResolved(const Spec& s, int kind, const YAML::Node& root, const std::string& source,
                         Loaded* out) {
  const std::string& file = s.base[kind].file;
  if (kind == 2) return ToYaml(EnergyTableFromYaml(root, file, source));
  if (kind == 0) {
    ArchSpec a = ArchFromYaml(root, file, source);
    const std::string yaml = ToYaml(a);
    if (out) out->arch = std::move(a);
    return yaml;
  }
  Workload w = WorkloadFromYaml(root, file, source);
  const std::string yaml = ToYaml(w);
  if (out) out->workload = std::move(w);
  return yaml;
}

namespace {

void Set(YAML::Node n, const std::vector<Segment>& segs, size_t i, const ParamDef& def,
         const YAML::Node& value) {
  const Segment& seg = segs[i];
  if (i + 1 == segs.size()) {
    n[seg.name] = YAML::Clone(value);
    return;
  }
  YAML::Node child = n[seg.name];
  if (!seg.indexed) return Set(child, segs, i + 1, def, value);
  if (!child.IsSequence()) throw SimError("sweep: " + seg.name + " is not a list");
  for (size_t j = 0; j < child.size(); ++j) {
    const bool take =
        seg.index < 0 ? AppliesTo(def, child[j]["type"].Scalar()) : int64_t(j) == seg.index;
    if (take) Set(child[j], segs, i + 1, def, value);
  }
}

}  // namespace

void SetKey(YAML::Node root, const KeyRef& key, const YAML::Node& value) {
  Set(root, Segments(key.path), 0, *key.def, value);
}

std::string GetKey(const YAML::Node& resolved, const KeyRef& key) {
  YAML::Node n = YAML::Clone(resolved);
  for (const Segment& seg : Segments(key.path)) {
    if (!n.IsMap() || !n[seg.name]) return "";
    n.reset(n[seg.name]);
    if (seg.indexed) {
      if (!n.IsSequence() || seg.index < 0 || size_t(seg.index) >= n.size()) return "";
      n.reset(n[seg.index]);
    }
  }
  return n.IsScalar() ? n.Scalar() : "";
}

std::string LoaderProblem(const Spec& s, int kind, const std::exception& e,
                          const std::string& source) {
  const std::string m = e.what();
  for (const std::string& name : {s.base[kind].file, source}) {
    const std::string prefix = name + ": ";
    if (!name.empty() && m.rfind(prefix, 0) == 0)
      return std::string(kKindNames[kind]) + "." + m.substr(prefix.size());
  }
  return std::string(kKindNames[kind]) + ": " + m;
}

Expansion ExpandSpec(const std::string& spec_file) {
  const Spec s = ReadSpec(spec_file);
  Expansion ex;
  SweepManifest& m = ex.manifest;
  m.spec_file = spec_file;
  m.name = s.name;
  for (const Dim& d : s.dims)
    for (int k : d.keys) m.columns.push_back(s.keys[k].text);
  for (const Derived& d : s.derived) m.columns.push_back(s.keys[d.target].text);
  const bool mode_column = s.modes.size() > 1;
  if (mode_column) m.columns.push_back("mode");

  int64_t combinations = 1;
  for (const Dim& d : s.dims) {
    combinations *= int64_t(d.rows.size());
    if (combinations * int64_t(s.modes.size()) > kMaxPoints)
      throw InputError(s.file, "axes",
                       "expands to more than " + std::to_string(kMaxPoints) + " points",
                       "at most " + std::to_string(kMaxPoints));
  }
  std::map<std::string, std::pair<int, std::string>> seen;  // id -> (index, canonical text)
  std::vector<size_t> at(s.dims.size(), 0);
  for (int64_t c = 0; c < combinations; ++c) {
    int64_t rest = c;  // mixed radix, the last dim fastest
    for (size_t d = s.dims.size(); d-- > 0;) {
      at[d] = size_t(rest % int64_t(s.dims[d].rows.size()));
      rest /= int64_t(s.dims[d].rows.size());
    }
    const Combination comb = Resolve(s, at);
    for (const std::string& mode : s.modes) {
      SweepPoint p;
      p.values = comb.values;
      if (mode_column) p.values.emplace_back("mode", mode);
      p.mode = mode;
      p.seed = comb.loaded.workload.seed;
      p.arch_yaml = comb.yaml[0];
      p.workload_yaml = comb.yaml[1];
      p.energy_yaml = comb.yaml[2];
      std::string canonical = CanonicalText(p);
      p.id = PointId(p);
      const int position = ex.expanded++;
      const auto it = seen.find(p.id);
      if (it != seen.end()) {
        if (it->second.second != canonical)
          throw SimError("sweep: two different points hash to id " + p.id);
        ex.duplicates.push_back({position, it->second.first});
        continue;
      }
      p.index = int(m.points.size());
      seen.emplace(p.id, std::make_pair(p.index, std::move(canonical)));
      m.points.push_back(std::move(p));
    }
  }
  return ex;
}

std::string CanonicalText(const SweepPoint& p) {
  return std::string("cssim ") + kCssimVersion + "\nmode " + p.mode + "\nseed " +
         std::to_string(p.seed) + "\n--- arch\n" + WithoutLeadingComments(p.arch_yaml) +
         "--- workload\n" + WithoutLeadingComments(p.workload_yaml) + "--- energy\n" +
         WithoutLeadingComments(p.energy_yaml);
}

uint64_t Fnv1a64(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string PointId(const SweepPoint& p) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(Fnv1a64(CanonicalText(p))));
  return buf;
}

}  // namespace cssim::sweep
