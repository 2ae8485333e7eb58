// What the sweep kill-and-resume tests share (tb/sys/sweep/sweep_run_test.cc on five points,
// sweep_kill_nightly.cc on two hundred): exact reads of the database, the point processes still
// alive, and RunSweep in a child process that can be SIGKILLed at any moment.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "model/sweep/point.h"
#include "tb/common/cli_runner.h"

namespace cssim::sweep {

// Every field of every row of `sql`, read as doubles (exact, unlike text).
inline std::vector<double> Doubles(const std::string& db_path, const std::string& sql) {
  std::vector<double> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK) {
      while (sqlite3_step(s) == SQLITE_ROW)
        for (int i = 0; i < sqlite3_column_count(s); ++i)
          out.push_back(sqlite3_column_double(s, i));
    } else {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

// How many processes have their working directory under `dir` (a point's child runs in its
// point's directory): after the sweep is stopped, none may be left.
inline int ProcessesIn(const std::filesystem::path& dir) {
  std::error_code ec;
  const std::string prefix = std::filesystem::canonical(dir, ec).string() + "/";
  int n = 0;
  for (const std::filesystem::directory_entry& e :
       std::filesystem::directory_iterator("/proc", ec)) {
    const std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::error_code ec2;
    const std::string cwd = std::filesystem::read_symlink(e.path() / "cwd", ec2).string();
    if (!ec2 && cwd.rfind(prefix, 0) == 0) ++n;
  }
  return n;
}

// Waits up to 50 ms for ProcessesIn(dir) to reach 0 (a killed process takes a moment to go);
// returns the last count. Short: a point that outlived the sweep would run 0.1 s or more.
inline int WaitNoProcessesIn(const std::filesystem::path& dir) {
  int n = ProcessesIn(dir);
  for (int i = 0; i < 10 && n > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    n = ProcessesIn(dir);
  }
  return n;
}

// Runs RunSweep in a child process (stderr to /dev/null) and returns its pid; its exit code is
// RunSweep's, 1 on an exception.
inline pid_t ForkSweep(const SweepManifest& m, const SweepOptions& o) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::freopen("/dev/null", "w", stderr);
    int rc = 1;
    try {
      rc = RunSweep(m, o);
    } catch (...) {
      rc = 1;
    }
    _exit(rc);
  }
  return pid;
}

// A CliFixture whose sweeps run into sub-directories of its temporary directory, 2 jobs at a time.
class SweepFixture : public CliFixture {
 protected:
  explicit SweepFixture(std::string prefix) : CliFixture(std::move(prefix), false) {}

  SweepOptions Options(const std::string& sub) const {
    SweepOptions o;
    o.out_dir = Path(sub);
    o.cssim_bin = bin_;
    o.jobs = 2;
    return o;
  }
  static std::string Db(const SweepOptions& o) { return o.out_dir + "/sweep.sqlite"; }
};

}  // namespace cssim::sweep
