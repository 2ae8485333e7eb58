// The sweep database (model/sweep/store): its schema, one transaction per point, which points a
// resumed sweep runs, the error for a database of another sweep, the CSV export, and the
// headline figures read from a result directory. No simulation.
#include "model/sweep/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "tb/common/sqlite_rows.h"
#include "tb/common/temp_file.h"

namespace cssim::sweep {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempPath(::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "sweep.sqlite").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> Query(const std::string& sql) const { return SqliteRows(db_, sql); }

  static SweepPoint Point(int index, const std::string& id, const std::string& rows,
                          const std::string& mode) {
    SweepPoint p;
    p.index = index;
    p.id = id;
    p.values = {{"arch.array.rows", rows}, {"mode", mode}};
    p.mode = mode;
    p.seed = 7;
    return p;
  }

  static PointRecord Done(int64_t cycles, std::vector<std::string> layer_names) {
    PointRecord r;
    r.done = true;
    r.wall_s = 0.5;
    r.metrics.cycles = cycles;
    r.metrics.inferences_per_s = 500e6 / double(cycles);
    r.metrics.energy_per_inference_pj = 1234.5;
    r.metrics.pj_per_mac = 0.25;
    r.metrics.mac_utilization = 0.5;
    r.metrics.dram_bytes = 4096;
    r.metrics.multipliers = 256;
    r.metrics.sram_kib = 288;
    for (size_t i = 0; i < layer_names.size(); ++i)
      r.metrics.layers.push_back({layer_names[i], "array", 100 + int64_t(i), 1000, 64, 2.5});
    return r;
  }

  const std::vector<std::string> columns_ = {"arch.array.rows", "mode"};
  fs::path dir_;
  std::string db_;
};

