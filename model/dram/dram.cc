#include "model/dram/dram.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

#include "model/base/error.h"

namespace cssim {
namespace {

void RequirePositive(double value, const std::string& key) {
  if (!(value > 0)) {
    std::ostringstream s;
    s << "must be positive, got " << value;
    throw InputError("", key, s.str(), "> 0");
  }
}

const DramSpec& Validated(const DramSpec& spec, double clock_mhz) {
  RequirePositive(clock_mhz, "clock_mhz");
  RequirePositive(spec.channels, "dram.channels");
  RequirePositive(spec.banks_per_channel, "dram.banks_per_channel");
  RequirePositive(spec.bus_bytes, "dram.bus_bytes");
  RequirePositive(spec.burst_length, "dram.burst_length");
  RequirePositive(spec.tck_ns, "dram.tck_ns");
  RequirePositive(spec.t_rcd, "dram.t_rcd");
  RequirePositive(spec.t_cl, "dram.t_cl");
  RequirePositive(spec.t_rp, "dram.t_rp");
  RequirePositive(spec.t_ras, "dram.t_ras");
  RequirePositive(spec.t_wr, "dram.t_wr");
  RequirePositive(spec.queue_depth, "dram.queue_depth");
  if (spec.row_bytes < kDramAtomBytes || spec.row_bytes % kDramAtomBytes != 0) {
    throw InputError("", "dram.row_bytes",
                     "must hold whole 64-byte atoms, got " + std::to_string(spec.row_bytes),
                     "a positive multiple of 64");
  }
  return spec;
}

// ceil(tck * tck_ns * clock_mhz / 1000). The relative slack keeps a product that is an integer
// on paper (e.g. 14 tCK * 1 ns at 1000 MHz) from gaining a cycle through float error, and keeps
// every positive timing at least one cycle.
int ToCycles(double tck, double tck_ns, double clock_mhz) {
  const double x = tck * tck_ns * clock_mhz / 1000.0;
  return static_cast<int>(std::ceil(x * (1.0 - 1e-9)));
}

Dram::Timing ConvertTiming(const DramSpec& s, double clock_mhz) {
  const int bursts =
      (kDramAtomBytes + s.bus_bytes * s.burst_length - 1) / (s.bus_bytes * s.burst_length);
  const double burst_tck = bursts * s.burst_length / 2.0;
  Dram::Timing t;
  t.rcd = ToCycles(s.t_rcd, s.tck_ns, clock_mhz);
  t.cl = ToCycles(s.t_cl, s.tck_ns, clock_mhz);
  t.rp = ToCycles(s.t_rp, s.tck_ns, clock_mhz);
  t.ras = ToCycles(s.t_ras, s.tck_ns, clock_mhz);
  t.wr = ToCycles(s.t_wr, s.tck_ns, clock_mhz);
  t.burst_cycles = ToCycles(burst_tck, s.tck_ns, clock_mhz);
  return t;
}

}  // namespace

Dram::Dram(const DramSpec& spec, double clock_mhz, StatGroup& parent, const std::string& name)
    : spec_(Validated(spec, clock_mhz)),
      timing_(ConvertTiming(spec_, clock_mhz)),
      atoms_per_row_(spec_.row_bytes / kDramAtomBytes),
      req_(name + ".req", static_cast<size_t>(spec_.queue_depth) * spec_.channels),
      resp_(name + ".resp", static_cast<size_t>(spec_.queue_depth) * spec_.channels),
      channels_(spec_.channels),
      stats_(&parent, name, EnergyRef{"dram", 0, 8 * kDramAtomBytes, 1}),
      typed_reads_(stats_, "reads", "atoms", "64-byte atoms read", "read"),
      typed_writes_(stats_, "writes", "atoms", "64-byte atoms written", "write"),
      reads_(stats_, "reads", "atoms", "64-byte atoms read, all data types"),
      writes_(stats_, "writes", "atoms", "64-byte atoms written, all data types"),
      activates_(stats_, "activates", "activations", "row activations (ACT commands)", "activate"),
      row_hits_(stats_, "row_hits", "requests", "requests served from the already open row"),
      row_misses_(stats_, "row_misses", "requests",
                  "requests whose bank was precharged (one ACT, no PRE)"),
      row_conflicts_(stats_, "row_conflicts", "requests",
                     "requests that had to close another row first (PRE, then ACT)"),
      busy_cycles_(stats_, "busy_cycles", "cycles", "data-bus busy cycles, summed over channels"),
      stall_cycles_(stats_, "stall_cycles", "cycles",
                    "channel-cycles stalled because the response link was full") {
  for (Channel& ch : channels_) ch.banks.resize(spec_.banks_per_channel);
}

double Dram::peak_bytes_per_cycle() const {
  return static_cast<double>(spec_.channels) * kDramAtomBytes / timing_.burst_cycles;
}

void Dram::Tick(Cycle now) {
  // A stalled channel stays stalled through cycles the engine skipped (only a pop on resp()
  // can end a stall, and that makes the engine tick), so those cycles count too.
  if (ticked_) {
    for (const Channel& ch : channels_)
      if (ch.stalled) stall_cycles_.Add(now - last_tick_ - 1);
  }
  Retire(now);
  Accept();
  for (Channel& ch : channels_)
    if (!ch.stalled) Schedule(ch, now);
  for (const Channel& ch : channels_)
    if (ch.stalled) stall_cycles_.Add();
  ticked_ = true;
  last_tick_ = now;
}

void Dram::Retire(Cycle now) {
  // Under back-pressure the channels take turns: the one after the last channel that pushed
  // goes first. The turn moves only on a push, so ticking idle cycles or skipping them gives
  // the same order.
  const size_t n = channels_.size();
  const size_t first = first_to_push_;
  for (size_t i = 0; i < n; ++i) {
    const size_t c = (first + i) % n;
    Channel& ch = channels_[c];
    while (!ch.in_flight.empty() && ch.in_flight.front().done <= now && resp_.CanPush()) {
      resp_.Push(ch.in_flight.front().resp);
      ch.in_flight.pop_front();
      first_to_push_ = (c + 1) % n;
    }
    ch.stalled = !ch.in_flight.empty() && ch.in_flight.front().done <= now;
  }
}

void Dram::Accept() {
  while (req_.CanPop()) {
    const DramReq& r = req_.Front();
    if (r.addr % kDramAtomBytes != 0) {
      throw SimError("dram: request address " + std::to_string(r.addr) + " is not 64-byte aligned");
    }
    uint64_t a = r.addr / kDramAtomBytes;
    Channel& ch = channels_[a % channels_.size()];
    if (ch.queue.size() >= static_cast<size_t>(spec_.queue_depth)) return;
    a /= channels_.size();
    a /= atoms_per_row_;
    Entry e;
    e.bank = static_cast<int>(a % spec_.banks_per_channel);
    e.row = static_cast<int64_t>(a / spec_.banks_per_channel);
    e.req = req_.Pop();
    ch.queue.push_back(std::move(e));
  }
}

bool Dram::HasHitTo(const Channel& ch, int bank) const {
  const int64_t row = ch.banks[bank].open_row;
  for (const Entry& e : ch.queue)
    if (e.bank == bank && e.row == row) return true;
  return false;
}

Cycle Dram::EarliestCommand(const Channel& ch, const Entry& e) const {
  const Bank& b = ch.banks[e.bank];
  if (b.open_row == e.row) {
    const Cycle cl = static_cast<Cycle>(timing_.cl);
    return std::max(b.col_ok, ch.bus_free > cl ? ch.bus_free - cl : 0);
  }
  return b.open_row < 0 ? b.act_ok : b.pre_ok;
}

void Dram::Schedule(Channel& ch, Cycle now) {
  // First ready: the oldest row hit whose RD/WR may issue now (bank timing and a free bus).
  for (size_t i = 0; i < ch.queue.size(); ++i) {
    const Entry& e = ch.queue[i];
    if (ch.banks[e.bank].open_row != e.row || EarliestCommand(ch, e) > now) continue;
    Entry done = std::move(ch.queue[i]);
    ch.queue.erase(ch.queue.begin() + static_cast<std::ptrdiff_t>(i));
    Bank& b = ch.banks[done.bank];
    const Cycle data = now + timing_.cl;
    ch.bus_free = data + timing_.burst_cycles;
    busy_cycles_.Add(timing_.burst_cycles);
    if (done.needed_pre) {
      row_conflicts_.Add();
    } else if (done.needed_act) {
      row_misses_.Add();
    } else {
      row_hits_.Add();
    }
    InFlight f;
    f.done = ch.bus_free - 1;
    f.resp.addr = done.req.addr;
    f.resp.write = done.req.write;
    f.resp.tag = done.req.tag;
    if (done.req.write) {
      for (int i = 0; i < kDramAtomBytes; ++i)
        if (done.req.byte_mask >> i & 1) Load(done.req.addr + i, &done.req.data[i], 1);
      b.pre_ok = std::max(b.pre_ok, ch.bus_free + timing_.wr);
      writes_.Add();
      typed_writes_.Add(done.req.data_type);
    } else {
      Peek(done.req.addr, f.resp.data.data(), kDramAtomBytes);
      reads_.Add();
      typed_reads_.Add(done.req.data_type);
    }
    ch.in_flight.push_back(std::move(f));
    return;
  }
  // Then FCFS: the oldest request whose ACT or PRE may issue now.
  for (Entry& e : ch.queue) {
    Bank& b = ch.banks[e.bank];
    if (b.open_row < 0) {
      if (b.act_ok > now) continue;
      b.open_row = e.row;
      b.col_ok = now + timing_.rcd;
      b.pre_ok = now + timing_.ras;
      e.needed_act = true;
      activates_.Add();
      return;
    }
    if (b.open_row != e.row) {
      if (b.pre_ok > now || HasHitTo(ch, e.bank)) continue;
      b.open_row = -1;
      b.act_ok = now + timing_.rp;
      e.needed_pre = true;
      return;
    }
  }
}

Cycle Dram::NextEvent(Cycle now) const {
  Cycle next = kNever;
  for (const Channel& ch : channels_) {
    if (!ch.in_flight.empty()) {
      const Cycle done = ch.in_flight.front().done;
      // Due but stalled: only a pop on resp() (a link move) can unblock it.
      if (done > now) {
        next = std::min(next, done);
      } else if (!ch.stalled) {
        next = std::min(next, now + 1);
      }
    }
    if (ch.stalled) continue;
    for (const Entry& e : ch.queue) {
      const Bank& b = ch.banks[e.bank];
      // A PRE held back by a pending row hit waits for that hit's RD/WR, itself an event.
      if (b.open_row >= 0 && b.open_row != e.row && HasHitTo(ch, e.bank)) continue;
      next = std::min(next, std::max(EarliestCommand(ch, e), now + 1));
    }
  }
  if (req_.CanPop()) {
    const uint64_t a = req_.Front().addr / kDramAtomBytes;
    if (channels_[a % channels_.size()].queue.size() < static_cast<size_t>(spec_.queue_depth))
      next = std::min(next, now + 1);
  }
  return next;
}

std::string Dram::DebugState() const {
  std::ostringstream s;
  s << "dram: req " << req_.occupancy() << "/" << req_.capacity() << ", resp " << resp_.occupancy()
    << "/" << resp_.capacity();
  for (size_t i = 0; i < channels_.size(); ++i) {
    const Channel& ch = channels_[i];
    s << "; ch" << i << " queue " << ch.queue.size() << " in flight " << ch.in_flight.size()
      << " bus free at " << ch.bus_free;
    if (ch.stalled) s << " STALLED on full resp";
  }
  return s.str();
}

void Dram::Load(uint64_t addr, const uint8_t* data, size_t n) {
  while (n > 0) {
    const uint64_t offset = addr % kPageBytes;
    const size_t len = std::min<uint64_t>(n, kPageBytes - offset);
    std::vector<uint8_t>& page = pages_[addr / kPageBytes];
    if (page.empty()) page.resize(kPageBytes, 0);
    std::memcpy(page.data() + offset, data, len);
    addr += len;
    data += len;
    n -= len;
  }
}

void Dram::Peek(uint64_t addr, uint8_t* data, size_t n) const {
  while (n > 0) {
    const uint64_t offset = addr % kPageBytes;
    const size_t len = std::min<uint64_t>(n, kPageBytes - offset);
    const auto it = pages_.find(addr / kPageBytes);
    if (it == pages_.end()) {
      std::memset(data, 0, len);
    } else {
      std::memcpy(data, it->second.data() + offset, len);
    }
    addr += len;
    data += len;
    n -= len;
  }
}

}  // namespace cssim
