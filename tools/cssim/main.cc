// cssim: the command line.
//
//   cssim [run] [options]   simulate one arch x workload x energy table (the default command);
//                           without --mode and --workload, the dense / sparse-dense /
//                           sparse-sparse GSC comparison
//   cssim list              built-in architectures, workloads and energy tables
//   cssim list-params       every configuration key with type, unit, default and range
//   cssim bench [options]   simulation speed of both kernels on the built-in architectures
//
// Exit status: 0 success; 2 bad input (a one-line "cssim: error: ..." on stderr naming the file
// and key, or the option); 3 a simulation error (a cssim bug or an impossible schedule).
//
// libsystemc owns main() and calls sc_main() (declared extern "C" by <systemc>).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <systemc>
#include <vector>

#include "model/config/config.h"
#include "model/base/error.h"
#include "model/config/params.h"
#include "model/compile/compile.h"
#include "model/cosim/factory.h"
#include "model/report/results.h"
#include "model/top/run.h"
#include "tools/cssim/cli.h"
#include "tools/cssim/cosim.h"

namespace cssim {
namespace {

namespace po = boost::program_options;

// SystemC prints its banner before sc_main runs, so the variable must be set during static
// initialisation of this program, which happens before libsystemc's main().
const bool kQuietSystemC = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1) == 0;

uint64_t ParseSeed(const std::string& s) {
  const std::string allowed = "an integer 0..18446744073709551615";
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
    throw InputError("", "--seed", "'" + s + "' is not a non-negative integer", allowed);
  try {
    return std::stoull(s);
  } catch (const std::out_of_range&) {
    throw InputError("", "--seed", "'" + s + "' is too large", allowed);
  }
}

Kernel ParseKernel(const std::string& s) {
  if (s == "systemc") return Kernel::kSystemC;
  if (s == "direct") return Kernel::kDirect;
  throw InputError("", "--kernel", "unknown kernel '" + s + "'", "systemc, direct");
}

const char* KernelName(Kernel k) { return k == Kernel::kSystemC ? "systemc" : "direct"; }

Mode ParseMode(const std::string& s) {
  for (Mode m : {Mode::kDense, Mode::kSparseDense, Mode::kSparseSparse})
    if (s == ModeName(m)) return m;
  throw InputError("", "--mode", "unknown mode '" + s + "'", "dense, sparse-dense, sparse-sparse");
}

// The default job: the dense GSC network on the PE array, and the sparse one on the CS
// datapath with dense and with sparse activations.
struct Job {
  std::string workload;
  Mode mode;
};
const Job kComparison[] = {{"gsc-dense", Mode::kDense},
                           {"gsc-sparse", Mode::kSparseDense},
                           {"gsc-sparse", Mode::kSparseSparse}};

void CheckComparisonDir(const std::string& dir);
int RunChips(const ArchSpec& arch, const ChipSpec& chip, const EnergyTable& table,
             const std::vector<Workload>& workloads, const std::vector<Mode>& modes,
             RunOptions options);
int RunComparison(const ArchSpec& arch, const EnergyTable& table,
                  const std::vector<Workload>& workloads, RunOptions options,
                  const std::string& out, bool stats);

int RunCommand(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")(
      "arch", po::value<std::string>()->default_value("default"),
      "architecture: a built-in name (cssim list) or a YAML file path")(
      "workload", po::value<std::string>(),
      "workload: a built-in name or a YAML file path (default: gsc-dense in dense mode, "
      "gsc-sparse in the sparse modes)")("energy", po::value<std::string>()->default_value("45nm"),
                                         "energy table: a built-in name or a YAML file path")(
      "mode", po::value<std::string>(),
      "dense (PE array), sparse-dense (CS engine, dense activations) or sparse-sparse (CS "
      "engine; k-WTA outputs feed the sparse-sparse unit). With neither --mode nor --workload, "
      "runs the three-mode GSC comparison")(
      "out", po::value<std::string>(),
      "write stats.json, layers.csv and config.resolved.yaml into this directory (the "
      "comparison: one subdirectory per mode)")(
      "seed", po::value<std::string>(),
      "seed of the generated weights and input (default: the workload's seed)")(
      "chip", po::value<std::string>(),
      "full chip: a budget (built-in name, cssim list, or YAML path); runs as many instances "
      "as fit, sharing the chip's DRAM, and reports full-chip inferences/s")(
      "kernel", po::value<std::string>()->default_value("systemc"),
      "clock loop: systemc or direct (both give the same cycles)")(
      "impl", po::value<std::string>()->default_value("model"),
      "blocks with RTL twins run as: model (C++), rtl (the Verilated RTL) or both (lockstep, "
      "every transaction and counter compared; the first mismatch exits 4 and writes an FST "
      "waveform of its window into --out, or ./cssim-mismatch)")(
      "inject", po::value<std::string>(),
      "with --impl both: a fault in the RTL path, KIND:BLOCK:PORT:N (KIND flip|delay|drop, e.g. "
      "flip:array:out:3), to see the scoreboard catch it")(
      "area", po::value<std::string>(),
      "include the RTL blocks' synthesized area (the JSON of tools/rtl-area --json FILE) in "
      "stats.json as rtl_area")("no-check", po::bool_switch(),
                                "skip the bit-exact comparison with the reference model")(
      "stats", po::bool_switch(), "after the summary, print every non-zero counter")(
      "dump-program", po::bool_switch(),
      "print the compiled program (layer groups, tiles, DMA and compute commands) and exit");
  const po::variables_map vm = Parse(args, desc, "run");
  if (WantsHelp(vm,
                "usage: cssim run [options]\n\nSimulates one arch x workload x energy table x "
                "mode, prints a summary and, with --out, writes the result files. With neither "
                "--mode nor --workload: the dense / sparse-dense / sparse-sparse GSC comparison.",
                desc))
    return kExitOk;

