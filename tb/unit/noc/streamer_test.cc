// Streamer: values in pattern order, one beat per cycle when the GLB keeps up, the bus pipeline
// latency to the cycle, and the per-lane word register (a lane reads each word once, and never
// keeps one across commands).
#include "model/noc/streamer.h"

#include <gtest/gtest.h>

#include <set>

namespace cssim {
namespace {

struct Result {
  std::vector<Cycle> arrivals;           // every beat, all commands
  std::vector<std::vector<Beat>> beats;  // per command
  std::vector<uint64_t> reads;           // GLB word reads per command
  uint64_t transfers = 0, reg_hits = 0;  // the streamer's counters at the end
};

// Streams `cmds` one after another from a 4 KiB GLB of 4 banks x 8-byte words, read through a
// port of 2 reads per cycle (a 16 B/cycle bus). Before command i, images[i] (when not empty) is
// written from GLB address 0, outside simulated time, once the previous command is done.
Result Drive(const std::vector<StreamCmd>& cmds, const std::vector<std::vector<uint8_t>>& images,
             int latency, int buffer_bytes) {
  GlbSpec gs;
  gs.size_kib = 4;
  gs.banks = 4;
  gs.bank_width_bytes = 8;
  StatGroup root(nullptr, "top");
  Glb glb(gs, root);
  Glb::Port& port = glb.AddPort("bus", 2, 4);
  Streamer s("bus", 8, buffer_bytes, latency, port, 8, DataType::kInput, root);
  Result r;
  Cycle now = 0;
  for (size_t i = 0; i < cmds.size(); ++i) {
    if (!images[i].empty()) glb.Poke(0, images[i].data(), images[i].size());
    const uint64_t reads_before = port.req.pushes();
    s.cmd().Push(cmds[i]);
    s.cmd().Commit();
    r.beats.emplace_back();
    for (const Cycle end = now + 1000; now < end && r.beats[i].size() < cmds[i].beats; ++now) {
      s.Tick(now);
      glb.Tick(now);
      if (s.out().CanPop()) {
        r.beats[i].push_back(s.out().Pop());
        r.arrivals.push_back(now);
      }
      for (LinkBase* l : s.links()) l->Commit();
      port.req.Commit();
      port.resp.Commit();
    }
    r.reads.push_back(port.req.pushes() - reads_before);
  }
  root.Walk([&](const Counter& c) {
    if (c.group().name() != "bus") return;
    if (c.name() == "transfers") r.transfers = c.value();
    if (c.name() == "reg_hits") r.reg_hits = c.value();
  });
  return r;
}

// 32 beats of 4 lanes of the os weight pattern: beat b, lane l reads 4b + l.
StreamCmd OsWeight() {
  StreamCmd c;
  c.kind = StreamKind::kOsWeight;
  c.geom.w_base = 0;
  c.geom.n_tile = 4;
  c.geom.k = 32;
  c.lanes = 4;
  c.beats = 32;
  return c;
}

std::vector<uint8_t> Image(size_t n, int mul, int add) {
  std::vector<uint8_t> bytes(n);
  for (size_t i = 0; i < n; ++i) bytes[i] = uint8_t(int(i) * mul + add);
  return bytes;
}

Result Stream(int latency) { return Drive({OsWeight()}, {Image(256, 7, 3)}, latency, 16); }

// A conv's input stream with c = 1 and a 1 x kw kernel over one input row of `w` bytes at GLB 0:
// ws, kp = 1, so lane l is kernel column l and beat p is output pixel p: lane l reads byte p + l.
// Each lane slides one byte per beat through its words: the case the word register is for.
// `lanes` < kw streams the first `lanes` kernel columns only (the first pass of a reduction).
StreamCmd ConvRow(int w, int kw, int lanes) {
  StreamCmd c;
  c.kind = StreamKind::kWsInput;
  c.geom.c = 1;
  c.geom.h = 1;
  c.geom.w = w;
  c.geom.kh = 1;
  c.geom.kw = kw;
  c.geom.wo = w - kw + 1;
  c.geom.rows_in = 1;
  c.geom.k = kw;
  c.lanes = lanes;
  c.kp = 1;
  c.pixels = c.geom.wo;
  c.beats = uint64_t(c.geom.wo);
  return c;
}

void ExpectPatternValues(const StreamCmd& c, const std::vector<Beat>& beats,
                         const std::vector<uint8_t>& image) {
  ASSERT_EQ(beats.size(), c.beats);
  for (uint64_t b = 0; b < c.beats; ++b)
    for (int l = 0; l < c.lanes; ++l) {
      const int64_t a = c.Addr(l, b);
      ASSERT_GE(a, 0);
      EXPECT_EQ(uint8_t(beats[b].v[size_t(l)]), image[size_t(a)]) << "beat " << b << " lane " << l;
    }
}

TEST(Streamer, DeliversPatternValuesInOrder) {
  const Result r = Stream(0);
  ASSERT_EQ(r.beats[0].size(), 32u);
  for (int b = 0; b < 32; ++b)
    for (int l = 0; l < 4; ++l)
      EXPECT_EQ(uint8_t(r.beats[0][b].v[l]), uint8_t((4 * b + l) * 7 + 3)) << b << "," << l;
}

TEST(Streamer, OneBeatPerCycleOnceStarted) {
  const Result r = Stream(0);
  ASSERT_EQ(r.arrivals.size(), 32u);
  // Each 8-byte word serves two beats of all four lanes and is read once: 16 reads for 32 beats,
  // 2 per cycle allowed, so the bus never starves after the first beat. Once the 16-value
  // buffers are full a word's second beat finds room a cycle after the word's read was issued,
  // and joins that read while it is in flight (before the register, it read the word again: 23
  // reads); the data are never back by then, so the register itself never hits.
  EXPECT_EQ(r.arrivals.back() - r.arrivals.front(), 31u);
  EXPECT_EQ(r.reads[0], 16u);
  EXPECT_EQ(r.reg_hits, 0u);
}

TEST(Streamer, BusLatencyDelaysEveryBeatExactly) {
  const Result r0 = Stream(0), r3 = Stream(3);
  ASSERT_EQ(r0.arrivals.size(), 32u);
  ASSERT_EQ(r3.arrivals.size(), 32u);
  for (size_t i = 0; i < 32; ++i) EXPECT_EQ(r3.arrivals[i], r0.arrivals[i] + 3) << "beat " << i;
}

// 64 output pixels of a 1 x 5 kernel: lane l reads bytes l .. l + 63, so lane 0 meets words
// 0..7 and lanes 1..4 words 0..8: 8 + 4 * 9 = 44 (lane, word) pairs. A lane's 16-value buffer
// is full long before it leaves a word, so without the register every value popped would need
// a new read of the same word (one read per lane per beat, 5 per beat at 2 per cycle).
TEST(Streamer, WordRegisterReadsEachWordOncePerLane) {
  const StreamCmd c = ConvRow(68, 5, 5);
  const std::vector<uint8_t> image = Image(68, 37, 11);
  const Result r = Drive({c}, {image}, 0, 16);
  ExpectPatternValues(c, r.beats[0], image);
  size_t pairs = 0;
  for (int l = 0; l < c.lanes; ++l) {
    std::set<int64_t> words;
    for (uint64_t b = 0; b < c.beats; ++b) words.insert(c.Addr(l, b) / 8);
    pairs += words.size();
  }
  ASSERT_EQ(pairs, 44u);
  // At most one read per (lane, word); the first read of a word also serves every other lane
  // whose next value lies in it, so reads may be fewer.
  EXPECT_LE(r.reads[0], pairs);
  // Every value crosses the bus once: read from the GLB, or from the lane's register.
  EXPECT_EQ(r.transfers + r.reg_hits, c.beats * uint64_t(c.lanes));
  EXPECT_GT(r.reg_hits, r.transfers);
}

// One lane alone shares no read: it reads exactly its distinct words, bytes 0..63 -> words 0..7.
TEST(Streamer, WordRegisterOneLaneReadsItsDistinctWords) {
  const StreamCmd c = ConvRow(68, 5, 1);
  const std::vector<uint8_t> image = Image(68, 37, 11);
  const Result r = Drive({c}, {image}, 0, 16);
  ExpectPatternValues(c, r.beats[0], image);
  EXPECT_EQ(r.reads[0], 8u);
  EXPECT_EQ(r.transfers + r.reg_hits, c.beats);
}

TEST(Streamer, WordRegisterKeepsOneBeatPerCycle) {
  const StreamCmd c = ConvRow(68, 5, 5);
  const Result r = Drive({c}, {Image(68, 37, 11)}, 0, 16);
  ASSERT_EQ(r.arrivals.size(), 64u);
  // A lane needs a new word once per 8 beats; 5 lanes, 2 reads per cycle: the reads keep up.
  EXPECT_EQ(r.arrivals.back() - r.arrivals.front(), 63u);
}

// Both commands stream bytes 0..7 only (one word), so without clearing the register the second
// one would need no read at all and would deliver the first image's bytes.
TEST(Streamer, WordRegisterNeverServesAPreviousCommandsData) {
  const StreamCmd c = ConvRow(8, 5, 5);
  const std::vector<uint8_t> first = Image(8, 5, 1), second = Image(8, 11, 100);
  const Result r = Drive({c, c}, {first, second}, 0, 16);
  ExpectPatternValues(c, r.beats[0], first);
  ExpectPatternValues(c, r.beats[1], second);
  EXPECT_EQ(r.reads[1], 1u);  // the one word, once, shared by all five lanes
}

}  // namespace
}  // namespace cssim
