#include "model/sweep/store.h"

#include <sqlite3.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "model/base/error.h"
#include "model/base/text.h"

namespace cssim::sweep {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// The columns every points row has before the swept keys, and the metric columns after them,
// with their SQL declarations: the table is created and filled from these lists.
struct Column {
  const char* name;
  const char* decl;
};
const Column kLeadColumns[] = {{"id", "TEXT PRIMARY KEY"},
                               {"idx", "INTEGER NOT NULL"},
                               {"status", "TEXT NOT NULL"},
                               {"error", "TEXT"},
                               {"wall_s", "REAL"},
                               {"mode", "TEXT NOT NULL"},
                               {"seed", ""}};
const Column kMetricColumns[] = {
    {"cycles", "INTEGER"},      {"inferences_per_s", "REAL"}, {"energy_per_inference_pj", "REAL"},
    {"pj_per_mac", "REAL"},     {"mac_utilization", "REAL"},  {"dram_bytes", "INTEGER"},
    {"multipliers", "INTEGER"}, {"sram_kib", "REAL"},         {"rtl_transistors", "INTEGER"}};

std::string Quote(const std::string& name) {
  std::string q = "\"";
  for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

bool IsLeadOrMetric(const std::string& c) {
  for (const Column& l : kLeadColumns)
    if (c == l.name) return true;
  for (const Column& l : kMetricColumns)
    if (c == l.name) return true;
  return false;
}

std::string JoinColumns(const std::vector<std::string>& cols) {
  std::string s = "[";
  for (size_t i = 0; i < cols.size(); ++i) s += (i ? ", " : "") + cols[i];
  return s + "]";
}

// Shortest text that reads back as the same double; without an exponent in the usual range
// (500000, not 5e+05).
std::string Num(double v) {
  char buf[400];
  const double a = std::fabs(v);
  const auto res = a == 0 || (a >= 1e-5 && a < 1e16)
                       ? std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed)
                       : std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

// A prepared statement, finalized on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(db));
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

// Binds a swept value as what it reads as: an integer, a finite real, else text, so that SQL
// compares numbers as numbers. The swept columns have no declared type, so SQLite keeps the class.
void BindValue(sqlite3_stmt* s, int i, const std::string& v) {
  int64_t n = 0;
  const char* end = v.data() + v.size();
  auto [p, ec] = std::from_chars(v.data(), end, n);
  if (!v.empty() && ec == std::errc() && p == end) {
    sqlite3_bind_int64(s, i, n);
    return;
  }
  double d = 0;
  auto [q, ec2] = std::from_chars(v.data(), end, d);
  if (!v.empty() && ec2 == std::errc() && q == end && std::isfinite(d)) {
    sqlite3_bind_double(s, i, d);
    return;
  }
  sqlite3_bind_text(s, i, v.c_str(), int(v.size()), SQLITE_TRANSIENT);
}

void BindText(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.c_str(), int(v.size()), SQLITE_TRANSIENT);
}

const Json& Field(const Json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end()) throw std::runtime_error("bad stats.json: no '" + where + key + "'");
  return *it;
}

int64_t IntField(const Json& j, const char* key, const std::string& where = "") {
  const Json& v = Field(j, key, where);
  if (!v.is_number_integer()) throw std::runtime_error("bad stats.json: '" + where + key + "'");
  return v.get<int64_t>();
}

double NumField(const Json& j, const char* key, const std::string& where = "") {
  const Json& v = Field(j, key, where);
  if (!v.is_number()) throw std::runtime_error("bad stats.json: '" + where + key + "'");
  return v.get<double>();
}

std::string TextField(const Json& j, const char* key, const std::string& where = "") {
  const Json& v = Field(j, key, where);
  if (!v.is_string()) throw std::runtime_error("bad stats.json: '" + where + key + "'");
  return v.get<std::string>();
}

std::string ColumnText(sqlite3_stmt* s, int i) {
  const unsigned char* t = sqlite3_column_text(s, i);
  return t ? reinterpret_cast<const char*>(t) : "";
}

}  // namespace

