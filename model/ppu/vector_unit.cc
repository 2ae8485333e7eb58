#include "model/ppu/vector_unit.h"

#include <algorithm>
#include <limits>
#include <sstream>

#include "model/base/error.h"
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

// Called in the cycle the pixel's first read goes out: its combine starts then, or when the
// previous pixel's ends.
void VectorUnit::StartPixel(Cycle now) {
  const int64_t index = next_pixel_++;
  const int oy = c_.oy0 + int(index / c_.out_w), ox = int(index % c_.out_w);
  Pixel p;
  if (c_.add)  // the other operand's run, laid out like the input
    p.runs.push_back(c_.in2_base + uint32_t(index) * run_bytes_);
  for (int dy = 0; dy < c_.win; ++dy)
    for (int dx = 0; dx < c_.win; ++dx) {
      const int iy = oy * c_.stride + dy, ix = ox * c_.stride + dx;
      p.runs.push_back(c_.in_base + uint32_t(((iy - c_.iy0) * c_.in_w + ix)) * run_bytes_);
    }
  p.window.assign(p.runs.size() * run_bytes_, 0);
  for (uint32_t run : p.runs)
    for (uint32_t a = run - run % word_; a < run + run_bytes_; a += word_) p.words.push_back(a);
  const uint64_t ops = uint64_t(c_.c) * p.runs.size();
  p.combined =
      std::max(now, combine_free_) + Cycle((ops + uint64_t(lanes_) - 1) / uint64_t(lanes_));
  combine_free_ = p.combined;
  pixels_.push_back(std::move(p));
}

// A word may serve several window runs (their boundary).
void VectorUnit::Fill(Pixel& p, uint32_t word, const GlbResp& r) {
  for (size_t i = 0; i < p.runs.size(); ++i) {
    const uint32_t lo = std::max(word, p.runs[i]);
    const uint32_t hi = std::min(word + word_, p.runs[i] + run_bytes_);
    for (uint32_t a = lo; a < hi; ++a)
      p.window[i * run_bytes_ + (a - p.runs[i])] = r.data[a - word];
  }
}

void VectorUnit::FinishPixel() {
  const Pixel& p = pixels_.front();
  std::vector<uint8_t> out(size_t(c_.c) * c_.out_elem_bytes);
  for (int ch = 0; ch < c_.c; ++ch) {
    int32_t v = std::numeric_limits<int32_t>::min();
    int64_t sum = 0;
    for (size_t i = 0; i < p.runs.size(); ++i) {
      const int32_t x =
          LoadElem(&p.window[i * run_bytes_ + size_t(ch) * c_.in_elem_bytes], c_.in_elem_bytes);
      v = std::max(v, x);
      sum += x;
    }
    if (c_.avg) v = PpuAverage(sum, int(p.runs.size()));
    if (c_.add) v = PpuAdd(sum, c_.in_elem_bytes);
    StoreElem(&out[size_t(ch) * c_.out_elem_bytes], OutputStage(v, c_.requant, c_.shift, c_.relu),
              c_.out_elem_bytes);
  }
  ops_.Add(uint64_t(c_.c) * p.runs.size());
  SplitWrites(c_.out_base + uint32_t(finished_) * uint32_t(out.size()), out.data(),
              uint32_t(out.size()), word_, DataType::kOutput, &writes_);
  pixels_.pop_front();
  --issuing_;  // the oldest pixel had issued all its reads
  ++finished_;
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
    // Responses arrive in issue order: this one is the oldest pixel's still missing data.
    auto p = std::find_if(pixels_.begin(), pixels_.end(),
                          [](const Pixel& x) { return x.back < x.words.size(); });
    Fill(*p, p->words[p->back], r);
    ++p->back;
  }
  if (!active_) {
    if (!cmd_.CanPop()) return;
    c_ = cmd_.Pop();
    if (c_.c < 1 || c_.win < 1 || c_.stride < 1 || (c_.out_pixels > 0 && c_.out_w < 1) ||
        (c_.in_elem_bytes != 1 && c_.in_elem_bytes != 4) ||
        (c_.out_elem_bytes != 1 && c_.out_elem_bytes != 4))
      throw SimError("vector: command " + std::to_string(cmd_index_) +
                     " needs c, win, stride, out_w >= 1 and 1- or 4-byte elements");
    active_ = true;
    run_bytes_ = uint32_t(c_.c * c_.in_elem_bytes);
    next_pixel_ = 0;
    finished_ = 0;
    combine_free_ = 0;
    progress_ = true;
  }
  while (!pixels_.empty() && pixels_.front().back == pixels_.front().words.size() &&
         now >= pixels_.front().combined) {
    FinishPixel();
    progress_ = true;
  }
  // Writes first, so reads go out only once the write queue is empty: it never holds more than
  // kPixelsInFlight results.
  int budget = glb_.lanes;
  for (; budget > 0 && !writes_.empty() && glb_.req.CanPush(); --budget) {
    glb_.req.Push(writes_.front());
    writes_.pop_front();
    ++acks_pending_;
    progress_ = true;
  }
  for (; budget > 0 && glb_.req.CanPush(); --budget) {
    if (issuing_ == pixels_.size()) {
      if (pixels_.size() == kPixelsInFlight || next_pixel_ == c_.out_pixels) break;
      StartPixel(now);
    }
    Pixel& p = pixels_[issuing_];
    GlbReq q;
    q.addr = p.words[p.issued++];
    q.data_type = c_.in_elem_bytes == 4 ? DataType::kPsum : DataType::kInput;
    glb_.req.Push(q);
    if (p.issued == p.words.size()) ++issuing_;
    progress_ = true;
  }
  if (finished_ == c_.out_pixels && writes_.empty() && acks_pending_ == 0 && done_.CanPush()) {
    done_.Push(cmd_index_++);
    active_ = false;
    progress_ = true;
  }
}

Cycle VectorUnit::NextEvent(Cycle now) const {
  if (progress_) return now + 1;
  // Only the oldest pixel's combine can end without a link moving.
  if (!pixels_.empty() && pixels_.front().back == pixels_.front().words.size() &&
      pixels_.front().combined > now)
    return pixels_.front().combined;
  return kNever;
}

std::string VectorUnit::DebugState() const {
  std::ostringstream os;
  os << "vector: active=" << active_ << " finished=" << finished_ << "/" << c_.out_pixels
     << " in_flight=" << pixels_.size() << " writes_queued=" << writes_.size()
     << " acks=" << acks_pending_;
  return os.str();
}

}  // namespace cssim
