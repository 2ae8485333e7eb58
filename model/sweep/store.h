// A sweep's results database, <out>/sweep.sqlite (SQLite, WAL): one row per point in `points`,
// one per layer of a done point in `layers`, the sweep's name and columns in `sweep`. Only the
// process running the sweep writes it. docs/design.md, "Sweeps" (Running and recording).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "model/sweep/point.h"

struct sqlite3;

namespace cssim::sweep {

// One layer of a done point, as stats.json lists it.
struct LayerRow {
  std::string name, engine;
  int64_t cycles = 0, macs = 0, dram_bytes = 0;
  double energy_pj = 0;
};

// The headline figures of a done point, read from its result files (ReadMetrics).
struct PointMetrics {
  int64_t cycles = 0;
  double inferences_per_s = 0;
  double energy_per_inference_pj = 0;
  double pj_per_mac = 0;
  double mac_utilization = 0;
  int64_t dram_bytes = 0;
  int64_t multipliers = 0;
  double sram_kib = 0;
  std::optional<int64_t> rtl_transistors;  // only when stats.json has rtl_area
  std::vector<LayerRow> layers;
};

// What one point's run came to.
struct PointRecord {
  bool done = false;     // status "done", else "failed"
  std::string error;     // why it failed; empty when done
  double wall_s = 0;     // wall time of its process (the only wall-clock figure in the database)
  PointMetrics metrics;  // when done
};

// Reads a result directory (`cssim run --out DIR`: stats.json and config.resolved.yaml) into
// the headline figures. How each is derived: docs/design.md, "Sweeps" (Running and recording).
// Throws std::runtime_error("bad stats.json: ...") (or "bad config.resolved.yaml: ...") when a
// file is missing, unparsable or lacks a field.
PointMetrics ReadMetrics(const std::string& result_dir);

// The database of one sweep, opened for writing.
class Store {
 public:
  // Opens `path`, creating it (and its tables) if it does not exist. An existing database made
  // for a sweep of another name or other columns is an InputError (a new --out is needed).
  Store(const std::string& path, const std::string& name, const std::vector<std::string>& columns);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The recorded status of every point in the database: id -> true when done, false when failed.
  std::map<std::string, bool> Statuses() const;

  // Sets the idx of every recorded point of `m` to its index in `m` (the spec may have gained or
  // lost points since the row was written), in one transaction.
  void SetIndices(const SweepManifest& m);

  // Replaces point `p`'s row (and its layer rows) by `r`, in one transaction: after a kill at any
  // moment the database holds either the old row or the complete new one.
  void Record(const SweepPoint& p, const PointRecord& r);

 private:
  void Exec(const std::string& sql) const;
  [[noreturn]] void Fail(const std::string& what) const;

  std::string path_;
  std::vector<std::string> columns_;  // the swept keys that get a column of their own
  sqlite3* db_ = nullptr;
};

// The indices (into m.points) of the points a run of the sweep still has to do: those without a
// row, those whose row says done but whose directory <out_dir>/points/<id> is missing, and, with
// retry_failed, those recorded as failed. In manifest order; a point whose id an earlier point
// has (the same resolved config, mode and seed) is left out: it shares that point's run and row.
std::vector<int> PointsToRun(const SweepManifest& m, const std::map<std::string, bool>& statuses,
                             const std::string& out_dir, bool retry_failed);

// The `points` table of a sweep database, read whole, rows in idx order.
struct PointsTable {
  struct Cell {
    enum Kind { kNull, kInt, kReal, kText } kind = kNull;
    int64_t i = 0;
    double d = 0;             // kReal
    std::string text;         // kText
    std::string Csv() const;  // the CSV field (RFC 4180 quoting; NULL as empty)
    // The value as a number: kInt and kReal; NaN for NULL and text.
    double Number() const {
      return kind == kInt    ? double(i)
             : kind == kReal ? d
                             : std::numeric_limits<double>::quiet_NaN();
    }
  };
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
  int Column(const std::string& name) const;  // -1 when there is none
};
// Throws InputError when the file is not a sweep database.
PointsTable ReadPoints(const std::string& db_path);
// A header of the column names, then one line per row.
void WriteCsv(const PointsTable& t, std::ostream& os);

// Writes the `points` table of the database at `db_path` as CSV: a header of its column names,
// then one row per point in idx order (RFC 4180 quoting; NULL as an empty field). Throws
// InputError when the file is not a sweep database.
void ExportCsv(const std::string& db_path, std::ostream& os);

}  // namespace cssim::sweep
