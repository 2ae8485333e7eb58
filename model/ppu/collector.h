// Output collector: the array's output bus into the GLB, with the post-processing unit (PPU).
//
// Function: per SumBeat (one pixel's column sums) it moves the 4*cols bytes over the output bus
// (ceil(4*cols / bus_bytes) cycles); unless the pass is the first of a reduction it reads the
// stored psums from the GLB and adds them; on the last pass it requantises / applies ReLU
// (ceil(cols / lanes) cycles) and writes the output elements, otherwise it writes the psums
// back. Beats are handled one at a time; a command is done, and its index pushed on done(), when
// every write of its last beat is acknowledged by the GLB.
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
  // `prefix` names one of several output paths ("" for the PE array's, "cs_" for the CS
  // engine's): links "<prefix>collector.*", stat groups "<prefix>ppu", "<prefix>output_bus".
  Collector(const std::string& prefix, const PpuSpec& ppu, int output_bus_bytes,
            Link<SumBeat>& in, Glb::Port& glb, int word_bytes, StatGroup& parent);

  Link<CollectCmd>& cmd() { return cmd_; }
  Link<uint32_t>& done() { return done_; }
  std::vector<LinkBase*> links() { return {&cmd_, &done_}; }

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override;
  std::string DebugState() const override;

 private:
  enum class Phase { kIdle, kReceive, kRead, kCompute, kWrite };
  void StartBeat(Cycle now);
  void Compute();

  int lanes_, bus_bytes_;
  Link<SumBeat>& in_;
  Glb::Port& glb_;
  uint32_t word_;
  Link<CollectCmd> cmd_;
  Link<uint32_t> done_;

  bool active_ = false;
  CollectCmd c_;
  int64_t beats_done_ = 0;
  Phase phase_ = Phase::kIdle;
  SumBeat beat_;
  Cycle wait_until_ = 0;
  uint32_t psum_addr_ = 0, psum_bytes_ = 0;
  std::deque<uint32_t> reads_to_issue_;
  std::vector<uint8_t> psum_bytes_in_;
  uint32_t reads_pending_ = 0;
  std::deque<GlbReq> writes_;
  uint32_t acks_pending_ = 0;
  uint32_t cmd_index_ = 0;
  bool progress_ = false;

  StatGroup stats_, bus_stats_;
  Counter ops_, transfers_;
};

}  // namespace cssim
