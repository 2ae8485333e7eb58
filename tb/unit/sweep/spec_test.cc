// Sweep specs (model/sweep/spec.h): the expansion order and counts of grid, zip, random and
// derived axes, stable point ids, duplicates, resolved configs that load back, and every error
// path with its exact one-line message.
#include "model/sweep/spec.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/base/error.h"
#include "model/base/version.h"
#include "model/config/config.h"
#include "model/config/params.h"
#include "tb/common/temp_file.h"

namespace cssim::sweep {
namespace {

namespace fs = std::filesystem;

// The base of most specs: the sparse GSC network on the default arch, one mode.
constexpr const char* kHead = "name: t\nworkload: gsc-sparse\nmodes: [dense]\n";

Expansion Expand(const std::string& text, const std::string& file = "spec.yaml") {
  return ExpandSpec(WriteTemp(file, text));
}

// The what() of the InputError that expanding `text` throws (and the spec's path), or a
// failure if it throws none.
std::pair<std::string, std::string> ErrorOf(const std::string& text) {
  const std::string path = WriteTemp("bad.yaml", text);
  try {
    ExpandSpec(path);
  } catch (const InputError& e) {
    return {e.what(), path};
  }
  ADD_FAILURE() << "no InputError for:\n" << text;
  return {"", path};
}

// Expect the message `want` after "<spec path>: ".
void ExpectError(const std::string& text, const std::string& want) {
  const auto [what, path] = ErrorOf(text);
  EXPECT_EQ(what, path + ": " + want) << text;
}

std::vector<std::string> Values(const SweepPoint& p) {
  std::vector<std::string> v;
  for (const auto& [key, value] : p.values) v.push_back(key + "=" + value);
  return v;
}

// A point's resolved YAML written to a file and loaded by the ordinary loaders.
template <typename Load>
auto LoadBack(const std::string& yaml, const std::string& name, Load load) {
  return load(WriteTemp(name, yaml));
}

TEST(SweepSpec, GridIsANestedLoopFirstKeyOutermostModesInnermost) {
  const Expansion ex = Expand(
      "name: t\nworkload: gsc-sparse\nmodes: [dense, sparse-dense]\naxes:\n  grid:\n"
      "    - {key: arch.glb.size_kib, values: [128, 256]}\n"
      "    - {key: arch.array.rows, values: [4, 8, 16]}\n");
  const SweepManifest& m = ex.manifest;
  EXPECT_EQ(m.name, "t");
  EXPECT_EQ(m.columns, (std::vector<std::string>{"arch.glb.size_kib", "arch.array.rows", "mode"}));
  ASSERT_EQ(m.points.size(), 12u);
  EXPECT_EQ(ex.expanded, 12);
  EXPECT_TRUE(ex.duplicates.empty());
  int i = 0;
  for (const char* glb : {"128", "256"})
    for (const char* rows : {"4", "8", "16"})
      for (const char* mode : {"dense", "sparse-dense"}) {
        const SweepPoint& p = m.points[i];
        EXPECT_EQ(p.index, i);
        EXPECT_EQ(p.mode, mode);
        EXPECT_EQ(Values(p), (std::vector<std::string>{std::string("arch.glb.size_kib=") + glb,
                                                       std::string("arch.array.rows=") + rows,
                                                       std::string("mode=") + mode}));
        const ArchSpec a = LoadBack(p.arch_yaml, "a.yaml", LoadArch);
        EXPECT_EQ(a.glb.size_kib, std::stoi(glb));
        EXPECT_EQ(a.array.rows, std::stoi(rows));
        ++i;
      }
}

TEST(SweepSpec, NoAxesIsTheBaseAloneAndOneModeIsNoColumn) {
  const Expansion ex = Expand(kHead);
  ASSERT_EQ(ex.manifest.points.size(), 1u);
  EXPECT_TRUE(ex.manifest.columns.empty());
  const SweepPoint& p = ex.manifest.points[0];
  EXPECT_TRUE(p.values.empty());
  EXPECT_EQ(p.mode, "dense");
  EXPECT_EQ(p.seed, LoadWorkload("gsc-sparse").seed);
  // The base files, resolved: equal to the built-ins'.
  const ArchSpec a = LoadBack(p.arch_yaml, "a.yaml", LoadArch);
  EXPECT_EQ(ToYaml(a).substr(ToYaml(a).find('\n')),
            ToYaml(LoadArch("default")).substr(ToYaml(LoadArch("default")).find('\n')));
  const EnergyTable e = LoadBack(p.energy_yaml, "e.yaml", LoadEnergyTable);
  EXPECT_EQ(e.name, LoadEnergyTable("45nm").name);
}

TEST(SweepSpec, ZipKeysAdvanceTogetherInsideTheGrid) {
  const Expansion ex = Expand(std::string(kHead) +
                              "axes:\n  grid: [{key: arch.glb.size_kib, values: [128, 256]}]\n"
                              "  zip:\n    - {arch.array.rows: [4, 8, 16], arch.array.cols: "
                              "[2, 4, 8]}\n");
  const auto& pts = ex.manifest.points;
  ASSERT_EQ(pts.size(), 6u);
  EXPECT_EQ(ex.manifest.columns,
            (std::vector<std::string>{"arch.glb.size_kib", "arch.array.rows", "arch.array.cols"}));
  EXPECT_EQ(Values(pts[0]), (std::vector<std::string>{"arch.glb.size_kib=128", "arch.array.rows=4",
                                                      "arch.array.cols=2"}));
  EXPECT_EQ(Values(pts[2]), (std::vector<std::string>{"arch.glb.size_kib=128", "arch.array.rows=16",
                                                      "arch.array.cols=8"}));
  EXPECT_EQ(Values(pts[3]), (std::vector<std::string>{"arch.glb.size_kib=256", "arch.array.rows=4",
                                                      "arch.array.cols=2"}));
  const ArchSpec a = LoadBack(pts[5].arch_yaml, "a.yaml", LoadArch);
  EXPECT_EQ(a.array.rows, 16);
  EXPECT_EQ(a.array.cols, 8);
}

TEST(SweepSpec, TwoZipGroupsMultiply) {
  const Expansion ex = Expand(std::string(kHead) +
                              "axes:\n  zip:\n    - {arch.array.rows: [4, 8]}\n"
                              "    - {arch.ppu.lanes: [4, 8, 16], arch.kwta.lanes: [4, 8, 16]}\n");
  ASSERT_EQ(ex.manifest.points.size(), 6u);
  EXPECT_EQ(
      Values(ex.manifest.points[4]),
      (std::vector<std::string>{"arch.array.rows=8", "arch.ppu.lanes=8", "arch.kwta.lanes=8"}));
}

// SplitMix64 as spec.h documents it.
uint64_t SplitMix(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

TEST(SweepSpec, RandomSamplesAreTheDocumentedSplitMixDraws) {
  const std::string spec = std::string(kHead) +
                           "axes:\n  random:\n    samples: 6\n    seed: 42\n    keys:\n"
                           "      arch.glb.size_kib: {min: 100, max: 300}\n"
                           "      arch.glb.banks: {min: 2, max: 64, scale: log2}\n"
                           "      arch.array.dataflow: {choices: [ws, os]}\n"
                           "      arch.clock_mhz: {min: 100, max: 1000}\n";
  const Expansion ex = Expand(spec);
  ASSERT_EQ(ex.manifest.points.size(), 6u);
  uint64_t x = 42;
  for (const SweepPoint& p : ex.manifest.points) {
    const std::string glb = std::to_string(100 + SplitMix(x) % 201);
    const std::string banks = std::to_string(int64_t(1) << (1 + SplitMix(x) % 6));
    const std::string flow = SplitMix(x) % 2 == 0 ? "ws" : "os";
    const double u = double(SplitMix(x) >> 11) * 0x1p-53;
    const std::string clock = FormatDouble(100 + 900 * u);
    EXPECT_EQ(Values(p),
              (std::vector<std::string>{"arch.glb.size_kib=" + glb, "arch.glb.banks=" + banks,
                                        "arch.array.dataflow=" + flow, "arch.clock_mhz=" + clock}));
  }
  // The same spec, the same points; another seed, other points.
  const Expansion again = Expand(spec, "again.yaml");
  ASSERT_EQ(again.manifest.points.size(), ex.manifest.points.size());
  for (size_t i = 0; i < ex.manifest.points.size(); ++i)
    EXPECT_EQ(again.manifest.points[i].id, ex.manifest.points[i].id);
  std::string other = spec;
  other.replace(other.find("seed: 42"), 8, "seed: 43");
  EXPECT_NE(Values(Expand(other, "other.yaml").manifest.points[0]), Values(ex.manifest.points[0]));
}

TEST(SweepSpec, RandomFloatOnEveryLayerThatTakesTheKey) {
  const Expansion ex = Expand(std::string(kHead) +
                              "axes:\n  random:\n    samples: 3\n    seed: 1\n    keys:\n"
                              "      workload.layers[].weight_density: {min: 0.25, max: 0.5}\n");
  ASSERT_EQ(ex.manifest.points.size(), 3u);
  for (const SweepPoint& p : ex.manifest.points) {
    const double d = std::stod(p.values[0].second);
    EXPECT_GE(d, 0.25);
    EXPECT_LE(d, 0.5);
    const Workload w = LoadBack(p.workload_yaml, "w.yaml", LoadWorkload);
    int weighted = 0;
    for (const Layer& l : w.layers) {
      if (l.kind != LayerKind::kConv && l.kind != LayerKind::kLinear) continue;
      EXPECT_EQ(l.weight_density, d) << l.name;
      ++weighted;
    }
    EXPECT_EQ(weighted, 4);
  }
}

TEST(SweepSpec, DerivedKeysFollowTheirSourceAtEveryPoint) {
  const Expansion ex = Expand(std::string(kHead) +
                              "axes:\n  grid: [{key: arch.array.rows, values: [4, 8]}]\n"
                              "  derived:\n    arch.cs.engines: \"= arch.array.rows\"\n"
                              "    arch.cs.lanes: \"= arch.array.rows * 2\"\n"
                              "    arch.kwta.lanes: \"= arch.array.rows / 4\"\n"
                              "    arch.clock_mhz: \"= arch.array.cols * 12.5\"\n");
  ASSERT_EQ(ex.manifest.points.size(), 2u);
  EXPECT_EQ(ex.manifest.columns,
            (std::vector<std::string>{"arch.array.rows", "arch.cs.engines", "arch.cs.lanes",
                                      "arch.kwta.lanes", "arch.clock_mhz"}));
  // arch.array.cols is not swept: its base value, 16.
  EXPECT_EQ(Values(ex.manifest.points[1]),
            (std::vector<std::string>{"arch.array.rows=8", "arch.cs.engines=8", "arch.cs.lanes=16",
                                      "arch.kwta.lanes=2", "arch.clock_mhz=200"}));
  const ArchSpec a = LoadBack(ex.manifest.points[0].arch_yaml, "a.yaml", LoadArch);
  EXPECT_EQ(a.cs.engines, 4);
  EXPECT_EQ(a.cs.lanes, 8);
  EXPECT_EQ(a.kwta.lanes, 1);
  EXPECT_EQ(a.clock_mhz, 200);
}

TEST(SweepSpec, IdsAreStableAndHashTheResolvedConfigModeSeedAndVersion) {
  const std::string spec = std::string(
      "name: t\nworkload: gsc-sparse\nmodes: [dense, "
      "sparse-sparse]\naxes:\n  grid: [{key: arch.glb.size_kib,"
      " values: [128, 256]}]\n");
  const Expansion a = Expand(spec), b = Expand(spec, "b.yaml");
  ASSERT_EQ(a.manifest.points.size(), 4u);
  std::set<std::string> ids;
  for (size_t i = 0; i < 4; ++i) {
    const SweepPoint& p = a.manifest.points[i];
    EXPECT_EQ(p.id, b.manifest.points[i].id);
    // The YAML differs only in its first line, the source comment naming the spec file.
    const std::string& other = b.manifest.points[i].arch_yaml;
    EXPECT_EQ(p.arch_yaml.substr(p.arch_yaml.find('\n')), other.substr(other.find('\n')));
    EXPECT_EQ(p.id.size(), 16u);
    EXPECT_EQ(p.id.find_first_not_of("0123456789abcdef"), std::string::npos) << p.id;
    EXPECT_EQ(p.id, PointId(p));
    ids.insert(p.id);
  }
  EXPECT_EQ(ids.size(), 4u) << "another config or mode, another id";
  // The canonical text: the version, mode, seed and the resolved YAML without its source line.
  const SweepPoint& p = a.manifest.points[0];
  const std::string c = CanonicalText(p);
  EXPECT_EQ(c.rfind(std::string("cssim ") + kCssimVersion + "\nmode dense\nseed 1\n--- arch\n", 0),
            0u)
      << c;
  EXPECT_EQ(c.find("resolved from"), std::string::npos);
  SweepPoint q = p;
  q.seed = 2;
  EXPECT_NE(PointId(q), p.id);
  q = p;
  q.workload_yaml += "# a comment after the document changes the text\n";
  EXPECT_NE(PointId(q), p.id);
  // Another spec name and file, and the same value written differently: the same point, the
  // same id.
  const Expansion c2 =
      ExpandSpec(WriteTemp("sub_other.yaml",
                           "name: other\narch: default\nworkload: gsc-sparse\nenergy: 45nm\n"
                           "modes: [dense]\naxes:\n  grid: [{key: arch.glb.size_kib, values: "
                           "[0128]}]\n"));
  ASSERT_EQ(c2.manifest.points.size(), 1u);
  EXPECT_EQ(c2.manifest.points[0].id, p.id);
}

TEST(SweepSpec, Fnv1a64KnownValues) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ull);
}

TEST(SweepSpec, DuplicatePointsAreDroppedKeepingTheFirst) {
  // rows 16 is the base value: the grid's first and third values give the same configs.
  const Expansion ex = Expand(
      "name: t\nworkload: gsc-sparse\nmodes: [dense, sparse-dense]\naxes:\n"
      "  grid: [{key: arch.array.rows, values: [16, 8, 16]}]\n");
  EXPECT_EQ(ex.expanded, 6);
  ASSERT_EQ(ex.manifest.points.size(), 4u);
  ASSERT_EQ(ex.duplicates.size(), 2u);
  EXPECT_EQ(ex.duplicates[0].position, 4);
  EXPECT_EQ(ex.duplicates[0].kept, 0);
  EXPECT_EQ(ex.duplicates[1].position, 5);
  EXPECT_EQ(ex.duplicates[1].kept, 1);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ex.manifest.points[i].index, i);
}

