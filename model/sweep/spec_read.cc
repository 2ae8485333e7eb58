// Reading a sweep spec (spec.h has the format): every key of the spec checked, every swept key
// against the schema and the base files, every swept value alone on its base file.
#include "model/sweep/spec_read.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include "model/base/error.h"
#include "model/compile/program.h"
#include "model/config/keys.h"

namespace cssim::sweep {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxSamples = 100000;
const char* const kKeyForms =
    "arch.<key>, workload.<key> or energy.<key>, the key as `cssim list-params` prints it";

std::string Child(const std::string& where, const std::string& key) {
  return where.empty() ? key : where + "." + key;
}

std::string Item(const std::string& where, size_t i) {
  return where + "[" + std::to_string(i) + "]";
}

bool IsPath(const std::string& s) {
  const auto ends = [&](const std::string& ext) {
    return s.size() >= ext.size() && s.compare(s.size() - ext.size(), ext.size(), ext) == 0;
  };
  return s.find('/') != std::string::npos || ends(".yaml") || ends(".yml");
}

// The schema def of `path`: FindParam with layer indices written "[]", else the def whose key
// matches segment by segment with an angle-bracket segment matching any name; or null.
const ParamDef* FindDef(const std::string& kind, const std::string& path) {
  if (path.find('<') != std::string::npos) return nullptr;
  static const std::regex kIndex(R"(\[[0-9]+\])");
  if (const ParamDef* d = FindParam(kind, std::regex_replace(path, kIndex, "[]"))) return d;
  const std::vector<Segment> segs = Segments(path);
  for (const ParamDef& d : AllParams()) {
    if (d.file_kind != kind) continue;
    const std::vector<Segment> ds = Segments(d.key);
    if (ds.size() != segs.size()) continue;
    bool match = true;
    for (size_t i = 0; i < ds.size() && match; ++i) {
      if (ds[i].name.rfind("<", 0) == 0 && !segs[i].indexed && !segs[i].name.empty()) continue;
      match = ds[i].name == segs[i].name && ds[i].indexed == segs[i].indexed;
    }
    if (match) return &d;
  }
  return nullptr;
}

class Reader {
 public:
  explicit Reader(Spec& s) : s_(s) {}

  [[noreturn]] void Fail(const std::string& where, const std::string& problem,
                         const std::string& allowed = "") const {
    throw InputError(s_.file, where, problem, allowed);
  }

  // A map whose keys are all in `allowed`, each once.
  void CheckMap(const YAML::Node& n, const std::string& where,
                const std::vector<std::string>& allowed, const std::string& what) const {
    if (!n.IsMap()) Fail(where, "expected " + what, Join(allowed, ", "));
    std::set<std::string> seen;
    for (const auto& kv : n) {
      const std::string key = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        Fail(Child(where, key), "unknown key", Join(allowed, ", "));
      if (!seen.insert(key).second) Fail(Child(where, key), "duplicate key");
    }
  }

  std::string Scalar(const YAML::Node& n, const std::string& where,
                     const std::string& allowed) const {
    if (!n.IsScalar()) Fail(where, "expected a single value", allowed);
    return n.Scalar();
  }

  // A non-negative integer of at most `max`.
  uint64_t Unsigned(const YAML::Node& n, const std::string& where, uint64_t max,
                    const std::string& allowed) const {
    const std::string v = Scalar(n, where, allowed);
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos)
      Fail(where, "'" + v + "' is not a non-negative integer", allowed);
    errno = 0;
    const unsigned long long u = std::strtoull(v.c_str(), nullptr, 10);
    if (errno == ERANGE || u > max) Fail(where, v + " is out of range", allowed);
    return u;
  }

