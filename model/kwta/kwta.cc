#include "model/kwta/kwta.h"

#include <algorithm>
#include <sstream>

#include "model/base/error.h"

namespace cssim {

KwtaThreshold KwtaSearch(const KwtaHistogram& hist, int64_t k) {
  KwtaThreshold t;
  int64_t count = 0;
  for (int v = 127; v >= -128; --v) {
    ++t.bins_examined;
    count += hist[size_t(v + 128)];
    t.value = v;
    if (count >= k) break;
  }
  const int64_t at = hist[size_t(t.value + 128)];
  t.above = count - at;
  // Clamped so that k <= 0 keeps nothing and k > n stops at -128 keeping everything.
  t.ties = std::clamp<int64_t>(k - t.above, 0, at);
  return t;
}

std::vector<int64_t> KwtaSelect(const int8_t* v, int64_t n, int64_t k) {
  KwtaHistogram hist{};
  for (int64_t i = 0; i < n; ++i) ++hist[size_t(v[i] + 128)];
  KwtaSelector select(KwtaSearch(hist, k));
  std::vector<int64_t> kept;
  for (int64_t i = 0; i < n; ++i)
    if (select.Keep(v[i])) kept.push_back(i);
  return kept;
}

Kwta::Kwta(const KwtaSpec& spec, Glb::Port& glb, int word_bytes, StatGroup& parent)
    : spec_(spec),
      glb_(glb),
      word_(uint32_t(word_bytes)),
      cmd_("kwta.cmd", 4),
      done_("kwta.done", 4),
      stats_(&parent, "kwta", EnergyRef{"kwta", 0, 8}),
      hist_updates_(stats_, "hist_updates", "updates", "histogram bin increments (one per value)",
                    "hist_update"),
      compares_(stats_, "compares", "compares",
                "values compared with the threshold plus bins examined by the search", "compare"),
      winners_(stats_, "winners", "entries", "values kept"),
      list_writes_(stats_, "list_writes", "entries", "active-list records written"),
      busy_cycles_(stats_, "busy_cycles", "cycles",
                   "cycles from taking a command to signalling it done") {}

void Kwta::Start(Cycle now) {
  c_ = cmd_.Pop();
  if (c_.n < 1 || c_.k < 1 || c_.k > c_.n)
    throw SimError("kwta: command " + std::to_string(cmd_index_) +
                   " keeps k = " + std::to_string(c_.k) + " of n = " + std::to_string(c_.n) +
                   " values; needs 1 <= k <= n");
  start_ = now;
  hist_.fill(0);
  dense_.clear();
  list_.clear();
  dense_flushed_ = list_flushed_ = 0;
  phase_ = Phase::kHist;
  StartReads();
}

void Kwta::StartReads() {
  next_read_ = c_.in_base - c_.in_base % word_;
  next_resp_ = next_read_;
  read_end_ = c_.in_base + uint32_t(c_.n);
  consumed_ = 0;
}

void Kwta::TakeResponses() {
  const uint32_t end = c_.in_base + uint32_t(c_.n);
  while (glb_.resp.CanPop()) {
    if (glb_.resp.Front().write) {
      glb_.resp.Pop();
      --acks_pending_;
      progress_ = true;
      continue;
    }
    if (staged_.size() >= size_t(spec_.lanes)) break;
    const GlbResp r = glb_.resp.Pop();
    const uint32_t w = next_resp_;
    next_resp_ += word_;
    for (uint32_t a = std::max(w, c_.in_base); a < std::min(w + word_, end); ++a)
      staged_.push_back(int8_t(r.data[a - w]));
    progress_ = true;
  }
}

void Kwta::Histogram(Cycle now) {
  const int64_t m = std::min<int64_t>(spec_.lanes, int64_t(staged_.size()));
  for (int64_t i = 0; i < m; ++i) {
    ++hist_[size_t(staged_.front() + 128)];
    staged_.pop_front();
  }
  consumed_ += m;
  hist_updates_.Add(uint64_t(m));
  if (m > 0) progress_ = true;
  if (consumed_ < c_.n) return;
  // The bins take their last update at the end of this cycle; the search starts in the next.
  const KwtaThreshold t = KwtaSearch(hist_, c_.k);
  compares_.Add(uint64_t(t.bins_examined));
  const int scan = spec_.scan_bins_per_cycle;  // 1..256, checked by the arch config
  select_at_ = now + 1 + Cycle((t.bins_examined + scan - 1) / scan);
  selector_ = KwtaSelector(t);
  phase_ = Phase::kScan;
  progress_ = true;
}

void Kwta::Select() {
  const int64_t m = std::min<int64_t>(spec_.lanes, int64_t(staged_.size()));
  for (int64_t i = 0; i < m; ++i) {
    const int8_t v = staged_.front();
    staged_.pop_front();
    const int64_t index = consumed_ + i;
    const bool keep = selector_.Keep(v);
    if (c_.write_dense) dense_.push_back(keep ? uint8_t(v) : 0);
    if (!keep) continue;
    winners_.Add();
    if (!c_.write_list) continue;
    if (index >= 65536)
      throw SimError("kwta: command " + std::to_string(cmd_index_) + ": winner index " +
                     std::to_string(index) + " does not fit the 16-bit active-list index");
    const uint8_t record[kActEntryBytes] = {uint8_t(index & 0xff), uint8_t(index >> 8), uint8_t(v),
                                            0};
    list_.insert(list_.end(), record, record + kActEntryBytes);
    list_writes_.Add();
  }
  consumed_ += m;
  compares_.Add(uint64_t(m));
  if (m > 0) progress_ = true;
  const bool all = consumed_ == c_.n;
  if (c_.write_dense) Flush(c_.dense_base, dense_, &dense_flushed_, DataType::kInput, all);
  if (c_.write_list) Flush(c_.list_base, list_, &list_flushed_, DataType::kActList, all);
}

void Kwta::Flush(uint32_t base, const std::vector<uint8_t>& bytes, uint32_t* flushed, DataType t,
                 bool all) {
  const uint32_t end = base + uint32_t(bytes.size());
  const uint32_t stop = all ? end : std::max(base + *flushed, end - end % word_);
  if (stop == base + *flushed) return;
  SplitWrites(base + *flushed, bytes.data() + *flushed, stop - base - *flushed, word_, t, &writes_);
  *flushed = stop - base;
}

void Kwta::IssueRequests() {
  // Writes first: they free staging space and bound the write queue.
  for (int l = 0; l < glb_.lanes && glb_.req.CanPush(); ++l) {
    if (!writes_.empty()) {
      glb_.req.Push(writes_.front());
      writes_.pop_front();
      ++acks_pending_;
    } else if (phase_ != Phase::kScan && next_read_ < read_end_) {
      GlbReq q;
      q.addr = next_read_;
      q.data_type = DataType::kInput;
      glb_.req.Push(q);
      next_read_ += word_;
    } else {
      break;
    }
    progress_ = true;
  }
}

void Kwta::Tick(Cycle now) {
  progress_ = false;
  TakeResponses();
  if (phase_ == Phase::kIdle) {
    if (!cmd_.CanPop()) return;
    Start(now);
    progress_ = true;
  }
  if (phase_ == Phase::kHist) {
    Histogram(now);
  } else if (phase_ == Phase::kScan && now >= select_at_) {
    phase_ = Phase::kSelect;
    StartReads();
    progress_ = true;
  } else if (phase_ == Phase::kSelect) {
    Select();
  }
  IssueRequests();
  if (phase_ == Phase::kSelect && consumed_ == c_.n && writes_.empty() && acks_pending_ == 0 &&
      done_.CanPush()) {
    done_.Push(cmd_index_++);
    busy_cycles_.Add(now - start_ + 1);
    phase_ = Phase::kIdle;
    progress_ = true;
  }
}

Cycle Kwta::NextEvent(Cycle now) const {
  if (progress_) return now + 1;
  if (phase_ == Phase::kScan) return select_at_;  // the search ends without a link moving
  return kNever;
}

std::string Kwta::DebugState() const {
  static const char* const kPhase[] = {"idle", "hist", "scan", "select"};
  std::ostringstream os;
  os << "kwta: " << kPhase[int(phase_)] << " values=" << consumed_ << "/" << c_.n << " reads_left="
     << (read_end_ > next_read_ ? (read_end_ - next_read_ + word_ - 1) / word_ : 0)
     << " writes=" << writes_.size() << " acks=" << acks_pending_;
  return os.str();
}

}  // namespace cssim
