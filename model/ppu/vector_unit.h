// Vector unit: max-pool, ReLU and requantisation over a GLB tile (HWC in, HWC out), for the
// layers that are not fused into a conv/linear output.
//
// Function: output pixels one at a time: read every window position's channel run (words
// through its GLB port, `port lanes` per cycle), combine `lanes` elements per cycle
// (ceil(c * window / lanes) cycles, overlapping the reads), write the channel run back. A
// command is done when its last write is acknowledged; its index goes on done().
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
  VectorUnit(const PpuSpec& ppu, Glb::Port& glb, int word_bytes, StatGroup& parent);

  Link<VectorCmd>& cmd() { return cmd_; }
  Link<uint32_t>& done() { return done_; }
  std::vector<LinkBase*> links() { return {&cmd_, &done_}; }

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override;
  std::string DebugState() const override;

 private:
  void StartPixel(Cycle now);
  void FinishPixel();

  int lanes_;
  Glb::Port& glb_;
  uint32_t word_;
  Link<VectorCmd> cmd_;
  Link<uint32_t> done_;

  bool active_ = false;
  VectorCmd c_;
  int64_t pixel_ = 0;
  bool in_pixel_ = false;
  struct Run {
    uint32_t addr, bytes;
  };
  std::vector<Run> runs_;              // window positions of the current pixel
  std::vector<uint8_t> window_bytes_;  // their bytes, run after run
  std::deque<uint32_t> reads_to_issue_;
  std::deque<uint32_t> reads_issued_;
  uint32_t reads_pending_ = 0;
  Cycle alu_until_ = 0;
  std::deque<GlbReq> writes_;
  uint32_t acks_pending_ = 0;
  uint32_t cmd_index_ = 0;
  bool progress_ = false;

  StatGroup stats_;
  Counter ops_;
};

}  // namespace cssim
