#include "model/ppu/vector_unit.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <sstream>

#include "model/ppu/ppu_ops.h"

namespace cssim {

VectorUnit::VectorUnit(const PpuSpec& ppu, Glb::Port& glb, int word_bytes, StatGroup& parent)
    : lanes_(ppu.lanes),
      glb_(glb),
      word_(uint32_t(word_bytes)),
      cmd_("vector.cmd", 4),
      done_("vector.done", 4),
      stats_(&parent, "vector", EnergyRef{"ppu", 0, 32}),
      ops_(stats_, "ops", "elements", "elements compared / requantised / ReLU'd", "op",
           DataType::kOutput) {}

void VectorUnit::StartPixel(Cycle now) {
  const int oy = c_.oy0 + int(pixel_ / c_.out_w), ox = int(pixel_ % c_.out_w);
  const uint32_t run_bytes = uint32_t(c_.c * c_.in_elem_bytes);
  runs_.clear();
  for (int dy = 0; dy < c_.win; ++dy)
    for (int dx = 0; dx < c_.win; ++dx) {
      const int iy = oy * c_.stride + dy, ix = ox * c_.stride + dx;
      runs_.push_back(
          Run{c_.in_base + uint32_t(((iy - c_.iy0) * c_.in_w + ix)) * run_bytes, run_bytes});
    }
  window_bytes_.assign(runs_.size() * run_bytes, 0);
  reads_to_issue_.clear();
  reads_issued_.clear();
  for (size_t i = 0; i < runs_.size(); ++i)
    for (uint32_t a = runs_[i].addr - runs_[i].addr % word_; a < runs_[i].addr + run_bytes;
         a += word_)
      reads_to_issue_.push_back(a);
  const uint64_t ops = uint64_t(c_.c) * runs_.size();
  alu_until_ = now + Cycle((ops + uint64_t(lanes_) - 1) / uint64_t(lanes_));
  in_pixel_ = true;
}

void VectorUnit::FinishPixel() {
  const uint32_t run_bytes = uint32_t(c_.c * c_.in_elem_bytes);
  std::vector<uint8_t> out(size_t(c_.c) * c_.out_elem_bytes);
  for (int ch = 0; ch < c_.c; ++ch) {
    int32_t v = std::numeric_limits<int32_t>::min();
    for (size_t i = 0; i < runs_.size(); ++i) {
      v = std::max(v, LoadElem(&window_bytes_[i * run_bytes + size_t(ch) * c_.in_elem_bytes],
                               c_.in_elem_bytes));
    }
    StoreElem(&out[size_t(ch) * c_.out_elem_bytes], OutputStage(v, c_.requant, c_.shift, c_.relu),
              c_.out_elem_bytes);
  }
  ops_.Add(uint64_t(c_.c) * runs_.size());
  SplitWrites(c_.out_base + uint32_t(pixel_) * uint32_t(out.size()), out.data(),
              uint32_t(out.size()), word_, DataType::kOutput, &writes_);
  in_pixel_ = false;
  ++pixel_;
}

void VectorUnit::Tick(Cycle now) {
  progress_ = false;
  while (glb_.resp.CanPop()) {
    const GlbResp r = glb_.resp.Pop();
    progress_ = true;
    if (r.write) {
      --acks_pending_;
      continue;
    }
    // Responses arrive in issue order; a word may serve several window runs.
    const uint32_t w = reads_issued_.front();
    reads_issued_.pop_front();
    const uint32_t run_bytes = uint32_t(c_.c * c_.in_elem_bytes);
    for (size_t i = 0; i < runs_.size(); ++i) {
      const uint32_t lo = std::max(w, runs_[i].addr);
      const uint32_t hi = std::min(w + word_, runs_[i].addr + run_bytes);
      for (uint32_t a = lo; a < hi; ++a)
        window_bytes_[i * run_bytes + (a - runs_[i].addr)] = r.data[a - w];
    }
    --reads_pending_;
  }
  if (!active_) {
    if (!cmd_.CanPop()) return;
    c_ = cmd_.Pop();
    active_ = true;
    pixel_ = 0;
    in_pixel_ = false;
    progress_ = true;
  }
  // Writes of the previous pixel drain first (the port serves in order).
  for (int l = 0; l < glb_.lanes && !writes_.empty() && glb_.req.CanPush(); ++l) {
    glb_.req.Push(writes_.front());
    writes_.pop_front();
    ++acks_pending_;
    progress_ = true;
  }
  if (!in_pixel_) {
    if (pixel_ == c_.out_pixels) {
      if (writes_.empty() && acks_pending_ == 0 && done_.CanPush()) {
        done_.Push(cmd_index_++);
        active_ = false;
        progress_ = true;
      }
      return;
    }
    if (!writes_.empty()) return;
    StartPixel(now);
    progress_ = true;
  }
  for (int l = 0; l < glb_.lanes && !reads_to_issue_.empty() && glb_.req.CanPush(); ++l) {
    GlbReq q;
    q.addr = reads_to_issue_.front();
    q.data_type = c_.in_elem_bytes == 4 ? DataType::kPsum : DataType::kInput;
    glb_.req.Push(q);
    reads_issued_.push_back(q.addr);
    reads_to_issue_.pop_front();
    ++reads_pending_;
    progress_ = true;
  }
  if (reads_to_issue_.empty() && reads_pending_ == 0 && now >= alu_until_) {
    FinishPixel();
    progress_ = true;
  }
}

Cycle VectorUnit::NextEvent(Cycle now) const {
  if (progress_) return now + 1;
  if (in_pixel_ && alu_until_ > now) return alu_until_;
  return kNever;
}

std::string VectorUnit::DebugState() const {
  std::ostringstream os;
  os << "vector: active=" << active_ << " pixel=" << pixel_ << "/" << c_.out_pixels
     << " reads_pending=" << reads_pending_ << " acks=" << acks_pending_;
  return os.str();
}

}  // namespace cssim
