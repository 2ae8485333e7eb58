// The cssim binary end to end: exit codes, one-line errors that name the file and key, no --out
// directory left by a failed run, deterministic, bit-exact result files from a good run, the
// three-mode comparison that `cssim run` runs without --mode and --workload, and full-chip runs.
// The binary is $CSSIM_BIN (set by CMake for every test).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tb/common/cli_runner.h"

namespace cssim {
namespace {

namespace fs = std::filesystem;

// A small network with every layer kind, padding and a partial pooling window.
constexpr const char* kTinyWorkload = R"(name: tiny
seed: 3
input: {channels: 2, height: 6, width: 6}
layers:
  - {name: conv1, type: conv, out_channels: 4, kernel: 3, stride: 1, pad: 1}
  - {name: conv1_rq, type: requant, shift: 6}
  - {name: conv1_relu, type: relu}
  - {name: pool1, type: maxpool, size: 2}
  - {name: fc1, type: linear, out_features: 5}
)";
// conv1: 4x6x6 outputs x 2x3x3 fan-in; fc1: 5 outputs x 4x3x3 pooled inputs.
constexpr int64_t kTinyMacs = 4 * 6 * 6 * 2 * 3 * 3 + 5 * 4 * 3 * 3;

class CliTest : public CliFixture {
 protected:
  CliTest() : CliFixture("cssim-cli", /*run_in_dir=*/false) {}

  // Exit 2, one line on stderr holding every `want`, and nothing created at `out` (nor a
  // temporary beside it).
  void ExpectInputError(const std::vector<std::string>& args, const std::vector<std::string>& want,
                        const std::string& out) {
    const CliResult r = Cli(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("cssim: error: ", 0), 0u) << r.err;
    for (const std::string& w : want)
      EXPECT_NE(r.err.find(w), std::string::npos) << w << ": " << r.err;
    EXPECT_FALSE(fs::exists(out)) << out;
    for (const auto& e : fs::directory_iterator(dir_))
      EXPECT_NE(e.path().filename().string().rfind(fs::path(out).filename().string(), 0), 0u)
          << "left behind: " << e.path();
  }
};

TEST_F(CliTest, HelpOfEveryCommandExitsZero) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--help"},
                                             {"-h"},
                                             {"run", "--help"},
                                             {"list", "--help"},
                                             {"list-params", "--help"},
                                             {"bench", "--help"}}) {
    const CliResult r = Cli(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    EXPECT_NE(r.out.find("usage: cssim"), std::string::npos) << r.out;
    EXPECT_EQ(r.err, "") << "SystemC banner or other noise on stderr";
  }
  const std::string run_help = Cli({"run", "--help"}).out;
  for (const char* option : {"--workload", "--mode", "--chip"})
    EXPECT_NE(run_help.find(option), std::string::npos) << option;
}

// Without --mode and --workload `run` is the three-mode comparison, with --mode one run: a bad
// arch must be refused on both paths, so the arch tests run each. `run`, then --mode dense for the
// single run, then `tail`.
std::vector<std::string> RunArgs(bool single, const std::vector<std::string>& tail) {
  std::vector<std::string> args = {"run"};
  if (single) args.insert(args.end(), {"--mode", "dense"});
  args.insert(args.end(), tail.begin(), tail.end());
  return args;
}

TEST_F(CliTest, MalformedArchYamlNamesFileAndLine) {
  const std::string arch = Write("malformed.yaml", "name: x\narray: {rows: 16, cols: 16\n");
  for (const bool single : {false, true})
    ExpectInputError(RunArgs(single, {"--arch", arch, "--out", Path("out")}),
                     {"malformed.yaml", "line"}, Path("out"));
}

TEST_F(CliTest, UnknownArchKeyNamesFileAndKeyPath) {
  const std::string arch = Write("unknown_key.yaml", "name: x\narray: {rows: 16, colz: 16}\n");
  for (const bool single : {false, true})
    ExpectInputError(RunArgs(single, {"--arch", arch, "--out", Path("out")}),
                     {"unknown_key.yaml", "array.colz"}, Path("out"));
}