  // Every check that needs no simulation comes first, so that bad input fails at once and
  // never leaves an --out directory behind.
  const bool compare = !vm.count("mode") && !vm.count("workload");
  const Mode mode = vm.count("mode") ? ParseMode(vm["mode"].as<std::string>()) : Mode::kDense;
  RunOptions options;
  options.mode = mode;
  options.kernel = ParseKernel(vm["kernel"].as<std::string>());
  options.check = !vm["no-check"].as<bool>();
  options.impl = ParseImpl(vm["impl"].as<std::string>());
  if (options.impl != Impl::kModel && options.kernel != Kernel::kSystemC)
    throw InputError("", "--impl",
                     std::string(ImplName(options.impl)) + " needs the SystemC kernel",
                     "--kernel systemc");
  if (vm.count("inject")) {
    if (options.impl != Impl::kBoth)
      throw InputError("", "--inject", "needs a scoreboard", "with --impl both");
    options.cosim.fault = ParseFault(vm["inject"].as<std::string>());
  }
  const bool has_seed = vm.count("seed") > 0;
  const uint64_t seed = has_seed ? ParseSeed(vm["seed"].as<std::string>()) : 0;
  const std::string out = vm.count("out") ? vm["out"].as<std::string>() : "";
  if (vm.count("chip") && vm.count("out"))
    throw InputError("", "--out", "is not available with --chip", "one of --chip, --out");
  if (vm.count("out")) (compare ? CheckComparisonDir : CheckOutDir)(out);
  const ArchSpec arch = LoadArch(vm["arch"].as<std::string>());
  const EnergyTable table = LoadEnergyTable(vm["energy"].as<std::string>());
  if (vm.count("chip")) {
    const ChipSpec chip = LoadChip(vm["chip"].as<std::string>());
    std::vector<Workload> workloads;
    std::vector<Mode> modes;
    if (compare) {
      for (const Job& job : kComparison) {
        workloads.push_back(LoadWorkload(job.workload));
        modes.push_back(job.mode);
      }
    } else {
      workloads.push_back(LoadWorkload(vm.count("workload")   ? vm["workload"].as<std::string>()
                                       : mode == Mode::kDense ? "gsc-dense"
                                                              : "gsc-sparse"));
      modes.push_back(mode);
    }
    if (has_seed)
      for (Workload& w : workloads) w.seed = seed;
    return RunChips(arch, chip, table, workloads, modes, options);
  }
  if (compare) {
    if (vm.count("area"))
      throw InputError("", "--area", "needs one run", "with --mode or --workload");
    if (vm["dump-program"].as<bool>())
      throw InputError("", "--dump-program", "needs one run", "with --mode or --workload");
    std::vector<Workload> workloads;
    for (const Job& job : kComparison) {
      workloads.push_back(LoadWorkload(job.workload));
      if (has_seed) workloads.back().seed = seed;
    }
    return RunComparison(arch, table, workloads, options, vm.count("out") ? out : "",
                         vm["stats"].as<bool>());
  }
  const std::string default_workload = mode == Mode::kDense ? "gsc-dense" : "gsc-sparse";
  Workload workload =
      LoadWorkload(vm.count("workload") ? vm["workload"].as<std::string>() : default_workload);
  if (has_seed) workload.seed = seed;
  if (vm["dump-program"].as<bool>()) {
    DumpProgram(Compile(arch, workload, mode), std::cout);
    return kExitOk;
  }

