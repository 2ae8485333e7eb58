// The systolic array (array.topology: systolic) in whole runs of the cssim binary: in each
// dataflow, on gsc-dense and on a small conv network, the output check passes, every MAC of the
// network is performed, both clock loops write identical result files, the utilisation is a
// fraction and the systolic counters (PE-to-PE hops) are there; a dropped MAC fires the MAC-count
// check; --impl rtl is refused with one line, and dataflow is on the multicast array too.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tb/common/cli_runner.h"

namespace cssim {
namespace {

// Two convs (the second unpadded), a pooling layer and a linear layer: ragged passes in every
// dataflow (24 and 20 channels on 12 columns, 100 and 16 pixels, fan-ins 144, 216 and 320 on 8
// rows).
constexpr const char* kSmallConv = R"(name: small-conv
seed: 5
input: {channels: 16, height: 10, width: 10}
layers:
  - {name: conv1, type: conv, out_channels: 24, kernel: 3, stride: 1, pad: 1}
  - {name: conv1_rq, type: requant, shift: 7}
  - {name: conv1_relu, type: relu}
  - {name: pool1, type: maxpool, size: 2}
  - {name: conv2, type: conv, out_channels: 20, kernel: 3, stride: 1, pad: 0}
  - {name: conv2_rq, type: requant, shift: 7}
  - {name: fc, type: linear, out_features: 10}
)";
// conv1: 24 x 10x10 outputs x 16x3x3; conv2: 20 x 3x3 outputs x 24x3x3; fc: 10 x 20x3x3.
constexpr int64_t kSmallConvMacs = 24 * 100 * 144 + 20 * 9 * 216 + 10 * 180;
// docs/background.md's GSC network, as tb/sys/run/run_test.cc pins it.
constexpr int64_t kGscMacs = 13106400;

class SystolicRun : public CliFixture {
 protected:
  SystolicRun() : CliFixture("cssim-systolic", /*run_in_dir=*/false) {}

  // An 8 x 12 systolic array (rows != cols, so a swapped index shows) in `flow`.
  std::string Arch(const std::string& flow, int buffers) {
    return Write("sys-" + flow + ".yaml",
                 "name: sys-" + flow + "\narray: {rows: 8, cols: 12, dataflow: " + flow +
                     ", topology: systolic}\npe: {weight_buffers: " + std::to_string(buffers) +
                     "}\n");
  }

