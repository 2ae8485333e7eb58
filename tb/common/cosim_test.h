// What the block co-simulation tests (tb/cosim/<unit>/<top>_cosim_test.cc) share.
//
// SystemC elaborates once per process: every run under the kernel goes in a child process (a
// death test that must exit 0), so a file's tests also pass when run together in one binary.
// TwinFault is the fault test of every block: a file instantiates it with its cases.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <ostream>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/base/twin.h"
#include "model/cosim/harness.h"
#include "model/cosim/regress.h"
#include "model/cosim/twin.h"

namespace cssim {

// Runs `body` in a child process, which must return true; false or an exception (printed)
// fails the test.
inline void InChild(const std::function<bool()>& body) {
  EXPECT_EXIT(
      {
        bool ok = false;
        try {
          ok = body();
        } catch (const std::exception& e) {
          std::fprintf(stderr, "threw: %s\n", e.what());
        }
        std::fflush(stderr);
        std::_Exit(ok ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

// Model and RTL in lockstep (Impl::kBoth) through `run`: no mismatch, and cycles and
// transactions to compare.
inline void ExpectLockstep(const std::function<RegressResult()>& run) {
  InChild([&] {
    const RegressResult r = run();
    std::fprintf(stderr, "%llu cycles, %llu transactions\n", (unsigned long long)r.cycles,
                 (unsigned long long)r.transactions);
    return r.cycles > 0 && r.transactions > 0;
  });
}

// A GLB client's RTL alone (Impl::kRtl) through `run(impl)` takes exactly the model's cycles;
// each run ends with its own reference check of the GLB and the counters.
inline void ExpectRtlAloneInTheModelsCycles(const std::function<RegressResult(Impl)>& run) {
  InChild([&] {
    const RegressResult model = run(Impl::kModel);
    const RegressResult rtl = run(Impl::kRtl);
    if (rtl.cycles == model.cycles && rtl.transactions > 0) return true;
    std::fprintf(stderr, "rtl: %llu cycles, %llu transactions; model: %llu cycles\n",
                 (unsigned long long)rtl.cycles, (unsigned long long)rtl.transactions,
                 (unsigned long long)model.cycles);
    return false;
  });
}

// A stream block's RTL alone gave the model's cycles, transactions, sum beats (value and the
// cycle the sink took each) and counters; throws std::runtime_error naming the difference.
inline void RequireSameRun(const RegressResult& model, const SumTrace& model_trace,
                           const RegressResult& rtl, const SumTrace& rtl_trace) {
  if (rtl.cycles != model.cycles || rtl.transactions != model.transactions)
    throw std::runtime_error("cycles/transactions " + std::to_string(rtl.cycles) + "/" +
                             std::to_string(rtl.transactions) + ", model " +
                             std::to_string(model.cycles) + "/" +
                             std::to_string(model.transactions));
  const auto& want = model_trace.sums;
  const auto& got = rtl_trace.sums;
  for (size_t i = 0; i < want.size() || i < got.size(); ++i)
    if (i >= want.size() || i >= got.size() || got[i].first != want[i].first ||
        got[i].second.pixel != want[i].second.pixel || got[i].second.v != want[i].second.v)
      throw std::runtime_error("sum beat " + std::to_string(i) + " differs");
  if (rtl_trace.counters != model_trace.counters) throw std::runtime_error("counters differ");
}

// `make` (building a twin) must throw an InputError whose message holds every one of `want`.
inline void ExpectRefused(const std::function<void()>& make, const std::vector<std::string>& want) {
  InChild([&] {
    try {
      make();
    } catch (const InputError& e) {
      std::fprintf(stderr, "threw: %s\n", e.what());
      for (const std::string& w : want)
        if (std::string(e.what()).find(w) == std::string::npos) return false;
      return true;
    }
    std::fprintf(stderr, "not refused\n");
    return false;
  });
}

struct FaultCase {
  const char* name;      // the test's name
  const char* block;     // its regression (model/cosim/regress.h), seed 1 in Impl::kBoth
  const char* fault;     // what --inject takes: KIND:BLOCK:PORT:N
  const char* instance;  // the twin that must report it
  const char* field;     // the field it must name: an ECMAScript regex of the whole name
};

inline void PrintTo(const FaultCase& c, std::ostream* os) { *os << c.fault; }
inline std::string FaultCaseName(const ::testing::TestParamInfo<FaultCase>& info) {
  return info.param.name;
}

// A fault injected between the RTL and the scoreboard must surface as a CosimMismatch on the
// right field.
class TwinFault : public ::testing::TestWithParam<FaultCase> {};
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(TwinFault);

TEST_P(TwinFault, IsCaughtOnItsField) {
  const FaultCase c = GetParam();
  const BlockRegress* regress = FindBlockRegress(c.block);
  ASSERT_NE(regress, nullptr) << c.block;
  InChild([&] {
    CosimOptions options;
    options.fault = ParseFault(c.fault);
    try {
      regress->run(1, Impl::kBoth, options);
    } catch (const CosimMismatch& m) {
      if (std::regex_match(m.field, std::regex(c.field)) && m.instance == c.instance) return true;
      std::fprintf(stderr, "mismatch on %s of %s, expected %s of %s\n", m.field.c_str(),
                   m.instance.c_str(), c.field, c.instance);
      return false;
    }
    std::fprintf(stderr, "no mismatch for %s\n", c.fault);
    return false;
  });
}

}  // namespace cssim
