// DramMux contract with a real Dram: clients that use the same addresses each read back their
// own data (the bases keep them apart), tags and addresses come back restored, a client's
// responses for one address keep its order, no client starves under contention, a client that
// stops taking responses blocks only itself, and the mux adds exactly one cycle each way.
#include "model/dram/dram_mux.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "model/base/engine.h"
#include "model/base/error.h"
#include "model/dram/presets.h"

namespace cssim {
namespace {

constexpr double kMhz = 500;
using Atom = std::array<uint8_t, kDramAtomBytes>;

// One client's script: requests in order, tag = index in the script (so clients' tags collide).
struct Op {
  bool write = false;
  uint64_t addr = 0;
  Atom data{};
  uint64_t mask = ~uint64_t(0);
};

struct Received {
  Cycle cycle;  // the cycle the response was popped (first visible when the client never stalls)
  DramResp resp;
};

// Issues its script and takes responses, each with its own probability per cycle (1: never
// stalls), so the mux sees random gaps and random back-pressure.
class Client : public Unit {
 public:
  Client(Link<DramReq>& req, Link<DramResp>& resp, std::vector<Op> ops, int push_pct, int pop_pct,
         uint64_t seed)
      : req_(req), resp_(resp), ops_(std::move(ops)), push_pct_(push_pct), pop_pct_(pop_pct) {
    rng_.seed(seed);
  }
  void Tick(Cycle now) override {
    if (resp_.CanPop() && Chance(pop_pct_)) got_.push_back({now, resp_.Pop()});
    if (next_ < ops_.size() && req_.CanPush() && Chance(push_pct_)) {
      const Op& op = ops_[next_];
      DramReq r;
      r.addr = op.addr;
      r.write = op.write;
      r.tag = uint32_t(next_);
      r.data = op.data;
      r.byte_mask = op.mask;
      r.data_type = DataType::kInput;
      req_.Push(r);
      ++next_;
    }
  }
  // Random stalls consume the generator every cycle, so an unfinished client ticks every cycle.
  Cycle NextEvent(Cycle now) const override { return done() ? kNever : now + 1; }
  bool done() const { return got_.size() == ops_.size(); }
  const std::vector<Received>& got() const { return got_; }
  const std::vector<Op>& ops() const { return ops_; }

 private:
  bool Chance(int pct) { return pct >= 100 || int(rng_() % 100) < pct; }
  Link<DramReq>& req_;
  Link<DramResp>& resp_;
  std::vector<Op> ops_;
  int push_pct_, pop_pct_;
  std::mt19937_64 rng_;
  size_t next_ = 0;
  std::vector<Received> got_;
};

struct Bench {
  StatGroup root{nullptr, "top"};
  Dram dram;
  DramMux mux;
  std::vector<std::unique_ptr<Client>> clients;