  nlohmann::json RunBoth(const std::string& arch, const std::string& workload,
                         const std::string& tag) {
    std::string stats[2];
    const char* kernels[2] = {"direct", "systemc"};
    for (int i = 0; i < 2; ++i) {
      const std::string out = Path(tag + "-" + kernels[i]);
      const CliResult r = Cli(
          {"run", "--arch", arch, "--workload", workload, "--kernel", kernels[i], "--out", out});
      EXPECT_EQ(r.exit_code, 0) << kernels[i] << ": " << r.err;
      EXPECT_NE(r.out.find("bit-exact"), std::string::npos) << r.out;
      stats[i] = ReadFile(std::filesystem::path(out) / "stats.json");
    }
    EXPECT_EQ(stats[0], stats[1]) << "the two clock loops gave different cycles or counters";
    return nlohmann::json::parse(stats[0]);
  }
};

uint64_t Counter(const nlohmann::json& j, const std::string& name) {
  return j.at("counters").at(name).at("value").get<uint64_t>();
}

TEST_F(SystolicRun, EveryDataflowIsBitExactWithAllMacsAndBothKernelsAgree) {
  const std::string small = Write("small.yaml", kSmallConv);
  struct Job {
    std::string flow;
    int buffers;
  };
  for (const Job& job : {Job{"os", 2}, Job{"ws", 2}, Job{"ws", 1}, Job{"is", 2}, Job{"is", 1}}) {
    const std::string arch = Arch(job.flow, job.buffers);
    for (const auto& [workload, macs] :
         {std::pair<std::string, int64_t>{small, kSmallConvMacs}, {"gsc-dense", kGscMacs}}) {
      SCOPED_TRACE(job.flow + " buffers " + std::to_string(job.buffers) + " on " + workload);
      const nlohmann::json j =
          RunBoth(arch, workload,
                  job.flow + std::to_string(job.buffers) + (workload == small ? "-small" : "-gsc"));
      EXPECT_EQ(j.at("output_check"), "bit-exact");
      EXPECT_EQ(j.at("macs").get<int64_t>(), macs);
      EXPECT_EQ(j.at("pe_count").get<int64_t>(), 96);
      const double util = j.at("mac_utilization").get<double>();
      EXPECT_GT(util, 0.01);
      EXPECT_LE(util, 1.0);
      EXPECT_EQ(Counter(j, "top.array.mac.macs"), uint64_t(macs));
      // Operands and psums move between neighbours in every dataflow.
      EXPECT_GT(Counter(j, "top.array.input_hops.hops"), 0u);
      EXPECT_GT(Counter(j, "top.array.weight_hops.hops"), 0u);
      if (job.flow == "os")
        EXPECT_GT(Counter(j, "top.array.output_hops.hops"), 0u);
      else
        EXPECT_GT(Counter(j, "top.array.psum_hops.hops"), 0u);
    }
  }
}

TEST_F(SystolicRun, ASecondBankRunsFaster) {
  // The shadow bank only lets a preload overlap the pass before; with one bank it waits.
  const std::string small = Write("small.yaml", kSmallConv);
  for (const std::string flow : {"ws", "is"}) {
    SCOPED_TRACE(flow);
    const CliResult one =
        Cli({"run", "--arch", Arch(flow, 1), "--workload", small, "--out", Path(flow + "1")});
    const CliResult two =
        Cli({"run", "--arch", Arch(flow, 2), "--workload", small, "--out", Path(flow + "2")});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    ASSERT_EQ(two.exit_code, 0) << two.err;
    const auto c1 = nlohmann::json::parse(ReadFile(dir_ / (flow + "1") / "stats.json"))["cycles"];
    const auto c2 = nlohmann::json::parse(ReadFile(dir_ / (flow + "2") / "stats.json"))["cycles"];
    EXPECT_LT(c2.get<uint64_t>(), c1.get<uint64_t>());
  }
}

TEST_F(SystolicRun, ADroppedMacFiresTheMacCountCheckInEveryDataflow) {
  // CSSIM_TEST_FAULT=drop-mac (model/base/test_fault.h): PE(0, 0) skips its MAC of the first
  // beat, so conv1 (24 x 100 x 144 = 345,600 MACs) performs one fewer.
  const std::string small = Write("small.yaml", kSmallConv);
  setenv("CSSIM_TEST_FAULT", "drop-mac", 1);
  for (const std::string flow : {"os", "ws", "is"}) {
    const CliResult r = Cli({"run", "--arch", Arch(flow, 2), "--workload", small, "--no-check"});
    EXPECT_EQ(r.exit_code, 3) << flow << ": " << r.err;
    EXPECT_EQ(r.err,
              "cssim: simulation error: op 'conv1+conv1_rq+conv1_relu' performed 345599 MACs, its "
              "array mapping has 345600\n")
        << flow;
  }
  unsetenv("CSSIM_TEST_FAULT");
}

TEST_F(SystolicRun, RtlImplAndMulticastInputStationaryAreRefused) {
  const CliResult rtl = Cli({"run", "--arch", Arch("os", 2), "--workload", "gsc-dense", "--impl",
                             "rtl", "--out", Path("rtl")});
  EXPECT_EQ(rtl.exit_code, 2);
  EXPECT_EQ(rtl.err, "cssim: error: " + Path("sys-os.yaml") +
                         ": array.topology: systolic has no RTL twin for --impl rtl; allowed: "
                         "multicast, or --impl model\n");
  EXPECT_FALSE(std::filesystem::exists(Path("rtl")));
  const std::string multicast_is = Write("mis.yaml", "name: mis\narray: {dataflow: is}\n");
  const CliResult is = Cli({"run", "--arch", multicast_is, "--workload", "gsc-dense"});
  EXPECT_EQ(is.exit_code, 2);
  EXPECT_EQ(is.err,
            "cssim: error: " + multicast_is +
                ": array.dataflow: 'is' needs array.topology: systolic; allowed: ws | os | rs "
                "with array.topology: multicast\n");
}

}  // namespace
}  // namespace cssim
