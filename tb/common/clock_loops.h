// Runs a workload on the default arch with both clock loops (direct and SystemC) and expects
// the same cycles and energy. SystemC elaborates once per process: call it once per test
// executable.
#pragma once

#include <gtest/gtest.h>

#include "model/config/config.h"
#include "model/top/run.h"

namespace cssim {

inline void ExpectClockLoopsAgree(const Workload& w) {
  const ArchSpec arch = LoadArch("default");
  const EnergyTable table = LoadEnergyTable("45nm");
  RunOptions o;
  o.kernel = Kernel::kDirect;
  const RunResult direct = Run(arch, w, table, o);
  o.kernel = Kernel::kSystemC;
  const RunResult sc = Run(arch, w, table, o);
  EXPECT_EQ(sc.cycles, direct.cycles);
  EXPECT_EQ(sc.energy.total_pj, direct.energy.total_pj);
}

}  // namespace cssim
