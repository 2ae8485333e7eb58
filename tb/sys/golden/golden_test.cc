// The golden table (tb/sys/golden/golden.tsv, written by tools/golden-update): every built-in
// workload x arch x mode, run by the cssim binary with each kernel, must give exactly the pinned
// cycles, total energy (its stats.json text), DRAM bytes, MACs and per-op cycles. Determinism
// is a project rule, so the comparison is equality: a change that moves a number fails here
// until the table is regenerated on purpose, with the reason in the commit.
//
// One case per row and kernel, named <workload>_<arch>_<mode>_<kernel>. The same source builds
// two executables: sys_golden_test (rows of tier "sys", plus the table's own checks) and, with
// CSSIM_GOLDEN_NIGHTLY defined, nightly_golden_test (the long rows; CMakeLists.txt, last block).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "tb/common/cli_runner.h"

namespace cssim {
namespace {

const char* const kTable = CSSIM_SOURCE_DIR "/tb/sys/golden/golden.tsv";
#ifdef CSSIM_GOLDEN_NIGHTLY
const char* const kTier = "nightly";
#else
const char* const kTier = "sys";
#endif
const char* const kModes[] = {"dense", "sparse-dense", "sparse-sparse"};
const char* const kKernels[] = {"systemc", "direct"};
// The columns a run is compared on, after workload, arch, mode, kernel and tier.
const char* const kCompared[] = {"cycles", "energy_pj", "dram_bytes", "macs", "layer_cycles"};

struct Row {
  std::map<std::string, std::string> col;
  int line = 0;
  std::string Key() const {
    return col.at("workload") + " " + col.at("arch") + " " + col.at("mode");
  }
};

struct Table {
  std::vector<Row> rows;
  std::set<std::string> refused;  // "workload arch mode"
  std::vector<std::string> errors;
};

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream is(s);
  while (std::getline(is, field, sep)) out.push_back(field);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

const Table& LoadTable() {
  static const Table table = [] {
    Table t;
    std::ifstream f(kTable);
    if (!f) {
      t.errors.push_back(std::string("cannot read ") + kTable);
      return t;
    }
    std::vector<std::string> header;
    std::string line;
    for (int n = 1; std::getline(f, line); ++n) {
      const std::string refused = "# refused: ";
      if (line.rfind(refused, 0) == 0) {
        const std::string rest = line.substr(refused.size());
        t.refused.insert(rest.substr(0, rest.find(':')));
        continue;
      }
      if (line.empty() || line[0] == '#') continue;
      const std::vector<std::string> fields = Split(line, '\t');
      if (header.empty()) {
        header = fields;
        continue;
      }
      if (fields.size() != header.size()) {
        t.errors.push_back("line " + std::to_string(n) + ": " + std::to_string(fields.size()) +
                           " fields, the header has " + std::to_string(header.size()));
        continue;
      }
      Row r;
      r.line = n;
      for (size_t i = 0; i < header.size(); ++i) r.col[header[i]] = fields[i];
      for (const char* c : {"workload", "arch", "mode", "kernel", "tier"})
        if (!r.col.count(c)) t.errors.push_back(std::string("no column ") + c);
      for (const char* c : kCompared)
        if (!r.col.count(c)) t.errors.push_back(std::string("no column ") + c);
      if (!t.errors.empty()) return t;
      t.rows.push_back(r);
    }
    if (t.rows.empty() && t.errors.empty()) t.errors.push_back("no rows");
    return t;
  }();
  return table;
}

struct Case {
  Row row;
  std::string kernel;
};

// The cases of this executable's tier: a row of kernel "both" is run with each kernel.
std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (const Row& r : LoadTable().rows) {
    if (r.col.at("tier") != kTier) continue;
    if (r.col.at("kernel") == "both") {
      for (const char* k : kKernels) cases.push_back({r, k});
    } else {
      cases.push_back({r, r.col.at("kernel")});
    }
  }
  return cases;
}

std::string CaseName(const ::testing::TestParamInfo<Case>& i) {
  std::string n = i.param.row.col.at("workload") + "_" + i.param.row.col.at("arch") + "_" +
                  i.param.row.col.at("mode") + "_" + i.param.kernel;
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

std::vector<std::string> RunArgs(const Row& r, const std::string& kernel) {
  return {"run",    "--workload",     r.col.at("workload"), "--arch", r.col.at("arch"),
          "--mode", r.col.at("mode"), "--kernel",           kernel};
}

std::string Command(const std::vector<std::string>& args) {
  std::string s = "cssim";
  for (const std::string& a : args) s += " " + a;
  return s;
}

// The compared columns of a run, from its stats.json, as tools/golden-update computes them.
std::map<std::string, std::string> Columns(const nlohmann::json& j) {
  std::map<std::string, std::string> c;
  c["cycles"] = j.at("cycles").dump();
  c["energy_pj"] = j.at("energy_pj").at("total").dump();  // the text stats.json holds
  const nlohmann::json& counters = j.at("counters");
  c["dram_bytes"] = std::to_string(counters.at("top.dma.bytes_loaded").at("value").get<uint64_t>() +
                                   counters.at("top.dma.bytes_stored").at("value").get<uint64_t>());
  c["macs"] = j.at("macs").dump();
  std::string layers;
  for (const nlohmann::json& l : j.at("layers"))
    layers += (layers.empty() ? "" : ",") + l.at("cycles").dump();
  c["layer_cycles"] = layers;
  return c;
}

class Golden : public CliFixture, public ::testing::WithParamInterface<Case> {
 protected:
  Golden() : CliFixture("cssim-golden", false) {}
};

TEST_P(Golden, RunMatchesTheTable) {
  const Case& c = GetParam();
  std::vector<std::string> args = RunArgs(c.row, c.kernel);
  const std::string what = "golden row " + c.row.Key() + " (kernel " + c.kernel + ", " + kTable +
                           " line " + std::to_string(c.row.line) + ")";
  const std::string regenerate =
      "\n  rerun: " + Command(args) +
      "\n  if the change is meant: tools/golden-update --cssim <build>/cssim, and give the reason "
      "in the commit";
  args.push_back("--out");
  args.push_back(Path("out"));
  const CliResult r = Cli(args);
  ASSERT_EQ(r.exit_code, 0) << what << ": exit " << r.exit_code << "\n" << r.err << regenerate;
  const nlohmann::json j = nlohmann::json::parse(ReadFile(Path("out") + "/stats.json"));
  EXPECT_EQ(j.at("output_check"), "bit-exact") << what;
  const std::map<std::string, std::string> got = Columns(j);
  for (const char* col : kCompared) {
    const std::string& want = c.row.col.at(col);
    EXPECT_EQ(got.at(col), want) << what << ", column " << col << ": golden " << want << ", actual "
                                 << got.at(col) << regenerate;
  }
  // Which op moved first, by name.
  const std::vector<std::string> want_ops = Split(c.row.col.at("layer_cycles"), ',');
  const std::vector<std::string> got_ops = Split(got.at("layer_cycles"), ',');
  for (size_t i = 0; i < std::min(want_ops.size(), got_ops.size()); ++i)
    if (want_ops[i] != got_ops[i]) {
      ADD_FAILURE() << what << ": the first op whose cycles differ is op " << i << " '"
                    << j.at("layers").at(i).at("name").get<std::string>() << "': golden "
                    << want_ops[i] << ", actual " << got_ops[i];
      break;
    }
}

INSTANTIATE_TEST_SUITE_P(Table, Golden, ::testing::ValuesIn(Cases()), CaseName);
// The nightly executable has no rows when no run is long.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Golden);

#ifndef CSSIM_GOLDEN_NIGHTLY
TEST(GoldenTable, IsWellFormed) {
  const Table& t = LoadTable();
  for (const std::string& e : t.errors) ADD_FAILURE() << kTable << ": " << e;
  std::set<std::string> seen;
  for (const Row& r : t.rows) {
    const std::string key = r.Key() + " " + r.col.at("kernel");
    EXPECT_TRUE(seen.insert(key).second) << kTable << " line " << r.line << ": " << key << " twice";
    const std::string& k = r.col.at("kernel");
    EXPECT_TRUE(k == "both" || k == "systemc" || k == "direct") << "line " << r.line << ": " << k;
    const std::string& tier = r.col.at("tier");
    EXPECT_TRUE(tier == "sys" || tier == "nightly") << "line " << r.line << ": tier " << tier;
  }
}

// Every built-in workload x arch (as `cssim list` names them) x mode is a row or a refused
// line, so a new built-in cannot go unpinned; and the refused ones are still refused as input
// (exit 2) before any simulation.
class GoldenCoverage : public CliFixture {
 protected:
  GoldenCoverage() : CliFixture("cssim-golden", false) {}
};

TEST_F(GoldenCoverage, EveryBuiltinCombinationIsPinnedOrRefused) {
  const CliResult list = Cli({"list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::map<std::string, std::vector<std::string>> names;
  std::string section;
  std::istringstream is(list.out);
  for (std::string line; std::getline(is, line);) {
    if (line.rfind("architectures", 0) == 0) {
      section = "arch";
    } else if (line.rfind("workloads", 0) == 0) {
      section = "workload";
    } else if (!line.empty() && line[0] != ' ') {
      section.clear();
    } else if (line.rfind("  ", 0) == 0 && !section.empty()) {
      names[section].push_back(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  ASSERT_FALSE(names["arch"].empty());
  ASSERT_FALSE(names["workload"].empty());
  const Table& t = LoadTable();
  std::set<std::string> pinned;
  for (const Row& r : t.rows) pinned.insert(r.Key());
  std::set<std::string> all;
  for (const std::string& w : names["workload"])
    for (const std::string& a : names["arch"])
      for (const char* m : kModes) {
        const std::string key = w + " " + a + " " + m;
        all.insert(key);
        EXPECT_TRUE(pinned.count(key) || t.refused.count(key))
            << key << " is neither a row nor refused in " << kTable
            << "; run tools/golden-update --cssim <build>/cssim";
      }
  for (const std::string& key : pinned)
    EXPECT_TRUE(all.count(key)) << "row " << key << " is not a built-in combination";
  for (const std::string& key : t.refused) {
    EXPECT_TRUE(all.count(key)) << "refused " << key << " is not a built-in combination";
    const std::vector<std::string> f = Split(key, ' ');
    ASSERT_EQ(f.size(), 3u) << key;
    const CliResult r = Cli({"run", "--workload", f[0], "--arch", f[1], "--mode", f[2]});
    EXPECT_EQ(r.exit_code, 2) << key << " was refused when the table was written:\n" << r.err;
  }
}
#endif

}  // namespace
}  // namespace cssim
