// DramMux: N accelerator instances sharing one Dram (a whole-chip run, model/chip/chip.h).
//
// Function. Each client has its own request/response Link pair, shaped like a Dram's, and its
// own address base: a client addresses its DRAM from 0, and the mux adds bases[client] on the
// way in and subtracts it on the way out, so the bases keep the clients' data apart. Tags are
// remapped: a request enters the Dram with a mux tag that indexes a table of (client, original
// tag); the response goes back to that client with its tag and address restored. Everything
// else in a request (write data, byte mask, data type) passes unchanged, so the Dram still
// counts traffic by data type.
//
// Arbitration. At most one request per cycle enters the Dram: round robin over the clients
// with a request ready (the search starts after the client served last). A client is ready
// when its request link has an item, the Dram's request link has room, and it has a response
// credit (below). Within one client, requests enter the Dram in link order, and the Dram never
// reorders two requests to one address, so a client's responses for one address keep its order.
//
// Responses. Every response the Dram offers is taken in the cycle it becomes visible (as many
// as it offers) and routed to its client's response link, or, while that link is full, to the
// client's skid queue inside the mux, which drains into the link in order as it frees up. A
// client may have at most `depth` requests between the mux and its skid queue (issued to the
// Dram, not yet answered, or waiting in the skid queue), so the skid queue never overflows and
// a client that stops taking responses blocks only itself: the Dram's response link is never
// held up by the mux.
//
// Latency: one cycle more each way than a client attached to the Dram directly. A request
// pushed by a client in cycle t enters the Dram's request link in cycle t+1 (if it wins the
// arbitration), visible to the Dram at t+2; a response the Dram pushes in cycle r is moved in
// cycle r+1 and is visible to the client at r+2 (if its link has room).
// Throughput: one request per cycle in total; responses are not limited by the mux.
//
// Ports. req(c), resp(c): capacity `depth` each. The owner commits the client links (links())
// and the Dram's own links (Dram::links()). The mux keeps no counters: the Dram counts.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "model/base/link.h"
#include "model/base/unit.h"
#include "model/dram/dram.h"

namespace cssim {

class DramMux : public Unit {
 public:
  // bases: one per client, each a multiple of 64 bytes. Throws SimError for clients < 1,
  // depth < 1, a base count other than `clients`, or a misaligned base.
  DramMux(int clients, const std::vector<uint64_t>& bases, Dram& dram, size_t depth,
          const std::string& name = "dram_mux");

  Link<DramReq>& req(int client) { return clients_.at(size_t(client))->req; }
  Link<DramResp>& resp(int client) { return clients_.at(size_t(client))->resp; }
  // Every client link (the Dram's own links are the Dram's).
  std::vector<LinkBase*> links();

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override;
  std::string DebugState() const override;

 private:
  struct Client {
    Client(const std::string& name, size_t depth)
        : req(name + ".req", depth), resp(name + ".resp", depth) {}
    Link<DramReq> req;
    Link<DramResp> resp;
    uint64_t base = 0;
    size_t in_flight = 0;       // issued to the Dram, response not yet taken from it
    std::deque<DramResp> skid;  // responses waiting for room in `resp`
  };
  struct TagEntry {
    int client = 0;
    uint32_t tag = 0;  // the client's own tag
  };

  bool Ready(const Client& c) const;
  void Drain(Client& c);

  std::string name_;
  Dram& dram_;
  size_t depth_;
  std::vector<std::unique_ptr<Client>> clients_;  // links must not move: callers hold them
  std::vector<TagEntry> tags_;                    // indexed by mux tag
  std::vector<uint32_t> free_tags_;               // stack; the lowest tag on top at the start
  size_t next_ = 0;                               // client the round robin tries first
};

}  // namespace cssim
