// Row-stationary runs of the cssim binary on eyeriss-like (array.dataflow: rs): gsc-dense and
// alexnet-conv compile, pass the output and MAC-count checks, run on the row-stationary array
// (not the ws/os PE array), and give the same cycles and counters on both clock loops; --impl
// rtl is refused with one line, since the row-stationary array has no RTL twin.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "tb/common/cli_runner.h"

namespace cssim {
namespace {

class RsRun : public CliFixture, public ::testing::WithParamInterface<const char*> {
 protected:
  RsRun() : CliFixture("cssim-rs", false) {}

  // The stats.json of a run of GetParam() on eyeriss-like with `kernel`.
  std::string Stats(const std::string& kernel) {
    const std::string out = Path(kernel);
    const CliResult r = Cli({"run", "--arch", "eyeriss-like", "--workload", GetParam(), "--energy",
                             "eyeriss-norm", "--kernel", kernel, "--out", out});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ReadFile(std::filesystem::path(out) / "stats.json");
  }
};

// The text of `"key": value` (a number or a string) in a stats.json.
std::string Value(const std::string& json, const std::string& key) {
  const size_t at = json.find("\"" + key + "\": ");
  if (at == std::string::npos) return "<missing " + key + ">";
  const size_t from = at + key.size() + 4;
  return json.substr(from, json.find_first_of(",\n}", from) - from);
}

// The "counters" object of a stats.json, as text.
std::string Counters(const std::string& json) {
  const size_t at = json.find("\"counters\": {");
  return at == std::string::npos ? "" : json.substr(at, json.find('}', at) - at);
}

TEST_P(RsRun, BitExactOnTheRowStationaryArrayAndBothKernelsAgree) {
  const std::string direct = Stats("direct"), systemc = Stats("systemc");
  EXPECT_EQ(Value(direct, "output_check"), "\"bit-exact\"");
  EXPECT_EQ(Value(direct, "macs"), Value(direct, "dense_macs"));
  // Every MAC was done by the row-stationary array, built in the ws/os PE array's place.
  EXPECT_EQ(Value(direct, "top.rs_array.mac.macs"), Value(direct, "macs"));
  EXPECT_EQ(Value(direct, "top.array.mac.macs"), "<missing top.array.mac.macs>");
  EXPECT_NE(Value(direct, "top.rs_array.psum_links.hops"), "0");
  EXPECT_NE(Value(direct, "top.rs_array.input_multicast.deliveries"), "0");
  EXPECT_NE(Value(direct, "top.rs_array.filter_multicast.deliveries"), "0");
  EXPECT_EQ(Value(direct, "cycles"), Value(systemc, "cycles"));
  EXPECT_FALSE(Counters(direct).empty());
  EXPECT_EQ(Counters(direct), Counters(systemc));
}

INSTANTIATE_TEST_SUITE_P(Workloads, RsRun, ::testing::Values("gsc-dense", "alexnet-conv"),
                         [](const ::testing::TestParamInfo<const char*>& i) {
                           std::string n = i.param;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

class RsImpl : public CliFixture {
 protected:
  RsImpl() : CliFixture("cssim-rs-impl", false) {}
};

TEST_F(RsImpl, RtlIsRefusedWithOneLine) {
  for (const std::string impl : {"rtl", "both"}) {
    const CliResult r =
        Cli({"run", "--arch", "eyeriss-like", "--workload", "gsc-dense", "--impl", impl});
    EXPECT_EQ(r.exit_code, 2) << impl;
    EXPECT_EQ(r.err, "cssim: error: <input>: --impl: " + impl +
                         ": the row-stationary array (array.dataflow: rs) has no RTL twin; "
                         "allowed: --impl model\n");
  }
}

// The MAC-count check fires on the row-stationary array too: with CSSIM_TEST_FAULT=drop-mac it
// skips (and does not count) its first MAC. One conv of 8 filters 3 x 3 over 4 x 6 x 6 (pad 1):
// 8 * 36 * 36 = 10,368 MACs, on the default arch's 16 x 16 PEs run row-stationary.
class RsFault : public CliFixture {
 protected:
  RsFault() : CliFixture("cssim-rs-fault", false) {}
  void TearDown() override {
    unsetenv("CSSIM_TEST_FAULT");
    CliFixture::TearDown();
  }
  CliResult RunWith(const char* fault) {
    if (fault)
      setenv("CSSIM_TEST_FAULT", fault, 1);
    else
      unsetenv("CSSIM_TEST_FAULT");
    return Cli({"run", "--arch", Write("rs.yaml", "name: rs-array\narray: {dataflow: rs}\n"),
                "--workload",
                Write("one_conv.yaml",
                      "name: one-conv\nseed: 7\ninput: {channels: 4, height: 6, width: 6}\n"
                      "layers:\n"
                      "  - {name: conv, type: conv, out_channels: 8, kernel: 3, stride: 1, pad: "
                      "1}\n  - {name: conv_rq, type: requant, shift: 6}\n")});
  }
};

TEST_F(RsFault, ADroppedMacFiresTheMacCountCheck) {
  const CliResult clean = RunWith(nullptr);
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_NE(clean.out.find("MACs (performed)        10,368"), std::string::npos) << clean.out;
  const CliResult r = RunWith("drop-mac");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("cssim: simulation error: op 'conv+conv_rq' performed 10367 MACs, its "
                       "array mapping has 10368"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace cssim
