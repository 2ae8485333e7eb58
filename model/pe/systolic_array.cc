#include "model/pe/systolic_array.h"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "model/base/bits.h"
#include "model/base/error.h"
#include "model/base/test_fault.h"

namespace cssim {
namespace {

// One PE row's MACs of a step, acc[c] += x[c] * w[c]: the array's inner loop. Built for AVX2 as
// well as the baseline x86-64 (the loader picks the clone the CPU runs; other targets build
// the plain loop), since baseline SSE2 widens int8 products in several steps. __restrict: int8_t
// may alias anything, which would keep the loop from vectorising. Integer sums: every clone
// gives the same bits.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void MacRow(int32_t* __restrict acc, const int8_t* __restrict x, const int8_t* __restrict w,
            int n) {
  for (int c = 0; c < n; ++c) acc[c] += int32_t(x[c]) * int32_t(w[c]);
}

// Enough pass records for every pass with a beat in flight (at most rows + cols - 1 steps of
// one-beat passes) plus the queued ones: rows and cols are at most 256.
constexpr size_t kPassRecords = 1024;

}  // namespace

SystolicArray::SystolicArray(const ArraySpec& array, const PeSpec& pe, Link<Beat>& in,
                             Link<Beat>& weight, StatGroup& parent)
    : rows_(array.rows),
      cols_(array.cols),
      buffers_(std::max(1, pe.weight_buffers)),
      dataflow_(array.dataflow),
      in_(in),
      weight_(weight),
      cmd_("array.cmd", 4),
      out_("array.out", size_t(std::max(2, pe.psum_rf_entries))),
      ring_(Pow2AtLeast(size_t(array.rows + array.cols + 4))),
      chain_(Pow2AtLeast(size_t(array.cols))),
      pass_info_(kPassRecords),
      bank_free_(size_t(buffers_), 0),
      xh_(ring_ * size_t(rows_), 0),
      meta_(ring_),
      slope_ev_(ring_, 0),
      rowh_(size_t(rows_) * 2 * chain_, 0),
      psum_(size_t(rows_) * cols_, 0),
      dsk_(ring_ * size_t(cols_), 0),
      stats_(&parent, "array"),
      mac_group_(&stats_, "mac", EnergyRef{"mac", 0, 8}),
      wreg_(
          &stats_, "weight_reg",
          EnergyRef{"rf", double(array.dataflow == Dataflow::kWeightStationary ? buffers_ : 1), 8}),
      ireg_(
          &stats_, "input_reg",
          EnergyRef{"rf", double(array.dataflow == Dataflow::kInputStationary ? buffers_ : 1), 8}),
      preg_(&stats_, "psum_reg",
            EnergyRef{"rf", array.dataflow == Dataflow::kOutputStationary ? 8.0 : 4.0, 32}),
      in_hops_g_(&stats_, "input_hops", EnergyRef{"noc", 0, 8}),
      w_hops_g_(&stats_, "weight_hops", EnergyRef{"noc", 0, 8}),
      p_hops_g_(&stats_, "psum_hops", EnergyRef{"noc", 0, 32}),
      o_hops_g_(&stats_, "output_hops", EnergyRef{"noc", 0, 32}),
      macs_(mac_group_, "macs", "MACs", "useful int8 MACs (padding zeros included)", "mac"),
      idle_(mac_group_, "idle", "PE-cycles", "PE-cycles without a MAC (clock gated)", "idle"),
      w_reads_(wreg_, "reads", "accesses", "weight register reads (one per MAC)", "read",
               DataType::kWeight),
      w_writes_(wreg_, "writes", "accesses",
                "weight register writes (a beat arriving, or a preload shift)", "write",
                DataType::kWeight),
      i_reads_(ireg_, "reads", "accesses", "input register reads (one per MAC)", "read",
               DataType::kInput),
      i_writes_(ireg_, "writes", "accesses",
                "input register writes (a beat arriving, or a preload shift)", "write",
                DataType::kInput),
      p_reads_(preg_, "reads", "accesses",
               "psum register reads (the psum from above, or the accumulator, per MAC)", "read",
               DataType::kPsum),
      p_writes_(preg_, "writes", "accesses", "psum register writes (one per MAC)", "write",
                DataType::kPsum),
      in_hops_(in_hops_g_, "hops", "values", "int8 inputs moved to a neighbouring PE", "pe_hop",
               DataType::kInput),
      w_hops_(w_hops_g_, "hops", "values", "int8 weights moved to a neighbouring PE", "pe_hop",
              DataType::kWeight),
      p_hops_(p_hops_g_, "hops", "psums", "32-bit psums moved to the PE below", "pe_hop",
              DataType::kPsum),
      o_hops_(o_hops_g_, "hops", "sums",
              "32-bit finished sums moved down a drain chain (output-stationary)", "pe_hop",
              DataType::kOutput),
      bubbles_(stats_, "bubbles", "steps",
               "steps in which a pass wanted a streaming beat that had not arrived"),
      frozen_(stats_, "stall_cycles", "cycles",
              "ticked cycles in which the whole array was frozen because the out link was "
              "full") {
  if (stationary()) {
    bank_.assign(size_t(buffers_) * rows_ * cols_, 0);
    wact_.assign(size_t(rows_) * cols_, 0);
  } else {
    wh_.assign(ring_ * size_t(cols_), 0);
    colh_.assign(ring_ * size_t(cols_), 0);
    drain_.assign(size_t(rows_) * cols_, 0);
    dtag_.assign(size_t(rows_) * cols_, -1);
    dseq_.assign(size_t(rows_) * cols_, 0);
    drain_live_.assign(size_t(cols_), 0);
    dsk_tag_.assign(ring_ * size_t(cols_), -1);
    dsk_seq_.assign(ring_ * size_t(cols_), 0);
    flip_row_.assign(size_t(cols_), -1);
    row_until_.assign(size_t(rows_), 0);
  }
  drop_mac_ = ActiveTestFault() == TestFault::kDropMac;
}

