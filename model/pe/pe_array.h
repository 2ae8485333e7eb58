// PE array: rows x cols processing elements, each an int8 x int8 -> int32 MAC with a weight,
// an input and a psum register file. The whole array is one unit (one process): it steps every
// PE of a cycle in a loop.
//
// Ports: cmd (ArrayCmd), in (input beats: one int8 per row, multicast along the row), weight
// (weight beats: one int8 per column), out (SumBeat: one pixel's column sums).
// Weight-stationary: a pass loads rows_used*kp weight beats (PE(r,c) entry j of the pass's
// weight bank gets beat r*kp+j, lane c), then streams `pixels` x kp input beats, one per cycle:
// in cycle j of a pixel row r multiplies its input with entry j of each of its PEs. After kp
// beats the column sums go down the column (rows_used - 1 psum hops, latency rows_used cycles)
// and leave as one SumBeat. With pe.weight_buffers = 2 the weight RF is two banks used by
// alternate passes: pass n+1's weights load (one beat per cycle) while pass n computes.
// Output-stationary: PE(r,c) owns (pixel r, column c) for a whole pass; each cycle consumes one
// input beat and one weight beat (k advances by one); after k beats the rows_used sums drain,
// one row per cycle.
// Throughput: rows*cols MACs per cycle while both operands arrive; stalls when a beat is late
// or the out link is full.
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
#include "model/noc/streamer.h"
#include "model/pe/array_unit.h"

namespace cssim {

class PeArray : public ArrayUnit {
 public:
  PeArray(const ArraySpec& array, const PeSpec& pe, Link<Beat>& in, Link<Beat>& weight,
          StatGroup& parent);

  Link<ArrayCmd>& cmd() override { return cmd_; }
  Link<SumBeat>& out() override { return out_; }
  std::vector<LinkBase*> links() override { return {&cmd_, &out_}; }

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override;
  std::string DebugState() const override;

  int pe_count() const override { return rows_ * cols_; }
  // For the RTL twin (model/cosim/pe_array_twin.h): the configuration and the stat group.
  int rows() const { return rows_; }
  int cols() const { return cols_; }
  int kp_max() const { return kp_max_; }
  int weight_buffers() const { return buffers_; }
  bool weight_stationary() const { return dataflow_ws_; }
  StatGroup& stats() { return stats_; }
  uint64_t macs() const override { return macs_.value(); }
  void AddIdle(uint64_t pe_cycles) override { idle_.Add(pe_cycles); }

 private:
  // A pass the array has accepted: loading its weights (ws), computing, or draining (os).
  struct PassState {
    ArrayCmd cmd;
    int bank = 0;             // ws: weight RF bank
    int64_t loaded = 0;       // ws: weight beats loaded
    std::vector<int> kp_eff;  // ws: valid entries per row
    bool loaded_all() const { return loaded == int64_t(cmd.rows_used) * cmd.kp; }
  };
  int32_t& Psum(int r, int c) { return psum_[size_t(r) * cols_ + c]; }
  int8_t& W(int bank, int r, int c, int j) {
    return w_[((size_t(bank) * rows_ + r) * cols_ + c) * kp_max_ + j];
  }
  void Accept();
  void LoadWs();
  void ComputeWs(Cycle now);
  void StepOs();

  int rows_, cols_, kp_max_, buffers_;
  bool dataflow_ws_;
  Link<Beat>& in_;
  Link<Beat>& weight_;
  Link<ArrayCmd> cmd_;
  Link<SumBeat> out_;

  std::deque<PassState> passes_;  // front: the computing pass; behind it, one loading ahead
  int next_bank_ = 0;
  bool draining_ = false;  // os: the front pass's sums are leaving
  int64_t beat_ = 0;       // input beats consumed by the front pass (ws: of its current pixel)
  int64_t pixel_ = 0;
  std::vector<int8_t> w_;
  std::vector<int32_t> psum_;
  std::deque<std::pair<Cycle, SumBeat>> reduce_;  // ws column reduction pipeline
  bool progress_ = false;
  // Test-only (model/base/test_fault.h): the next MAC is neither performed nor counted.
  bool drop_mac_ = false;

  StatGroup stats_;
  StatGroup mac_group_, wrf_, irf_, prf_, hop_group_;
  Counter macs_, idle_;
  Counter w_reads_, w_writes_, i_reads_, i_writes_, p_reads_, p_writes_;
  Counter hops_;
  Counter stall_cycles_;
};

}  // namespace cssim
