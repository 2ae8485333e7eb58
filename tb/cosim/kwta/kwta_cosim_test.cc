// k-WTA unit: the model (model/kwta) and its RTL twin (rtl/kwta/kwta.sv) agree bit for bit and
// cycle for cycle on every link (cmd taken, GLB requests and responses taken, done) and on every
// counter, over random commands against a real GLB with a bank thief and random done
// back-pressure (RunKwtaRegress); the RTL alone writes exactly the reference's outputs; and the
// scoreboard catches a flipped, a delayed and a dropped transaction, naming the field.
// Each run under the SystemC kernel goes in a child process (tb/common/cosim_test.h).
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "model/base/engine.h"
#include "model/base/error.h"
#include "model/base/sc_kernel.h"
#include "model/cosim/kwta_regress.h"
#include "model/cosim/kwta_twin.h"
#include "model/cosim/twin.h"
#include "model/glb/glb.h"
#include "model/kwta/kwta.h"
#include "tb/common/cosim_test.h"

namespace cssim {
namespace {

class KwtaCosim : public ::testing::TestWithParam<uint64_t> {};

TEST_P(KwtaCosim, ModelAndRtlAgreeOnEveryTransactionAndCounter) {
  const uint64_t seed = GetParam();
  ExpectLockstep([seed] { return RunKwtaRegress(seed, Impl::kBoth, CosimOptions{}); });
}

// Seeds 1..8: every profile (seed % 4) twice.
INSTANTIATE_TEST_SUITE_P(Seeds, KwtaCosim, ::testing::Range<uint64_t>(1, 9));

// Profile 2 (seed % 4 == 2) has no bank thief, so the GLB's arbitration cannot depend on the
// cycles the engine skips (the RTL, busy, skips fewer): the RTL alone takes exactly the model's
// cycles. Both runs end with the reference check of the GLB and the counters.
TEST(KwtaRtl, RtlAloneWritesTheReferenceOutputsInTheModelsCycles) {
  ExpectRtlAloneInTheModelsCycles(
      [](Impl impl) { return RunKwtaRegress(6, impl, CosimOptions{}); });
}

// The unit alone on a default GLB port, for the checks a run does not reach.
struct Lone {
  StatGroup root{nullptr, "top"};
  Glb glb{GlbSpec{}, root};
  Glb::Port& port = glb.AddPort("glb.kwta", 2, 4);
  Kwta kwta;
  explicit Lone(const KwtaSpec& spec) : kwta(spec, port, glb.word_bytes(), root) {}
};

// The RTL does not check a command; its twin refuses a k outside 1..n as the model does.
TEST(KwtaRtl, KOutsideOneToNIsRefusedAsByTheModel) {
  InChild([] {
    Lone u{KwtaSpec{}};
    std::unique_ptr<Twin> twin =
        MakeKwtaTwin(u.kwta, u.port, Impl::kRtl, CosimOptions{}, "top.kwta");
    KwtaCmd c;
    c.n = 10;
    c.k = 11;
    u.kwta.cmd().Push(c);
    u.kwta.cmd().Commit();
    Engine e;
    e.AddUnit(&u.glb, "glb");
    e.AddUnit(twin.get(), "kwta");
    for (const auto& p : u.glb.ports()) {
      e.AddLink(&p->req);
      e.AddLink(&p->resp);
    }
    for (LinkBase* l : u.kwta.links()) e.AddLink(l);
    try {
      RunSystemC(
          e, 500, [] { return false; }, [](Cycle) {});
    } catch (const SimError& err) {
      std::fprintf(stderr, "threw: %s\n", err.what());
      return std::string(err.what()).find("needs 1 <= k <= n") != std::string::npos;
    }
    return false;
  });
}

// The RTL is built for the default arch only.
TEST(KwtaRtl, OtherConfigurationIsAnInputErrorOnImpl) {
  ExpectRefused(
      [] {
        KwtaSpec spec;
        spec.scan_bins_per_cycle = 4;
        Lone u{spec};
        MakeKwtaTwin(u.kwta, u.port, Impl::kBoth, CosimOptions{}, "top.kwta");
      },
      {"--impl"});
}

INSTANTIATE_TEST_SUITE_P(
    Kwta, TwinFault,
    ::testing::Values(
        // Request 3 is a read of the first histogram pass (its lane depends on the bank thief):
        // the flip hits its last compared field, the data type.
        FaultCase{"FlippedRequestBitIsCaught", "kwta", "flip:kwta:glb_req:3", "top.kwta",
                  "glb_req\\[[0-9]+\\]\\.data_type"},
        // The done index seen a cycle late: the cycle it should move, none moves.
        FaultCase{"DelayedDoneIsCaught", "kwta", "delay:kwta:done:2", "top.kwta", "done\\.valid"},
        // A request lost: the cycle's request count differs.
        FaultCase{"DroppedRequestIsCaught", "kwta", "drop:kwta:glb_req:5", "top.kwta",
                  "glb_req\\.count"}),
    FaultCaseName);

}  // namespace
}  // namespace cssim