PointMetrics ReadMetrics(const std::string& result_dir) {
  const fs::path dir(result_dir);
  std::ifstream f(dir / "stats.json", std::ios::binary);
  if (!f) throw std::runtime_error("bad stats.json: cannot read it");
  Json j;
  try {
    j = Json::parse(f);
  } catch (const Json::exception& e) {
    throw std::runtime_error(std::string("bad stats.json: ") + e.what());
  }
  if (!j.is_object()) throw std::runtime_error("bad stats.json: not an object");
  PointMetrics m;
  m.cycles = IntField(j, "cycles");
  m.inferences_per_s = NumField(j, "inferences_per_s");
  m.mac_utilization = NumField(j, "mac_utilization");
  m.multipliers = IntField(j, "pe_count");
  const Json& energy = Field(j, "energy_pj", "");
  // The energy columns are in pJ: a table in another unit (a normalised one) leaves them NULL.
  if (TextField(j, "energy_unit") == "pJ") {
    m.energy_per_inference_pj = NumField(energy, "total", "energy_pj.");
    m.pj_per_mac = NumField(energy, "per_mac", "energy_pj.");
  } else {
    m.energy_per_inference_pj = m.pj_per_mac = std::nan("");
  }
  const Json& counters = Field(j, "counters", "");
  for (const char* c : {"top.dma.bytes_loaded", "top.dma.bytes_stored"})
    m.dram_bytes +=
        IntField(Field(counters, c, "counters."), "value", std::string("counters.") + c + ".");
  if (j.contains("rtl_area")) {
    int64_t transistors = 0;
    for (const auto& [block, b] : Field(Field(j, "rtl_area", ""), "blocks", "rtl_area.").items())
      transistors += IntField(b, "transistors", "rtl_area.blocks." + block + ".");
    m.rtl_transistors = transistors;
  }
  const Json& layers = Field(j, "layers", "");
  if (!layers.is_array()) throw std::runtime_error("bad stats.json: 'layers' is not a list");
  for (size_t i = 0; i < layers.size(); ++i) {
    const std::string where = "layers[" + std::to_string(i) + "].";
    const Json& l = layers[i];
    LayerRow row;
    row.name = TextField(l, "name", where);
    row.engine = TextField(l, "engine", where);
    row.cycles = IntField(l, "cycles", where);
    row.macs = IntField(l, "macs", where);
    row.dram_bytes = IntField(l, "dram_bytes", where);
    row.energy_pj = NumField(l, "energy_pj", where);
    m.layers.push_back(std::move(row));
  }
  // SRAM: the GLB and the CS engine's accumulator SRAM (int32 entries), from the arch the run
  // resolved to.
  try {
    const YAML::Node arch = YAML::LoadFile((dir / "config.resolved.yaml").string())["arch"];
    m.sram_kib = arch["glb"]["size_kib"].as<double>() +
                 arch["cs"]["accumulators"].as<double>() * 4.0 / 1024.0;
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(std::string("bad config.resolved.yaml: ") + e.what());
  }
  return m;
}

