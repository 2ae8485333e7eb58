// Sparse-sparse accumulate unit: the model (model/cs/sparse_accum.h) and its RTL twin
// (rtl/cs/sparse_accum.sv) agree bit for bit and cycle for cycle on every link (cmd taken, GLB
// requests and responses taken, done) and on every action counter, over random packed conv and
// linear layers and active lists against a real GLB with a bank thief and random done
// back-pressure (RunSparseAccumRegress); the RTL alone writes exactly the reference's outputs in
// the model's cycles; a unit of another size is refused; and the scoreboard catches a flipped, a
// delayed and a dropped transaction, naming the field.
//
// SystemC elaborates once per process: every run goes in a child process (a death test that
// must exit 0), so the file's tests also pass when run together in one binary.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <string>

#include "model/base/error.h"
#include "model/base/stats.h"
#include "model/cosim/sparse_accum_regress.h"
#include "model/cosim/sparse_accum_twin.h"
#include "model/cosim/twin.h"
#include "model/cs/sparse_accum.h"
#include "model/glb/glb.h"

namespace cssim {
namespace {

// Runs `body` in a child process, which exits 0 if it returns true; it prints why not.
void InChild(const std::function<bool()>& body) {
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

class SparseAccumCosim : public ::testing::TestWithParam<uint64_t> {};

TEST_P(SparseAccumCosim, ModelAndRtlAgreeOnEveryTransactionAndCounter) {
  const uint64_t seed = GetParam();
  InChild([seed] {
    const RegressResult r = RunSparseAccumRegress(seed, Impl::kBoth, CosimOptions{});
    std::fprintf(stderr, "seed %llu: %llu cycles, %llu transactions\n", (unsigned long long)seed,
                 (unsigned long long)r.cycles, (unsigned long long)r.transactions);
    return r.cycles > 0 && r.transactions > 0;
  });
}

// Seeds 1..8: every profile (seed % 4) twice.
INSTANTIATE_TEST_SUITE_P(Seeds, SparseAccumCosim, ::testing::Range<uint64_t>(1, 9));

// Seed 6 (profile 2: rows of hundreds of groups, some beyond the row buffer, no bank thief): the
// RTL alone, no model ticked, takes exactly the model's cycles. Both runs end with the reference
// check of the GLB and the counters.
TEST(SparseAccumRtl, RtlAloneWritesTheReferenceOutputsInTheModelsCycles) {
  InChild([] {
    const RegressResult model = RunSparseAccumRegress(6, Impl::kModel, CosimOptions{});
    const RegressResult rtl = RunSparseAccumRegress(6, Impl::kRtl, CosimOptions{});
    if (rtl.cycles != model.cycles || rtl.transactions == 0) {
      std::fprintf(stderr, "rtl: %llu cycles, %llu transactions; model: %llu cycles\n",
                   (unsigned long long)rtl.cycles, (unsigned long long)rtl.transactions,
                   (unsigned long long)model.cycles);
      return false;
    }
    return true;
  });
}

// The RTL is built for the default arch: a unit of another size cannot run as it.
TEST(SparseAccumRtl, TwinRefusesAnotherConfiguration) {
  InChild([] {
    StatGroup root(nullptr, "top");
    Glb glb(GlbSpec{}, root);
    CsSpec cs;
    cs.engines = 8;  // 128 multipliers
    Glb::Port& port = glb.AddPort("glb.ss", cs.ss_glb_words, size_t(2 * cs.ss_glb_words));
    SparseAccum ss(cs, PpuSpec{}, port, GlbSpec{}.bank_width_bytes, root);
    try {
      MakeSparseAccumTwin(ss, port, Impl::kBoth, CosimOptions{}, "top.ss");
    } catch (const InputError& e) {
      return std::string(e.what()).find("256 multipliers") != std::string::npos;
    }
    return false;
  });
}

// A fault between the RTL and the scoreboard must surface as a CosimMismatch on that field.
void ExpectMismatch(const std::string& fault, const std::string& field) {
  InChild([fault, field] {
    CosimOptions options;
    options.fault = ParseFault(fault);
    try {
      RunSparseAccumRegress(1, Impl::kBoth, options);
    } catch (const CosimMismatch& m) {
      if (m.field == field && m.instance == "top.ss") return true;
      std::fprintf(stderr, "mismatch on %s of %s, expected %s\n", m.field.c_str(),
                   m.instance.c_str(), field.c_str());
      return false;
    }
    std::fprintf(stderr, "no mismatch for %s\n", fault.c_str());
    return false;
  });
}

// Request 3 is the first command's first weight-row read, the first request of its cycle: the
// flip hits its last field, the data type.
TEST(SparseAccumFaults, FlippedRequestBitIsCaught) {
  ExpectMismatch("flip:ss:glb_req:3", "glb_req[0].data_type");
}
TEST(SparseAccumFaults, DelayedDoneIsCaught) { ExpectMismatch("delay:ss:done:2", "done.valid"); }
TEST(SparseAccumFaults, DroppedRequestIsCaught) {
  ExpectMismatch("drop:ss:glb_req:5", "glb_req.count");
}

}  // namespace
}  // namespace cssim
