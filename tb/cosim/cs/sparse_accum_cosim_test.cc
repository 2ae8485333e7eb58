// Sparse-sparse accumulate unit: the model (model/cs/sparse_accum.h) and its RTL twin
// (rtl/cs/sparse_accum.sv) agree bit for bit and cycle for cycle on every link (cmd taken, GLB
// requests and responses taken, done) and on every action counter, over random packed conv and
// linear layers and active lists against a real GLB with a bank thief and random done
// back-pressure (RunSparseAccumRegress); the RTL alone writes exactly the reference's outputs in
// the model's cycles; a unit of another size is refused; and the scoreboard catches a flipped, a
// delayed and a dropped transaction, naming the field.
// Each run under the SystemC kernel goes in a child process (tb/common/cosim_test.h).
#include <gtest/gtest.h>

#include "model/base/stats.h"
#include "model/cosim/sparse_accum_regress.h"
#include "model/cosim/sparse_accum_twin.h"
#include "model/cs/sparse_accum.h"
#include "model/glb/glb.h"
#include "tb/common/cosim_test.h"

namespace cssim {
namespace {

class SparseAccumCosim : public ::testing::TestWithParam<uint64_t> {};

TEST_P(SparseAccumCosim, ModelAndRtlAgreeOnEveryTransactionAndCounter) {
  const uint64_t seed = GetParam();
  ExpectLockstep([seed] { return RunSparseAccumRegress(seed, Impl::kBoth, CosimOptions{}); });
}

// Seeds 1..8: every profile (seed % 4) twice.
INSTANTIATE_TEST_SUITE_P(Seeds, SparseAccumCosim, ::testing::Range<uint64_t>(1, 9));

// Seed 6 (profile 2: rows of hundreds of groups, some beyond the row buffer, no bank thief): the
// RTL alone, no model ticked, takes exactly the model's cycles. Both runs end with the reference
// check of the GLB and the counters.
TEST(SparseAccumRtl, RtlAloneWritesTheReferenceOutputsInTheModelsCycles) {
  ExpectRtlAloneInTheModelsCycles(
      [](Impl impl) { return RunSparseAccumRegress(6, impl, CosimOptions{}); });
}

// The RTL is built for the default arch: a unit of another size cannot run as it.
TEST(SparseAccumRtl, TwinRefusesAnotherConfiguration) {
  ExpectRefused(
      [] {
        StatGroup root(nullptr, "top");
        Glb glb(GlbSpec{}, root);
        CsSpec cs;
        cs.engines = 8;  // 128 multipliers
        Glb::Port& port = glb.AddPort("glb.ss", cs.ss_glb_words, size_t(2 * cs.ss_glb_words));
        SparseAccum ss(cs, PpuSpec{}, port, GlbSpec{}.bank_width_bytes, root);
        MakeSparseAccumTwin(ss, port, Impl::kBoth, CosimOptions{}, "top.ss");
      },
      {"256 multipliers"});
}

INSTANTIATE_TEST_SUITE_P(SparseAccum, TwinFault,
                         ::testing::Values(
                             // Request 3 is the first command's first weight-row read, the first
                             // request of its cycle: the flip hits its last field, the data type.
                             FaultCase{"FlippedRequestBitIsCaught", "sparse_accum",
                                       "flip:ss:glb_req:3", "top.ss", "glb_req\\[0\\]\\.data_type"},
                             FaultCase{"DelayedDoneIsCaught", "sparse_accum", "delay:ss:done:2",
                                       "top.ss", "done\\.valid"},
                             FaultCase{"DroppedRequestIsCaught", "sparse_accum",
                                       "drop:ss:glb_req:5", "top.ss", "glb_req\\.count"}),
                         FaultCaseName);

}  // namespace
}  // namespace cssim
