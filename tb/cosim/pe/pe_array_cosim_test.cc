// PE array co-simulation: the Verilated rtl/pe/pe_array.sv against the PeArray model, cycle for
// cycle, under random passes and random back-pressure (model/cosim/pe_array_regress.h). Each
// SystemC run happens in a child process, since the kernel elaborates once per process.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <ostream>
#include <stdexcept>
#include <string>

#include "model/base/error.h"
#include "model/cosim/pe_array_regress.h"
#include "model/cosim/pe_array_twin.h"

namespace cssim {
namespace {

constexpr int kMismatchExit = 3;

// Runs `body` and exits: 0 if it returned, kMismatchExit after a CosimMismatch (printing
// "field=<field>"), 1 after any other error (printing it).
[[noreturn]] void Child(const std::function<void()>& body) {
  try {
    body();
  } catch (const CosimMismatch& e) {
    std::fprintf(stderr, "%s\nfield=%s\n", e.what(), e.field.c_str());
    std::fflush(stderr);
    std::_Exit(kMismatchExit);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    std::fflush(stderr);
    std::_Exit(1);
  }
  std::_Exit(0);
}

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
  EXPECT_EXIT(Child([&] {
                const RegressResult r =
                    RunPeArrayRegress(c.seed, Impl::kBoth, CosimOptions{}, c.stimulus);
                if (r.transactions == 0) throw std::runtime_error("no transactions");
              }),
              ::testing::ExitedWithCode(0), "");
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
  PeArrayTrace model;
  const RegressResult m =
      RunPeArrayRegress(11, Impl::kModel, CosimOptions{}, PeArrayStimulus::kMixed, &model);
  ASSERT_GT(model.sums.size(), 100u);
  EXPECT_EXIT(
      Child([&] {
        PeArrayTrace rtl;
        const RegressResult r =
            RunPeArrayRegress(11, Impl::kRtl, CosimOptions{}, PeArrayStimulus::kMixed, &rtl);
        if (r.cycles != m.cycles || r.transactions != m.transactions)
          throw std::runtime_error("cycles/transactions " + std::to_string(r.cycles) + "/" +
                                   std::to_string(r.transactions) + ", model " +
                                   std::to_string(m.cycles) + "/" + std::to_string(m.transactions));
        for (size_t i = 0; i < model.sums.size(); ++i)
          if (rtl.sums.size() <= i || rtl.sums[i].first != model.sums[i].first ||
              rtl.sums[i].second.pixel != model.sums[i].second.pixel ||
              rtl.sums[i].second.v != model.sums[i].second.v)
            throw std::runtime_error("sum beat " + std::to_string(i) + " differs");
        if (rtl.counters != model.counters) throw std::runtime_error("counters differ");
        if (rtl.counters.empty() || rtl.counters[0].second == 0)
          throw std::runtime_error("no MACs counted");
      }),
      ::testing::ExitedWithCode(0), "");
}

// An injected fault between the RTL and the scoreboard must be reported on the right field.
void ExpectFaultCaught(const std::string& fault, const std::string& field_regex) {
  CosimOptions options;
  options.fault = ParseFault(fault);
  EXPECT_EXIT(Child([&] { RunPeArrayRegress(1, Impl::kBoth, options); }),
              ::testing::ExitedWithCode(kMismatchExit), "field=" + field_regex);
}

TEST(PeArrayFault, FlippedSumBitIsAValueMismatch) {
  ExpectFaultCaught("flip:array:out:5", "out\\.v\\[[0-9]+\\]");
}

TEST(PeArrayFault, DelayedSumBeatIsAValidMismatch) {
  ExpectFaultCaught("delay:array:out:5", "out\\.valid");
}

TEST(PeArrayFault, DroppedSumBeatIsAValidMismatch) {
  ExpectFaultCaught("drop:array:out:5", "out\\.valid");
}

TEST(PeArrayTwin, RefusesAnArrayTheRtlIsNotBuiltFor) {
  StatGroup root(nullptr, "top");
  Link<Beat> in("in", 2), weight("weight", 2);
  ArraySpec as;
  as.rows = 8;
  PeArray array(as, PeSpec{}, in, weight, root);
  try {
    MakePeArrayTwin(array, in, weight, Impl::kBoth, CosimOptions{}, "top.array");
    FAIL() << "an 8-row array was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--impl"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("16x16"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cssim
