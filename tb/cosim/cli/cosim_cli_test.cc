// Co-simulation through the cssim binary: --impl rtl is invisible in the results (same cycles,
// same counters), --impl both passes on good RTL and, with a fault injected into the RTL path,
// exits 4 with one message and an FST window in the run directory; `cssim regress` passes and
// catches injected faults; bad co-simulation options are one-line input errors.
// The binary is $CSSIM_BIN (set by CMake for every test).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/cosim/factory.h"
#include "tb/common/cli_runner.h"

namespace cssim {
namespace {

namespace fs = std::filesystem;

// Dense layers (PE array), a sparse conv and a k-WTA (CS engine, k-WTA unit), and a conv and a
// linear layer fed by k-WTAs (the sparse-sparse unit): every block with RTL, in a few thousand
// cycles.
constexpr const char* kNet = R"(name: cosim-net
seed: 11
input: {channels: 4, height: 8, width: 8}
layers:
  - {name: conv1, type: conv, out_channels: 24, kernel: 3, pad: 1, weight_density: 0.25}
  - {name: conv1_rq, type: requant, shift: 5}
  - {name: kwta1, type: kwta, density: 0.3}
  - {name: conv2, type: conv, out_channels: 16, kernel: 3, stride: 2, pad: 1, weight_density: 0.125}
  - {name: conv2_rq, type: requant, shift: 5}
  - {name: kwta2, type: kwta, density: 0.25}
  - {name: fc, type: linear, out_features: 10, weight_density: 0.25}
)";

class CosimCli : public CliFixture {
 protected:
  CosimCli() : CliFixture("cssim-cosim", /*run_in_dir=*/true) {}
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CliFixture::SetUp());
    Write("net.yaml", kNet);
  }

  void ExpectInputError(const std::vector<std::string>& args, const std::string& want) {
    const CliResult r = Cli(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(want), std::string::npos) << want << ": " << r.err;
  }

  static bool Has(const std::string& block) {
    const std::vector<std::string> b = RtlBlocks();
    return std::find(b.begin(), b.end(), block) != b.end();
  }
};

// Every counter of a run except those that count stalled or idle cycles: the engine ticks an
// RTL twin in every busy cycle, where it may skip a model's stalled ones. The cycle reasons
// (top.cycles.*) are among those compared: they must not depend on which cycles were ticked.
std::map<std::string, uint64_t> ActionCounters(const nlohmann::json& stats) {
  std::map<std::string, uint64_t> m;
  for (const auto& [name, c] : stats.at("counters").items()) {
    if (name.find("stall") != std::string::npos || name.find("starved") != std::string::npos)
      continue;
    m[name] = c.at("value").get<uint64_t>();
  }
  return m;
}

TEST_F(CosimCli, RtlRunsGiveTheModelsCyclesAndCounters) {
  for (const char* mode : {"dense", "sparse-dense", "sparse-sparse"}) {
    SCOPED_TRACE(mode);
    const std::string model = Path(std::string("model-") + mode);
    const std::string rtl = Path(std::string("rtl-") + mode);
    const CliResult a =
        Cli({"run", "--workload", "net.yaml", "--mode", mode, "--impl", "model", "--out", model});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    const CliResult b =
        Cli({"run", "--workload", "net.yaml", "--mode", mode, "--impl", "rtl", "--out", rtl});
    ASSERT_EQ(b.exit_code, 0) << b.err;
    const auto ja = nlohmann::json::parse(ReadFile(fs::path(model) / "stats.json"));
    const auto jb = nlohmann::json::parse(ReadFile(fs::path(rtl) / "stats.json"));
    EXPECT_EQ(ja.at("cycles"), jb.at("cycles"));
    EXPECT_EQ(jb.at("output_check"), "bit-exact");
    EXPECT_EQ(ActionCounters(ja), ActionCounters(jb));
    EXPECT_FALSE(jb.at("cosim").at("rtl_units").empty()) << jb.at("cosim");
  }
}

TEST_F(CosimCli, BothPassesInEveryMode) {
  for (const char* mode : {"dense", "sparse-dense", "sparse-sparse"}) {
    const CliResult r = Cli({"run", "--workload", "net.yaml", "--mode", mode, "--impl", "both"});
    EXPECT_EQ(r.exit_code, 0) << mode << ": " << r.err;
    EXPECT_NE(r.out.find("lockstep"), std::string::npos) << r.out;
  }
}

// A fault in the RTL path of each block: exit 4, one line naming cycle, instance and field,
// and the waveform window in --out (and no result files there).
struct FaultCase {
  const char* block;  // RTL top
  const char* mode;
  const char* spec;
  const char* instance;
  const char* field;  // prefix of the reported field
};
class CosimFault : public CosimCli, public ::testing::WithParamInterface<FaultCase> {};

