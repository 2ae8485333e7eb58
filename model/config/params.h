// The parameter schema: every key of the arch, workload, energy and chip files. Its rows are
// those of the key tables in keys.h, which also bind each key to its C++ member. ParamReader
// checks a YAML map against it (type, range, unknown keys, defaults) and `cssim list-params`
// prints it with PrintParams, so the documentation cannot drift from the checks.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace cssim {

struct ParamDef {
  std::string file_kind;  // "arch" | "workload" | "energy" | "chip"
  // Dotted path: "glb.size_kib"; list items "layers[].kernel"; free-named map keys in angle
  // brackets, "components.<component>.<action>.energy".
  std::string key;
  std::string type;  // "int" | "float" | "enum" | "string" | "list" | "map"
  std::string unit;  // "-" when the value has no unit
  // "" = required. A number or word is the value used when the key is absent; other text
  // (e.g. "from dram.preset") describes a default the loader computes.
  std::string default_value;
  std::string allowed;  // generated from the checks below, so the two cannot disagree
  std::string description;

  // Checks that ParamReader applies.
  double min = 0, max = 0;           // int, float: inclusive range; string: min = shortest length
  bool power_of_two = false;         // int
  std::vector<std::string> choices;  // enum
  // Keys of list items that have a `type` key: the types that take this key (space separated);
  // "" = every type.
  std::string applies_to;
};

// All keys, grouped by file kind, in file order. Built on first use.
const std::vector<ParamDef>& AllParams();
// The def of `key` in files of `kind`, or null.
const ParamDef* FindParam(const std::string& kind, const std::string& key);
// An aligned table: kind, key, type, unit, default, allowed, description.
void PrintParams(std::ostream& os);

// Reads one YAML map of a `kind` file against the schema. `path` is the map's key path in the
// file, used in messages ("" for the document, "glb", "layers[3]"); `schema` is its key prefix
// in AllParams() ("", "glb", "layers[]"). The constructor rejects a node that is not a map,
// duplicate keys, and keys the schema does not declare under `schema`. Every error is an
// InputError naming the file and the key path.
class ParamReader {
 public:
  ParamReader(std::string file, std::string kind, const YAML::Node& node, std::string path,
              std::string schema);

  bool Has(const std::string& key) const;
  // Absent keys take the declared default; an absent required key is an error.
  int64_t Int(const std::string& key) const;
  double Float(const std::string& key) const;
  std::string String(const std::string& key) const;  // "string" and "enum" keys
  // Absent keys give nullopt (for keys whose default the caller computes).
  std::optional<int64_t> OptInt(const std::string& key) const;
  std::optional<double> OptFloat(const std::string& key) const;
  // A nested map (absent: an empty one, so that every key in it takes its default).
  ParamReader Map(const std::string& key) const;
  // The raw node of a "list" or "map" key (absent: an undefined node).
  YAML::Node Raw(const std::string& key) const;
  // Rejects keys declared only for other item types (e.g. `shift` in a conv layer).
  void CheckAppliesTo(const std::string& type) const;

  // "<path>.<key>" (or "<key>" at the document root).
  std::string Path(const std::string& key) const;
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }
  [[noreturn]] void Fail(const std::string& key, const std::string& problem,
                         const std::string& allowed = "") const;

 private:
  const ParamDef& Def(const std::string& key) const;
  YAML::Node Get(const std::string& key) const;  // checks the scalar and the def's type
  int64_t ParseInt(const ParamDef& def, const std::string& key, const YAML::Node& n) const;
  double ParseFloat(const ParamDef& def, const std::string& key, const YAML::Node& n) const;

  std::string file_, kind_;
  YAML::Node node_;
  std::string path_, schema_;
};

// Whether list items of `type` take `d` (see ParamDef::applies_to); every def applies to "".
bool AppliesTo(const ParamDef& d, const std::string& type);

// Keys that ParamReader accepts under `schema` in files of `kind`, in declaration order
// (first path segment only: "glb" for "glb.banks"); with `type`, only those that apply to it.
std::vector<std::string> ChildKeys(const std::string& kind, const std::string& schema,
                                   const std::string& type = "");

// Shortest decimal text that reads back as exactly `v` (for configs written back to YAML).
std::string FormatDouble(double v);

}  // namespace cssim