void SystolicArray::Accept() {
  // ws/is: one pass per bank (a pass gives its bank back when its last beat is in); os: one.
  const size_t limit = stationary() ? size_t(buffers_) : 1;
  if (passes_.size() >= limit || !cmd_.CanPop()) return;
  Pass p;
  p.cmd = cmd_.Pop();
  const ArrayCmd& c = p.cmd;
  if (c.dataflow != dataflow_) throw SimError("array: pass of another dataflow");
  if (c.rows_used < 1 || c.rows_used > rows_ || c.cols_used < 1 || c.cols_used > cols_)
    throw SimError("array: pass larger than the systolic array");
  if (stationary() && c.kp != 1) throw SimError("array: a systolic PE holds one operand (kp 1)");
  if (c.k < 1 || c.pixels < 1) throw SimError("array: a pass needs k >= 1 and pixels >= 1");
  p.seq = next_seq_++;
  pass_info_[p.seq % kPassRecords] = PassInfo{c.rows_used, c.cols_used};
  if (stationary()) {
    p.bank = next_bank_;
    next_bank_ = (next_bank_ + 1) % buffers_;
  }
  passes_.push_back(p);
  progress_ = true;
}

bool SystolicArray::OutputReady() {
  out_valid_ = false;
  const uint64_t t = step_;
  const size_t mask = ring_ - 1;
  if (stationary()) {
    // Beat s's column c left the bottom in step s + R - 1 + c; the output register holds the
    // beat from step s + R + C - 1.
    const uint64_t lag = uint64_t(rows_ + cols_ - 1);
    if (t < lag) return false;
    const uint64_t s = t - lag;
    const BeatMeta& m = meta_[s & mask];
    if (!m.valid) return false;
    const int cu = pass_info_[m.seq % kPassRecords].cols;
    out_beat_.pixel = m.index;
    out_beat_.v.resize(size_t(cu));
    for (int c = 0; c < cu; ++c)
      out_beat_.v[size_t(c)] = dsk_[((s + uint64_t(rows_ - 1 + c)) & mask) * cols_ + c];
  } else {
    // Column c's drain output of step u is de-skewed to step u + C - c.
    if (t < uint64_t(cols_)) return false;
    const uint64_t u0 = t - uint64_t(cols_);
    const int32_t tag = dsk_tag_[(u0 & mask) * cols_];
    if (tag < 0) return false;
    const uint32_t seq = dsk_seq_[(u0 & mask) * cols_];
    const int cu = pass_info_[seq % kPassRecords].cols;
    out_beat_.pixel = tag;
    out_beat_.v.resize(size_t(cu));
    for (int c = 0; c < cu; ++c) {
      const size_t i = ((u0 + uint64_t(c)) & mask) * cols_ + c;
      if (dsk_tag_[i] != tag || dsk_seq_[i] != seq)
        throw SimError("array: de-skew columns out of step");
      out_beat_.v[size_t(c)] = dsk_[i];
    }
  }
  out_valid_ = true;
  return true;
}

