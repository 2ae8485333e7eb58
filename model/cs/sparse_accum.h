// Sparse-sparse accumulate unit: sparse (CS-packed) weights x sparse activations in scatter form
// (docs/background.md, section 2). Each active input of a k-WTA list fetches the packed rows of
// its valid kernel offsets and does one MAC per group into an accumulator SRAM; after the last
// input the accumulators leave through the output stage (requantise / ReLU) into the GLB.
//
// Function, per SsCmd (semantics in program.h), one command at a time:
// 1. List fetch: word reads of the active list (kActEntryBytes records), in order, at most
//    2 * port lanes words fetched ahead of the offset generator (the list buffer).
// 2. Offset generator: one record per cycle; decodes (y, x, c) from the HWC index and keeps only
//    the kernel offsets (ky, kx) that reach an in-range output pixel with exact stride division,
//    ascending (ky, kx). It holds the input until all its rows are admitted to the row buffer,
//    which takes a row while it then holds at most RowBufferProducts() (any row when empty), so
//    consecutive inputs' fetches overlap however many offsets they have.
// 3. Row fetch: per admitted row k, its `groups` value bytes (kWeight) then its `groups` ID
//    bytes (kKernelId), one read per distinct word of each.
// 4. MAC: the products (offset, group) of ONE active input per cycle, at most multipliers() of
//    them, in (offset, group) order, from rows whose words have all arrived. One input's offsets
//    hit distinct pixels and its groups distinct accumulators, so the SRAM needs no conflict
//    logic; that is asserted every cycle (SimError), and so is every ID (< n, and naming a
//    channel of the tile). A zero weight (padded slot) is gated: it takes a multiplier slot but
//    updates nothing.
// 5. Drain, from the cycle after the last MAC: pixels * channels accumulators, ppu.lanes per
//    cycle, through OutputStage into [pixel][channel] elements at out_base (kOutput); a word is
//    written in the cycle its last element is produced. Accumulators are cleared for free at
//    the next command (a valid bit per entry).
// When every write is acknowledged the command's index goes on done().
//
// Port contract: one GLB port, `lanes` requests issued per cycle (priority: list words while the
// list buffer has room, then row words; drain writes alone), responses in order.
// Latency (GLB: request issued in t, response usable in t + 2): the command popped in cycle t0
// issues its first list word in t0; a record usable in t0 + 2 is decoded in t0 + 2; its row
// words go out from t0 + 3 and its MACs run from t0 + 5 (one-word rows); the drain starts the
// cycle after the last MAC and done() is pushed the cycle the last write acknowledgement arrives.
// Throughput, where the cycles go: per active input, max(ceil(offsets * groups / multipliers)
// MAC cycles, (row words + list words) / words served per cycle, 1 decode cycle). With two
// bytes (value + ID) per product the row fetch, not the multipliers, usually bounds it: rows
// of different offsets lie in random banks, and the GLB serves a port in order up to its first
// bank conflict, so short rows get about sqrt(pi * banks / 2) words per cycle, not `lanes`. A
// linear layer with few groups leaves most multipliers idle (one input per cycle). The drain
// adds ceil(pixels * channels / ppu.lanes) cycles (or the write words / port lanes).
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

class SparseAccum : public Unit {
 public:
  SparseAccum(const CsSpec& cs, const PpuSpec& ppu, Glb::Port& glb, int word_bytes,
              StatGroup& parent);

  Link<SsCmd>& cmd() { return cmd_; }
  Link<uint32_t>& done() { return done_; }
  std::vector<LinkBase*> links() { return {&cmd_, &done_}; }

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override;
  std::string DebugState() const override;

  int multipliers() const { return multipliers_; }
  int ppu_lanes() const { return ppu_lanes_; }
  int accumulators() const { return accumulators_; }
  int max_n() const { return max_n_; }
  uint32_t word_bytes() const { return word_; }
  StatGroup& stats() { return stats_; }
  uint64_t macs() const { return macs_.value(); }
  uint64_t gated() const { return gated_.value(); }  // product slots with a zero (padded) weight
  // The multipliers are the CS engine's: their idle cycles are counted there (CsEngine::AddIdle).