  const std::string area = vm.count("area") ? ReadAreaJson(vm["area"].as<std::string>()) : "";
  auto run = [&] {
    RunResult result = Run(arch, workload, table, options);
    result.rtl_area_json = area;
    PrintSummary(std::cout, result);
    if (vm["stats"].as<bool>()) PrintCounters(std::cout, result);
    if (vm.count("out")) {
      WriteResults(out, result);
      std::cout << "\nresults written to " << out << "/ (stats.json, layers.csv, "
                << "config.resolved.yaml)" << std::endl;
    }
  };
  if (options.impl == Impl::kModel) {
    run();
    return kExitOk;
  }
  // With RTL twins the run goes to a child, so that a mismatch can be replayed with waves in
  // another (SystemC elaborates once per process).
  const ChildResult c = InChild([&] {
    run();
    return std::string();
  });
  if (c.exit_code == kExitOk) return kExitOk;
  if (IsMismatch(c.text))
    return HandleMismatch(
        c.text,
        [&](const CosimOptions& waves) { Run(arch, workload, table, WithWaves(options, waves)); },
        out.empty() ? "cssim-mismatch" : out);
  return c.exit_code == kExitInput ? ReportInputError(c.text) : ReportSimError(c.text);
}

// Keeps `list` to one short line per entry.
std::string Abbreviate(const std::string& s) {
  constexpr size_t kMax = 72;
  const std::string line = s.substr(0, s.find('\n'));
  return line.size() <= kMax ? line : line.substr(0, kMax - 3) + "...";
}

int ListCommand(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help");
  const po::variables_map vm = Parse(args, desc, "list");
  if (WantsHelp(vm,
                "usage: cssim list\n\nLists the built-in architectures, workloads and "
                "energy tables (files under " +
                    DataDir() + ").",
                desc))
    return kExitOk;

  std::cout << "architectures (--arch NAME, or a YAML file path)\n";
  for (const std::string& name : BuiltinNames("arch")) {
    const ArchSpec a = LoadArch(name);
    std::cout << "  " << std::left << std::setw(16) << name << a.array.rows << "x" << a.array.cols
              << " PEs (" << DataflowName(a.array.dataflow) << "), GLB " << a.glb.size_kib
              << " KiB, " << a.clock_mhz << " MHz, DRAM " << a.dram.preset << " x"
              << a.dram.channels << "\n";
  }
  std::cout << "\nworkloads (--workload NAME, or a YAML file path)\n";
  for (const std::string& name : BuiltinNames("workload")) {
    const Workload w = LoadWorkload(name);
    std::cout << "  " << std::left << std::setw(16) << name << w.layers.size() << " layers, "
              << Grouped(uint64_t(w.macs())) << " MACs, input " << w.input.c << "x" << w.input.h
              << "x" << w.input.w << "\n";
  }
  std::cout << "\nchip budgets (--chip NAME, or a YAML file path)\n";
  for (const std::string& name : BuiltinNames("chip")) {
    const ChipSpec c = LoadChip(name);
    std::cout << "  " << std::left << std::setw(16) << name << Grouped(uint64_t(c.multipliers))
              << " multipliers, " << Grouped(uint64_t(c.sram_kib)) << " KiB SRAM, DRAM "
              << c.dram.preset << " x" << c.dram.channels << "\n";
  }
  std::cout << "\nenergy tables (--energy NAME, or a YAML file path)\n";
  for (const std::string& name : BuiltinNames("energy")) {
    const EnergyTable t = LoadEnergyTable(name);
    std::cout << "  " << std::left << std::setw(16) << name << "[" << t.unit << "] "
              << Abbreviate(t.description) << "\n";
  }
  return kExitOk;
}

int ListParamsCommand(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help");
  const po::variables_map vm = Parse(args, desc, "list-params");
  if (WantsHelp(vm,
                "usage: cssim list-params\n\nPrints every key of the arch, workload and "
                "energy YAML files: type, unit, default, allowed range, description.",
                desc))
    return kExitOk;
  PrintParams(std::cout);
  return kExitOk;
}

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

// A comparison directory holds one result directory per mode and nothing else.
void CheckComparisonDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path out = dir.empty() ? fs::path(".") : fs::path(dir);
  if (fs::exists(out, ec) && fs::is_directory(out, ec)) {
    for (const fs::directory_entry& e : fs::directory_iterator(out, ec)) {
      const std::string name = e.path().filename().string();
      bool ours = false;
      for (const Job& job : kComparison) ours |= name == ModeName(job.mode);
      if (!ours)
        throw InputError("", "--out",
                         "'" + dir + "' holds '" + name +
                             "', which cssim did not write; not "
                             "replacing it",
                         "a new path or an earlier cssim comparison directory");
    }
    for (const Job& job : kComparison) CheckOutDir((out / ModeName(job.mode)).string());
    return;
  }
  CheckOutDir(dir);
}

