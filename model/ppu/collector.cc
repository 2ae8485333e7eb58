#include "model/ppu/collector.h"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "model/base/error.h"
#include "model/base/test_fault.h"
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
                 "transfer", DataType::kPsum) {
  corrupt_output_ = ActiveTestFault() == TestFault::kCorruptOutput;
}

void Collector::TakeBeat(Cycle now) {
  Command& cmd = cmds_.back();
  const CollectCmd& c = cmd.c;
  Beat b;
  b.cmd = cmd.index;
  b.sums = in_.Pop();
  if (b.sums.v.size() < size_t(c.cols))
    throw SimError("collector: command " + std::to_string(cmd.index) + " has " +
                   std::to_string(c.cols) + " columns but a beat of " +
                   std::to_string(b.sums.v.size()) + " sums");
  ++cmd.taken;
  const uint32_t bytes = uint32_t(c.cols) * 4;
  transfers_.Add(bytes);
  bus_free_ = now + Cycle((bytes + uint32_t(bus_bytes_) - 1) / uint32_t(bus_bytes_));
  b.crossed = bus_free_;
  // Transposed (input-stationary): the beat is channel n_local0 + pixel across pixels p0 + col.
  const int64_t psum_row = c.transposed ? c.n_local0 + b.sums.pixel : c.p0 + b.sums.pixel;
  b.psum_addr = c.psum_base + uint32_t(psum_row) * bytes;
  if (c.last && c.transposed) {
    // One element per pixel, out_pixel_bytes apart: [lo, hi) spans them all.
    b.write_lo = c.out_base + uint32_t(c.p0) * uint32_t(c.out_pixel_bytes) +
                 uint32_t((c.n_local0 + b.sums.pixel) * c.out_elem_bytes);
    b.write_hi = b.write_lo + uint32_t(c.cols - 1) * uint32_t(c.out_pixel_bytes) +
                 uint32_t(c.out_elem_bytes);
  } else if (c.last) {
    b.write_lo = c.out_base + uint32_t(c.p0 + b.sums.pixel) * uint32_t(c.out_pixel_bytes) +
                 uint32_t(c.n_local0 * c.out_elem_bytes);
    b.write_hi = b.write_lo + uint32_t(c.cols * c.out_elem_bytes);
  } else {
    b.write_lo = b.psum_addr;
    b.write_hi = b.psum_addr + bytes;
  }
  if (!c.first) {
    b.psums.assign(bytes, 0);
    for (uint32_t a = b.psum_addr - b.psum_addr % word_; a < b.psum_addr + bytes; a += word_)
      b.reads.push_back(a);
  }
  beats_.push_back(std::move(b));
}

// Called in the cycle the beat has crossed the bus and its psums are back: the compute stage
// takes it then, or when it has finished the previous beat.
void Collector::Compute(Beat& b, Cycle now) {
  const CollectCmd& c = CommandOf(b).c;
  std::vector<int32_t>& v = b.sums.v;
  if (!c.first)
    for (int col = 0; col < c.cols; ++col) {
      int32_t old;
      std::memcpy(&old, &b.psums[size_t(col) * 4], 4);
      v[col] = int32_t(uint32_t(v[col]) + uint32_t(old));  // a 32-bit adder wraps
    }
  const bool strided = c.last && c.transposed;  // one element per pixel, out_pixel_bytes apart
  const uint32_t elem_stride = strided ? uint32_t(c.out_pixel_bytes) : uint32_t(c.out_elem_bytes);
  std::vector<uint8_t> bytes(strided ? size_t(c.cols) * c.out_elem_bytes
                                     : size_t(b.write_hi - b.write_lo));
  if (c.last) {
    for (int col = 0; col < c.cols; ++col)
      StoreElem(&bytes[size_t(col) * c.out_elem_bytes],
                OutputStage(v[col], c.requant, c.shift, c.relu), c.out_elem_bytes);
    ops_.Add(uint64_t(c.cols));
    if (corrupt_output_) {  // test fault: the lowest bit of the first element flips
      bytes[0] ^= 1;
      corrupt_output_ = false;
    }
  } else {
    std::memcpy(bytes.data(), v.data(), bytes.size());
  }
  if (strided) {
    for (int col = 0; col < c.cols; ++col)
      SplitWrites(b.write_lo + uint32_t(col) * elem_stride, &bytes[size_t(col) * c.out_elem_bytes],
                  uint32_t(c.out_elem_bytes), word_, DataType::kOutput, &b.writes);
  } else {
    SplitWrites(b.write_lo, bytes.data(), uint32_t(bytes.size()), word_,
                c.last ? DataType::kOutput : DataType::kPsum, &b.writes);
  }
  b.computing = true;
  b.computed = std::max(now, compute_free_) + (c.last ? Cycle((c.cols + lanes_ - 1) / lanes_) : 1);
  compute_free_ = b.computed;
}

