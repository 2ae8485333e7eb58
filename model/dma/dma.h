// DMA engine: moves 2-D tiles between DRAM and the global buffer.
//
// Function: executes DmaCmds in order. A load splits each row into 64-byte DRAM atoms, keeps up
// to `max_outstanding` reads in flight (responses may return out of order: the DRAM schedules
// FR-FCFS), and writes each returned segment into the GLB word by word with byte enables. A
// store reads the GLB words of each segment, then writes the atom to DRAM with a byte mask.
// A command is finished when every DRAM and GLB write is acknowledged; then its index is pushed
// on done(). Double buffering is the controller's: it queues the next tile's loads while the
// array computes on the other half of the GLB.
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
  };
  bool NextSegment(Segment* s);  // the active command's next segment, false at its end
  void Start();
  void TickLoad();
  void TickStore();
  void QueueGlbWrites(const Segment& s);

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

  StatGroup stats_;
  Counter bytes_loaded_, bytes_stored_, dram_reads_, dram_writes_;
};

}  // namespace cssim
