// cssim bench --scalesim (bench_scalesim.cc): cssim against SCALE-Sim v2 on the same layers.
#pragma once

#include <string>

#include "model/base/arch_spec.h"
#include "model/base/energy.h"
#include "model/base/workload.h"

namespace cssim {

struct ScaleSimBench {
  std::string dir;       // --scalesim: a SCALE-Sim v2 checkout
  std::string topology;  // --scalesim-topology: the CSV SCALE-Sim reads (the workload's layers)
  std::string config;    // --scalesim-config: the .cfg SCALE-Sim reads (the arch)
};

// Times `runs` cssim runs (direct kernel) and `runs` SCALE-Sim runs, prints both medians, both
// cycle counts and cssim's SCALE-Sim convention for the workload; exit 3 if that convention
// differs from what SCALE-Sim reported.
int BenchScaleSim(const ArchSpec& arch, const Workload& workload, const EnergyTable& table,
                  int runs, bool check, const ScaleSimBench& ss);

}  // namespace cssim
