#include "model/pe/pe_array.h"

#include <algorithm>
#include <sstream>

#include "model/base/error.h"
#include "model/base/test_fault.h"

namespace cssim {

PeArray::PeArray(const ArraySpec& array, const PeSpec& pe, Link<Beat>& in, Link<Beat>& weight,
                 StatGroup& parent)
    : rows_(array.rows),
      cols_(array.cols),
      kp_max_(pe.weight_rf_entries / std::max(1, pe.weight_buffers)),
      buffers_(std::max(1, pe.weight_buffers)),
      dataflow_ws_(array.dataflow == Dataflow::kWeightStationary),
      in_(in),
      weight_(weight),
      cmd_("array.cmd", 4),
      out_("array.out", size_t(std::max(2, pe.psum_rf_entries))),
      w_(size_t(array.rows) * array.cols * size_t(kp_max_) * size_t(buffers_), 0),
      psum_(size_t(array.rows) * array.cols, 0),
      stats_(&parent, "array"),
      mac_group_(&stats_, "mac", EnergyRef{"mac", 0, 8}),
      wrf_(&stats_, "weight_rf", EnergyRef{"rf", double(pe.weight_rf_entries), 8}),
      irf_(&stats_, "input_rf", EnergyRef{"rf", double(pe.input_rf_entries), 8}),
      prf_(&stats_, "psum_rf", EnergyRef{"rf", double(pe.psum_rf_entries) * 4, 32}),
      hop_group_(&stats_, "psum_links", EnergyRef{"noc", 0, 32}),
      macs_(mac_group_, "macs", "MACs", "useful int8 MACs (padding zeros included)", "mac"),
      idle_(mac_group_, "idle", "PE-cycles", "PE-cycles without a MAC (clock gated)", "idle"),
      w_reads_(wrf_, "reads", "accesses", "weight RF reads", "read", DataType::kWeight),
      w_writes_(wrf_, "writes", "accesses", "weight RF fills", "write", DataType::kWeight),
      i_reads_(irf_, "reads", "accesses", "input RF reads", "read", DataType::kInput),
      i_writes_(irf_, "writes", "accesses", "input RF fills from the bus", "write",
                DataType::kInput),
      p_reads_(prf_, "reads", "accesses", "psum RF reads (one per MAC update)", "read",
               DataType::kPsum),
      p_writes_(prf_, "writes", "accesses", "psum RF writes (one per MAC update)", "write",
                DataType::kPsum),
      hops_(hop_group_, "hops", "psums", "32-bit psums passed to the PE below", "hop",
            DataType::kPsum),
      stall_cycles_(stats_, "stall_cycles", "cycles",
                    "cycles a pass was active but no operand beat could be consumed") {
  drop_mac_ = ActiveTestFault() == TestFault::kDropMac;
}

void PeArray::Accept() {
  // ws keeps up to `buffers_` passes (one per weight bank); os works on one pass at a time.
  const size_t limit = dataflow_ws_ ? size_t(buffers_) : 1;
  if (passes_.size() >= limit || !cmd_.CanPop()) return;
  PassState p;
  p.cmd = cmd_.Pop();
  const ArrayCmd& c = p.cmd;
  if ((c.dataflow == Dataflow::kWeightStationary) != dataflow_ws_)
    throw SimError("array: pass of the other dataflow");
  if (c.rows_used > rows_ || c.cols_used > cols_ || c.kp > kp_max_)
    throw SimError("array: pass larger than the array or its weight bank");
  if (dataflow_ws_) {
    p.bank = next_bank_;
    next_bank_ = (next_bank_ + 1) % buffers_;
    p.kp_eff.assign(size_t(c.rows_used), 0);
    for (int r = 0; r < c.rows_used; ++r)
      p.kp_eff[r] = int(std::clamp<int64_t>(c.k - (c.k0 + int64_t(r) * c.kp), 0, c.kp));
  }
  if (passes_.empty()) {
    beat_ = 0;
    pixel_ = 0;
    std::fill(psum_.begin(), psum_.end(), 0);
  }
  passes_.push_back(std::move(p));
  progress_ = true;
}

void PeArray::LoadWs() {
  // One weight beat per cycle, into the first pass that still lacks weights.
  for (PassState& p : passes_) {
    if (p.loaded_all()) continue;
    if (!weight_.CanPop()) return;
    const Beat b = weight_.Pop();
    const int r = int(p.loaded / p.cmd.kp), j = int(p.loaded % p.cmd.kp);
    for (int c = 0; c < p.cmd.cols_used; ++c) W(p.bank, r, c, j) = b.v[c];
    w_writes_.Add(uint64_t(p.cmd.cols_used));
    ++p.loaded;
    progress_ = true;
    return;
  }
}

void PeArray::ComputeWs(Cycle now) {
  if (passes_.empty()) return;
  PassState& p = passes_.front();
  const ArrayCmd& c = p.cmd;
  // One input beat per cycle once the pass's weights are in, if the reduction has room.
  if (!p.loaded_all() || reduce_.size() >= size_t(rows_) || !in_.CanPop()) {
    stall_cycles_.Add();
    return;
  }
  const Beat b = in_.Pop();
  progress_ = true;
  const int j = int(beat_);
  uint64_t rows_active = 0;
  bool drop = drop_mac_;  // test fault: the first active row's MAC in column 0 is not done
  for (int r = 0; r < c.rows_used; ++r) {
    if (j >= p.kp_eff[r]) continue;
    ++rows_active;
    const int32_t a = b.v[r];
    int col = 0;
    if (drop && c.cols_used > 0) {
      col = 1;
      drop = false;
    }
    for (; col < c.cols_used; ++col) Psum(r, col) += a * int32_t(W(p.bank, r, col, j));
  }
  uint64_t m = rows_active * uint64_t(c.cols_used);
  if (drop_mac_ && !drop) {  // dropped: one MAC fewer to count
    --m;
    drop_mac_ = false;
  }
  macs_.Add(m);
  w_reads_.Add(m);
  i_reads_.Add(m);
  i_writes_.Add(m);
  p_reads_.Add(m);
  p_writes_.Add(m);
  if (++beat_ < c.kp) return;
  // The pixel's column sums travel down the column.
  SumBeat s;
  s.pixel = pixel_;
  s.v.assign(size_t(c.cols_used), 0);
  for (int col = 0; col < c.cols_used; ++col) {
    int32_t sum = 0;
    for (int r = 0; r < c.rows_used; ++r) sum += Psum(r, col);
    s.v[col] = sum;
  }
  std::fill(psum_.begin(), psum_.end(), 0);
  hops_.Add(uint64_t(c.rows_used - 1) * c.cols_used);
  reduce_.emplace_back(now + Cycle(c.rows_used), std::move(s));
  beat_ = 0;
  if (++pixel_ == c.pixels) {
    passes_.pop_front();
    pixel_ = 0;
  }
}

void PeArray::StepOs() {
  if (passes_.empty()) return;
  const ArrayCmd& c = passes_.front().cmd;
  if (!draining_) {
    if (!in_.CanPop() || !weight_.CanPop()) {
      stall_cycles_.Add();
      return;
    }
    const Beat a = in_.Pop();
    const Beat w = weight_.Pop();
    progress_ = true;
    bool drop = drop_mac_;  // test fault: PE(0, 0)'s MAC is not done
    for (int r = 0; r < c.rows_used; ++r) {
      const int32_t x = a.v[r];
      int col = 0;
      if (drop && c.cols_used > 0) {
        col = 1;
        drop = false;
      }
      for (; col < c.cols_used; ++col) Psum(r, col) += x * int32_t(w.v[col]);
    }
    uint64_t m = uint64_t(c.rows_used) * c.cols_used;
    if (drop_mac_ && !drop) {  // dropped: one MAC fewer to count
      --m;
      drop_mac_ = false;
    }
    macs_.Add(m);
    w_reads_.Add(m);
    w_writes_.Add(m);
    i_reads_.Add(m);
    i_writes_.Add(m);
    p_reads_.Add(m);
    p_writes_.Add(m);
    if (++beat_ == c.k) {
      draining_ = true;
      pixel_ = 0;
    }
    return;
  }
  // Draining: one row of sums per cycle over the output bus.
  if (!out_.CanPush()) return;
  SumBeat s;
  s.pixel = pixel_;
  s.v.assign(size_t(c.cols_used), 0);
  for (int col = 0; col < c.cols_used; ++col) s.v[col] = Psum(int(pixel_), col);
  out_.Push(std::move(s));
  progress_ = true;
  if (++pixel_ == c.rows_used) {
    passes_.pop_front();
    draining_ = false;
  }
}

void PeArray::Tick(Cycle now) {
  progress_ = false;
  // Finished column sums leave in order when their reduction latency has passed.
  if (!reduce_.empty() && reduce_.front().first <= now && out_.CanPush()) {
    out_.Push(std::move(reduce_.front().second));
    reduce_.pop_front();
    progress_ = true;
  }
  Accept();
  if (dataflow_ws_) {
    // Compute first: it sees the weight bank as it was at the start of the cycle, so a pass
    // starts the cycle after its last weight is written (the RF write is registered).
    ComputeWs(now);
    LoadWs();
  } else {
    StepOs();
  }
}

Cycle PeArray::NextEvent(Cycle now) const {
  if (progress_) return now + 1;
  if (!reduce_.empty() && reduce_.front().first > now) return reduce_.front().first;
  return kNever;
}

std::string PeArray::DebugState() const {
  std::ostringstream os;
  os << "array: passes=" << passes_.size() << " beat=" << beat_ << " pixel=" << pixel_
     << " reducing=" << reduce_.size();
  return os.str();
}

}  // namespace cssim
