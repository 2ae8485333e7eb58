#include "model/cs/cs_engine.h"

#include <algorithm>
#include <sstream>

#include "model/base/bits.h"
#include "model/base/error.h"

namespace cssim {

CsEngine::CsEngine(const CsSpec& cs, Link<Beat>& in, Link<Beat>& weight, Link<Beat>& id,
                   StatGroup& parent)
    : lanes_(cs.lanes),
      engines_(cs.engines),
      max_n_(cs.max_n),
      kp_max_(cs.weight_rf_entries / std::max(1, cs.weight_buffers)),
      buffers_(std::max(1, cs.weight_buffers)),
      depth_(1 + cs.route_latency_cycles + cs.adder_latency_cycles),
      route_stages_(std::max(1, CeilLog2(cs.lanes))),
      in_(in),
      weight_(weight),
      id_(id),
      cmd_("cs.cmd", 4),
      // Two output registers: one sum beat leaves while the next one is written.
      out_("cs.out", 2),
      w_(size_t(cs.lanes) * cs.engines * size_t(kp_max_) * size_t(buffers_), 0),
      kid_(w_.size(), 0),
      acc_(size_t(cs.engines) * cs.max_n, 0),
      touched_(acc_.size(), 0),
      stats_(&parent, "cs"),
      mac_group_(&stats_, "mac", EnergyRef{"mac", 0, 8}),
      wrf_(&stats_, "weight_rf", EnergyRef{"rf", double(cs.weight_rf_entries), 8}),
      // Each lane latches one activation per beat and broadcasts it to the engines.
      irf_(&stats_, "input_rf", EnergyRef{"rf", 1, 8}),
      id_group_(&stats_, "kernel_id", EnergyRef{"cs", 0, 8}),
      route_group_(&stats_, "route", EnergyRef{"cs", 0, 16}),
      acc_group_(&stats_, "acc", EnergyRef{"cs", 0, 32}),
      macs_(mac_group_, "macs", "MACs", "int8 MACs with a non-zero weight", "mac"),
      gated_(mac_group_, "gated", "multiplier-cycles",
             "multipliers of active lanes gated by a zero (padded) weight", "gated"),
      idle_(mac_group_, "idle", "multiplier-cycles",
            "multiplier-cycles without a MAC or a gated slot (clock gated)", "idle"),
      skipped_(mac_group_, "skipped", "MACs",
               "dense-equivalent MACs the packed kernels avoid: dense work - macs - gated",
               "skipped"),
      w_reads_(wrf_, "reads", "accesses", "combined-kernel entry reads (MAC or gated slot)", "read",
               DataType::kWeight),
      w_writes_(wrf_, "writes", "accesses", "combined-kernel entry fills", "write",
                DataType::kWeight),
      i_reads_(irf_, "reads", "accesses", "activation reads by a multiplier (one per MAC)", "read",
               DataType::kInput),
      id_reads_(id_group_, "id_reads", "bits", "kernel ID bits read (ceil(log2 n) per slot)",
                "id_read_bit", DataType::kKernelId),
      hops_(route_group_, "hops", "product-stages", "products x route network stages", "route_hop",
            DataType::kPsum),
      acc_updates_(acc_group_, "updates", "updates",
                   "adder trees that summed at least one product into an accumulator, per cycle",
                   "acc_update", DataType::kPsum),
      stall_cycles_(stats_, "stall_cycles", "cycles",
                    "cycles a pass was active but no input beat could be consumed") {}

void CsEngine::Accept() {
  if (passes_.size() >= size_t(buffers_) || !cmd_.CanPop()) return;
  PassState p;
  p.cmd = cmd_.Pop();
  const ArrayCmd& c = p.cmd;
  if (c.dataflow != Dataflow::kWeightStationary)
    throw SimError("cs: only weight-stationary passes run on the CS engine");
  if (c.rows_used < 1 || c.rows_used > lanes_ || c.cols_used < 1 || c.cols_used > engines_ ||
      c.kp < 1 || c.kp > kp_max_ || c.pixels < 1)
    throw SimError("cs: pass of " + std::to_string(c.rows_used) + " lanes x " +
                   std::to_string(c.cols_used) + " engines x " + std::to_string(c.kp) +
                   " entries does not fit " + std::to_string(lanes_) + " x " +
                   std::to_string(engines_) + " x " + std::to_string(kp_max_));
  if (c.n < 1 || c.n > max_n_)
    throw SimError("cs: n = " + std::to_string(c.n) + " outside 1.." + std::to_string(max_n_));
  if (c.out_cols <= (c.cols_used - 1) * c.n || c.out_cols > c.cols_used * c.n)
    throw SimError("cs: out_cols = " + std::to_string(c.out_cols) + " does not fit " +
                   std::to_string(c.cols_used) + " groups of " + std::to_string(c.n));
  p.bank = next_bank_;
  next_bank_ = (next_bank_ + 1) % buffers_;
  p.kp_eff.assign(size_t(c.rows_used), 0);
  for (int r = 0; r < c.rows_used; ++r)
    p.kp_eff[r] = int(std::clamp<int64_t>(c.k - (c.k0 + int64_t(r) * c.kp), 0, c.kp));
  for (int e = 0; e < c.cols_used; ++e)
    p.skipped_per_active_lane += std::min(c.n, c.out_cols - e * c.n) - 1;
  passes_.push_back(std::move(p));
  progress_ = true;
}

void CsEngine::Load() {
  // One value beat and its ID beat per cycle, into the first pass that still lacks weights. A
  // pass with n = 1 has no IDs (every product goes to the one adder tree): no ID beats.
  for (PassState& p : passes_) {
    if (p.loaded_all()) continue;
    const bool ids = p.cmd.n > 1;
    if (!weight_.CanPop() || (ids && !id_.CanPop())) return;
    const int cols = p.cmd.cols_used;
    if (int(weight_.Front().v.size()) < cols || (ids && int(id_.Front().v.size()) < cols))
      throw SimError("cs: weight or id beat narrower than the pass's " + std::to_string(cols) +
                     " engines");
    const Beat wb = weight_.Pop();
    const Beat ib = ids ? id_.Pop() : Beat{std::vector<int8_t>(size_t(cols), 0)};
    const int r = int(p.loaded / p.cmd.kp), j = int(p.loaded % p.cmd.kp);
    for (int e = 0; e < cols; ++e) {
      // The byte is unsigned on the ID bus: a negative int8 is an ID >= 128.
      const uint8_t kid = uint8_t(ib.v[e]);
      // Entries past the lane's end of the reduction are never used: their IDs are don't-care.
      if (j < p.kp_eff[r] && kid >= p.cmd.n)
        throw SimError("cs: kernel ID " + std::to_string(kid) +
                       " >= n = " + std::to_string(p.cmd.n) + " (lane " + std::to_string(r) +
                       ", entry " + std::to_string(j) + ", engine " + std::to_string(e) + ")");
      w_[Entry(p.bank, r, e, j)] = wb.v[e];
      kid_[Entry(p.bank, r, e, j)] = kid;
    }
    w_writes_.Add(uint64_t(cols));
    ++p.loaded;
    progress_ = true;
    return;
  }
}

void CsEngine::Compute(Cycle now) {
  if (passes_.empty()) return;
  PassState& p = passes_.front();
  const ArrayCmd& c = p.cmd;
  // The accumulators hold only the current pixel; a finished pixel's sums need a pipeline slot,
  // so only the beat that completes a pixel waits for one.
  const bool completes = beat_ + 1 == c.kp;
  if (!p.loaded_all() || (completes && pipe_.size() >= size_t(depth_)) || !in_.CanPop()) {
    stall_cycles_.Add();
    return;
  }
  if (int(in_.Front().v.size()) < c.rows_used)
    throw SimError("cs: input beat narrower than the pass's " + std::to_string(c.rows_used) +
                   " lanes");
  const Beat b = in_.Pop();
  progress_ = true;
  ++serial_;
  const int j = int(beat_);
  uint64_t active = 0, macs = 0, updates = 0;
  for (int r = 0; r < c.rows_used; ++r) {
    if (j >= p.kp_eff[r]) continue;
    ++active;
    const int32_t x = b.v[r];
    for (int e = 0; e < c.cols_used; ++e) {
      const size_t at = Entry(p.bank, r, e, j);
      if (w_[at] == 0) continue;  // padded slot: gated multiplier
      ++macs;
      const size_t a = size_t(e) * max_n_ + kid_[at];
      acc_[a] += x * int32_t(w_[at]);
      if (touched_[a] != serial_) {
        touched_[a] = serial_;
        ++updates;
      }
    }
  }
  const uint64_t slots = active * uint64_t(c.cols_used);
  macs_.Add(macs);
  gated_.Add(slots - macs);
  skipped_.Add(active * uint64_t(p.skipped_per_active_lane));
  w_reads_.Add(slots);
  i_reads_.Add(macs);
  id_reads_.Add(slots * uint64_t(CeilLog2(c.n)));
  hops_.Add(macs * uint64_t(route_stages_));
  acc_updates_.Add(updates);
  if (!completes) {
    ++beat_;
    return;
  }
  SumBeat s;
  s.pixel = pixel_;
  s.v.assign(size_t(c.out_cols), 0);
  for (int o = 0; o < c.out_cols; ++o) s.v[size_t(o)] = acc_[size_t(o / c.n) * max_n_ + o % c.n];
  std::fill(acc_.begin(), acc_.end(), 0);
  pipe_.emplace_back(now + Cycle(depth_), std::move(s));
  beat_ = 0;
  if (++pixel_ == c.pixels) {
    passes_.pop_front();
    pixel_ = 0;
  }
}

void CsEngine::Tick(Cycle now) {
  progress_ = false;
  // Finished sums leave in order once they are through the route and adder stages.
  if (!pipe_.empty() && pipe_.front().first <= now && out_.CanPush()) {
    out_.Push(std::move(pipe_.front().second));
    pipe_.pop_front();
    progress_ = true;
  }
  Accept();
  // Compute first: it sees the weight bank as it was at the start of the cycle, so a pass
  // starts the cycle after its last entry is written (the RF write is registered).
  Compute(now);
  Load();
}

Cycle CsEngine::NextEvent(Cycle now) const {
  if (progress_) return now + 1;
  if (!pipe_.empty() && pipe_.front().first > now) return pipe_.front().first;
  return kNever;
}

std::string CsEngine::DebugState() const {
  std::ostringstream os;
  os << "cs: passes=" << passes_.size() << " beat=" << beat_ << " pixel=" << pixel_
     << " in_flight=" << pipe_.size();
  if (!passes_.empty() && !passes_.front().loaded_all())
    os << " loading=" << passes_.front().loaded << "/"
       << int64_t(passes_.front().cmd.rows_used) * passes_.front().cmd.kp;
  return os.str();
}

}  // namespace cssim
