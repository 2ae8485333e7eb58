// Full-chip runs: as many instances as a hand-made budget holds, all bit-exact, sharing one DRAM,
// so that the chip's throughput grows with the instances but by less than their number; a budget
// too small for one instance simulates nothing and names the resource that ran out.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "model/chip/chip.h"
#include "model/config/config.h"
#include "model/top/run.h"

namespace cssim {
namespace {

RunOptions SparseSparse() {
  RunOptions o;
  o.kernel = Kernel::kDirect;
  o.mode = Mode::kSparseSparse;
  return o;
}

// A budget of `mults` multipliers and `sram_kib` KiB that shares the arch's own DRAM, so that a
// chip of one instance is the single run.
ChipSpec Budget(const ArchSpec& arch, int64_t mults, int64_t sram_kib) {
  ChipSpec c;
  c.name = "test-chip";
  c.source = "builtin:test-chip";
  c.multipliers = mults;
  c.sram_kib = sram_kib;
  c.dram = arch.dram;
  return c;
}

// The sparse instance of the default arch: 256 CS multipliers, and its SRAM in KiB rounded up.
struct Instance {
  ArchSpec arch = LoadArch("default");
  InstanceNeeds needs = Needs(arch, true);
  int64_t sram_kib() const { return (needs.sram_bytes + 1023) / 1024; }
};

TEST(ChipRun, TwoInstancesAreBitExactAndFasterTogetherThanOneButNotTwiceAsFast) {
  const Instance inst;
  const Workload w = LoadWorkload("gsc-sparse");
  const EnergyTable table = LoadEnergyTable("45nm");
  // Room for two and a half instances' multipliers and ample SRAM: multipliers bind at 2.
  const ChipSpec chip = Budget(inst.arch, inst.needs.multipliers * 5 / 2, 4 * inst.sram_kib());
  const ChipResult c = RunChip(inst.arch, chip, w, table, SparseSparse());
  EXPECT_EQ(c.fit.instances, 2);
  EXPECT_EQ(c.fit.limit, "multipliers");
  EXPECT_EQ(c.output_check, "bit-exact") << "every instance's output is checked";
  ASSERT_EQ(c.instance_cycles.size(), 2u);
  for (Cycle t : c.instance_cycles) {
    EXPECT_GT(t, 0u);
    EXPECT_LE(t, c.cycles);
  }
  EXPECT_EQ(std::max(c.instance_cycles[0], c.instance_cycles[1]), c.cycles);

  const RunResult one = cssim::Run(inst.arch, w, table, SparseSparse());
  EXPECT_GT(c.inferences_per_s, one.inferences_per_s);
  EXPECT_LT(c.inferences_per_s, 2 * one.inferences_per_s) << "the instances share one DRAM";
  EXPECT_GT(c.energy.total_pj, one.energy.total_pj);
  // Each instance moves exactly what one instance alone moves: sharing changes timing only.
  uint64_t one_bytes = 0;
  for (const LayerResult& l : one.layers) one_bytes += l.dram_bytes;
  EXPECT_EQ(c.dram_bytes, 2 * one_bytes);
}

TEST(ChipRun, SramCanBeTheLimit) {
  const Instance inst;
  // Ample multipliers, SRAM for two instances and a bit.
  const ChipSpec chip = Budget(inst.arch, 100 * inst.needs.multipliers, 2 * inst.sram_kib() + 1);
  const ChipFit fit = Fit(chip, inst.needs);
  EXPECT_EQ(fit.instances, 2);
  EXPECT_EQ(fit.limit, "sram");
}

struct TooSmall {
  const char* limit;
  int64_t mults_short, sram_short;  // how far below one instance's need the budget is
};

class ChipTooSmall : public ::testing::TestWithParam<TooSmall> {};

TEST_P(ChipTooSmall, NoInstanceFitsAndNothingRuns) {
  const Instance inst;
  const ChipSpec chip = Budget(inst.arch, inst.needs.multipliers - GetParam().mults_short,
                               inst.sram_kib() - GetParam().sram_short);
  const ChipResult c =
      RunChip(inst.arch, chip, LoadWorkload("gsc-sparse"), LoadEnergyTable("45nm"), SparseSparse());
  EXPECT_EQ(c.fit.instances, 0);
  EXPECT_EQ(c.fit.limit, GetParam().limit);
  EXPECT_EQ(c.cycles, 0u) << "no simulation";
  EXPECT_TRUE(c.instance_cycles.empty());
  EXPECT_EQ(c.inferences_per_s, 0);
  EXPECT_EQ(c.energy.total_pj, 0);
  EXPECT_EQ(c.output_check, "skipped");
}

INSTANTIATE_TEST_SUITE_P(All, ChipTooSmall,
                         ::testing::Values(TooSmall{"multipliers", 1, 0}, TooSmall{"sram", 0, 1}),
                         [](const ::testing::TestParamInfo<TooSmall>& i) {
                           return std::string(i.param.limit);
                         });

}  // namespace
}  // namespace cssim
