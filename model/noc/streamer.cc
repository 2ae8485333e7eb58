#include "model/noc/streamer.h"

#include <sstream>

namespace cssim {

Streamer::Streamer(const std::string& name, int max_lanes, int buffer_bytes, Glb::Port& glb,
                   int word_bytes, DataType data_type, StatGroup& parent)
    : name_(name),
      max_lanes_(max_lanes),
      buffer_bytes_(size_t(std::max(buffer_bytes, 2 * word_bytes))),
      glb_(glb),
      word_(uint32_t(word_bytes)),
      data_type_(data_type),
      cmd_(name + ".cmd", 4),
      out_(name + ".out", 2),
      stats_(&parent, name, EnergyRef{"noc", 0, 8}),
      transfers_(stats_, "transfers", "bytes",
                 "bytes put on the bus (a multicast to a whole row or column counts once)",
                 "transfer", data_type),
      beats_(stats_, "beats", "beats", "bus beats delivered to the array"),
      starved_(stats_, "starved_cycles", "cycles",
               "cycles with a command active but some lane's next value not yet fetched") {}

void Streamer::Issue() {
  // Up to glb_.lanes word reads per cycle, lanes served round-robin.
  int reads = 0;
  const int n = c_.lanes;
  for (int i = 0; i < n && reads < glb_.lanes; ++i) {
    const int l = (rr_ + i) % n;
    Lane& lane = lanes_[l];
    while (lane.next_beat < c_.beats && lane.buf.size() < buffer_bytes_) {
      const int64_t a = c_.Addr(l, lane.next_beat);
      if (a < 0) {  // zero padding or idle lane: no read
        progress_ = true;
        lane.buf.push_back(Slot{0, true});
        ++lane.next_beat;
        continue;
      }
      if (reads >= glb_.lanes || !glb_.req.CanPush()) break;
      const uint32_t word = uint32_t(a) - uint32_t(a) % word_;
      Pending p{l, popped_[l] + lane.buf.size(), {}};
      // Every following value of this lane inside the same word shares the read.
      while (lane.next_beat < c_.beats && lane.buf.size() < buffer_bytes_) {
        const int64_t b = c_.Addr(l, lane.next_beat);
        if (b < int64_t(word) || b >= int64_t(word + word_)) break;
        p.offsets.push_back(uint16_t(b - word));
        lane.buf.push_back(Slot{0, false});
        ++lane.next_beat;
      }
      GlbReq r;
      r.addr = word;
      r.data_type = data_type_;
      glb_.req.Push(r);
      pending_.push_back(std::move(p));
      ++reads;
      break;  // one read per lane per cycle
    }
  }
  rr_ = n > 0 ? (rr_ + 1) % n : 0;
}

void Streamer::Fill() {
  // The GLB answers a port in order: responses match pending_ front to back.
  while (glb_.resp.CanPop()) {
    const GlbResp r = glb_.resp.Pop();
    const Pending& p = pending_.front();
    Lane& lane = lanes_[p.lane];
    for (size_t i = 0; i < p.offsets.size(); ++i) {
      Slot& s = lane.buf[p.first_slot_serial - popped_[p.lane] + i];
      s.value = int8_t(r.data[p.offsets[i]]);
      s.ready = true;
    }
    pending_.pop_front();
  }
}

void Streamer::Emit() {
  if (emitted_ >= c_.beats || !out_.CanPush()) return;
  for (int l = 0; l < c_.lanes; ++l)
    if (lanes_[l].buf.empty() || !lanes_[l].buf.front().ready) {
      starved_.Add();
      return;
    }
  Beat b;
  b.v.resize(size_t(c_.lanes));
  uint64_t bytes = 0;
  for (int l = 0; l < c_.lanes; ++l) {
    b.v[l] = lanes_[l].buf.front().value;
    bytes += c_.Addr(l, emitted_) != -2;
    lanes_[l].buf.pop_front();
    ++popped_[l];
  }
  out_.Push(std::move(b));
  transfers_.Add(bytes);
  beats_.Add();
  ++emitted_;
}

void Streamer::Tick(Cycle now) {
  progress_ = false;
  if (!active_) {
    if (!cmd_.CanPop()) return;
    c_ = cmd_.Pop();
    active_ = true;
    emitted_ = 0;
    lanes_.assign(size_t(c_.lanes), Lane{});
    popped_.assign(size_t(c_.lanes), 0);
    rr_ = 0;
    progress_ = true;
  }
  Fill();
  Emit();
  Issue();
  if (emitted_ == c_.beats && pending_.empty()) active_ = false;
}

Cycle Streamer::NextEvent(Cycle now) const {
  // Zero-padding slots are made without any link moving: after a cycle that made progress the
  // next one may make more. Otherwise only a link can wake the streamer.
  return progress_ ? now + 1 : kNever;
}

std::string Streamer::DebugState() const {
  std::ostringstream os;
  os << name_ << ": active=" << active_ << " emitted=" << emitted_ << "/" << c_.beats
     << " pending=" << pending_.size();
  return os.str();
}

}  // namespace cssim