void SystolicArray::EnterBeat(const Beat* b, int lanes, BeatMeta meta) {
  int8_t* x = &xh_[(step_ & (ring_ - 1)) * rows_];
  std::memset(x, 0, size_t(rows_));
  if (b) {
    if (b->v.size() < size_t(lanes)) throw SimError("array: streaming beat narrower than its pass");
    std::memcpy(x, b->v.data(), size_t(lanes));
  }
  meta_[step_ & (ring_ - 1)] = meta;
  if (!meta.valid) return;
  // The beat's diagonal inside its rows x cols pass has length min(d + 1, lo, hi, rows + cols -
  // 1 - d) at d = 0 .. rows + cols - 2: it grows by one per step up to d = lo - 1, stays until
  // d = hi - 1, then shrinks to 0 at d = rows + cols - 1.
  const PassInfo& p = pass_info_[meta.seq % kPassRecords];
  const uint64_t lo = uint64_t(std::min(p.rows, p.cols)), hi = uint64_t(std::max(p.rows, p.cols));
  const size_t mask = ring_ - 1;
  slope_ev_[step_ & mask] += 1;
  slope_ev_[(step_ + lo) & mask] -= 1;
  slope_ev_[(step_ + hi) & mask] -= 1;
  slope_ev_[(step_ + lo + hi) & mask] += 1;
}

bool SystolicArray::Preload() {
  for (Pass& p : passes_) {
    if (p.loaded == p.cmd.rows_used) continue;
    if (step_ < bank_free_[size_t(p.bank)] || !preload_link().CanPop()) return false;
    const Beat b = preload_link().Pop();
    const int cu = p.cmd.cols_used;
    if (b.v.size() < size_t(cu)) throw SimError("array: preload beat narrower than its pass");
    // The chain shifts one row down; the beat enters row 0.
    int8_t* bank = &bank_[size_t(p.bank) * rows_ * cols_];
    std::memmove(bank + cols_, bank, size_t(rows_ - 1) * cols_);
    std::memset(bank, 0, size_t(cols_));
    std::memcpy(bank, b.v.data(), size_t(cu));
    const uint64_t writes = uint64_t(cu) * uint64_t(p.loaded + 1);
    const uint64_t hops = uint64_t(cu) * uint64_t(p.loaded);
    if (dataflow_ == Dataflow::kInputStationary) {
      i_writes_.Add(writes);
      in_hops_.Add(hops);
    } else {
      w_writes_.Add(writes);
      w_hops_.Add(hops);
    }
    ++p.loaded;
    p.loaded_step = step_;
    return true;
  }
  return false;
}