  void Read() {
    YAML::Node root;
    root = ParseConfig(s_.file);
    CheckMap(root, "", {"name", "arch", "workload", "energy", "modes", "seed", "axes"},
             "a map of sweep keys");
    static const std::regex kName(R"(^[A-Za-z0-9_-][A-Za-z0-9._-]*$)");
    const std::string name_allowed = "letters, digits, '-', '_', '.' (not first)";
    if (!root["name"]) Fail("name", "missing required key", name_allowed);
    s_.name = Scalar(root["name"], "name", name_allowed);
    if (!std::regex_match(s_.name, kName))
      Fail("name", "'" + s_.name + "' is not a sweep name", name_allowed);
    ReadBase(root, 0, "default");
    if (!root["workload"])
      Fail("workload", "missing required key", "a built-in name or a YAML file path");
    ReadBase(root, 1, "");
    ReadBase(root, 2, "45nm");
    ReadModes(root["modes"]);
    if (root["seed"]) {
      const std::string allowed = "an integer 0..9223372036854775807";
      const uint64_t seed = Unsigned(root["seed"], "seed", INT64_MAX, allowed);
      s_.root[1]["seed"] = std::to_string(seed);
    }
    for (int k = 0; k < kKinds; ++k) {
      try {
        LoadResolved(s_, k, s_.root[k], s_.base[k].source);
      } catch (const InputError& e) {
        Fail(kKindNames[k], e.what());
      }
    }
    const YAML::Node axes = root["axes"];
    if (!axes) return;
    CheckMap(axes, "axes", {"grid", "zip", "random", "derived"}, "a map of axes");
    if (axes["grid"]) ReadGrid(axes["grid"]);
    if (axes["zip"]) ReadZip(axes["zip"]);
    if (axes["random"]) ReadRandom(axes["random"]);
    if (axes["derived"]) ReadDerived(axes["derived"]);
  }

 private:
  void ReadBase(const YAML::Node& root, int k, const std::string& default_name) {
    const std::string kind = kKindNames[k];
    const std::string allowed = "a built-in name or a YAML file path";
    const std::string v = root[kind] ? Scalar(root[kind], kind, allowed) : default_name;
    if (IsPath(v)) {
      fs::path p(v);
      if (p.is_relative()) p = fs::path(s_.file).parent_path() / p;
      s_.base[k] = ResolveConfig(kind, p.string());
    } else {
      const std::vector<std::string> names = BuiltinNames(kind);
      if (std::find(names.begin(), names.end(), v) == names.end())
        Fail(kind, "unknown built-in '" + v + "'", Join(names, ", ") + " or a YAML file path");
      s_.base[k] = ResolveConfig(kind, v);
    }
    try {
      s_.root[k] = ParseConfig(s_.base[k].file);
    } catch (const InputError& e) {
      Fail(kind, e.what());
    }
  }

  void ReadModes(const YAML::Node& n) {
    const std::vector<std::string> names = {ModeName(Mode::kDense), ModeName(Mode::kSparseDense),
                                            ModeName(Mode::kSparseSparse)};
    const std::string allowed = "a list of " + Join(names, ", ");
    if (!n) Fail("modes", "missing required key", allowed);
    if (!n.IsSequence() || n.size() == 0) Fail("modes", "expected a non-empty list", allowed);
    for (size_t i = 0; i < n.size(); ++i) {
      const std::string m = Scalar(n[i], Item("modes", i), Join(names, ", "));
      if (std::find(names.begin(), names.end(), m) == names.end())
        Fail(Item("modes", i), "unknown mode '" + m + "'", Join(names, ", "));
      if (std::find(s_.modes.begin(), s_.modes.end(), m) != s_.modes.end())
        Fail(Item("modes", i), "'" + m + "' is given twice", "each mode once");
      s_.modes.push_back(m);
    }
  }

