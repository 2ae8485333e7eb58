// Systolic PE array (array.topology: systolic): rows x cols int8 MACs in which every operand and
// partial sum moves exactly one PE per cycle between neighbours (docs/design.md, "The systolic
// array"). The whole array is one unit stepping every PE of a cycle in loops over contiguous
// arrays.
//
// Ports: as PeArray's: cmd (ArrayCmd), in and weight (Beats from the two streamers), out
// (SumBeat to the collector).
//
// Structure. A step moves every register at once. The streaming operand of a row enters through
// an r-deep delay line at the left edge (row r's value of the beat taken in step s reaches PE(r, 0)
// in step s + r) and moves one PE right per step, so PE(r, c) works on beat s in step s + r + c.
// A register chain is held as one history buffer per row (PE(r, c)'s register in step t is
// entry t - c of row r's chain): a shift is advancing t, not copying. Bottom outputs enter a
// de-skew stage (column c delayed cols - 1 - c steps) and an output register, so one beat's sums
// leave together.
// - ws / is (stationary operand, psums move down): the stationary operand (ws: weights from the
//   weight link, is: inputs from the in link) is preloaded by shifting rows_used beats down the
//   columns from the top (the first beat in ends in row rows_used - 1: the streams send the
//   bottom row first), one beat per step, into one of pe.weight_buffers banks (for is the count
//   of input banks: our choice, the same key, since either operand is the PE's one stationary
//   register). With 2 banks the next pass's preload shifts in while the current pass computes;
//   with 1, a preload waits until the last beat of the pass before has passed PE(R-1, C-1).
//   The PE's bank select flips when the new pass's first beat reaches it. A pass's beats enter
//   from the step after its last preload beat. ws: beat p (one pixel, row r: reduction index k0
//   + r) -> column c's sum of pixel p (output channel c) leaves the bottom; is: beat m (channel
//   m, row r: the weight of reduction index k0 + r) -> column c's sum of (pixel c, channel m).
//   Psums pass all R rows (rows >= rows_used add nothing).
// - os (outputs stationary): the input beat (one value per row) enters from the left, the weight
//   beat (one per column) from the top through c-deep delay lines; both are taken in the same
//   step (neither moves alone). PE(r, c) accumulates (pixel r, channel c) over the reduction;
//   when the pass's last beat has reached it, its sum moves into its drain register and the
//   accumulator starts the next pass. The drain registers of a column form a chain that moves
//   down into every empty register below (a PE loading its own sum blocks the one above), one
//   row per step out of the bottom: the bottom row first. A pass's last beat enters at least
//   rows steps after the last beat of the pass before (the drain chain must have room).
// Timing (a full R x C pass, every beat on time, out link free): ws/is: a beat taken in step s
// leaves (SumBeat pushed) in step s + R + C - 1; os: the sums of the pass whose last beat was
// taken in step b leave in steps b + R + C ... b + 2R + C - 1, row R-1 first.
// Throughput: one streaming beat per step; R x C MACs per step when every PE has work.
// Stalls: a missing operand beat lets a bubble in (the array keeps stepping, nothing is lost);
// a full out link freezes the whole array for the cycle (no register moves).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "model/base/arch_spec.h"
#include "model/base/link.h"
#include "model/base/stats.h"
#include "model/compile/program.h"
#include "model/noc/streamer.h"
#include "model/pe/array_unit.h"

namespace cssim {

class SystolicArray : public ArrayUnit {
 public:
  SystolicArray(const ArraySpec& array, const PeSpec& pe, Link<Beat>& in, Link<Beat>& weight,
                StatGroup& parent);

  Link<ArrayCmd>& cmd() override { return cmd_; }
  Link<SumBeat>& out() override { return out_; }
  std::vector<LinkBase*> links() override { return {&cmd_, &out_}; }

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override;
  std::string DebugState() const override;

  int pe_count() const override { return rows_ * cols_; }
  uint64_t macs() const override { return macs_.value(); }
  void AddIdle(uint64_t pe_cycles) override { idle_.Add(pe_cycles); }
  // Steps taken so far (cycles in which the registers moved).
  uint64_t steps() const { return step_; }

 private:
  struct PassInfo {  // what the structure needs of a pass while its beats are in flight
    int rows = 0, cols = 0;
  };
  struct Pass {  // an accepted pass: preloading (ws/is) or streaming its beats
    ArrayCmd cmd;
    uint32_t seq = 0;  // index into pass_info_
    int bank = 0;
    int loaded = 0;            // preload beats shifted in
    uint64_t loaded_step = 0;  // the step of the last preload beat
    int64_t fed = 0;           // streaming beats taken
  };
  struct Wavefront {    // a pass boundary moving through the PEs, one anti-diagonal per step
    uint64_t step = 0;  // the step the beat was taken (reaches PE(r, c) at step + r + c)
    uint32_t seq = 0;
    int bank = 0;
  };
  struct BeatMeta {  // per step: the streaming beat taken then (valid 0: a bubble)
    uint8_t valid = 0;
    uint32_t seq = 0;
    int32_t index = 0;  // pass-local pixel (ws, os) or channel (is)
  };

