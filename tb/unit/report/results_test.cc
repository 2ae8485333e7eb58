// Result files and summary of one run, written from a hand-built RunResult (no simulation).
#include "model/report/results.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "model/base/error.h"

namespace cssim {
namespace {

namespace fs = std::filesystem;

ActionEnergy Action(const std::string& counter, const std::string& component,
                    const std::string& action, const std::string& data_type, uint64_t count,
                    double pj_per_action) {
  ActionEnergy a;
  a.counter = counter;
  a.component = component;
  a.action = action;
  a.data_type = data_type;
  a.count = count;
  a.pj_per_action = pj_per_action;
  a.pj = double(count) * pj_per_action;
  return a;
}

// Sums the actions into totals the way the energy model does.
EnergyReport Report(std::vector<ActionEnergy> actions) {
  EnergyReport e;
  e.actions = std::move(actions);
  for (const ActionEnergy& a : e.actions) {
    e.total_pj += a.pj;
    e.by_component[a.component] += a.pj;
    e.by_datatype[a.data_type] += a.pj;
  }
  return e;
}

RunResult MakeResult() {
  RunResult r;
  r.arch.name = "test-arch";
  r.arch.clock_mhz = 500;
  r.workload.name = "tiny";
  r.workload.seed = 7;
  r.energy_table.name = "45nm";
  r.energy_table.unit = "pJ";
  r.mode = "dense";
  r.pe_count = 256;
  r.output_check = "bit-exact";
  r.wall_seconds = 0.25;

  LayerResult conv;
  conv.name = "conv1";
  conv.kind = "conv+requant+relu";
  conv.engine = "cs";
  conv.dense_macs = 640000;
  conv.pack_n = 5;
  conv.packing_efficiency = 0.75;
  conv.cycles = 1000;
  conv.macs = 128000;
  conv.mac_utilization = 0.5;
  conv.dram_bytes = 4096;
  conv.energy = Report({
      Action("top.array.mac", "mac", "mac", "none", 128000, 0.315),
      // Two RFs of one component with different widths: per-access energy must split them.
      Action("top.array.weight_rf.reads", "rf", "read", "weight", 128000, 0.03),
      Action("top.array.psum_rf.reads", "rf", "read", "psum", 128000, 0.12),
      Action("top.glb.reads", "glb", "read", "input", 2000, 10.1),
  });
  // A layer that never touches the GLB still gets an energy_glb_pj column (0).
  LayerResult fc;
  fc.name = "fc,1";  // a comma: the CSV must quote it
  fc.kind = "linear";
  fc.engine = "array";
  fc.dense_macs = 10000;
  fc.cycles = 234;
  fc.macs = 10000;
  fc.mac_utilization = 10000.0 / (234 * 256);
  fc.dram_bytes = 10240;
  fc.energy = Report({
      Action("top.array.mac", "mac", "mac", "none", 10000, 0.315),
      Action("top.array.weight_rf.reads", "rf", "read", "weight", 10000, 0.03),
      Action("top.array.psum_rf.reads", "rf", "read", "psum", 10000, 0.12),
  });
  // Counters with and without an energy action, one of them zero (shown in stats.json only).
  const std::vector<CounterValue> counters = {
      {"top.array.mac", "MACs", "useful MACs", 0},
      {"top.glb.conflict_stalls", "cycles", "cycles a request waited for a busy bank", 0},
      {"top.dram.row_hits", "accesses", "accesses to the open row", 0},
  };
  conv.counters = fc.counters = r.counters = counters;
  conv.counters[0].value = 128000;
  conv.counters[1].value = 12;
  fc.counters[0].value = 10000;
  r.counters[0].value = 138000;
  r.counters[1].value = 12;
  r.layers = {conv, fc};

  std::vector<ActionEnergy> all = conv.energy.actions;
  for (size_t i = 0; i < fc.energy.actions.size(); ++i) {
    all[i].count += fc.energy.actions[i].count;
    all[i].pj += fc.energy.actions[i].pj;
  }
  r.energy = Report(all);
  r.cycles = conv.cycles + fc.cycles;
  r.macs = conv.macs + fc.macs;
  r.mac_utilization = double(r.macs) / (double(r.cycles) * r.pe_count);
  r.inferences_per_s = r.arch.clock_mhz * 1e6 / double(r.cycles);
  return r;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream os;
  os << f.rdbuf();
  return os.str();
}

std::vector<std::string> Entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream is(s);
  for (std::string l; std::getline(is, l);) lines.push_back(l);
  return lines;
}

class ResultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "cssim-results-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
  RunResult r_ = MakeResult();
};

