// The local sweep backend (model/sweep/runner) on a small hand-built GSC manifest, running the
// real cssim binary ($CSSIM_BIN): rows and metrics equal to a direct `cssim run` of each point,
// failing points recorded with their reason, resume running nothing twice, and SIGKILL of the
// sweep at random moments losing nothing, doubling nothing and leaving no corrupt row.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "model/config/config.h"
#include "model/sweep/point.h"
#include "model/sweep/runner.h"
#include "model/sweep/store.h"
#include "tb/common/cli_runner.h"
#include "tb/common/sqlite_rows.h"
#include "tb/common/sweep_harness.h"

namespace cssim::sweep {
namespace {

namespace fs = std::filesystem;

// A stand-in for the spec's point id: FNV-1a of the point's resolved texts, 16 hex digits.
std::string IdOf(const SweepPoint& p) {
  uint64_t h = 1469598103934665603ull;
  for (const std::string& s :
       {p.arch_yaml, p.workload_yaml, p.energy_yaml, p.mode, std::to_string(p.seed)}) {
    for (unsigned char c : s + '\0') h = (h ^ c) * 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

struct Axis {
  int glb_kib, rows;
  const char* mode;
};

// Built-in arch 'default' and workload 'gsc-sparse' with glb.size_kib and array.rows edited.
SweepManifest Manifest(const std::vector<Axis>& axes) {
  SweepManifest m;
  m.spec_file = "hand-built";
  m.name = "gsc-test";
  m.columns = {"arch.glb.size_kib", "arch.array.rows", "mode"};
  const Workload w = LoadWorkload("gsc-sparse");
  const std::string energy = ToYaml(LoadEnergyTable("45nm"));
  for (const Axis& a : axes) {
    ArchSpec arch = LoadArch("default");
    arch.glb.size_kib = a.glb_kib;
    arch.array.rows = a.rows;
    SweepPoint p;
    p.index = int(m.points.size());
    p.values = {{"arch.glb.size_kib", std::to_string(a.glb_kib)},
                {"arch.array.rows", std::to_string(a.rows)},
                {"mode", a.mode}};
    p.mode = a.mode;
    p.seed = w.seed;
    p.arch_yaml = ToYaml(arch);
    p.workload_yaml = ToYaml(w);
    p.energy_yaml = energy;
    p.id = IdOf(p);
    m.points.push_back(std::move(p));
  }
  return m;
}

// Four points that run and one whose GLB cannot hold a tile (cssim run exits 2).
const std::vector<Axis> kAxes = {{256, 16, "sparse-dense"},
                                 {128, 16, "sparse-dense"},
                                 {256, 8, "dense"},
                                 {1, 16, "sparse-dense"},
                                 {64, 16, "sparse-sparse"}};
constexpr int kBadPoint = 3;

// Every column but wall_s, in idx order; and every layer row.
const char* const kRowsSql =
    "SELECT id, idx, status, error, mode, seed, \"arch.glb.size_kib\", \"arch.array.rows\", "
    "cycles, inferences_per_s, energy_per_inference_pj, pj_per_mac, mac_utilization, "
    "dram_bytes, multipliers, sram_kib, rtl_transistors FROM points ORDER BY idx";
const char* const kLayersSql =
    "SELECT point_id, layer, name, engine, cycles, macs, energy_pj, dram_bytes FROM layers "
    "ORDER BY point_id, layer";

class SweepRunTest : public SweepFixture {
 protected:
  SweepRunTest() : SweepFixture("cssim-sweep") {}
};

TEST_F(SweepRunTest, RecordsEveryPointAsADirectRunAndResumesWithNothingToDo) {
  const SweepManifest m = Manifest(kAxes);
  const SweepOptions o = Options("out");
  EXPECT_EQ(RunSweep(m, o), 3);  // one point fails

  const std::vector<std::string> rows = SqliteRows(Db(o), kRowsSql);
  ASSERT_EQ(rows.size(), m.points.size());
  for (const SweepPoint& p : m.points) {
    SCOPED_TRACE(p.id);
    const fs::path dir = fs::path(o.out_dir) / "points" / p.id;
    const std::vector<std::string> status =
        SqliteRows(Db(o), "SELECT status, error, mode FROM points WHERE id = '" + p.id + "'");
    ASSERT_EQ(status.size(), 1u);
    if (p.index == kBadPoint) {
      EXPECT_EQ(status[0],
                "failed|exit 2: cssim: error: arch.yaml: glb.size_kib: layer 'conv1' needs 3 KiB "
                "for its smallest "
                "double-buffered tile, the GLB has 1 KiB; allowed: >= 3 for gsc-sparse|" +
                    p.mode);
      EXPECT_FALSE(fs::exists(dir));
      EXPECT_TRUE(fs::exists(dir.string() + ".tmp/" + kStderrFile));
      continue;
    }
    EXPECT_EQ(status[0], "done|NULL|" + p.mode);
    EXPECT_FALSE(fs::exists(dir.string() + ".tmp"));
    // The same point run directly: the same result files, byte for byte, and the same metrics.
    const std::string arch = Write(p.id + "-arch.yaml", p.arch_yaml);
    const std::string workload = Write(p.id + "-workload.yaml", p.workload_yaml);
    const std::string energy = Write(p.id + "-energy.yaml", p.energy_yaml);
    const std::string direct = Path(p.id + "-direct");
    const CliResult r = Cli({"run", "--arch", arch, "--workload", workload, "--energy", energy,
                             "--mode", p.mode, "--seed", std::to_string(p.seed), "--out", direct});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ReadFile(dir / kResultDir / "stats.json"), ReadFile(fs::path(direct) / "stats.json"));
    EXPECT_EQ(ReadFile(dir / kResultDir / "layers.csv"), ReadFile(fs::path(direct) / "layers.csv"));
    // Every metric column equals what the direct run's files give, to the last bit.
    const PointMetrics d = ReadMetrics(direct);
    ASSERT_GT(d.layers.size(), 0u);
    EXPECT_EQ(
        SqliteRows(Db(o),
                   "SELECT cycles, dram_bytes, multipliers, rtl_transistors FROM "
                   "points WHERE id = '" +
                       p.id + "'"),
        std::vector<std::string>{std::to_string(d.cycles) + "|" + std::to_string(d.dram_bytes) +
                                 "|" + std::to_string(d.multipliers) + "|NULL"});
    const std::vector<double> reals = {d.inferences_per_s, d.energy_per_inference_pj, d.pj_per_mac,
                                       d.mac_utilization, d.sram_kib};
    EXPECT_EQ(Doubles(Db(o),
                      "SELECT inferences_per_s, energy_per_inference_pj, pj_per_mac, "
                      "mac_utilization, sram_kib FROM points WHERE id = '" +
                          p.id + "'"),
              reals);
    std::vector<std::string> layers;
    for (size_t i = 0; i < d.layers.size(); ++i) {
      const LayerRow& l = d.layers[i];
      layers.push_back(p.id + "|" + std::to_string(i) + "|" + l.name + "|" + l.engine + "|" +
                       std::to_string(l.cycles) + "|" + std::to_string(l.macs) + "|" +
                       std::to_string(l.dram_bytes));
    }
    EXPECT_EQ(SqliteRows(Db(o),
                         "SELECT point_id, layer, name, engine, cycles, macs, dram_bytes "
                         "FROM layers WHERE point_id = '" +
                             p.id + "' ORDER BY layer"),
              layers);
    std::vector<double> layer_energy;
    for (const LayerRow& l : d.layers) layer_energy.push_back(l.energy_pj);
    EXPECT_EQ(Doubles(Db(o), "SELECT energy_pj FROM layers WHERE point_id = '" + p.id +
                                 "' ORDER BY layer"),
              layer_energy);
  }

  // Again: nothing runs (every wall_s and every directory stays as it was).
  const char* const wall_sql = "SELECT id, wall_s FROM points ORDER BY idx";
  const std::vector<std::string> walls = SqliteRows(Db(o), wall_sql);
  struct stat before = {};
  ASSERT_EQ(stat((fs::path(o.out_dir) / "points" / m.points[0].id).c_str(), &before), 0);
  EXPECT_EQ(RunSweep(m, o), 3);
  EXPECT_EQ(SqliteRows(Db(o), wall_sql), walls);
  struct stat after = {};
  ASSERT_EQ(stat((fs::path(o.out_dir) / "points" / m.points[0].id).c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(SqliteRows(Db(o), kRowsSql), rows);

  // retry_failed runs the failed point only; it fails the same way.
  SweepOptions retry = o;
  retry.retry_failed = true;
  EXPECT_EQ(RunSweep(m, retry), 3);
  const std::vector<std::string> walls2 = SqliteRows(Db(o), wall_sql);
  ASSERT_EQ(walls2.size(), walls.size());
  for (size_t i = 0; i < walls.size(); ++i) {
    if (int(i) != kBadPoint) {
      EXPECT_EQ(walls2[i], walls[i]);
    }
  }
  EXPECT_EQ(SqliteRows(Db(o), kRowsSql), rows);

  // A manifest without the bad point is complete: exit 0, nothing runs again, and the rows take
  // their places in it (idx).
  SweepManifest good = m;
  good.points.erase(good.points.begin() + kBadPoint);
  for (size_t i = 0; i < good.points.size(); ++i) good.points[i].index = int(i);
  EXPECT_EQ(RunSweep(good, o), 0);
  const char* const by_id = "SELECT id, wall_s FROM points ORDER BY id";
  const std::vector<std::string> walls_by_id = SqliteRows(Db(o), by_id);
  EXPECT_EQ(RunSweep(good, o), 0);
  EXPECT_EQ(SqliteRows(Db(o), by_id), walls_by_id);
  std::vector<std::string> order;
  for (const SweepPoint& p : good.points) order.push_back(std::to_string(p.index) + "|" + p.id);
  EXPECT_EQ(SqliteRows(Db(o), "SELECT idx, id FROM points WHERE status = 'done' ORDER BY idx"),
            order);
}

TEST_F(SweepRunTest, ATimeoutIsRecordedAndTheSweepGoesOn) {
  const SweepManifest m = Manifest({{256, 16, "dense"}, {128, 16, "dense"}});
  SweepOptions o = Options("out");
  o.timeout_s = 0.01;
  o.jobs = 1;
  EXPECT_EQ(RunSweep(m, o), 3);
  EXPECT_EQ(SqliteRows(Db(o), "SELECT idx, status, error, cycles FROM points ORDER BY idx"),
            (std::vector<std::string>{"0|failed|timeout after 0.01 s|NULL",
                                      "1|failed|timeout after 0.01 s|NULL"}));
  // Without the limit, a resume with retry_failed completes them.
  o.timeout_s = 0;
  o.retry_failed = true;
  EXPECT_EQ(RunSweep(m, o), 0);
  EXPECT_EQ(SqliteRows(Db(o), "SELECT count(*) FROM points WHERE status = 'done'"),
            std::vector<std::string>{"2"});
}

TEST_F(SweepRunTest, APointListedTwiceRunsOnceAndHasOneRow) {
  const SweepManifest m = Manifest({{256, 16, "sparse-sparse"}, {256, 16, "sparse-sparse"}});
  ASSERT_EQ(m.points[0].id, m.points[1].id);
  const SweepOptions o = Options("out");
  EXPECT_EQ(RunSweep(m, o), 0);
  EXPECT_EQ(SqliteRows(Db(o), "SELECT idx, status FROM points"),
            std::vector<std::string>{"0|done"});
  EXPECT_EQ(RunSweep(m, o), 0);
}

TEST_F(SweepRunTest, AMemoryLimitTooSmallFailsThePointWithItsReason) {
  const SweepManifest m = Manifest({{256, 16, "sparse-sparse"}});
  SweepOptions o = Options("out");
  o.mem_limit_mib = 8;
  EXPECT_EQ(RunSweep(m, o), 3);
  const std::vector<std::string> rows = SqliteRows(Db(o), "SELECT status, error FROM points");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].rfind("failed|", 0), 0u) << rows[0];
  EXPECT_NE(rows[0].find("(run under a memory limit of 8 MiB)"), std::string::npos) << rows[0];
}

TEST_F(SweepRunTest, SigkillAtRandomMomentsLosesAndDoublesNothing) {
  const SweepManifest m = Manifest(kAxes);
  // The uninterrupted run.
  const SweepOptions ref = Options("ref");
  ASSERT_EQ(RunSweep(m, ref), 3);
  const std::vector<std::string> want_rows = SqliteRows(Db(ref), kRowsSql);
  const std::vector<std::string> want_layers = SqliteRows(Db(ref), kLayersSql);
  ASSERT_EQ(want_rows.size(), m.points.size());

  // The killed one: a child process runs the sweep, killed after a random delay, again and again.
  const SweepOptions o = Options("killed");
  std::mt19937 rng(13);
  int kills = 0, finished = 0;
  for (int round = 0; round < 40 && finished == 0; ++round) {
    // Short windows first; longer ones later, so that the longest point (0.5 s) can end too.
    std::uniform_int_distribution<int> delay_ms(0, 100 + 60 * round);
    const pid_t pid = ForkSweep(m, o);
    ASSERT_GE(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) {
      ++kills;
    } else {
      ASSERT_TRUE(WIFEXITED(status));
      ASSERT_EQ(WEXITSTATUS(status), 3) << "the sweep failed in round " << round;
      ++finished;
    }
    // The points' processes died with the sweep.
    EXPECT_EQ(WaitNoProcessesIn(o.out_dir), 0) << "round " << round;
    // After every kill the database holds only complete rows: a done row has all its metrics
    // and as many layer rows as the uninterrupted run, and its directory; a failed row its error.
    EXPECT_EQ(SqliteRows(Db(o),
                         "SELECT count(*) FROM points WHERE status = 'done' AND (cycles IS NULL "
                         "OR sram_kib IS NULL OR error IS NOT NULL OR (SELECT count(*) FROM "
                         "layers WHERE point_id = id) = 0)"),
              std::vector<std::string>{"0"});
    for (const std::string& id : SqliteRows(Db(o), "SELECT id FROM points WHERE status = 'done'"))
      EXPECT_TRUE(fs::is_directory(fs::path(o.out_dir) / "points" / id)) << id;
  }
  EXPECT_GE(kills, 3) << "the test did not interrupt the sweep often enough";
  // Resume to the end: the same database as the uninterrupted run.
  EXPECT_EQ(RunSweep(m, o), 3);
  EXPECT_EQ(SqliteRows(Db(o), kRowsSql), want_rows);
  EXPECT_EQ(SqliteRows(Db(o), kLayersSql), want_layers);
  for (const SweepPoint& p : m.points) {
    const fs::path dir = fs::path(o.out_dir) / "points" / p.id;
    EXPECT_EQ(fs::is_directory(dir), p.index != kBadPoint) << p.id;
    if (p.index != kBadPoint) {
      EXPECT_FALSE(fs::exists(dir.string() + ".tmp")) << p.id;
      EXPECT_EQ(ReadFile(dir / kResultDir / "stats.json"),
                ReadFile(fs::path(ref.out_dir) / "points" / p.id / kResultDir / "stats.json"));
    }
  }
  RecordProperty("kills", kills);
}

TEST_F(SweepRunTest, SigintStopsTheRunningPointsAndTheSweepResumes) {
  const SweepManifest m = Manifest(kAxes);
  const SweepOptions o = Options("out");
  const pid_t pid = ForkSweep(m, o);
  ASSERT_GE(pid, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kExitInterrupted);
  EXPECT_EQ(ProcessesIn(o.out_dir), 0);  // killed and reaped before RunSweep returned
  const std::vector<std::string> before = SqliteRows(Db(o), "SELECT id FROM points");
  EXPECT_LT(before.size(), m.points.size());
  EXPECT_EQ(RunSweep(m, o), 3);
  EXPECT_EQ(
      SqliteRows(Db(o), "SELECT status, count(*) FROM points GROUP BY status ORDER BY status"),
      (std::vector<std::string>{"done|4", "failed|1"}));
}

}  // namespace
}  // namespace cssim::sweep
