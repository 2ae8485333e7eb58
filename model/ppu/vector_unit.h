// Vector unit: max- and average-pool, ReLU and requantisation over a GLB tile (HWC in, HWC out),
// for the layers that are not fused into a conv/linear output.
//
// Function: for each output pixel, in order: read every window position's channel run (word
// reads through its GLB port), take the max or the average (PpuAverage) over the window per
// channel (or the single element), requantise and/or ReLU, and write the pixel's channel run
// back. Pixels overlap: the next pixels' window reads go out while earlier ones wait for their
// data, combine and write. Results,
// writes and their order, and every count, are those of one pixel at a time. A command is done
// when its last write is acknowledged; its index goes on done(). Commands run one after another.
//
// Buffer: up to kPixelsInFlight pixels between their first read and their result, each holding
// its window's bytes (win * win * c * in_elem_bytes: 4 x 256 bytes for a 2x2 int8 pool over 64
// channels, 4 x 2,304 for a 3x3 int32 one). A slot frees when its pixel's result joins the write
// queue; reads go out only when that queue is empty, so it never holds more than
// kPixelsInFlight results.
//
// Throughput: the port serves `port lanes` requests per cycle, reads and writes alike; writes go
// first. A command takes about (reads + writes) / port lanes cycles: every window run is read
// word by word (a word shared by two runs once for each), every result written word by word.
// The combine handles ppu.lanes elements per cycle, one pixel after the other; it only limits a
// port wider than ppu.lanes bytes.
// Latency: a read pushed in cycle t is back in t+2. A pixel completes (its result joins the write
// queue; its writes go out from then) in the first cycle in which all its data is back and its
// combine has ended; the combine takes ceil(c * win^2 / ppu.lanes) cycles from the pixel's first
// read or from the previous pixel's combine end, whichever is later. done is pushed in the cycle
// the command's last write acknowledgement is back, 2 cycles after the write.
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

namespace cssim {

class VectorUnit : public Unit {
 public:
  // Pixels of one word (one read, one write) on a 2-request port: one pixel per cycle, each in
  // flight for 3 cycles, so 3 keep the port busy (2 leave a third of it idle); the fourth is
  // margin for a wider port. Windows of several words per lane need only 2.
  static constexpr size_t kPixelsInFlight = 4;

  VectorUnit(const PpuSpec& ppu, Glb::Port& glb, int word_bytes, StatGroup& parent);

  Link<VectorCmd>& cmd() { return cmd_; }
  Link<uint32_t>& done() { return done_; }
  std::vector<LinkBase*> links() { return {&cmd_, &done_}; }

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override;
  std::string DebugState() const override;

  uint64_t ops() const { return ops_.value(); }

 private:
  struct Pixel {
    std::vector<uint32_t> runs;   // first bytes of the window positions' channel runs
    std::vector<uint8_t> window;  // their bytes, run after run
    std::vector<uint32_t> words;  // reads, in issue order
    size_t issued = 0, back = 0;  // of `words`
    Cycle combined = 0;           // the cycle its combine ends
  };

  void StartPixel(Cycle now);
  void Fill(Pixel& p, uint32_t word, const GlbResp& r);
  void FinishPixel();

  int lanes_;
  Glb::Port& glb_;
  uint32_t word_;
  Link<VectorCmd> cmd_;
  Link<uint32_t> done_;

  bool active_ = false;
  VectorCmd c_;
  uint32_t run_bytes_ = 0;
  int64_t next_pixel_ = 0;    // the next pixel to start
  int64_t finished_ = 0;      // pixels whose result joined the write queue
  std::deque<Pixel> pixels_;  // in flight, oldest first
  size_t issuing_ = 0;        // index in pixels_ of the first with reads left to issue
  Cycle combine_free_ = 0;    // the combine is busy until this cycle
  std::deque<GlbReq> writes_;
  uint32_t acks_pending_ = 0;
  uint32_t cmd_index_ = 0;
  bool progress_ = false;

  StatGroup stats_;
  Counter ops_;
};

}  // namespace cssim