  // Checks a swept key against the schema and the base files and adds it to s_.keys.
  int AddKey(const std::string& text, const std::string& where) {
    KeyRef key;
    key.text = text;
    key.where = where;
    const size_t dot = text.find('.');
    const std::string kind = text.substr(0, dot);
    const auto* it = std::find(std::begin(kKindNames), std::end(kKindNames), kind);
    if (dot == std::string::npos || it == std::end(kKindNames))
      Fail(where, "unknown key '" + text + "'", kKeyForms);
    key.kind = int(it - std::begin(kKindNames));
    key.path = text.substr(dot + 1);
    key.def = FindDef(kind, key.path);
    if (!key.def) Fail(where, "unknown key '" + text + "'", kKeyForms);
    const std::string& type = key.def->type;
    if (type != "int" && type != "float" && type != "enum" && type != "string")
      Fail(where, "'" + text + "' is a " + type + ", not a single value",
           "keys of type int, float, enum or string");
    CheckPathInBase(key);
    for (const KeyRef& other : s_.keys) {
      if (other.kind != key.kind || other.def != key.def) continue;
      const bool all =
          key.path.find("[]") != std::string::npos || other.path.find("[]") != std::string::npos;
      if (all || other.path == key.path)
        Fail(where, "'" + text + "' is already swept by " + other.where, "each key in one axis");
    }
    s_.keys.push_back(key);
    return int(s_.keys.size()) - 1;
  }

  // Layers by index exist and take the key; layers[] names at least one that does; free-named
  // map keys (energy components and actions) exist in the base file.
  void CheckPathInBase(const KeyRef& key) const {
    const std::vector<Segment> segs = Segments(key.path), defs = Segments(key.def->key);
    YAML::Node n = YAML::Clone(s_.root[key.kind]);
    std::string at;
    for (size_t i = 0; i + 1 < segs.size(); ++i) {
      at = Child(at, segs[i].name);
      const YAML::Node child = n[segs[i].name];
      if (!segs[i].indexed) {
        if (defs[i].name.rfind("<", 0) == 0 && !child.IsMap())
          Fail(key.where, "'" + key.text + "': the base " + kKindNames[key.kind] + " has no " + at,
               "a name the base file defines");
        n.reset(child);
        continue;
      }
      const size_t size = child.IsSequence() ? child.size() : 0;
      std::string applies = key.def->applies_to;
      std::replace(applies.begin(), applies.end(), ' ', ',');
      for (size_t p = applies.find(','); p != std::string::npos; p = applies.find(',', p + 2))
        applies.insert(p + 1, " ");
      const std::string last = segs.back().name;
      if (segs[i].index == -1) {
        bool any = false;
        for (size_t j = 0; j < size; ++j) any |= AppliesTo(*key.def, child[j]["type"].Scalar());
        if (!any)
          Fail(key.where, "'" + key.text + "': no item of " + at + " takes " + last,
               "items of type " + applies);
        return;
      }
      if (segs[i].index < 0 || size_t(segs[i].index) >= size)
        Fail(key.where, "'" + key.text + "': " + at + " has " + std::to_string(size) + " items",
             size == 0 ? "none" : at + "[0] to " + at + "[" + std::to_string(size - 1) + "]");
      const std::string type = child[segs[i].index]["type"].Scalar();
      if (!AppliesTo(*key.def, type))
        Fail(key.where, "'" + key.text + "': " + Item(at, segs[i].index) + " is a " + type,
             "items of type " + applies);
      n.reset(child[segs[i].index]);
      at = Item(at, segs[i].index);
    }
  }

  // A swept value: a scalar that the key's loader accepts on its own on the base file.
  Value ReadValue(const KeyRef& key, const YAML::Node& n, const std::string& where) const {
    if (!n.IsScalar()) Fail(where, "expected a single value", key.def->allowed);
    Value v{YAML::Clone(n), n.Scalar(), where};
    CheckValue(key, v);
    return v;
  }

  void CheckValue(const KeyRef& key, const Value& v) const {
    YAML::Node root = YAML::Clone(s_.root[key.kind]);
    SetKey(root, key, v.node);
    try {
      LoadResolved(s_, key.kind, root, s_.base[key.kind].source);
    } catch (const InputError& e) {
      Fail(v.where, LoaderProblem(s_, key.kind, e));
    }
  }

