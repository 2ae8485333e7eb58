// PE array co-simulation: the Verilated rtl/pe/pe_array.sv against the PeArray model, cycle for
// cycle, under random passes and random back-pressure (model/cosim/pe_array_regress.h). Each
// SystemC run happens in a child process, since the kernel elaborates once per process.
#include <gtest/gtest.h>

#include <ostream>
#include <stdexcept>
#include <string>

#include "model/cosim/pe_array_regress.h"
#include "model/cosim/pe_array_twin.h"
#include "tb/common/cosim_test.h"

namespace cssim {
namespace {

struct Case {
  uint64_t seed;
  PeArrayStimulus stimulus;
};

const char* StimulusName(PeArrayStimulus s) {
  const char* names[] = {"Mixed", "Full", "Ragged", "Tiny"};
  return names[int(s)];
}

void PrintTo(const Case& c, std::ostream* os) {
  *os << StimulusName(c.stimulus) << " seed " << c.seed;
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  return std::string(StimulusName(info.param.stimulus)) + "_" + std::to_string(info.param.seed);
}

class PeArrayLockstep : public ::testing::TestWithParam<Case> {};

TEST_P(PeArrayLockstep, ModelAndRtlAgreeOnEveryTransferAndCounter) {
  const Case c = GetParam();
  ExpectLockstep(
      [&] { return RunPeArrayRegress(c.seed, Impl::kBoth, CosimOptions{}, c.stimulus); });
}

INSTANTIATE_TEST_SUITE_P(
    SeedsAndShapes, PeArrayLockstep,
    ::testing::Values(Case{1, PeArrayStimulus::kMixed}, Case{2, PeArrayStimulus::kMixed},
                      Case{3, PeArrayStimulus::kMixed}, Case{4, PeArrayStimulus::kFull},
                      Case{5, PeArrayStimulus::kFull}, Case{6, PeArrayStimulus::kRagged},
                      Case{7, PeArrayStimulus::kRagged}, Case{8, PeArrayStimulus::kTiny},
                      Case{9, PeArrayStimulus::kTiny}),
    CaseName);

TEST(PeArrayRtl, AloneProducesTheModelSumsCountersAndCycles) {
  // The model alone (kernel-free loop) in this process; the RTL alone in the child.
  SumTrace model;
  const RegressResult m =
      RunPeArrayRegress(11, Impl::kModel, CosimOptions{}, PeArrayStimulus::kMixed, &model);
  ASSERT_GT(model.sums.size(), 100u);
  InChild([&] {
    SumTrace rtl;
    const RegressResult r =
        RunPeArrayRegress(11, Impl::kRtl, CosimOptions{}, PeArrayStimulus::kMixed, &rtl);
    RequireSameRun(m, model, r, rtl);
    if (rtl.counters.empty() || rtl.counters[0].second == 0)
      throw std::runtime_error("no MACs counted");
    return true;
  });
}

INSTANTIATE_TEST_SUITE_P(
    PeArray, TwinFault,
    ::testing::Values(FaultCase{"FlippedSumBitIsAValueMismatch", "pe_array", "flip:array:out:5",
                                "top.array", "out\\.v\\[[0-9]+\\]"},
                      FaultCase{"DelayedSumBeatIsAValidMismatch", "pe_array", "delay:array:out:5",
                                "top.array", "out\\.valid"},
                      FaultCase{"DroppedSumBeatIsAValidMismatch", "pe_array", "drop:array:out:5",
                                "top.array", "out\\.valid"}),
    FaultCaseName);

TEST(PeArrayTwin, RefusesAnArrayTheRtlIsNotBuiltFor) {
  ExpectRefused(
      [] {
        StatGroup root(nullptr, "top");
        Link<Beat> in("in", 2), weight("weight", 2);
        ArraySpec as;
        as.rows = 8;
        PeArray array(as, PeSpec{}, in, weight, root);
        MakePeArrayTwin(array, in, weight, Impl::kBoth, CosimOptions{}, "top.array");
      },
      {"--impl", "16x16"});
}

}  // namespace
}  // namespace cssim