// The default job: each mode simulated in its own process, the result directories staged in
// <out>.tmp-<pid> and moved into place only when every run has succeeded.
int RunComparison(const ArchSpec& arch, const EnergyTable& table,
                  const std::vector<Workload>& workloads, RunOptions options,
                  const std::string& out, bool stats) {
  namespace fs = std::filesystem;
  const fs::path stage =
      out.empty() ? fs::path() : fs::path(out + ".tmp-" + std::to_string(getpid()));
  std::error_code ec;
  if (!out.empty()) fs::remove_all(stage, ec);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code e;
      if (!p.empty()) fs::remove_all(p, e);
    }
  } cleanup{stage};
  std::vector<RunResult> rows;
  for (size_t i = 0; i < workloads.size(); ++i) {
    options.mode = kComparison[i].mode;
    const ChildResult c = InChild([&] {
      const RunResult r = Run(arch, workloads[i], table, options);
      if (stats) {
        std::cout << "\n" << r.workload.name << " (" << r.mode << ")";
        PrintCounters(std::cout, r);
      }
      if (!out.empty()) WriteResults((stage / r.mode).string(), r);
      std::ostringstream m;
      m.precision(17);
      m << r.cycles << ' ' << r.inferences_per_s << ' ' << r.energy.total_pj << ' '
        << r.mac_utilization << ' ' << r.packing_efficiency << ' ' << r.output_check;
      return m.str();
    });
    if (c.exit_code == kExitInput) return ReportInputError(c.text);
    if (IsMismatch(c.text))
      return HandleMismatch(
          c.text,
          [&](const CosimOptions& waves) {
            Run(arch, workloads[i], table, WithWaves(options, waves));
          },
          out.empty() ? "cssim-mismatch" : out);
    if (c.exit_code != kExitOk) return ReportSimError(c.text);
    RunResult r;
    r.arch = arch;
    r.workload = workloads[i];
    r.energy_table = table;
    r.mode = ModeName(options.mode);
    std::istringstream is(c.text);
    if (!(is >> r.cycles >> r.inferences_per_s >> r.energy.total_pj >> r.mac_utilization >>
          r.packing_efficiency >> r.output_check))
      return ReportSimError("unreadable child report '" + c.text + "'");
    rows.push_back(std::move(r));
  }
  PrintComparison(std::cout, rows);
  if (!out.empty()) {
    const fs::path dst = out;
    fs::path old = dst;
    old += ".old-" + std::to_string(getpid());
    const bool had = fs::exists(dst, ec);
    if (had) fs::rename(dst, old, ec);
    if (!ec) fs::rename(stage, dst, ec);
    if (ec) {
      if (had) fs::rename(old, dst, ec);
      return ReportInputError("--out: cannot move the results into '" + out + "'");
    }
    fs::remove_all(old, ec);
    cleanup.p.clear();
    std::cout << "\nresults written to " << out << "/{dense,sparse-dense,sparse-sparse}/"
              << std::endl;
  }
  return kExitOk;
}