TEST_F(ResultsTest, WritesExactlyTheFourFilesAndNoTemporaries) {
  WriteResults((root_ / "out").string(), r_);
  EXPECT_EQ(Entries(root_ / "out"),
            (std::vector<std::string>{"COMPUTE_REPORT.csv", "config.resolved.yaml", "layers.csv",
                                      "stats.json"}));
  EXPECT_EQ(Entries(root_), std::vector<std::string>{"out"});
}

TEST_F(ResultsTest, StatsJsonHasEveryRequiredKeyInFixedOrder) {
  WriteResults((root_ / "out").string(), r_);
  const auto j = nlohmann::ordered_json::parse(ReadFile(root_ / "out" / "stats.json"));
  std::vector<std::string> keys;
  for (const auto& kv : j.items()) keys.push_back(kv.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"cycles",
                                            "clock_mhz",
                                            "inferences_per_s",
                                            "macs",
                                            "dense_macs",
                                            "pe_count",
                                            "mac_utilization",
                                            "packing_efficiency",
                                            "mode",
                                            "arch",
                                            "workload",
                                            "seed",
                                            "energy_table",
                                            "energy_unit",
                                            "output_check",
                                            "cosim",
                                            "energy_pj",
                                            "per_access_pj",
                                            "actions",
                                            "counters",
                                            "layers",
                                            "cssim_version",
                                            "peak",
                                            "cycle_reasons",
                                            "cycle_reason_descriptions",
                                            "energy_actions"}));
  for (const char* k : {"total", "by_component", "by_datatype", "per_mac"})
    EXPECT_TRUE(j["energy_pj"].contains(k)) << k;
  EXPECT_EQ(j["cosim"]["impl"], "model");
  EXPECT_TRUE(j["cosim"]["rtl_units"].empty());
  ASSERT_EQ(j["layers"].size(), 2u);
  for (const char* k :
       {"name", "kind", "cycles", "macs", "mac_utilization", "dram_bytes", "energy_pj", "counters"})
    EXPECT_TRUE(j["layers"][1].contains(k)) << k;

  EXPECT_EQ(j["cycles"].get<uint64_t>(), 1234u);
  EXPECT_EQ(j["macs"].get<int64_t>(), 138000);
  EXPECT_EQ(j["arch"], "test-arch");
  EXPECT_EQ(j["workload"], "tiny");
  EXPECT_EQ(j["seed"].get<uint64_t>(), 7u);
  EXPECT_EQ(j["output_check"], "bit-exact");
  EXPECT_EQ(j["energy_unit"], "pJ");
  EXPECT_EQ(j["layers"][1]["name"], "fc,1");
  EXPECT_EQ(j["layers"][0]["dram_bytes"].get<uint64_t>(), 4096u);
  EXPECT_DOUBLE_EQ(j["energy_pj"]["per_mac"].get<double>(), r_.energy.total_pj / 138000);
  EXPECT_FALSE(j.contains("wall_seconds"));
}

