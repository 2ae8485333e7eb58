// cssim run: one arch x workload x energy table x mode (summary, and the result files with
// --out), the three-mode GSC comparison (neither --mode nor --workload), or full-chip runs
// (--chip). Runs with RTL twins, the comparison's modes and the chip runs each go to a child
// process (SystemC elaborates once per process).
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/base/progress.h"
#include "model/base/text.h"
#include "model/compile/compile.h"
#include "model/config/config.h"
#include "model/report/results.h"
#include "model/report/scalesim.h"
#include "model/top/run.h"
#include "tools/cssim/cli.h"
#include "tools/cssim/commands.h"
#include "tools/cssim/cosim.h"

namespace cssim {
namespace {

namespace po = boost::program_options;

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

Mode ParseMode(const std::string& s) {
  for (Mode m : {Mode::kDense, Mode::kSparseDense, Mode::kSparseSparse})
    if (s == ModeName(m)) return m;
  throw InputError("", "--mode", "unknown mode '" + s + "'", "dense, sparse-dense, sparse-sparse");
}

void AddRunOptions(po::options_description& desc) {
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
      "report", po::bool_switch(),
      "with --out: also write the HTML report (report.html, figures and tables in "
      "report-files/) into the --out directory, as cssim report would")(
      "scalesim-report", po::bool_switch(),
      "after the summary, print SCALE-Sim v2's compute cycles of every conv/linear layer on "
      "the same array beside cssim's (docs/import.md)")(
      "dump-program", po::bool_switch(),
      "print the compiled program (layer groups, tiles, DMA and compute commands) and exit");
}

// What the command line asks for, read and checked before anything is loaded or simulated.
struct Request {
  bool compare = false;  // neither --mode nor --workload: the three-mode comparison
  RunOptions options;
  bool has_seed = false;
  uint64_t seed = 0;
  std::string out;      // --out, or empty
  bool report = false;  // --report: the HTML report into `out` too
};

// --report: the report of the result files just written, into the same directory.
int WriteReport(const Request& req) {
  if (!req.report) return kExitOk;
  ReportRequest r;
  r.source = req.out;
  r.out = (std::filesystem::path(req.out) / "report.html").string();
  r.plots = DefaultPlotsDir(r.out);
  const int rc = MakeReport(r);
  if (rc == kExitOk) std::cout << "report written to " << r.out << std::endl;
  return rc;
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
      ours |= name == "report.html" || name == "report-files";
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
  RemoveTreeOnExit cleanup(stage);
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
    cleanup.Release();
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
      // The ops all instances have finished, on stderr (nothing for a run under 5 s).
      std::optional<Progress> progress;
      size_t counted = 0;
      const std::string label =
          "cssim run --chip " + chip.name + " " + workloads[i].name + " " + ModeName(options.mode);
      const ChipResult r =
          RunChip(arch, chip, workloads[i], table, options, [&](size_t done, size_t total) {
            if (!progress) progress.emplace(label, int(total), StderrProgress("ops", false));
            for (; counted < done; ++counted) progress->Done(true);
            progress->Tick();
          });
      if (progress) progress->Finish();
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

// Reads and checks the options. Every check that needs no simulation comes first, so that bad
// input fails at once and never leaves an --out directory behind.
Request ReadRequest(const po::variables_map& vm) {
  Request req;
  req.compare = !vm.count("mode") && !vm.count("workload");
  RunOptions& options = req.options;
  options.mode = vm.count("mode") ? ParseMode(vm["mode"].as<std::string>()) : Mode::kDense;
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
  req.has_seed = vm.count("seed") > 0;
  req.seed = req.has_seed ? ParseSeed(vm["seed"].as<std::string>()) : 0;
  req.out = vm.count("out") ? vm["out"].as<std::string>() : "";
  if (vm.count("chip") && vm.count("out"))
    throw InputError("", "--out", "is not available with --chip", "one of --chip, --out");
  if (vm.count("out")) (req.compare ? CheckComparisonDir : CheckOutDir)(req.out);
  req.report = vm["report"].as<bool>();
  if (req.report && req.out.empty())
    throw InputError("", "--report", "needs a directory to write into", "with --out DIR");
  if (req.report) CheckReportPython();
  return req;
}

// The workloads to run, seeded as asked: the comparison's three, or the one of --workload
// (default: gsc-dense in dense mode, gsc-sparse in the sparse modes).
std::vector<Workload> LoadWorkloads(const po::variables_map& vm, const Request& req) {
  std::vector<Workload> workloads;
  if (req.compare) {
    for (const Job& job : kComparison) workloads.push_back(LoadWorkload(job.workload));
  } else {
    const std::string default_workload =
        req.options.mode == Mode::kDense ? "gsc-dense" : "gsc-sparse";
    workloads.push_back(
        LoadWorkload(vm.count("workload") ? vm["workload"].as<std::string>() : default_workload));
  }
  if (req.has_seed)
    for (Workload& w : workloads) w.seed = req.seed;
  return workloads;
}

// The modes of LoadWorkloads' workloads, one each.
std::vector<Mode> Modes(const Request& req) {
  if (!req.compare) return {req.options.mode};
  std::vector<Mode> modes;
  for (const Job& job : kComparison) modes.push_back(job.mode);
  return modes;
}

// One run: the summary (and with --stats every counter), the result files with --out. With
// RTL twins the run goes to a child, so that a mismatch can be replayed with waves in another.
int RunOne(const po::variables_map& vm, const Request& req, const ArchSpec& arch,
           const Workload& workload, const EnergyTable& table) {
  const std::string area = vm.count("area") ? ReadAreaJson(vm["area"].as<std::string>()) : "";
  const RunOptions& options = req.options;
  auto run = [&] {
    RunResult result = Run(arch, workload, table, options);
    result.rtl_area_json = area;
    PrintSummary(std::cout, result);
    if (vm["stats"].as<bool>()) PrintCounters(std::cout, result);
    if (vm["scalesim-report"].as<bool>()) PrintScaleSimReport(std::cout, result);
    if (vm.count("out")) {
      WriteResults(req.out, result);
      std::cout << "\nresults written to " << req.out << "/ (stats.json, layers.csv, "
                << "config.resolved.yaml, COMPUTE_REPORT.csv)" << std::endl;
    }
  };
  if (options.impl == Impl::kModel) {
    run();
    return kExitOk;
  }
  const ChildResult c = InChild([&] {
    run();
    return std::string();
  });
  if (c.exit_code == kExitOk) return kExitOk;
  if (IsMismatch(c.text))
    return HandleMismatch(
        c.text,
        [&](const CosimOptions& waves) { Run(arch, workload, table, WithWaves(options, waves)); },
        req.out.empty() ? "cssim-mismatch" : req.out);
  return c.exit_code == kExitInput ? ReportInputError(c.text) : ReportSimError(c.text);
}

}  // namespace

int RunCommand(const std::vector<std::string>& args) {
  po::options_description desc("options");
  AddRunOptions(desc);
  const po::variables_map vm = Parse(args, desc, "run");
  if (WantsHelp(vm,
                "usage: cssim run [options]\n\nSimulates one arch x workload x energy table x "
                "mode, prints a summary and, with --out, writes the result files. With neither "
                "--mode nor --workload: the dense / sparse-dense / sparse-sparse GSC comparison.",
                desc))
    return kExitOk;

  const Request req = ReadRequest(vm);
  const ArchSpec arch = LoadArch(vm["arch"].as<std::string>());
  const EnergyTable table = LoadEnergyTable(vm["energy"].as<std::string>());
  if (vm.count("chip")) {
    const ChipSpec chip = LoadChip(vm["chip"].as<std::string>());
    return RunChips(arch, chip, table, LoadWorkloads(vm, req), Modes(req), req.options);
  }
  if (req.compare) {
    if (vm.count("area"))
      throw InputError("", "--area", "needs one run", "with --mode or --workload");
    if (vm["dump-program"].as<bool>())
      throw InputError("", "--dump-program", "needs one run", "with --mode or --workload");
    const int rc = RunComparison(arch, table, LoadWorkloads(vm, req), req.options, req.out,
                                 vm["stats"].as<bool>());
    return rc == kExitOk ? WriteReport(req) : rc;
  }
  const Workload workload = LoadWorkloads(vm, req).front();
  if (vm["dump-program"].as<bool>()) {
    DumpProgram(Compile(arch, workload, req.options.mode), std::cout);
    return kExitOk;
  }
  const int rc = RunOne(vm, req, arch, workload, table);
  return rc == kExitOk ? WriteReport(req) : rc;
}

}  // namespace cssim
