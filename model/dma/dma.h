// DMA engine: moves 2-D tiles between DRAM and the global buffer, and gathers rows named by an
// active list.
//
// Function: executes DmaJobs one at a time, in order. A load splits each row into 64-byte DRAM
// atoms, keeps up to `max_outstanding` reads in flight (responses may return out of order: the
// DRAM schedules FR-FCFS), and writes each returned segment into the GLB word by word with byte
// enables. A store reads the GLB words of each segment, then writes the atom to DRAM with a byte
// mask. A job is finished when every DRAM and GLB write is acknowledged; then its id is pushed on
// done(). Double buffering is the controller's: it queues the next tile's loads while the array
// computes on the other half of the GLB.
//
// Gather (a load with cmd.gather; a gather store is a SimError): the rows are named by an active
// list already in the GLB, `index_count` records of kActEntryBytes at index_glb_addr (uint16 LE
// index in bytes 0..1). The DMA reads the list in order through its own GLB port (word reads,
// counted as DataType::kActList; row writes go first when both wait for a lane) into an index
// FIFO of 2 * max(GLB word, max_outstanding records) bytes (our choice: the next word can be on
// its way while the current one feeds the DRAM reads). A record with index i moves row_bytes from
// DRAM dram_addr + i * dram_stride to GLB glb_addr + i * row_bytes exactly as a load moves a row,
// and its DRAM reads start as soon as the index is known (the first at t + 2, below). A row whose
// first atom is the atom of the previous DRAM read takes its bytes from that read instead of
// reading it again, so a sorted list with dram_stride >= row_bytes reads each needed atom exactly
// once (a plain load reads an atom shared by two rows twice; it is left so, cycle-identical to
// before gathers existed). bytes_loaded counts only row bytes, not the list.
//
// Expand (a load with cmd.expand_bits = b in 1..8; other values, or an expanding store, are a
// SimError when the job starts): each DRAM row of row_bytes = ceil(expanded_row_bytes * b / 8)
// bytes holds expanded_row_bytes bit-packed values (value j = bits [j * b, j * b + b) of the row,
// least significant bit first; the pad bits are ignored), and each value lands in the GLB as one
// byte: row r (gather: the row of index i) at glb_addr + r * expanded_row_bytes (gather: i * ...).
// The DRAM side is that of the plain or gather load of the packed rows. A value is written as soon
// as every byte holding its bits is back, so a value straddling two atoms waits for both, and
// with b = 8 (the identity) the job is exactly the plain load with row_bytes = expanded_row_bytes:
// same reads, same GLB writes, same cycles. bytes_loaded counts the packed DRAM bytes; the GLB
// counts the expanded writes.
//
// Ordering: a job starts only after the previous one pushed done(), i.e. after all its GLB writes
// were acknowledged, so a gather reads a list written by the load just before it.
//
// Latency (idle GLB and DRAM): a job popped from cmd() in cycle t issues its first DRAM read (load)
// or GLB read (store) in cycle t; a gather issues its first list read in cycle t and its first
// DRAM read in t + 2, when the first list word is back. done() is pushed in the cycle the last
// acknowledgement is popped; a job with no bytes (rows, row_bytes or index_count 0) is done in
// cycle t.
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
#include "model/dram/dram.h"
#include "model/glb/glb.h"

namespace cssim {

struct DmaJob {
  DmaCmd cmd;
  DataType data_type = DataType::kNone;
  uint32_t id = 0;
};

class Dma : public Unit {
 public:
  Dma(const DmaSpec& spec, Link<DramReq>& dram_req, Link<DramResp>& dram_resp, Glb::Port& glb,
      int glb_word_bytes, StatGroup& parent);

  Link<DmaJob>& cmd() { return cmd_; }
  Link<uint32_t>& done() { return done_; }
  std::vector<LinkBase*> links() { return {&cmd_, &done_}; }

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override { return kNever; }
  std::string DebugState() const override;
  uint64_t bytes_moved() const { return bytes_loaded_.value() + bytes_stored_.value(); }

 private:
  // A piece of one row inside one DRAM atom.
  struct Segment {
    uint64_t atom = 0;    // DRAM atom address
    uint32_t offset = 0;  // first byte inside the atom
    uint32_t len = 0;
    uint32_t glb_addr = 0;  // GLB address of the first byte
    std::array<uint8_t, kDramAtomBytes> data{};
    // load: the DRAM request tag. store: GLB reads still to return.
    uint32_t glb_words_left = 0;
    bool dram_done = false;     // store: every GLB read of the segment issued
    uint32_t offset_issue = 0;  // store: next GLB word to read
    // Expand: glb_addr is the GLB address of the row's first value; `row` numbers the row within
    // the job and row_off is the segment's first byte in the packed row.
    uint32_t row = 0, row_off = 0;
  };
  // Expand: a packed row whose values are not all written yet.
  struct PackedRow {
    std::vector<uint8_t> bytes;  // row_bytes
    std::vector<bool> have;      // bytes back from DRAM
    uint32_t values_left = 0;
  };
  uint32_t RowCount() const;  // rows of the active job (gather: list records)
  bool SegmentsLeft() const;  // the active job has rows not yet split into segments
  // The active job's next segment; false at its end or while a gather waits for its next index.
  bool NextSegment(Segment* s);
  void Start();
  void TakeIndexWord(const GlbResp& r);  // gather: list bytes from one GLB word read
  void TickLoad();
  void TickStore();
  // Load: the segment's data is back; queue its GLB writes (expand: the values it completes).
  void QueueGlbWrites(const Segment& s);
  void QueueExpandedWrites(const Segment& s);

  DmaSpec spec_;
  Link<DramReq>& dram_req_;
  Link<DramResp>& dram_resp_;
  Glb::Port& glb_;
  uint32_t word_;
  Link<DmaJob> cmd_;
  Link<uint32_t> done_;

  bool active_ = false;
  DmaJob job_;
  uint32_t row_ = 0, row_off_ = 0;  // segment cursor
  bool issued_all_ = false;
  std::deque<Segment> inflight_;  // in issue order
  uint32_t dram_outstanding_ = 0;
  std::deque<GlbReq> glb_writes_;  // load: words waiting for the GLB port
  uint32_t glb_pending_ = 0;       // GLB requests sent, response not yet back
  uint32_t next_tag_ = 0;

  // Gather: the list fetch, and the last DRAM read (whose atom the next row may share).
  uint32_t index_fifo_bytes_;
  uint32_t index_next_ = 0, index_end_ = 0;  // next list word to read; end of the list
  uint32_t index_reads_ = 0;                 // list word reads sent, data not yet back
  std::vector<uint8_t> index_partial_;       // bytes of a record split across words
  std::deque<uint32_t> indices_;             // indices read, rows not yet fully issued
  bool have_last_ = false, last_returned_ = false;
  uint64_t last_atom_ = 0;
  uint32_t last_tag_ = 0;
  std::array<uint8_t, kDramAtomBytes> last_data_{};

  // Expand: rows packed_first_, packed_first_ + 1, ... of the job, from the oldest one with values
  // still to write to the last one split into segments.
  std::deque<PackedRow> packed_rows_;
  uint32_t packed_first_ = 0;

  StatGroup stats_;
  Counter bytes_loaded_, bytes_stored_, dram_reads_, dram_writes_;
};

}  // namespace cssim
