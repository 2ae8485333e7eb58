// cssim sweep status DIR, and the two subcommands the Slurm backend's jobs run (not in the help:
// SubmitSlurm writes them into its job scripts): cssim sweep task DIR --manifest F --task I
// --per-task K [--timeout S] [--mem-limit M], and cssim sweep collect DIR --manifest F.
// model/sweep/slurm.h.
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/sweep/point.h"
#include "model/sweep/slurm.h"
#include "tools/cssim/cli.h"
#include "tools/cssim/commands.h"

namespace cssim {
namespace {

namespace po = boost::program_options;

// DIR, which every command here needs, and the options.
po::variables_map ParseDir(const std::vector<std::string>& args,
                           const po::options_description& desc, const std::string& command) {
  po::variables_map vm = Parse(args, desc, command, "DIR");
  if (!vm.count("dir")) throw InputError("", "DIR", "missing", "a sweep's output directory");
  return vm;
}

std::string Required(const po::variables_map& vm, const std::string& option) {
  if (!vm.count(option)) throw InputError("", "--" + option, "missing");
  return vm[option].as<std::string>();
}

}  // namespace

int SweepStatusCommand(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help");
  const po::variables_map vm = ParseDir(args, desc, "sweep status");
  if (WantsHelp(vm,
                "usage: cssim sweep status DIR\n\nThe done, failed and pending points of the "
                "sweep in DIR, from its result files and from its sweep.sqlite (no Slurm "
                "needed).",
                desc))
    return kExitOk;
  sweep::PrintSlurmStatus(vm["dir"].as<std::string>(), std::cout);
  return kExitOk;
}

int SweepTaskCommand(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("manifest", po::value<std::string>())("task", po::value<int>())(
      "per-task", po::value<int>())("timeout", po::value<double>())(
      "mem-limit", po::value<int64_t>())("area", po::value<std::string>());
  const po::variables_map vm = ParseDir(args, desc, "sweep task");
  if (!vm.count("task") || !vm.count("per-task") || vm["task"].as<int>() < 0 ||
      vm["per-task"].as<int>() < 1)
    throw InputError("", "--task", "missing or out of range",
                     "--task I --per-task K, I >= 0, K >= 1");
  sweep::SweepOptions o;
  o.out_dir = vm["dir"].as<std::string>();
  if (vm.count("timeout")) o.timeout_s = vm["timeout"].as<double>();
  if (vm.count("mem-limit")) o.mem_limit_mib = vm["mem-limit"].as<int64_t>();
  if (vm.count("area")) o.area_file = vm["area"].as<std::string>();
  std::error_code ec;
  o.cssim_bin = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) return ReportSimError("cannot find the running cssim binary (/proc/self/exe)");
  return sweep::RunSlurmTask(Required(vm, "manifest"), vm["task"].as<int>(),
                             vm["per-task"].as<int>(), o);
}

int SweepCollectCommand(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("manifest", po::value<std::string>());
  const po::variables_map vm = ParseDir(args, desc, "sweep collect");
  return sweep::CollectSlurm(vm["dir"].as<std::string>(), Required(vm, "manifest"));
}

}  // namespace cssim
