#include "model/cs/sparse_accum.h"

#include <algorithm>
#include <sstream>

#include "model/base/error.h"
#include "model/compile/packer.h"
#include "model/ppu/ppu_ops.h"

namespace cssim {

SparseAccum::SparseAccum(const CsSpec& cs, const PpuSpec& ppu, Glb::Port& glb, int word_bytes,
                         StatGroup& parent)
    : multipliers_(cs.lanes * cs.engines),
      ppu_lanes_(std::max(1, ppu.lanes)),
      max_n_(cs.max_n),
      accumulators_(cs.accumulators),
      glb_(glb),
      word_(uint32_t(word_bytes)),
      cmd_("ss.cmd", 4),
      done_("ss.done", 4),
      acc_(size_t(std::max(0, cs.accumulators)), 0),
      acc_stamp_(acc_.size(), 0),
      stats_(&parent, "ss"),
      mac_stats_(&stats_, "mac", EnergyRef{"mac", 0, 8}),
      kid_stats_(&stats_, "kernel_id", EnergyRef{"cs", 0, 8}),
      acc_stats_(&stats_, "acc", EnergyRef{"cs", double(cs.accumulators) * 4, 32}),
      macs_(mac_stats_, "macs", "MACs", "useful int8 MACs (non-zero weight)", "mac"),
      gated_(mac_stats_, "gated", "products",
             "product slots with a zero (padded) weight: multiplier gated", "gated"),
      skipped_(mac_stats_, "skipped", "MACs",
               "dense-equivalent MACs never scheduled (zero activations and packed-away "
               "kernels): the tile's dense work minus MACs minus gated slots",
               "skipped"),
      id_reads_(kid_stats_, "id_reads", "bits",
                "kernel-ID bits read to route products, ceil(log2 n) per product slot",
                "id_read_bit", DataType::kKernelId),
      updates_(acc_stats_, "updates", "accesses",
               "accumulator read-modify-writes, one per MAC (gated slots update nothing)",
               "acc_update", DataType::kPsum),
      drains_(acc_stats_, "drains", "entries", "accumulators read out through the output stage"),
      list_reads_(stats_, "list_reads", "entries", "active-list records decoded"),
      row_reads_(stats_, "row_reads", "rows", "packed weight rows fetched (values and IDs)"),
      stall_cycles_(stats_, "stall_cycles", "cycles",
                    "cycles a command was accumulating but no product could run (waiting for "
                    "list or row words)") {}

void SparseAccum::Accept() {
  c_ = cmd_.Pop();
  const int64_t outputs = int64_t(c_.ho) * c_.wo * c_.channels;
  if (outputs > accumulators_)
    throw SimError("ss: command needs " + std::to_string(outputs) + " accumulators (" +
                   std::to_string(int64_t(c_.ho) * c_.wo) + " pixels x " +
                   std::to_string(c_.channels) + " channels), the unit has " +
                   std::to_string(accumulators_));
  if (c_.n < 1 || c_.n > max_n_)
    throw SimError("ss: n = " + std::to_string(c_.n) + " kernels per group, the unit supports 1.." +
                   std::to_string(max_n_));
  if (c_.groups < 1 || c_.channels < 1 || c_.channels > int64_t(c_.groups) * c_.n ||
      c_.stride < 1 || c_.actives < 0)
    throw SimError("ss: malformed command (groups " + std::to_string(c_.groups) + ", channels " +
                   std::to_string(c_.channels) + ", stride " + std::to_string(c_.stride) +
                   ", actives " + std::to_string(c_.actives) + ")");
  id_bits_ = IdBits(c_.n);
  busy_at_start_ = macs_.value() + gated_.value();
  last_read_[0] = last_read_[1] = LastRead{};
  // Clearing is a valid bit per entry in hardware: free.
  std::fill(acc_.begin(), acc_.begin() + outputs, 0);
  list_next_ = c_.list_base - c_.list_base % word_;
  list_bytes_.assign(size_t(c_.actives) * kActEntryBytes, 0);
  list_arrived_ = 0;
  decoded_ = 0;
  front_seq_ = 0;
  buffered_products_ = 0;
  admit_row_ = kNone;
  mac_row_ = 0;
  mac_g_ = 0;
  drained_ = 0;
  active_ = true;
  draining_ = false;
}

void SparseAccum::Respond(const GlbResp& r) {
  if (r.write) {
    --acks_pending_;
    return;
  }
  if (pending_.empty()) throw SimError("ss: GLB read response nobody asked for");
  const Read q = pending_.front();
  pending_.pop_front();
  // Copies the part of the word that falls in [base, base + size) into dst.
  auto copy = [&](uint64_t base, std::vector<uint8_t>& dst) {
    const uint64_t lo = std::max<uint64_t>(q.addr, base);
    const uint64_t hi = std::min<uint64_t>(uint64_t(q.addr) + word_, base + dst.size());
    for (uint64_t a = lo; a < hi; ++a) dst[size_t(a - base)] = r.data[size_t(a - q.addr)];
    return hi > base ? int64_t(hi - base) : 0;
  };
  if (q.kind == ReadKind::kList) {
    list_arrived_ = copy(c_.list_base, list_bytes_);
    return;
  }
  FillRow(q.input, q.row, q.kind, q.addr, r.data);
  for (const auto& [input, index] : q.also) FillRow(input, index, q.kind, q.addr, r.data);
  LastRead& last = last_read_[q.kind == ReadKind::kValue ? 0 : 1];
  if (last.valid && last.serial == q.serial) {
    last.arrived = true;
    last.data = r.data;
  }
}

void SparseAccum::FillRow(uint64_t input, uint32_t index, ReadKind kind, uint32_t addr,
                          const std::array<uint8_t, kMaxGlbWordBytes>& data) {
  Row& row = inputs_[size_t(input - front_seq_)].rows[index];
  const uint64_t base =
      (kind == ReadKind::kValue ? c_.w_base : c_.id_base) + uint64_t(row.k) * uint64_t(c_.groups);
  std::vector<uint8_t>& dst = kind == ReadKind::kValue ? row.value : row.id;
  const uint64_t lo = std::max<uint64_t>(addr, base);
  const uint64_t hi = std::min<uint64_t>(uint64_t(addr) + word_, base + dst.size());
  for (uint64_t x = lo; x < hi; ++x) dst[size_t(x - base)] = data[size_t(x - addr)];
  --row.words_pending;
}

SparseAccum::Read* SparseAccum::FindRead(uint64_t serial) {
  for (auto* q : {&row_queue_, &pending_})
    for (auto it = q->rbegin(); it != q->rend(); ++it)
      if (it->kind != ReadKind::kList && it->serial == serial) return &*it;
  throw SimError("ss: lost track of a row read");
}

bool SparseAccum::Mac() {
  if (inputs_.empty()) return false;
  Input& in = inputs_.front();
  ++mac_cycles_;
  int slots = 0;
  while (slots < multipliers_ && mac_row_ < in.rows.size()) {
    const Row& row = in.rows[mac_row_];
    if (row.words_pending != 0) break;  // not admitted yet, or words still out
    const int8_t w = int8_t(row.value[size_t(mac_g_)]);
    id_reads_.Add(uint64_t(id_bits_));
    if (w == 0) {
      gated_.Add();
    } else {
      const int id = row.id[size_t(mac_g_)];
      const int64_t ch = int64_t(mac_g_) * c_.n + id;
      if (id >= c_.n || ch >= c_.channels)
        throw SimError("ss: packed row " + std::to_string(row.k) + " group " +
                       std::to_string(mac_g_) + " has kernel ID " + std::to_string(id) + " (n = " +
                       std::to_string(c_.n) + ", " + std::to_string(c_.channels) + " channels)");
      const size_t a = size_t(row.pixel * c_.channels + ch);
      // One input per cycle keeps every product on its own accumulator (distinct offsets reach
      // distinct pixels, distinct groups distinct channels): the SRAM has no conflict logic.
      if (acc_stamp_[a] == mac_cycles_)
        throw SimError("ss: two products of one cycle hit accumulator " + std::to_string(a));
      acc_stamp_[a] = mac_cycles_;
      // A 32-bit accumulator wraps (unsigned arithmetic: no signed-overflow UB).
      acc_[a] = int32_t(uint32_t(acc_[a]) + uint32_t(int32_t(in.value) * int32_t(w)));
      macs_.Add();
      updates_.Add();
    }
    ++slots;
    if (++mac_g_ == c_.groups) {
      mac_g_ = 0;
      ++mac_row_;
      buffered_products_ -= c_.groups;
    }
  }
  if (mac_row_ == in.rows.size()) {
    inputs_.pop_front();
    ++front_seq_;
    mac_row_ = 0;
  }
  return slots > 0;
}

void SparseAccum::IssueList(int* budget) {
  const uint64_t end = uint64_t(c_.list_base) + uint64_t(c_.actives) * kActEntryBytes;
  const int64_t buffer_bytes = int64_t(2) * glb_.lanes * word_;
  while (*budget > 0 && list_next_ < end && glb_.req.CanPush()) {
    const int64_t ahead =
        int64_t(list_next_) + word_ - int64_t(c_.list_base) - decoded_ * kActEntryBytes;
    if (ahead > buffer_bytes) break;
    GlbReq q;
    q.addr = list_next_;
    q.data_type = DataType::kActList;
    glb_.req.Push(q);
    pending_.push_back(Read{list_next_, ReadKind::kList, 0, 0});
    list_next_ += word_;
    --*budget;
    progress_ = true;
  }
}

void SparseAccum::IssueRows(int* budget) {
  while (*budget > 0 && !row_queue_.empty() && glb_.req.CanPush()) {
    const Read& r = row_queue_.front();
    GlbReq q;
    q.addr = r.addr;
    q.data_type = r.kind == ReadKind::kValue ? DataType::kWeight : DataType::kKernelId;
    glb_.req.Push(q);
    pending_.push_back(r);
    row_queue_.pop_front();
    --*budget;
    progress_ = true;
  }
}

void SparseAccum::Admit() {
  if (admit_row_ == kNone) return;
  const uint64_t seq = front_seq_ + inputs_.size() - 1;  // the newest input
  Input& in = inputs_.back();
  const int64_t capacity = RowBufferProducts();
  while (admit_row_ < in.rows.size() &&
         (buffered_products_ == 0 || buffered_products_ + c_.groups <= capacity)) {
    Row& row = in.rows[admit_row_];
    row.words_pending = 0;
    for (const auto& [kind, base] :
         {std::pair{ReadKind::kValue, c_.w_base}, std::pair{ReadKind::kId, c_.id_base}}) {
      if (kind == ReadKind::kId && c_.n == 1) continue;  // one kernel per group: IDs all 0
      const uint64_t lo = base + uint64_t(row.k) * uint64_t(c_.groups);
      for (uint64_t a = lo - lo % word_; a < lo + uint64_t(c_.groups); a += word_) {
        LastRead& last = last_read_[kind == ReadKind::kValue ? 0 : 1];
        ++row.words_pending;
        if (last.valid && last.addr == a && last.input == seq) {
          if (last.arrived)
            FillRow(seq, uint32_t(admit_row_), kind, uint32_t(a), last.data);
          else
            FindRead(last.serial)->also.emplace_back(seq, uint32_t(admit_row_));
          continue;
        }
        row_queue_.push_back(Read{uint32_t(a), kind, seq, uint32_t(admit_row_), next_serial_});
        last = LastRead{true, uint32_t(a), seq, next_serial_++, false, {}};
      }
    }
    buffered_products_ += c_.groups;
    row_reads_.Add();
    ++admit_row_;
    progress_ = true;
  }
  if (admit_row_ == in.rows.size()) admit_row_ = kNone;
}

void SparseAccum::Decode() {
  if (admit_row_ != kNone || decoded_ == c_.actives ||
      list_arrived_ < (decoded_ + 1) * kActEntryBytes)
    return;
  const uint8_t* rec = &list_bytes_[size_t(decoded_) * kActEntryBytes];
  const int64_t index = int64_t(rec[0]) | int64_t(rec[1]) << 8;
  const auto [ch, y, x] = Shape{c_.c, c_.h, c_.w}.FromHwc(index);
  if (y >= c_.h)
    throw SimError("ss: active index " + std::to_string(index) + " outside the " +
                   std::to_string(c_.h) + "x" + std::to_string(c_.w) + "x" + std::to_string(c_.c) +
                   " map");
  ++decoded_;
  list_reads_.Add();
  progress_ = true;
  Input in;
  in.value = int8_t(rec[2]);
  for (int ky = 0; ky < c_.kh; ++ky) {
    const int64_t ny = y + c_.pad - ky;
    if (ny < 0 || ny % c_.stride != 0 || ny / c_.stride >= c_.ho) continue;
    for (int kx = 0; kx < c_.kw; ++kx) {
      const int64_t nx = x + c_.pad - kx;
      if (nx < 0 || nx % c_.stride != 0 || nx / c_.stride >= c_.wo) continue;
      Row row;
      row.k = c_.channel_major ? (int64_t(ch) * c_.kh + ky) * c_.kw + kx
                               : (int64_t(ky) * c_.kw + kx) * c_.c + ch;
      row.pixel = ny / c_.stride * c_.wo + nx / c_.stride;
      row.value.assign(size_t(c_.groups), 0);
      row.id.assign(size_t(c_.groups), 0);
      in.rows.push_back(std::move(row));
    }
  }
  if (in.rows.empty()) return;  // no offset reaches the output: nothing to fetch
  inputs_.push_back(std::move(in));
  admit_row_ = 0;
  Admit();
}

void SparseAccum::StartDrain() {
  const int64_t outputs = int64_t(c_.ho) * c_.wo * c_.channels;
  const uint64_t dense = uint64_t(outputs) * uint64_t(c_.c) * uint64_t(c_.kh) * uint64_t(c_.kw);
  const uint64_t busy = macs_.value() + gated_.value() - busy_at_start_;
  skipped_.Add(dense > busy ? dense - busy : 0);
  out_bytes_.assign(size_t(outputs) * size_t(c_.out_elem_bytes), 0);
  for (int64_t i = 0; i < outputs; ++i)
    StoreElem(&out_bytes_[size_t(i) * size_t(c_.out_elem_bytes)],
              OutputStage(acc_[size_t(i)], c_.requant, c_.shift, c_.relu), c_.out_elem_bytes);
  SplitWrites(c_.out_base, out_bytes_.data(), uint32_t(out_bytes_.size()), word_, DataType::kOutput,
              &writes_);
  draining_ = true;
}

void SparseAccum::Drain() {
  const int64_t outputs = int64_t(c_.ho) * c_.wo * c_.channels;
  if (drained_ < outputs) {
    const int64_t n = std::min<int64_t>(ppu_lanes_, outputs - drained_);
    drained_ += n;
    drains_.Add(uint64_t(n));
    progress_ = true;
  }
  const uint64_t end = uint64_t(c_.out_base) + out_bytes_.size();
  const uint64_t produced =
      uint64_t(c_.out_base) + uint64_t(drained_) * uint64_t(c_.out_elem_bytes);
  for (int l = 0; l < glb_.lanes && !writes_.empty() && glb_.req.CanPush(); ++l) {
    // A word goes out once its last element has left the output stage.
    if (std::min<uint64_t>(uint64_t(writes_.front().addr) + word_, end) > produced) break;
    glb_.req.Push(writes_.front());
    writes_.pop_front();
    ++acks_pending_;
    progress_ = true;
  }
  if (drained_ == outputs && writes_.empty() && acks_pending_ == 0 && done_.CanPush()) {
    done_.Push(cmd_index_++);
    active_ = false;
    draining_ = false;
    progress_ = true;
  }
}

void SparseAccum::Tick(Cycle now) {
  progress_ = false;
  while (glb_.resp.CanPop()) {
    Respond(glb_.resp.Pop());
    progress_ = true;
  }
  if (!active_) {
    if (!cmd_.CanPop()) return;
    Accept();
    progress_ = true;
  }
  if (draining_) {
    Drain();
    return;
  }
  // Stages in reverse pipeline order, so that each sees what the one before it produced in an
  // earlier cycle (registered hand-offs); responses popped above are usable this cycle.
  if (Mac())
    progress_ = true;
  else
    stall_cycles_.Add();
  if (decoded_ == c_.actives && inputs_.empty()) {
    StartDrain();  // drains from the next cycle
    progress_ = true;
    return;
  }
  int budget = glb_.lanes;
  IssueList(&budget);
  IssueRows(&budget);
  Admit();
  Decode();
}

Cycle SparseAccum::NextEvent(Cycle now) const { return progress_ ? now + 1 : kNever; }

std::string SparseAccum::DebugState() const {
  std::ostringstream os;
  os << "ss: active=" << active_ << " draining=" << draining_ << " decoded=" << decoded_ << "/"
     << c_.actives << " inputs=" << inputs_.size() << " reads_pending=" << pending_.size()
     << " drained=" << drained_ << " acks=" << acks_pending_;
  return os.str();
}

}  // namespace cssim