bool Collector::ReadHazard(size_t beat) const {
  const Beat& b = beats_[beat];
  const uint32_t lo = b.psum_addr, hi = b.psum_addr + uint32_t(b.psums.size());
  for (size_t i = 0; i < beat; ++i)
    if (beats_[i].write_lo < hi && lo < beats_[i].write_hi) return true;
  return false;
}

void Collector::Tick(Cycle now) {
  progress_ = false;
  while (glb_.resp.CanPop()) {
    const GlbResp r = glb_.resp.Pop();
    progress_ = true;
    if (r.write) {
      // Writes go out in command order: the ack is the oldest waiting command's.
      std::find_if(cmds_.begin(), cmds_.end(), [](const Command& c) {
        return c.acks_due > 0;
      })->acks_due--;
      continue;
    }
    // Reads go out in beat order and come back in order: this is the oldest missing one.
    Beat& b = *std::find_if(beats_.begin(), beats_.end(),
                            [](const Beat& x) { return x.back < x.reads.size(); });
    const uint32_t word = b.reads[b.back++];
    const uint32_t lo = std::max(word, b.psum_addr);
    const uint32_t hi = std::min(word + word_, b.psum_addr + uint32_t(b.psums.size()));
    for (uint32_t a = lo; a < hi; ++a) b.psums[a - b.psum_addr] = r.data[a - word];
  }

  // A new command once the last one has taken all its beats.
  if ((cmds_.empty() || cmds_.back().taken == cmds_.back().c.pixels) &&
      cmds_.size() < kCmdsInFlight && cmd_.CanPop()) {
    Command cmd;
    cmd.c = cmd_.Pop();
    cmd.index = cmd_index_++;
    if (cmd.c.cols < 1 || cmd.c.pixels < 0 ||
        (cmd.c.out_elem_bytes != 1 && cmd.c.out_elem_bytes != 4))
      throw SimError("collector: command " + std::to_string(cmd.index) +
                     " needs cols >= 1, pixels >= 0 and 1- or 4-byte output elements");
    cmds_.push_back(cmd);
    progress_ = true;
  }

  // The bus: before the writes below, so a slot they free takes a beat only next cycle.
  if (!cmds_.empty() && cmds_.back().taken < cmds_.back().c.pixels &&
      beats_.size() < kBeatsInFlight && now >= bus_free_ && in_.CanPop()) {
    TakeBeat(now);
    progress_ = true;
  }

  // Compute, in beat order.
  for (Beat& b : beats_) {
    if (b.computing) continue;
    if (now < b.crossed || b.back < b.reads.size()) break;
    Compute(b, now);
    progress_ = true;
  }

  // Writes first, in beat order; a beat leaves when its last write has gone.
  int budget = glb_.lanes;
  while (budget > 0 && !beats_.empty() && beats_.front().computing &&
         now >= beats_.front().computed && glb_.req.CanPush()) {
    Beat& b = beats_.front();
    Command& cmd = CommandOf(b);
    for (; budget > 0 && !b.writes.empty() && glb_.req.CanPush(); --budget) {
      glb_.req.Push(b.writes.front());
      b.writes.pop_front();
      ++cmd.acks_due;
    }
    progress_ = true;
    if (!b.writes.empty()) break;
    ++cmd.written;
    beats_.pop_front();
  }

  // Then psum reads, in beat order.
  for (size_t i = 0; i < beats_.size() && budget > 0 && glb_.req.CanPush(); ++i) {
    Beat& b = beats_[i];
    if (b.issued == b.reads.size()) continue;
    if (ReadHazard(i)) break;
    for (; budget > 0 && b.issued < b.reads.size() && glb_.req.CanPush(); --budget) {
      GlbReq q;
      q.addr = b.reads[b.issued++];
      q.data_type = DataType::kPsum;
      glb_.req.Push(q);
      progress_ = true;
    }
    if (b.issued < b.reads.size()) break;
  }

  while (!cmds_.empty() && done_.CanPush()) {
    const Command& cmd = cmds_.front();
    if (cmd.taken < cmd.c.pixels || cmd.written < cmd.c.pixels || cmd.acks_due > 0) break;
    done_.Push(cmd.index);
    cmds_.pop_front();
    progress_ = true;
  }
}

Cycle Collector::NextEvent(Cycle now) const {
  if (progress_) return now + 1;
  // Only a transfer (the newest beat's: it ends when the bus frees) and a compute end without a
  // link moving.
  Cycle next = bus_free_ > now ? bus_free_ : kNever;
  for (const Beat& b : beats_)
    if (b.computing && b.computed > now) next = std::min(next, b.computed);
  return next;
}

std::string Collector::DebugState() const {
  std::ostringstream os;
  os << "collector: commands=" << cmds_.size() << " beats_in_flight=" << beats_.size();
  if (!cmds_.empty()) {
    const Command& c = cmds_.front();
    os << " oldest command " << c.index << ": taken=" << c.taken << " written=" << c.written << "/"
       << c.c.pixels << " acks=" << c.acks_due;
  }
  return os.str();
}

}  // namespace cssim
