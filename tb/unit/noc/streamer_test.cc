// Streamer: values in pattern order, one beat per cycle when the GLB keeps up, and the bus
// pipeline latency to the cycle.
#include "model/noc/streamer.h"

#include <gtest/gtest.h>

namespace cssim {
namespace {

struct Result {
  std::vector<Cycle> arrivals;
  std::vector<Beat> beats;
};

// Streams 32 beats of 4 lanes (the os weight pattern: beat b, lane l reads w_base + 4b + l).
Result Stream(int latency) {
  GlbSpec gs;
  gs.size_kib = 4;
  gs.banks = 4;
  gs.bank_width_bytes = 8;
  StatGroup root(nullptr, "top");
  Glb glb(gs, root);
  Glb::Port& port = glb.AddPort("bus", 2, 4);
  Streamer s("bus", 4, 16, latency, port, 8, DataType::kWeight, root);
  std::vector<uint8_t> bytes(256);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = uint8_t(i * 7 + 3);
  glb.Poke(0, bytes.data(), bytes.size());
  StreamCmd c;
  c.kind = StreamKind::kOsWeight;
  c.geom.w_base = 0;
  c.geom.n_tile = 4;
  c.geom.k = 32;
  c.lanes = 4;
  c.beats = 32;
  s.cmd().Push(c);
  s.cmd().Commit();
  Result r;
  for (Cycle now = 0; now < 1000 && r.beats.size() < 32; ++now) {
    s.Tick(now);
    glb.Tick(now);
    if (s.out().CanPop()) {
      r.beats.push_back(s.out().Pop());
      r.arrivals.push_back(now);
    }
    for (LinkBase* l : s.links()) l->Commit();
    port.req.Commit();
    port.resp.Commit();
  }
  return r;
}

TEST(Streamer, DeliversPatternValuesInOrder) {
  const Result r = Stream(0);
  ASSERT_EQ(r.beats.size(), 32u);
  for (int b = 0; b < 32; ++b)
    for (int l = 0; l < 4; ++l)
      EXPECT_EQ(uint8_t(r.beats[b].v[l]), uint8_t((4 * b + l) * 7 + 3)) << b << "," << l;
}

TEST(Streamer, OneBeatPerCycleOnceStarted) {
  const Result r = Stream(0);
  ASSERT_EQ(r.arrivals.size(), 32u);
  // Each 8-byte word serves two beats of all four lanes: 16 reads for 32 beats, 2 per cycle
  // allowed, so the bus never starves after the first beat.
  EXPECT_EQ(r.arrivals.back() - r.arrivals.front(), 31u);
}

TEST(Streamer, BusLatencyDelaysEveryBeatExactly) {
  const Result r0 = Stream(0), r3 = Stream(3);
  ASSERT_EQ(r0.arrivals.size(), 32u);
  ASSERT_EQ(r3.arrivals.size(), 32u);
  for (size_t i = 0; i < 32; ++i) EXPECT_EQ(r3.arrivals[i], r0.arrivals[i] + 3) << "beat " << i;
}

}  // namespace
}  // namespace cssim