TEST(SweepSpec, SeedAndRelativeBasePaths) {
  const fs::path dir = fs::path(WriteTemp("x", "")).parent_path() / "nested";
  fs::create_directories(dir);
  fs::copy_file(DataDir() + "/arch/default.yaml", dir / "my_arch.yaml",
                fs::copy_options::overwrite_existing);
  const std::string spec = (dir / "s.yaml").string();
  std::ofstream(spec) << "name: t\narch: my_arch.yaml\nworkload: gsc-sparse\nmodes: [dense]\n"
                         "seed: 7\n";
  const Expansion ex = ExpandSpec(spec);
  ASSERT_EQ(ex.manifest.points.size(), 1u);
  EXPECT_EQ(ex.manifest.points[0].seed, 7u);
  EXPECT_EQ(LoadBack(ex.manifest.points[0].workload_yaml, "w.yaml", LoadWorkload).seed, 7u);
  EXPECT_NE(ex.manifest.points[0].arch_yaml.find("my_arch.yaml"), std::string::npos);
}

TEST(SweepSpec, TheExamplesExpand) {
  const Expansion small = ExpandSpec(DataDir() + "/sweeps/gsc-small.yaml");
  EXPECT_GE(small.manifest.points.size(), 20u);
  EXPECT_LE(small.manifest.points.size(), 40u);
  const Expansion big = ExpandSpec(DataDir() + "/sweeps/gsc-design-space.yaml");
  EXPECT_GE(big.manifest.points.size(), 200u);
  std::set<std::string> ids;
  for (const SweepPoint& p : big.manifest.points) ids.insert(p.id);
  EXPECT_EQ(ids.size(), big.manifest.points.size());
}