  std::vector<Value> ReadValues(const KeyRef& key, const YAML::Node& n,
                                const std::string& where) const {
    if (!n.IsSequence() || n.size() == 0)
      Fail(where, "expected a non-empty list of values", key.def->allowed);
    std::vector<Value> values;
    for (size_t i = 0; i < n.size(); ++i) values.push_back(ReadValue(key, n[i], Item(where, i)));
    return values;
  }

  void ReadGrid(const YAML::Node& grid) {
    if (!grid.IsSequence()) Fail("axes.grid", "expected a list of {key, values}");
    for (size_t i = 0; i < grid.size(); ++i) {
      const std::string where = Item("axes.grid", i);
      CheckMap(grid[i], where, {"key", "values"}, "a map");
      if (!grid[i]["key"]) Fail(Child(where, "key"), "missing required key", kKeyForms);
      if (!grid[i]["values"]) Fail(Child(where, "values"), "missing required key", "a list");
      const int k =
          AddKey(Scalar(grid[i]["key"], Child(where, "key"), kKeyForms), Child(where, "key"));
      Dim d;
      d.keys.push_back(k);
      for (Value& v : ReadValues(s_.keys[k], grid[i]["values"], Child(where, "values")))
        d.rows.push_back({v});
      s_.dims.push_back(std::move(d));
    }
  }

  void ReadZip(const YAML::Node& zip) {
    const std::string allowed = "a list of maps: key -> list of values, equally long";
    if (!zip.IsSequence()) Fail("axes.zip", "expected a list of groups", allowed);
    for (size_t i = 0; i < zip.size(); ++i) {
      const std::string where = Item("axes.zip", i);
      if (!zip[i].IsMap() || zip[i].size() == 0) Fail(where, "expected a map", allowed);
      Dim d;
      std::string first;
      for (const auto& kv : zip[i]) {
        const std::string text = kv.first.Scalar();
        const std::string at = where + "[" + text + "]";
        const int k = AddKey(text, at);
        const std::vector<Value> values = ReadValues(s_.keys[k], kv.second, at);
        if (d.keys.empty()) {
          first = text;
          d.rows.resize(values.size());
        } else if (values.size() != d.rows.size()) {
          Fail(at,
               "has " + std::to_string(values.size()) + " values, " + first + " has " +
                   std::to_string(d.rows.size()),
               "the same number of values for every key of a group");
        }
        d.keys.push_back(k);
        for (size_t j = 0; j < values.size(); ++j) d.rows[j].push_back(values[j]);
      }
      s_.dims.push_back(std::move(d));
    }
  }

  // The draws of one random key, in [min, max].
  struct Range {
    int key = 0;
    std::vector<Value> choices;  // or:
    std::string scale;
    int64_t lo = 0, hi = 0;   // int, log2 (exponents)
    double min = 0, max = 0;  // linear
  };