bool SystolicArray::FeedStationary() {
  if (passes_.empty()) return false;
  Pass& p = passes_.front();
  const ArrayCmd& c = p.cmd;
  // The last preload shift is registered: its pass streams from the next step.
  if (p.loaded < c.rows_used || p.loaded_step >= step_ || p.fed >= c.pixels) return false;
  if (!stream_link().CanPop()) {
    bubbles_.Add();
    return false;
  }
  const Beat b = stream_link().Pop();
  EnterBeat(&b, c.rows_used, BeatMeta{1, p.seq, int32_t(p.fed)});
  if (p.fed == 0) waves_.push_back(Wavefront{step_, p.seq, p.bank});
  const uint64_t ru = uint64_t(c.rows_used), cu = uint64_t(c.cols_used);
  if (dataflow_ == Dataflow::kInputStationary) {
    w_writes_.Add(ru * cu);
    w_hops_.Add(ru * (cu - 1));
  } else {
    i_writes_.Add(ru * cu);
    in_hops_.Add(ru * (cu - 1));
  }
  p_hops_.Add(cu * uint64_t(rows_ - 1));
  live_until_ = step_ + uint64_t(rows_ + cols_);
  any_beat_ = true;
  if (++p.fed == c.pixels) {
    // The last beat passes PE(R-1, C-1) in step + R + C - 2: the bank is free after that.
    bank_free_[size_t(p.bank)] = step_ + uint64_t(rows_ + cols_ - 1);
    passes_.pop_front();
  }
  return true;
}

bool SystolicArray::FeedOs() {
  if (passes_.empty()) return false;
  Pass& p = passes_.front();
  const ArrayCmd& c = p.cmd;
  const bool last = p.fed + 1 == c.k;
  // The last beat moves the pass's sums into the drain chains, which must have room.
  if (last && step_ < flip_ok_) return false;
  if (!in_.CanPop() || !weight_.CanPop()) {
    bubbles_.Add();
    return false;
  }
  const Beat a = in_.Pop();
  const Beat w = weight_.Pop();
  EnterBeat(&a, c.rows_used, BeatMeta{1, p.seq, int32_t(p.fed)});
  // Row r holds this beat's input from step + r to step + r + cols - 1.
  for (int r = 0; r < c.rows_used; ++r) row_until_[size_t(r)] = step_ + uint64_t(r + cols_);
  if (w.v.size() < size_t(c.cols_used)) throw SimError("array: weight beat narrower than its pass");
  int8_t* wr = &wh_[(step_ & (ring_ - 1)) * cols_];
  std::memset(wr, 0, size_t(cols_));
  std::memcpy(wr, w.v.data(), size_t(c.cols_used));
  const uint64_t ru = uint64_t(c.rows_used), cu = uint64_t(c.cols_used);
  i_writes_.Add(ru * cu);
  w_writes_.Add(ru * cu);
  in_hops_.Add(ru * (cu - 1));
  w_hops_.Add(cu * (ru - 1));
  live_until_ = std::max(live_until_, step_ + uint64_t(rows_ + cols_));
  any_beat_ = true;
  if (++p.fed == c.k) {
    waves_.push_back(Wavefront{step_, p.seq, 0});
    flip_ok_ = step_ + uint64_t(rows_);
    live_until_ = std::max(live_until_, step_ + uint64_t(2 * rows_ + cols_ + 1));
    passes_.pop_front();
  }
  return true;
}

void SystolicArray::CountMacs(bool drop) {
  // Beat s is at anti-diagonal t - s; each PE of the diagonal inside its pass does one MAC. The
  // sum over the beats in flight is kept as a running level whose slope changes where a beat's
  // diagonal stops growing or starts shrinking (EnterBeat schedules those steps).
  const size_t i = step_ & (ring_ - 1);
  slope_ += slope_ev_[i];
  slope_ev_[i] = 0;
  level_ += slope_;
  uint64_t m = uint64_t(level_);
  m -= drop;  // test fault: PE(0, 0)'s MAC of the first beat is undone below
  macs_.Add(m);
  w_reads_.Add(m);
  i_reads_.Add(m);
  p_reads_.Add(m);
  p_writes_.Add(m);
}

