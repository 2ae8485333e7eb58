// What stats.json gives a report, checked on real runs of every mode: the energy of every
// counted action with its table entry's source, adding up to the run's total; each layer's
// energy by component and by data type adding up to its energy; every cycle charged to one
// reason, per layer and in total, and the summary printing them; the peaks a roofline needs,
// from the arch.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "model/base/version.h"
#include "tb/common/cli_runner.h"

namespace cssim {
namespace {

class StatsJsonTest : public CliFixture, public ::testing::WithParamInterface<const char*> {
 protected:
  StatsJsonTest() : CliFixture("cssim-stats", /*run_in_dir=*/false) {}
};

double Sum(const nlohmann::json& object) {
  double s = 0;
  for (const auto& kv : object.items()) s += kv.value().get<double>();
  return s;
}

TEST_P(StatsJsonTest, ActionsLayersCycleReasonsAndPeaksAddUp) {
  const CliResult r = Cli({"run", "--mode", GetParam(), "--out", Path("r")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(ReadFile(dir_ / "r" / "stats.json"));
  EXPECT_EQ(j["cssim_version"], kCssimVersion);

  // Energy per action: every counter with an action, its source named, summing to the total.
  double pj = 0;
  size_t with_count = 0;
  for (const auto& a : j["energy_actions"]) {
    EXPECT_FALSE(a["source"].get<std::string>().empty()) << a["counter"];
    EXPECT_EQ(a["count"], j["actions"][a["counter"].get<std::string>()]) << a["counter"];
    EXPECT_DOUBLE_EQ(a["pj"].get<double>(),
                     a["count"].get<double>() * a["pj_per_action"].get<double>());
    pj += a["pj"].get<double>();
    with_count += a["count"].get<uint64_t>() > 0;
  }
  EXPECT_EQ(j["energy_actions"].size(), j["actions"].size());
  EXPECT_GT(with_count, 5u);
  const double total = j["energy_pj"]["total"].get<double>();
  EXPECT_NEAR(pj, total, 1e-9 * total);

  // Per layer: energy by component and by data type, and the cycle reasons.
  uint64_t cycles = 0;
  for (const auto& l : j["layers"]) {
    const double e = l["energy_pj"].get<double>();
    EXPECT_NEAR(Sum(l["energy_by_component"]), e, 1e-9 * total) << l["name"];
    EXPECT_NEAR(Sum(l["energy_by_datatype"]), e, 1e-9 * total) << l["name"];
    uint64_t reasons = 0;
    for (const auto& kv : l["cycle_reasons"].items()) reasons += kv.value().get<uint64_t>();
    EXPECT_EQ(reasons, l["cycles"].get<uint64_t>()) << l["name"];
    cycles += reasons;
  }
  EXPECT_EQ(cycles, j["cycles"].get<uint64_t>());
  uint64_t run_reasons = 0;
  for (const auto& kv : j["cycle_reasons"].items()) {
    run_reasons += kv.value().get<uint64_t>();
    EXPECT_FALSE(j["cycle_reason_descriptions"][kv.key()].get<std::string>().empty()) << kv.key();
    EXPECT_EQ(kv.value(), j["counters"]["top.cycles." + kv.key()]["value"]) << kv.key();
  }
  EXPECT_EQ(run_reasons, j["cycles"].get<uint64_t>());
  EXPECT_GT(j["cycle_reasons"]["compute"].get<uint64_t>(), 0u);

  // The summary shows the same reasons, one line each: name, cycles (grouped), share.
  const size_t at = r.out.find("\nwhere the cycles go (cycles)\n");
  ASSERT_NE(at, std::string::npos) << r.out;
  std::istringstream lines(r.out.substr(at + 30));
  std::map<std::string, std::string> shown;
  for (size_t i = 0; i < j["cycle_reasons"].size(); ++i) {
    std::string name, cycles, share, percent;
    ASSERT_TRUE(lines >> name >> cycles >> share >> percent) << r.out;
    cycles.erase(std::remove(cycles.begin(), cycles.end(), ','), cycles.end());
    shown[name] = cycles;
  }
  for (const auto& kv : j["cycle_reasons"].items())
    EXPECT_EQ(shown[kv.key()], std::to_string(kv.value().get<uint64_t>())) << kv.key();

  // Peaks: the mode engine at the clock; the default arch's LPDDR4, one 32-bit channel at
  // 0.625 ns (3,200 MT/s): 4 B x 2 / 0.625 ns = 12.8 GB/s.
  const auto& peak = j["peak"];
  EXPECT_EQ(peak["macs_per_cycle"], j["pe_count"]);
  EXPECT_DOUBLE_EQ(peak["macs_per_s"].get<double>(),
                   j["pe_count"].get<double>() * j["clock_mhz"].get<double>() * 1e6);
  EXPECT_DOUBLE_EQ(peak["dram_bytes_per_s"].get<double>(), 12.8e9);
  EXPECT_DOUBLE_EQ(peak["dram_bytes_per_cycle"].get<double>(),
                   12.8e9 / (j["clock_mhz"].get<double>() * 1e6));
  EXPECT_EQ(peak["dram_preset"], "lpddr4");
}

INSTANTIATE_TEST_SUITE_P(Modes, StatsJsonTest,
                         ::testing::Values("dense", "sparse-dense", "sparse-sparse"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

}  // namespace
}  // namespace cssim
