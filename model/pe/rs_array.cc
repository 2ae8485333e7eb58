#include "model/pe/rs_array.h"

#include <algorithm>
#include <sstream>

#include "model/base/error.h"
#include "model/base/test_fault.h"

namespace cssim {

RsArray::RsArray(const ArraySpec& array, const PeSpec& pe, Link<Beat>& in, Link<Beat>& filter,
                 StatGroup& parent)
    : rows_(array.rows),
      cols_(array.cols),
      kp_max_(pe.weight_rf_entries / std::max(1, pe.weight_buffers)),
      buffers_(std::max(1, pe.weight_buffers)),
      input_rf_(pe.input_rf_entries),
      psum_rf_(pe.psum_rf_entries),
      in_(in),
      filter_(filter),
      cmd_("rs_array.cmd", 4),
      out_("rs_array.out", 2),
      w_(size_t(array.rows) * array.cols * size_t(kp_max_) * size_t(buffers_), 0),
      pending_(size_t(array.rows) * array.cols),
      up_(size_t(array.rows) * array.cols),
      col_out_(size_t(array.cols)),
      col_cur_(size_t(array.cols)),
      stats_(&parent, "rs_array"),
      mac_group_(&stats_, "mac", EnergyRef{"mac", 0, 8}),
      wrf_(&stats_, "weight_rf", EnergyRef{"rf", double(pe.weight_rf_entries), 8}),
      irf_group_(&stats_, "input_rf", EnergyRef{"rf", double(pe.input_rf_entries), 8}),
      prf_(&stats_, "psum_rf", EnergyRef{"rf", double(pe.psum_rf_entries) * 4, 32}),
      filter_noc_(&stats_, "filter_multicast", EnergyRef{"noc", 0, 8}),
      input_noc_(&stats_, "input_multicast", EnergyRef{"noc", 0, 8}),
      psum_noc_(&stats_, "psum_links", EnergyRef{"noc", 0, 32}),
      macs_(mac_group_, "macs", "MACs", "useful int8 MACs (padding zeros included)", "mac"),
      idle_(mac_group_, "idle", "PE-cycles", "PE-cycles without a MAC (clock gated)", "idle"),
      w_reads_(wrf_, "reads", "accesses", "filter-row RF reads (one per MAC)", "read",
               DataType::kWeight),
      w_writes_(wrf_, "writes", "accesses", "filter-row RF fills", "write", DataType::kWeight),
      i_reads_(irf_group_, "reads", "accesses", "input RF reads (one per MAC)", "read",
               DataType::kInput),
      i_writes_(irf_group_, "writes", "accesses", "input RF fills from the diagonal buses", "write",
                DataType::kInput),
      p_reads_(prf_, "reads", "accesses",
               "psum RF reads (one per MAC update, one per psum sent up the column)", "read",
               DataType::kPsum),
      p_writes_(prf_, "writes", "accesses", "psum RF writes (one per MAC update)", "write",
                DataType::kPsum),
      filter_deliveries_(filter_noc_, "deliveries", "bytes",
                         "filter values received by a PE from its row's filter multicast",
                         "delivery", DataType::kWeight),
      input_deliveries_(input_noc_, "deliveries", "bytes",
                        "input values received by a PE from its diagonal's multicast", "delivery",
                        DataType::kInput),
      hops_(psum_noc_, "hops", "psums", "32-bit psums passed to the PE above", "hop",
            DataType::kPsum),
      stall_cycles_(stats_, "stall_cycles", "cycles",
                    "cycles a pass was computing or waiting to compute but took no MAC step") {
  drop_mac_ = ActiveTestFault() == TestFault::kDropMac;
}

bool RsArray::Active(const RsMap& m, int r, int j, int st) const {
  if (r >= m.rows_used() || j >= m.cols_used()) return false;
  return j % m.e < m.strip_rows(st) && m.p_eff(j / m.e) > 0;
}

void RsArray::ListActive() {
  const RsMap& m = passes_.front().m;
  active_.clear();
  if (strip_ >= m.strips()) return;
  for (int r = 0; r < m.rows_used(); ++r)
    for (int j = 0; j < m.cols_used(); ++j)
      if (Active(m, r, j, strip_))
        active_.push_back(ActivePe{r, j,
                                   (r / m.rc) * m.diagonals() + r % m.rc + (j % m.e) * m.stride,
                                   m.q_eff(r), m.p_eff(j / m.e), Pe(r, j)});
}

void RsArray::Accept() {
  if (passes_.size() >= size_t(buffers_) || !cmd_.CanPop()) return;
  PassState p;
  const ArrayCmd c = cmd_.Pop();
  p.m = c.rs;
  const RsMap& m = p.m;
  if (c.dataflow != Dataflow::kRowStationary) throw SimError("rs_array: pass of another dataflow");
  if (m.rows_used() > rows_ || m.cols_used() > cols_ || m.S * m.q * m.p > kp_max_ ||
      m.q * m.S > input_rf_ || m.p > psum_rf_ || m.rows_out < 1 || m.F < 1)
    throw SimError("rs_array: pass larger than the array or its register files");
  for (int r = 0; r < m.rows_used(); ++r) p.q_max = std::max(p.q_max, m.q_eff(r));
  for (int g = 0; g < m.hg; ++g) p.p_max = std::max(p.p_max, m.p_eff(g));
  if (p.q_max == 0 || p.p_max == 0) throw SimError("rs_array: pass with no channel or filter");
  p.bank = next_bank_;
  next_bank_ = (next_bank_ + 1) % buffers_;
  passes_.push_back(std::move(p));
  progress_ = true;
}

void RsArray::StartPass() {
  const PassState& p = passes_.front();
  const RsMap& m = p.m;
  q_cap_ = m.q;
  cap_cols_ = input_rf_ / m.q;
  bufs_ = std::max(1, psum_rf_ / m.p);
  strip_ = x_ = 0;
  in_beats_ = 0;
  step_ = 0;
  steps_ = m.S * p.q_max * p.p_max;
  computing_ = compute_done_ = false;
  emit_strip_ = emit_x_ = emit_jj_ = 0;
  irf_.assign(size_t(rows_) * cols_ * cap_cols_ * q_cap_, 0);
  acc_.assign(size_t(rows_) * cols_ * m.p, 0);
  for (auto& c : col_cur_) c.clear();
  for (auto& c : col_out_) c.clear();
  started_ = true;
  ListActive();
}

void RsArray::LoadFilter() {
  // One filter beat per cycle, into the first pass that still lacks filters.
  for (PassState& p : passes_) {
    if (p.loaded_all()) continue;
    if (!filter_.CanPop()) return;
    const RsMap& m = p.m;
    const Beat b = filter_.Pop();
    if (b.v.size() < size_t(m.weight_lanes())) throw SimError("rs_array: filter beat too narrow");
    const int entry = int(p.loaded);
    const int pp = entry % m.p, qq = entry / m.p % m.q;
    uint64_t n = 0;
    for (int r = 0; r < m.rows_used(); ++r) {
      if (qq >= m.q_eff(r)) continue;
      for (int g = 0; g < m.hg; ++g) {
        if (pp >= m.p_eff(g)) continue;
        for (int jj = 0; jj < m.e; ++jj) W(p.bank, r, g * m.e + jj, entry) = b.v[r * m.hg + g];
        n += uint64_t(m.e);
      }
    }
    w_writes_.Add(n);
    filter_deliveries_.Add(n);
    ++p.loaded;
    progress_ = true;
    return;
  }
}

void RsArray::TakeInput() {
  const RsMap& m = passes_.front().m;
  if (compute_done_ || in_beats_ == uint64_t(m.wp()) * m.q) return;
  const int col = int(in_beats_ / uint64_t(m.q)), qq = int(in_beats_ % uint64_t(m.q));
  // The input RF holds cap_cols_ columns: the oldest the current pixel needs is x * stride.
  if (col >= x_ * m.stride + cap_cols_ || !in_.CanPop()) return;
  const Beat b = in_.Pop();
  if (b.v.size() < size_t(m.input_lanes())) throw SimError("rs_array: input beat too narrow");
  uint64_t n = 0;
  for (const ActivePe& a : active_) {
    if (qq >= a.q_eff) continue;
    In(a.r, a.j, col, qq) = b.v[size_t(a.lane)];
    ++n;
  }
  i_writes_.Add(n);
  input_deliveries_.Add(n);
  ++in_beats_;
  progress_ = true;
}

void RsArray::Compute(Cycle now) {
  const PassState& p = passes_.front();
  const RsMap& m = p.m;
  if (compute_done_) return;
  if (!computing_) {
    const bool inputs = in_beats_ >= uint64_t(x_ * m.stride + m.S) * m.q;
    bool psum_room = true;
    for (size_t i = 0; i < active_.size() && psum_room; ++i)
      psum_room = pending_[active_[i].pe].size() < size_t(bufs_);
    if (!p.loaded_all() || !inputs || !psum_room) {
      stall_cycles_.Add();
      return;
    }
    computing_ = true;
    step_ = 0;
    std::fill(acc_.begin(), acc_.end(), 0);
  }
  // One MAC step: (s, qq, pp) over the pass's most channels and filters.
  const int pp = step_ % p.p_max, qq = step_ / p.p_max % p.q_max, s = step_ / (p.p_max * p.q_max);
  const int entry = (s * m.q + qq) * m.p + pp, col = x_ * m.stride + s;
  uint64_t n = 0;
  for (const ActivePe& a : active_) {
    if (qq >= a.q_eff || pp >= a.p_eff) continue;
    if (drop_mac_) {  // test fault: this MAC is neither done nor counted
      drop_mac_ = false;
      continue;
    }
    acc_[a.pe * m.p + pp] += int32_t(In(a.r, a.j, col, qq)) * int32_t(W(p.bank, a.r, a.j, entry));
    ++n;
  }
  macs_.Add(n);
  w_reads_.Add(n);
  i_reads_.Add(n);
  p_reads_.Add(n);
  p_writes_.Add(n);
  progress_ = true;
  if (++step_ < steps_) return;
  // The pixel is done: every active PE's psums wait to go up the column.
  for (const ActivePe& a : active_) {
    const int32_t* v = &acc_[a.pe * m.p];
    pending_[a.pe].push_back(Psums{std::vector<int32_t>(v, v + a.p_eff), 0, now + 1});
  }
  computing_ = false;
  if (++x_ < m.F) return;
  x_ = 0;
  in_beats_ = 0;
  if (++strip_ == m.strips()) compute_done_ = true;
  ListActive();
}

void RsArray::Drain(Cycle now) {
  const RsMap& m = passes_.front().m;
  const int rows = m.rows_used();
  for (int j = 0; j < m.cols_used(); ++j) {
    const int g = j / m.e;
    // Top row first: a value it takes from below frees that link's slot for the next cycle.
    for (int r = 0; r < rows; ++r) {
      std::deque<Psums>& own = pending_[Pe(r, j)];
      if (own.empty() || own.front().ready > now) continue;
      VLink* below = r + 1 < rows ? &up_[Pe(r + 1, j)] : nullptr;
      if (below && (below->q.empty() || below->q.front().first >= now)) continue;
      if (r == 0) {
        if (col_out_[j].size() >= 2) continue;
      } else {
        const VLink& above = up_[Pe(r, j)];
        if (above.q.size() + (above.popped == now ? 1 : 0) >= 2) continue;
      }
      Psums& ps = own.front();
      int32_t v = ps.v[ps.sent];
      if (below) {
        v = int32_t(uint32_t(v) + uint32_t(below->q.front().second));
        below->q.pop_front();
        below->popped = now;
      }
      p_reads_.Add();
      if (r == 0) {
        col_cur_[j].push_back(v);
        if (col_cur_[j].size() == size_t(m.p_eff(g))) {
          col_out_[j].push_back(std::move(col_cur_[j]));
          col_cur_[j].clear();
        }
      } else {
        up_[Pe(r, j)].q.emplace_back(now, v);
        hops_.Add();
      }
      if (++ps.sent == ps.v.size()) own.pop_front();
      progress_ = true;
    }
  }
}

void RsArray::Emit() {
  const RsMap& m = passes_.front().m;
  if (!out_.CanPush()) return;
  for (int g = 0; g < m.hg; ++g)
    if (m.p_eff(g) > 0 && col_out_[size_t(g * m.e + emit_jj_)].empty()) return;
  SumBeat s;
  s.pixel = int64_t(emit_strip_ * m.e + emit_jj_) * m.F + emit_x_;
  for (int g = 0; g < m.hg; ++g) {
    if (m.p_eff(g) == 0) continue;
    auto& q = col_out_[size_t(g * m.e + emit_jj_)];
    s.v.insert(s.v.end(), q.front().begin(), q.front().end());
    q.pop_front();
  }
  out_.Push(std::move(s));
  progress_ = true;
  if (++emit_jj_ < m.strip_rows(emit_strip_)) return;
  emit_jj_ = 0;
  if (++emit_x_ < m.F) return;
  emit_x_ = 0;
  if (++emit_strip_ < m.strips()) return;
  passes_.pop_front();  // the pass's last SumBeat has left
  started_ = false;
}

void RsArray::Tick(Cycle now) {
  progress_ = false;
  if (!passes_.empty() && !started_) {
    StartPass();
    progress_ = true;
  }
  // Each stage sees what the others did in earlier cycles only (registered RFs and links):
  // the output takes pixels the top row finished before, compute sees psum buffers freed and
  // inputs and filters taken before this cycle.
  if (started_) {
    Emit();
    if (started_) {
      Compute(now);
      Drain(now);
      TakeInput();
    }
  }
  LoadFilter();
  Accept();
}

Cycle RsArray::NextEvent(Cycle now) const { return progress_ ? now + 1 : kNever; }

std::string RsArray::DebugState() const {
  std::ostringstream os;
  os << "rs_array: passes=" << passes_.size() << " strip=" << strip_ << " x=" << x_
     << " step=" << step_ << "/" << steps_ << " in_beats=" << in_beats_
     << " computing=" << computing_ << " done=" << compute_done_ << " emit=" << emit_strip_ << "/"
     << emit_x_ << "/" << emit_jj_;
  return os.str();
}

}  // namespace cssim