TEST(SweepSpec, BadTopLevelKeys) {
  ExpectError("workload: gsc-sparse\nmodes: [dense]\n",
              "name: missing required key; allowed: letters, digits, '-', '_', '.' (not first)");
  ExpectError("name: a/b\nworkload: gsc-sparse\nmodes: [dense]\n",
              "name: 'a/b' is not a sweep name; allowed: letters, digits, '-', '_', '.' (not "
              "first)");
  ExpectError("name: t\nmodes: [dense]\n",
              "workload: missing required key; allowed: a built-in name or a YAML file path");
  ExpectError("name: t\nworkload: gsc-sparse\nmodes: [dense]\nmode: dense\n",
              "mode: unknown key; allowed: name, arch, workload, energy, modes, seed, axes");
  ExpectError("name: t\nworkload: nope\nmodes: [dense]\n",
              "workload: unknown built-in 'nope'; allowed: alexnet-conv, gsc-dense, gsc-sparse, "
              "gsc-supersparse, resnet18-conv or a YAML file path");
  ExpectError("name: t\nworkload: gsc-sparse\n",
              "modes: missing required key; allowed: a list of dense, sparse-dense, "
              "sparse-sparse");
  ExpectError("name: t\nworkload: gsc-sparse\nmodes: []\n",
              "modes: expected a non-empty list; allowed: a list of dense, sparse-dense, "
              "sparse-sparse");
  ExpectError("name: t\nworkload: gsc-sparse\nmodes: [dense, sparse]\n",
              "modes[1]: unknown mode 'sparse'; allowed: dense, sparse-dense, sparse-sparse");
  ExpectError("name: t\nworkload: gsc-sparse\nmodes: [dense, dense]\n",
              "modes[1]: 'dense' is given twice; allowed: each mode once");
  ExpectError(std::string(kHead) + "seed: -1\n",
              "seed: '-1' is not a non-negative integer; allowed: an integer "
              "0..9223372036854775807");
  ExpectError(std::string(kHead) + "axes: {grids: []}\n",
              "axes.grids: unknown key; allowed: grid, zip, random, derived");
}

