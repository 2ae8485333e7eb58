// `cssim regress -j N` runs its cases in parallel child processes and prints what the serial run
// prints, in the same order, with the same exit code; only the wall-time column may differ.
// stderr holds nothing but progress lines (none when the run is shorter than the progress
// interval; how many depends on the machine's load). Needs an RTL block (a model-only build has
// no regression case). The binary is $CSSIM_BIN (set by CMake).
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "model/cosim/factory.h"
#include "tb/common/cli_runner.h"

namespace cssim {
namespace {

// The table's columns: case 18, stimulus 15, cycles 12, transactions 14, counters 10, then the
// wall time (9) and the result.
constexpr size_t kWallAt = 18 + 15 + 12 + 14 + 10, kWallWidth = 9;

// The output's lines with each table row's wall-time column cut out.
std::vector<std::string> WithoutWallTime(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream is(out);
  for (std::string line; std::getline(is, line);) {
    const bool row = line.size() > kWallAt + kWallWidth && line.rfind("    ", 0) != 0;
    lines.push_back(row ? line.erase(kWallAt, kWallWidth) : line);
  }
  return lines;
}

// Every line of `err` is a plain-mode progress line of `cssim regress`.
void ExpectOnlyProgress(const std::string& err) {
  const std::regex progress(
      R"(cssim regress: [0-9]+/[0-9]+ done, [0-9]+ failed, [0-9.]+ cases/s, (ETA [0-9]+ s|[0-9.]+ s))");
  std::istringstream is(err);
  for (std::string line; std::getline(is, line);)
    EXPECT_TRUE(std::regex_match(line, progress)) << line;
}

class RegressJobs : public CliFixture {
 protected:
  RegressJobs() : CliFixture("cssim-regress-jobs", /*run_in_dir=*/true) {}
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CliFixture::SetUp());
    if (RtlBlocks().empty()) GTEST_SKIP() << "built without RTL blocks: no regression case";
  }

  // Runs `args` with -j 1 and with each of `jobs`; every run must match the serial one.
  void ExpectSameAsSerial(std::vector<std::string> args, int want_exit) {
    std::vector<std::string> serial_args = args;
    serial_args.insert(serial_args.end(), {"-j", "1"});
    const CliResult serial = Cli(serial_args);
    ASSERT_EQ(serial.exit_code, want_exit) << serial.out << serial.err;
    ExpectOnlyProgress(serial.err);
    const std::vector<std::string> want = WithoutWallTime(serial.out);
    ASSERT_GT(want.size(), 4u) << serial.out;
    for (const char* j : {"2", "3"}) {
      SCOPED_TRACE(std::string("-j ") + j);
      std::vector<std::string> a = args;
      a.insert(a.end(), {"-j", j});
      const CliResult r = Cli(a);
      EXPECT_EQ(r.exit_code, want_exit) << r.out << r.err;
      ExpectOnlyProgress(r.err);
      EXPECT_EQ(WithoutWallTime(r.out), want) << r.out << "\nserial:\n" << serial.out;
    }
  }
};

TEST_F(RegressJobs, ParallelCasesPrintTheSerialTable) {
  ExpectSameAsSerial({"regress", "--seeds", "6", "--no-workloads"}, 0);
}

// With a fault injected into the k-WTA's RTL: a dropped GLB request is caught in every case (a
// "caught:" line under each row, exit 0); a flipped GLB response is not (FAIL rows, exit 4).
TEST_F(RegressJobs, ParallelFailuresAndMessagesKeepTheirPlaceAndExitCode) {
  const std::vector<std::string> b = RtlBlocks();
  if (std::find(b.begin(), b.end(), "kwta") == b.end()) GTEST_SKIP() << "built without kwta";
  for (const auto& [fault, exit_code] :
       {std::pair<const char*, int>{"drop:kwta:glb_req:3", 0}, {"flip:kwta:glb_resp:2", 4}}) {
    SCOPED_TRACE(fault);
    ExpectSameAsSerial(
        {"regress", "--seeds", "4", "--no-workloads", "--blocks", "kwta", "--inject", fault},
        exit_code);
  }
}

TEST_F(RegressJobs, JobsOutOfRangeIsAOneLineInputError) {
  for (const char* j : {"0", "257"}) {
    const CliResult r = Cli({"regress", "-j", j});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err, std::string("cssim: error: <input>: --jobs: ") + j +
                         " is out of range; allowed: 1..256\n");
  }
}

}  // namespace
}  // namespace cssim
