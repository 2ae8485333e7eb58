// cssim list: the built-in architectures, workloads, chip budgets and energy tables.
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "model/config/config.h"
#include "model/report/results.h"
#include "tools/cssim/cli.h"
#include "tools/cssim/commands.h"

namespace cssim {
namespace {

namespace po = boost::program_options;

// Keeps `list` to one short line per entry.
std::string Abbreviate(const std::string& s) {
  constexpr size_t kMax = 72;
  const std::string line = s.substr(0, s.find('\n'));
  return line.size() <= kMax ? line : line.substr(0, kMax - 3) + "...";
}

}  // namespace

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

}  // namespace cssim
