// `cssim bench --sweep SPEC` end to end ($CSSIM_BIN) on a tiny spec: it runs, prints the
// fields it promises (points/hour of the sweep and of the bare runs, the overhead ratio, the
// failed points of both passes) and leaves no temporary directory. No timing is asserted.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tb/common/cli_runner.h"

namespace cssim {
namespace {

namespace fs = std::filesystem;

class BenchSweepTest : public CliFixture {
 protected:
  BenchSweepTest() : CliFixture("cssim-bench-sweep-test", /*run_in_dir=*/true) {}
};

TEST_F(BenchSweepTest, RunsBothPassesAndPrintsPointsPerHourAndTheOverhead) {
  // Two points: one that runs and one whose GLB (8 KiB) cannot hold pool1's tile (it fails in
  // both passes, the same way).
  Write("s.yaml",
        "name: tiny\nworkload: gsc-sparse\nmodes: [sparse-sparse]\naxes:\n"
        "  grid: [{key: arch.glb.size_kib, values: [8, 256]}]\n");
  // The benchmark's temporary directory goes under $TMPDIR: the scratch directory here.
  const fs::path tmp = fs::path(Path("tmp"));
  fs::create_directories(tmp);
  ASSERT_EQ(setenv("TMPDIR", tmp.c_str(), 1), 0);
  const CliResult r = Cli({"bench", "--sweep", "s.yaml", "-j", "2", "--runs", "1"});
  unsetenv("TMPDIR");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("cssim bench --sweep: tiny, 2 points, 2 jobs, 1 run (medians)\n"),
            std::string::npos)
      << r.out;
  for (const char* field :
       {"  sweep (local backend) ", "  bare cssim run, back to back ",
        "  overhead (sweep / bare - 1) ", "  sweep process's own CPU ", " % of its points' CPU\n",
        "failed points (last run): 1 in the sweep, 1 bare\n"})
    EXPECT_NE(r.out.find(field), std::string::npos) << field << "\n" << r.out;
  size_t per_hour = 0;
  for (size_t at = r.out.find(" points/hour\n"); at != std::string::npos;
       at = r.out.find(" points/hour\n", at + 1))
    ++per_hour;
  EXPECT_EQ(per_hour, 2u) << r.out;
  EXPECT_TRUE(fs::is_empty(tmp)) << "the benchmark left its temporary directory";
}

TEST_F(BenchSweepTest, BadOptionsAreOneLineErrors) {
  Write("s.yaml", "name: tiny\nworkload: gsc-sparse\nmodes: [dense]\n");
  CliResult r = Cli({"bench", "--sweep", "s.yaml", "--runs", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "cssim: error: <input>: --runs: 0 is out of range; allowed: integer 1..1000\n");
  r = Cli({"bench", "--sweep", "s.yaml", "-j", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "cssim: error: <input>: -j: 0 is out of range; allowed: integer 1..1024\n");
  r = Cli({"bench", "--sweep", "s.yaml", "extra"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "cssim: error: <input>: unexpected argument 'extra'; allowed: one SPEC and options "
            "(see 'cssim "
            "bench --sweep --help')\n");
  r = Cli({"bench", "--sweep", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("usage: cssim bench --sweep [SPEC] [-j N] [--runs R]"), std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace cssim
