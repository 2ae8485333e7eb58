#include "model/pe/pe_array.h"

#include <algorithm>
#include <sstream>

#include "model/base/error.h"

namespace cssim {

PeArray::PeArray(const ArraySpec& array, const PeSpec& pe, Link<Beat>& in, Link<Beat>& weight,
                 StatGroup& parent)
    : rows_(array.rows),
      cols_(array.cols),
      kp_max_(pe.weight_rf_entries),
      in_(in),
      weight_(weight),
      cmd_("array.cmd", 4),
      out_("array.out", size_t(std::max(2, pe.psum_rf_entries))),
      w_(size_t(array.rows) * array.cols * pe.weight_rf_entries, 0),
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
                    "cycles a pass was active but no operand beat could be consumed") {}

void PeArray::StartCmd() {
  c_ = cmd_.Pop();
  if (c_.rows_used > rows_ || c_.cols_used > cols_ || c_.kp > kp_max_)
    throw SimError("array: pass larger than the array");
  beat_ = 0;
  pixel_ = 0;
  std::fill(psum_.begin(), psum_.end(), 0);
  if (c_.dataflow == Dataflow::kWeightStationary) {
    kp_eff_.assign(size_t(c_.rows_used), 0);
    for (int r = 0; r < c_.rows_used; ++r)
      kp_eff_[r] = int(std::clamp<int64_t>(c_.k - (c_.k0 + int64_t(r) * c_.kp), 0, c_.kp));
    state_ = State::kLoadWeights;
  } else {
    state_ = State::kCompute;
  }
}

void PeArray::StepWs(Cycle now) {
  if (state_ == State::kLoadWeights) {
    if (!weight_.CanPop()) {
      stall_cycles_.Add();
      return;
    }
    const Beat b = weight_.Pop();
    const int r = int(beat_ / c_.kp), j = int(beat_ % c_.kp);
    for (int c = 0; c < c_.cols_used; ++c) W(r, c, j) = b.v[c];
    w_writes_.Add(uint64_t(c_.cols_used));
    progress_ = true;
    if (++beat_ == int64_t(c_.rows_used) * c_.kp) {
      state_ = State::kCompute;
      beat_ = 0;
    }
    return;
  }
  // kCompute: one input beat per cycle, if the reduction pipeline has room.
  if (reduce_.size() >= size_t(rows_) || !in_.CanPop()) {
    stall_cycles_.Add();
    return;
  }
  const Beat b = in_.Pop();
  progress_ = true;
  const int j = int(beat_);
  uint64_t rows_active = 0;
  for (int r = 0; r < c_.rows_used; ++r) {
    if (j >= kp_eff_[r]) continue;
    ++rows_active;
    const int32_t a = b.v[r];
    for (int c = 0; c < c_.cols_used; ++c) Psum(r, c) += a * int32_t(W(r, c, j));
  }
  const uint64_t m = rows_active * uint64_t(c_.cols_used);
  macs_.Add(m);
  w_reads_.Add(m);
  i_reads_.Add(m);
  i_writes_.Add(m);
  p_reads_.Add(m);
  p_writes_.Add(m);
  if (++beat_ < c_.kp) return;
  // The pixel's column sums travel down the column.
  SumBeat s;
  s.pixel = pixel_;
  s.v.assign(size_t(c_.cols_used), 0);
  for (int c = 0; c < c_.cols_used; ++c) {
    int32_t sum = 0;
    for (int r = 0; r < c_.rows_used; ++r) sum += Psum(r, c);
    s.v[c] = sum;
  }
  std::fill(psum_.begin(), psum_.end(), 0);
  hops_.Add(uint64_t(c_.rows_used - 1) * c_.cols_used);
  reduce_.emplace_back(now + Cycle(c_.rows_used), std::move(s));
  beat_ = 0;
  if (++pixel_ == c_.pixels) state_ = State::kIdle;
}

void PeArray::StepOs() {
  if (state_ == State::kCompute) {
    if (!in_.CanPop() || !weight_.CanPop()) {
      stall_cycles_.Add();
      return;
    }
    const Beat a = in_.Pop();
    const Beat w = weight_.Pop();
    progress_ = true;
    for (int r = 0; r < c_.rows_used; ++r) {
      const int32_t x = a.v[r];
      for (int c = 0; c < c_.cols_used; ++c) Psum(r, c) += x * int32_t(w.v[c]);
    }
    const uint64_t m = uint64_t(c_.rows_used) * c_.cols_used;
    macs_.Add(m);
    w_reads_.Add(m);
    w_writes_.Add(m);
    i_reads_.Add(m);
    i_writes_.Add(m);
    p_reads_.Add(m);
    p_writes_.Add(m);
    if (++beat_ == c_.k) {
      state_ = State::kDrain;
      pixel_ = 0;
    }
    return;
  }
  // kDrain: one row of sums per cycle over the output bus.
  if (!out_.CanPush()) return;
  SumBeat s;
  s.pixel = pixel_;
  s.v.assign(size_t(c_.cols_used), 0);
  for (int c = 0; c < c_.cols_used; ++c) s.v[c] = Psum(int(pixel_), c);
  out_.Push(std::move(s));
  progress_ = true;
  if (++pixel_ == c_.rows_used) state_ = State::kIdle;
}

void PeArray::Tick(Cycle now) {
  progress_ = false;
  // Finished column sums leave in order when their reduction latency has passed.
  if (!reduce_.empty() && reduce_.front().first <= now && out_.CanPush()) {
    out_.Push(std::move(reduce_.front().second));
    reduce_.pop_front();
    progress_ = true;
  }
  if (state_ == State::kIdle) {
    if (!cmd_.CanPop()) return;
    StartCmd();
    progress_ = true;
  }
  if (c_.dataflow == Dataflow::kWeightStationary)
    StepWs(now);
  else
    StepOs();
}

Cycle PeArray::NextEvent(Cycle now) const {
  if (progress_) return now + 1;
  if (!reduce_.empty() && reduce_.front().first > now) return reduce_.front().first;
  return kNever;
}

std::string PeArray::DebugState() const {
  std::ostringstream os;
  os << "array: state=" << int(state_) << " beat=" << beat_ << " pixel=" << pixel_
     << " reducing=" << reduce_.size();
  return os.str();
}

}  // namespace cssim
