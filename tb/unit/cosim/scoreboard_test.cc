// The co-simulation scoreboard and port helpers without any RTL: a "model" pushes and pops real
// Links, an "RTL" is what the test says it did; every difference, and every injected fault,
// must surface as a CosimMismatch naming the cycle, instance, field, expected and actual.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/cosim/fields.h"
#include "model/cosim/twin.h"

namespace cssim {
namespace {

// One cycle of an output port: the model pushes `model`, the RTL put out `rtl`.
void OutCycle(OutPort<uint32_t>& port, Link<uint32_t>& link, Scoreboard& sb, Cycle now,
              const std::vector<uint32_t>& model, const std::vector<uint32_t>& rtl) {
  port.Begin();
  for (uint32_t v : model) link.Push(v);
  port.Check(sb, now, rtl);
  link.Commit();
  while (link.CanPop()) link.Pop();
  link.Commit();
}

CosimMismatch Expect(const std::function<void()>& f) {
  try {
    f();
  } catch (const CosimMismatch& m) {
    return m;
  }
  ADD_FAILURE() << "no mismatch";
  return CosimMismatch(0, "", "", "", "");
}

TEST(Scoreboard, EqualTransactionsPass) {
  Link<uint32_t> link("out", 2);
  OutPort<uint32_t> port("top.blk", "out", link, Fault{});
  Scoreboard sb("top.blk", 0);
  for (Cycle c = 0; c < 5; ++c) OutCycle(port, link, sb, c, {uint32_t(c)}, {uint32_t(c)});
  OutCycle(port, link, sb, 5, {}, {});
  EXPECT_FALSE(sb.failed());
}

TEST(Scoreboard, ValueDifferenceNamesTheField) {
  Link<uint32_t> link("out", 2);
  OutPort<uint32_t> port("top.blk", "out", link, Fault{});
  Scoreboard sb("top.blk", 0);
  const CosimMismatch m = Expect([&] { OutCycle(port, link, sb, 7, {5}, {4}); });
  EXPECT_EQ(m.cycle, 7u);
  EXPECT_EQ(m.instance, "top.blk");
  EXPECT_EQ(m.field, "out.index");
  EXPECT_EQ(m.expected, "5");
  EXPECT_EQ(m.actual, "4");
  EXPECT_NE(std::string(m.what()).find("cosim mismatch at cycle 7: top.blk: out.index"),
            std::string::npos);
}

TEST(Scoreboard, CycleDifferenceIsAValidMismatch) {
  Link<uint32_t> link("out", 2);
  OutPort<uint32_t> port("top.blk", "out", link, Fault{});
  Scoreboard sb("top.blk", 0);
  const CosimMismatch m = Expect([&] { OutCycle(port, link, sb, 3, {}, {9}); });
  EXPECT_EQ(m.field, "out.valid");
  EXPECT_EQ(m.expected, "0");
  EXPECT_EQ(m.actual, "1");
}

TEST(Scoreboard, InputAcceptanceIsCompared) {
  Link<uint32_t> link("in", 2);
  link.Push(1);
  link.Commit();
  InPort<uint32_t> port("in", link);
  Scoreboard sb("top.blk", 0);
  port.Begin();
  ASSERT_TRUE(port.valid());
  EXPECT_EQ(port.item(), 1u);
  link.Pop();  // the model takes it; the RTL did not
  const CosimMismatch m = Expect([&] { port.Check(sb, 2, 0); });
  EXPECT_EQ(m.field, "in.ready");
}

// Each fault on the n-th transaction of a port is caught, in the cycle it takes effect.
struct FaultCase {
  const char* spec;
  const char* field;
  Cycle cycle;
};
class InjectedFault : public ::testing::TestWithParam<FaultCase> {};

TEST_P(InjectedFault, IsCaught) {
  Link<uint32_t> link("out", 2);
  OutPort<uint32_t> port("top.blk", "out", link, ParseFault(GetParam().spec));
  Scoreboard sb("top.blk", 0);
  const CosimMismatch m = Expect([&] {
    for (Cycle c = 0; c < 10; ++c) OutCycle(port, link, sb, c, {uint32_t(c)}, {uint32_t(c)});
  });
  EXPECT_EQ(m.field, GetParam().field);
  EXPECT_EQ(m.cycle, GetParam().cycle);
}

INSTANTIATE_TEST_SUITE_P(Faults, InjectedFault,
                         ::testing::Values(FaultCase{"flip:blk:out:3", "out.index", 3},
                                           FaultCase{"delay:blk:out:4", "out.valid", 4},
                                           FaultCase{"drop:blk:out:0", "out.valid", 0}));

TEST(Scoreboard, AFaultOnAnotherBlockOrPortChangesNothing) {
  for (const char* spec : {"flip:other:out:1", "flip:blk:done:1"}) {
    Link<uint32_t> link("out", 2);
    OutPort<uint32_t> port("top.blk", "out", link, ParseFault(spec));
    Scoreboard sb("top.blk", 0);
    for (Cycle c = 0; c < 4; ++c) OutCycle(port, link, sb, c, {uint32_t(c)}, {uint32_t(c)});
    EXPECT_FALSE(sb.failed()) << spec;
  }
}

TEST(Scoreboard, RunOnKeepsGoingThenThrowsTheFirst) {
  Link<uint32_t> link("out", 2);
  OutPort<uint32_t> port("top.blk", "out", link, Fault{});
  Scoreboard sb("top.blk", 3);
  OutCycle(port, link, sb, 10, {1}, {2});  // recorded, not thrown yet
  EXPECT_TRUE(sb.failed());
  OutCycle(port, link, sb, 11, {1}, {3});  // a later difference does not replace the first
  const CosimMismatch m = Expect([&] { sb.Poll(13); });
  EXPECT_EQ(m.cycle, 10u);
  EXPECT_EQ(m.actual, "2");
}

TEST(ParseFault, RejectsMalformedSpecs) {
  for (const char* bad : {"flip", "flip:a:out", "bend:a:out:1", "flip:a:out:x", "drop:a:out:1x"})
    EXPECT_THROW(ParseFault(bad), InputError) << bad;
  const Fault f = ParseFault("delay:array:out:12");
  EXPECT_EQ(f.kind, Fault::Kind::kDelayValid);
  EXPECT_EQ(f.block, "array");
  EXPECT_EQ(f.port, "out");
  EXPECT_EQ(f.transaction, 12u);
}

TEST(Fields, GlbWriteComparesOnlyEnabledBytes) {
  GlbReq a, b;
  a.write = b.write = true;
  a.mask = b.mask = 0x3;
  a.data[0] = b.data[0] = 7;
  a.data[5] = 1;  // not enabled: don't-care
  Fields fa, fb;
  Flatten(a, &fa);
  Flatten(b, &fb);
  Scoreboard sb("top.blk", 0);
  sb.Compare(0, "glb_req", fa, fb);
  EXPECT_FALSE(sb.failed());
  b.data[1] = 9;
  fb.clear();
  Flatten(b, &fb);
  const CosimMismatch m = Expect([&] { sb.Compare(1, "glb_req", fa, fb); });
  EXPECT_EQ(m.field, "glb_req.data[1]");
}

}  // namespace
}  // namespace cssim
