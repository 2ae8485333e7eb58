// cssim bench: simulation speed (wall clock around Run, each run in a fresh process) of both
// kernels on the built-in architectures, of the default job, or of co-simulation (--cosim);
// --sweep, the cost of the sweep machinery, is bench_sweep.cc.
#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/base/progress.h"
#include "model/config/config.h"
#include "model/cosim/factory.h"
#include "model/top/run.h"
#include "tools/cssim/bench_scalesim.h"
#include "tools/cssim/cli.h"
#include "tools/cssim/commands.h"
#include "tools/cssim/cosim.h"

namespace cssim {
namespace {

namespace po = boost::program_options;

// One timed bench run: "<cycles> <pe_count> <wall s>" from the child.
struct Sample {
  int exit_code = kExitOk;
  std::string error;
  Cycle cycles = 0;
  int64_t pe_count = 0;
  double wall_s = 0;
};

Sample TimedRunInChild(const ArchSpec& arch, const Workload& workload, const EnergyTable& table,
                       const RunOptions& options) {
  const ChildResult c = InChild([&] {
    const auto start = std::chrono::steady_clock::now();
    const RunResult r = Run(arch, workload, table, options);
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
    std::ostringstream msg;
    msg.precision(17);
    msg << r.cycles << " " << r.pe_count << " " << wall.count();
    return msg.str();
  });
  Sample s;
  s.exit_code = c.exit_code;
  if (c.exit_code != kExitOk) {
    s.error = c.text;
    return s;
  }
  std::istringstream is(c.text);
  if (!(is >> s.cycles >> s.pe_count >> s.wall_s)) {
    s.exit_code = kExitSim;
    s.error = "bench: unreadable child report '" + c.text + "'";
  }
  return s;
}

// Wall time of the default job: each mode's run in a fresh process as `cssim run` does, plus
// the job as a whole (forks, loading, the three runs).
int BenchDefaultJob(int runs) {
  const ArchSpec arch = LoadArch("default");
  const EnergyTable table = LoadEnergyTable("45nm");
  std::vector<Workload> workloads;
  for (const Job& job : kComparison) workloads.push_back(LoadWorkload(job.workload));
  std::vector<std::vector<double>> per_mode(workloads.size());
  std::vector<double> totals;
  Progress progress("cssim bench", runs * int(workloads.size()), StderrProgress("runs", false));
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    for (size_t j = 0; j < workloads.size(); ++j) {
      RunOptions options;
      options.mode = kComparison[j].mode;
      const Sample s = TimedRunInChild(arch, workloads[j], table, options);
      if (s.exit_code == kExitInput) return ReportInputError(s.error);
      if (s.exit_code != kExitOk) return ReportSimError(s.error);
      per_mode[j].push_back(s.wall_s);
      progress.Done(true);
    }
    totals.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  progress.Finish();
  std::cout << "cssim bench: the default job, " << runs << " runs (median wall seconds)\n\n";
  for (size_t j = 0; j < workloads.size(); ++j)
    std::cout << "  " << std::left << std::setw(14) << ModeName(kComparison[j].mode)
              << std::setw(14) << workloads[j].name << std::right << std::setprecision(3)
              << std::setw(8) << Median(per_mode[j]) << " s\n";
  std::cout << "  " << std::left << std::setw(28) << "whole job" << std::right
            << std::setprecision(3) << std::setw(8) << Median(totals) << " s  (min "
            << *std::min_element(totals.begin(), totals.end()) << ", max "
            << *std::max_element(totals.begin(), totals.end()) << ")" << std::endl;
  return kExitOk;
}

}  // namespace

int BenchCommand(const std::vector<std::string>& args) {
  if (std::find(args.begin(), args.end(), "--sweep") != args.end())
    return BenchSweepCommand(args);  // bench_sweep.cc, with options of its own
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("runs", po::value<int>()->default_value(5),
                                                 "timed runs per arch and kernel")(
      "arch",
      po::value<std::vector<std::string>>()->composing()->default_value({"default", "eyeriss-like"},
                                                                        "default eyeriss-like"),
      "architecture (repeat the option for several)")(
      "kernel",
      po::value<std::vector<std::string>>()->composing()->default_value({"systemc", "direct"},
                                                                        "systemc direct"),
      "clock loop: systemc, direct (repeat for several)")(
      "workload", po::value<std::string>()->default_value("gsc-dense"), "workload")(
      "energy", po::value<std::string>()->default_value("45nm"), "energy table")(
      "check", po::bool_switch(),
      "also compare outputs with the reference model (off: time the simulator alone)")(
      "default-job", po::bool_switch(),
      "time the default job instead ('cssim run' with no arguments: the three-mode GSC "
      "comparison, SystemC kernel, outputs checked), wall clock of the whole job per run")(
      "cosim", po::bool_switch(),
      "co-simulation speed instead: simulated cycles/s with --impl model, rtl and both, for "
      "each RTL block's regression harness (seed 1) and the GSC workloads")(
      "scalesim", po::value<std::string>(),
      "SCALE-Sim v2 checkout: time --arch (the first) and --workload in cssim (direct kernel) "
      "against SCALE-Sim on --scalesim-topology and --scalesim-config, the same layers and "
      "array (docs/import.md)")("scalesim-topology", po::value<std::string>(),
                                "with --scalesim: SCALE-Sim's topology CSV")(
      "scalesim-config", po::value<std::string>(), "with --scalesim: SCALE-Sim's .cfg")(
      "sweep", po::bool_switch(),
      "the sweep machinery's cost instead: 'cssim bench --sweep [SPEC] [-j N] [--runs R]' "
      "(see 'cssim bench --sweep --help')");
  const po::variables_map vm = Parse(args, desc, "bench");
  if (WantsHelp(vm,
                "usage: cssim bench [options]\n\nTimes whole simulations (wall clock around "
                "Run, each in a fresh process) and reports simulation speed.",
                desc))
    return kExitOk;

  const int runs = vm["runs"].as<int>();
  if (runs < 1 || runs > 1000)
    throw InputError("", "--runs", std::to_string(runs) + " is out of range", "integer 1..1000");
  if (vm["default-job"].as<bool>()) return BenchDefaultJob(runs);
  if (vm["cosim"].as<bool>()) return BenchCosim(runs, RtlBlocks());
  std::vector<Kernel> kernels;
  for (const std::string& k : vm["kernel"].as<std::vector<std::string>>())
    kernels.push_back(ParseKernel(k));
  std::vector<ArchSpec> archs;
  for (const std::string& a : vm["arch"].as<std::vector<std::string>>())
    archs.push_back(LoadArch(a));
  const Workload workload = LoadWorkload(vm["workload"].as<std::string>());
  const EnergyTable table = LoadEnergyTable(vm["energy"].as<std::string>());
  if (vm.count("scalesim")) {
    const auto opt = [&](const char* key) {
      return vm.count(key) ? vm[key].as<std::string>() : std::string();
    };
    return BenchScaleSim(archs.front(), workload, table, runs, vm["check"].as<bool>(),
                         {opt("scalesim"), opt("scalesim-topology"), opt("scalesim-config")});
  }

  std::cout << "cssim bench: " << workload.name << ", " << runs << " runs per row, output check "
            << (vm["check"].as<bool>() ? "on" : "off") << "\n\n"
            << std::left << std::setw(16) << "arch" << std::setw(9) << "kernel" << std::right
            << std::setw(14) << "sim cycles" << std::setw(15) << "median wall s" << std::setw(15)
            << "sim cycles/s" << std::setw(15) << "PE-cycles/s" << std::setw(12) << "min wall s"
            << std::setw(12) << "max wall s" << std::endl;
  Progress progress("cssim bench", int(archs.size() * kernels.size()) * runs,
                    StderrProgress("runs", false));
  for (const ArchSpec& arch : archs) {
    Cycle expected = 0;  // every run of one arch, on either kernel, must take the same cycles
    for (Kernel kernel : kernels) {
      RunOptions options;
      options.kernel = kernel;
      options.check = vm["check"].as<bool>();
      std::vector<double> walls;
      Sample s;
      for (int i = 0; i < runs; ++i) {
        s = TimedRunInChild(arch, workload, table, options);
        if (s.exit_code == kExitInput) return ReportInputError(s.error);
        if (s.exit_code != kExitOk) return ReportSimError(s.error);
        if (expected == 0) expected = s.cycles;
        if (s.cycles != expected)
          return ReportSimError("bench: " + arch.name + " took " + std::to_string(s.cycles) +
                                " cycles on the " + KernelName(kernel) + " kernel, run " +
                                std::to_string(i + 1) + ", but " + std::to_string(expected) +
                                " before: runs must agree to the cycle");
        walls.push_back(s.wall_s);
        progress.Done(true);
      }
      std::sort(walls.begin(), walls.end());  // front and back are printed as min and max
      const double median = Median(walls);
      const double cycles_per_s = median > 0 ? double(s.cycles) / median : 0;
      progress.Clear();
      std::cout << std::left << std::setw(16) << arch.name << std::setw(9) << KernelName(kernel)
                << std::right << std::setw(14) << s.cycles << std::setprecision(4) << std::setw(15)
                << median << std::scientific << std::setprecision(3) << std::setw(15)
                << cycles_per_s << std::setw(15) << cycles_per_s * double(s.pe_count)
                << std::defaultfloat << std::setprecision(4) << std::setw(12) << walls.front()
                << std::setw(12) << walls.back() << std::endl;
    }
  }
  progress.Finish();
  return kExitOk;
}

}  // namespace cssim