TEST(SweepSpec, BadBaseFilesNameTheSpecKey) {
  const auto [what, path] = ErrorOf("name: t\nworkload: missing.yaml\nmodes: [dense]\n");
  const std::string base = (fs::path(path).parent_path() / "missing.yaml").string();
  EXPECT_EQ(what, path + ": workload: " + base + ": cannot open file");
  const std::string bad = WriteTemp("bad_arch.yaml", "name: a\nglb: {banks: 0}\n");
  const auto [what2, path2] =
      ErrorOf("name: t\narch: bad_arch.yaml\nworkload: gsc-sparse\nmodes: [dense]\n");
  EXPECT_EQ(what2,
            path2 + ": arch: " + bad + ": glb.banks: 0 is out of range; allowed: integer 1..1024");
}

TEST(SweepSpec, BadKeys) {
  const std::string forms =
      "allowed: arch.<key>, workload.<key> or energy.<key>, the key as `cssim list-params` "
      "prints it";
  const auto grid = [](const std::string& key) {
    return std::string(kHead) + "axes:\n  grid: [{key: \"" + key + "\", values: [1]}]\n";
  };
  ExpectError(grid("arch.glb.sizekib"),
              "axes.grid[0].key: unknown key 'arch.glb.sizekib'; " + forms);
  ExpectError(grid("chip.multipliers"),
              "axes.grid[0].key: unknown key 'chip.multipliers'; " + forms);
  ExpectError(grid("glb.size_kib"), "axes.grid[0].key: unknown key 'glb.size_kib'; " + forms);
  ExpectError(grid("workload.layers"),
              "axes.grid[0].key: 'workload.layers' is a list, not a single value; allowed: keys "
              "of type int, float, enum or string");
  ExpectError(grid("workload.layers[12].weight_density"),
              "axes.grid[0].key: 'workload.layers[12].weight_density': layers has 12 items; "
              "allowed: layers[0] to layers[11]");
  ExpectError(grid("workload.layers[1].weight_density"),
              "axes.grid[0].key: 'workload.layers[1].weight_density': layers[1] is a requant; "
              "allowed: items of type conv, linear");
  ExpectError(grid("workload.layers[].shift2"),
              "axes.grid[0].key: unknown key 'workload.layers[].shift2'; " + forms);
  ExpectError(grid("energy.components.nope.mac.energy"),
              "axes.grid[0].key: 'energy.components.nope.mac.energy': the base energy has no "
              "components.nope; allowed: a name the base file defines");
  ExpectError(std::string(kHead) +
                  "axes:\n  grid: [{key: arch.glb.banks, values: [4]}]\n"
                  "  zip: [{arch.glb.banks: [8]}]\n",
              "axes.zip[0][arch.glb.banks]: 'arch.glb.banks' is already swept by "
              "axes.grid[0].key; allowed: each key in one axis");
  ExpectError(std::string(kHead) +
                  "axes:\n  grid: [{key: \"workload.layers[4].weight_density\", values: [0.5]}]\n"
                  "  zip: [{\"workload.layers[].weight_density\": [0.5]}]\n",
              "axes.zip[0][workload.layers[].weight_density]: 'workload.layers[].weight_density' "
              "is already swept by axes.grid[0].key; allowed: each key in one axis");
}

