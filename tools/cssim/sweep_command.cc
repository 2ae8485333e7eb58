// cssim sweep SPEC: expands a sweep spec (model/sweep/spec.h) into its points and, with
// --dry-run, prints them; otherwise hands them to the local runner (model/sweep/point.h,
// RunSweep) or, with --backend slurm, submits them to Slurm (model/sweep/slurm.h).
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/sweep/point.h"
#include "model/sweep/slurm.h"
#include "model/sweep/spec.h"
#include "tools/cssim/cli.h"
#include "tools/cssim/commands.h"
#include "tools/cssim/cosim.h"

namespace cssim {
namespace {

namespace po = boost::program_options;

int64_t ParseCount(const std::string& option, const std::string& s, int64_t max,
                   const std::string& allowed) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
    throw InputError("", option, "'" + s + "' is not a positive integer", allowed);
  errno = 0;
  const unsigned long long v = std::strtoull(s.c_str(), nullptr, 10);
  if (errno == ERANGE || v == 0 || v > uint64_t(max))
    throw InputError("", option, s + " is out of range", allowed);
  return int64_t(v);
}

double ParseSeconds(const std::string& s) {
  const std::string allowed = "a number of seconds > 0";
  char* end = nullptr;
  const double v = s.empty() ? 0 : std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !std::isfinite(v))
    throw InputError("", "--timeout", "'" + s + "' is not a number", allowed);
  if (v <= 0) throw InputError("", "--timeout", s + " is out of range", allowed);
  return v;
}

void PrintDryRun(std::ostream& os, const sweep::Expansion& ex) {
  const sweep::SweepManifest& m = ex.manifest;
  std::string columns;
  for (const std::string& c : m.columns) columns += (columns.empty() ? "" : ", ") + c;
  os << "sweep " << m.name << ": " << m.points.size()
     << (m.points.size() == 1 ? " point" : " points")
     << "; columns: " << (columns.empty() ? "(none)" : columns) << "\n";
  if (!ex.duplicates.empty()) {
    os << ex.duplicates.size() << " of " << ex.expanded
       << " expanded points dropped as duplicates (the same resolved configs, mode and seed as "
          "an earlier point):";
    for (const sweep::Duplicate& d : ex.duplicates)
      os << " #" << d.position << " = point " << d.kept;
    os << "\n";
  }
  const int width = int(std::to_string(m.points.empty() ? 0 : m.points.size() - 1).size());
  for (const sweep::SweepPoint& p : m.points) {
    os << std::right << std::setw(width) << p.index << "  " << p.id << "  " << std::left
       << std::setw(13) << p.mode;
    for (const auto& [key, value] : p.values)
      if (key != "mode") os << " " << key << "=" << value;
    os << "\n";
  }
}

}  // namespace

int SweepCommand(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "export")
    return SweepExportCommand({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "pareto")
    return SweepParetoCommand({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "status")
    return SweepStatusCommand({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "task") return SweepTaskCommand({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "collect")
    return SweepCollectCommand({args.begin() + 1, args.end()});
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")(
      "dry-run", po::bool_switch(), "print the points (index, id, mode, swept values) and exit")(
      "out", po::value<std::string>(),
      "the sweep's directory: sweep.sqlite and points/<id>/ (default: sweep-<name>)")(
      "jobs,j", po::value<std::string>(), "simulations at a time (default: the machine's cores)")(
      "timeout", po::value<std::string>(), "per point, wall seconds (default: none)")(
      "mem-limit", po::value<std::string>(), "per point, address space in MiB (default: none)")(
      "retry-failed", po::bool_switch(), "also re-run the points recorded as failed")(
      "area", po::value<std::string>(),
      "every point's stats.json includes this RTL area (tools/rtl-area --json FILE); the points "
      "table's rtl_transistors comes from it")("backend", po::value<std::string>(),
                                               "local (default) or slurm (one job array)")(
      "per-task", po::value<std::string>(), "slurm: points per array task (default: 1)")(
      "throttle", po::value<std::string>(),
      "slurm: array tasks running at a time (default: no limit)")(
      "partition", po::value<std::string>(), "slurm: the partition (default: the cluster's)")(
      "wait", po::bool_switch(), "slurm: return when the collect job has ended");
  const po::variables_map vm = Parse(args, desc, "sweep", "SPEC");
  if (WantsHelp(vm,
                "usage: cssim sweep SPEC [options]\n       cssim sweep export DIR --csv [-o "
                "FILE]\n       "
                "cssim sweep pareto DIR --metric M[:min|:max] --metric ... [--csv] [-o "
                "FILE]\n       cssim sweep status DIR\n\nExpands the sweep spec SPEC (a YAML file: "
                "base arch, workload, energy table, modes and axes; README, \"Sweeps\") into its "
                "points, each with a stable id, and runs those not yet done.",
                desc))
    return kExitOk;
  if (!vm.count("spec"))
    throw InputError("", "SPEC", "missing", "a sweep spec file (see 'cssim sweep --help')");

  sweep::SweepOptions options;
  if (vm.count("jobs"))
    options.jobs = int(ParseCount("-j", vm["jobs"].as<std::string>(), kMaxJobs,
                                  "an integer 1.." + std::to_string(kMaxJobs)));
  if (vm.count("timeout")) options.timeout_s = ParseSeconds(vm["timeout"].as<std::string>());
  if (vm.count("mem-limit"))
    options.mem_limit_mib = ParseCount("--mem-limit", vm["mem-limit"].as<std::string>(),
                                       int64_t(1) << 40, "an integer 1..1099511627776 (MiB)");
  options.retry_failed = vm["retry-failed"].as<bool>();
  if (vm.count("area")) {
    ReadAreaJson(vm["area"].as<std::string>());  // the same checks as cssim run --area, now
    options.area_file = std::filesystem::absolute(vm["area"].as<std::string>()).string();
  }
  const std::string backend = vm.count("backend") ? vm["backend"].as<std::string>() : "local";
  if (backend != "local" && backend != "slurm")
    throw InputError("", "--backend", "'" + backend + "' is not a backend", "local, slurm");
  sweep::SlurmOptions slurm;
  if (vm.count("per-task"))
    slurm.per_task = int(ParseCount("--per-task", vm["per-task"].as<std::string>(), 1000000,
                                    "an integer 1..1000000"));
  if (vm.count("throttle"))
    slurm.throttle = int(ParseCount("--throttle", vm["throttle"].as<std::string>(), 1000000,
                                    "an integer 1..1000000"));
  if (vm.count("partition")) slurm.partition = vm["partition"].as<std::string>();
  slurm.wait = vm["wait"].as<bool>();
  if (backend == "local") {
    for (const char* o : {"per-task", "throttle", "partition"})
      if (vm.count(o))
        throw InputError("", std::string("--") + o, "only for --backend slurm", "--backend slurm");
    if (slurm.wait) throw InputError("", "--wait", "only for --backend slurm", "--backend slurm");
  }

  const sweep::Expansion ex = sweep::ExpandSpec(vm["spec"].as<std::string>());
  options.out_dir = vm.count("out") ? vm["out"].as<std::string>() : "sweep-" + ex.manifest.name;
  if (vm["dry-run"].as<bool>()) {
    PrintDryRun(std::cout, ex);
    return kExitOk;
  }
  std::error_code ec;
  options.cssim_bin = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) return ReportSimError("cannot find the running cssim binary (/proc/self/exe)");
  if (backend == "slurm") return sweep::SubmitSlurm(ex.manifest, options, slurm);
  return sweep::RunSweep(ex.manifest, options);
}

}  // namespace cssim