  Range ReadRange(int k, const YAML::Node& n, const std::string& where) const {
    const KeyRef& key = s_.keys[k];
    Range r;
    r.key = k;
    if (n.IsMap() && n["choices"]) {
      CheckMap(n, where, {"choices"}, "a map");
      r.choices = ReadValues(key, n["choices"], Child(where, "choices"));
      return r;
    }
    CheckMap(n, where, {"min", "max", "scale"}, "{min, max[, scale]} or {choices}");
    const std::string& type = key.def->type;
    if (type != "int" && type != "float")
      Fail(where, "'" + key.text + "' is a " + type + " key", "{choices: [...]}");
    for (const char* m : {"min", "max"})
      if (!n[m]) Fail(Child(where, m), "missing required key", key.def->allowed);
    r.scale = type == "int" ? "int" : "linear";
    if (n["scale"]) r.scale = Scalar(n["scale"], Child(where, "scale"), "linear, int, log2");
    if (r.scale != "linear" && r.scale != "int" && r.scale != "log2")
      Fail(Child(where, "scale"), "unknown scale '" + r.scale + "'", "linear, int, log2");
    if (r.scale == "linear" && type == "int")
      Fail(Child(where, "scale"), "linear draws reals; " + key.text + " takes integers",
           "int, log2");
    const auto scalar = [&](const char* m) {
      const YAML::Node v = n[m];
      if (!v.IsScalar()) Fail(Child(where, m), "expected a single value", key.def->allowed);
      return Value{YAML::Clone(v), v.Scalar(), Child(where, m)};
    };
    const Value lo = scalar("min"), hi = scalar("max");
    const auto number = [&](const Value& v) {
      char* end = nullptr;
      const double d = std::strtod(v.text.c_str(), &end);
      if (v.text.empty() || *end != '\0' || !std::isfinite(d))
        Fail(v.where, "'" + v.text + "' is not a number", key.def->allowed);
      if (r.scale == "linear") return d;
      if (d != std::floor(d) || std::fabs(d) > 9.0e15)
        Fail(v.where, "'" + v.text + "' is not an integer", "an integer (scale " + r.scale + ")");
      if (r.scale == "log2" && (d < 1 || (int64_t(d) & (int64_t(d) - 1)) != 0))
        Fail(v.where, v.text + " is not a power of two", "a power of two (scale log2)");
      return d;
    };
    r.min = number(lo);
    r.max = number(hi);
    if (r.max < r.min) Fail(hi.where, "is less than min", "max >= min");
    CheckValue(key, lo);
    CheckValue(key, hi);
    r.lo = r.scale == "log2" ? int64_t(std::log2(r.min) + 0.5) : int64_t(r.min);
    r.hi = r.scale == "log2" ? int64_t(std::log2(r.max) + 0.5) : int64_t(r.max);
    return r;
  }

  void ReadRandom(const YAML::Node& n) {
    const std::string where = "axes.random";
    CheckMap(n, where, {"samples", "seed", "keys"}, "a map");
    for (const char* key : {"samples", "seed", "keys"})
      if (!n[key]) Fail(Child(where, key), "missing required key");
    const std::string samples_allowed = "an integer 1.." + std::to_string(kMaxSamples);
    const uint64_t samples =
        Unsigned(n["samples"], Child(where, "samples"), kMaxSamples, samples_allowed);
    if (samples == 0) Fail(Child(where, "samples"), "0 is out of range", samples_allowed);
    uint64_t x =
        Unsigned(n["seed"], Child(where, "seed"), UINT64_MAX, "an integer 0..18446744073709551615");
    const YAML::Node keys = n["keys"];
    const std::string keys_where = Child(where, "keys");
    if (!keys.IsMap() || keys.size() == 0)
      Fail(keys_where, "expected a map", "key -> {min, max[, scale]} or {choices}");
    std::vector<Range> ranges;
    for (const auto& kv : keys) {
      const std::string at = keys_where + "[" + kv.first.Scalar() + "]";
      ranges.push_back(ReadRange(AddKey(kv.first.Scalar(), at), kv.second, at));
    }
    // SplitMix64 (Steele, Lea, Flood 2014): the same draws on every platform.
    const auto next = [&x] {
      uint64_t z = (x += 0x9e3779b97f4a7c15ull);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      return z ^ (z >> 31);
    };
    Dim d;
    for (const Range& r : ranges) d.keys.push_back(r.key);
    for (uint64_t s = 0; s < samples; ++s) {
      std::vector<Value> row;
      for (const Range& r : ranges) {
        const uint64_t draw = next();
        Value v;
        if (!r.choices.empty()) {
          v = r.choices[draw % r.choices.size()];
        } else if (r.scale == "linear") {
          const double u = double(draw >> 11) * 0x1p-53;
          v.text = FormatDouble(std::min(r.max, r.min + (r.max - r.min) * u));
        } else {
          const int64_t i = r.lo + int64_t(draw % uint64_t(r.hi - r.lo + 1));
          v.text = std::to_string(r.scale == "log2" ? int64_t(1) << i : i);
        }
        v.node = YAML::Node(v.text);
        v.where = s_.keys[r.key].where + " (sample " + std::to_string(s) + ")";
        row.push_back(v);
      }
      d.rows.push_back(row);
    }
    s_.dims.push_back(std::move(d));
  }

