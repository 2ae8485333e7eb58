#include "model/noc/streamer.h"

#include <algorithm>
#include <sstream>

#include "model/base/error.h"

namespace cssim {

Streamer::Streamer(const std::string& name, int max_lanes, int buffer_bytes, int latency_cycles,
                   Glb::Port& glb, int word_bytes, DataType data_type, StatGroup& parent)
    : name_(name),
      latency_(latency_cycles),
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
      reg_hits_(stats_, "reg_hits", "values",
                "values a lane took from its word register (no GLB read, no bus transfer)"),
      beats_(stats_, "beats", "beats", "bus beats delivered to the array"),
      starved_(stats_, "starved_cycles", "cycles",
               "cycles with a command active but some lane's next value not yet fetched") {}

void Streamer::Advance(int l) {
  Lane& lane = lanes_[l];
  ++lane.next_beat;
  lane.next_addr = lane.next_beat < c_.beats ? c_.Addr(l, lane.next_beat) : 0;
}

void Streamer::Serve(int l) {
  Lane& lane = lanes_[l];
  while (lane.next_beat < c_.beats && lane.buf.size() < buffer_bytes_) {
    const int64_t a = lane.next_addr;
    if (a < 0) {
      lane.buf.push_back(Slot{0, true, false});
      progress_ = true;
    } else {
      const uint32_t word = uint32_t(a) - uint32_t(a) % word_;
      const uint16_t offset = uint16_t(uint32_t(a) - word);
      if (lane.in_flight && word == lane.in_flight_word) {
        pending_[lane.in_flight_serial - pending_popped_].fills.push_back(
            SlotFill{l, popped_[l] + lane.buf.size(), offset});
        lane.buf.push_back(Slot{});
      } else if (lane.reg_valid && word == lane.reg_word) {
        lane.buf.push_back(Slot{int8_t(lane.reg_data[offset]), true, true});
        progress_ = true;
      } else {
        return;  // needs a new read
      }
    }
    Advance(l);
  }
}

void Streamer::Issue(Cycle now) {
  // Up to glb_.lanes word reads per cycle, always for the lane furthest behind (lowest next
  // beat, then lowest lane): the streamer fetches beat after beat across all lanes, so that the
  // reads of one cycle go to neighbouring words (different banks) rather than one lane's future.
  const int n = c_.lanes;
  // After Serve, a lane with values left and buffer room needs a read for its next value.
  auto needs_read = [&](const Lane& lane) {
    return lane.next_beat < c_.beats && lane.buf.size() < buffer_bytes_;
  };
  for (int l = 0; l < n; ++l) Serve(l);
  for (int reads = 0; reads < glb_.lanes && glb_.req.CanPush(); ++reads) {
    int best = -1;
    for (int l = 0; l < n; ++l)
      if (needs_read(lanes_[l]) && (best < 0 || lanes_[l].next_beat < lanes_[best].next_beat))
        best = l;
    if (best < 0) break;
    const int64_t a = lanes_[best].next_addr;
    const uint32_t word = uint32_t(a) - uint32_t(a) % word_;
    const uint64_t serial = pending_popped_ + pending_.size();
    pending_.push_back(Pending{word, {}, now});
    for (int j = 0; j < n; ++j) {
      const int l = (best + j) % n;
      Lane& lane = lanes_[l];
      if (!needs_read(lane) || uint32_t(lane.next_addr) / word_ != word / word_) continue;
      lane.in_flight = true;
      lane.in_flight_word = word;
      lane.in_flight_serial = serial;
      Serve(l);
    }
    GlbReq r;
    r.addr = word;
    r.data_type = data_type_;
    glb_.req.Push(r);
  }
}

void Streamer::Fill() {
  // The GLB answers a port in order: responses match pending_ front to back.
  while (glb_.resp.CanPop()) {
    const GlbResp r = glb_.resp.Pop();
    const Pending& p = pending_.front();
    for (const SlotFill& f : p.fills) {
      Lane& lane = lanes_[f.lane];
      Slot& s = lane.buf[f.slot_serial - popped_[f.lane]];
      s.value = int8_t(r.data[f.offset]);
      s.ready = true;
      // The word reaches the lane: it becomes the lane's register.
      lane.reg_valid = true;
      lane.reg_word = p.word;
      std::copy(r.data.begin(), r.data.begin() + word_, lane.reg_data.begin());
      if (lane.in_flight && lane.in_flight_serial == pending_popped_) lane.in_flight = false;
    }
    pending_.pop_front();
    ++pending_popped_;
  }
}

bool Streamer::ConflictDelayed() const {
  if (!active_ || emitted_ >= c_.beats || pending_.empty()) return false;
  // The GLB sees a read from the cycle after it was queued; a loss from then on delayed it (the
  // port is served in order). Comparing cycles, not counts, keeps this independent of the order
  // in which units tick within a cycle.
  if (glb_.last_lost == kNever || glb_.last_lost <= pending_.front().queued) return false;
  for (int l = 0; l < c_.lanes; ++l)
    if (lanes_[l].buf.empty() || !lanes_[l].buf.front().ready) return true;
  return false;
}

void Streamer::Emit(Cycle now) {
  if (emitted_ >= c_.beats || pipe_.size() > size_t(latency_)) return;
  for (int l = 0; l < c_.lanes; ++l)
    if (lanes_[l].buf.empty() || !lanes_[l].buf.front().ready) {
      starved_.Add();
      return;
    }
  Beat b;
  b.v.resize(size_t(c_.lanes));
  uint64_t bytes = 0, hits = 0;
  for (int l = 0; l < c_.lanes; ++l) {
    const Slot& s = lanes_[l].buf.front();
    b.v[l] = s.value;
    hits += s.hit;
    bytes += !s.hit && c_.Addr(l, emitted_) != -2;
    lanes_[l].buf.pop_front();
    ++popped_[l];
  }
  pipe_.emplace_back(now + Cycle(latency_), std::move(b));
  transfers_.Add(bytes);
  reg_hits_.Add(hits);
  beats_.Add();
  ++emitted_;
}

void Streamer::Tick(Cycle now) {
  progress_ = false;
  if (!active_ && cmd_.CanPop()) {
    c_ = cmd_.Pop();
    if (c_.lanes > max_lanes_) throw SimError(name_ + ": stream wider than the bus");
    active_ = true;
    emitted_ = 0;
    lanes_.assign(size_t(c_.lanes), Lane{});
    for (int l = 0; l < c_.lanes; ++l) lanes_[l].next_addr = c_.beats ? c_.Addr(l, 0) : 0;
    popped_.assign(size_t(c_.lanes), 0);
    progress_ = true;
  }
  if (active_) {
    Fill();
    Emit(now);
    Issue(now);
    if (emitted_ == c_.beats && pending_.empty()) active_ = false;
  }
  // The bus pipeline: a beat leaves `latency_` cycles after it was formed.
  if (!pipe_.empty() && pipe_.front().first <= now && out_.CanPush()) {
    out_.Push(std::move(pipe_.front().second));
    pipe_.pop_front();
    progress_ = true;
  }
}

Cycle Streamer::NextEvent(Cycle now) const {
  // Zero-padding slots are made without any link moving: after a cycle that made progress the
  // next one may make more. Otherwise only a link can wake the streamer.
  if (progress_) return now + 1;
  if (!pipe_.empty() && pipe_.front().first > now) return pipe_.front().first;
  return kNever;
}

std::string Streamer::DebugState() const {
  std::ostringstream os;
  os << name_ << ": active=" << active_ << " emitted=" << emitted_ << "/" << c_.beats
     << " pending=" << pending_.size();
  return os.str();
}

}  // namespace cssim