TEST_F(ResultsTest, DoublesReadBackExactly) {
  WriteResults((root_ / "out").string(), r_);
  const auto j = nlohmann::json::parse(ReadFile(root_ / "out" / "stats.json"));
  EXPECT_EQ(j["mac_utilization"].get<double>(), r_.mac_utilization);
  EXPECT_EQ(j["inferences_per_s"].get<double>(), r_.inferences_per_s);
  EXPECT_EQ(j["energy_pj"]["total"].get<double>(), r_.energy.total_pj);
}

TEST_F(ResultsTest, EnergyBreakdownsSumToTotal) {
  WriteResults((root_ / "out").string(), r_);
  const auto j = nlohmann::json::parse(ReadFile(root_ / "out" / "stats.json"));
  const double total = j["energy_pj"]["total"].get<double>();
  ASSERT_GT(total, 0);
  for (const char* breakdown : {"by_component", "by_datatype"}) {
    double sum = 0;
    for (const auto& kv : j["energy_pj"][breakdown].items()) sum += kv.value().get<double>();
    EXPECT_NEAR(sum, total, 1e-9 * total) << breakdown;
  }
  EXPECT_EQ(j["energy_pj"]["by_component"].size(), 3u);  // mac, rf, glb
}

TEST_F(ResultsTest, PerAccessHasOneEntryPerPairAndSplitsPairsThatDifferByGroup) {
  WriteResults((root_ / "out").string(), r_);
  const auto j = nlohmann::json::parse(ReadFile(root_ / "out" / "stats.json"));
  const auto& pa = j["per_access_pj"];
  EXPECT_EQ(pa.size(), 4u);
  EXPECT_DOUBLE_EQ(pa["mac.mac"].get<double>(), 0.315);
  EXPECT_DOUBLE_EQ(pa["glb.read"].get<double>(), 10.1);
  EXPECT_FALSE(pa.contains("rf.read"));
  EXPECT_DOUBLE_EQ(pa["rf.read@top.array.weight_rf"].get<double>(), 0.03);
  EXPECT_DOUBLE_EQ(pa["rf.read@top.array.psum_rf"].get<double>(), 0.12);
  EXPECT_EQ(j["actions"]["top.glb.reads"].get<uint64_t>(), 2000u);
  EXPECT_EQ(j["actions"]["top.array.mac"].get<uint64_t>(), 138000u);
}

TEST_F(ResultsTest, CountersListEveryCounterWithValueUnitAndDescriptionInWalkOrder) {
  WriteResults((root_ / "out").string(), r_);
  const auto j = nlohmann::ordered_json::parse(ReadFile(root_ / "out" / "stats.json"));
  const auto& c = j["counters"];
  std::vector<std::string> names;
  for (const auto& kv : c.items()) names.push_back(kv.key());
  EXPECT_EQ(names, (std::vector<std::string>{"top.array.mac", "top.glb.conflict_stalls",
                                             "top.dram.row_hits"}));
  const auto& stalls = c["top.glb.conflict_stalls"];
  std::vector<std::string> keys;
  for (const auto& kv : stalls.items()) keys.push_back(kv.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"value", "unit", "description"}));
  EXPECT_EQ(stalls["value"].get<uint64_t>(), 12u);
  EXPECT_EQ(stalls["unit"], "cycles");
  EXPECT_EQ(stalls["description"], "cycles a request waited for a busy bank");
  EXPECT_EQ(c["top.array.mac"]["value"].get<uint64_t>(), 138000u);
  // A zero counter is still listed: a key that comes and goes would break scripts.
  EXPECT_EQ(c["top.dram.row_hits"]["value"].get<uint64_t>(), 0u);
  // Counters without energy stay out of "actions".
  EXPECT_FALSE(j["actions"].contains("top.glb.conflict_stalls"));
}

