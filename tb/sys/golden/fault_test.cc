// The run's own checks can fail: with a test-only fault in the model (CSSIM_TEST_FAULT,
// model/base/test_fault.h), `cssim run` exits 3 and its stderr names the check that fired; a
// corrupted output element trips the output check, a dropped MAC the MAC-count check. Without
// the variable the same run is clean.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tb/common/cli_runner.h"

namespace cssim {
namespace {

// One conv layer and its requant, so that the collector's outputs are the network's outputs
// (nothing after it could hide a corrupted element). 8 output channels of 6 x 6 (pad 1), each
// output a sum over 4 channels x 3 x 3: 8 * 36 * 36 = 10,368 MACs (padding zeros included), one
// op named "conv+conv_rq".
constexpr const char* kOneConv =
    "name: one-conv\nseed: 7\ninput: {channels: 4, height: 6, width: 6}\nlayers:\n"
    "  - {name: conv, type: conv, out_channels: 8, kernel: 3, stride: 1, pad: 1}\n"
    "  - {name: conv_rq, type: requant, shift: 6}\n";
constexpr const char* kOsArch = "name: os-array\narray: {dataflow: os}\n";

class Fault : public CliFixture {
 protected:
  Fault() : CliFixture("cssim-fault", false) {}
  void TearDown() override {
    unsetenv("CSSIM_TEST_FAULT");
    CliFixture::TearDown();
  }
  // `cssim run` of the one-conv workload in dense mode, with the fault set (or none for "").
  CliResult RunWith(const std::string& fault, const std::vector<std::string>& extra = {}) {
    if (fault.empty())
      unsetenv("CSSIM_TEST_FAULT");
    else
      setenv("CSSIM_TEST_FAULT", fault.c_str(), 1);
    std::vector<std::string> args = {"run", "--workload", Write("one_conv.yaml", kOneConv),
                                     "--mode", "dense"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Cli(args);
  }
};

TEST_F(Fault, WithoutAFaultTheRunIsClean) {
  const CliResult r = RunWith("");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("output check            bit-exact"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("MACs (performed)        10,368"), std::string::npos) << r.out;
}

TEST_F(Fault, ACorruptedOutputElementFiresTheOutputCheck) {
  const CliResult r = RunWith("corrupt-output");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  // The first element written, (c=0, y=0, x=0), has its lowest bit flipped.
  EXPECT_NE(r.err.find("cssim: simulation error: output mismatch in layer 'conv_rq' at (c=0, "
                       "y=0, x=0)"),
            std::string::npos)
      << r.err;
}

TEST_F(Fault, ACorruptedOutputElementPassesOnlyWithoutTheOutputCheck) {
  // The MACs are all there: only the output check can see this fault.
  const CliResult r = RunWith("corrupt-output", {"--no-check"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(Fault, ADroppedMacFiresTheMacCountCheck) {
  for (const bool os : {false, true}) {
    std::vector<std::string> extra;
    if (os) extra = {"--arch", Write("os.yaml", kOsArch)};
    for (const bool check : {true, false}) {
      std::vector<std::string> args = extra;
      if (!check) args.push_back("--no-check");  // the MAC count is checked all the same
      const CliResult r = RunWith("drop-mac", args);
      const std::string where = std::string(os ? "os" : "ws") + (check ? "" : ", --no-check");
      EXPECT_EQ(r.exit_code, 3) << where << ": " << r.err;
      EXPECT_NE(r.err.find("cssim: simulation error: op 'conv+conv_rq' performed 10367 MACs, its "
                           "array mapping has 10368"),
                std::string::npos)
          << where << ": " << r.err;
    }
  }
}

TEST_F(Fault, AnUnknownFaultNameIsAnError) {
  const CliResult r = RunWith("drop-macs");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("CSSIM_TEST_FAULT: unknown test fault 'drop-macs'"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace cssim
