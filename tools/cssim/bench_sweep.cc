// cssim bench --sweep: what the sweep machinery costs. Each of --runs runs times the spec's
// points twice with the same -j, into a fresh temporary directory: once through the local
// backend (RunSweep: point directories, progress, the database), once as the bare `cssim run`
// commands those points are (the same arguments, one process per point, fork/exec and wait,
// nothing else). It prints points/hour of both and the overhead (sweep / bare - 1), and the
// sweep process's own CPU time against its points' (a figure that load from other jobs does not
// move, unlike the wall times), medians over the runs. README, "Sweeps".
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/base/text.h"
#include "model/config/config.h"
#include "model/sweep/point.h"
#include "model/sweep/runner.h"
#include "model/sweep/spec.h"
#include "model/sweep/store.h"
#include "tools/cssim/cli.h"
#include "tools/cssim/commands.h"

namespace cssim {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The points once each (a sweep runs a point listed twice once).
std::vector<const sweep::SweepPoint*> UniquePoints(const sweep::SweepManifest& m) {
  std::vector<const sweep::SweepPoint*> out;
  std::set<std::string> ids;
  for (const sweep::SweepPoint& p : m.points)
    if (ids.insert(p.id).second) out.push_back(&p);
  return out;
}

// One bare point: its directory (holding the config files the sweep would write) and the
// `cssim run` arguments the local backend gives it.
struct BareCommand {
  std::string dir;
  std::vector<std::string> args;
};

// Writes every point's config files under `root` (untimed: they are the commands' inputs).
std::vector<BareCommand> PrepareBare(const std::vector<const sweep::SweepPoint*>& points,
                                     const fs::path& root, const std::string& bin) {
  std::vector<BareCommand> cmds;
  for (const sweep::SweepPoint* p : points) {
    const fs::path dir = root / p->id;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw InputError(dir.string(), "", "cannot create the point's directory");
    WriteFile(dir / "arch.yaml", p->arch_yaml, "the point\'s file");
    WriteFile(dir / "workload.yaml", p->workload_yaml, "the point\'s file");
    WriteFile(dir / "energy.yaml", p->energy_yaml, "the point\'s file");
    cmds.push_back({dir.string(),
                    {bin, "run", "--arch", "arch.yaml", "--workload", "workload.yaml", "--energy",
                     "energy.yaml", "--mode", p->mode, "--seed", std::to_string(p->seed), "--out",
                     sweep::kResultDir}});
  }
  return cmds;
}

// Runs the commands, `jobs` at a time, each in its directory with stdin, stdout and stderr on
// /dev/null; returns the wall seconds and sets *failed to how many did not exit 0.
double RunBare(const std::vector<BareCommand>& cmds, int jobs, int* failed) {
  std::vector<std::vector<char*>> argvs;
  for (const BareCommand& c : cmds) {
    std::vector<char*> argv;
    for (const std::string& a : c.args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    argvs.push_back(std::move(argv));
  }
  const int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0) throw InputError("/dev/null", "", std::strerror(errno));
  std::cout.flush();
  std::cerr.flush();
  *failed = 0;
  const Clock::time_point start = Clock::now();
  size_t next = 0;
  int running = 0;
  while (next < cmds.size() || running > 0) {
    while (running < jobs && next < cmds.size()) {
      const pid_t pid = fork();
      if (pid < 0) {
        close(null_fd);
        throw InputError("", "", std::string("cssim bench: fork failed: ") + std::strerror(errno));
      }
      if (pid == 0) {
        dup2(null_fd, 0);
        dup2(null_fd, 1);
        dup2(null_fd, 2);
        if (chdir(cmds[next].dir.c_str()) == 0) execv(argvs[next][0], argvs[next].data());
        _exit(127);
      }
      ++next;
      ++running;
    }
    int status = 0;
    const pid_t got = waitpid(-1, &status, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      break;
    }
    --running;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++*failed;
  }
  const double wall = Seconds(start);
  close(null_fd);
  return wall;
}

// User plus system CPU seconds of this process (RUSAGE_SELF) or of its reaped children.
double CpuSeconds(int who) {
  rusage u = {};
  getrusage(who, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string Percent(double ratio) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%+.1f %%", 100 * ratio);
  return buf;
}

}  // namespace

int BenchSweepCommand(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("sweep", po::bool_switch(),
                                                 "benchmark the sweep machinery (this mode)")(
      "jobs,j", po::value<int>()->default_value(2), "simulations at a time, in both passes")(
      "runs", po::value<int>()->default_value(3),
      "timed runs of both passes (the median is shown)");
  const po::variables_map vm = Parse(args, desc, "bench --sweep", "SPEC");
  if (WantsHelp(vm,
                "usage: cssim bench --sweep [SPEC] [-j N] [--runs R]\n\nRuns the sweep SPEC "
                "(default: the 200-point workloads/sweeps/gsc-bench.yaml) through the local "
                "backend, then the same points' 'cssim run' commands back to back with the same "
                "-j, and prints points/hour of both and the overhead ratio (sweep / bare - 1), "
                "medians of R runs.",
                desc))
    return kExitOk;
  const int runs = vm["runs"].as<int>();
  if (runs < 1 || runs > 1000)
    throw InputError("", "--runs", std::to_string(runs) + " is out of range", "integer 1..1000");
  const int jobs = vm["jobs"].as<int>();
  if (jobs < 1 || jobs > kMaxJobs)
    throw InputError("", "-j", std::to_string(jobs) + " is out of range",
                     "integer 1.." + std::to_string(kMaxJobs));
  const std::string spec =
      vm.count("spec") ? vm["spec"].as<std::string>() : DataDir() + "/sweeps/gsc-bench.yaml";
  const sweep::Expansion ex = sweep::ExpandSpec(spec);
  const std::vector<const sweep::SweepPoint*> points = UniquePoints(ex.manifest);

  std::error_code ec;
  const std::string bin = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec) return ReportSimError("cannot find the running cssim binary (/proc/self/exe)");
  const RemoveTreeOnExit tmp(MakeTempDir("cssim-bench-sweep-"));

