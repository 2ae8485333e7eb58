#include "model/sweep/runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "model/base/error.h"
#include "model/base/progress.h"
#include "model/base/text.h"
#include "model/sweep/store.h"

namespace cssim::sweep {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

volatile sig_atomic_t g_interrupted = 0;
void OnInterrupt(int) { g_interrupted = 1; }

// Installs OnInterrupt for SIGINT and SIGTERM while a sweep runs; restores the old handlers.
class InterruptGuard {
 public:
  InterruptGuard() {
    g_interrupted = 0;
    struct sigaction sa = {};
    sa.sa_handler = OnInterrupt;
    sa.sa_flags = SA_RESTART;  // waitpid and SQLite's I/O carry on; the loop sees the flag
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~InterruptGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction old_int_ = {}, old_term_ = {};
};

// The last non-empty line of a file, without its line break; "" when there is none.
std::string LastLine(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::string line, last;
  while (std::getline(f, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) last = line;
  }
  return last;
}

// Waits for a child that has been killed or has ended.
void Reap(pid_t pid, int* status) {
  while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
  }
}

// A point whose child process is running.
struct Running {
  int index = 0;  // into the manifest's points
  pid_t pid = 0;
  Clock::time_point start;
  fs::path tmp, final;
};

// Starts the child of point `p` in its prepared <id>.tmp/ (PreparePointDir).
Running Start(const SweepPoint& p, int index, const SweepOptions& o, const fs::path& points) {
  Running r;
  r.index = index;
  r.tmp = points / (p.id + ".tmp");
  r.final = points / p.id;

  // Everything the child needs is built before fork: after it, only exec-safe calls.
  // The child runs in the point's directory and names its files relative to it, so that an
  // error message (the point's error text) does not depend on where the sweep's output is.
  const std::string bin = fs::absolute(o.cssim_bin).string();
  const std::string cwd = r.tmp.string();
  std::vector<std::string> args = {
      bin,        "run",         "--arch", "arch.yaml", "--workload", "workload.yaml",
      "--energy", "energy.yaml", "--mode", p.mode,      "--seed",     std::to_string(p.seed),
      "--out",    kResultDir};
  if (!o.area_file.empty()) args.insert(args.end(), {"--area", o.area_file});
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const std::string err_path = (r.tmp / kStderrFile).string();
  const int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (err_fd < 0 || null_fd < 0) {
    if (err_fd >= 0) close(err_fd);
    if (null_fd >= 0) close(null_fd);
    throw InputError(err_path, "", std::string("cannot open: ") + std::strerror(errno));
  }
  const std::string exec_failed = "cssim sweep: cannot run '" + bin + "'\n";
  const pid_t parent = getpid();
  rlimit mem = {};
  mem.rlim_cur = mem.rlim_max = rlim_t(o.mem_limit_mib) * 1024 * 1024;

  const pid_t pid = fork();
  if (pid < 0) {
    close(err_fd);
    close(null_fd);
    throw InputError("", "", std::string("cssim sweep: fork failed: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // Own process group, so that a timeout kills whatever the child starts; dies with the sweep.
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    if (o.mem_limit_mib > 0) setrlimit(RLIMIT_AS, &mem);
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(err_fd, 2);
    if (chdir(cwd.c_str()) == 0) execv(argv[0], argv.data());
    if (write(2, exec_failed.data(), exec_failed.size()) < 0) _exit(127);
    _exit(127);
  }
  setpgid(pid, pid);  // also here: no race with a kill before the child ran setpgid
  close(err_fd);
  close(null_fd);
  r.pid = pid;
  r.start = Clock::now();
  return r;
}

// Why a finished child failed, or "" when it succeeded.
std::string ExitProblem(int status, const SweepOptions& o, const fs::path& tmp) {
  std::string problem;
  if (WIFEXITED(status)) {
    if (WEXITSTATUS(status) == 0) return "";
    problem = "exit " + std::to_string(WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    problem = std::string("killed by signal ") + strsignal(WTERMSIG(status));
  } else {
    problem = "ended with wait status " + std::to_string(status);
  }
  const std::string last = LastLine(tmp / kStderrFile);
  if (!last.empty()) problem += ": " + last;
  if (o.mem_limit_mib > 0)
    problem += " (run under a memory limit of " + std::to_string(o.mem_limit_mib) + " MiB)";
  return problem;
}

// Polls the child of `r` once: false while it runs (within its timeout). Otherwise it has been
// reaped (killed first when over its timeout) and *problem says why it failed ("" when it
// exited 0) and *wall its wall time.
bool Poll(const Running& r, const SweepOptions& o, std::string* problem, double* wall) {
  int status = 0;
  const pid_t got = waitpid(r.pid, &status, WNOHANG);
  *wall = std::chrono::duration<double>(Clock::now() - r.start).count();
  if (got == 0) {
    if (o.timeout_s <= 0 || *wall < o.timeout_s) return false;
    kill(-r.pid, SIGKILL);
    Reap(r.pid, &status);
    *problem = "timeout after " + ShortestDouble(o.timeout_s) + " s";
  } else if (got < 0) {
    *problem = std::string("lost the child process: ") + std::strerror(errno);
  } else {
    *problem = ExitProblem(status, o, r.tmp);
  }
  return true;
}

// The record of an ended child: reads its metrics and renames <id>.tmp/ to <id>/ when it
// succeeded; `problem` and `wall` as Poll gives them.
PointRecord Finish(const Running& r, std::string problem, double wall) {
  PointRecord rec;
  rec.wall_s = wall;
  if (problem.empty()) {
    try {
      rec.metrics = ReadMetrics((r.tmp / kResultDir).string());
      rec.done = true;
    } catch (const std::runtime_error& e) {
      problem = e.what();
    }
  }
  if (rec.done) {
    if (rename(r.tmp.c_str(), r.final.c_str()) != 0)
      throw InputError(r.final.string(), "",
                       std::string("cannot rename the point's directory: ") + std::strerror(errno));
  } else {
    rec.error = problem;
  }
  return rec;
}

}  // namespace

void PreparePointDir(const SweepPoint& p, const std::string& out_dir) {
  const fs::path points = fs::path(out_dir) / "points";
  const fs::path tmp = points / (p.id + ".tmp"), final = points / p.id;
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::remove_all(final, ec);  // renamed, but killed before its row was written
  fs::create_directories(tmp, ec);
  if (ec)
    throw InputError(tmp.string(), "", "cannot create the point's directory: " + ec.message());
  WriteFile(tmp / "arch.yaml", p.arch_yaml, "the point\'s file");
  WriteFile(tmp / "workload.yaml", p.workload_yaml, "the point\'s file");
  WriteFile(tmp / "energy.yaml", p.energy_yaml, "the point\'s file");
}

PointRecord RunPointInDir(const SweepPoint& p, const SweepOptions& o) {
  const Running r = Start(p, p.index, o, fs::path(o.out_dir) / "points");
  std::string problem;
  double wall = 0;
  while (!Poll(r, o, &problem, &wall)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return Finish(r, problem, wall);
}

int RunSweep(const SweepManifest& m, const SweepOptions& o) {
  const fs::path out(o.out_dir), points = fs::path(o.out_dir) / "points";
  std::error_code ec;
  if (access(o.cssim_bin.c_str(), X_OK) != 0)
    throw InputError(o.cssim_bin, "", "cannot run it: " + std::string(std::strerror(errno)),
                     "the cssim binary");
  fs::create_directories(points, ec);
  if (ec) throw InputError(o.out_dir, "", "cannot create the sweep's directory: " + ec.message());
  Store store((out / "sweep.sqlite").string(), m.name, m.columns);
  store.SetIndices(m);
  const std::map<std::string, bool> statuses = store.Statuses();
  const std::vector<int> todo = PointsToRun(m, statuses, o.out_dir, o.retry_failed);

  int jobs = o.jobs > 0 ? o.jobs : int(std::thread::hardware_concurrency());
  if (jobs < 1) jobs = 1;
  InterruptGuard guard;
  // The points recorded before that this run leaves alone, counted once per id.
  int total = 0, done_before = 0, failed_before = 0;
  {
    std::set<std::string> ids, runs;
    for (int i : todo) runs.insert(m.points[size_t(i)].id);
    for (const SweepPoint& p : m.points) {
      if (!ids.insert(p.id).second) continue;
      ++total;
      if (!runs.count(p.id)) ++(statuses.at(p.id) ? done_before : failed_before);
    }
  }
  std::fprintf(stderr,
               "cssim sweep %s: %d points, %d done and %d failed before, running %d with %d %s\n",
               m.name.c_str(), total, done_before, failed_before, int(todo.size()), jobs,
               jobs == 1 ? "job" : "jobs");
  Progress progress("cssim sweep " + m.name, total, StderrProgress("points", true));
  progress.Before(done_before, failed_before);

  std::vector<Running> running;
  size_t next = 0;
  // Kills every running child (SIGKILL to its process group) and reaps it.
  auto kill_all = [&] {
    for (const Running& r : running) kill(-r.pid, SIGKILL);
    for (const Running& r : running) Reap(r.pid, nullptr);
    running.clear();
  };
  try {
    while (next < todo.size() || !running.empty()) {
      if (g_interrupted) break;
      while (running.size() < size_t(jobs) && next < todo.size()) {
        const int i = todo[next++];
        PreparePointDir(m.points[i], o.out_dir);
        running.push_back(Start(m.points[i], i, o, points));
      }
      bool reaped = false;
      for (size_t k = 0; k < running.size();) {
        const Running& r = running[k];
        std::string problem;
        double wall = 0;
        if (!Poll(r, o, &problem, &wall)) {
          ++k;
          continue;
        }
        const SweepPoint& p = m.points[r.index];
        const PointRecord rec = Finish(r, problem, wall);
        store.Record(p, rec);
        progress.Done(rec.done);
        running.erase(running.begin() + long(k));
        reaped = true;
      }
      progress.Tick();
      if (!reaped && !g_interrupted) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  } catch (...) {
    kill_all();
    throw;
  }
  if (g_interrupted) {
    kill_all();
    progress.Finish();
    std::fprintf(stderr, "cssim sweep %s: interrupted; run it again to resume\n", m.name.c_str());
    return kExitInterrupted;
  }
  progress.Finish();
  return PointsToRun(m, store.Statuses(), o.out_dir, true).empty() ? 0 : 3;
}

}  // namespace cssim::sweep