// Full-chip runs, each in its own process.
int RunChips(const ArchSpec& arch, const ChipSpec& chip, const EnergyTable& table,
             const std::vector<Workload>& workloads, const std::vector<Mode>& modes,
             RunOptions options) {
  std::vector<ChipResult> rows;
  for (size_t i = 0; i < workloads.size(); ++i) {
    options.mode = modes[i];
    const ChildResult c = InChild([&] {
      const ChipResult r = RunChip(arch, chip, workloads[i], table, options);
      std::ostringstream m;
      m.precision(17);
      m << r.needs.multipliers << ' ' << r.needs.sram_bytes << ' ' << r.fit.instances << ' '
        << r.fit.limit << ' ' << r.cycles << ' ' << r.inferences_per_s << ' ' << r.energy.total_pj
        << ' ' << r.output_check;
      return m.str();
    });
    if (c.exit_code == kExitInput) return ReportInputError(c.text);
    if (c.exit_code != kExitOk) return ReportSimError(c.text);
    ChipResult r;
    r.chip = chip;
    r.mode = ModeName(modes[i]);
    r.workload = workloads[i].name;
    std::istringstream is(c.text);
    if (!(is >> r.needs.multipliers >> r.needs.sram_bytes >> r.fit.instances >> r.fit.limit >>
          r.cycles >> r.inferences_per_s >> r.energy.total_pj >> r.output_check))
      return ReportSimError("unreadable child report '" + c.text + "'");
    rows.push_back(std::move(r));
  }
  PrintChipComparison(std::cout, arch, table, rows);
  return kExitOk;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
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
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    for (size_t j = 0; j < workloads.size(); ++j) {
      RunOptions options;
      options.mode = kComparison[j].mode;
      const Sample s = TimedRunInChild(arch, workloads[j], table, options);
      if (s.exit_code == kExitInput) return ReportInputError(s.error);
      if (s.exit_code != kExitOk) return ReportSimError(s.error);
      per_mode[j].push_back(s.wall_s);
    }
    totals.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
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

int BenchCommand(const std::vector<std::string>& args) {
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
      "each RTL block's regression harness (seed 1) and the GSC workloads");
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

  std::cout << "cssim bench: " << workload.name << ", " << runs << " runs per row, output check "
            << (vm["check"].as<bool>() ? "on" : "off") << "\n\n"
            << std::left << std::setw(16) << "arch" << std::setw(9) << "kernel" << std::right
            << std::setw(14) << "sim cycles" << std::setw(15) << "median wall s" << std::setw(15)
            << "sim cycles/s" << std::setw(15) << "PE-cycles/s" << std::setw(12) << "min wall s"
            << std::setw(12) << "max wall s" << std::endl;
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
      }
      std::sort(walls.begin(), walls.end());  // front and back are printed as min and max
      const double median = Median(walls);
      const double cycles_per_s = median > 0 ? double(s.cycles) / median : 0;
      std::cout << std::left << std::setw(16) << arch.name << std::setw(9) << KernelName(kernel)
                << std::right << std::setw(14) << s.cycles << std::setprecision(4) << std::setw(15)
                << median << std::scientific << std::setprecision(3) << std::setw(15)
                << cycles_per_s << std::setw(15) << cycles_per_s * double(s.pe_count)
                << std::defaultfloat << std::setprecision(4) << std::setw(12) << walls.front()
                << std::setw(12) << walls.back() << std::endl;
    }
  }
  return kExitOk;
}

struct Command {
  const char* name;
  const char* summary;
  int (*main)(const std::vector<std::string>& args);
};

const Command kCommands[] = {
    {"run", "simulate one arch x workload x energy table (the default command)", RunCommand},
    {"list", "list the built-in architectures, workloads and energy tables", ListCommand},
    {"list-params", "print every configuration key with its unit, default and range",
     ListParamsCommand},
    {"bench", "measure simulation speed on the built-in architectures", BenchCommand},
    {"regress", "run every RTL block against its model in lockstep (co-simulation)",
     RegressCommand},
};

std::string CommandNames() {
  std::string names;
  for (const Command& c : kCommands) names += (names.empty() ? "" : ", ") + std::string(c.name);
  return names;
}

void PrintUsage() {
  std::cout << "usage: cssim [COMMAND] [OPTIONS]\n\n"
               "cssim simulates a DNN accelerator cycle by cycle and reports cycles, MAC\n"
               "utilisation and energy. Without a command it runs 'cssim run'.\n\ncommands:\n";
  for (const Command& c : kCommands)
    std::cout << "  " << std::left << std::setw(13) << c.name << c.summary << "\n";
  std::cout << "\n'cssim COMMAND --help' shows the options of a command.\n";
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    PrintUsage();
    return kExitOk;
  }
  const Command* command = &kCommands[0];  // no command word: run
  if (!args.empty() && args[0].rfind("-", 0) != 0) {
    const auto it = std::find_if(std::begin(kCommands), std::end(kCommands),
                                 [&](const Command& c) { return args[0] == c.name; });
    if (it == std::end(kCommands))
      return ReportInputError("unknown command '" + args[0] + "'; allowed: " + CommandNames());
    command = it;
    args.erase(args.begin());
  }
  try {
    return command->main(args);
  } catch (const InputError& e) {
    return ReportInputError(e.what());
  } catch (const po::error& e) {
    return ReportInputError(std::string(e.what()) + " (see 'cssim " + command->name + " --help')");
  } catch (const SimError& e) {
    return ReportSimError(e.what());
  } catch (const std::exception& e) {
    std::cerr << "cssim: internal error: " << OneLine(e.what()) << std::endl;
    return kExitSim;
  }
}

}  // namespace
}  // namespace cssim

int sc_main(int argc, char** argv) { return cssim::Main(argc, argv); }