TEST(SweepSpec, BadValuesNameTheAxisAndTheLoadersProblem) {
  ExpectError(std::string(kHead) + "axes:\n  grid: [{key: arch.glb.size_kib, values: [64, 0]}]\n",
              "axes.grid[0].values[1]: arch.glb.size_kib: 0 is out of range; allowed: integer "
              "1..65536");
  ExpectError(std::string(kHead) +
                  "axes:\n  grid: [{key: arch.glb.bank_width_bytes, values: "
                  "[8, 12]}]\n",
              "axes.grid[0].values[1]: arch.glb.bank_width_bytes: 12 is not a power of two; "
              "allowed: power of two 1..64");
  ExpectError(std::string(kHead) + "axes:\n  grid: [{key: arch.array.dataflow, values: [xs]}]\n",
              "axes.grid[0].values[0]: arch.array.dataflow: unknown value 'xs'; allowed: ws | os | "
              "rs | is");
  ExpectError(std::string(kHead) +
                  "axes:\n  grid: [{key: \"workload.layers[].weight_density\", values: [2]}]\n",
              "axes.grid[0].values[0]: workload.layers[0].weight_density: 2 is out of range; "
              "allowed: number 1e-09..1");
  ExpectError(std::string(kHead) +
                  "axes:\n  grid: [{key: energy.components.mac.mac.energy, values: [-1]}]\n",
              "axes.grid[0].values[0]: energy.components.mac.mac.energy: -1 is out of range; "
              "allowed: number >= 0");
  ExpectError(std::string(kHead) + "axes:\n  grid: [{key: arch.glb.size_kib, values: []}]\n",
              "axes.grid[0].values: expected a non-empty list of values; allowed: integer "
              "1..65536");
  ExpectError(std::string(kHead) + "axes:\n  grid: [{key: arch.glb.size_kib, values: [[1]]}]\n",
              "axes.grid[0].values[0]: expected a single value; allowed: integer 1..65536");
  ExpectError(std::string(kHead) + "axes:\n  grid: [{key: arch.glb.size_kib}]\n",
              "axes.grid[0].values: missing required key; allowed: a list");
  ExpectError(std::string(kHead) + "axes:\n  grid: [{key: arch.glb.size_kib, value: [1]}]\n",
              "axes.grid[0].value: unknown key; allowed: key, values");
}

