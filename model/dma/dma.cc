#include "model/dma/dma.h"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "model/base/error.h"

namespace cssim {

Dma::Dma(const DmaSpec& spec, Link<DramReq>& dram_req, Link<DramResp>& dram_resp, Glb::Port& glb,
         int glb_word_bytes, StatGroup& parent)
    : spec_(spec),
      dram_req_(dram_req),
      dram_resp_(dram_resp),
      glb_(glb),
      word_(uint32_t(glb_word_bytes)),
      cmd_("dma.cmd", 4),
      done_("dma.done", 4),
      stats_(&parent, "dma"),
      bytes_loaded_(stats_, "bytes_loaded", "bytes", "bytes moved DRAM -> GLB"),
      bytes_stored_(stats_, "bytes_stored", "bytes", "bytes moved GLB -> DRAM"),
      dram_reads_(stats_, "dram_reads", "atoms", "64-byte DRAM reads issued"),
      dram_writes_(stats_, "dram_writes", "atoms", "64-byte DRAM writes issued (masked)") {
  // At least word + kActEntryBytes - 1: a word can always be read while a record split across
  // words waits for its tail, so the list fetch never deadlocks.
  index_fifo_bytes_ = 2 * std::max(word_, uint32_t(spec_.max_outstanding) * kActEntryBytes);
}

uint32_t Dma::RowCount() const { return job_.cmd.gather ? job_.cmd.index_count : job_.cmd.rows; }

bool Dma::SegmentsLeft() const { return row_ < RowCount() && job_.cmd.row_bytes != 0; }

bool Dma::NextSegment(Segment* s) {
  const DmaCmd& c = job_.cmd;
  if (!SegmentsLeft() || (c.gather && indices_.empty())) return false;
  const uint64_t row = c.gather ? indices_.front() : row_;
  const uint64_t start = c.dram_addr + row * c.dram_stride + row_off_;
  s->atom = start & ~uint64_t(kDramAtomBytes - 1);
  s->offset = uint32_t(start - s->atom);
  s->len = std::min<uint32_t>(kDramAtomBytes - s->offset, c.row_bytes - row_off_);
  s->dram_done = false;
  s->glb_words_left = 0;
  if (c.expand_bits > 0) {
    s->glb_addr = uint32_t(c.glb_addr + row * c.expanded_row_bytes);
    s->row = row_;
    s->row_off = row_off_;
    if (row_off_ == 0) {
      PackedRow p;
      p.bytes.resize(c.row_bytes);
      p.have.resize(c.row_bytes);
      p.values_left = c.expanded_row_bytes;
      packed_rows_.push_back(std::move(p));
    }
  } else {
    s->glb_addr = uint32_t(c.glb_addr + row * c.row_bytes + row_off_);
  }
  row_off_ += s->len;
  if (row_off_ == c.row_bytes) {
    ++row_;
    row_off_ = 0;
    if (c.gather) indices_.pop_front();
  }
  return true;
}

void Dma::Start() {
  job_ = cmd_.Pop();
  active_ = true;
  row_ = row_off_ = 0;
  issued_all_ = false;
  have_last_ = false;
  const DmaCmd& c = job_.cmd;
  if (c.gather && c.store)
    throw SimError("dma: job " + std::to_string(job_.id) + " is a gather store");
  if (c.expand_bits < 0 || c.expand_bits > 8)
    throw SimError("dma: job " + std::to_string(job_.id) + " has expand_bits " +
                   std::to_string(c.expand_bits) + " (allowed: 0 = off, 1..8)");
  if (c.expand_bits > 0 && c.store)
    throw SimError("dma: job " + std::to_string(job_.id) + " is an expanding store");
  if (c.expand_bits > 0) {
    const uint64_t packed = (uint64_t(c.expanded_row_bytes) * uint32_t(c.expand_bits) + 7) / 8;
    if (c.row_bytes != packed)
      throw SimError("dma: job " + std::to_string(job_.id) + " has row_bytes " +
                     std::to_string(c.row_bytes) + ", but " + std::to_string(c.expanded_row_bytes) +
                     " values of " + std::to_string(c.expand_bits) + " bits pack into " +
                     std::to_string(packed));
  }
  packed_rows_.clear();
  packed_first_ = 0;
  // Only a gather reads a list; the list words span [index_next_, index_end_).
  index_next_ = index_end_ = 0;
  indices_.clear();
  index_partial_.clear();
  if (c.gather) {
    index_next_ = c.index_glb_addr - c.index_glb_addr % word_;
    index_end_ = c.index_glb_addr + c.index_count * uint32_t(kActEntryBytes);
  }
}

void Dma::TakeIndexWord(const GlbResp& r) {
  --index_reads_;
  const uint32_t word_addr = r.tag;
  const uint32_t lo = std::max(word_addr, job_.cmd.index_glb_addr);
  const uint32_t hi = std::min(word_addr + word_, index_end_);
  for (uint32_t b = lo; b < hi; ++b) {
    index_partial_.push_back(r.data[b - word_addr]);
    if (index_partial_.size() == size_t(kActEntryBytes)) {
      indices_.push_back(uint32_t(index_partial_[0]) | uint32_t(index_partial_[1]) << 8);
      index_partial_.clear();
    }
  }
}

void Dma::QueueGlbWrites(const Segment& s) {
  if (job_.cmd.expand_bits > 0)
    QueueExpandedWrites(s);
  else
    SplitWrites(s.glb_addr, &s.data[s.offset], s.len, word_, job_.data_type, &glb_writes_);
}

void Dma::QueueExpandedWrites(const Segment& s) {
  const uint32_t b = uint32_t(job_.cmd.expand_bits);
  PackedRow& p = packed_rows_[s.row - packed_first_];
  for (uint32_t i = 0; i < s.len; ++i) {
    p.bytes[s.row_off + i] = s.data[s.offset + i];
    p.have[s.row_off + i] = true;
  }
  // The values with bits in this segment are consecutive; all but the first and the last lie
  // wholly inside it. Those two may straddle a neighbouring segment: the segment that arrives
  // second writes them.
  const uint32_t end_bit = (s.row_off + s.len) * 8;
  uint32_t lo = s.row_off * 8 / b;
  uint32_t hi = std::min(job_.cmd.expanded_row_bytes, (end_bit + b - 1) / b);
  if (lo < hi && !p.have[lo * b / 8]) ++lo;
  if (lo < hi && !p.have[(hi * b - 1) / 8]) --hi;
  if (lo == hi) return;
  std::vector<uint8_t> values(hi - lo);
  for (uint32_t j = lo; j < hi; ++j) {
    const uint32_t bit = j * b, byte = bit / 8;
    uint32_t v = p.bytes[byte];
    if (byte + 1 < p.bytes.size()) v |= uint32_t(p.bytes[byte + 1]) << 8;
    values[j - lo] = uint8_t((v >> (bit % 8)) & ((1u << b) - 1));
  }
  SplitWrites(s.glb_addr + lo, values.data(), hi - lo, word_, job_.data_type, &glb_writes_);
  p.values_left -= hi - lo;
  while (!packed_rows_.empty() && packed_rows_.front().values_left == 0) {
    packed_rows_.pop_front();
    ++packed_first_;
  }
}

void Dma::TickLoad() {
  // GLB responses first, so that list words back this cycle feed this cycle's DRAM reads. The
  // port answers in request order; reads are gather list words, writes are acknowledgements.
  while (glb_.resp.CanPop()) {
    const GlbResp r = glb_.resp.Pop();
    --glb_pending_;
    if (!r.write) TakeIndexWord(r);
  }
  // DRAM data back: hand the segments waiting for it (a gather's rows may share one read) to the
  // GLB writer.
  while (dram_resp_.CanPop()) {
    const DramResp r = dram_resp_.Pop();
    bool known = false;
    for (auto it = inflight_.begin(); it != inflight_.end();) {
      if (it->glb_words_left != r.tag) {
        ++it;
        continue;
      }
      std::memcpy(it->data.data(), r.data.data(), kDramAtomBytes);
      QueueGlbWrites(*it);
      bytes_loaded_.Add(it->len);
      it = inflight_.erase(it);
      known = true;
    }
    if (!known) throw SimError("dma: DRAM response with unknown tag");
    if (have_last_ && r.tag == last_tag_) {
      last_data_ = r.data;
      last_returned_ = true;
    }
    --dram_outstanding_;
  }
  // New reads.
  while (!issued_all_ && dram_outstanding_ < uint32_t(spec_.max_outstanding) &&
         dram_req_.CanPush()) {
    Segment s;
    if (!NextSegment(&s)) {
      if (!SegmentsLeft()) issued_all_ = true;
      break;
    }
    if (job_.cmd.gather && have_last_ && s.atom == last_atom_) {
      // The previous read fetched this atom: wait for it, or use its data if it is back.
      if (last_returned_) {
        std::memcpy(s.data.data(), last_data_.data(), kDramAtomBytes);
        QueueGlbWrites(s);
        bytes_loaded_.Add(s.len);
      } else {
        s.glb_words_left = last_tag_;
        inflight_.push_back(s);
      }
      continue;
    }
    s.glb_words_left = next_tag_++;  // loads use this field as the request tag
    DramReq r{};
    r.addr = s.atom;
    r.write = false;
    r.tag = s.glb_words_left;
    r.data_type = job_.data_type;
    dram_req_.Push(r);
    dram_reads_.Add();
    ++dram_outstanding_;
    inflight_.push_back(s);
    have_last_ = true;
    last_returned_ = false;
    last_atom_ = s.atom;
    last_tag_ = r.tag;
  }
  if (!issued_all_ && row_ >= RowCount()) issued_all_ = true;
  // GLB requests: row data first, then list words while the index FIFO has room for one more.
  int lane = 0;
  for (; lane < glb_.lanes && !glb_writes_.empty() && glb_.req.CanPush(); ++lane) {
    glb_.req.Push(glb_writes_.front());
    glb_writes_.pop_front();
    ++glb_pending_;
  }
  const auto fifo_used = [&] {
    return (index_reads_ + 1) * word_ + uint32_t(indices_.size()) * kActEntryBytes +
           uint32_t(index_partial_.size());
  };
  for (; lane < glb_.lanes && !issued_all_ && index_next_ < index_end_ && glb_.req.CanPush() &&
         fifo_used() <= index_fifo_bytes_;
       ++lane) {
    GlbReq q;
    q.addr = index_next_;
    q.write = false;
    q.tag = q.addr;
    q.data_type = DataType::kActList;
    glb_.req.Push(q);
    ++glb_pending_;
    ++index_reads_;
    index_next_ += word_;
  }
}

void Dma::TickStore() {
  // GLB words back, in request order: fill the oldest segments still waiting for data.
  while (glb_.resp.CanPop()) {
    const GlbResp r = glb_.resp.Pop();
    --glb_pending_;
    const uint32_t word_addr = r.tag;
    for (Segment& s : inflight_) {
      if (s.glb_words_left == 0) continue;
      const uint32_t lo = std::max(s.glb_addr, word_addr);
      const uint32_t hi = std::min(s.glb_addr + s.len, word_addr + word_);
      if (lo >= hi) continue;
      for (uint32_t b = lo; b < hi; ++b)
        s.data[s.offset + (b - s.glb_addr)] = r.data[b - word_addr];
      --s.glb_words_left;
      break;
    }
  }
  // DRAM write acks.
  while (dram_resp_.CanPop()) {
    dram_resp_.Pop();
    --dram_outstanding_;
  }
  // Complete segments leave in order as masked DRAM writes.
  while (!inflight_.empty() && inflight_.front().glb_words_left == 0 &&
         inflight_.front().dram_done && dram_req_.CanPush()) {
    const Segment& s = inflight_.front();
    DramReq r{};
    r.addr = s.atom;
    r.write = true;
    r.tag = next_tag_++;
    r.data_type = job_.data_type;
    r.data = s.data;
    r.byte_mask = 0;
    for (uint32_t b = 0; b < s.len; ++b) r.byte_mask |= uint64_t(1) << (s.offset + b);
    dram_req_.Push(r);
    dram_writes_.Add();
    bytes_stored_.Add(s.len);
    ++dram_outstanding_;
    inflight_.pop_front();
  }
  // New segments: issue their GLB reads (dram_done marks "all reads issued").
  int lanes = glb_.lanes;
  while (lanes > 0) {
    Segment* s = nullptr;
    if (!inflight_.empty() && !inflight_.back().dram_done) {
      s = &inflight_.back();
    } else {
      if (issued_all_ || inflight_.size() >= size_t(spec_.max_outstanding)) break;
      Segment n;
      if (!NextSegment(&n)) {
        issued_all_ = true;
        break;
      }
      n.glb_words_left = 0;
      n.offset_issue = n.glb_addr - n.glb_addr % word_;
      inflight_.push_back(n);
      s = &inflight_.back();
    }
    // Issue the next word read of segment s.
    while (lanes > 0 && glb_.req.CanPush() && s->offset_issue < s->glb_addr + s->len) {
      GlbReq q;
      q.addr = s->offset_issue;
      q.write = false;
      q.tag = q.addr;
      q.data_type = job_.data_type;
      glb_.req.Push(q);
      ++glb_pending_;
      ++s->glb_words_left;
      s->offset_issue += word_;
      --lanes;
    }
    if (s->offset_issue >= s->glb_addr + s->len) {
      s->dram_done = true;
    } else {
      break;  // port full
    }
  }
}

void Dma::Tick(Cycle now) {
  if (!active_) {
    if (!cmd_.CanPop()) return;
    Start();
  }
  if (job_.cmd.store)
    TickStore();
  else
    TickLoad();
  if (issued_all_ && inflight_.empty() && dram_outstanding_ == 0 && glb_writes_.empty() &&
      glb_pending_ == 0 && done_.CanPush()) {
    done_.Push(job_.id);
    active_ = false;
  }
}

std::string Dma::DebugState() const {
  std::ostringstream os;
  os << "dma: active=" << active_ << " inflight=" << inflight_.size()
     << " dram_outstanding=" << dram_outstanding_ << " glb_pending=" << glb_pending_;
  if (active_ && job_.cmd.gather)
    os << " gather: rows_done=" << row_ << "/" << job_.cmd.index_count
       << " indices_buffered=" << indices_.size() << " list_reads_pending=" << index_reads_;
  if (active_ && job_.cmd.expand_bits > 0)
    os << " expand: rows_with_values_left=" << packed_rows_.size();
  return os.str();
}

}  // namespace cssim