Store::Store(const std::string& path, const std::string& name,
             const std::vector<std::string>& columns)
    : path_(path) {
  for (const std::string& c : columns) {
    if (c == "mode" || c == "seed") continue;  // the lead columns hold them
    if (IsLeadOrMetric(c))
      throw InputError(path, "columns", "swept key '" + c + "' clashes with a result column",
                       "keys as cssim list-params prints them");
    columns_.push_back(c);
  }
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string what = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw InputError(path, "", "cannot open the sweep database: " + what);
  }
  sqlite3_busy_timeout(db_, 5000);
  try {
    Exec("PRAGMA journal_mode=WAL");
    Exec("BEGIN IMMEDIATE");
    Exec("CREATE TABLE IF NOT EXISTS sweep (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    std::map<std::string, std::string> meta;
    {
      Stmt s(db_, "SELECT key, value FROM sweep");
      while (sqlite3_step(s.get()) == SQLITE_ROW)
        meta[ColumnText(s.get(), 0)] = ColumnText(s.get(), 1);
    }
    const std::string cols = Json(columns).dump();
    if (meta.empty()) {
      std::string sql = "CREATE TABLE points (";
      auto add = [&sql](const Column& c) {
        sql += std::string(sql.back() == '(' ? "" : ", ") + c.name + (*c.decl ? " " : "") + c.decl;
      };
      for (const Column& c : kLeadColumns) add(c);
      for (const std::string& c : columns_) sql += ", " + Quote(c);
      for (const Column& c : kMetricColumns) add(c);
      sql += ")";
      Exec(sql);
      Exec(
          "CREATE TABLE layers (point_id TEXT NOT NULL, layer INTEGER NOT NULL, name TEXT, "
          "engine TEXT, cycles INTEGER, macs INTEGER, energy_pj REAL, dram_bytes INTEGER, "
          "PRIMARY KEY (point_id, layer))");
      Stmt s(db_, "INSERT INTO sweep (key, value) VALUES ('name', ?1), ('columns', ?2)");
      BindText(s.get(), 1, name);
      BindText(s.get(), 2, cols);
      if (sqlite3_step(s.get()) != SQLITE_DONE) Fail(sqlite3_errmsg(db_));
    } else if (meta["name"] != name) {
      Exec("ROLLBACK");
      throw InputError(path, "name",
                       "the database is sweep '" + meta["name"] + "', not '" + name + "'",
                       "a new output directory, or the spec that made this one");
    } else if (meta["columns"] != cols) {
      Exec("ROLLBACK");
      std::vector<std::string> had;
      try {
        had = Json::parse(meta["columns"]).get<std::vector<std::string>>();
      } catch (const Json::exception&) {
      }
      throw InputError(path, "columns",
                       "the database has the swept keys " + JoinColumns(had) + ", the spec " +
                           JoinColumns(columns),
                       "a new output directory, or the spec that made this one");
    }
    Exec("COMMIT");
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Store::~Store() { sqlite3_close(db_); }

void Store::Exec(const std::string& sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string what = err ? err : "unknown error";
    sqlite3_free(err);
    Fail(what);
  }
}

void Store::Fail(const std::string& what) const {
  throw InputError(path_, "", "sweep database: " + what);
}

void Store::SetIndices(const SweepManifest& m) {
  std::set<std::string> seen;
  try {
    Exec("BEGIN IMMEDIATE");
    Stmt s(db_, "UPDATE points SET idx = ?2 WHERE id = ?1 AND idx != ?2");
    for (const SweepPoint& p : m.points) {
      if (!seen.insert(p.id).second) continue;
      sqlite3_reset(s.get());
      BindText(s.get(), 1, p.id);
      sqlite3_bind_int(s.get(), 2, p.index);
      if (sqlite3_step(s.get()) != SQLITE_DONE) Fail(sqlite3_errmsg(db_));
    }
    Exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::map<std::string, bool> Store::Statuses() const {
  std::map<std::string, bool> out;
  Stmt s(db_, "SELECT id, status FROM points");
  while (sqlite3_step(s.get()) == SQLITE_ROW)
    out[ColumnText(s.get(), 0)] = ColumnText(s.get(), 1) == "done";
  return out;
}

void Store::Record(const SweepPoint& p, const PointRecord& r) {
  std::string sql = "INSERT OR REPLACE INTO points (", params;
  int n = 0;
  for (const Column& c : kLeadColumns) {
    const std::string sep = n ? ", " : "";
    sql += sep + c.name;
    params += sep + "?" + std::to_string(++n);
  }
  for (const std::string& c : columns_) {
    sql += ", " + Quote(c);
    params += ", ?" + std::to_string(++n);
  }
  for (const Column& c : kMetricColumns) {
    sql += std::string(", ") + c.name;
    params += ", ?" + std::to_string(++n);
  }
  sql += ") VALUES (" + params + ")";
  try {
    Exec("BEGIN IMMEDIATE");
    {
      Stmt del(db_, "DELETE FROM layers WHERE point_id = ?1");
      BindText(del.get(), 1, p.id);
      if (sqlite3_step(del.get()) != SQLITE_DONE) Fail(sqlite3_errmsg(db_));

      Stmt s(db_, sql);
      sqlite3_stmt* st = s.get();
      BindText(st, 1, p.id);
      sqlite3_bind_int(st, 2, p.index);
      BindText(st, 3, r.done ? "done" : "failed");
      if (r.done) {
        sqlite3_bind_null(st, 4);
      } else {
        BindText(st, 4, r.error);
      }
      sqlite3_bind_double(st, 5, r.wall_s);
      BindText(st, 6, p.mode);
      // A seed above INT64_MAX goes in as text (the seed column has no declared type).
      if (p.seed <= uint64_t(INT64_MAX)) {
        sqlite3_bind_int64(st, 7, int64_t(p.seed));
      } else {
        BindText(st, 7, std::to_string(p.seed));
      }
      int i = 7;
      for (const std::string& c : columns_) {
        ++i;
        for (const auto& [key, value] : p.values)
          if (key == c) BindValue(st, i, value);  // unbound (a key the point lacks) is NULL
      }
      if (r.done) {
        const PointMetrics& m = r.metrics;
        auto real = [&](int k, double v) {
          if (std::isnan(v)) {
            sqlite3_bind_null(st, k);
          } else {
            sqlite3_bind_double(st, k, v);
          }
        };
        sqlite3_bind_int64(st, ++i, m.cycles);
        real(++i, m.inferences_per_s);
        real(++i, m.energy_per_inference_pj);
        real(++i, m.pj_per_mac);
        real(++i, m.mac_utilization);
        sqlite3_bind_int64(st, ++i, m.dram_bytes);
        sqlite3_bind_int64(st, ++i, m.multipliers);
        real(++i, m.sram_kib);
        if (m.rtl_transistors) sqlite3_bind_int64(st, ++i, *m.rtl_transistors);
      }
      if (sqlite3_step(st) != SQLITE_DONE) Fail(sqlite3_errmsg(db_));

      if (r.done) {
        Stmt l(db_,
               "INSERT INTO layers (point_id, layer, name, engine, cycles, macs, energy_pj, "
               "dram_bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        for (size_t k = 0; k < r.metrics.layers.size(); ++k) {
          const LayerRow& row = r.metrics.layers[k];
          sqlite3_reset(l.get());
          BindText(l.get(), 1, p.id);
          sqlite3_bind_int64(l.get(), 2, int64_t(k));
          BindText(l.get(), 3, row.name);
          BindText(l.get(), 4, row.engine);
          sqlite3_bind_int64(l.get(), 5, row.cycles);
          sqlite3_bind_int64(l.get(), 6, row.macs);
          sqlite3_bind_double(l.get(), 7, row.energy_pj);
          sqlite3_bind_int64(l.get(), 8, row.dram_bytes);
          if (sqlite3_step(l.get()) != SQLITE_DONE) Fail(sqlite3_errmsg(db_));
        }
      }
    }
    Exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<int> PointsToRun(const SweepManifest& m, const std::map<std::string, bool>& statuses,
                             const std::string& out_dir, bool retry_failed) {
  std::vector<int> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < m.points.size(); ++i) {
    const SweepPoint& p = m.points[i];
    if (!seen.insert(p.id).second) continue;  // the same point again: one run, one row
    const auto it = statuses.find(p.id);
    bool run = it == statuses.end();
    if (!run && it->second) {
      std::error_code ec;
      run = !fs::is_directory(fs::path(out_dir) / "points" / p.id, ec);
    } else if (!run) {
      run = retry_failed;
    }
    if (run) out.push_back(int(i));
  }
  return out;
}

std::string PointsTable::Cell::Csv() const {
  switch (kind) {
    case kNull:
      return "";
    case kInt:
      return std::to_string(i);
    case kReal:
      return Num(d);
    default:
      return CsvField(text);
  }
}

int PointsTable::Column(const std::string& name) const {
  for (size_t c = 0; c < columns.size(); ++c)
    if (columns[c] == name) return int(c);
  return -1;
}

PointsTable ReadPoints(const std::string& db_path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string what = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw InputError(db_path, "", "cannot open the sweep database: " + what);
  }
  PointsTable t;
  try {
    Stmt s(db, "SELECT * FROM points ORDER BY idx");
    const int n = sqlite3_column_count(s.get());
    for (int i = 0; i < n; ++i) t.columns.push_back(sqlite3_column_name(s.get(), i));
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      std::vector<PointsTable::Cell>& row = t.rows.emplace_back(size_t(n));
      for (int i = 0; i < n; ++i) {
        PointsTable::Cell& c = row[size_t(i)];
        switch (sqlite3_column_type(s.get(), i)) {
          case SQLITE_NULL:
            break;
          case SQLITE_INTEGER:
            c.kind = PointsTable::Cell::kInt;
            c.i = sqlite3_column_int64(s.get(), i);
            break;
          case SQLITE_FLOAT:
            c.kind = PointsTable::Cell::kReal;
            c.d = sqlite3_column_double(s.get(), i);
            break;
          default:
            c.kind = PointsTable::Cell::kText;
            c.text = ColumnText(s.get(), i);
        }
      }
    }
    if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
  } catch (const std::runtime_error& e) {
    sqlite3_close(db);
    if (dynamic_cast<const InputError*>(&e)) throw;
    throw InputError(db_path, "", std::string("not a sweep database: ") + e.what());
  }
  sqlite3_close(db);
  return t;
}

void WriteCsv(const PointsTable& t, std::ostream& os) {
  for (size_t c = 0; c < t.columns.size(); ++c) os << (c ? "," : "") << CsvField(t.columns[c]);
  os << "\n";
  for (const auto& row : t.rows) {
    for (size_t c = 0; c < row.size(); ++c) os << (c ? "," : "") << row[c].Csv();
    os << "\n";
  }
}

void ExportCsv(const std::string& db_path, std::ostream& os) { WriteCsv(ReadPoints(db_path), os); }

}  // namespace cssim::sweep