  std::vector<double> sweep_walls, bare_walls, overheads, self_cpus, cpu_shares;
  int sweep_failed = 0, bare_failed = 0;
  for (int i = 0; i < runs; ++i) {
    const fs::path run_dir = tmp.path() / ("run" + std::to_string(i));
    const std::vector<BareCommand> cmds = PrepareBare(points, run_dir / "bare", bin);
    sweep::SweepOptions o;
    o.out_dir = (run_dir / "sweep").string();
    o.cssim_bin = bin;
    o.jobs = jobs;
    double sweep_wall = 0, bare_wall = 0;
    // Alternate which pass goes first, so that neither always meets a cold or a warm machine.
    for (int pass = 0; pass < 2; ++pass) {
      if ((pass == 0) == (i % 2 == 0)) {
        const double self0 = CpuSeconds(RUSAGE_SELF), children0 = CpuSeconds(RUSAGE_CHILDREN);
        const Clock::time_point start = Clock::now();
        const int rc = sweep::RunSweep(ex.manifest, o);
        sweep_wall = Seconds(start);
        // The sweep's own CPU (RunSweep runs in this process), which load elsewhere on the
        // machine does not inflate, against that of its points' processes.
        const double self = CpuSeconds(RUSAGE_SELF) - self0;
        const double children = CpuSeconds(RUSAGE_CHILDREN) - children0;
        self_cpus.push_back(self);
        cpu_shares.push_back(children > 0 ? self / children : 0);
        if (rc == sweep::kExitInterrupted) return rc;
        sweep_failed = 0;
        const sweep::Store store(o.out_dir + "/sweep.sqlite", ex.manifest.name,
                                 ex.manifest.columns);
        for (const auto& [id, done] : store.Statuses()) sweep_failed += done ? 0 : 1;
      } else {
        bare_wall = RunBare(cmds, jobs, &bare_failed);
      }
    }
    sweep_walls.push_back(sweep_wall);
    bare_walls.push_back(bare_wall);
    overheads.push_back(bare_wall > 0 ? sweep_wall / bare_wall - 1 : 0);
    fs::remove_all(run_dir, ec);
  }

  const double n = double(points.size());
  const double sweep_s = Median(sweep_walls), bare_s = Median(bare_walls);
  auto per_hour = [n](double s) { return s > 0 ? n * 3600 / s : 0; };
  std::cout << "cssim bench --sweep: " << ex.manifest.name << ", " << points.size()
            << (points.size() == 1 ? " point" : " points") << ", " << jobs
            << (jobs == 1 ? " job" : " jobs") << ", " << runs << (runs == 1 ? " run" : " runs")
            << " (medians)\n\n";
  auto row = [&](const char* what, double s) {
    std::cout << "  " << std::left << std::setw(34) << what << std::right << std::fixed
              << std::setprecision(2) << std::setw(9) << s << " s" << std::setprecision(0)
              << std::setw(11) << per_hour(s) << " points/hour\n";
  };
  row("sweep (local backend)", sweep_s);
  row("bare cssim run, back to back", bare_s);
  std::cout << "  " << std::left << std::setw(34) << "overhead (sweep / bare - 1)" << std::right
            << std::setw(11) << Percent(Median(overheads)) << "  (min "
            << Percent(*std::min_element(overheads.begin(), overheads.end())) << ", max "
            << Percent(*std::max_element(overheads.begin(), overheads.end())) << ")\n"
            << "  " << std::left << std::setw(34) << "sweep process's own CPU" << std::right
            << std::setprecision(2) << std::setw(9) << Median(self_cpus) << " s"
            << std::setprecision(1) << std::setw(11) << 100 * Median(cpu_shares)
            << " % of its points' CPU\n"
            << "  failed points (last run): " << sweep_failed << " in the sweep, " << bare_failed
            << " bare" << std::endl;
  return kExitOk;
}

}  // namespace cssim
