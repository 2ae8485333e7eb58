// CS engine co-simulation: the Verilated rtl/cs/cs_engine.sv against the CsEngine model, cycle
// for cycle, under random passes and random back-pressure (model/cosim/cs_engine_regress.h).
// Each SystemC run happens in a child process, since the kernel elaborates once per process.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>

#include "model/base/error.h"
#include "model/cosim/cs_engine_regress.h"
#include "model/cosim/cs_engine_twin.h"

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
  CsEngineStimulus stimulus;
};

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  const char* names[] = {"Mixed", "Ragged", "Full", "Tiny", "Skip"};
  return std::string(names[int(info.param.stimulus)]) + "_" + std::to_string(info.param.seed);
}

class CsEngineLockstep : public ::testing::TestWithParam<Case> {};

TEST_P(CsEngineLockstep, ModelAndRtlAgreeOnEveryTransferAndCounter) {
  const Case c = GetParam();
  EXPECT_EXIT(Child([&] {
                const RegressResult r =
                    RunCsEngineRegress(c.seed, Impl::kBoth, CosimOptions{}, c.stimulus);
                if (r.transactions == 0) throw std::runtime_error("no transactions");
              }),
              ::testing::ExitedWithCode(0), "");
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
  CsEngineTrace model;
  const RegressResult m =
      RunCsEngineRegress(c.seed, Impl::kModel, CosimOptions{}, c.stimulus, &model);
  ASSERT_GT(model.sums.size(), 20u);
  EXPECT_EXIT(Child([&] {
                CsEngineTrace rtl;
                const RegressResult r =
                    RunCsEngineRegress(c.seed, Impl::kRtl, CosimOptions{}, c.stimulus, &rtl);
                if (r.cycles != m.cycles || r.transactions != m.transactions)
                  throw std::runtime_error("cycles/transactions " + std::to_string(r.cycles) + "/" +
                                           std::to_string(r.transactions) + ", model " +
                                           std::to_string(m.cycles) + "/" +
                                           std::to_string(m.transactions));
                for (size_t i = 0; i < model.sums.size(); ++i)
                  if (rtl.sums.size() <= i || rtl.sums[i].first != model.sums[i].first ||
                      rtl.sums[i].second.pixel != model.sums[i].second.pixel ||
                      rtl.sums[i].second.v != model.sums[i].second.v)
                    throw std::runtime_error("sum beat " + std::to_string(i) + " differs");
                if (rtl.counters != model.counters) throw std::runtime_error("counters differ");
                for (const auto& [name, value] : rtl.counters)
                  if (value == 0) throw std::runtime_error("counter " + name + " stayed 0");
              }),
              ::testing::ExitedWithCode(0), "");
}

INSTANTIATE_TEST_SUITE_P(Stimuli, CsEngineRtlAlone,
                         ::testing::Values(Case{11, CsEngineStimulus::kMixed},
                                           Case{12, CsEngineStimulus::kSkip}),
                         CaseName);

// An injected fault between the RTL and the scoreboard must be reported on the right field.
void ExpectFaultCaught(const std::string& fault, const std::string& field_regex) {
  CosimOptions options;
  options.fault = ParseFault(fault);
  EXPECT_EXIT(Child([&] { RunCsEngineRegress(1, Impl::kBoth, options); }),
              ::testing::ExitedWithCode(kMismatchExit), "field=" + field_regex);
}

TEST(CsEngineFault, FlippedSumBitIsAValueMismatch) {
  ExpectFaultCaught("flip:cs:out:5", "out\\.v\\[[0-9]+\\]");
}

TEST(CsEngineFault, DelayedSumBeatIsAValidMismatch) {
  ExpectFaultCaught("delay:cs:out:5", "out\\.valid");
}

TEST(CsEngineFault, DroppedSumBeatIsAValidMismatch) {
  ExpectFaultCaught("drop:cs:out:5", "out\\.valid");
}

TEST(CsEngineTwin, RefusesAnEngineTheRtlIsNotBuiltFor) {
  StatGroup root(nullptr, "top");
  Link<Beat> in("in", 2), weight("weight", 2), id("id", 2);
  CsSpec spec;
  spec.max_n = 16;
  CsEngine cs(spec, in, weight, id, root);
  try {
    MakeCsEngineTwin(cs, in, weight, id, Impl::kBoth, CosimOptions{}, "top.cs");
    FAIL() << "a twin for max_n 16";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--impl"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("max_n 32"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cssim
