// `cssim sweep SPEC --dry-run` end to end ($CSSIM_BIN): the examples in workloads/sweeps expand
// to the same listing in every run, and bad specs and bad options exit 2 with one line naming
// the spec file and its key path, or the option.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "model/config/config.h"
#include "tb/common/cli_runner.h"

namespace cssim {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream is(text);
  for (std::string line; std::getline(is, line);) lines.push_back(line);
  return lines;
}

class SweepDryRunTest : public CliFixture {
 protected:
  SweepDryRunTest() : CliFixture("cssim-sweep", /*run_in_dir=*/true) {}

  // Exit 2 and exactly the one line "cssim: error: <want>".
  void ExpectInputError(const std::vector<std::string>& args, const std::string& want) {
    const CliResult r = Cli(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err, "cssim: error: " + want + "\n");
    EXPECT_EQ(r.out, "");
  }

  // The listing of an example: a header and one well-formed line per point, ids unique.
  std::vector<std::string> CheckListing(const std::string& spec, const std::string& name,
                                        size_t min_points, size_t max_points) {
    const CliResult r = Cli({"sweep", spec, "--dry-run"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    const std::vector<std::string> lines = Lines(r.out);
    if (lines.empty()) {
      ADD_FAILURE() << "no output";
      return lines;
    }
    const std::regex header("^sweep " + name + ": ([0-9]+) points; columns: (.+)$");
    std::smatch m;
    EXPECT_TRUE(std::regex_match(lines[0], m, header)) << lines[0];
    const size_t n = m.empty() ? 0 : std::stoul(m[1]);
    EXPECT_GE(n, min_points);
    EXPECT_LE(n, max_points);
    EXPECT_EQ(lines.size(), n + 1);
    const std::regex point(
        R"(^ *([0-9]+)  ([0-9a-f]{16})  (dense|sparse-dense|sparse-sparse) *( [a-z]+\.[^ =]+=[^ ]+)+$)");
    std::set<std::string> ids;
    for (size_t i = 1; i < lines.size(); ++i) {
      std::smatch p;
      EXPECT_TRUE(std::regex_match(lines[i], p, point)) << lines[i];
      if (p.empty()) continue;
      EXPECT_EQ(std::stoul(p[1]), i - 1);
      ids.insert(p[2]);
    }
    EXPECT_EQ(ids.size(), n) << "ids repeat";
    return lines;
  }
};

TEST_F(SweepDryRunTest, GscSmallListsItsPointsTheSameInEveryRun) {
  const std::string spec = DataDir() + "/sweeps/gsc-small.yaml";
  const std::vector<std::string> first = CheckListing(spec, "gsc-small", 20, 40);
  EXPECT_EQ(CheckListing(spec, "gsc-small", 20, 40), first);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first[0],
            "sweep gsc-small: 24 points; columns: arch.glb.size_kib, "
            "workload.layers[4].weight_density, arch.array.rows, arch.array.cols, "
            "arch.cs.engines, arch.cs.lanes, mode");
  // The run options parse alongside --dry-run.
  const CliResult r = Cli({"sweep", spec, "--dry-run", "-j", "2", "--timeout", "60", "--mem-limit",
                           "2048", "--retry-failed", "--out", "elsewhere"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(r.out), first);
}

TEST_F(SweepDryRunTest, GscDesignSpaceHasAFewHundredPoints) {
  CheckListing(DataDir() + "/sweeps/gsc-design-space.yaml", "gsc-design-space", 200, 600);
}

// The benchmark sweep of `cssim bench --sweep` and the nightly kill test: exactly 200 points.
TEST_F(SweepDryRunTest, GscBenchHasExactly200Points) {
  CheckListing(DataDir() + "/sweeps/gsc-bench.yaml", "gsc-bench", 200, 200);
}

TEST_F(SweepDryRunTest, RelativeBasePathsAreRelativeToTheSpec) {
  std::filesystem::create_directories(dir_ / "specs");
  Write("specs/net.yaml",
        "name: net\ninput: {channels: 1, height: 8, width: 8}\nlayers:\n"
        "  - {name: fc, type: linear, out_features: 4}\n");
  Write("specs/s.yaml",
        "name: rel\nworkload: net.yaml\nmodes: [dense, sparse-dense]\naxes:\n"
        "  grid: [{key: arch.array.rows, values: [4, 8]}]\n  derived: {arch.cs.engines: "
        "\"= arch.array.rows\"}\n");
  const CliResult r = Cli({"sweep", "specs/s.yaml", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  EXPECT_EQ(lines[0], "sweep rel: 4 points; columns: arch.array.rows, arch.cs.engines, mode");
  EXPECT_NE(lines[4].find("sparse-dense  arch.array.rows=8 arch.cs.engines=8"), std::string::npos)
      << lines[4];
}

TEST_F(SweepDryRunTest, DuplicatesAreDroppedAndSaid) {
  Write("d.yaml",
        "name: d\nworkload: gsc-sparse\nmodes: [dense]\naxes:\n"
        "  grid: [{key: arch.array.rows, values: [8, 16, 8]}]\n");
  const CliResult r = Cli({"sweep", "d.yaml", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_EQ(lines[0], "sweep d: 2 points; columns: arch.array.rows");
  EXPECT_EQ(lines[1],
            "1 of 3 expanded points dropped as duplicates (the same resolved configs, mode and "
            "seed as an earlier point): #2 = point 0");
}

TEST_F(SweepDryRunTest, BadSpecsExitTwoWithOneLine) {
  const std::string head = "name: b\nworkload: gsc-sparse\nmodes: [dense]\n";
  Write("key.yaml", head + "axes:\n  grid: [{key: arch.glb.sizekib, values: [64]}]\n");
  ExpectInputError({"sweep", "key.yaml", "--dry-run"},
                   "key.yaml: axes.grid[0].key: unknown key 'arch.glb.sizekib'; allowed: "
                   "arch.<key>, workload.<key> or energy.<key>, the key as `cssim list-params` "
                   "prints it");
  Write("value.yaml", head +
                          "axes:\n  grid:\n    - {key: arch.glb.size_kib, values: [64]}\n"
                          "    - {key: arch.array.rows, values: [8, 512]}\n");
  ExpectInputError({"sweep", "value.yaml", "--dry-run"},
                   "value.yaml: axes.grid[1].values[1]: arch.array.rows: 512 is out of range; "
                   "allowed: integer 1..256");
  Write("syntax.yaml", head + "axes: {grid: [\n");
  const CliResult r = Cli({"sweep", "syntax.yaml", "--dry-run"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("cssim: error: syntax.yaml: line ", 0), 0u) << r.err;
  ExpectInputError({"sweep", "missing.yaml", "--dry-run"}, "missing.yaml: cannot open file");
}

TEST_F(SweepDryRunTest, BadOptionsExitTwoNamingTheOption) {
  const std::string spec = DataDir() + "/sweeps/gsc-small.yaml";
  ExpectInputError({"sweep", "--dry-run"},
                   "<input>: SPEC: missing; allowed: a sweep spec file (see 'cssim sweep --help')");
  ExpectInputError({"sweep", spec, "other.yaml", "--dry-run"},
                   "<input>: unexpected argument 'other.yaml'; allowed: one SPEC and options (see "
                   "'cssim sweep --help')");
  ExpectInputError({"sweep", spec, "-j", "0", "--dry-run"},
                   "<input>: -j: 0 is out of range; allowed: an integer 1..1024");
  ExpectInputError({"sweep", spec, "-j", "two", "--dry-run"},
                   "<input>: -j: 'two' is not a positive integer; allowed: an integer 1..1024");
  ExpectInputError({"sweep", spec, "--timeout", "soon", "--dry-run"},
                   "<input>: --timeout: 'soon' is not a number; allowed: a number of seconds > 0");
  ExpectInputError({"sweep", spec, "--timeout=-5", "--dry-run"},
                   "<input>: --timeout: -5 is out of range; allowed: a number of seconds > 0");
  ExpectInputError({"sweep", spec, "--mem-limit", "1.5", "--dry-run"},
                   "<input>: --mem-limit: '1.5' is not a positive integer; allowed: an integer "
                   "1..1099511627776 (MiB)");
  ExpectInputError({"sweep", spec, "--parallel", "2", "--dry-run"},
                   "unrecognised option '--parallel' (see 'cssim sweep --help')");
  const CliResult help = Cli({"sweep", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("usage: cssim sweep SPEC [options]"), std::string::npos);
}

}  // namespace
}  // namespace cssim