  bool stationary() const { return dataflow_ != Dataflow::kOutputStationary; }
  Link<Beat>& stream_link() { return dataflow_ == Dataflow::kInputStationary ? weight_ : in_; }
  Link<Beat>& preload_link() { return dataflow_ == Dataflow::kInputStationary ? in_ : weight_; }
  void Accept();
  bool OutputReady();  // builds out_beat_ for this step; true if it holds a beat
  bool Preload();
  bool FeedStationary();
  bool FeedOs();
  void Step();
  void SwitchBanks();
  void StepPsums();
  void StepOs();
  void Drain();
  void Flips();
  void CountMacs(bool drop);
  void EnterBeat(const Beat* b, int lanes, BeatMeta meta);

  int rows_, cols_, buffers_;
  Dataflow dataflow_;
  Link<Beat>& in_;
  Link<Beat>& weight_;
  Link<ArrayCmd> cmd_;
  Link<SumBeat> out_;

  // Ring sizes (powers of two) and masks.
  size_t ring_;   // beat history: at least rows + cols + 2 steps
  size_t chain_;  // a row's register chain (mirrored: 2 x chain_ entries)
  uint64_t step_ = 0;
  uint64_t live_until_ = 0;  // the pipeline holds data until this step
  bool any_beat_ = false;

  std::deque<Pass> passes_;
  uint32_t next_seq_ = 0;
  int next_bank_ = 0;
  std::vector<PassInfo> pass_info_;  // by seq & (size - 1)
  std::vector<uint64_t> bank_free_;  // ws/is: the step from which a bank may be reloaded
  uint64_t flip_ok_ = 0;             // os: the earliest step a pass's last beat may enter
  std::deque<Wavefront> waves_;      // ws/is: bank switches; os: flips

  std::vector<int8_t> xh_;      // [ring_][rows_]: streaming beats by step (edge delay lines)
  std::vector<int8_t> wh_;      // os: [ring_][cols_]: weight beats by step
  std::vector<BeatMeta> meta_;  // [ring_]
  // MACs per step: a running level and slope, with slope changes scheduled per step (CountMacs).
  std::vector<int64_t> slope_ev_;  // [ring_]
  int64_t slope_ = 0, level_ = 0;
  std::vector<int8_t> rowh_;     // [rows_][2 * chain_]: each row's streaming register chain
  std::vector<int8_t> colh_;     // os: [ring_][cols_]: weights reaching row 0, by step
  std::vector<int8_t> bank_;     // ws/is: [buffers_][rows_][cols_] preload chains
  std::vector<int8_t> wact_;     // ws/is: [rows_][cols_] the stationary operand each PE uses
  std::vector<int32_t> psum_;    // ws/is: psum registers; os: accumulators [rows_][cols_]
  std::vector<int32_t> drain_;   // os: drain registers [rows_][cols_]
  std::vector<int32_t> dtag_;    // os: row index held (-1: empty) [rows_][cols_]
  std::vector<uint32_t> dseq_;   // os: pass held [rows_][cols_]
  std::vector<int> drain_live_;  // os: drain registers in use per column
  std::vector<int> flip_row_;    // os: the row of each column taking its sum this step (-1: none)
  std::vector<uint64_t> row_until_;  // os: the last step each row may hold a beat's input
  std::vector<int32_t> dsk_;         // de-skew stage: [ring_][cols_] bottom outputs by step
  std::vector<int32_t> dsk_tag_;     // os: row index of each (-1: none)
  std::vector<uint32_t> dsk_seq_;
  SumBeat out_beat_;
  bool out_valid_ = false;
  bool progress_ = false;
  // Test-only (model/base/test_fault.h): the first beat's MAC in PE(0, 0) is neither performed
  // nor counted.
  bool drop_mac_ = false;
  bool drop_now_ = false;

  StatGroup stats_;
  StatGroup mac_group_, wreg_, ireg_, preg_, in_hops_g_, w_hops_g_, p_hops_g_, o_hops_g_;
  Counter macs_, idle_;
  Counter w_reads_, w_writes_, i_reads_, i_writes_, p_reads_, p_writes_;
  Counter in_hops_, w_hops_, p_hops_, o_hops_;
  Counter bubbles_, frozen_;
};

}  // namespace cssim
