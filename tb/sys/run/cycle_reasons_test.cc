// Where the cycles go (model/top/cycle_account.h): every cycle of a run is charged to exactly one
// reason, per layer and in total, identically under both clock loops; and each reason moves
// when the hardware that causes it is made the bottleneck: one GLB bank makes conflicts, a
// 1-byte output bus makes back-pressure, a slow DRAM makes the engines wait, a k-WTA op is
// k-WTA time.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <utility>

#include "model/config/config.h"
#include "model/top/cycle_account.h"
#include "model/top/run.h"

namespace cssim {
namespace {

using Reasons = std::map<std::string, uint64_t>;

Reasons Of(const std::vector<CounterValue>& counters) {
  Reasons r;
  for (const CounterValue& c : counters)
    if (c.name.rfind("top.cycles.", 0) == 0) r[c.name.substr(11)] = c.value;
  return r;
}

uint64_t Sum(const Reasons& r) {
  uint64_t s = 0;
  for (const auto& kv : r) s += kv.second;
  return s;
}

RunResult RunMode(const ArchSpec& arch, const std::string& workload, Mode mode,
                  Kernel kernel = Kernel::kDirect) {
  RunOptions o;
  o.kernel = kernel;
  o.mode = mode;
  return Run(arch, LoadWorkload(workload), LoadEnergyTable("45nm"), o);
}

struct Case {
  const char* workload;
  Mode mode;
};

class CycleReasons : public ::testing::TestWithParam<Case> {};

TEST_P(CycleReasons, EveryCycleHasOneReasonPerLayerAndBothKernelsAgree) {
  const ArchSpec arch = LoadArch("default");
  const RunResult direct = RunMode(arch, GetParam().workload, GetParam().mode);
  const RunResult sc = RunMode(arch, GetParam().workload, GetParam().mode, Kernel::kSystemC);
  const Reasons total = Of(direct.counters);
  ASSERT_EQ(total.size(), size_t(kCycleReasonCount));
  EXPECT_EQ(Sum(total), direct.cycles);
  EXPECT_EQ(total, Of(sc.counters)) << "the SystemC kernel ticks other cycles than the loop";
  ASSERT_EQ(direct.layers.size(), sc.layers.size());
  for (size_t i = 0; i < direct.layers.size(); ++i) {
    const LayerResult& l = direct.layers[i];
    EXPECT_EQ(Sum(Of(l.counters)), l.cycles) << l.name;
    EXPECT_EQ(Of(l.counters), Of(sc.layers[i].counters)) << l.name;
    if (l.engine == "kwta") {
      EXPECT_GT(Of(l.counters).at("kwta"), 0u) << l.name;
      EXPECT_EQ(Of(l.counters).at("compute"), 0u) << l.name;
    } else {
      EXPECT_EQ(Of(l.counters).at("kwta"), 0u) << l.name;
      EXPECT_GT(Of(l.counters).at("compute"), 0u) << l.name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Gsc, CycleReasons,
                         ::testing::Values(Case{"gsc-dense", Mode::kDense},
                                           Case{"gsc-sparse", Mode::kSparseDense},
                                           Case{"gsc-sparse", Mode::kSparseSparse}));

// The dense GSC run's reasons on the default arch and on the arch `change` makes of it.
std::pair<Reasons, Reasons> BeforeAfter(const std::function<void(ArchSpec&)>& change) {
  ArchSpec arch = LoadArch("default");
  const Reasons before = Of(RunMode(arch, "gsc-dense", Mode::kDense).counters);
  change(arch);
  return {before, Of(RunMode(arch, "gsc-dense", Mode::kDense).counters)};
}

TEST(CycleReasonsMove, OneGlbBankMakesConflicts) {
  const auto [many, one] = BeforeAfter([](ArchSpec& a) { a.glb.banks = 1; });
  EXPECT_GT(one.at("glb_conflict"), 2 * many.at("glb_conflict"));
}

TEST(CycleReasonsMove, NarrowOutputBusMakesBackpressure) {
  const auto [wide, narrow] = BeforeAfter([](ArchSpec& a) { a.noc.output_bus_bytes = 1; });
  EXPECT_GT(narrow.at("backpressure"), 2 * wide.at("backpressure"));
}

TEST(CycleReasonsMove, SlowDramMakesTheEnginesWait) {
  ArchSpec arch = LoadArch("default");
  const RunResult fast = RunMode(arch, "gsc-dense", Mode::kDense);
  arch.dram.tck_ns *= 8;  // an eighth of the bandwidth, eight times the latency
  const RunResult slow = RunMode(arch, "gsc-dense", Mode::kDense);
  const uint64_t added = slow.cycles - fast.cycles;
  const uint64_t waited = Of(slow.counters).at("dram_wait") - Of(fast.counters).at("dram_wait");
  EXPECT_GT(waited, added / 2) << "most of the cycles a slow DRAM adds are waits for it";
  EXPECT_EQ(Of(slow.counters).at("compute"), Of(fast.counters).at("compute"));
}

}  // namespace
}  // namespace cssim
