// The key tables: one per file kind (arch, workload, energy, chip), each row binding a key path
// to its C++ member with the key's schema (type, unit, default, range, meaning). AllParams()
// (and so ParamReader, `cssim list-params` and FindParam) is the rows' ParamDefs; ReadKeys and
// WriteKeys are the reader and the resolved-YAML writer of the bound rows. The parts a row
// cannot express (lists of layers, free-named energy components, rules that join keys) stay
// hand-written in config.cc; each table names them at its definition.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "model/base/arch_spec.h"
#include "model/base/energy.h"
#include "model/base/error.h"
#include "model/base/workload.h"
#include "model/chip/chip.h"
#include "model/config/params.h"

namespace cssim {

// "a, b, c" from {"a", "b", "c"} and ", " (lists of allowed values in messages).
std::string Join(const std::vector<std::string>& items, const std::string& sep);

// Upper bounds that read as "no limit but the C++ type's".
inline constexpr double kIntMax = 2147483647.0;             // fields stored as int
inline constexpr double kInt64Max = 9223372036854775807.0;  // fields stored as (u)int64

// Schema rows without a binding (the fields every def has, and the checks ParamReader applies).
ParamDef IntDef(std::string kind, std::string key, std::string unit, std::string default_value,
                double min, double max, std::string description);
ParamDef Pow2Def(std::string kind, std::string key, std::string unit, std::string default_value,
                 double min, double max, std::string description);
ParamDef FloatDef(std::string kind, std::string key, std::string unit, std::string default_value,
                  double min, double max, std::string description);
ParamDef EnumDef(std::string kind, std::string key, std::string default_value,
                 std::vector<std::string> choices, std::string description);
ParamDef TextDef(std::string kind, std::string key, std::string description);  // non-empty
ParamDef ContainerDef(std::string kind, std::string key, std::string type,
                      std::string description);  // type "list" | "map", of maps
// `d` taken only by list items of these types (space separated).
ParamDef ForTypes(ParamDef d, std::string applies_to);

// T, in a parameter that takes no part in template argument deduction.
template <typename T>
struct NoDeduce {
  using type = T;
};

// A member of Spec, read and written by value.
template <typename Spec, typename T>
struct Field {
  std::function<T(const Spec&)> get;
  std::function<void(Spec&, T)> set;
};

// Spec::*m, or a member of a member: Bind(&ArchSpec::glb, &GlbSpec::size_kib).
template <typename Spec, typename T>
Field<Spec, T> Bind(T Spec::*m) {
  return {[m](const Spec& s) { return s.*m; }, [m](Spec& s, T v) { s.*m = std::move(v); }};
}
template <typename Spec, typename Part, typename T>
Field<Spec, T> Bind(Part Spec::*part, T Part::*m) {
  return {[part, m](const Spec& s) { return s.*part.*m; },
          [part, m](Spec& s, T v) { s.*part.*m = std::move(v); }};
}

// One key of a Spec file: its schema row and, unless hand-written, how it is read and written.
template <typename Spec>
struct KeyRow {
  ParamDef def;
  // Reads the key (`leaf`, its last path segment) from the reader of its map. Null: read by
  // hand-written code.
  std::function<void(const ParamReader& r, const std::string& leaf, Spec& s)> read;
  // Emits the value after YAML::Value. Null: written by hand-written code.
  std::function<void(YAML::Emitter& out, const Spec& s)> write;
  // Run right after `read`: a rule joining this key to keys read before it (e.g. the GLB size
  // must divide into its banks). Null: none.
  std::function<void(const ParamReader& r, const Spec& s)> check;
  // The default is computed by an earlier row (default text "from dram.preset"): an absent key
  // leaves the member as that row set it.
  bool keep_when_absent = false;
};

// A table under construction. Each adder appends one row; the modifiers after it change the
// row just added. Bound rows default to the member's value in a default-constructed Spec, so
// the struct's initialisers stay the one place that states them.
template <typename Spec>
class KeyTable {
 public:
  explicit KeyTable(std::string kind) : kind_(std::move(kind)) {}

