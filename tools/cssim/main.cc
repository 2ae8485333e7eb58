// cssim: the command line. This file holds the command table and the dispatch; each command
// has its own file (tools/cssim/commands.h).
//
//   cssim [run] [options]   simulate one arch x workload x energy table (the default command);
//                           without --mode and --workload, the dense / sparse-dense /
//                           sparse-sparse GSC comparison
//   cssim list              built-in architectures, workloads and energy tables
//   cssim list-params       every configuration key with type, unit, default and range
//   cssim bench [options]   simulation speed of both kernels on the built-in architectures
//   cssim sweep SPEC        expand a sweep spec into points and run them (--dry-run: print them)
//
// Exit status: 0 success; 2 bad input (a one-line "cssim: error: ..." on stderr naming the file
// and key, or the option); 3 a simulation error (a cssim bug or an impossible schedule).
//
// libsystemc owns main() and calls sc_main() (declared extern "C" by <systemc>).
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <string>
#include <systemc>
#include <vector>

#include "model/base/error.h"
#include "tools/cssim/cli.h"
#include "tools/cssim/commands.h"
#include "tools/cssim/cosim.h"

namespace cssim {
namespace {

namespace po = boost::program_options;

// SystemC prints its banner before sc_main runs, so the variable must be set during static
// initialisation of this program, which happens before libsystemc's main().
const bool kQuietSystemC = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1) == 0;

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
    {"sweep", "expand a sweep spec into design points and run them (--dry-run: list them)",
     SweepCommand},
    {"regress", "run every RTL block against its model in lockstep (co-simulation)",
     RegressCommand},
    {"report", "write an HTML energy and performance report of a run, comparison or sweep",
     ReportCommand},
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