TEST_P(CosimFault, ExitsFourWithOneLineAndAWaveform) {
  const FaultCase& c = GetParam();
  if (!Has(c.block)) GTEST_SKIP() << "built without " << c.block;
  const std::string out = Path("fail");
  const CliResult r = Cli({"run", "--workload", "net.yaml", "--mode", c.mode, "--impl", "both",
                           "--inject", c.spec, "--out", out});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  const std::string first = r.err.substr(0, r.err.find('\n'));
  EXPECT_EQ(first.rfind("cssim: cosim mismatch at cycle ", 0), 0u) << r.err;
  EXPECT_NE(first.find(std::string(": ") + c.instance + ": " + c.field), std::string::npos)
      << r.err;
  EXPECT_NE(first.find("expected"), std::string::npos) << r.err;
  EXPECT_NE(first.find("actual"), std::string::npos) << r.err;
  const fs::path fst = fs::path(out) / (std::string(c.instance) + ".fst");
  ASSERT_TRUE(fs::exists(fst)) << r.err;
  EXPECT_GT(fs::file_size(fst), 200u);
  EXPECT_EQ(ReadFile(fs::path(out) / "mismatch.txt").substr(0, first.size() - 7),
            first.substr(7));  // the same line, without "cssim: "
  EXPECT_FALSE(fs::exists(fs::path(out) / "stats.json"));
  EXPECT_NE(r.err.find("waveform " + fst.string()), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Blocks, CosimFault,
    ::testing::Values(
        FaultCase{"pe_array", "dense", "flip:array:out:5", "top.array", "out."},
        FaultCase{"pe_array", "dense", "delay:array:out:2", "top.array", "out."},
        FaultCase{"pe_array", "dense", "drop:array:out:0", "top.array", "out."},
        FaultCase{"cs_engine", "sparse-dense", "flip:cs:out:7", "top.cs", "out."},
        FaultCase{"kwta", "sparse-dense", "drop:kwta:glb_req:3", "top.kwta", "glb_req"},
        FaultCase{"sparse_accum", "sparse-sparse", "delay:ss:glb_req:4", "top.ss", "glb_req"}));

TEST_F(CosimCli, RegressPassesAndCatchesInjectedFaults) {
  const CliResult r = Cli({"regress", "--seeds", "1", "--no-workloads"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const std::string& b : RtlBlocks())
    EXPECT_NE(r.out.find(b), std::string::npos) << b << ": " << r.out;
  EXPECT_NE(r.out.find(std::to_string(RtlBlocks().size()) + " passed, 0 failed"), std::string::npos)
      << r.out;
  if (!Has("pe_array")) return;
  const CliResult f = Cli({"regress", "--seeds", "2", "--no-workloads", "--blocks", "pe_array",
                           "--inject", "flip:array:out:1"});
  EXPECT_EQ(f.exit_code, 0) << f.out;
  EXPECT_NE(f.out.find("PASS (fault caught)"), std::string::npos) << f.out;
  EXPECT_NE(f.out.find("2 passed, 0 failed"), std::string::npos) << f.out;
}

// The default regression, as the README gives it: every block's seeds and the GSC workloads in
// their modes, all in lockstep.
TEST_F(CosimCli, DefaultRegressPasses) {
  const CliResult r = Cli({"regress"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(" passed, 0 failed"), std::string::npos) << r.out;
  for (const char* w : {"gsc-dense", "gsc-sparse", "gsc-supersparse"})
    EXPECT_NE(r.out.find(w), std::string::npos) << w;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
}

TEST_F(CosimCli, BadOptionsAreOneLineInputErrors) {
  ExpectInputError({"run", "--mode", "dense", "--impl", "verilog"}, "--impl");
  ExpectInputError({"run", "--mode", "dense", "--impl", "both", "--kernel", "direct"},
                   "--kernel systemc");
  ExpectInputError({"run", "--mode", "dense", "--inject", "flip:array:out:1"}, "--impl both");
  ExpectInputError({"run", "--mode", "dense", "--impl", "both", "--inject", "bend:array:out:1"},
                   "flip|delay|drop");
  ExpectInputError({"run", "--mode", "dense", "--impl", "rtl", "--chip", "zu3eg-like"}, "--impl");
  ExpectInputError({"regress", "--blocks", "no_such_block"}, "no RTL block 'no_such_block'");
  ExpectInputError({"regress", "--seeds", "-1"}, "--seeds");
}

}  // namespace
}  // namespace cssim