  template <typename T>
  KeyTable& Int(std::string key, std::string unit, double min, double max, Field<Spec, T> f,
                std::string description) {
    static_assert(std::is_integral_v<T>, "Int binds an integer member");
    // Every value the schema accepts must fit the member (checked when the table is built).
    if (min < double(std::numeric_limits<T>::lowest()) ||
        max > double(std::numeric_limits<T>::max()))
      throw SimError(kind_ + " key '" + key + "': its range does not fit the member's type");
    Add(IntDef(kind_, std::move(key), std::move(unit), Default(f), min, max,
               std::move(description)));
    BindNumber(f, [](const ParamReader& r, const std::string& k) { return r.Int(k); });
    return *this;
  }
  template <typename T>
  KeyTable& Pow2(std::string key, std::string unit, double min, double max, Field<Spec, T> f,
                 std::string description) {
    Int(std::move(key), std::move(unit), min, max, f, std::move(description));
    ParamDef& d = rows_.back().def;
    d = Pow2Def(kind_, d.key, d.unit, d.default_value, min, max, d.description);
    return *this;
  }
  KeyTable& Float(std::string key, std::string unit, double min, double max, Field<Spec, double> f,
                  std::string description) {
    Add(FloatDef(kind_, std::move(key), std::move(unit), Default(f), min, max,
                 std::move(description)));
    BindNumber(f, [](const ParamReader& r, const std::string& k) { return r.Float(k); });
    return *this;
  }
  // Non-empty text.
  KeyTable& Text(std::string key, Field<Spec, std::string> f, std::string description) {
    Add(TextDef(kind_, std::move(key), std::move(description)));
    BindString(
        f, [](const std::string& s) { return s; }, [](const std::string& s) { return s; });
    return *this;
  }
  // One of `choices`; an enum member converts with `name` / `parse` (the schema has checked
  // the word against the choices before `parse` sees it).
  template <typename E>
  KeyTable& Enum(std::string key, std::vector<std::string> choices, Field<Spec, E> f,
                 typename NoDeduce<std::function<std::string(E)>>::type name,
                 typename NoDeduce<std::function<E(const std::string&)>>::type parse,
                 std::string description) {
    Add(EnumDef(kind_, std::move(key), name(f.get(Spec())), std::move(choices),
                std::move(description)));
    BindString(f, name, parse);
    return *this;
  }
  KeyTable& Enum(std::string key, std::vector<std::string> choices, Field<Spec, std::string> f,
                 std::string description) {
    const auto same = [](const std::string& s) { return s; };
    return Enum<std::string>(std::move(key), std::move(choices), f, same, same,
                             std::move(description));
  }
  // A schema row read and written by hand-written code (the table's comment says where).
  KeyTable& Unbound(ParamDef d) {
    Add(std::move(d));
    return *this;
  }

  // Modifiers of the last row.
  KeyTable& Required() {  // no default: an absent key is an error
    rows_.back().def.default_value = "";
    return *this;
  }
  KeyTable& ComputedDefault(std::string text) {  // see KeyRow::keep_when_absent
    rows_.back().def.default_value = std::move(text);
    rows_.back().keep_when_absent = true;
    return *this;
  }
  KeyTable& For(std::string applies_to) {  // see ParamDef::applies_to
    rows_.back().def.applies_to = std::move(applies_to);
    return *this;
  }
  KeyTable& Check(std::function<void(const ParamReader&, const Spec&)> check) {
    rows_.back().check = std::move(check);
    return *this;
  }

  const std::vector<KeyRow<Spec>>& rows() const { return rows_; }

