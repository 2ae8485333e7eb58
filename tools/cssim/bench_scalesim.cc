// cssim bench --scalesim DIR: wall time of one SCALE-Sim topology in cssim against SCALE-Sim v2
// itself (a checkout at DIR, run as `python3 -m scalesim.scale` with Debian's numpy, pandas,
// absl and tqdm) on the same layers and config, and the two cycle counts (docs/import.md).
#include "tools/cssim/bench_scalesim.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/base/text.h"
#include "model/report/results.h"
#include "model/report/scalesim.h"
#include "model/top/run.h"
#include "tools/cssim/cli.h"
#include "tools/cssim/commands.h"

namespace cssim {
namespace {

namespace fs = std::filesystem;

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The sum of the Total Cycles column of every COMPUTE_REPORT.csv SCALE-Sim wrote under `dir`.
int64_t ScaleSimTotalCycles(const fs::path& dir) {
  int64_t total = 0;
  bool found = false;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().filename() != "COMPUTE_REPORT.csv") continue;
    found = true;
    std::ifstream f(e.path());
    std::string line;
    std::getline(f, line);  // header
    while (std::getline(f, line)) {
      std::istringstream row(line);
      std::string id, cycles;
      if (std::getline(row, id, ',') && std::getline(row, cycles, ',')) total += std::stoll(cycles);
    }
  }
  if (!found) throw SimError("bench: SCALE-Sim wrote no COMPUTE_REPORT.csv under " + dir.string());
  return total;
}

}  // namespace

int BenchScaleSim(const ArchSpec& arch, const Workload& workload, const EnergyTable& table,
                  int runs, bool check, const ScaleSimBench& ss) {
  for (const auto& [key, path] : {std::pair<std::string, std::string>{"--scalesim", ss.dir},
                                  {"--scalesim-topology", ss.topology},
                                  {"--scalesim-config", ss.config}})
    if (path.empty() || !fs::exists(path))
      throw InputError("", key, "'" + path + "' does not exist",
                       "a SCALE-Sim v2 checkout, its topology CSV and its .cfg");
  if (!fs::exists(fs::path(ss.dir) / "scalesim" / "scale.py"))
    throw InputError("", "--scalesim", ss.dir + " has no scalesim/scale.py",
                     "a SCALE-Sim v2 checkout (github.com/scalesim-project/scale-sim-v2)");
  const char* py = std::getenv("CSSIM_PYTHON");
  const std::string python = py && *py ? py : "/usr/bin/python3";

  std::vector<double> cssim_walls, scalesim_walls;
  RunResult last;
  RunOptions options;
  options.kernel = Kernel::kDirect;
  options.check = check;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    last = Run(arch, workload, table, options);
    cssim_walls.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  int64_t scalesim_cycles = 0;
  for (int i = 0; i < runs; ++i) {
    const RemoveTreeOnExit out(MakeTempDir("cssim-scalesim"));
    const std::string cmd = "cd " + Quote(fs::absolute(ss.dir).string()) + " && " + Quote(python) +
                            " -m scalesim.scale -t " + Quote(fs::absolute(ss.topology).string()) +
                            " -c " + Quote(fs::absolute(ss.config).string()) + " -p " +
                            Quote(out.path().string()) + " >/dev/null 2>&1";
    const auto start = std::chrono::steady_clock::now();
    const int rc = std::system(cmd.c_str());
    scalesim_walls.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (rc != 0)
      throw InputError("", "--scalesim",
                       "SCALE-Sim failed (exit " + std::to_string(rc) + ") running: " + cmd,
                       "a checkout that runs with " + python);
    scalesim_cycles = ScaleSimTotalCycles(out.path());
  }
  int64_t convention = 0;
  for (const Layer& l : workload.layers) {
    const ScaleSimLayer s = ScaleSimConvention(l, arch.array);
    if (s.applies) convention += s.compute_cycles;
  }
  const double c = Median(cssim_walls), s = Median(scalesim_walls);
  std::cout << "cssim bench --scalesim: " << workload.name << " on " << arch.name << ", " << runs
            << " runs each (median wall seconds; cssim: direct kernel, output check "
            << (check ? "on" : "off") << ")\n\n"
            << std::fixed << std::setprecision(4) << "  cssim                 " << std::setw(10)
            << c << " s   " << Grouped(last.cycles) << " cycles (DRAM, GLB and buses included)\n"
            << "  SCALE-Sim v2          " << std::setw(10) << s << " s   "
            << Grouped(uint64_t(scalesim_cycles)) << " cycles (its COMPUTE_REPORT Total Cycles)\n"
            << "  cssim's SCALE-Sim convention       " << Grouped(uint64_t(convention)) << " cycles"
            << (convention == scalesim_cycles ? " (equal)" : " (DIFFERENT)") << "\n"
            << std::setprecision(1) << "  speed ratio           " << std::setw(10)
            << (c > 0 ? s / c : 0) << "x\n";
  return convention == scalesim_cycles ? kExitOk : kExitSim;
}

}  // namespace cssim
