// k-WTA unit: keeps the k largest int8 values of a map held in the GLB (ties: lowest index) and
// writes them back as a dense map (others zero) and/or as an active list (KwtaCmd, program.h).
//
// Function: a two-pass histogram / threshold search, O(n), no sort:
//  1. Histogram pass: read the map (HWC, n values from in_base) in index order and count every
//     value in a 256-bin histogram, at most `lanes` values per cycle.
//  2. Threshold search: scan the bins from 127 down, `scan_bins_per_cycle` per cycle, until the
//     running count reaches k; the bin reached is the threshold T. above = values > T, and
//     ties = k - above of the values equal to T are kept.
//  3. Select pass: read the map again in index order, compare `lanes` values per cycle with T;
//     keep v > T, and v == T while ties remain (so the lowest indices win the ties). Emit the
//     dense bytes to dense_base and/or the (index, value) records (kActEntryBytes each) to
//     list_base; a GLB word is written as soon as it is complete (partial words at either end
//     get byte enables), so every output word is written once.
// The command's index goes on done() when its last write is acknowledged.
//
// Latency: with the command visible in cycle t0, H = C = ceil(n / lanes) and
// S = ceil((128 - T) / scan_bins_per_cycle) (bins 127 down to T), a map with word-aligned
// in_base and dense_base, lanes a multiple of the word W, has its done entry visible at
// t0 + H + S + C + 6 when the port keeps up and no bank conflicts occur: reads issued at t0 return
// at t0 + 2 (GLB latency), the histogram ends at t0 + H + 1, the search takes cycles t0 + H + 2 ..
// t0 + H + S + 1, the select reads return from t0 + H + S + 4, the last words go out in t0 + H + S
// + C + 3, are written in the next cycle and acknowledged in the one after, when done is pushed
// (visible one later). Throughput: `lanes` values per cycle in both passes, if the port serves
// ceil(lanes / W) reads plus the output words (ceil(lanes / W) dense, ceil(4 * lanes / W) list) per
// cycle.
//
// Port contract: one GLB port, requests served in order. Writes go first, then reads, at most
// `port lanes` requests per cycle. The unit stages at most lanes + W - 1 values: it pops a read
// response only while fewer than `lanes` values wait (write acknowledgements always), so a slow
// unit back-pressures the GLB through the response link. The dense map may overwrite the input
// (dense_base <= in_base): a dense word is written only after every input word it covers has
// been read. Throws SimError for a command with k outside 1..n, or a list winner whose index
// does not fit the 16-bit record index.
#pragma once

#include <array>
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

// Bin of value v is v + 128.
constexpr int kKwtaBins = 256;
using KwtaHistogram = std::array<int64_t, kKwtaBins>;

// The result of the threshold search over a histogram.
struct KwtaThreshold {
  int value = 127;        // T
  int64_t above = 0;      // values > T (all kept)
  int64_t ties = 0;       // values == T kept, the lowest indices first
  int bins_examined = 0;  // bins 127 down to T
};

// Scans the bins from 127 down until the running count reaches k. Keeps min(k, n) values in
// all (n the histogram total), like KwtaRef: k <= 0 keeps none, k >= n keeps all.
KwtaThreshold KwtaSearch(const KwtaHistogram& hist, int64_t k);

// The compare stage of the select pass: fed every value in index order, says which are kept.
class KwtaSelector {
 public:
  KwtaSelector() = default;
  explicit KwtaSelector(const KwtaThreshold& t) : threshold_(t.value), ties_left_(t.ties) {}
  bool Keep(int8_t v) {
    if (v > threshold_) return true;
    if (v != threshold_ || ties_left_ == 0) return false;
    --ties_left_;
    return true;
  }

 private:
  int threshold_ = 127;
  int64_t ties_left_ = 0;
};

// The whole algorithm (histogram, search, select) on n values in index order: the indices of
// the kept values, ascending.
std::vector<int64_t> KwtaSelect(const int8_t* v, int64_t n, int64_t k);

class Kwta : public Unit {
 public:
  Kwta(const KwtaSpec& spec, Glb::Port& glb, int word_bytes, StatGroup& parent);

  Link<KwtaCmd>& cmd() { return cmd_; }
  Link<uint32_t>& done() { return done_; }
  std::vector<LinkBase*> links() { return {&cmd_, &done_}; }
  // For an RTL twin (model/cosim/kwta_twin.h): the configuration and the counters.
  const KwtaSpec& spec() const { return spec_; }
  int word_bytes() const { return int(word_); }
  StatGroup& stats() { return stats_; }

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override;
  std::string DebugState() const override;

 private:
  enum class Phase { kIdle, kHist, kScan, kSelect };

  void Start(Cycle now);
  void StartReads();
  void TakeResponses();
  void Histogram(Cycle now);
  void Select();
  // Queues the completed words of an output stream (all of it when `all`).
  void Flush(uint32_t base, const std::vector<uint8_t>& bytes, uint32_t* flushed, DataType t,
             bool all);
  void IssueRequests();

  KwtaSpec spec_;
  Glb::Port& glb_;
  uint32_t word_;
  Link<KwtaCmd> cmd_;
  Link<uint32_t> done_;

  Phase phase_ = Phase::kIdle;
  KwtaCmd c_;
  uint32_t cmd_index_ = 0;
  Cycle start_ = 0;
  Cycle select_at_ = 0;  // first cycle of the select pass (the search ends the cycle before)
  uint32_t next_read_ = 0, read_end_ = 0;  // word addresses still to read, [next, end)
  uint32_t next_resp_ = 0;                 // word address of the next read response
  std::deque<int8_t> staged_;              // values read, not yet counted / compared
  int64_t consumed_ = 0;                   // values counted / compared in this pass
  KwtaHistogram hist_{};
  KwtaSelector selector_;
  std::vector<uint8_t> dense_, list_;  // output bytes of the command so far
  uint32_t dense_flushed_ = 0, list_flushed_ = 0;
  std::deque<GlbReq> writes_;
  uint32_t acks_pending_ = 0;
  bool progress_ = false;

  StatGroup stats_;
  Counter hist_updates_, compares_, winners_, list_writes_, busy_cycles_;
};

}  // namespace cssim
