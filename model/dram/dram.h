// Dram: a cycle-level DRAM timing model with real data, as a Unit that a DMA engine talks to
// through two Links (requests in, responses out). It runs in ACCELERATOR cycles.
//
// Timing conversion. DramSpec gives timings in DRAM clocks (tCK). Each is converted once, at
// construction, to accelerator cycles as
//     cycles(t) = ceil(t * tck_ns * clock_mhz / 1000)
// (a product within 1e-9 of an integer counts as that integer, so float noise never adds a
// cycle). The data-bus time of one 64-byte atom is
//     bursts = ceil(64 / (bus_bytes * burst_length)),  burst_tck = bursts * burst_length / 2
// (two beats per tCK: DDR), converted the same way. Because every atom's bus time is rounded up
// on its own, a DRAM clock that is not a multiple of the accelerator clock loses some bandwidth;
// peak_bytes_per_cycle() is the model's true ceiling, channels * 64 / burst_cycles.
//
// Address mapping (atoms are 64 bytes; a = addr / 64):
//     channel = a % channels;                     a /= channels    (atoms interleave channels)
//     column  = a % (row_bytes / 64);             a /= row_bytes / 64
//     bank    = a % banks_per_channel;            row = a / banks_per_channel
// so a sequential stream fills one row of one bank per channel, then moves to the next bank.
//
// Per channel: a request queue of queue_depth entries, banks with one open row each (open-page
// policy), one command per cycle, one data bus. Scheduling is FR-FCFS: the oldest request whose
// RD/WR can issue now (a row hit) goes first; otherwise the oldest request whose ACT or PRE can
// issue now. A bank is not precharged while a queued request still hits its open row (row hits
// first; this can delay a conflicting request for as long as hits to the open row keep coming).
// Two requests to the same atom are always in one bank and row, so they are ready at the same
// time and the older goes first: reads and writes to one address never reorder.
// Bank timing: ACT->RD/WR rcd; RD/WR->first data cl; PRE->ACT rp; ACT->PRE ras; end of write
// data->PRE wr. Writes put their data on the bus cl after WR, like reads (no separate write
// latency). Not modelled: tRRD, tFAW, tCCD beyond the bus time, tRTP, read/write turnaround,
// bank groups, refresh.
//
// Latency (what the tests pin). The DMA pushes a request in cycle t; the Dram sees it at t+1
// (link) and issues its first command that cycle. A read's data occupies the bus for
// burst_cycles cycles starting cl after the RD; the response is pushed in the cycle of the last
// data beat and so is visible to the DMA (resp().CanPop()) one cycle later. Into an idle channel:
//     bank closed (row miss):      visible at t + 1 + rcd + cl + burst_cycles
//     row hit:                     visible at t + 1 + cl + burst_cycles
//     row conflict (row old):      visible at t + 1 + rp + rcd + cl + burst_cycles
//     row conflict, row opened at cycle a:  the PRE waits until a + ras.
// A write is acknowledged the same way, in the cycle its last data beat is on the bus.
//
// Ports. req(): capacity queue_depth * channels; requests enter their channel's queue in link
// order, as long as that queue has room (a full queue blocks the link behind it). resp(): one
// response per request (writes too: an ack with zero data), capacity queue_depth * channels.
// If resp() is full when a response is due, that channel stalls: it issues no command until the
// response is out (stall_cycles counts channel-cycles of this). The owner commits both links
// (links()); the Dram never does.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "model/base/dram_spec.h"
#include "model/base/link.h"
#include "model/base/stats.h"
#include "model/base/unit.h"

namespace cssim {

constexpr int kDramAtomBytes = 64;  // every request moves one aligned 64-byte atom

struct DramReq {
  uint64_t addr = 0;
  bool write = false;
  uint32_t tag = 0;
  std::array<uint8_t, kDramAtomBytes> data{};  // write data; ignored for reads
  uint64_t byte_mask = ~uint64_t(0);     // write byte enables (the DM/DMI pins); bit i = byte i
  DataType data_type = DataType::kNone;  // what the atom holds, for the energy breakdown
};

struct DramResp {
  uint64_t addr = 0;
  bool write = false;
  uint32_t tag = 0;
  std::array<uint8_t, kDramAtomBytes> data{};  // read data; zero for a write ack
};

class Dram : public Unit {
 public:
  // Timings after conversion to accelerator cycles.
  struct Timing {
    int rcd, cl, rp, ras, wr, burst_cycles;
  };

  // Throws InputError for a spec field out of range or a non-positive clock.
  Dram(const DramSpec& spec, double clock_mhz, StatGroup& parent, const std::string& name = "dram");

  Link<DramReq>& req() { return req_; }
  Link<DramResp>& resp() { return resp_; }
  // Both links, for the owner to commit at the end of every cycle.
  std::vector<LinkBase*> links() { return {&req_, &resp_}; }

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override;
  std::string DebugState() const override;

  // Functional access outside simulated time (any address and length; unwritten bytes read 0).
  void Load(uint64_t addr, const uint8_t* data, size_t n);
  void Peek(uint64_t addr, uint8_t* data, size_t n) const;

  Timing timing() const { return timing_; }
  double peak_bytes_per_cycle() const;
  const DramSpec& spec() const { return spec_; }

 private:
  struct Entry {
    DramReq req;
    int bank;
    int64_t row;
    bool needed_act = false;  // for row-hit/miss/conflict classification
    bool needed_pre = false;
  };
  struct Bank {
    int64_t open_row = -1;  // -1: precharged
    Cycle act_ok = 0;       // earliest ACT (tRP after PRE)
    Cycle col_ok = 0;       // earliest RD/WR (tRCD after ACT)
    Cycle pre_ok = 0;       // earliest PRE (tRAS after ACT, tWR after write data)
  };
  struct InFlight {
    Cycle done;  // cycle of the last data beat: the response is pushed in this cycle
    DramResp resp;
  };
  struct Channel {
    std::vector<Entry> queue;  // oldest first
    std::vector<Bank> banks;
    std::deque<InFlight> in_flight;  // in data order (the bus is serial)
    Cycle bus_free = 0;              // first cycle the data bus is free
    bool stalled = false;            // a due response could not be pushed
  };

  static constexpr uint64_t kPageBytes = 4096;

  void Retire(Cycle now);
  void Accept();
  void Schedule(Channel& ch, Cycle now);
  // Earliest cycle at which the next command for `e` is legal (ignores the one-command-per-cycle
  // and hit-first rules, so it is never later than the real issue cycle).
  Cycle EarliestCommand(const Channel& ch, const Entry& e) const;
  bool HasHitTo(const Channel& ch, int bank) const;

  DramSpec spec_;
  Timing timing_;
  int atoms_per_row_;
  Link<DramReq> req_;
  Link<DramResp> resp_;
  std::vector<Channel> channels_;
  std::map<uint64_t, std::vector<uint8_t>> pages_;  // page number -> kPageBytes bytes
  size_t first_to_push_ = 0;  // channel whose due response goes out first (round robin)
  bool ticked_ = false;
  Cycle last_tick_ = 0;

  StatGroup stats_;
  DataTypeCounters typed_reads_, typed_writes_;  // the energy actions, by data type
  Counter reads_, writes_, activates_, row_hits_, row_misses_, row_conflicts_, busy_cycles_,
      stall_cycles_;
};

}  // namespace cssim
