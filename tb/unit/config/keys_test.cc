// The key tables against the reader and the writer: every scalar key of every file kind (of
// layers[], the bound ones; WorkloadToYamlLoadsBackEqual covers the hand-written ones), set
// alone to a value away from its current one, reads into the spec and is written back as exactly
// that change (so a row whose reader and writer use different members, or two rows sharing one
// member, fails), an absent key reads as its documented default, and every row is bound unless
// the table says it is hand-written.
#include "model/config/keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/config/config.h"
#include "model/config/params.h"
#include "tb/common/temp_file.h"

namespace cssim {
namespace {

// Loads the file at a path and returns its resolved YAML.
using Resolve = std::function<std::string(const std::string& path)>;

// The node path of a key: "glb.banks" -> {glb, banks}; free-named map levels take `component`
// and `action` ("components.<component>.<action>.energy" -> {components, mac, mac, energy}).
std::vector<std::string> NodePath(const std::string& key, const std::string& component = "",
                                  const std::string& action = "") {
  std::vector<std::string> path;
  size_t start = 0;
  while (true) {
    const size_t dot = key.find('.', start);
    std::string seg = key.substr(start, dot == std::string::npos ? dot : dot - start);
    if (seg == "<component>") seg = component;
    if (seg == "<action>") seg = action;
    path.push_back(seg);
    if (dot == std::string::npos) return path;
    start = dot + 1;
  }
}

// The node at `path` below `root` (operator= on a YAML::Node assigns, so walk with reset()).
YAML::Node At(const YAML::Node& root, const std::vector<std::string>& path) {
  YAML::Node n = root;
  for (const std::string& seg : path) {
    const YAML::Node child = n[seg];
    n.reset(child);
  }
  return n;
}

// Values of `d` other than `current` that the schema accepts, most ordinary first.
std::vector<std::string> OtherValues(const ParamDef& d, const std::string& current) {
  std::vector<std::string> out;
  const auto add = [&](double v) {
    if (!std::isfinite(v) || v < d.min || v > d.max || std::fabs(v) > 1e12) return;
    if (d.type == "int") {
      const long long i = (long long)v;
      if (double(i) != v) return;
      if (d.power_of_two && (i <= 0 || (i & (i - 1)) != 0)) return;
    }
    const std::string s = FormatDouble(v);
    if (s != current && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  if (d.type == "int" || d.type == "float") {
    const double v = std::strtod(current.c_str(), nullptr);
    const double half = d.type == "int" ? std::floor(v / 2) : v / 2;
    for (double c : {v * 2, half, v + 1, v - 1, d.min, d.max}) add(c);
  } else if (d.type == "enum") {
    for (const std::string& c : d.choices)
      if (c != current) out.push_back(c);
  } else if (d.type == "string") {
    out.push_back(current + "_changed");
  }
  return out;
}

// For every key of `kind` (skipping keys whose prefix is in `skip`): sets it alone in `base`
// (a resolved file) to each other value until one loads, and expects the resolved YAML of
// what loaded to be `base` with exactly that one change.
void ExpectEveryKeyRoundTripsAlone(const std::string& kind, const std::string& base_yaml,
                                   const Resolve& resolve, const std::vector<std::string>& skip,
                                   const std::string& component = "",
                                   const std::string& action = "") {
  const YAML::Node base = YAML::Load(base_yaml);
  int tested = 0;
  for (const ParamDef& d : AllParams()) {
    if (d.file_kind != kind || d.type == "list" || d.type == "map") continue;
    bool skipped = false;
    for (const std::string& s : skip) skipped |= d.key.compare(0, s.size(), s) == 0;
    if (skipped) continue;
    const std::vector<std::string> path = NodePath(d.key, component, action);
    const YAML::Node current = At(base, path);
    ASSERT_TRUE(current.IsScalar()) << kind << " " << d.key << " is not written";
    bool loaded = false;
    for (const std::string& value : OtherValues(d, current.Scalar())) {
      const YAML::Node expected = YAML::Clone(base);
      At(expected, path) = value;
      const std::string file = WriteTemp("one_key.yaml", YAML::Dump(expected));
      std::string resolved;
      try {
        resolved = resolve(file);
      } catch (const InputError&) {
        continue;  // e.g. the GLB no longer divides into its banks: try the next value
      }
      loaded = true;
      EXPECT_EQ(YAML::Dump(YAML::Load(resolved)), YAML::Dump(expected))
          << kind << " " << d.key << " set to " << value;
      break;
    }
    EXPECT_TRUE(loaded) << kind << " " << d.key << ": no other value loads";
    ++tested;
  }
  EXPECT_GT(tested, 0);
}

TEST(Keys, EveryArchKeyRoundTripsAlone) {
  const Resolve resolve = [](const std::string& path) { return ToYaml(LoadArch(path)); };
  // dram.preset sets every other dram key by design (ArchToYamlLoadsBackEqual covers it).
  for (const std::string arch : {"default", "tpu-like", "scalesim-32x32"})
    ExpectEveryKeyRoundTripsAlone("arch", ToYaml(LoadArch(arch)), resolve, {"dram.preset"});
  // eyeriss-like runs rs, which only the multicast topology has: its topology cannot change
  // alone.
  ExpectEveryKeyRoundTripsAlone("arch", ToYaml(LoadArch("eyeriss-like")), resolve,
                                {"dram.preset", "array.topology"});
}

TEST(Keys, EveryChipKeyRoundTripsAlone) {
  const Resolve resolve = [](const std::string& path) { return ToYaml(LoadChip(path)); };
  ExpectEveryKeyRoundTripsAlone("chip", ToYaml(LoadChip("u250-like")), resolve, {});
}

TEST(Keys, EveryEnergyKeyRoundTripsAlone) {
  const Resolve resolve = [](const std::string& path) { return ToYaml(LoadEnergyTable(path)); };
  // glb.read has a size scaling, so size_exponent and ref_size_bytes can both move.
  ExpectEveryKeyRoundTripsAlone("energy", ToYaml(LoadEnergyTable("45nm")), resolve, {}, "glb",
                                "read");
}

TEST(Keys, EveryTopLevelWorkloadKeyRoundTripsAlone) {
  const Resolve resolve = [](const std::string& path) { return ToYaml(LoadWorkload(path)); };
  ExpectEveryKeyRoundTripsAlone("workload", ToYaml(LoadWorkload("gsc-dense")), resolve,
                                {"layers[]"});
}

// Each bound layers[] key, in the first built-in layer of a type that takes it.
TEST(Keys, EveryBoundLayerKeyRoundTripsAlone) {
  int tested = 0;
  for (const KeyRow<Layer>& row : LayerKeys().rows()) {
    if (!row.read) continue;
    const std::string leaf = row.def.key.substr(std::string("layers[].").size());
    bool loaded = false;
    for (const std::string& name : BuiltinNames("workload")) {
      const YAML::Node base = YAML::Load(ToYaml(LoadWorkload(name)));
      const YAML::Node layers = base["layers"];
      for (size_t i = 0; i < layers.size() && !loaded; ++i) {
        if (!AppliesTo(row.def, layers[i]["type"].Scalar())) continue;
        for (const std::string& value : OtherValues(row.def, layers[i][leaf].Scalar())) {
          YAML::Node expected = YAML::Clone(base);
          expected["layers"][i][leaf] = value;
          std::string resolved;
          try {
            resolved = ToYaml(LoadWorkload(WriteTemp("one_key.yaml", YAML::Dump(expected))));
          } catch (const InputError&) {
            continue;
          }
          loaded = true;
          EXPECT_EQ(YAML::Dump(YAML::Load(resolved)), YAML::Dump(expected))
              << name << " layers[" << i << "]." << leaf << " set to " << value;
          break;
        }
      }
      if (loaded) break;
    }
    EXPECT_TRUE(loaded) << row.def.key << ": no built-in layer takes another value";
    ++tested;
  }
  EXPECT_GT(tested, 0);
}

// An absent key reads as the default the schema documents (unless "from ..." or required).
void ExpectDocumentedDefaults(const std::string& kind, const std::string& minimal_yaml,
                              const Resolve& resolve, const std::string& prefix) {
  const YAML::Node resolved = YAML::Load(resolve(WriteTemp("minimal.yaml", minimal_yaml)));
  int tested = 0;
  for (const ParamDef& d : AllParams()) {
    if (d.file_kind != kind || d.key.compare(0, prefix.size(), prefix) != 0) continue;
    if (d.default_value.empty() || d.default_value.compare(0, 5, "from ") == 0) continue;
    const YAML::Node n = At(resolved, NodePath(d.key, "mac", "mac"));
    ASSERT_TRUE(n.IsScalar()) << d.key;
    EXPECT_EQ(n.Scalar(), d.default_value) << kind << " " << d.key;
    ++tested;
  }
  EXPECT_GT(tested, 0);
}

TEST(Keys, AbsentKeysReadAsTheirDocumentedDefaults) {
  ExpectDocumentedDefaults(
      "arch", "name: minimal\n", [](const std::string& p) { return ToYaml(LoadArch(p)); }, "");
  ExpectDocumentedDefaults(
      "workload",
      "name: w\ninput: {channels: 1, height: 4, width: 4}\nlayers:\n  - {name: r, type: relu}\n",
      [](const std::string& p) { return ToYaml(LoadWorkload(p)); }, "seed");
  ExpectDocumentedDefaults(
      "energy",
      "name: e\nunit: pJ\ndescription: d\ncomponents:\n  mac: {mac: {energy: 1, source: s}}\n",
      [](const std::string& p) { return ToYaml(LoadEnergyTable(p)); }, "components.");
}

template <typename Spec>
std::vector<std::string> UnboundKeys(const KeyTable<Spec>& table) {
  std::vector<std::string> keys;
  for (const KeyRow<Spec>& row : table.rows()) {
    EXPECT_EQ(bool(row.read), bool(row.write)) << row.def.key << ": read and write differ";
    if (!row.read) keys.push_back(row.def.key);
  }
  return keys;
}

TEST(Keys, EveryRowIsBoundExceptTheHandWrittenOnes) {
  using ::testing::ElementsAre;
  using ::testing::IsEmpty;
  EXPECT_THAT(UnboundKeys(ArchKeys()), IsEmpty());
  EXPECT_THAT(UnboundKeys(ChipKeys()), IsEmpty());
  EXPECT_THAT(UnboundKeys(EnergyEntryKeys()), IsEmpty());
  EXPECT_THAT(UnboundKeys(WorkloadKeys()), ElementsAre("layers"));
  EXPECT_THAT(UnboundKeys(EnergyKeys()), ElementsAre("components"));
  // The layer keys whose default, member or writing depends on the layer's type or input.
  EXPECT_THAT(
      UnboundKeys(LayerKeys()),
      ElementsAre("layers[].name", "layers[].type", "layers[].from", "layers[].with",
                  "layers[].input", "layers[].input.channels", "layers[].input.height",
                  "layers[].input.width", "layers[].out_channels", "layers[].out_features",
                  "layers[].kernel", "layers[].kernel_h", "layers[].kernel_w", "layers[].stride",
                  "layers[].pad", "layers[].size", "layers[].weight_density"));
}

TEST(Keys, EveryRowIsInTheSchemaWithUnitAndMeaning) {
  std::vector<const ParamDef*> rows;
  for (const auto& r : ArchKeys().rows()) rows.push_back(&r.def);
  for (const auto& r : WorkloadKeys().rows()) rows.push_back(&r.def);
  for (const auto& r : LayerKeys().rows()) rows.push_back(&r.def);
  for (const auto& r : EnergyKeys().rows()) rows.push_back(&r.def);
  for (const auto& r : EnergyEntryKeys().rows()) rows.push_back(&r.def);
  for (const auto& r : ChipKeys().rows()) rows.push_back(&r.def);
  ASSERT_EQ(rows.size(), AllParams().size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const ParamDef& d = *rows[i];
    EXPECT_EQ(AllParams()[i].key, d.key);  // AllParams() is the tables, in order
    const ParamDef* found = FindParam(d.file_kind, d.key);
    ASSERT_NE(found, nullptr) << d.file_kind << " " << d.key;
    EXPECT_EQ(found->type, d.type);
    EXPECT_FALSE(d.unit.empty()) << d.key;
    EXPECT_FALSE(d.description.empty()) << d.key;
    EXPECT_FALSE(d.allowed.empty()) << d.key;
  }
}

}  // namespace
}  // namespace cssim
