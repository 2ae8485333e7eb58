// Output collector: the array's output bus into the GLB, with the post-processing unit (PPU).
//
// Function: per SumBeat (one pixel's column sums) it moves the 4*cols bytes over the output bus;
// unless the pass is the first of a reduction it reads the stored psums from the GLB and adds
// them (int32, wrapping); on the last pass it requantises / applies ReLU and writes the output
// elements, otherwise it writes the psums back. A transposed command (the systolic array's
// input-stationary passes) takes beats of one channel across pixels: its psums are rows of the
// same length ([channel][pixel]), its outputs one element per pixel (a write per element). Beats
// overlap: the next beats cross the bus and read their psums while earlier ones compute and write,
// and a command's beats may start while the previous command's last ones are still in flight.
// Results, writes and their order, and every count, are those of one beat at a time: a beat's psum
// reads wait for the writes of every earlier beat in flight whose bytes they overlap (the next pass
// over a small tile), and the port serves its requests in order. A command is done, and its index
// pushed on done() (in command order), when every write of its last beat is acknowledged by the
// GLB.
//
// Buffer: up to kBeatsInFlight beats between the cycle the bus takes them and the cycle their
// last write goes to the GLB port, each holding its 4*cols bytes of sums and, on a psum pass, the
// 4*cols bytes of stored psums it reads (64 + 64 bytes for 16 columns); up to kCmdsInFlight
// commands (parameters and a write-acknowledgement count each).
//
// Throughput: the bus takes a beat every ceil(4*cols / output_bus_bytes) cycles, the floor. The
// GLB port serves `port lanes` requests per cycle, writes first, then reads; a psum pass needs
// the psum run's words read and written, so a pass takes about max(bus, (reads + writes) / port
// lanes) cycles per beat (16 int32 columns on a 16-byte bus and a 2-request port: 4 cycles per
// beat on a first-and-last pass with int8 outputs, 8 on a psum pass). The compute stage takes
// one beat at a time: ceil(cols / ppu.lanes) cycles on the last pass, 1 (the psum add)
// otherwise.
// Latency: a beat taken in cycle t has crossed the bus at t + ceil(4*cols / output_bus_bytes).
// Its psum reads (words, in order) go out from cycle t, after queued writes and every earlier
// beat's reads; a read pushed in cycle x is back in x+2. Its compute starts in the first cycle in
// which it has crossed the bus, its reads are back and the previous beat's compute has ended;
// its writes go out from the cycle its compute ends, after every earlier beat's writes. done is
// pushed in the cycle the last acknowledgement is back, 2 cycles after the last write.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "model/base/arch_spec.h"
#include "model/base/link.h"
#include "model/base/stats.h"
#include "model/base/unit.h"
#include "model/compile/program.h"
#include "model/glb/glb.h"
#include "model/pe/pe_array.h"

namespace cssim {

class Collector : public Unit {
 public:
  // A psum beat of at most 4 columns (one bus cycle on a 16-byte bus) spends 4 cycles between
  // the bus and its write (reads out in t, back in t+2, add, write in t+3): 4 slots take a beat
  // per cycle. Wider beats need fewer (16 columns: 2 cover the bus); the rest absorb bank
  // conflicts and late acknowledgements.
  static constexpr size_t kBeatsInFlight = 4;
  // Commands whose beats are in flight or whose writes await acknowledgement or a free done
  // slot.
  static constexpr size_t kCmdsInFlight = 4;

  // `prefix` names one of several output paths ("" for the PE array's, "cs_" for the CS
  // engine's): links "<prefix>collector.*", stat groups "<prefix>ppu", "<prefix>output_bus".
  Collector(const std::string& prefix, const PpuSpec& ppu, int output_bus_bytes, Link<SumBeat>& in,
            Glb::Port& glb, int word_bytes, StatGroup& parent);

  Link<CollectCmd>& cmd() { return cmd_; }
  Link<uint32_t>& done() { return done_; }
  std::vector<LinkBase*> links() { return {&cmd_, &done_}; }

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override;
  std::string DebugState() const override;

 private:
  struct Command {
    CollectCmd c;
    uint32_t index = 0;     // pushed on done()
    int64_t taken = 0;      // beats taken off the bus
    int64_t written = 0;    // beats whose last write has gone to the port
    uint32_t acks_due = 0;  // writes pushed, not yet acknowledged
  };
  struct Beat {
    uint32_t cmd = 0;  // its command's index
    SumBeat sums;
    uint32_t psum_addr = 0;               // its psum run: 4*cols bytes
    uint32_t write_lo = 0, write_hi = 0;  // the bytes it writes: [lo, hi)
    std::vector<uint32_t> reads;          // psum words, in issue order
    std::vector<uint8_t> psums;           // the psum run as read
    size_t issued = 0, back = 0;          // of `reads`
    Cycle crossed = 0;                    // the cycle it has crossed the bus
    bool computing = false;
    Cycle computed = 0;  // its compute ends, writes may go from then
    std::deque<GlbReq> writes;
  };

  Command& CommandOf(const Beat& b) { return cmds_[b.cmd - cmds_.front().index]; }
  void TakeBeat(Cycle now);
  void Compute(Beat& b, Cycle now);
  // True if a beat in flight before beats_[beat] still has to write bytes of its psum run.
  bool ReadHazard(size_t beat) const;

  int lanes_, bus_bytes_;
  Link<SumBeat>& in_;
  Glb::Port& glb_;
  uint32_t word_;
  Link<CollectCmd> cmd_;
  Link<uint32_t> done_;

  std::deque<Command> cmds_;  // oldest first; the last one takes the bus's beats
  std::deque<Beat> beats_;    // in flight, oldest first
  Cycle bus_free_ = 0;        // the bus takes the next beat from this cycle
  Cycle compute_free_ = 0;    // the compute stage is busy until this cycle
  uint32_t cmd_index_ = 0;    // the next command's index
  bool progress_ = false;
  // Test-only (model/base/test_fault.h): the next output element written is corrupted.
  bool corrupt_output_ = false;

  StatGroup stats_, bus_stats_;
  Counter ops_, transfers_;
};

}  // namespace cssim
