// The parts of a sweep spec as spec_read.cc reads them and spec.cc expands them (spec.h has the
// format). Internal to model/sweep.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

#include "model/config/config.h"
#include "model/config/params.h"

namespace cssim::sweep {

inline constexpr int kKinds = 3;
inline const char* const kKindNames[kKinds] = {"arch", "workload", "energy"};

// One swept key.
struct KeyRef {
  std::string text;  // as the spec writes it: "workload.layers[2].weight_density"
  int kind = 0;      // index in kKindNames
  std::string path;  // the key path in its file: "layers[2].weight_density"
  const ParamDef* def = nullptr;
  std::string where;  // the spec's key path that names it: "axes.grid[0].key"
};

struct Value {
  YAML::Node node;    // a scalar
  std::string text;   // its text, for the manifest
  std::string where;  // the spec's key path of the value
};

// One loop of the expansion: `keys` advance together through `rows` (rows[i][j]: the value of
// keys[j] at step i).
struct Dim {
  std::vector<int> keys;  // indices into Spec::keys
  std::vector<std::vector<Value>> rows;
};

// A derived key: target = source, or source * k, or source / k.
struct Derived {
  int target = 0;  // index into Spec::keys
  KeyRef source;   // a swept key, or one the axes leave at its base value
  char op = 0;     // 0, '*' or '/'
  double k = 1;
  std::string k_text;
};

struct Spec {
  std::string file, name;
  ConfigFile base[kKinds];
  YAML::Node root[kKinds];  // the base files, the spec's seed applied
  std::vector<std::string> modes;
  std::vector<KeyRef> keys;  // every swept key: the axes' keys in spec order, derived last
  std::vector<Dim> dims;     // outermost first
  std::vector<Derived> derived;
};

// One segment of a key path: "glb", "layers[2]" (index 2) or "layers[]" (index -1).
struct Segment {
  std::string name;
  bool indexed = false;
  int64_t index = -1;
};
std::vector<Segment> Segments(const std::string& path);

// Reads and checks the spec (each swept value alone on its base file); throws InputError.
Spec ReadSpec(const std::string& file);

// The loaded arch and workload of a point (what the compile check needs).
struct Loaded {
  ArchSpec arch;
  Workload workload;
};

// The kind's loader (ArchFromYaml etc.) on `root`, written back with ToYaml; with `out`, the
// loaded spec is kept there. `source` names where the config came from in the YAML's leading
// comment.
std::string LoadResolved(const Spec& s, int kind, const YAML::Node& root, const std::string& source,
                         Loaded* out = nullptr);
// Sets `key` to `value` in `root` (a copy of its kind's base file).
void SetKey(YAML::Node root, const KeyRef& key, const YAML::Node& value);
// The value of `key` in a resolved YAML document; "" when the document leaves it out.
std::string GetKey(const YAML::Node& resolved, const KeyRef& key);
// An InputError of a loader on the kind's file (named by its path or by `source`), as text
// after the spec's key path: "arch.glb.size_kib: 0 is out of range; allowed: ...".
std::string LoaderProblem(const Spec& s, int kind, const std::exception& e,
                          const std::string& source = "");

}  // namespace cssim::sweep