void SystolicArray::SwitchBanks() {
  // The PE's bank select flips when the new pass's first beat reaches it (anti-diagonal d).
  const int64_t last = rows_ + cols_ - 2;
  while (!waves_.empty() && int64_t(step_ - waves_.front().step) > last) waves_.pop_front();
  for (const Wavefront& w : waves_) {
    const int64_t d = int64_t(step_ - w.step);
    const PassInfo& p = pass_info_[w.seq % kPassRecords];
    const int8_t* bank = &bank_[size_t(w.bank) * rows_ * cols_];
    const int64_t lo = std::max<int64_t>(0, d - cols_ + 1), hi = std::min<int64_t>(rows_ - 1, d);
    for (int64_t r = lo; r <= hi; ++r) {
      const int64_t c = d - r;
      const size_t i = size_t(r) * cols_ + size_t(c);
      wact_[i] = (r < p.rows && c < p.cols) ? bank[i] : 0;
    }
  }
}

void SystolicArray::StepPsums() {
  // Bottom-up, in place: psum(r, c) takes psum(r - 1, c) of the last step plus its product.
  const size_t base = chain_ - 1 - (step_ & (chain_ - 1));
  const int cols = cols_;  // a local: stores through p could otherwise alias the member
  for (int r = rows_ - 1; r >= 0; --r) {
    // __restrict: int8_t may alias anything, which would keep the loops from vectorising.
    int32_t* __restrict p = &psum_[size_t(r) * cols_];
    const int8_t* __restrict x = &rowh_[size_t(r) * 2 * chain_ + base];
    const int8_t* __restrict w = &wact_[size_t(r) * cols_];
    if (r > 0) {
      const int32_t* __restrict up = &psum_[size_t(r - 1) * cols_];
      for (int c = 0; c < cols; ++c) p[c] = up[c] + int32_t(x[c]) * int32_t(w[c]);
    } else {
      for (int c = 0; c < cols; ++c) p[c] = int32_t(x[c]) * int32_t(w[c]);
    }
  }
  if (drop_now_) psum_[0] -= int32_t(rowh_[base]) * int32_t(wact_[0]);
  std::memcpy(&dsk_[(step_ & (ring_ - 1)) * cols_], &psum_[size_t(rows_ - 1) * cols_],
              size_t(cols_) * sizeof(int32_t));
}

void SystolicArray::Drain() {
  // Which row of each column takes its sum this step (the interlock on a pass's last beat keeps
  // it to one wavefront per column).
  std::fill(flip_row_.begin(), flip_row_.end(), -1);
  const int64_t last = rows_ + cols_ - 2;
  while (!waves_.empty() && int64_t(step_ - waves_.front().step) > last) waves_.pop_front();
  for (const Wavefront& w : waves_) {
    const int64_t d = int64_t(step_ - w.step);
    const PassInfo& p = pass_info_[w.seq % kPassRecords];
    const int64_t lo = std::max<int64_t>(0, d - p.cols + 1), hi = std::min<int64_t>(p.rows - 1, d);
    for (int64_t r = lo; r <= hi; ++r) {
      if (flip_row_[size_t(d - r)] >= 0) throw SimError("array: two passes drain one column");
      flip_row_[size_t(d - r)] = int(r);
    }
  }
  const size_t out = (step_ & (ring_ - 1)) * cols_;
  for (int c = 0; c < cols_; ++c) {
    dsk_tag_[out + c] = -1;
    if (drain_live_[size_t(c)] == 0) continue;
    const size_t bottom = size_t(rows_ - 1) * cols_ + c;
    if (dtag_[bottom] >= 0) {  // the bottom register leaves into the de-skew stage
      dsk_[out + c] = drain_[bottom];
      dsk_tag_[out + c] = dtag_[bottom];
      dsk_seq_[out + c] = dseq_[bottom];
      dtag_[bottom] = -1;
      --drain_live_[size_t(c)];
    }
    for (int r = rows_ - 1; r >= 1; --r) {
      const size_t i = size_t(r) * cols_ + c, up = i - cols_;
      if (dtag_[i] >= 0 || dtag_[up] < 0 || flip_row_[size_t(c)] == r) continue;
      drain_[i] = drain_[up];
      dtag_[i] = dtag_[up];
      dseq_[i] = dseq_[up];
      dtag_[up] = -1;
      o_hops_.Add();
    }
  }
}

