// Dram timing model: exact latencies (one cycle early must fail), bandwidth bounds derived from
// the converted timing, FR-FCFS order, data integrity, back-pressure, safe cycle skipping, and
// the presets.
#include "model/dram/dram.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

#include "model/base/error.h"
#include "model/dram/presets.h"

namespace cssim {
namespace {

// LPDDR4 at 500 MHz (2 ns): rcd 10, cl 9, rp 10, ras 22, wr 10, burst 5 (see Timing test).
constexpr double kMhz = 500;

DramReq Read(uint64_t addr, uint32_t tag = 0) {
  DramReq r;
  r.addr = addr;
  r.tag = tag;
  return r;
}

DramReq Write(uint64_t addr, uint32_t tag, uint8_t seed) {
  DramReq r;
  r.addr = addr;
  r.write = true;
  r.tag = tag;
  for (int i = 0; i < kDramAtomBytes; ++i) r.data[i] = static_cast<uint8_t>(seed + 7 * i);
  return r;
}

// Drives one Dram the way the engine does: in cycle `now` the DMA side acts, the Dram ticks,
// then both links commit. After Step(), `now` is the next cycle and resp().CanPop() says
// whether a response is visible in it.
struct Bench {
  explicit Bench(const DramSpec& spec, double mhz = kMhz) : dram(spec, mhz, root) {}

  void Step(const std::vector<DramReq>& pushes = {}) {
    for (const DramReq& r : pushes) dram.req().Push(r);
    dram.Tick(now);
    for (LinkBase* l : dram.links()) l->Commit();
    ++now;
  }
  void IdleUntil(Cycle c) {
    while (now < c) Step();
  }
  // The timing probe: one cycle before `due` no response may be visible, at `due` one must be.
  // Call it at most at due - 1; returns whether the response came on time.
  bool ArrivesExactlyAt(Cycle due) {
    IdleUntil(due - 1);
    EXPECT_FALSE(dram.resp().CanPop()) << "visible one cycle early";
    Step();
    EXPECT_TRUE(dram.resp().CanPop()) << "not visible on time";
    return dram.resp().CanPop();
  }
  // Pops every visible response, recording the cycle it became visible.
  void Drain() {
    while (dram.resp().CanPop()) {
      DramResp r = dram.resp().Pop();
      seen[r.tag] = now;
      data[r.tag] = r;
    }
  }
  // Steps (draining each cycle) until the response `tag` has been seen; returns its cycle.
  Cycle WaitFor(uint32_t tag) {
    for (int i = 0; i < 100000 && !seen.count(tag); ++i) {
      Drain();
      if (!seen.count(tag)) Step();
    }
    return seen.at(tag);
  }
  // Streams `n` reads of consecutive atoms from address 0, pushing whenever the request link
  // takes them; returns the cycle the last response became visible.
  Cycle StreamReads(int n) {
    int sent = 0;
    uint32_t got = 0;
    while (got < static_cast<uint32_t>(n)) {
      if (now > 100u * static_cast<Cycle>(n)) {
        ADD_FAILURE() << "stream stuck: " << dram.DebugState();
        break;
      }
      while (dram.resp().CanPop()) {
        dram.resp().Pop();
        ++got;
      }
      if (got == static_cast<uint32_t>(n)) break;
      std::vector<DramReq> pushes;
      size_t room = dram.req().capacity() - dram.req().occupancy();
      while (sent < n && room-- > 0) {
        pushes.push_back(Read(static_cast<uint64_t>(sent) * kDramAtomBytes, sent));
        ++sent;
      }
      Step(pushes);
    }
    return now;
  }
  uint64_t Stat(const std::string& name) const {
    for (const Counter* c : root.children().at(0)->counters())
      if (c->name() == name) return c->value();
    ADD_FAILURE() << "no counter " << name;
    return 0;
  }

