#include "model/noc/streamer.h"

#include <algorithm>
#include <cstdint>
#include <sstream>

#include "model/base/bits.h"
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

Streamer::Pending& Streamer::PushPending(uint32_t word, Cycle now) {
  if (pending_tail_ - pending_head_ == pending_.size()) {  // full: double the ring, in order
    std::vector<Pending> grown(std::max<size_t>(8, 2 * pending_.size()));
    for (uint64_t s = pending_head_; s < pending_tail_; ++s)
      grown[s & (grown.size() - 1)] = std::move(PendingAt(s));
    pending_.swap(grown);
  }
  Pending& p = PendingAt(pending_tail_++);
  p.word = word;
  p.runs.clear();
  p.queued = now;
  return p;
}

void Streamer::Serve(int l) {
  Lane& lane = lanes_[l];
  while (lane.next_beat < c_.beats && Size(lane) < buffer_bytes_) {
    const int64_t a = lane.walk.addr();
    if (a < 0) {
      Push(l, 0, true, a != -2, false, 0);
      progress_ = true;
    } else {
      const uint32_t word = uint32_t(a) & ~(word_ - 1);
      const uint16_t offset = uint16_t(uint32_t(a) - word);
      if (lane.in_flight && word == lane.in_flight_word) {
        std::vector<SlotRun>& runs = PendingAt(lane.in_flight_serial).runs;
        if (!runs.empty() && runs.back().lane == l && runs.back().count < UINT16_MAX &&
            runs.back().first + runs.back().count == uint32_t(lane.tail))
          ++runs.back().count;
        else
          runs.emplace_back(uint32_t(lane.tail), uint16_t(l));
        Push(l, 0, false, true, false, uint8_t(offset));
      } else if (lane.reg_valid && word == lane.reg_word) {
        Push(l, int8_t(lane.reg_data[offset]), true, false, true, 0);
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
    return lane.next_beat < c_.beats && Size(lane) < buffer_bytes_;
  };
  auto furthest_behind = [&](int l, int best) {
    return needs_read(lanes_[l]) && (best < 0 || lanes_[l].next_beat < lanes_[best].next_beat);
  };
  int best = -1;
  for (int l = 0; l < n; ++l) {  // Serve(l) changes lane l only
    Serve(l);
    if (furthest_behind(l, best)) best = l;
  }
  for (int reads = 0; reads < glb_.lanes && glb_.req.CanPush(); ++reads) {
    if (reads > 0) {
      best = -1;
      for (int l = 0; l < n; ++l)
        if (furthest_behind(l, best)) best = l;
    }
    if (best < 0) break;
    const int64_t a = lanes_[best].walk.addr();
    const uint32_t word = uint32_t(a) & ~(word_ - 1);
    const uint64_t serial = pending_tail_;
    PushPending(word, now);
    for (int j = 0; j < n; ++j) {
      const int l = (best + j) % n;
      Lane& lane = lanes_[l];
      if (!needs_read(lane) || (uint32_t(lane.walk.addr()) & ~(word_ - 1)) != word) continue;
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
  // The GLB answers a port in order: responses match the pending reads oldest first.
  while (glb_.resp.CanPop()) {
    const GlbResp r = glb_.resp.Pop();
    const Pending& p = PendingAt(pending_head_);
    for (const SlotRun& run : p.runs) {
      Lane& lane = lanes_[run.lane];
      for (uint32_t i = 0; i < run.count; ++i) {
        const size_t at = RowOf(uint32_t(run.first + i)) + run.lane;
        value_[at] = int8_t(r.data[offset_[at]]);
        ready_[at] = 1;
      }
      // The word reaches the lane: it becomes the lane's register.
      lane.reg_valid = true;
      lane.reg_word = p.word;
      std::copy(r.data.begin(), r.data.begin() + word_, lane.reg_data.begin());
      if (lane.in_flight && lane.in_flight_serial == pending_head_) lane.in_flight = false;
    }
    ++pending_head_;
  }
}

bool Streamer::ConflictDelayed() const {
  if (!active_ || emitted_ >= c_.beats || pending_head_ == pending_tail_) return false;
  // The GLB sees a read from the cycle after it was queued; a loss from then on delayed it (the
  // port is served in order). Comparing cycles, not counts, keeps this independent of the order
  // in which units tick within a cycle.
  if (glb_.last_lost == kNever || glb_.last_lost <= PendingAt(pending_head_).queued) return false;
  return !FrontsReady();
}

bool Streamer::FrontsReady() const {
  // A popped or never-pushed slot has ready 0, so the front row alone tells.
  const uint8_t* ready = &ready_[RowOf(emitted_)];
  uint8_t all = 1;
  for (int l = 0; l < c_.lanes; ++l) all &= ready[l];
  return all != 0;
}

void Streamer::Emit(Cycle now) {
  if (emitted_ >= c_.beats || pipe_.size() > size_t(latency_)) return;
  if (!FrontsReady()) {
    starved_.Add();
    return;
  }
  const size_t row = RowOf(emitted_), n = size_t(c_.lanes);
  Beat b;
  b.v.assign(value_.begin() + ptrdiff_t(row), value_.begin() + ptrdiff_t(row + n));
  uint64_t bytes = 0, hits = 0;
  for (size_t l = 0; l < n; ++l) {
    hits += hit_[row + l];
    bytes += bus_[row + l];
  }
  std::fill_n(ready_.begin() + ptrdiff_t(row), n, uint8_t(0));
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
    if (lanes_.empty()) {
      lanes_.resize(size_t(max_lanes_));
      const size_t slots = Pow2AtLeast(buffer_bytes_) * size_t(max_lanes_);
      ring_mask_ = Pow2AtLeast(buffer_bytes_) - 1;
      value_.assign(slots, 0);
      for (auto* v : {&ready_, &bus_, &hit_, &offset_}) v->assign(slots, 0);
    }
    for (int l = 0; l < c_.lanes; ++l) {
      Lane& lane = lanes_[l];
      lane.tail = 0;
      lane.next_beat = 0;
      lane.walk = StreamWalk(c_, l);
      lane.reg_valid = lane.in_flight = false;
    }
    progress_ = true;
  }
  if (active_) {
    Fill();
    Emit(now);
    Issue(now);
    if (emitted_ == c_.beats && pending_head_ == pending_tail_) active_ = false;
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
     << " pending=" << pending_tail_ - pending_head_;
  return os.str();
}

}  // namespace cssim
