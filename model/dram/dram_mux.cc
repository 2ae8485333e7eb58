#include "model/dram/dram_mux.h"

#include <limits>
#include <sstream>

#include "model/base/error.h"

namespace cssim {

DramMux::DramMux(int clients, const std::vector<uint64_t>& bases, Dram& dram, size_t depth,
                 const std::string& name)
    : name_(name), dram_(dram), depth_(depth) {
  if (clients < 1) throw SimError(name_ + ": needs at least one client");
  if (depth < 1) throw SimError(name_ + ": link depth must be at least 1");
  if (bases.size() != size_t(clients))
    throw SimError(name_ + ": " + std::to_string(bases.size()) + " address bases for " +
                   std::to_string(clients) + " clients");
  for (int c = 0; c < clients; ++c) {
    if (bases[size_t(c)] % kDramAtomBytes != 0)
      throw SimError(name_ + ": base of client " + std::to_string(c) + " (" +
                     std::to_string(bases[size_t(c)]) + ") is not 64-byte aligned");
    clients_.push_back(std::make_unique<Client>(name_ + ".c" + std::to_string(c), depth));
    clients_.back()->base = bases[size_t(c)];
  }
  // Credits bound every client to `depth` requests in flight, so this many tags never run out.
  const size_t tags = size_t(clients) * depth;
  tags_.resize(tags);
  for (size_t t = tags; t-- > 0;) free_tags_.push_back(uint32_t(t));
}

std::vector<LinkBase*> DramMux::links() {
  std::vector<LinkBase*> l;
  for (const auto& c : clients_) {
    l.push_back(&c->req);
    l.push_back(&c->resp);
  }
  return l;
}

bool DramMux::Ready(const Client& c) const {
  return c.req.CanPop() && c.in_flight + c.skid.size() < depth_;
}

void DramMux::Drain(Client& c) {
  while (!c.skid.empty() && c.resp.CanPush()) {
    c.resp.Push(std::move(c.skid.front()));
    c.skid.pop_front();
  }
}

void DramMux::Tick(Cycle) {
  // Responses first, so a credit returned this cycle is visible to this cycle's arbitration
  // whatever order the units tick in (both only read link state from earlier cycles).
  while (dram_.resp().CanPop()) {
    DramResp r = dram_.resp().Pop();
    if (r.tag >= tags_.size()) throw SimError(name_ + ": response with unknown tag");
    const TagEntry e = tags_[r.tag];
    free_tags_.push_back(r.tag);
    Client& c = *clients_[size_t(e.client)];
    r.tag = e.tag;
    r.addr -= c.base;
    --c.in_flight;
    c.skid.push_back(std::move(r));
  }
  for (const auto& c : clients_) Drain(*c);

  if (!dram_.req().CanPush()) return;
  const size_t n = clients_.size();
  for (size_t i = 0; i < n; ++i) {
    const size_t k = (next_ + i) % n;
    Client& c = *clients_[k];
    if (!Ready(c)) continue;
    DramReq r = c.req.Pop();
    if (r.addr > std::numeric_limits<uint64_t>::max() - c.base)
      throw SimError(name_ + ": client " + std::to_string(k) + " address " +
                     std::to_string(r.addr) + " overflows past its base");
    const uint32_t tag = free_tags_.back();
    free_tags_.pop_back();
    tags_[tag] = TagEntry{int(k), r.tag};
    r.tag = tag;
    r.addr += c.base;
    ++c.in_flight;
    dram_.req().Push(std::move(r));
    next_ = (k + 1) % n;
    return;
  }
}

Cycle DramMux::NextEvent(Cycle now) const {
  // Everything the mux waits for is a link moving (a client push or pop, the Dram popping its
  // request link or pushing a response), which makes the engine tick anyway; this only says
  // so when work is already possible.
  if (dram_.resp().CanPop()) return now + 1;
  for (const auto& c : clients_) {
    if (!c->skid.empty() && c->resp.CanPush()) return now + 1;
    if (Ready(*c) && dram_.req().CanPush()) return now + 1;
  }
  return kNever;
}

std::string DramMux::DebugState() const {
  std::ostringstream s;
  s << name_ << ":";
  for (size_t i = 0; i < clients_.size(); ++i) {
    const Client& c = *clients_[i];
    s << (i ? "," : "") << " c" << i << " req " << c.req.occupancy() << " in flight " << c.in_flight
      << " skid " << c.skid.size() << " resp " << c.resp.occupancy();
  }
  return s.str();
}

}  // namespace cssim
