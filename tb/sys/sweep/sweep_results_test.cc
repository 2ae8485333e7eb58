// `cssim sweep export DIR --csv` and `cssim sweep pareto DIR --metric ...` end to end
// ($CSSIM_BIN) on a real sweep: the CSV has one row per point with the database's columns, and
// the front is exactly the set of done points that no done point dominates (checked from the
// exported CSV by the definition, not by the command's code), best first by the first metric.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tb/common/cli_runner.h"

namespace cssim {
namespace {

// Splits CSV without quoted fields (the numeric sweeps here have none).
std::vector<std::vector<std::string>> Csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream is(text);
  for (std::string line; std::getline(is, line);) {
    std::vector<std::string>& row = rows.emplace_back();
    std::string field;
    std::istringstream ls(line);
    while (std::getline(ls, field, ',')) row.push_back(field);
    if (!line.empty() && line.back() == ',') row.push_back("");
  }
  return rows;
}

class SweepResultsTest : public CliFixture {
 protected:
  SweepResultsTest() : CliFixture("cssim-sweep-results", /*run_in_dir=*/true) {}

  // Six points: two array sizes x three modes on the sparse GSC network, about 2 s.
  void RunSweep() {
    Write("s.yaml",
          "name: r\nworkload: gsc-sparse\nmodes: [dense, sparse-dense, sparse-sparse]\naxes:\n"
          "  grid: [{key: arch.array.rows, values: [8, 16]}]\n"
          "  derived: {arch.array.cols: \"= arch.array.rows\", arch.cs.engines: \"= "
          "arch.array.rows\", arch.cs.lanes: \"= arch.array.rows\"}\n");
    const CliResult r = Cli({"sweep", "s.yaml", "--out", "out", "-j", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
};

TEST_F(SweepResultsTest, ExportWritesOneRowPerPointAndTheSameToAFile) {
  RunSweep();
  const CliResult r = Cli({"sweep", "export", "out", "--csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = Csv(r.out);
  ASSERT_EQ(rows.size(), 7u) << r.out;
  const std::vector<std::string> lead = {"id", "idx", "status", "error", "wall_s", "mode", "seed"};
  ASSERT_GE(rows[0].size(), lead.size());
  EXPECT_EQ(std::vector<std::string>(rows[0].begin(), rows[0].begin() + 7), lead);
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), rows[0].size()) << i;
    EXPECT_EQ(rows[i][1], std::to_string(i - 1));  // idx order
    EXPECT_EQ(rows[i][2], "done");
  }
  // -o writes the same text to a file (the database itself or its directory both name it).
  const CliResult f = Cli({"sweep", "export", "out/sweep.sqlite", "--csv", "-o", "points.csv"});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(f.out, "");
  EXPECT_EQ(ReadFile(dir_ / "points.csv"), r.out);
}

TEST_F(SweepResultsTest, ParetoIsTheSetOfUndominatedDonePoints) {
  RunSweep();
  const auto rows = Csv(Cli({"sweep", "export", "out", "--csv"}).out);
  ASSERT_EQ(rows.size(), 7u);
  std::map<std::string, size_t> col;
  for (size_t c = 0; c < rows[0].size(); ++c) col[rows[0][c]] = c;
  // energy (min), throughput (max), multipliers (min), as "larger is better" triples.
  auto goals = [&](const std::vector<std::string>& row) {
    return std::vector<double>{-std::stod(row[col.at("energy_per_inference_pj")]),
                               std::stod(row[col.at("inferences_per_s")]),
                               -std::stod(row[col.at("multipliers")])};
  };
  auto dominates = [](const std::vector<double>& a, const std::vector<double>& b) {
    bool better = false;
    for (size_t k = 0; k < a.size(); ++k) {
      if (a[k] < b[k]) return false;
      better |= a[k] > b[k];
    }
    return better;
  };
  std::vector<std::string> want;  // ids, in idx order
  for (size_t i = 1; i < rows.size(); ++i) {
    bool dominated = false;
    for (size_t k = 1; k < rows.size(); ++k) dominated |= dominates(goals(rows[k]), goals(rows[i]));
    if (!dominated) want.push_back(rows[i][0]);
  }
  ASSERT_FALSE(want.empty());

  const CliResult r = Cli({"sweep", "pareto", "out", "--metric", "energy_per_inference_pj:min",
                           "--metric", "inferences_per_s:max", "--metric", "multipliers", "--csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto front = Csv(r.out);
  ASSERT_EQ(front.size(), want.size() + 1) << r.out;
  std::vector<std::string> got;
  std::map<std::string, size_t> fcol;
  for (size_t c = 0; c < front[0].size(); ++c) fcol[front[0][c]] = c;
  EXPECT_EQ(fcol.count("wall_s"), 0u);  // the front is deterministic: no wall time
  double last = 0;
  for (size_t i = 1; i < front.size(); ++i) {
    got.push_back(front[i][fcol.at("id")]);
    const double e = std::stod(front[i][fcol.at("energy_per_inference_pj")]);
    if (i > 1) {
      EXPECT_LE(last, e) << "not sorted by the first metric";
    }
    last = e;
  }
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);

  // The table form names the front's size.
  const CliResult t = Cli({"sweep", "pareto", "out", "-m", "cycles", "-m", "multipliers:min"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(t.out.rfind("Pareto front of out/sweep.sqlite: ", 0), 0u) << t.out;
}

// --area: every point's stats.json holds the area file, and rtl_transistors is its blocks' sum
// (1000 + 234 here); a file that is not the area JSON is refused before anything runs.
TEST_F(SweepResultsTest, AreaFileFillsTheTransistorColumn) {
  Write("area.json",
        R"({"blocks": {"pe_array": {"transistors": 1000}, "kwta": {"transistors": 234}}})");
  Write("s.yaml",
        "name: a\nworkload: gsc-sparse\nmodes: [dense]\naxes:\n"
        "  grid: [{key: arch.array.rows, values: [8, 16]}]\n");
  const CliResult r = Cli({"sweep", "s.yaml", "--out", "out", "--area", "area.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = Csv(Cli({"sweep", "export", "out", "--csv"}).out);
  ASSERT_EQ(rows.size(), 3u);
  size_t col = 0;
  while (col < rows[0].size() && rows[0][col] != "rtl_transistors") ++col;
  ASSERT_LT(col, rows[0].size());
  EXPECT_EQ(rows[1][col], "1234");
  EXPECT_EQ(rows[2][col], "1234");

  Write("bad.json", "{}");
  const CliResult bad = Cli({"sweep", "s.yaml", "--out", "out2", "--area", "bad.json"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err,
            "cssim: error: bad.json: blocks: is missing; allowed: the JSON of tools/rtl-area "
            "--json\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out2"));
}

TEST_F(SweepResultsTest, BadArgumentsExitTwoWithOneLine) {
  RunSweep();
  auto expect = [&](const std::vector<std::string>& args, const std::string& want) {
    const CliResult r = Cli(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err, "cssim: error: " + want + "\n");
    EXPECT_EQ(r.out, "");
  };
  expect({"sweep", "export", "nowhere", "--csv"},
         "nowhere: no sweep database; allowed: a sweep's output directory (cssim sweep SPEC "
         "--out DIR)");
  expect({"sweep", "export", "out"}, "<input>: --csv: missing; allowed: --csv (the only format)");
  expect({"sweep", "pareto", "out", "--metric", "cycles"},
         "<input>: --metric: 1 given; allowed: two or more, e.g. --metric "
         "energy_per_inference_pj:min --metric inferences_per_s:max");
  expect({"sweep", "pareto", "out", "--metric", "cycles:up", "--metric", "multipliers"},
         "<input>: --metric: 'cycles:up': direction 'up'; allowed: METRIC, METRIC:min or "
         "METRIC:max");
  const CliResult r = Cli({"sweep", "pareto", "out", "--metric", "mode", "--metric", "cycles"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("cssim: error: <input>: --metric: 'mode' is not a numeric column of "
                        "out/sweep.sqlite; allowed: idx, wall_s, seed, arch.array.rows, ",
                        0),
            0u)
      << r.err;
}

}  // namespace
}  // namespace cssim