TEST(SweepSpec, BadZipRandomAndDerived) {
  ExpectError(
      std::string(kHead) + "axes:\n  zip: [{arch.array.rows: [4, 8], arch.array.cols: [4]}]\n",
      "axes.zip[0][arch.array.cols]: has 1 values, arch.array.rows has 2; allowed: the "
      "same number of values for every key of a group");
  const std::string random = std::string(kHead) + "axes:\n  random: {samples: 2, seed: 1, keys: ";
  ExpectError(random + "{arch.glb.banks: {min: 3, max: 32, scale: log2}}}\n",
              "axes.random.keys[arch.glb.banks].min: 3 is not a power of two; allowed: a power "
              "of two (scale log2)");
  ExpectError(random + "{arch.glb.banks: {min: 4, max: 32, scale: linear}}}\n",
              "axes.random.keys[arch.glb.banks].scale: linear draws reals; arch.glb.banks takes "
              "integers; allowed: int, log2");
  ExpectError(random + "{arch.glb.banks: {min: 32, max: 4}}}\n",
              "axes.random.keys[arch.glb.banks].max: is less than min; allowed: max >= min");
  ExpectError(random + "{arch.glb.banks: {min: 0, max: 4}}}\n",
              "axes.random.keys[arch.glb.banks].min: arch.glb.banks: 0 is out of range; allowed: "
              "integer 1..1024");
  ExpectError(random + "{arch.array.dataflow: {min: 0, max: 4}}}\n",
              "axes.random.keys[arch.array.dataflow]: 'arch.array.dataflow' is a enum key; "
              "allowed: {choices: [...]}");
  ExpectError(random + "{arch.array.dataflow: {choices: [ws, xs]}}}\n",
              "axes.random.keys[arch.array.dataflow].choices[1]: arch.array.dataflow: unknown "
              "value 'xs'; allowed: ws | os | rs | is");
  ExpectError(std::string(kHead) + "axes:\n  random: {samples: 0, seed: 1, keys: {}}\n",
              "axes.random.samples: 0 is out of range; allowed: an integer 1..100000");
  ExpectError(std::string(kHead) + "axes:\n  random: {samples: 2, keys: {}}\n",
              "axes.random.seed: missing required key");
  const std::string derived = std::string(kHead) + "axes:\n  derived: {arch.cs.engines: ";
  ExpectError(derived + "\"arch.array.rows\"}\n",
              "axes.derived[arch.cs.engines]: 'arch.array.rows' is not a derived-key expression; "
              "allowed: \"= <key>\", \"= <key> * <number>\" or \"= <key> / <number>\"");
  ExpectError(derived + "\"= arch.array.rows + 1\"}\n",
              "axes.derived[arch.cs.engines]: '= arch.array.rows + 1' is not a derived-key "
              "expression; allowed: \"= <key>\", \"= <key> * <number>\" or \"= <key> / "
              "<number>\"");
  ExpectError(derived + "\"= arch.array.rows / 0\"}\n",
              "axes.derived[arch.cs.engines]: '0' is not a non-zero number; allowed: \"= "
              "<key>\", \"= <key> * <number>\" or \"= <key> / <number>\"");
  ExpectError(derived + "\"= arch.array.rows / 3\"}\n",
              "axes.derived[arch.cs.engines]: point the base files: arch.array.rows / 3 = "
              "5.333333333333333 is not an integer; allowed: an expression whose result is an "
              "integer at every point");
  ExpectError(derived + "\"= arch.array.rowz\"}\n",
              "axes.derived[arch.cs.engines]: unknown key 'arch.array.rowz'; allowed: "
              "arch.<key>, workload.<key> or energy.<key>, the key as `cssim list-params` prints "
              "it");
  ExpectError(derived + "\"= arch.array.dataflow * 2\"}\n",
              "axes.derived[arch.cs.engines]: arithmetic on a enum key; allowed: \"= <key>\"");
  ExpectError(derived + "\"= arch.cs.lanes\", arch.cs.lanes: \"= arch.array.rows\"}\n",
              "axes.derived[arch.cs.engines]: 'arch.cs.lanes' is itself derived; allowed: a key "
              "no derived entry sets");
  ExpectError(derived + "\"= workload.layers[].weight_density\"}\n",
              "axes.derived[arch.cs.engines]: 'workload.layers[].weight_density' names every "
              "layer; allowed: a layer by index, layers[N]");
}

