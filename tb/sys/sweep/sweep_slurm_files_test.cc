// The Slurm backend of `cssim sweep` ($CSSIM_BIN) without a cluster: a stand-in `sbatch` on PATH
// logs its options and runs each job script at once (every array index, or all but the ones
// $FAKE_SKIP names, as a cancelled task would), and a stand-in `squeue` lists nothing. The
// submitter, the array tasks, the collect job and `cssim sweep status` are the real ones. The real
// scheduler is in tb/slurm/ (label slurm).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tb/common/cli_runner.h"
#include "tb/common/sqlite_rows.h"

namespace cssim {
namespace {

namespace fs = std::filesystem;

// Six points, two of which fail (a 1 KiB GLB holds no tile).
const char* const kSpec =
    "name: fake-slurm\nworkload: gsc-sparse\nmodes: [dense, sparse-dense]\naxes:\n  grid:\n"
    "    - {key: arch.glb.size_kib, values: [1, 128, 256]}\n";

const char* const kSbatch = R"(#!/bin/sh
echo "$*" >> "$FAKE_DIR/sbatch.log"
n=$(($(cat "$FAKE_DIR/next" 2>/dev/null || echo 100) + 1))
echo $n > "$FAKE_DIR/next"
array=
script=
for a in "$@"; do
  case "$a" in
    --array=*) array=${a#--array=} ;;
    --*) ;;
    *) script=$a ;;
  esac
done
if [ -n "$array" ]; then
  last=${array#0-}
  last=${last%%[%]*}
  i=0
  while [ $i -le $last ]; do
    case " $FAKE_SKIP " in
      *" $i "*) ;;
      *) SLURM_ARRAY_TASK_ID=$i sh "$script" > /dev/null 2>&1 ;;
    esac
    i=$((i + 1))
  done
else
  sh "$script" > /dev/null 2>&1
fi
echo "$n;fake"
)";

// Every points column but wall_s, in idx order; and every layer row.
const char* const kRowsSql =
    "SELECT id, idx, status, error, mode, seed, \"arch.glb.size_kib\", cycles, inferences_per_s, "
    "energy_per_inference_pj, pj_per_mac, mac_utilization, dram_bytes, multipliers, sram_kib, "
    "rtl_transistors FROM points ORDER BY idx";
const char* const kLayersSql = "SELECT * FROM layers ORDER BY point_id, layer";

class SweepSlurmFilesTest : public CliFixture {
 protected:
  SweepSlurmFilesTest() : CliFixture("cssim-sweep-slurm", /*run_in_dir=*/true) {}

  void SetUp() override {
    CliFixture::SetUp();
    const fs::path bin = dir_ / "bin";
    fs::create_directories(bin);
    Write("bin/sbatch", kSbatch);
    Write("bin/squeue", "#!/bin/sh\nexit 0\n");
    chmod((bin / "sbatch").c_str(), 0755);
    chmod((bin / "squeue").c_str(), 0755);
    const char* path = std::getenv("PATH");
    old_path_ = path ? path : "";
    setenv("PATH", (bin.string() + ":" + old_path_).c_str(), 1);
    setenv("FAKE_DIR", dir_.c_str(), 1);
    unsetenv("FAKE_SKIP");
    Write("s.yaml", kSpec);
  }
  void TearDown() override {
    setenv("PATH", old_path_.c_str(), 1);
    unsetenv("FAKE_DIR");
    unsetenv("FAKE_SKIP");
    CliFixture::TearDown();
  }

  std::vector<std::string> Lines(const std::string& file) const {
    std::vector<std::string> out;
    std::istringstream is(ReadFile(dir_ / file));
    for (std::string line; std::getline(is, line);) out.push_back(line);
    return out;
  }
  std::string Status(const std::string& dir) {
    const CliResult r = Cli({"sweep", "status", dir});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  std::string old_path_;
};

TEST_F(SweepSlurmFilesTest, GivesTheLocalBackendsDatabaseThroughOneArrayAndACollectJob) {
  const CliResult local = Cli({"sweep", "s.yaml", "--out", "local", "-j", "2"});
  ASSERT_EQ(local.exit_code, 3) << local.err;  // two points fail
  const CliResult slurm = Cli({"sweep", "s.yaml", "--out", "slurm", "--backend", "slurm",
                               "--per-task", "4", "--throttle", "3", "--wait"});
  EXPECT_EQ(slurm.exit_code, 3) << slurm.err;
  EXPECT_EQ(slurm.out,
            "cssim sweep fake-slurm: submitted 6 points as Slurm job array 101 (2 tasks of up to "
            "4), collect job 102\nwatch: cssim sweep status 'slurm'\n");

  const std::string abs = fs::canonical(dir_ / "slurm").string();
  const std::vector<std::string> log = Lines("sbatch.log");
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0], "--parsable --chdir=" + abs + "/slurm --job-name=cssim-fake-slurm " +
                        "--array=0-1%3 --output=" + abs + "/slurm/task-0-%a.out " + abs +
                        "/slurm/task-0.sh");
  EXPECT_EQ(log[1], "--parsable --chdir=" + abs + "/slurm --job-name=cssim-fake-slurm-collect " +
                        "--dependency=afterany:101 --output=" + abs + "/slurm/collect-0.out " +
                        abs + "/slurm/collect-0.sh");

  const std::vector<std::string> rows = SqliteRows(Path("local/sweep.sqlite"), kRowsSql);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(SqliteRows(Path("slurm/sweep.sqlite"), kRowsSql), rows);
  const std::vector<std::string> layers = SqliteRows(Path("local/sweep.sqlite"), kLayersSql);
  EXPECT_FALSE(layers.empty());
  EXPECT_EQ(SqliteRows(Path("slurm/sweep.sqlite"), kLayersSql), layers);
  // The manifest lists the points in order, one id a line.
  const std::vector<std::string> ids =
      SqliteRows(Path("local/sweep.sqlite"), "SELECT id FROM points ORDER BY idx");
  EXPECT_EQ(Lines("slurm/slurm/manifest-0.txt"), ids);
  // A failed point's reason is in its failure file, as the database has it.
  for (const std::string& row : SqliteRows(Path("slurm/sweep.sqlite"),
                                           "SELECT id, error FROM points WHERE error NOT NULL")) {
    const std::string id = row.substr(0, row.find('|'));
    EXPECT_EQ(id + "|" + ReadFile(dir_ / "slurm/points" / (id + ".tmp/failed.txt")), row);
  }

  EXPECT_EQ(Status("slurm"),
            "slurm: 6 points\n  result files: 4 done, 2 failed, 0 pending\n  sweep.sqlite: 4 "
            "done, 2 failed, 0 not recorded\n");
  EXPECT_EQ(Status("local"),
            "local: 6 points\n  result files: 4 done, 2 failed, 0 pending\n  sweep.sqlite: 4 "
            "done, 2 failed, 0 not recorded\n");
}