  StatGroup root{nullptr, "top"};
  Dram dram;
  Cycle now = 0;
  std::map<uint32_t, Cycle> seen;
  std::map<uint32_t, DramResp> data;
};

DramSpec Lpddr4() { return DramPreset("lpddr4"); }
// Address of bank `bank`, row `row`, column 0 of channel 0 for a one-channel LPDDR4.
uint64_t At(int bank, int row) {
  const DramSpec s = Lpddr4();
  return (static_cast<uint64_t>(row) * s.banks_per_channel + bank) * s.row_bytes;
}

TEST(DramTiming, ConvertsTckToAcceleratorCyclesRoundingUp) {
  StatGroup root(nullptr, "top");
  const Dram::Timing t = Dram(Lpddr4(), kMhz, root).timing();
  // 0.625 ns * 500 MHz = 0.3125 cycles per tCK: 29 -> 9.06 -> 10; 28 -> 8.75 -> 9; 68 -> 21.25
  // -> 22; burst: ceil(64 / (2 B * 16)) = 2 bursts of 8 tCK = 16 tCK = 5.0 -> 5.
  EXPECT_EQ(t.rcd, 10);
  EXPECT_EQ(t.cl, 9);
  EXPECT_EQ(t.rp, 10);
  EXPECT_EQ(t.ras, 22);
  EXPECT_EQ(t.wr, 10);
  EXPECT_EQ(t.burst_cycles, 5);
}

TEST(DramTiming, ExactProductsGainNoCycle) {
  StatGroup root(nullptr, "top");
  // 14 tCK * 1 ns at 1000 MHz is 14 cycles, not 15.
  const Dram::Timing t = Dram(DramPreset("hbm2"), 1000, root).timing();
  EXPECT_EQ(t.rcd, 14);
  EXPECT_EQ(t.burst_cycles, 4);  // 2 bursts of BL4 = 4 tCK
  // 25 tCK * 1.1 ns at 1200 MHz is 33 on paper but 33.00000000000001 in doubles.
  DramSpec s = DramPreset("hbm2");
  s.tck_ns = 1.1;
  s.t_rcd = 25;
  EXPECT_EQ(Dram(s, 1200, root, "dram2").timing().rcd, 33);
}

TEST(DramLatency, ClosedBankReadIsOnePlusRcdPlusClPlusBurst) {
  Bench b(Lpddr4());
  const Dram::Timing t = b.dram.timing();
  b.IdleUntil(3);
  const Cycle sent = b.now;
  b.Step({Read(At(2, 5), 1)});
  const Cycle due = sent + 1 + t.rcd + t.cl + t.burst_cycles;
  ASSERT_TRUE(b.ArrivesExactlyAt(due));
  EXPECT_EQ(b.dram.resp().Front().tag, 1u);
  EXPECT_EQ(b.Stat("row_misses"), 1u);
  EXPECT_EQ(b.Stat("activates"), 1u);
}

TEST(DramLatency, RowHitSkipsRcd) {
  Bench b(Lpddr4());
  const Dram::Timing t = b.dram.timing();
  b.Step({Read(At(0, 0), 1)});
  b.WaitFor(1);
  b.IdleUntil(b.now + 50);
  const Cycle sent = b.now;
  b.Step({Read(At(0, 0) + 5 * kDramAtomBytes, 2)});  // same bank and row, column 5
  const Cycle due = sent + 1 + t.cl + t.burst_cycles;
  EXPECT_TRUE(b.ArrivesExactlyAt(due));
  EXPECT_EQ(b.Stat("row_hits"), 1u);
  EXPECT_EQ(b.Stat("activates"), 1u);
}

TEST(DramLatency, RowConflictAddsRp) {
  Bench b(Lpddr4());
  const Dram::Timing t = b.dram.timing();
  b.Step({Read(At(0, 0), 1)});
  b.WaitFor(1);
  b.IdleUntil(b.now + 50);  // tRAS of the first ACT long expired
  const Cycle sent = b.now;
  b.Step({Read(At(0, 1), 2)});
  const Cycle due = sent + 1 + t.rp + t.rcd + t.cl + t.burst_cycles;
  EXPECT_TRUE(b.ArrivesExactlyAt(due));
  EXPECT_EQ(b.Stat("row_conflicts"), 1u);
  EXPECT_EQ(b.Stat("activates"), 2u);
}

TEST(DramLatency, RowConflictWaitsForRasOfARecentActivate) {
  Bench b(Lpddr4());
  const Dram::Timing t = b.dram.timing();
  const Cycle sent = b.now;
  b.Step({Read(At(0, 0), 1)});  // ACT row 0 at sent + 1
  b.Step({Read(At(0, 1), 2)});  // conflict: PRE no earlier than sent + 1 + ras
  const Cycle due = sent + 1 + t.ras + t.rp + t.rcd + t.cl + t.burst_cycles;
  b.IdleUntil(due - 1);
  b.Drain();
  EXPECT_EQ(b.seen.count(1), 1u);
  ASSERT_TRUE(b.ArrivesExactlyAt(due));
  EXPECT_EQ(b.dram.resp().Front().tag, 2u);
}

TEST(DramLatency, PrechargeAfterAWriteWaitsForWr) {
  // Write to a closed bank at t: WR at t + 1 + rcd, data ends at E = t + 1 + rcd + cl + burst;
  // the PRE for a conflicting read waits until E + wr (here later than t + 1 + ras).
  Bench b(Lpddr4());
  const Dram::Timing t = b.dram.timing();
  const Cycle sent = b.now;
  b.Step({Write(At(0, 0), 1, 5)});
  b.Step({Read(At(0, 1), 2)});
  const Cycle data_end = sent + 1 + t.rcd + t.cl + t.burst_cycles;
  ASSERT_GT(data_end + t.wr, sent + 1 + t.ras);
  const Cycle due = data_end + t.wr + t.rp + t.rcd + t.cl + t.burst_cycles;
  EXPECT_EQ(b.WaitFor(1), data_end);  // the write ack, pushed in the last data beat
  ASSERT_TRUE(b.ArrivesExactlyAt(due));
  EXPECT_EQ(b.dram.resp().Front().tag, 2u);
}

TEST(DramNextEvent, WhileWaitingOnClReturnsTheLastDataBeat) {
  Bench b(Lpddr4());
  const Dram::Timing t = b.dram.timing();
  b.Step({Read(At(0, 0), 1)});                    // pushed at 0, ACT at 1
  EXPECT_EQ(b.dram.NextEvent(b.now - 1), b.now);  // the request is visible next cycle
  b.Step();                                       // cycle 1: ACT
  EXPECT_EQ(b.dram.NextEvent(1), Cycle{1} + t.rcd);
  b.IdleUntil(1 + t.rcd + 1);  // cycle 1 + rcd: RD
  const Cycle rd = 1 + t.rcd;
  const Cycle last_beat = rd + t.cl + t.burst_cycles - 1;
  EXPECT_EQ(b.dram.NextEvent(rd), last_beat);
  // Skip straight there, as the engine would: the response is pushed in that cycle.
  b.now = last_beat;
  b.Step();
  EXPECT_TRUE(b.dram.resp().CanPop());
  EXPECT_EQ(b.now, rd + t.cl + t.burst_cycles);
  EXPECT_EQ(b.dram.NextEvent(b.now - 1), kNever);
}

TEST(DramBandwidth, SequentialReadsStreamAtPeakAfterTheFirstAccess) {
  // Each row holds 32 atoms; 16 queued requests give 80 cycles of look-ahead, more than the
  // rp + rcd = 20 cycles a bank needs to switch rows, so the bus never idles after the first
  // access: the last of n responses is visible at 1 + rcd + cl + n * burst (bandwidth 99.8 %
  // of peak for n = 2048).
  Bench b(Lpddr4());
  const Dram::Timing t = b.dram.timing();
  const int n = 2048;
  const Cycle end = b.StreamReads(n);
  EXPECT_EQ(end, Cycle{1} + t.rcd + t.cl + static_cast<Cycle>(n) * t.burst_cycles);
  const double bw = n * 64.0 / end;
  EXPECT_GE(bw, 0.99 * b.dram.peak_bytes_per_cycle());
  EXPECT_DOUBLE_EQ(b.dram.peak_bytes_per_cycle(), 64.0 / 5);
  // 2048 atoms = 64 rows: the first 8 find their bank closed, the other 56 a different row.
  EXPECT_EQ(b.Stat("activates"), 64u);
  EXPECT_EQ(b.Stat("row_misses"), 8u);
  EXPECT_EQ(b.Stat("row_conflicts"), 56u);
  EXPECT_EQ(b.Stat("row_hits"), static_cast<uint64_t>(n - 64));
  EXPECT_EQ(b.Stat("reads"), static_cast<uint64_t>(n));
  EXPECT_EQ(b.Stat("busy_cycles"), static_cast<uint64_t>(n) * t.burst_cycles);
}

TEST(DramBandwidth, ReadsToDifferentBanksOverlap) {
  // Eight reads to eight closed banks, sent together: ACTs go out on consecutive cycles and the
  // accesses then queue only for the bus, so the last is visible at 1 + rcd + cl + 8 * burst,
  // where one bank at a time would take 8 * (rcd + cl + burst).
  Bench b(Lpddr4());
  const Dram::Timing t = b.dram.timing();
  std::vector<DramReq> reqs;
  for (int bank = 0; bank < 8; ++bank) reqs.push_back(Read(At(bank, 3), bank));
  b.Step(reqs);
  for (uint32_t tag = 0; tag < 8; ++tag) b.WaitFor(tag);
  EXPECT_EQ(b.seen.at(7), Cycle{1} + t.rcd + t.cl + 8 * t.burst_cycles);
  EXPECT_LT(b.seen.at(7), Cycle{8} * (t.rcd + t.cl + t.burst_cycles) / 2);
}

TEST(DramBandwidth, TwoChannelsServeInParallel) {
  // Same stream over two channels: each channel moves n/2 atoms, so the time is
  // 1 + rcd + cl + (n/2) * burst against 1 + rcd + cl + n * burst: ratio 10260 / 5140 = 1.996.
  DramSpec two = Lpddr4();
  two.channels = 2;
  Bench one_ch(Lpddr4()), two_ch(two);
  const int n = 2048;
  const double ratio = static_cast<double>(one_ch.StreamReads(n)) / two_ch.StreamReads(n);
  EXPECT_NEAR(ratio, 1.996, 0.002);
  EXPECT_DOUBLE_EQ(two_ch.dram.peak_bytes_per_cycle(), 2 * one_ch.dram.peak_bytes_per_cycle());
}

TEST(DramBandwidth, HalvingTheBusHalvesStreamingBandwidth) {
  // x8 instead of x16: 4 bursts of BL16 = 32 tCK = 10 cycles per atom instead of 5. Times are
  // 20 + 2048 * 10 and 20 + 2048 * 5 cycles: bandwidth ratio 10260 / 20500 = 0.5005.
  DramSpec narrow = Lpddr4();
  narrow.bus_bytes = 1;
  Bench wide_b(Lpddr4()), narrow_b(narrow);
  EXPECT_EQ(narrow_b.dram.timing().burst_cycles, 10);
  const int n = 2048;
  const double ratio = static_cast<double>(wide_b.StreamReads(n)) / narrow_b.StreamReads(n);
  EXPECT_NEAR(ratio, 0.5005, 0.001);
}

TEST(DramScheduling, FrFcfsServesAYoungerRowHitBeforeAnOlderMiss) {
  Bench b(Lpddr4());
  const Dram::Timing t = b.dram.timing();
  b.Step({Read(At(0, 0), 1)});
  b.WaitFor(1);
  b.IdleUntil(b.now + 50);
  const Cycle sent = b.now;
  // Older: a row conflict in bank 0. Younger: a hit on bank 0's open row.
  b.Step({Read(At(0, 1), 2), Read(At(0, 0) + kDramAtomBytes, 3)});
  b.WaitFor(2);
  ASSERT_EQ(b.seen.count(3), 1u);
  EXPECT_EQ(b.seen.at(3), sent + 1 + t.cl + t.burst_cycles);
  // The PRE for the older request waits for the hit's RD (one command per cycle).
  EXPECT_EQ(b.seen.at(2), sent + 2 + t.rp + t.rcd + t.cl + t.burst_cycles);
}

TEST(DramData, WrittenDataReadsBackAndLoadPeekAgree) {
  Bench b(Lpddr4());
  std::vector<uint8_t> blob(300);
  for (size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<uint8_t>(i * 13 + 1);
  b.dram.Load(4096 - 100, blob.data(), blob.size());  // crosses a backing-store page
  const uint64_t addrs[] = {At(0, 0), At(3, 7), At(3, 8), 1ull << 33};
  std::vector<DramReq> writes;
  for (uint32_t i = 0; i < 4; ++i) writes.push_back(Write(addrs[i], i, static_cast<uint8_t>(i)));
  b.Step(writes);
  for (uint32_t i = 0; i < 4; ++i) b.WaitFor(i);
  EXPECT_TRUE(b.data.at(0).write);  // a write is acknowledged, with no data
  EXPECT_EQ(b.data.at(0).data, (std::array<uint8_t, kDramAtomBytes>{}));
  std::vector<DramReq> reads;
  for (uint32_t i = 0; i < 4; ++i) reads.push_back(Read(addrs[i], 10 + i));
  reads.push_back(Read(4096 - 64, 20));  // from Load()
  b.Step(reads);
  for (uint32_t i = 0; i < 4; ++i) {
    b.WaitFor(10 + i);
    EXPECT_EQ(b.data.at(10 + i).data, writes[i].data) << "atom " << i;
    EXPECT_FALSE(b.data.at(10 + i).write);
  }
  b.WaitFor(20);
  for (int i = 0; i < kDramAtomBytes; ++i) ASSERT_EQ(b.data.at(20).data[i], blob[36 + i]);
  std::vector<uint8_t> back(blob.size());
  b.dram.Peek(4096 - 100, back.data(), back.size());
  EXPECT_EQ(back, blob);
  uint8_t never_written[3] = {9, 9, 9};
  b.dram.Peek(1ull << 40, never_written, 3);
  EXPECT_EQ(never_written[0] | never_written[1] | never_written[2], 0);
}

TEST(DramData, AMaskedWriteChangesOnlyTheEnabledBytes) {
  Bench b(Lpddr4());
  std::array<uint8_t, kDramAtomBytes> before;
  before.fill(0xAA);
  b.dram.Load(At(2, 1), before.data(), before.size());
  DramReq w = Write(At(2, 1), 1, 3);
  w.byte_mask = 0xF0F0'0000'0000'0001ull;  // bytes 0, 52..55, 60..63
  b.Step({w});
  b.WaitFor(1);
  std::array<uint8_t, kDramAtomBytes> after;
  b.dram.Peek(At(2, 1), after.data(), after.size());
  for (int i = 0; i < kDramAtomBytes; ++i) {
    const bool enabled = w.byte_mask >> i & 1;
    EXPECT_EQ(after[i], enabled ? w.data[i] : 0xAA) << "byte " << i;
  }
}

TEST(DramData, AReadQueuedBehindAWriteToTheSameAtomSeesTheWrite) {
  Bench b(Lpddr4());
  b.Step({Read(At(1, 0), 1)});  // opens row 0 of bank 1
  b.WaitFor(1);
  b.Step({Write(At(1, 2), 2, 42), Read(At(1, 2), 3), Write(At(1, 2), 4, 99), Read(At(1, 2), 5)});
  b.WaitFor(5);
  EXPECT_EQ(b.data.at(3).data, Write(0, 0, 42).data);
  EXPECT_EQ(b.data.at(5).data, Write(0, 0, 99).data);
}

TEST(DramBackPressure, AFullResponseLinkStallsTheChannel) {
  // Nobody pops until cycle 200. Reads i are due (last beat) at 24 + 5i; the link holds 16, so
  // read 16 is due at 104 and cannot go out: the channel stalls from 104 through 200 (97
  // cycles) and holds back read 19's RD (reads 17 and 18 were issued before the stall).
  Bench b(Lpddr4());
  std::vector<DramReq> first, rest;
  for (uint32_t i = 0; i < 20; ++i) (i < 16 ? first : rest).push_back(Read(i * kDramAtomBytes, i));
  b.Step(first);  // the request link holds 16; the Dram takes them all in cycle 1
  b.Step();
  b.Step(rest);  // they wait in the link until queue slots free up, long before their turn
  b.IdleUntil(200);
  EXPECT_EQ(b.dram.resp().occupancy(), 16u);
  EXPECT_NE(b.dram.DebugState().find("STALLED"), std::string::npos);
  b.Drain();
  b.Step();
  EXPECT_EQ(b.Stat("stall_cycles"), 97u);
  EXPECT_EQ(b.WaitFor(19), Cycle{201} + 9 + 5);  // RD at 201, then cl + burst
}

TEST(DramBackPressure, ChannelsTakeTurnsOnAFullResponseLink) {
  // Two channels, a response link of 8, and a consumer that takes one response every 10
  // cycles from cycle 100 while each channel could deliver one every 5: both channels stay
  // stalled, and each freed slot must go to the other channel than the last one.
  DramSpec spec = Lpddr4();
  spec.channels = 2;
  spec.queue_depth = 4;
  Bench b(spec);
  std::vector<DramReq> first, rest;
  for (uint32_t i = 0; i < 16; ++i) (i < 8 ? first : rest).push_back(Read(i * kDramAtomBytes, i));
  b.Step(first);
  b.Step();
  b.Step(rest);
  std::vector<uint32_t> channel_order;
  while (channel_order.size() < 16 && b.now < 2000) {
    if (b.now >= 100 && b.now % 10 == 0 && b.dram.resp().CanPop())
      channel_order.push_back(b.dram.resp().Pop().tag % 2);
    b.Step();
  }
  ASSERT_EQ(channel_order.size(), 16u);
  for (size_t i = 0; i < channel_order.size(); ++i) EXPECT_EQ(channel_order[i], i % 2) << i;
  EXPECT_GT(b.Stat("stall_cycles"), 0u);
}

// Runs one scenario twice, ticking every cycle and skipping to the next event the way the
// engine does; every response must become visible in the same cycle and the stats must agree.
struct Scenario {
  std::vector<std::pair<Cycle, DramReq>> pushes;  // (earliest cycle, request), in cycle order
  Cycle pop_from = 0;                             // the consumer pops nothing before this
};

struct Outcome {
  std::map<uint32_t, Cycle> seen;
  std::vector<uint64_t> stats;
  uint64_t ticks = 0;
};

Outcome RunScenario(const DramSpec& spec, const Scenario& sc, bool skip) {
  StatGroup root(nullptr, "top");
  Dram dram(spec, kMhz, root);
  Outcome out;
  size_t next = 0;
  Cycle now = 0;
  while (out.seen.size() < sc.pushes.size()) {
    if (now > 1000000) {
      ADD_FAILURE() << "scenario stuck: " << dram.DebugState();
      break;
    }
    if (now >= sc.pop_from) {
      while (dram.resp().CanPop()) out.seen[dram.resp().Pop().tag] = now;
    }
    while (next < sc.pushes.size() && sc.pushes[next].first <= now && dram.req().CanPush())
      dram.req().Push(sc.pushes[next++].second);
    dram.Tick(now);
    ++out.ticks;
    bool moved = false;
    for (LinkBase* l : dram.links()) moved |= l->Commit();
    if (!skip || moved) {
      ++now;
      continue;
    }
    Cycle wake = dram.NextEvent(now);
    if (next < sc.pushes.size()) wake = std::min(wake, std::max(sc.pushes[next].first, now + 1));
    if (now < sc.pop_from && dram.resp().CanPop()) wake = std::min(wake, sc.pop_from);
    if (wake == kNever) {
      ADD_FAILURE() << "nothing left to wake the Dram at cycle " << now;
      break;
    }
    now = wake;
  }
  out.stats = root.Snapshot();
  return out;
}

TEST(DramNextEvent, SkippingIdleCyclesChangesNothing) {
  DramSpec spec = Lpddr4();
  spec.channels = 2;
  spec.queue_depth = 4;
  std::mt19937_64 rng(7);
  Scenario sc;
  sc.pop_from = 600;
  Cycle c = 0;
  for (uint32_t i = 0; i < 300; ++i) {
    c += rng() % 9;  // bursts and gaps
    // Few banks and rows, so hits, misses and conflicts all occur.
    const uint64_t bank = rng() % 3, row = rng() % 3, col = rng() % 4, ch = rng() % 2;
    const uint64_t atom = ((row * spec.banks_per_channel + bank) * 32 + col) * 2 + ch;
    DramReq r = rng() % 3 == 0 ? Write(atom * 64, i, static_cast<uint8_t>(i)) : Read(atom * 64, i);
    r.tag = i;
    sc.pushes.push_back({c, r});
  }
  const Outcome every = RunScenario(spec, sc, false);
  const Outcome skipped = RunScenario(spec, sc, true);
  ASSERT_EQ(every.seen.size(), sc.pushes.size());
  EXPECT_EQ(every.seen, skipped.seen);
  EXPECT_EQ(every.stats, skipped.stats);
  EXPECT_LT(skipped.ticks, every.ticks);
  // The scenario exercised every path it is meant to cover.
  StatGroup root(nullptr, "top");
  Dram names(spec, kMhz, root);
  std::map<std::string, uint64_t> by_name;
  size_t k = 0;
  root.Walk([&](const Counter& ctr) { by_name[ctr.name()] = every.stats[k++]; });
  EXPECT_GT(by_name["row_hits"], 0u);
  EXPECT_GT(by_name["row_misses"], 0u);
  EXPECT_GT(by_name["row_conflicts"], 0u);
  EXPECT_GT(by_name["stall_cycles"], 0u);
  EXPECT_GT(by_name["writes"], 0u);
}

TEST(DramStats, CountersCarryTheEnergyActions) {
  StatGroup root(nullptr, "top");
  Dram dram(Lpddr4(), kMhz, root);
  ASSERT_EQ(root.children().size(), 1u);
  const StatGroup& g = *root.children()[0];
  EXPECT_EQ(g.name(), "dram");
  EXPECT_EQ(g.energy().component, "dram");
  EXPECT_EQ(g.energy().width_bits, 512);
  std::map<std::string, std::string> action;
  for (const Counter* c : g.counters()) action[c->name()] = c->action();
  // Totals carry no energy; the per-data-type counters do, so nothing is counted twice.
  EXPECT_EQ(action.at("reads"), "");
  EXPECT_EQ(action.at("writes"), "");
  for (const char* t : {"none", "weight", "input", "psum", "output"}) {
    EXPECT_EQ(action.at(std::string("reads_") + t), "read") << t;
    EXPECT_EQ(action.at(std::string("writes_") + t), "write") << t;
  }
  EXPECT_EQ(action.at("activates"), "activate");
  for (const char* n : {"row_hits", "row_misses", "row_conflicts", "busy_cycles", "stall_cycles"})
    EXPECT_EQ(action.at(n), "") << n;
}

TEST(DramPresets, GiveDistinctTimingAndBandwidth) {
  const std::vector<std::string> names = DramPresetNames();
  ASSERT_EQ(names, (std::vector<std::string>{"lpddr4", "ddr4", "hbm2"}));
  std::vector<std::vector<int>> seen;
  for (const std::string& n : names) {
    const DramSpec s = DramPreset(n);
    EXPECT_EQ(s.preset, n);
    StatGroup root(nullptr, "top");
    const Dram::Timing t = Dram(s, 1000, root).timing();
    const std::vector<int> v = {t.rcd, t.cl, t.rp, t.ras, t.wr, t.burst_cycles};
    for (const auto& other : seen) EXPECT_NE(v, other) << n;
    seen.push_back(v);
  }
  StatGroup root(nullptr, "top");
  // HBM2: 8 pseudo-channels x 64 B per 4 ns = 128 B per 1 GHz cycle; DDR4-2400 x64: 64 B per
  // 4 tCK = 3.33 ns -> 4 cycles at 1 GHz.
  EXPECT_DOUBLE_EQ(Dram(DramPreset("hbm2"), 1000, root, "h").peak_bytes_per_cycle(), 128);
  EXPECT_DOUBLE_EQ(Dram(DramPreset("ddr4"), 1000, root, "d").peak_bytes_per_cycle(), 16);
}

TEST(DramPresets, UnknownNameThrowsInputError) {
  try {
    DramPreset("ddr9");
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "<input>: dram.preset: unknown preset 'ddr9'; allowed: lpddr4, ddr4, hbm2");
  }
}

TEST(DramSpecCheck, BadFieldsThrowInputErrorNamingTheKey) {
  StatGroup root(nullptr, "top");
  DramSpec s = Lpddr4();
  s.row_bytes = 100;
  EXPECT_THROW({ Dram d(s, kMhz, root); }, InputError);
  s = Lpddr4();
  s.t_rcd = 0;
  try {
    Dram d(s, kMhz, root);
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("dram.t_rcd"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cssim

namespace cssim {
namespace {

TEST(DramStats, ReadsAndWritesAreCountedByDataType) {
  Bench b(Lpddr4());
  DramReq w = Read(At(1, 0), 1);
  w.data_type = DataType::kWeight;
  DramReq o = Read(At(2, 0), 2);
  o.write = true;
  o.data_type = DataType::kOutput;
  b.Step({w, o});
  b.WaitFor(1);
  b.WaitFor(2);
  EXPECT_EQ(b.Stat("reads_weight"), 1u);
  EXPECT_EQ(b.Stat("reads_input"), 0u);
  EXPECT_EQ(b.Stat("writes_output"), 1u);
  EXPECT_EQ(b.Stat("reads"), 1u);
  EXPECT_EQ(b.Stat("writes"), 1u);
}

}  // namespace
}  // namespace cssim
