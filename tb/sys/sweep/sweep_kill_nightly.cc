// Nightly (CMakeLists.txt builds it as nightly_sweep_kill, label nightly; a few minutes on 2
// cores): the local sweep backend at scale. The 200-point benchmark sweep
// (workloads/sweeps/gsc-bench.yaml) runs once uninterrupted; a second copy is SIGKILLed at
// seeded random moments and resumed until done. After every kill the database holds only complete
// rows and no finished point is lost; at the end both databases are equal, every column but
// wall_s and every layer row, to the last bit: nothing lost, nothing doubled.
// tb/sys/sweep/sweep_run_test.cc does the same on five points in the sys tier.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "model/config/config.h"
#include "model/sweep/point.h"
#include "model/sweep/runner.h"
#include "model/sweep/spec.h"
#include "tb/common/cli_runner.h"
#include "tb/common/sqlite_rows.h"
#include "tb/common/sweep_harness.h"

namespace cssim::sweep {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kKills = 8;

std::set<std::string> DoneIds(const std::string& db) {
  const std::vector<std::string> ids =
      SqliteRows(db, "SELECT id FROM points WHERE status = 'done'");
  return {ids.begin(), ids.end()};
}

class SweepKillNightlyTest : public SweepFixture {
 protected:
  SweepKillNightlyTest() : SweepFixture("cssim-sweep-kill") {}
};

TEST_F(SweepKillNightlyTest, TwoHundredPointsSurviveSigkillAtRandomMomentsAndResume) {
  const Expansion ex = ExpandSpec(DataDir() + "/sweeps/gsc-bench.yaml");
  const SweepManifest& m = ex.manifest;
  ASSERT_EQ(m.points.size(), 200u);

  // Every column but wall_s, in idx order; the real-valued ones again as doubles; every layer.
  std::string columns;
  for (const std::string& c : m.columns) columns += ", \"" + c + "\"";
  const std::string rows_sql = "SELECT id, idx, status, error, mode, seed" + columns +
                               ", cycles, inferences_per_s, energy_per_inference_pj, pj_per_mac, "
                               "mac_utilization, dram_bytes, multipliers, sram_kib, "
                               "rtl_transistors FROM points ORDER BY idx";
  const std::string reals_sql =
      "SELECT inferences_per_s, energy_per_inference_pj, pj_per_mac, mac_utilization, sram_kib "
      "FROM points ORDER BY idx";
  const std::string layers_sql =
      "SELECT point_id, layer, name, engine, cycles, macs, energy_pj, dram_bytes FROM layers "
      "ORDER BY point_id, layer";
  const std::string layer_energy_sql = "SELECT energy_pj FROM layers ORDER BY point_id, layer";

  // The uninterrupted run.
  const SweepOptions ref = Options("ref");
  const Clock::time_point start = Clock::now();
  const int want_rc = RunSweep(m, ref);
  const double ref_s = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_TRUE(want_rc == 0 || want_rc == 3) << want_rc;
  const std::vector<std::string> want_rows = SqliteRows(Db(ref), rows_sql);
  const std::vector<std::string> want_layers = SqliteRows(Db(ref), layers_sql);
  ASSERT_EQ(want_rows.size(), 200u);
  ASSERT_GT(want_layers.size(), 200u);

  // The killed one: each round starts the sweep (resuming) in a child process and SIGKILLs it
  // after a seeded random delay of up to a sixth of the uninterrupted run (eight kills cover
  // most of it; the resume after them finishes).
  const SweepOptions o = Options("killed");
  std::mt19937 rng(200);
  std::uniform_int_distribution<int> delay_ms(50, std::max(100, int(ref_s * 1000 / 6)));
  int kills = 0;
  std::set<std::string> done_before;
  std::string progress;
  for (int round = 0; round < kKills; ++round) {
    const int delay = delay_ms(rng);
    const pid_t pid = ForkSweep(m, o);
    ASSERT_GE(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) {
      ++kills;
    } else {
      ASSERT_TRUE(WIFEXITED(status));
      ASSERT_EQ(WEXITSTATUS(status), want_rc) << "the sweep failed in round " << round;
    }
    EXPECT_EQ(WaitNoProcessesIn(o.out_dir), 0) << "round " << round;
    // Only complete rows: a done row has its metrics, its layer rows and its directory; a
    // failed row its error; no point is recorded twice.
    EXPECT_EQ(SqliteRows(Db(o),
                         "SELECT count(*) FROM points WHERE (status = 'done' AND (cycles IS NULL "
                         "OR sram_kib IS NULL OR error IS NOT NULL OR (SELECT count(*) FROM "
                         "layers WHERE point_id = id) = 0)) OR (status = 'failed' AND error IS "
                         "NULL)"),
              std::vector<std::string>{"0"})
        << "round " << round;
    EXPECT_EQ(SqliteRows(Db(o), "SELECT count(*) - count(DISTINCT id) FROM points"),
              std::vector<std::string>{"0"});
    const std::set<std::string> done = DoneIds(Db(o));
    for (const std::string& id : done)
      EXPECT_TRUE(fs::is_directory(fs::path(o.out_dir) / "points" / id)) << id;
    // Nothing finished before is lost.
    for (const std::string& id : done_before) EXPECT_TRUE(done.count(id)) << "lost " << id;
    done_before = done;
    progress += " " + std::to_string(delay) + "ms:" + std::to_string(done.size());
  }
  EXPECT_GE(kills, kKills / 2) << "the test did not interrupt the sweep often enough";

  // Resume to the end: the same database as the uninterrupted run.
  const Clock::time_point resume = Clock::now();
  EXPECT_EQ(RunSweep(m, o), want_rc);
  const double resume_s = std::chrono::duration<double>(Clock::now() - resume).count();
  EXPECT_EQ(SqliteRows(Db(o), rows_sql), want_rows);
  EXPECT_EQ(Doubles(Db(o), reals_sql), Doubles(Db(ref), reals_sql));
  EXPECT_EQ(SqliteRows(Db(o), layers_sql), want_layers);
  EXPECT_EQ(Doubles(Db(o), layer_energy_sql), Doubles(Db(ref), layer_energy_sql));
  for (const SweepPoint& p : m.points) {
    const fs::path dir = fs::path(o.out_dir) / "points" / p.id;
    if (!fs::is_directory(dir)) continue;  // a failed point (its row says so, as in ref)
    EXPECT_FALSE(fs::exists(dir.string() + ".tmp")) << p.id;
    EXPECT_EQ(ReadFile(dir / kResultDir / "stats.json"),
              ReadFile(fs::path(ref.out_dir) / "points" / p.id / kResultDir / "stats.json"))
        << p.id;
  }
  std::printf(
      "uninterrupted: %.1f s; %d kills (delay:done points after it)%s; resume to the end: %.1f "
      "s\n",
      ref_s, kills, progress.c_str(), resume_s);
  RecordProperty("kills", kills);
}

}  // namespace
}  // namespace cssim::sweep