TEST(SweepSpec, PointsThatDoNotLoadAreRefusedNow) {
  ExpectError(std::string(kHead) +
                  "axes:\n  grid: [{key: arch.dram.preset, values: [ddr4]}]\n"
                  "  derived: {arch.dram.channels: \"= arch.array.rows * 8\"}\n",
              "axes: point arch.dram.preset=ddr4, arch.dram.channels=128: arch.dram.channels: "
              "128 is out of range; allowed: integer 1..64");
}

// 8 KiB is a valid glb.size_kib, but a layer's smallest tile does not fit it: that is a fact
// about the design point, not a mistake in the spec, so the point stays in the manifest and
// the run records it as failed with the compiler's reason (tb/sys/sweep/sweep_run_test.cc).
TEST(SweepSpec, PointsThatDoNotFitStayForTheRunToRecord) {
  const Expansion ex =
      Expand(std::string(kHead) + "axes:\n  grid: [{key: arch.glb.size_kib, values: [256, 8]}]\n");
  ASSERT_EQ(ex.manifest.points.size(), 2u);
  EXPECT_EQ(ex.manifest.points[1].values,
            (std::vector<std::pair<std::string, std::string>>{{"arch.glb.size_kib", "8"}}));
}

}  // namespace
}  // namespace cssim::sweep