TEST_F(StoreTest, SchemaHasLeadSweptAndMetricColumnsAndWal) {
  { Store s(db_, "demo", {"arch.glb.size_kib", "workload.layers[2].weight_density", "seed"}); }
  EXPECT_EQ(Query("SELECT group_concat(name, ',') FROM pragma_table_info('points')"),
            std::vector<std::string>{
                "id,idx,status,error,wall_s,mode,seed,arch.glb.size_kib,"
                "workload.layers[2].weight_density,cycles,inferences_per_s,"
                "energy_per_inference_pj,pj_per_mac,mac_utilization,dram_bytes,multipliers,"
                "sram_kib,rtl_transistors"});
  EXPECT_EQ(
      Query("SELECT group_concat(name, ',') FROM pragma_table_info('layers')"),
      std::vector<std::string>{"point_id,layer,name,engine,cycles,macs,energy_pj,dram_bytes"});
  EXPECT_EQ(Query("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
  EXPECT_EQ(Query("SELECT key, value FROM sweep ORDER BY key"),
            (std::vector<std::string>{
                R"(columns|["arch.glb.size_kib","workload.layers[2].weight_density","seed"])",
                "name|demo"}));
}

TEST_F(StoreTest, RecordWritesAndReplacesARowWithItsLayers) {
  Store s(db_, "demo", columns_);
  s.Record(Point(0, "00000000000000aa", "16", "dense"), Done(1000, {"conv1", "fc1", "fc2"}));
  PointRecord failed;
  failed.error = "timeout after 2 s";
  failed.wall_s = 2;
  s.Record(Point(1, "00000000000000bb", "32", "sparse-dense"), failed);
  EXPECT_EQ(s.Statuses(),
            (std::map<std::string, bool>{{"00000000000000aa", true}, {"00000000000000bb", false}}));
  EXPECT_EQ(Query("SELECT id, status, error, mode, seed, \"arch.array.rows\", "
                  "typeof(\"arch.array.rows\"), cycles, multipliers FROM points ORDER BY idx"),
            (std::vector<std::string>{"00000000000000aa|done|NULL|dense|7|16|integer|1000|256",
                                      "00000000000000bb|failed|timeout after 2 s|sparse-dense|7|"
                                      "32|integer|NULL|NULL"}));
  EXPECT_EQ(Query("SELECT point_id, layer, name, cycles FROM layers ORDER BY layer"),
            (std::vector<std::string>{"00000000000000aa|0|conv1|100", "00000000000000aa|1|fc1|101",
                                      "00000000000000aa|2|fc2|102"}));

  // Recording a point again replaces its row and all its layer rows.
  s.Record(Point(0, "00000000000000aa", "16", "dense"), Done(900, {"only"}));
  s.Record(Point(1, "00000000000000bb", "32", "sparse-dense"), Done(800, {"x", "y"}));
  EXPECT_EQ(Query("SELECT id, status, error, cycles FROM points ORDER BY idx"),
            (std::vector<std::string>{"00000000000000aa|done|NULL|900",
                                      "00000000000000bb|done|NULL|800"}));
  EXPECT_EQ(Query("SELECT point_id, layer, name FROM layers ORDER BY point_id, layer"),
            (std::vector<std::string>{"00000000000000aa|0|only", "00000000000000bb|0|x",
                                      "00000000000000bb|1|y"}));
}

TEST_F(StoreTest, AFailedRecordLeavesNoPartOfItsRow) {
  Store s(db_, "demo", columns_);
  s.Record(Point(0, "00000000000000aa", "16", "dense"), Done(1000, {"conv1", "fc1"}));
  // A trigger makes the second layer's insert fail, after the point row and first layer went in.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TRIGGER no_bad BEFORE INSERT ON layers WHEN NEW.name = 'bad' "
                           "BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  EXPECT_THROW(s.Record(Point(0, "00000000000000aa", "16", "dense"), Done(5, {"ok", "bad"})),
               InputError);
  EXPECT_THROW(s.Record(Point(1, "00000000000000bb", "32", "dense"), Done(6, {"ok", "bad"})),
               InputError);
  // The earlier row of the first point is intact, the second point has no row at all.
  EXPECT_EQ(Query("SELECT id, cycles FROM points"),
            std::vector<std::string>{"00000000000000aa|1000"});
  EXPECT_EQ(Query("SELECT point_id, name FROM layers ORDER BY layer"),
            (std::vector<std::string>{"00000000000000aa|conv1", "00000000000000aa|fc1"}));
  // And the store still works.
  s.Record(Point(1, "00000000000000bb", "32", "dense"), Done(6, {"ok"}));
  EXPECT_EQ(Query("SELECT count(*) FROM points"), std::vector<std::string>{"2"});
}

TEST_F(StoreTest, ResumeRunsMissingFailedOnRequestAndDoneWithoutDirectory) {
  SweepManifest m;
  m.name = "demo";
  m.columns = columns_;
  for (int i = 0; i < 5; ++i)
    m.points.push_back(Point(i, "000000000000000" + std::to_string(i), "16", "dense"));
  // 0: done with its directory; 1: done, directory gone; 2: failed; 3: no row; 4: done.
  const std::map<std::string, bool> statuses = {{m.points[0].id, true},
                                                {m.points[1].id, true},
                                                {m.points[2].id, false},
                                                {m.points[4].id, true}};
  fs::create_directories(dir_ / "points" / m.points[0].id);
  fs::create_directories(dir_ / "points" / m.points[4].id);
  fs::create_directories(dir_ / "points" / (m.points[1].id + ".tmp"));  // not the directory
  EXPECT_EQ(PointsToRun(m, statuses, dir_.string(), false), (std::vector<int>{1, 3}));
  EXPECT_EQ(PointsToRun(m, statuses, dir_.string(), true), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(PointsToRun(m, {}, dir_.string(), false), (std::vector<int>{0, 1, 2, 3, 4}));
  // A point with the id of an earlier one runs once.
  m.points.push_back(m.points[3]);
  m.points.back().index = 5;
  EXPECT_EQ(PointsToRun(m, {}, dir_.string(), false), (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST_F(StoreTest, ADatabaseOfAnotherSweepIsAClearError) {
  { Store s(db_, "demo", columns_); }
  try {
    Store s(db_, "other", columns_);
    FAIL() << "no error for another name";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              db_ +
                  ": name: the database is sweep 'demo', not 'other'; allowed: a new output "
                  "directory, or the spec that made this one");
  }
  try {
    Store s(db_, "demo", {"arch.array.rows", "arch.glb.size_kib"});
    FAIL() << "no error for other columns";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              db_ +
                  ": columns: the database has the swept keys [arch.array.rows, mode], the "
                  "spec [arch.array.rows, arch.glb.size_kib]; allowed: a new output "
                  "directory, or the spec that made this one");
  }
  // The same sweep opens again.
  EXPECT_NO_THROW(Store(db_, "demo", columns_));
}

TEST_F(StoreTest, ExportCsvWritesThePointsInIndexOrder) {
  {
    Store s(db_, "demo", columns_);
    PointRecord failed;
    failed.error = "exit 2: bad, \"quoted\"";
    failed.wall_s = 1.25;
    s.Record(Point(1, "00000000000000bb", "32", "sparse-dense"), failed);
    s.Record(Point(0, "00000000000000aa", "16", "dense"), Done(1000, {"conv1"}));
  }
  std::ostringstream os;
  ExportCsv(db_, os);
  EXPECT_EQ(os.str(),
            "id,idx,status,error,wall_s,mode,seed,arch.array.rows,cycles,inferences_per_s,"
            "energy_per_inference_pj,pj_per_mac,mac_utilization,dram_bytes,multipliers,sram_kib,"
            "rtl_transistors\n"
            "00000000000000aa,0,done,,0.5,dense,7,16,1000,500000,1234.5,0.25,0.5,4096,256,288,\n"
            "00000000000000bb,1,failed,\"exit 2: bad, \"\"quoted\"\"\",1.25,sparse-dense,7,32,,,,"
            ",,,,,\n");
  EXPECT_THROW(ExportCsv((dir_ / "missing.sqlite").string(), os), InputError);

  // The spec gained a point in front: the recorded points move to their new places.
  {
    Store s(db_, "demo", columns_);
    SweepManifest m;
    m.points = {Point(0, "00000000000000cc", "8", "dense"),
                Point(1, "00000000000000bb", "32", "sparse-dense"),
                Point(2, "00000000000000aa", "16", "dense")};
    s.SetIndices(m);
  }
  EXPECT_EQ(Query("SELECT idx, id FROM points ORDER BY idx"),
            (std::vector<std::string>{"1|00000000000000bb", "2|00000000000000aa"}));
}

// stats.json as `cssim run --out` writes it, cut to the fields ReadMetrics reads.
const char* const kStats = R"({
  "cycles": 2000, "clock_mhz": 500.0, "inferences_per_s": 250000.0, "macs": 8000,
  "pe_count": 256, "mac_utilization": 0.015625, "energy_unit": "pJ",
  "energy_pj": {"total": 4000.0, "per_mac": 0.5},
  "counters": {"top.dma.bytes_loaded": {"value": 3000, "unit": "B", "description": ""},
               "top.dma.bytes_stored": {"value": 1000, "unit": "B", "description": ""}},
  "layers": [{"name": "conv1", "engine": "array", "cycles": 1500, "macs": 6000,
              "dram_bytes": 3500, "energy_pj": 3000.0},
             {"name": "fc", "engine": "cs", "cycles": 500, "macs": 2000,
              "dram_bytes": 500, "energy_pj": 1000.0}]
})";
const char* const kResolved =
    "mode: dense\nseed: 1\narch:\n  name: a\n  glb: {size_kib: 128, banks: 16}\n"
    "  cs: {lanes: 16, accumulators: 4096}\n";

TEST_F(StoreTest, ReadMetricsDerivesTheHeadlineFigures) {
  std::ofstream(dir_ / "stats.json") << kStats;
  std::ofstream(dir_ / "config.resolved.yaml") << kResolved;
  const PointMetrics m = ReadMetrics(dir_.string());
  EXPECT_EQ(m.cycles, 2000);
  EXPECT_EQ(m.inferences_per_s, 250000.0);
  EXPECT_EQ(m.energy_per_inference_pj, 4000.0);
  EXPECT_EQ(m.pj_per_mac, 0.5);
  EXPECT_EQ(m.mac_utilization, 0.015625);
  EXPECT_EQ(m.dram_bytes, 4000);  // loaded + stored
  EXPECT_EQ(m.multipliers, 256);
  EXPECT_EQ(m.sram_kib, 128 + 4096 * 4 / 1024.0);  // GLB + accumulator SRAM
  EXPECT_FALSE(m.rtl_transistors.has_value());
  ASSERT_EQ(m.layers.size(), 2u);
  EXPECT_EQ(m.layers[1].name, "fc");
  EXPECT_EQ(m.layers[1].engine, "cs");
  EXPECT_EQ(m.layers[1].cycles, 500);
  EXPECT_EQ(m.layers[1].macs, 2000);
  EXPECT_EQ(m.layers[1].dram_bytes, 500);
  EXPECT_EQ(m.layers[1].energy_pj, 1000.0);
}

TEST_F(StoreTest, ReadMetricsSumsRtlAreaAndRefusesABadStatsFile) {
  std::string stats = kStats;
  stats.insert(stats.rfind('}'), R"(, "rtl_area": {"tool": "yosys", "blocks":
      {"pe_array": {"transistors": 1000}, "kwta": {"transistors": 234}}})");
  std::ofstream(dir_ / "stats.json") << stats;
  std::ofstream(dir_ / "config.resolved.yaml") << kResolved;
  EXPECT_EQ(ReadMetrics(dir_.string()).rtl_transistors, 1234);

  std::ofstream(dir_ / "stats.json") << "{\"cycles\": 5";
  try {
    ReadMetrics(dir_.string());
    FAIL() << "no error for a truncated stats.json";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("bad stats.json: ", 0), 0u) << e.what();
  }
  std::ofstream(dir_ / "stats.json") << R"({"cycles": 5})";
  try {
    ReadMetrics(dir_.string());
    FAIL() << "no error for a stats.json without inferences_per_s";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "bad stats.json: no 'inferences_per_s'");
  }
  fs::remove(dir_ / "stats.json");
  EXPECT_THROW(ReadMetrics(dir_.string()), std::runtime_error);
}

}  // namespace
}  // namespace cssim::sweep
