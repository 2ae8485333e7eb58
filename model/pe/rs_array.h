// Row-stationary PE array (Eyeriss: Chen, Krishna, Emer, Sze, JSSC 2017; Chen, Emer, Sze,
// ISCA 2016; docs/design.md, "Row-stationary"): rows x cols PEs, each an int8 x int8 -> int32
// MAC with a weight (filter-row) RF, an input (sliding-window) RF and a psum RF. One unit steps
// every PE of a cycle in a loop.
//
// Ports: cmd (ArrayCmd with dataflow rs and its RsMap), filter (Beat: one value per filter-row
// lane, lane r * hg + g multicast to the e PEs of row r, group g), in (Beat: one value per input
// lane, lane set * diagonals() + d multicast to every PE of the set on diagonal d), out (SumBeat:
// one output pixel's filters of the pass, [g * p + pp]).
//
// A pass: first its p * q * S filter beats, one per cycle, into the PEs' weight RF (bank
// n % pe.weight_buffers for pass n: with two banks the next pass loads while this one computes).
// Then, per strip, the input beats (wp columns x q channels): a PE's input RF holds
// floor(input_rf_entries / q) columns, so the beat of column c is taken once c < x * stride +
// that (x: the pixel being computed). Pixel x starts when its S columns are in, the pass's
// weights are loaded and every PE has a free psum buffer (floor(psum_rf_entries / p) buffers of
// p psums); it takes S * q' * p' cycles (q', p': the most channels of a row and filters of a
// group in the pass), one MAC per PE per cycle in (s, qq, pp) order; a PE whose row has fewer
// channels or whose group fewer filters idles in the steps it lacks. The pixel's p psums then
// go up the column, one value per cycle per PE: the bottom row sends its own, every other row
// adds the value from below to its own and sends the sum up, over a 2-entry link per hop
// (registered: a value pushed in cycle t is taken at t + 1 at the earliest); the top row puts
// it in its column's output buffer (2 pixels). One SumBeat per cycle leaves, in (strip, x, jj)
// order, when every group's column of that output row has the pixel. The pass ends, and the
// next pass computes, when its last SumBeat has left.
// Throughput: rows_used x cols_used MACs per cycle while operands keep up; stalls when input
// beats are late, psum buffers are full or the out link is full.
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

class RsArray : public ArrayUnit {
 public:
  RsArray(const ArraySpec& array, const PeSpec& pe, Link<Beat>& in, Link<Beat>& filter,
          StatGroup& parent);

  Link<ArrayCmd>& cmd() override { return cmd_; }
  Link<SumBeat>& out() override { return out_; }
  std::vector<LinkBase*> links() override { return {&cmd_, &out_}; }

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override;
  std::string DebugState() const override;

  int pe_count() const override { return rows_ * cols_; }
  uint64_t macs() const override { return macs_.value(); }
  // Clock-gated PE-cycles (no MAC): the top adds them per op, since skipped cycles are not ticked.
  void AddIdle(uint64_t pe_cycles) override { idle_.Add(pe_cycles); }

 private:
  struct PassState {
    RsMap m;
    int bank = 0;
    uint64_t loaded = 0;  // filter beats taken
    int q_max = 0, p_max = 0;
    bool loaded_all() const { return loaded == uint64_t(m.S) * m.q * m.p; }
  };
  struct Psums {  // one pixel's psums in a PE, going up
    std::vector<int32_t> v;
    size_t sent = 0;
    Cycle ready = 0;  // the psum RF write is registered: sent from the cycle after the last MAC
  };
  struct VLink {  // the hop from a PE to the one above it
    std::deque<std::pair<Cycle, int32_t>> q;
    Cycle popped = kNever;  // a value left in this cycle: its slot frees at the next
  };
  size_t Pe(int r, int j) const { return size_t(r) * cols_ + j; }
  int8_t& W(int bank, int r, int j, int entry) {
    return w_[(size_t(bank) * rows_ * cols_ + Pe(r, j)) * kp_max_ + entry];
  }
  int8_t& In(int r, int j, int col, int qq) {
    return irf_[(Pe(r, j) * cap_cols_ + col % cap_cols_) * q_cap_ + qq];
  }
  bool Active(const RsMap& m, int r, int j, int st) const;
  struct ActivePe {  // a PE of the current strip: where it sits, what it holds
    int r, j, lane, q_eff, p_eff;
    size_t pe;
  };
  void ListActive();
  void Accept();
  void LoadFilter();
  void TakeInput();
  void Compute(Cycle now);
  void Drain(Cycle now);
  void Emit();
  void StartPass();

  int rows_, cols_, kp_max_, buffers_, input_rf_, psum_rf_;
  Link<Beat>& in_;
  Link<Beat>& filter_;
  Link<ArrayCmd> cmd_;
  Link<SumBeat> out_;

  std::deque<PassState> passes_;  // front: computing; behind it, loading its filters
  int next_bank_ = 0;
  bool started_ = false;  // the front pass's compute state is set up
  // The front pass's compute state.
  int cap_cols_ = 1, q_cap_ = 1, bufs_ = 1;
  int strip_ = 0, x_ = 0;     // strip and pixel being computed
  uint64_t in_beats_ = 0;     // input beats taken in this strip
  int step_ = 0, steps_ = 0;  // MAC step of the pixel, steps per pixel
  bool computing_ = false;
  bool compute_done_ = false;
  int emit_strip_ = 0, emit_x_ = 0, emit_jj_ = 0;  // the next SumBeat
  std::vector<ActivePe> active_;  // the PEs of the current strip, by row then column
  std::vector<int8_t> w_, irf_;
  std::vector<int32_t> acc_;                // the pixel being computed: [pe][pp]
  std::vector<std::deque<Psums>> pending_;  // per PE: finished pixels not yet sent up
  std::vector<VLink> up_;                   // per PE (r >= 1): the link to row r - 1
  std::vector<std::deque<std::vector<int32_t>>> col_out_;  // per column: finished pixels
  std::vector<std::vector<int32_t>> col_cur_;              // per column: the pixel filling
  bool progress_ = false;
  // Test-only (model/base/test_fault.h): the next MAC is neither performed nor counted.
  bool drop_mac_ = false;

  StatGroup stats_;
  StatGroup mac_group_, wrf_, irf_group_, prf_, filter_noc_, input_noc_, psum_noc_;
  Counter macs_, idle_;
  Counter w_reads_, w_writes_, i_reads_, i_writes_, p_reads_, p_writes_;
  Counter filter_deliveries_, input_deliveries_, hops_;
  Counter stall_cycles_;
};

}  // namespace cssim