TEST_F(CliTest, OutOfRangeValueNamesFileAndKeyPath) {
  const std::string arch = Write("range.yaml", "name: x\nglb: {banks: 0}\n");
  for (const bool single : {false, true})
    ExpectInputError(RunArgs(single, {"--arch", arch, "--out", Path("out")}),
                     {"range.yaml", "glb.banks"}, Path("out"));
}

TEST_F(CliTest, UnknownWorkloadLayerKeyNamesFileAndKeyPath) {
  const std::string wl = Write("typo.yaml",
                               "name: typo\ninput: {channels: 1, height: 4, width: 4}\nlayers:\n"
                               "  - {name: c, type: conv, out_channels: 2, kernal: 3}\n");
  ExpectInputError({"run", "--workload", wl, "--out", Path("out")},
                   {"typo.yaml", "layers[0].kernal"}, Path("out"));
}

TEST_F(CliTest, UnknownBuiltinWorkloadNamesOptionAndName) {
  ExpectInputError({"run", "--workload", "no-such-net", "--out", Path("out")},
                   {"--workload", "no-such-net", "gsc-dense"}, Path("out"));
}

TEST_F(CliTest, MissingFileNamesTheFile) {
  for (const bool single : {false, true})
    ExpectInputError(RunArgs(single, {"--arch", Path("missing.yaml"), "--out", Path("out")}),
                     {"missing.yaml", "cannot open"}, Path("out"));
}

TEST_F(CliTest, UnknownOptionNamesTheOption) {
  ExpectInputError({"run", "--frobnicate", "--out", Path("out")}, {"--frobnicate"}, Path("out"));
  // An abbreviation is not guessed: a typo never silently means another option.
  ExpectInputError({"run", "--work", "gsc-dense", "--out", Path("out")}, {"--work"}, Path("out"));
}

TEST_F(CliTest, BadOptionValuesNameTheOption) {
  ExpectInputError({"run", "--mode", "sparse-foo", "--out", Path("out")},
                   {"--mode", "sparse-foo", "dense"}, Path("out"));
  ExpectInputError({"run", "--seed", "-1", "--out", Path("out")}, {"--seed", "-1"}, Path("out"));
  ExpectInputError({"run", "--kernel", "verilator", "--out", Path("out")},
                   {"--kernel", "verilator", "systemc"}, Path("out"));
}

