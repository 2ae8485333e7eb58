// Whole runs: bit-exact outputs on the built-in workloads, MAC counts, energy accounting,
// DRAM sensitivity, determinism, and the SystemC run agreeing with the kernel-free loop.
#include "model/top/run.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "model/config/config.h"
#include "tb/common/energy_checks.h"
#include "tb/common/temp_file.h"

namespace cssim {
namespace {

RunResult RunDirect(const ArchSpec& a, const Workload& w) {
  RunOptions o;
  o.kernel = Kernel::kDirect;
  return cssim::Run(a, w, LoadEnergyTable("45nm"), o);
}

struct Job {
  const char* arch;
  const char* workload;
  Dataflow dataflow;
};

class BuiltinWorkloads : public ::testing::TestWithParam<Job> {};

TEST_P(BuiltinWorkloads, BitExactWithAllMacs) {
  ArchSpec a = LoadArch(GetParam().arch);
  a.array.dataflow = GetParam().dataflow;
  const Workload w = LoadWorkload(GetParam().workload);
  const RunResult r = RunDirect(a, w);  // throws on any output mismatch
  EXPECT_EQ(r.output_check, "bit-exact");
  EXPECT_EQ(r.macs, w.macs());
  EXPECT_GT(r.cycles, Cycle(r.macs / r.pe_count)) << "faster than the array's peak";
  EXPECT_LE(r.mac_utilization, 1.0);
  Cycle sum = 0;
  for (const LayerResult& l : r.layers) sum += l.cycles;
  EXPECT_EQ(sum, r.cycles) << "per-layer cycles must add up to the run";
}

INSTANTIATE_TEST_SUITE_P(
    All, BuiltinWorkloads,
    ::testing::Values(Job{"default", "gsc-dense", Dataflow::kWeightStationary},
                      Job{"default", "gsc-dense", Dataflow::kOutputStationary},
                      Job{"eyeriss-like", "gsc-dense", Dataflow::kWeightStationary},
                      Job{"eyeriss-like", "gsc-dense", Dataflow::kOutputStationary},
                      Job{"default", "alexnet-conv", Dataflow::kWeightStationary},
                      Job{"default", "resnet18-conv", Dataflow::kWeightStationary}),
    [](const ::testing::TestParamInfo<Job>& i) {
      std::string n =
          std::string(i.param.arch) + "_" + i.param.workload + "_" + DataflowName(i.param.dataflow);
      for (char& c : n)
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
      return n;
    });

TEST(Run, GscHasTheBackgroundMacCount) {
  const RunResult r = RunDirect(LoadArch("default"), LoadWorkload("gsc-dense"));
  EXPECT_EQ(r.macs, 13106400);
}

TEST(Run, EnergyBreakdownsSumToTotal) {
  const RunResult r = RunDirect(LoadArch("default"), LoadWorkload("gsc-dense"));
  ExpectEnergyAddsUp(r, {"dram", "glb", "noc", "rf", "mac"});
}

// A single large linear layer: every weight is used once, so DRAM bandwidth bounds it.
Workload MemoryBound() {
  const std::string path = TempPath("memory_bound.yaml");
  std::ofstream(path) << "name: memory-bound\nseed: 3\ninput: {channels: 1024, height: 1, "
                         "width: 1}\nlayers:\n  - {name: fc, type: linear, out_features: 1024}\n";
  return LoadWorkload(path);
}

TEST(Run, HalvingDramBandwidthSlowsAMemoryBoundLayer) {
  ArchSpec a = LoadArch("default");
  // A wide array and weight bus take in 64 weight bytes per cycle, more than two LPDDR4
  // channels deliver (25.6 B/cycle at 500 MHz): DRAM is the bottleneck with one or two.
  a.array.cols = 64;
  a.noc.weight_bus_bytes = 64;
  a.dram.channels = 2;
  const RunResult two = RunDirect(a, MemoryBound());
  a.dram.channels = 1;
  const RunResult one = RunDirect(a, MemoryBound());
  EXPECT_EQ(one.output_check, "bit-exact");
  EXPECT_GT(double(one.cycles), 1.5 * double(two.cycles))
      << "one channel: " << one.cycles << " cycles, two: " << two.cycles;
}

TEST(Run, SameInputsGiveIdenticalResults) {
  const RunResult a = RunDirect(LoadArch("default"), LoadWorkload("gsc-dense"));
  const RunResult b = RunDirect(LoadArch("default"), LoadWorkload("gsc-dense"));
  EXPECT_EQ(a.cycles, b.cycles);
  ASSERT_EQ(a.energy.actions.size(), b.energy.actions.size());
  for (size_t i = 0; i < a.energy.actions.size(); ++i)
    EXPECT_EQ(a.energy.actions[i].count, b.energy.actions[i].count) << a.energy.actions[i].counter;
}

TEST(Run, SystemCKernelAgreesWithDirectLoopCycleForCycle) {
  const ArchSpec a = LoadArch("eyeriss-like");
  const Workload w = LoadWorkload("gsc-dense");
  RunOptions sc;
  sc.kernel = Kernel::kSystemC;
  const RunResult s = cssim::Run(a, w, LoadEnergyTable("45nm"), sc);  // once per process
  const RunResult d = RunDirect(a, w);
  EXPECT_EQ(s.cycles, d.cycles);
  ASSERT_EQ(s.layers.size(), d.layers.size());
  for (size_t i = 0; i < s.layers.size(); ++i) EXPECT_EQ(s.layers[i].cycles, d.layers[i].cycles);
  ASSERT_EQ(s.energy.actions.size(), d.energy.actions.size());
  for (size_t i = 0; i < s.energy.actions.size(); ++i)
    EXPECT_EQ(s.energy.actions[i].count, d.energy.actions[i].count) << s.energy.actions[i].counter;
}

}  // namespace
}  // namespace cssim