TEST_F(SweepSlurmFilesTest, AResubmissionRunsOnlyThePointsACancelledTaskLeft) {
  ASSERT_EQ(Cli({"sweep", "s.yaml", "--out", "local", "-j", "2"}).exit_code, 3);
  setenv("FAKE_SKIP", "1", 1);  // task 1 (points 2 and 3) never runs
  CliResult r =
      Cli({"sweep", "s.yaml", "--out", "slurm", "--backend", "slurm", "--per-task", "2", "--wait"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(Status("slurm"),
            "slurm: 6 points\n  result files: 2 done, 2 failed, 2 pending\n  sweep.sqlite: 2 "
            "done, 2 failed, 2 not recorded\n");
  EXPECT_EQ(SqliteRows(Path("slurm/sweep.sqlite"), "SELECT idx FROM points ORDER BY idx"),
            (std::vector<std::string>{"0", "1", "4", "5"}));

  unsetenv("FAKE_SKIP");
  r = Cli({"sweep", "s.yaml", "--out", "slurm", "--backend", "slurm", "--wait"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  const std::vector<std::string> ids =
      SqliteRows(Path("local/sweep.sqlite"), "SELECT id FROM points ORDER BY idx");
  ASSERT_EQ(ids.size(), 6u);
  EXPECT_EQ(Lines("slurm/slurm/manifest-1.txt"), (std::vector<std::string>{ids[2], ids[3]}));
  EXPECT_EQ(SqliteRows(Path("slurm/sweep.sqlite"), kRowsSql),
            SqliteRows(Path("local/sweep.sqlite"), kRowsSql));

  // Nothing left to run: nothing is submitted.
  r = Cli({"sweep", "s.yaml", "--out", "slurm", "--backend", "slurm"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err, "cssim sweep fake-slurm: nothing to run\n");
  EXPECT_EQ(Lines("sbatch.log").size(), 4u);
  // --retry-failed submits the two failed points again, and they fail again.
  r = Cli({"sweep", "s.yaml", "--out", "slurm", "--backend", "slurm", "--retry-failed", "--wait"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(Lines("slurm/slurm/manifest-2.txt"), (std::vector<std::string>{ids[0], ids[1]}));
  EXPECT_EQ(SqliteRows(Path("slurm/sweep.sqlite"), kRowsSql),
            SqliteRows(Path("local/sweep.sqlite"), kRowsSql));
}

TEST_F(SweepSlurmFilesTest, BadOptionsAreOneLineErrors) {
  setenv("PATH", dir_.c_str(), 1);  // no sbatch
  CliResult r = Cli({"sweep", "s.yaml", "--backend", "slurm"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "cssim: error: <input>: --backend: slurm needs sbatch, which is not on PATH; allowed: "
            "local, or slurm with Slurm's sbatch and squeue on PATH\n");
  r = Cli({"sweep", "s.yaml", "--backend", "pbs"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "cssim: error: <input>: --backend: 'pbs' is not a backend; allowed: local, "
            "slurm\n");
  r = Cli({"sweep", "s.yaml", "--per-task", "2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "cssim: error: <input>: --per-task: only for --backend slurm; allowed: --backend "
            "slurm\n");
  r = Cli({"sweep", "s.yaml", "--backend", "slurm", "--throttle", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "cssim: error: <input>: --throttle: 0 is out of range; allowed: an integer "
            "1..1000000\n");
  r = Cli({"sweep", "status", "nowhere"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "cssim: error: nowhere: not a sweep's directory (no sweep.sqlite, no "
            "slurm/manifest); allowed: the --out directory of a sweep\n");
  EXPECT_FALSE(fs::exists(dir_ / "sweep-fake-slurm"));
}

}  // namespace
}  // namespace cssim
