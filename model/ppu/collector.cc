#include "model/ppu/collector.h"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "model/ppu/ppu_ops.h"

namespace cssim {

Collector::Collector(const std::string& prefix, const PpuSpec& ppu, int output_bus_bytes,
                     Link<SumBeat>& in, Glb::Port& glb, int word_bytes, StatGroup& parent)
    : lanes_(ppu.lanes),
      bus_bytes_(output_bus_bytes),
      in_(in),
      glb_(glb),
      word_(uint32_t(word_bytes)),
      cmd_(prefix + "collector.cmd", 8),
      done_(prefix + "collector.done", 8),
      stats_(&parent, prefix + "ppu", EnergyRef{"ppu", 0, 32}),
      bus_stats_(&parent, prefix + "output_bus", EnergyRef{"noc", 0, 8}),
      ops_(stats_, "ops", "elements", "elements requantised / ReLU'd on the way out", "op",
           DataType::kOutput),
      transfers_(bus_stats_, "transfers", "bytes", "psum bytes moved array -> collector",
                 "transfer", DataType::kPsum) {}

void Collector::StartBeat(Cycle now) {
  beat_ = in_.Pop();
  const uint32_t bytes = uint32_t(c_.cols) * 4;
  transfers_.Add(bytes);
  wait_until_ = now + Cycle((bytes + uint32_t(bus_bytes_) - 1) / uint32_t(bus_bytes_));
  psum_addr_ = c_.psum_base + uint32_t(c_.p0 + beat_.pixel) * bytes;
  psum_bytes_ = bytes;
  psum_bytes_in_.assign(bytes, 0);
  reads_to_issue_.clear();
  if (!c_.first)
    for (uint32_t a = psum_addr_ - psum_addr_ % word_; a < psum_addr_ + bytes; a += word_)
      reads_to_issue_.push_back(a);
  phase_ = Phase::kReceive;
}

void Collector::Compute() {
  std::vector<int32_t> v = beat_.v;
  if (!c_.first)
    for (int c = 0; c < c_.cols; ++c) {
      int32_t old;
      std::memcpy(&old, &psum_bytes_in_[size_t(c) * 4], 4);
      v[c] += old;
    }
  if (!c_.last) {
    std::vector<uint8_t> bytes(psum_bytes_);
    std::memcpy(bytes.data(), v.data(), psum_bytes_);
    SplitWrites(psum_addr_, bytes.data(), psum_bytes_, word_, DataType::kPsum, &writes_);
    return;
  }
  std::vector<uint8_t> bytes(size_t(c_.cols) * c_.out_elem_bytes);
  for (int c = 0; c < c_.cols; ++c)
    StoreElem(&bytes[size_t(c) * c_.out_elem_bytes],
              OutputStage(v[c], c_.requant, c_.shift, c_.relu), c_.out_elem_bytes);
  ops_.Add(uint64_t(c_.cols));
  const uint32_t addr = c_.out_base + uint32_t(c_.p0 + beat_.pixel) * uint32_t(c_.out_pixel_bytes) +
                        uint32_t(c_.n_local0 * c_.out_elem_bytes);
  SplitWrites(addr, bytes.data(), uint32_t(bytes.size()), word_, DataType::kOutput, &writes_);
}

void Collector::Tick(Cycle now) {
  progress_ = false;
  while (glb_.resp.CanPop()) {
    const GlbResp r = glb_.resp.Pop();
    progress_ = true;
    if (r.write) {
      --acks_pending_;
      continue;
    }
    const uint32_t word_addr = r.tag;
    for (uint32_t b = 0; b < word_; ++b) {
      const uint32_t a = word_addr + b;
      if (a >= psum_addr_ && a < psum_addr_ + psum_bytes_)
        psum_bytes_in_[a - psum_addr_] = r.data[b];
    }
    --reads_pending_;
  }
  if (!active_) {
    if (!cmd_.CanPop()) return;
    c_ = cmd_.Pop();
    active_ = true;
    beats_done_ = 0;
    phase_ = Phase::kIdle;
    progress_ = true;
  }
  switch (phase_) {
    case Phase::kIdle:
      if (beats_done_ == c_.pixels) {
        if (writes_.empty() && acks_pending_ == 0 && done_.CanPush()) {
          done_.Push(cmd_index_++);
          active_ = false;
          progress_ = true;
        }
      } else if (in_.CanPop()) {
        StartBeat(now);
        progress_ = true;
      }
      break;
    case Phase::kReceive:
      if (now + 1 >= wait_until_) {
        phase_ = c_.first ? Phase::kCompute : Phase::kRead;
        progress_ = true;
      }
      break;
    case Phase::kRead:
      for (int l = 0; l < glb_.lanes && !reads_to_issue_.empty() && glb_.req.CanPush(); ++l) {
        GlbReq q;
        q.addr = reads_to_issue_.front();
        q.tag = q.addr;
        q.data_type = DataType::kPsum;
        glb_.req.Push(q);
        reads_to_issue_.pop_front();
        ++reads_pending_;
        progress_ = true;
      }
      if (reads_to_issue_.empty() && reads_pending_ == 0) {
        phase_ = Phase::kCompute;
        progress_ = true;
      }
      break;
    case Phase::kCompute:
      Compute();
      wait_until_ = now + (c_.last ? Cycle((c_.cols + lanes_ - 1) / lanes_) : 1);
      phase_ = Phase::kWrite;
      progress_ = true;
      break;
    case Phase::kWrite:
      if (now < wait_until_) break;
      for (int l = 0; l < glb_.lanes && !writes_.empty() && glb_.req.CanPush(); ++l) {
        glb_.req.Push(writes_.front());
        writes_.pop_front();
        ++acks_pending_;
        progress_ = true;
      }
      if (writes_.empty()) {
        ++beats_done_;
        phase_ = Phase::kIdle;
        progress_ = true;
      }
      break;
  }
}

Cycle Collector::NextEvent(Cycle now) const {
  if (progress_) return now + 1;
  if (phase_ == Phase::kReceive && wait_until_ > now + 1) return wait_until_ - 1;
  if (phase_ == Phase::kWrite && wait_until_ > now) return wait_until_;
  return kNever;
}

std::string Collector::DebugState() const {
  std::ostringstream os;
  os << "collector: active=" << active_ << " phase=" << int(phase_) << " beats=" << beats_done_
     << "/" << c_.pixels << " acks=" << acks_pending_;
  return os.str();
}

}  // namespace cssim
