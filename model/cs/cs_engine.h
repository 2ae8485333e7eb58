// CS engine: sparse weights x dense activations with complementary sparsity (docs/background.md,
// section 2). cs.lanes rows of multipliers by cs.engines group engines; engine e holds one
// combined kernel (the overlay of n sparse kernels with disjoint non-zeros) as a value and a
// kernel ID per entry. The whole engine is one unit: it steps every multiplier of a cycle in a
// loop.
//
// Ports: cmd (ArrayCmd, weight-stationary only), in (input beats: one activation per lane,
// broadcast to every engine), weight and id (beats of combined-kernel values and kernel IDs: one
// int8 per engine), out (SumBeat: one pixel's out_cols sums, index e*n + j = kernel j of
// engine e).
// A pass works like PeArray's weight-stationary pass: it loads rows_used*kp beats, one weight
// beat AND one id beat per cycle (beat r*kp+j, lane e -> entry j of lane r in engine e), into
// one of cs.weight_buffers banks (kp <= cs.weight_rf_entries / cs.weight_buffers), so the next
// pass loads while this one computes. Then it streams `pixels` x kp input beats, one per cycle:
// in cycle j of a pixel (Multiply) every lane r of every engine multiplies its activation with
// entry j (a zero value is a padded slot: the multiplier is gated); (Route) each product is
// steered by its kernel ID to adder tree ID of its engine; (Sum) the n adder trees add the
// routed products into accumulator [e][ID] of the pixel.
// Latency: a pixel's SumBeat is ready 1 + cs.route_latency_cycles + cs.adder_latency_cycles
// cycles after its last input beat was consumed (multiplier stage, route stages, adder-tree
// levels) and leaves in order when out can take it; at most that many finished pixels wait in
// the pipeline (the out link holds 2 more), so a full out link stalls the input beat that would
// complete one more pixel.
// Throughput: lanes * engines multipliers per cycle, one input beat per cycle while operands
// arrive; n outputs per engine per pixel.
// Errors (SimError): a pass larger than the engine (rows_used > lanes, cols_used > engines,
// kp > bank entries), n outside 1..cs.max_n, out_cols outside ((cols_used-1)*n, cols_used*n]
// (every engine holds a group with at least one kernel), a kernel ID >= n in an entry the pass
// uses (entries past a lane's end of the reduction are don't-care), a beat narrower than the
// pass.
//
// Counters (group "cs"), per cycle with input beat j consumed, "active lanes" = lanes r <
// rows_used whose reduction range reaches entry j:
//   mac.macs      products with a non-zero weight (useful MACs)
//   mac.gated     multiplier-cycles of an active lane of a used engine with a zero weight
//   mac.idle      multiplier-cycles with neither (added by the top through AddIdle)
//   mac.skipped   dense-equivalent MACs the packed form avoids: per beat, per engine e holding
//                 n_e = min(n, out_cols - e*n) kernels, a dense engine would do
//                 active_lanes * n_e MACs where this one does active_lanes (MAC or gated), so
//                 skipped = sum_e active_lanes * (n_e - 1) = dense work - macs - gated
//   weight_rf     reads: one per MAC or gated slot (the entry is read to see it is zero);
//                 writes: one per used engine per loaded beat
//   input_rf      reads: one per MAC (a gated multiplier does not take its activation)
//   kernel_id     id_reads: bits, ceil(log2 n) per MAC or gated slot (0 when n == 1)
//   route         hops: products (MACs) x route stages, stages = max(1, ceil(log2 lanes))
//   acc           updates: one per adder tree that received at least one product, per cycle
//   stall_cycles  cycles a pass was active but no input beat could be consumed
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "model/base/arch_spec.h"
#include "model/base/link.h"
#include "model/base/stats.h"
#include "model/base/unit.h"
#include "model/compile/program.h"
#include "model/noc/streamer.h"
#include "model/pe/pe_array.h"

namespace cssim {

class CsEngine : public Unit {
 public:
  CsEngine(const CsSpec& cs, Link<Beat>& in, Link<Beat>& weight, Link<Beat>& id, StatGroup& parent);

  Link<ArrayCmd>& cmd() { return cmd_; }
  Link<SumBeat>& out() { return out_; }
  std::vector<LinkBase*> links() { return {&cmd_, &out_}; }

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override;
  std::string DebugState() const override;

  int multipliers() const { return lanes_ * engines_; }
  uint64_t macs() const { return macs_.value(); }
  uint64_t gated() const { return gated_.value(); }
  // Multiplier-cycles with neither a MAC nor a gated slot (multipliers() * cycles - macs -
  // gated): the top adds them per op, since skipped cycles are not ticked.
  void AddIdle(uint64_t mult_cycles) { idle_.Add(mult_cycles); }

  // For the RTL twin (model/cosim/cs_engine_twin.h): the configuration it must match, and the
  // stat group whose counters it compares.
  int lanes() const { return lanes_; }
  int engines() const { return engines_; }
  int max_n() const { return max_n_; }
  int bank_entries() const { return kp_max_; }
  int weight_buffers() const { return buffers_; }
  int pipeline_depth() const { return depth_; }
  StatGroup& stats() { return stats_; }

 private:
  // A pass the engine has accepted: loading its weights and IDs, or computing.
  struct PassState {
    ArrayCmd cmd;
    int bank = 0;
    int64_t loaded = 0;                   // weight + id beat pairs loaded
    std::vector<int> kp_eff;              // valid entries per lane
    int64_t skipped_per_active_lane = 0;  // sum over used engines of (kernels in group - 1)
    bool loaded_all() const { return loaded == int64_t(cmd.rows_used) * cmd.kp; }
  };
  size_t Entry(int bank, int lane, int engine, int j) const {
    return ((size_t(bank) * lanes_ + lane) * engines_ + engine) * kp_max_ + j;
  }
  void Accept();
  void Load();
  void Compute(Cycle now);

  int lanes_, engines_, max_n_, kp_max_, buffers_;
  int depth_;         // 1 + route + adder stages: cycles from last beat to a ready SumBeat
  int route_stages_;  // butterfly stages a product passes, for the hop count
  Link<Beat>& in_;
  Link<Beat>& weight_;
  Link<Beat>& id_;
  Link<ArrayCmd> cmd_;
  Link<SumBeat> out_;

  std::deque<PassState> passes_;  // front: the computing pass; behind it, ones loading ahead
  int next_bank_ = 0;
  int64_t beat_ = 0;  // input beats of the current pixel consumed
  int64_t pixel_ = 0;
  std::vector<int8_t> w_;          // [bank][lane][engine][entry] combined-kernel values
  std::vector<uint8_t> kid_;       // same layout: kernel IDs
  std::vector<int32_t> acc_;       // [engine][max_n] accumulators of the current pixel
  std::vector<uint64_t> touched_;  // [engine][max_n]: beat serial of its tree's last update
  uint64_t serial_ = 0;            // input beats consumed, for touched_
  std::deque<std::pair<Cycle, SumBeat>> pipe_;  // sums on their way through route and adders
  bool progress_ = false;

  StatGroup stats_;
  StatGroup mac_group_, wrf_, irf_, id_group_, route_group_, acc_group_;
  Counter macs_, gated_, idle_, skipped_;
  Counter w_reads_, w_writes_, i_reads_;
  Counter id_reads_;
  Counter hops_;
  Counter acc_updates_;
  Counter stall_cycles_;
};

}  // namespace cssim
