// CS engine co-simulation: the Verilated rtl/cs/cs_engine.sv against the CsEngine model, cycle
// for cycle, under random passes and random back-pressure (model/cosim/cs_engine_regress.h).
// Each SystemC run happens in a child process, since the kernel elaborates once per process.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "model/cosim/cs_engine_regress.h"
#include "model/cosim/cs_engine_twin.h"
#include "tb/common/cosim_test.h"

namespace cssim {
namespace {

struct Case {
  uint64_t seed;
  CsEngineStimulus stimulus;
};

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  const char* names[] = {"Mixed", "Ragged", "Full", "Tiny", "Skip"};
  return std::string(names[int(info.param.stimulus)]) + "_" + std::to_string(info.param.seed);
}

class CsEngineLockstep : public ::testing::TestWithParam<Case> {};

TEST_P(CsEngineLockstep, ModelAndRtlAgreeOnEveryTransferAndCounter) {
  const Case c = GetParam();
  ExpectLockstep(
      [&] { return RunCsEngineRegress(c.seed, Impl::kBoth, CosimOptions{}, c.stimulus); });
}

INSTANTIATE_TEST_SUITE_P(
    SeedsAndShapes, CsEngineLockstep,
    ::testing::Values(Case{1, CsEngineStimulus::kMixed}, Case{2, CsEngineStimulus::kMixed},
                      Case{3, CsEngineStimulus::kMixed}, Case{4, CsEngineStimulus::kRagged},
                      Case{5, CsEngineStimulus::kRagged}, Case{6, CsEngineStimulus::kFull},
                      Case{7, CsEngineStimulus::kFull}, Case{8, CsEngineStimulus::kTiny},
                      Case{9, CsEngineStimulus::kTiny}, Case{10, CsEngineStimulus::kSkip}),
    CaseName);

class CsEngineRtlAlone : public ::testing::TestWithParam<Case> {};

// The RTL alone gives the model's sums, in the same cycles, and its counters. With kSkip the
// engine skips the cycles nobody needs: the RTL's busy_o must keep every one in which it acts.
TEST_P(CsEngineRtlAlone, ProducesTheModelSumsCountersAndCycles) {
  const Case c = GetParam();
  // The model alone (kernel-free loop) in this process; the RTL alone in the child.
  SumTrace model;
  const RegressResult m =
      RunCsEngineRegress(c.seed, Impl::kModel, CosimOptions{}, c.stimulus, &model);
  ASSERT_GT(model.sums.size(), 20u);
  InChild([&] {
    SumTrace rtl;
    const RegressResult r =
        RunCsEngineRegress(c.seed, Impl::kRtl, CosimOptions{}, c.stimulus, &rtl);
    RequireSameRun(m, model, r, rtl);
    for (const auto& [name, value] : rtl.counters)
      if (value == 0) throw std::runtime_error("counter " + name + " stayed 0");
    return true;
  });
}

INSTANTIATE_TEST_SUITE_P(Stimuli, CsEngineRtlAlone,
                         ::testing::Values(Case{11, CsEngineStimulus::kMixed},
                                           Case{12, CsEngineStimulus::kSkip}),
                         CaseName);

INSTANTIATE_TEST_SUITE_P(CsEngine, TwinFault,
                         ::testing::Values(FaultCase{"FlippedSumBitIsAValueMismatch", "cs_engine",
                                                     "flip:cs:out:5", "top.cs",
                                                     "out\\.v\\[[0-9]+\\]"},
                                           FaultCase{"DelayedSumBeatIsAValidMismatch", "cs_engine",
                                                     "delay:cs:out:5", "top.cs", "out\\.valid"},
                                           FaultCase{"DroppedSumBeatIsAValidMismatch", "cs_engine",
                                                     "drop:cs:out:5", "top.cs", "out\\.valid"}),
                         FaultCaseName);

TEST(CsEngineTwin, RefusesAnEngineTheRtlIsNotBuiltFor) {
  ExpectRefused(
      [] {
        StatGroup root(nullptr, "top");
        Link<Beat> in("in", 2), weight("weight", 2), id("id", 2);
        CsSpec spec;
        spec.max_n = 16;
        CsEngine cs(spec, in, weight, id, root);
        MakeCsEngineTwin(cs, in, weight, id, Impl::kBoth, CosimOptions{}, "top.cs");
      },
      {"--impl", "max_n 32"});
}

}  // namespace
}  // namespace cssim