TEST_F(ResultsTest, LayerCountersAreThatLayersValuesOnly) {
  WriteResults((root_ / "out").string(), r_);
  const auto j = nlohmann::ordered_json::parse(ReadFile(root_ / "out" / "stats.json"));
  ASSERT_EQ(j["layers"].size(), 2u);
  const auto& conv = j["layers"][0]["counters"];
  const auto& fc = j["layers"][1]["counters"];
  std::vector<std::string> names;
  for (const auto& kv : fc.items()) names.push_back(kv.key());
  EXPECT_EQ(names, (std::vector<std::string>{"top.array.mac", "top.glb.conflict_stalls",
                                             "top.dram.row_hits"}));
  ASSERT_TRUE(conv["top.glb.conflict_stalls"].is_number_unsigned());
  EXPECT_EQ(conv["top.glb.conflict_stalls"].get<uint64_t>(), 12u);
  EXPECT_EQ(conv["top.array.mac"].get<uint64_t>(), 128000u);
  EXPECT_EQ(fc["top.array.mac"].get<uint64_t>(), 10000u);
  EXPECT_EQ(fc["top.glb.conflict_stalls"].get<uint64_t>(), 0u);
}

TEST_F(ResultsTest, CounterTableShowsEveryNonZeroCounterInAlignedColumns) {
  std::ostringstream os;
  PrintCounters(os, r_);
  const auto lines = SplitLines(os.str());
  // A blank line, the title, the column heads, one row per non-zero counter.
  ASSERT_EQ(lines.size(), 5u) << os.str();
  EXPECT_EQ(lines[0], "");
  EXPECT_EQ(lines[3].rfind("  top.array.mac ", 0), 0u) << lines[3];
  EXPECT_NE(lines[3].find(" 138,000  MACs"), std::string::npos) << lines[3];
  EXPECT_EQ(lines[4].rfind("  top.glb.conflict_stalls ", 0), 0u) << lines[4];
  EXPECT_NE(lines[4].find(" 12  cycles"), std::string::npos) << lines[4];
  EXPECT_EQ(os.str().find("row_hits"), std::string::npos) << "zero counters are left out";
  // Values are right-aligned: they end in the same column in every row and the head.
  const size_t end = lines[2].find("value") + 5;
  EXPECT_EQ(lines[3].find("138,000") + 7, end) << os.str();
  EXPECT_EQ(lines[4].find(" 12 ") + 3, end) << os.str();
}

TEST_F(ResultsTest, LayersCsvHasOneRowPerLayerAndTheSameColumnsInEveryRow) {
  WriteResults((root_ / "out").string(), r_);
  const auto lines = SplitLines(ReadFile(root_ / "out" / "layers.csv"));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            "name,kind,engine,cycles,dense_macs,macs,mac_utilization,pack_n,packing_efficiency,"
            "dram_bytes,energy_pj,energy_glb_pj,energy_mac_pj,energy_rf_pj");
  EXPECT_EQ(lines[1].rfind("conv1,conv+requant+relu,cs,1000,640000,128000,0.5,5,0.75,4096,", 0), 0u)
      << lines[1];
  // The quoted name holds a comma, so count fields after it.
  ASSERT_EQ(lines[2].rfind("\"fc,1\",linear,array,234,10000,10000,", 0), 0u) << lines[2];
  const std::string rest = lines[2].substr(std::string("\"fc,1\"").size());
  EXPECT_EQ(std::count(rest.begin(), rest.end(), ','), 13);
  EXPECT_NE(lines[2].find(",0,"), std::string::npos) << "energy_glb_pj of fc is 0";
}

TEST_F(ResultsTest, ResolvedConfigNestsEachSpecUnderItsKey) {
  WriteResults((root_ / "out").string(), r_);
  const YAML::Node y = YAML::LoadFile((root_ / "out" / "config.resolved.yaml").string());
  EXPECT_EQ(y["mode"].as<std::string>(), "dense");
  EXPECT_EQ(y["seed"].as<uint64_t>(), 7u);
  ASSERT_TRUE(y["arch"].IsMap());
  ASSERT_TRUE(y["workload"].IsMap());
  ASSERT_TRUE(y["energy"].IsMap());
  EXPECT_EQ(y["arch"]["name"].as<std::string>(), "test-arch");
  EXPECT_EQ(y["workload"]["name"].as<std::string>(), "tiny");
  EXPECT_EQ(y["energy"]["name"].as<std::string>(), "45nm");
}