 private:
  enum class ReadKind { kList, kValue, kId };
  struct Read {
    uint32_t addr;
    ReadKind kind;
    uint64_t input;       // sequence number of the active input (row reads)
    uint32_t row;         // row of that input (row reads)
    uint64_t serial = 0;  // row reads: issue order, to find the read again
    // Further rows (input, row) served by the same word: consecutive rows of one input share
    // the word at their boundary (a row-fetch register holds the last word of each kind).
    std::vector<std::pair<uint64_t, uint32_t>> also = {};
  };
  // The queued or in-flight read with this serial.
  Read* FindRead(uint64_t serial);
  // Copies the bytes of word `addr` that belong to row `index` of input `input`.
  void FillRow(uint64_t input, uint32_t index, ReadKind kind, uint32_t addr,
               const std::array<uint8_t, kMaxGlbWordBytes>& data);
  // The row-fetch register of one kind: the last word read for the current input, so that the
  // next row, which starts in that word, need not read it again.
  struct LastRead {
    bool valid = false;
    uint32_t addr = 0;
    uint64_t input = 0, serial = 0;
    bool arrived = false;
    std::array<uint8_t, kMaxGlbWordBytes> data{};
  };
  LastRead last_read_[2];  // kValue, kId
  uint64_t next_serial_ = 0;
  // One valid kernel offset of an active input: its packed weight row.
  struct Row {
    int64_t k = 0;      // packed row index
    int64_t pixel = 0;  // output pixel it accumulates into
    std::vector<uint8_t> value, id;
    int words_pending = -1;  // words requested and not yet back; -1: not admitted yet
  };
  struct Input {
    int8_t value = 0;
    std::vector<Row> rows;
  };

  void Accept();
  void Respond(const GlbResp& r);
  bool Mac();  // false: no product ran this cycle
  void IssueList(int* budget);
  void IssueRows(int* budget);
  // Row buffer size (value + ID byte per product): two MAC cycles plus four cycles of the port's
  // full read rate, enough to cover the fetch latency while the MAC works.
  int64_t RowBufferProducts() const {
    return int64_t(2) * multipliers_ + int64_t(4) * glb_.lanes * word_ / 2;
  }
  void Admit();
  void Decode();
  void StartDrain();
  void Drain();

  int multipliers_, ppu_lanes_, max_n_, accumulators_;
  Glb::Port& glb_;
  uint32_t word_;
  Link<SsCmd> cmd_;
  Link<uint32_t> done_;

  bool active_ = false, draining_ = false;
  SsCmd c_;
  uint32_t cmd_index_ = 0;
  int id_bits_ = 0;
  // List fetch and decode.
  uint32_t list_next_ = 0;           // next list word to request
  std::vector<uint8_t> list_bytes_;  // the command's list, filled as words arrive
  int64_t decoded_ = 0;              // records through the offset generator
  int64_t list_arrived_ = 0;         // list bytes arrived (responses come in order)
  // Inputs between the offset generator and the MAC, oldest first; sequence numbers from 0.
  std::deque<Input> inputs_;
  uint64_t front_seq_ = 0;
  // Row buffer: products of the rows admitted (their words requested) and not yet MAC'd.
  int64_t buffered_products_ = 0;
  static constexpr size_t kNone = ~size_t(0);
  size_t admit_row_ = kNone;    // next row of the newest input to admit; kNone: all admitted
  std::deque<Read> row_queue_;  // admitted, not yet issued
  std::deque<Read> pending_;    // issued reads, in response order
  size_t mac_row_ = 0;          // MAC cursor in the front input
  int mac_g_ = 0;
  // Accumulator SRAM and the per-cycle conflict check (stamp = MAC cycle that last wrote).
  std::vector<int32_t> acc_;
  std::vector<uint64_t> acc_stamp_;
  uint64_t mac_cycles_ = 0;
  // Drain.
  std::vector<uint8_t> out_bytes_;
  int64_t drained_ = 0;
  std::deque<GlbReq> writes_;
  uint32_t acks_pending_ = 0;
  bool progress_ = false;

  StatGroup stats_;
  StatGroup mac_stats_, kid_stats_, acc_stats_;
  Counter macs_, gated_, skipped_;
  uint64_t busy_at_start_ = 0;  // macs + gated when the current command started
  Counter id_reads_;
  Counter updates_, drains_;
  Counter list_reads_, row_reads_, stall_cycles_;
};

}  // namespace cssim