void SystolicArray::StepOs() {
  const size_t mask = ring_ - 1;
  const size_t base = chain_ - 1 - (step_ & (chain_ - 1));
  // Column c's weight delay line: the weight reaching row 0 now was taken c steps ago.
  int8_t* col = &colh_[(step_ & mask) * cols_];
  for (int c = 0; c < cols_; ++c) col[c] = wh_[((step_ - uint64_t(c)) & mask) * cols_ + c];
  Drain();
  for (int r = 0; r < rows_; ++r) {
    // A row no beat in flight has inputs for would add 0 (its PEs are clock gated).
    if (row_until_[size_t(r)] < step_) continue;
    MacRow(&psum_[size_t(r) * cols_], &rowh_[size_t(r) * 2 * chain_ + base],
           &colh_[((step_ - uint64_t(r)) & mask) * cols_], cols_);
  }
  if (drop_now_) psum_[0] -= int32_t(rowh_[base]) * int32_t(col[0]);
  Flips();
}

void SystolicArray::Flips() {
  // After its MAC of the pass's last beat a PE moves its sum into its drain register.
  for (const Wavefront& w : waves_) {
    const int64_t d = int64_t(step_ - w.step);
    const PassInfo& p = pass_info_[w.seq % kPassRecords];
    const int64_t lo = std::max<int64_t>(0, d - p.cols + 1), hi = std::min<int64_t>(p.rows - 1, d);
    for (int64_t r = lo; r <= hi; ++r) {
      const size_t i = size_t(r) * cols_ + size_t(d - r);
      if (dtag_[i] >= 0) throw SimError("array: drain register still full");
      drain_[i] = psum_[i];
      dtag_[i] = int32_t(r);
      dseq_[i] = w.seq;
      psum_[i] = 0;
      ++drain_live_[size_t(d - r)];
    }
  }
}

void SystolicArray::Step() {
  const size_t mask = ring_ - 1;
  // Row r's delay line: the value reaching PE(r, 0) now is row r of the beat taken r steps ago.
  const size_t base = chain_ - 1 - (step_ & (chain_ - 1));
  for (int r = 0; r < rows_; ++r) {
    const int8_t v = xh_[((step_ - uint64_t(r)) & mask) * rows_ + r];
    int8_t* row = &rowh_[size_t(r) * 2 * chain_];
    row[base] = v;
    row[base + chain_] = v;
  }
  // Test fault (model/base/test_fault.h): PE(0, 0)'s MAC of the first beat is neither done nor
  // counted.
  drop_now_ = drop_mac_ && meta_[step_ & mask].valid;
  if (drop_now_) drop_mac_ = false;
  CountMacs(drop_now_);
  if (stationary()) {
    SwitchBanks();
    StepPsums();
  } else {
    StepOs();
  }
}

void SystolicArray::Tick(Cycle) {
  progress_ = false;
  Accept();
  const bool live = any_beat_ && step_ <= live_until_;
  const bool out = live && OutputReady();
  if (out && !out_.CanPush()) {
    frozen_.Add();
    return;
  }
  const bool loaded = stationary() && Preload();
  const bool fed = stationary() ? FeedStationary() : FeedOs();
  if (!live && !loaded && !fed) return;
  if (!fed) {  // no streaming beat this step: a bubble enters
    EnterBeat(nullptr, 0, BeatMeta{});
    if (!stationary()) std::memset(&wh_[(step_ & (ring_ - 1)) * cols_], 0, size_t(cols_));
  }
  if (out) {
    out_.Push(std::move(out_beat_));
    out_beat_ = SumBeat{};
  }
  Step();
  ++step_;
  progress_ = true;
}

Cycle SystolicArray::NextEvent(Cycle now) const { return progress_ ? now + 1 : kNever; }

std::string SystolicArray::DebugState() const {
  std::ostringstream os;
  os << "systolic array: step=" << step_ << " passes=" << passes_.size()
     << " live_until=" << live_until_ << " wavefronts=" << waves_.size();
  if (!passes_.empty())
    os << " front: loaded=" << passes_.front().loaded << "/" << passes_.front().cmd.rows_used
       << " fed=" << passes_.front().fed;
  return os.str();
}

}  // namespace cssim