TEST_F(ResultsTest, WritingTwiceGivesByteIdenticalFiles) {
  WriteResults((root_ / "a").string(), r_);
  WriteResults((root_ / "b").string(), r_);
  for (const char* f : {"stats.json", "layers.csv", "config.resolved.yaml"})
    EXPECT_EQ(ReadFile(root_ / "a" / f), ReadFile(root_ / "b" / f)) << f;
}

TEST_F(ResultsTest, ReplacesAnEarlierResultDirectory) {
  const fs::path out = root_ / "out";
  WriteResults(out.string(), r_);
  const std::string first = ReadFile(out / "stats.json");
  r_.cycles = 99;
  WriteResults(out.string() + "/", r_);  // a trailing slash names the same directory
  EXPECT_NE(ReadFile(out / "stats.json"), first);
  EXPECT_NE(ReadFile(out / "stats.json").find("\"cycles\": 99,"), std::string::npos);
  EXPECT_EQ(Entries(root_), std::vector<std::string>{"out"});  // no .old-/.tmp- left
}

TEST_F(ResultsTest, RefusesToReplaceADirectoryCssimDidNotWrite) {
  const fs::path out = root_ / "mine";
  fs::create_directory(out);
  std::ofstream(out / "notes.txt") << "keep me";
  EXPECT_THROW(WriteResults(out.string(), r_), InputError);
  EXPECT_EQ(Entries(out), std::vector<std::string>{"notes.txt"});
  EXPECT_EQ(Entries(root_), std::vector<std::string>{"mine"});
}

TEST_F(ResultsTest, OutPathThatIsAFileIsAnInputErrorNamingOut) {
  const fs::path file = root_ / "file";
  std::ofstream(file) << "x";
  try {
    WriteResults(file.string(), r_);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--out"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a directory"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ReadFile(file), "x");
  EXPECT_EQ(Entries(root_), std::vector<std::string>{"file"});
}

TEST_F(ResultsTest, FailureUnderAFileLeavesNoDirectoryBehind) {
  std::ofstream(root_ / "file") << "x";
  const fs::path out = root_ / "file" / "sub" / "out";
  EXPECT_THROW(CheckOutDir(out.string()), InputError);
  EXPECT_THROW(WriteResults(out.string(), r_), InputError);
  EXPECT_EQ(Entries(root_), std::vector<std::string>{"file"});
}

TEST_F(ResultsTest, CreatesMissingParentsAndCheckAloneCreatesNothing) {
  const fs::path out = root_ / "a" / "b" / "out";
  CheckOutDir(out.string());
  EXPECT_TRUE(Entries(root_).empty());
  WriteResults(out.string(), r_);
  EXPECT_TRUE(fs::exists(out / "stats.json"));
}

TEST_F(ResultsTest, SummaryShowsHeadlineFiguresAndEveryLayer) {
  std::ostringstream os;
  PrintSummary(os, r_);
  const std::string s = os.str();
  for (const char* want : {"tiny on test-arch", "1,234", "2.468 us", "138,000", "bit-exact", "uJ",
                           "pJ/MAC", "conv1", "conv+requant+relu", "fc,1", "glb", "wall time"})
    EXPECT_NE(s.find(want), std::string::npos) << want << " in\n" << s;
}

TEST_F(ResultsTest, SummaryOfANormalisedTableKeepsItsUnit) {
  r_.energy_table.unit = "MAC-normalised";
  std::ostringstream os;
  PrintSummary(os, r_);
  EXPECT_NE(os.str().find("MAC-normalised/MAC"), std::string::npos) << os.str();
  EXPECT_EQ(os.str().find("uJ"), std::string::npos) << os.str();
}

}  // namespace
}  // namespace cssim
