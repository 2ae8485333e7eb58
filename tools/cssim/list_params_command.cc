// cssim list-params: every configuration key with type, unit, default, range and meaning.
#include <iostream>
#include <string>
#include <vector>

#include "model/config/params.h"
#include "tools/cssim/cli.h"
#include "tools/cssim/commands.h"

namespace cssim {

namespace po = boost::program_options;

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

}  // namespace cssim
