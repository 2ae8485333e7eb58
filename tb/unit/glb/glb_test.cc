// GLB: bank timing (one access per bank per cycle, conflicts cost a cycle) and data.
#include "model/glb/glb.h"

#include <gtest/gtest.h>

namespace cssim {
namespace {

GlbSpec Spec() {
  GlbSpec s;
  s.size_kib = 4;
  s.banks = 4;
  s.bank_width_bytes = 8;
  return s;
}

// Ticks the GLB and commits its links until cycle `until`; returns the cycle each port first
// saw a response (or -1).
struct Harness {
  StatGroup root{nullptr, "top"};
  Glb glb{Spec(), root};
  Glb::Port& a = glb.AddPort("a", 1, 4);
  Glb::Port& b = glb.AddPort("b", 1, 4);
  Cycle now = 0;
  void Step() {
    glb.Tick(now);
    for (const auto& p : glb.ports()) {
      p->req.Commit();
      p->resp.Commit();
    }
    ++now;
  }
};

GlbReq Read(uint32_t addr) {
  GlbReq r;
  r.addr = addr;
  return r;
}

TEST(Glb, ReadIsVisibleTwoCyclesAfterRequest) {
  Harness h;
  h.a.req.Push(Read(0));  // pushed in cycle 0
  h.Step();               // cycle 0: not visible to the GLB yet
  EXPECT_FALSE(h.a.resp.CanPop()) << "one cycle early: nothing may be visible";
  h.Step();  // cycle 1: served
  EXPECT_TRUE(h.a.resp.CanPop()) << "response must be visible at cycle 2";
}

TEST(Glb, SameBankConflictCostsOneCycle) {
  Harness h;
  // Word 0 and word 4 are both in bank 0 (4 banks, word interleaved).
  h.a.req.Push(Read(0));
  h.b.req.Push(Read(4 * 8));
  h.Step();
  h.Step();  // cycle 1: only one of them is served
  EXPECT_NE(h.a.resp.CanPop(), h.b.resp.CanPop());
  h.Step();  // cycle 2: the other one
  EXPECT_TRUE(h.a.resp.CanPop());
  EXPECT_TRUE(h.b.resp.CanPop());
}

TEST(Glb, DifferentBanksServeInTheSameCycle) {
  Harness h;
  h.a.req.Push(Read(0));
  h.b.req.Push(Read(8));  // bank 1
  h.Step();
  h.Step();
  EXPECT_TRUE(h.a.resp.CanPop());
  EXPECT_TRUE(h.b.resp.CanPop());
}

TEST(Glb, ByteEnablesWriteOnlySelectedBytes) {
  Harness h;
  const uint8_t init[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  h.glb.Poke(16, init, 8);
  std::deque<GlbReq> writes;
  const uint8_t src[3] = {0xa, 0xb, 0xc};
  SplitWrites(16 + 6, src, 3, 8, DataType::kOutput, &writes);  // straddles two words
  ASSERT_EQ(writes.size(), 2u);
  for (GlbReq& w : writes) {
    h.a.req.Push(w);
    h.Step();
    h.Step();
    h.a.resp.Pop();
  }
  uint8_t out[10];
  h.glb.Peek(16, out, 10);
  const uint8_t want[10] = {1, 2, 3, 4, 5, 6, 0xa, 0xb, 0xc, 0};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(out[i], want[i]) << "byte " << i;
}

}  // namespace
}  // namespace cssim
