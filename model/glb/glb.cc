#include "model/glb/glb.h"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "model/base/error.h"

namespace cssim {

void SplitWrites(uint32_t addr, const uint8_t* src, uint32_t n, uint32_t word_bytes, DataType t,
                 std::deque<GlbReq>* out) {
  const uint32_t end = addr + n;
  for (uint32_t a = addr; a < end;) {
    GlbReq w;
    w.addr = a - a % word_bytes;
    w.write = true;
    w.data_type = t;
    w.mask = 0;
    const uint32_t stop = std::min(end, w.addr + word_bytes);
    for (uint32_t b = a; b < stop; ++b) {
      w.data[b - w.addr] = src[b - addr];
      w.mask |= uint64_t(1) << (b - w.addr);
    }
    out->push_back(w);
    a = stop;
  }
}

Glb::Glb(const GlbSpec& spec, StatGroup& parent)
    : spec_(spec),
      data_(size_t(spec.size_kib) * 1024, 0),
      bank_busy_(spec.banks, kNever),
      stats_(&parent, "glb",
             EnergyRef{"glb", double(spec.size_kib) * 1024, double(spec.bank_width_bytes) * 8}),
      reads_(stats_, "reads", "accesses", "bank word reads", "read"),
      writes_(stats_, "writes", "accesses", "bank word writes", "write"),
      conflict_stalls_(stats_, "conflict_stalls", "cycles",
                       "client-cycles a request waited for a bank used by another request") {}

Glb::Port& Glb::AddPort(const std::string& name, int lanes, size_t depth) {
  // Ready is registered: a link sustains `lanes` transfers per cycle only with twice that depth.
  lanes = std::max(1, lanes);
  ports_.push_back(std::make_unique<Port>(name, lanes, std::max(depth, size_t(2 * lanes))));
  return *ports_.back();
}

void Glb::Tick(Cycle now) {
  const uint32_t w = uint32_t(spec_.bank_width_bytes);
  const size_t n = ports_.size();
  // The first client scanned is a function of the cycle, not of how many cycles were ticked:
  // arbitration must not depend on which idle cycles the engine skips (an RTL twin that is busy
  // makes the engine tick cycles a model would skip).
  const size_t first = n == 0 ? 0 : size_t(now % n);
  for (size_t i = 0; i < n; ++i) {
    Port& p = *ports_[(first + i) % n];
    for (int lane = 0; lane < p.lanes && p.req.CanPop() && p.resp.CanPush(); ++lane) {
      const GlbReq& r = p.req.Front();
      if (r.addr % w != 0 || r.addr + w > data_.size())
        throw SimError("glb: " + p.name + " accessed address " + std::to_string(r.addr) +
                       " outside the buffer or not word aligned");
      const size_t bank = (r.addr / w) % spec_.banks;
      if (bank_busy_[bank] == now) {
        conflict_stalls_.Add();
        p.last_lost = now;
        break;  // head-of-line: later requests of this port wait too
      }
      bank_busy_[bank] = now;
      GlbResp resp;
      resp.tag = r.tag;
      resp.write = r.write;
      uint8_t* word = &data_[r.addr];
      if (r.write) {
        for (uint32_t b = 0; b < w; ++b)
          if (r.mask >> b & 1) word[b] = r.data[b];
        writes_.Add(r.data_type);
      } else {
        std::memcpy(resp.data.data(), word, w);
        reads_.Add(r.data_type);
      }
      p.req.Pop();
      p.resp.Push(resp);
    }
  }
}

std::string Glb::DebugState() const {
  std::ostringstream os;
  os << "glb:";
  for (const auto& p : ports_) os << " " << p->name << " req=" << p->req.occupancy();
  return os.str();
}

void Glb::Poke(uint32_t addr, const uint8_t* src, size_t n) {
  std::memcpy(&data_.at(addr), src, n);
}
void Glb::Peek(uint32_t addr, uint8_t* dst, size_t n) const {
  std::memcpy(dst, &data_.at(addr), n);
}

}  // namespace cssim