 private:
  void Add(ParamDef d) {
    KeyRow<Spec> row;
    row.def = std::move(d);
    rows_.push_back(std::move(row));
  }
  template <typename T>
  static std::string Default(const Field<Spec, T>& f) {
    return FormatDouble(double(f.get(Spec())));
  }
  template <typename T, typename ReadFn>
  void BindNumber(Field<Spec, T> f, ReadFn read) {
    KeyRow<Spec>& row = rows_.back();
    row.read = [f, read](const ParamReader& r, const std::string& leaf, Spec& s) {
      f.set(s, T(read(r, leaf)));  // in range of T: the schema's ranges fit the member
    };
    row.write = [f](YAML::Emitter& out, const Spec& s) {
      if constexpr (std::is_floating_point_v<T>)
        out << FormatDouble(f.get(s));
      else
        out << f.get(s);
    };
  }
  template <typename E>
  void BindString(Field<Spec, E> f, typename NoDeduce<std::function<std::string(E)>>::type name,
                  typename NoDeduce<std::function<E(const std::string&)>>::type parse) {
    KeyRow<Spec>& row = rows_.back();
    row.read = [f, parse](const ParamReader& r, const std::string& leaf, Spec& s) {
      f.set(s, parse(r.String(leaf)));
    };
    row.write = [f, name](YAML::Emitter& out, const Spec& s) { out << name(f.get(s)); };
  }

  std::string kind_;
  std::vector<KeyRow<Spec>> rows_;
};

// The tables, built on first use (arch_keys.cc, workload_keys.cc, energy_keys.cc,
// chip_keys.cc). AllParams() is their defs in this order: arch, workload, the workload's
// layers[] keys, energy, the energy entries, chip.
const KeyTable<ArchSpec>& ArchKeys();
const KeyTable<Workload>& WorkloadKeys();
const KeyTable<Layer>& LayerKeys();  // the keys of one layers[] item
const KeyTable<EnergyTable>& EnergyKeys();
const KeyTable<EnergyEntry>& EnergyEntryKeys();  // keys under components.<component>.<action>
const KeyTable<ChipSpec>& ChipKeys();

// "glb.size_kib" below `prefix` "" -> {"glb", "size_kib"}; "name" -> {"", "name"}.
std::pair<std::string, std::string> SplitKey(const std::string& key, const std::string& prefix);

// Reads every bound row of `table` from `r`, the reader of the map whose schema is `prefix`,
// in table order; rows in a nested map ("glb.banks") are read from r.Map("glb"), opened when
// the first of its rows is reached (as hand-written code would, so messages come in the same
// order). With `type`, only the rows that list items of that type take.
template <typename Spec>
void ReadKeys(const ParamReader& r, const std::string& prefix, const KeyTable<Spec>& table, Spec& s,
              const std::string& type = "") {
  std::string open;
  std::optional<ParamReader> section;
  for (const KeyRow<Spec>& row : table.rows()) {
    if (!row.read || !AppliesTo(row.def, type)) continue;
    const auto [map, leaf] = SplitKey(row.def.key, prefix);
    if (!map.empty() && map != open) {
      section.emplace(r.Map(map));
      open = map;
    }
    const ParamReader& from = map.empty() ? r : *section;
    if (row.keep_when_absent && !from.Has(leaf)) continue;
    row.read(from, leaf, s);
    if (row.check) row.check(from, s);
  }
}

// Writes every bound row of `table` into the open map `out`, in table order; the rows of a
// nested map go into one flow map (one section per line, as the hand-written files are). With
// `type`, only the rows that list items of that type take.
template <typename Spec>
void WriteKeys(YAML::Emitter& out, const std::string& prefix, const KeyTable<Spec>& table,
               const Spec& s, const std::string& type = "") {
  std::string open;
  for (const KeyRow<Spec>& row : table.rows()) {
    if (!row.write || !AppliesTo(row.def, type)) continue;
    const auto [map, leaf] = SplitKey(row.def.key, prefix);
    if (map != open) {
      if (!open.empty()) out << YAML::EndMap;
      if (!map.empty()) out << YAML::Key << map << YAML::Value << YAML::Flow << YAML::BeginMap;
      open = map;
    }
    out << YAML::Key << leaf << YAML::Value;
    row.write(out, s);
  }
  if (!open.empty()) out << YAML::EndMap;
}

}  // namespace cssim