  Bench(const DramSpec& spec, const std::vector<uint64_t>& bases, size_t depth)
      : dram(spec, kMhz, root), mux(int(bases.size()), bases, dram, depth) {}
  void AddClient(std::vector<Op> ops, int push_pct = 100, int pop_pct = 100, uint64_t seed = 1) {
    const int c = int(clients.size());
    clients.push_back(
        std::make_unique<Client>(mux.req(c), mux.resp(c), std::move(ops), push_pct, pop_pct, seed));
  }
  // Runs until `done` holds (by default: every client has all its responses); `reversed` ticks
  // the units in the opposite order (the result must not depend on it). Returns the cycle count.
  Cycle Run(bool reversed = false, std::function<bool()> done = nullptr) {
    Engine e;
    std::vector<Unit*> units;
    for (auto& c : clients) units.push_back(c.get());
    units.push_back(&mux);
    units.push_back(&dram);
    if (reversed) std::reverse(units.begin(), units.end());
    for (Unit* u : units) e.AddUnit(u, "unit");
    for (LinkBase* l : dram.links()) e.AddLink(l);
    for (LinkBase* l : mux.links()) e.AddLink(l);
    if (!done) {
      done = [&] {
        for (const auto& c : clients)
          if (!c->done()) return false;
        return true;
      };
    }
    return e.Run(done, [](Cycle now) {
      if (now > 1000000) throw SimError("bench did not finish");
    });
  }
};

Atom RandomAtom(std::mt19937_64& rng) {
  Atom a;
  for (auto& b : a) b = uint8_t(rng());
  return a;
}

// Random reads, full writes and masked writes over `atoms` atoms from address 0.
std::vector<Op> RandomOps(int n, int atoms, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Op> ops(static_cast<size_t>(n));
  for (Op& op : ops) {
    op.addr = uint64_t(rng() % uint64_t(atoms)) * kDramAtomBytes;
    const int kind = int(rng() % 3);
    op.write = kind != 0;
    if (op.write) op.data = RandomAtom(rng);
    if (kind == 2) op.mask = rng();
  }
  return ops;
}

// What each read of `ops` returns, and the final memory, if the ops take effect in script order
// on memory that starts as `initial` (per atom address).
struct Expected {
  std::vector<Atom> read;  // by op index (unused for writes)
  std::map<uint64_t, Atom> memory;
};
Expected Predict(const std::vector<Op>& ops, std::map<uint64_t, Atom> memory) {
  Expected e;
  e.read.resize(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    Atom& m = memory[ops[i].addr];
    if (!ops[i].write) {
      e.read[i] = m;
      continue;
    }
    for (int b = 0; b < kDramAtomBytes; ++b)
      if (ops[i].mask >> b & 1) m[size_t(b)] = ops[i].data[size_t(b)];
  }
  e.memory = std::move(memory);
  return e;
}

TEST(DramMux, ClientsSharingAddressesEachSeeTheirOwnDataInOrder) {
  // Three clients run random reads and writes over the same 8 client addresses, with random
  // request gaps and random response back-pressure. Their regions start at different bases and
  // hold different initial data, so any base or routing mistake shows up as wrong read data.
  const std::vector<uint64_t> bases = {0, 1 << 20, 3 << 20};
  constexpr int kAtoms = 8, kOps = 300;
  DramSpec spec = DramPreset("lpddr4");
  spec.channels = 2;
  Bench b(spec, bases, 4);
  std::vector<Expected> expected;
  std::mt19937_64 rng(5);
  for (size_t c = 0; c < bases.size(); ++c) {
    std::map<uint64_t, Atom> initial;
    for (int a = 0; a < kAtoms; ++a) {
      const uint64_t addr = uint64_t(a) * kDramAtomBytes;
      initial[addr] = RandomAtom(rng);
      b.dram.Load(bases[c] + addr, initial[addr].data(), kDramAtomBytes);
    }
    const std::vector<Op> ops = RandomOps(kOps, kAtoms, 100 + c);
    expected.push_back(Predict(ops, initial));
    b.AddClient(ops, 60, 50, 200 + c);
  }
  b.Run();

  for (size_t c = 0; c < bases.size(); ++c) {
    const Client& cl = *b.clients[c];
    ASSERT_EQ(cl.got().size(), cl.ops().size()) << "client " << c;
    std::vector<bool> seen(cl.ops().size(), false);
    std::map<uint64_t, uint32_t> last_tag;  // per address: the tag of the latest response
    for (const Received& r : cl.got()) {
      ASSERT_LT(r.resp.tag, cl.ops().size()) << "client " << c << ": tag not restored";
      ASSERT_FALSE(seen[r.resp.tag]) << "client " << c << ": tag " << r.resp.tag << " twice";
      seen[r.resp.tag] = true;
      const Op& op = cl.ops()[r.resp.tag];
      EXPECT_EQ(r.resp.addr, op.addr) << "client " << c << ": address not restored";
      EXPECT_EQ(r.resp.write, op.write) << "client " << c << " tag " << r.resp.tag;
      if (!op.write) {
        EXPECT_EQ(r.resp.data, expected[c].read[r.resp.tag])
            << "client " << c << " read (tag " << r.resp.tag << ") saw other data";
      }
      const auto it = last_tag.find(op.addr);
      if (it != last_tag.end()) {
        EXPECT_LT(it->second, r.resp.tag)
            << "client " << c << ": address " << op.addr << " answered out of order";
      }
      last_tag[op.addr] = r.resp.tag;
    }
    // Each client's final data sits at its base and nowhere else.
    for (const auto& [addr, atom] : expected[c].memory) {
      Atom got;
      b.dram.Peek(bases[c] + addr, got.data(), kDramAtomBytes);
      EXPECT_EQ(got, atom) << "client " << c << " address " << addr;
    }
  }
}

TEST(DramMux, ResultDoesNotDependOnTickOrder) {
  const std::vector<uint64_t> bases = {0, 4096, 8192};
  const auto run = [&](bool reversed, std::vector<std::vector<Received>>& got) {
    Bench b(DramPreset("lpddr4"), bases, 3);
    for (size_t c = 0; c < bases.size(); ++c) b.AddClient(RandomOps(80, 4, c), 70, 60, 40 + c);
    const Cycle cycles = b.Run(reversed);
    for (const auto& cl : b.clients) got.push_back(cl->got());
    return cycles;
  };
  std::vector<std::vector<Received>> a, r;
  EXPECT_EQ(run(false, a), run(true, r));
  ASSERT_EQ(a.size(), r.size());
  for (size_t c = 0; c < a.size(); ++c) {
    ASSERT_EQ(a[c].size(), r[c].size());
    for (size_t i = 0; i < a[c].size(); ++i) {
      EXPECT_EQ(a[c][i].cycle, r[c][i].cycle) << "client " << c << " response " << i;
      EXPECT_EQ(a[c][i].resp.tag, r[c][i].resp.tag) << "client " << c << " response " << i;
    }
  }
}

// `n` reads of consecutive atoms from client address 0.
std::vector<Op> Reads(int n) {
  std::vector<Op> ops(static_cast<size_t>(n));
  for (size_t i = 0; i < ops.size(); ++i) ops[i].addr = i * kDramAtomBytes;
  return ops;
}

// The cycle a client's last response became visible (it never stalls, so it popped it then).
Cycle Finish(const Client& c) { return c.got().empty() ? 0 : c.got().back().cycle; }

TEST(DramMux, AddsOneCycleEachWay) {
  // One read into an idle Dram (bank closed). Direct, dram.h gives: visible at
  // t + 1 + rcd + cl + burst_cycles for a request pushed at t. Through the mux the request waits
  // one cycle in the client link and the response one cycle in the mux: t + 3 + rcd + cl + burst.
  Bench b(DramPreset("lpddr4"), {0, 1 << 20, 2 << 20}, 2);
  DramReq r;
  r.addr = 128;
  r.tag = 7;
  b.mux.req(1).Push(r);
  const Dram::Timing t = b.dram.timing();
  const Cycle due = 3 + Cycle(t.rcd + t.cl + t.burst_cycles);
  std::vector<LinkBase*> links = b.mux.links();
  for (LinkBase* l : b.dram.links()) links.push_back(l);
  // After committing cycle `now`, CanPop() tells whether the response is visible at now + 1:
  // not at due - 1 (one cycle early), but at due.
  for (Cycle now = 0; now + 1 <= due; ++now) {
    b.mux.Tick(now);
    b.dram.Tick(now);
    for (LinkBase* l : links) l->Commit();
    if (now + 1 < due) {
      ASSERT_FALSE(b.mux.resp(1).CanPop()) << "visible at " << now + 1;
    }
  }
  ASSERT_TRUE(b.mux.resp(1).CanPop()) << "not visible at " << due;
  const DramResp got = b.mux.resp(1).Pop();
  EXPECT_EQ(got.addr, 128u);
  EXPECT_EQ(got.tag, 7u);
}

TEST(DramMux, RoundRobinStopsAnAggressorStarvingTheOthers) {
  // Client 1 streams 3M reads; clients 0 and 2 read M each. LPDDR4 with 8 KiB rows (128 atoms):
  // each client reads row 0 of a bank of its own, so after three ACTs every read is a row hit
  // and the single channel serves the oldest hit first, one atom per burst_cycles (B).
  // While all three have requests, the mux grants them in rotation, so the Dram holds and
  // serves their reads in rotation: client k's j-th read takes bus slot 3j + k. The first read
  // is visible at L = 3 + rcd + cl + B (AddsOneCycleEachWay) and each later slot B cycles after
  // the one before, so client k finishes at L + (3(M - 1) + k) B <= L + (3M - 1) B. A fixed
  // priority that puts client 1 above client 0 or client 2 would leave that client waiting for
  // much of client 1's stream. The aggressor finishes at L + (5M - 1) B: the mux keeps the bus
  // busy. Each client may have 16 requests in flight, more than its share of the Dram's 32
  // request slots (16 in the link, 16 queued), so the arbitration, not the credit, decides who
  // gets a freed slot.
  constexpr int kM = 32;
  constexpr int kRowBytes = 8192;
  DramSpec spec = DramPreset("lpddr4");
  spec.row_bytes = kRowBytes;
  Bench b(spec, {0, kRowBytes, 2 * kRowBytes}, 16);
  b.AddClient(Reads(kM));
  b.AddClient(Reads(3 * kM));
  b.AddClient(Reads(kM));
  b.Run();
  const Dram::Timing t = b.dram.timing();
  const Cycle burst = Cycle(t.burst_cycles);
  const Cycle first = 3 + Cycle(t.rcd + t.cl) + burst;
  EXPECT_LE(Finish(*b.clients[0]), first + (3 * kM - 1) * burst);
  EXPECT_LE(Finish(*b.clients[2]), first + (3 * kM - 1) * burst);
  EXPECT_EQ(Finish(*b.clients[1]), first + (5 * kM - 1) * burst);
}

TEST(DramMux, AClientThatTakesNoResponsesBlocksOnlyItself) {
  // Client 0 never pops a response. It gets `depth` responses into its link and `depth` more
  // into the mux's skid queue, then has no credit; its other requests wait in its request link.
  // Clients 1 and 2 still finish, and the Dram's response link never stalls on client 0.
  constexpr size_t kDepth = 3;
  Bench b(DramPreset("lpddr4"), {0, 1 << 20, 2 << 20}, kDepth);
  b.AddClient(Reads(40), 100, 0);
  b.AddClient(Reads(40));
  b.AddClient(Reads(40));
  b.Run(false, [&] { return b.clients[1]->done() && b.clients[2]->done(); });
  EXPECT_EQ(b.mux.resp(0).occupancy(), kDepth);
  EXPECT_EQ(b.mux.req(0).occupancy(), kDepth) << "requests after the credit ran out";
  EXPECT_TRUE(b.clients[0]->got().empty());
  EXPECT_EQ(b.dram.resp().occupancy(), 0u);
}

TEST(DramMux, RejectsBadConstruction) {
  StatGroup root(nullptr, "top");
  Dram dram(DramPreset("lpddr4"), kMhz, root);
  EXPECT_THROW(DramMux(2, {0}, dram, 4), SimError);
  EXPECT_THROW(DramMux(2, {0, 100}, dram, 4), SimError);
  EXPECT_THROW(DramMux(0, {}, dram, 4), SimError);
  EXPECT_THROW(DramMux(1, {0}, dram, 0), SimError);
}

}  // namespace
}  // namespace cssim