TEST_F(CliTest, UnknownCommandListsTheCommands) {
  const CliResult r = Cli({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  for (const char* c : {"frobnicate", "run", "list", "list-params", "bench"})
    EXPECT_NE(r.err.find(c), std::string::npos) << c << ": " << r.err;
}

TEST_F(CliTest, OutThatIsAFileIsRefusedBeforeRunning) {
  Write("file", "keep");
  const CliResult r =
      Cli({"run", "--workload", Write("tiny.yaml", kTinyWorkload), "--out", Path("file")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "") << "the run must not start";
  EXPECT_EQ(ReadFile(dir_ / "file"), "keep");
}

// A mapper that cannot place even its smallest tile reports it as bad input. Each 4096-wide input
// row alone is 4 KiB of int8; the GLB has 1 KiB. Few MACs, so a mapper that splits rows finishes
// fast (and fails this test) rather than hanging.
TEST_F(CliTest, TileThatCannotFitTheGlbIsAnInputError) {
  const std::string arch = Write("tiny_glb.yaml", "name: tiny-glb\nglb: {size_kib: 1}\n");
  const std::string wl = Write("wide.yaml",
                               "name: wide\ninput: {channels: 1, height: 3, width: 4096}\n"
                               "layers:\n  - {name: c, type: conv, out_channels: 1, kernel: 3}\n");
  const CliResult r = Cli({"run", "--arch", arch, "--workload", wl, "--out", Path("out")});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  std::string lower = r.err;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  EXPECT_NE(lower.find("glb"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(Path("out")));
}

TEST_F(CliTest, TinyWorkloadRunsBitExactAndWritesIdenticalResultsTwice) {
  const std::string wl = Write("tiny.yaml", kTinyWorkload);
  const CliResult a = Cli({"run", "--workload", wl, "--out", Path("a")});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.err, "");
  EXPECT_NE(a.out.find("bit-exact"), std::string::npos) << a.out;
  for (const char* f : {"stats.json", "layers.csv", "config.resolved.yaml"})
    EXPECT_TRUE(fs::exists(dir_ / "a" / f)) << f;
  const auto j = nlohmann::json::parse(ReadFile(dir_ / "a" / "stats.json"));
  EXPECT_EQ(j["output_check"], "bit-exact");
  EXPECT_EQ(j["workload"], "tiny");
  EXPECT_EQ(j["mode"], "dense");
  EXPECT_EQ(j["macs"].get<int64_t>(), kTinyMacs);
  EXPECT_GT(j["cycles"].get<uint64_t>(), 0u);
  ASSERT_FALSE(j["layers"].empty());
  int64_t layer_macs = 0;
  for (const auto& l : j["layers"]) layer_macs += l["macs"].get<int64_t>();
  EXPECT_EQ(layer_macs, kTinyMacs);

  // No command word means `run`.
  const CliResult b = Cli({"--workload", wl, "--out", Path("b")});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  for (const char* f : {"stats.json", "layers.csv", "config.resolved.yaml"})
    EXPECT_EQ(ReadFile(dir_ / "a" / f), ReadFile(dir_ / "b" / f)) << f;
}

TEST_F(CliTest, BothKernelsWriteTheSameStats) {
  const std::string wl = Write("tiny.yaml", kTinyWorkload);
  ASSERT_EQ(Cli({"run", "--workload", wl, "--kernel", "systemc", "--out", Path("sc")}).exit_code,
            0);
  ASSERT_EQ(Cli({"run", "--workload", wl, "--kernel", "direct", "--out", Path("direct")}).exit_code,
            0);
  EXPECT_EQ(ReadFile(dir_ / "sc" / "stats.json"), ReadFile(dir_ / "direct" / "stats.json"));
}

// Every counter, with or without energy, reaches stats.json; the layers' counts add up to the
// run's, so no activity falls outside a layer; --stats prints exactly the non-zero ones.
TEST_F(CliTest, StatsJsonHasEveryCounterAndLayerCountsSumToTheRun) {
  const std::string wl = Write("tiny.yaml", kTinyWorkload);
  const CliResult r = Cli({"run", "--workload", wl, "--stats", "--out", Path("c")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::ordered_json::parse(ReadFile(dir_ / "c" / "stats.json"));
  const auto& counters = j["counters"];
  for (const char* name : {"top.glb.conflict_stalls", "top.dram.row_hits"}) {
    ASSERT_TRUE(counters.contains(name)) << name;
    EXPECT_TRUE(counters[name]["value"].is_number_unsigned()) << name;
    EXPECT_FALSE(counters[name]["unit"].get<std::string>().empty()) << name;
    EXPECT_FALSE(counters[name]["description"].get<std::string>().empty()) << name;
  }
  EXPECT_GT(counters["top.dram.row_hits"]["value"].get<uint64_t>(), 0u);
  for (const auto& a : j["actions"].items())
    EXPECT_EQ(counters[a.key()]["value"], a.value()) << a.key();

  ASSERT_FALSE(j["layers"].empty());
  std::vector<std::string> nonzero;
  for (const auto& c : counters.items()) {
    uint64_t sum = 0;
    for (const auto& l : j["layers"]) {
      ASSERT_TRUE(l["counters"].contains(c.key())) << l["name"] << " lacks " << c.key();
      sum += l["counters"][c.key()].get<uint64_t>();
    }
    EXPECT_EQ(sum, c.value()["value"].get<uint64_t>()) << c.key();
    if (c.value()["value"].get<uint64_t>() != 0) nonzero.push_back(c.key());
  }
  for (const auto& l : j["layers"]) EXPECT_EQ(l["counters"].size(), counters.size());

  // The --stats table: the rows after its title name the non-zero counters, in stats.json order.
  const std::string title = "\ncounters (non-zero)\n";
  const size_t at = r.out.find(title);
  ASSERT_NE(at, std::string::npos) << "no counter table in\n" << r.out;
  std::istringstream out(r.out.substr(at + title.size()));
  std::string line;
  std::getline(out, line);  // column heads
  std::vector<std::string> shown;
  while (std::getline(out, line) && !line.empty()) {
    std::istringstream row(line);
    std::string name;
    row >> name;
    shown.push_back(name);
  }
  EXPECT_EQ(shown, nonzero) << r.out;
}

TEST_F(CliTest, SeedOptionReplacesTheWorkloadSeed) {
  const std::string wl = Write("tiny.yaml", kTinyWorkload);
  const CliResult r = Cli({"run", "--workload", wl, "--seed", "42", "--out", Path("s")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(ReadFile(dir_ / "s" / "stats.json"));
  EXPECT_EQ(j["seed"].get<uint64_t>(), 42u);
  EXPECT_EQ(j["output_check"], "bit-exact");
  EXPECT_NE(ReadFile(dir_ / "s" / "config.resolved.yaml").find("seed: 42"), std::string::npos);
}

TEST_F(CliTest, ListNamesEveryBuiltinAndListParamsEveryKey) {
  const CliResult l = Cli({"list"});
  ASSERT_EQ(l.exit_code, 0) << l.err;
  for (const char* name : {"default", "eyeriss-like", "gsc-dense", "gsc-sparse", "gsc-supersparse",
                           "u250-like", "zu3eg-like", "45nm", "eyeriss-norm"})
    EXPECT_NE(l.out.find(name), std::string::npos) << name << " in\n" << l.out;
  const CliResult p = Cli({"list-params"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  for (const char* key : {"glb.size_kib", "array.rows", "clock_mhz"})
    EXPECT_NE(p.out.find(key), std::string::npos) << key;
}

constexpr const char* kModes[] = {"dense", "sparse-dense", "sparse-sparse"};

// The row of a printed table whose first word is `first`, or "".
std::string RowStartingWith(const std::string& text, const std::string& first) {
  std::istringstream is(text);
  for (std::string line; std::getline(is, line);) {
    std::istringstream row(line);
    std::string word;
    if (row >> word && word == first) return line;
  }
  return "";
}

// The line holding every one of `words`, or "".
std::string LineWith(const std::string& text, const std::vector<std::string>& words) {
  std::istringstream is(text);
  for (std::string line; std::getline(is, line);) {
    bool all = true;
    for (const std::string& w : words) all &= line.find(w) != std::string::npos;
    if (all) return line;
  }
  return "";
}

TEST_F(CliTest, RunWithoutModeOrWorkloadPrintsTheThreeModeComparison) {
  const CliResult r = Cli({"run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(LineWith(r.out, {"mode", "cycles", "speed-up", "energy ratio", "packing"}), "")
      << "no table header in\n"
      << r.out;
  for (const char* mode : kModes) {
    const std::string row = RowStartingWith(r.out, mode);
    ASSERT_NE(row, "") << mode << " missing from\n" << r.out;
    EXPECT_NE(row.find(std::string(mode) == "dense" ? "gsc-dense" : "gsc-sparse"),
              std::string::npos)
        << row;
    EXPECT_NE(row.find("exact"), std::string::npos) << row;
  }
  // Ratios are against the first row, the dense run.
  EXPECT_NE(RowStartingWith(r.out, "dense").find("1.00x"), std::string::npos) << r.out;
}

TEST_F(CliTest, UnknownModeNamesTheOptionAndTheModes) {
  ExpectInputError({"run", "--mode", "bogus"},
                   {"--mode", "bogus", "dense", "sparse-dense", "sparse-sparse"}, Path("out"));
}

TEST_F(CliTest, SparseModeAloneRunsGscSparse) {
  const CliResult r = Cli({"run", "--mode", "sparse-sparse", "--out", Path("ss")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(ReadFile(dir_ / "ss" / "stats.json"));
  EXPECT_EQ(j["workload"], "gsc-sparse");
  EXPECT_EQ(j["mode"], "sparse-sparse");
  EXPECT_EQ(j["output_check"], "bit-exact");
}

TEST_F(CliTest, ComparisonOutWritesOneDirectoryPerModeAndARerunReplacesThem) {
  for (const std::string seed : {"1", "7"}) {
    SCOPED_TRACE("seed " + seed);
    const CliResult r = Cli({"run", "--seed", seed, "--out", Path("cmp")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> dirs;
    for (const auto& e : fs::directory_iterator(dir_ / "cmp"))
      dirs.push_back(e.path().filename().string());
    std::sort(dirs.begin(), dirs.end());
    EXPECT_EQ(dirs, std::vector<std::string>(std::begin(kModes), std::end(kModes)));
    for (const char* mode : kModes) {
      const fs::path stats = dir_ / "cmp" / mode / "stats.json";
      ASSERT_TRUE(fs::exists(stats)) << stats;
      const auto j = nlohmann::json::parse(ReadFile(stats));
      EXPECT_EQ(j["mode"], mode);
      EXPECT_EQ(j["workload"], std::string(mode) == "dense" ? "gsc-dense" : "gsc-sparse");
      EXPECT_EQ(j["seed"].get<uint64_t>(), std::stoull(seed)) << mode << ": not replaced";
      EXPECT_EQ(j["output_check"], "bit-exact");
    }
    // Nothing staged beside it is left behind.
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      EXPECT_TRUE(name == "cmp" || name.rfind("cmp", 0) != 0) << "left behind: " << name;
    }
  }
}

TEST_F(CliTest, DumpProgramNeedsOneRun) {
  ExpectInputError({"run", "--dump-program"}, {"--dump-program"}, Path("out"));
}

TEST_F(CliTest, MissingChipFileNamesTheFile) {
  ExpectInputError({"run", "--chip", Path("missing-chip.yaml"), "--mode", "sparse-sparse"},
                   {"missing-chip.yaml", "cannot open"}, Path("out"));
}

// One sparse instance of the default arch needs 256 multipliers; the ZU3EG has 360.
TEST_F(CliTest, ChipRunPrintsTheInstancesThatFit) {
  const CliResult r = Cli({"run", "--chip", "zu3eg-like", "--mode", "sparse-sparse"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::string header = LineWith(r.out, {"mode", "instances"});
  ASSERT_NE(header, "") << r.out;
  const std::string row = RowStartingWith(r.out, "sparse-sparse");
  ASSERT_NE(row, "") << r.out;
  // The column is right-aligned: the count ends where its heading does.
  const size_t end = header.find("instances") + std::string("instances").size();
  ASSERT_GE(row.size(), end) << row;
  std::istringstream count(row.substr(0, end));
  std::string last;
  for (std::string word; count >> word;) last = word;
  EXPECT_EQ(last, "1") << header << "\n" << row;
  EXPECT_NE(row.find("exact"), std::string::npos) << row;
}

TEST_F(CliTest, ChipWithOutIsRefused) {
  ExpectInputError({"run", "--chip", "zu3eg-like", "--out", Path("out")}, {"--out", "--chip"},
                   Path("out"));
}

TEST_F(CliTest, BenchDefaultJobTimesEveryModeAndTheWholeJob) {
  const CliResult r = Cli({"bench", "--default-job", "--runs", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  for (const char* row : {"dense", "sparse-dense", "sparse-sparse", "whole"}) {  // "whole job"
    const std::string line = RowStartingWith(r.out, row);
    EXPECT_NE(line, "") << row << "\n" << r.out;
    EXPECT_NE(line.find(" s"), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace cssim