  void ReadDerived(const YAML::Node& n) {
    const std::string forms = "\"= <key>\", \"= <key> * <number>\" or \"= <key> / <number>\"";
    if (!n.IsMap() || n.size() == 0) Fail("axes.derived", "expected a map", "key -> " + forms);
    static const std::regex kExpr(R"(^=\s*(\S+?)\s*(?:([*/])\s*(\S+))?\s*$)");
    struct Pending {
      int target;
      std::string source, where;
      Derived d;
    };
    std::vector<Pending> pending;
    for (const auto& kv : n) {
      const std::string where = "axes.derived[" + kv.first.Scalar() + "]";
      Pending p{AddKey(kv.first.Scalar(), where), "", where, {}};
      const std::string expr = Scalar(kv.second, where, forms);
      std::smatch m;
      if (!std::regex_match(expr, m, kExpr))
        Fail(where, "'" + expr + "' is not a derived-key expression", forms);
      p.source = m[1];
      if (m[2].length() > 0) {
        p.d.op = std::string(m[2])[0];
        p.d.k_text = m[3];
        char* end = nullptr;
        p.d.k = std::strtod(p.d.k_text.c_str(), &end);
        if (*end != '\0' || !std::isfinite(p.d.k) || p.d.k == 0)
          Fail(where, "'" + p.d.k_text + "' is not a non-zero number", forms);
        const std::string& type = s_.keys[p.target].def->type;
        if (type != "int" && type != "float")
          Fail(where, "arithmetic on a " + type + " key", "\"= <key>\"");
      }
      pending.push_back(p);
    }
    // The sources, once every target is known: no source is itself derived.
    for (Pending& p : pending) {
      const auto it = std::find_if(s_.keys.begin(), s_.keys.end(),
                                   [&](const KeyRef& k) { return k.text == p.source; });
      if (it != s_.keys.end() && it->where.rfind("axes.derived", 0) == 0)
        Fail(p.where, "'" + p.source + "' is itself derived", "a key no derived entry sets");
      if (it != s_.keys.end()) {
        p.d.source = *it;
      } else {
        // A key the axes leave at its base value: checked as a swept key, but not a column.
        p.d.source = s_.keys[AddKey(p.source, p.where)];
        s_.keys.pop_back();
      }
      const KeyRef& src = p.d.source;
      if (src.path.find("[]") != std::string::npos)
        Fail(p.where, "'" + p.source + "' names every layer", "a layer by index, layers[N]");
      if (p.d.op && src.def->type != "int" && src.def->type != "float")
        Fail(p.where, "arithmetic on a " + src.def->type + " key", "\"= <key>\"");
      p.d.target = p.target;
      s_.derived.push_back(p.d);
    }
  }

  Spec& s_;
};

}  // namespace

Spec ReadSpec(const std::string& file) {
  Spec s;
  s.file = file;
  Reader(s).Read();
  return s;
}

std::vector<Segment> Segments(const std::string& path) {
  static const std::regex kIndexed(R"(^([A-Za-z0-9_]+)\[([0-9]*)\]$)");
  std::vector<Segment> segs;
  size_t begin = 0;
  while (true) {
    const size_t dot = path.find('.', begin);
    const std::string s = path.substr(begin, dot == std::string::npos ? dot : dot - begin);
    Segment seg;
    std::smatch m;
    if (std::regex_match(s, m, kIndexed)) {
      seg.name = m[1];
      seg.indexed = true;
      if (m[2].length() > 0) seg.index = m[2].length() > 9 ? -2 : std::stoll(m[2]);
    } else {
      seg.name = s;
    }
    segs.push_back(seg);
    if (dot == std::string::npos) return segs;
    begin = dot + 1;
  }
}

}  // namespace cssim::sweep
