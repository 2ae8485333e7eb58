// Global buffer: banked SRAM shared by several clients (DMA, the NoC streamers, the output
// collector, the vector unit).
//
// Function: word-interleaved banks (bank = (addr / width) % banks); one access (read, or write
// with byte enables) per bank per cycle. Each client has a request Link and a response Link and
// may have up to `lanes` requests served per cycle; its requests are served strictly in order,
// so a request to a busy bank blocks the ones behind it (head-of-line): bank conflicts cost
// cycles. Clients are scanned round-robin, client (cycle mod clients) first, for fairness.
// Latency: a request pushed in cycle t is served at t+1 at the earliest and its response
// (read data, or a write acknowledgement) is visible at t+2.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "model/base/arch_spec.h"
#include "model/base/link.h"
#include "model/base/stats.h"
#include "model/base/unit.h"

namespace cssim {

constexpr int kMaxGlbWordBytes = 64;

struct GlbReq {
  uint32_t addr = 0;  // word aligned
  bool write = false;
  uint64_t mask = ~uint64_t(0);  // write byte enables (bit i: byte i of the word)
  uint32_t tag = 0;
  DataType data_type = DataType::kNone;
  std::array<uint8_t, kMaxGlbWordBytes> data{};
};

struct GlbResp {
  uint32_t tag = 0;
  bool write = false;
  std::array<uint8_t, kMaxGlbWordBytes> data{};
};

// Splits the bytes [addr, addr + n) into word writes with byte enables, appended to `out`.
void SplitWrites(uint32_t addr, const uint8_t* src, uint32_t n, uint32_t word_bytes, DataType t,
                 std::deque<GlbReq>* out);

class Glb : public Unit {
 public:
  struct Port {
    std::string name;
    int lanes;
    Link<GlbReq> req;
    Link<GlbResp> resp;
    // The last cycle this port's head request lost its bank to another request (kNever: none
    // yet): a client compares it with when a read was queued to tell a conflict delay from
    // plain latency.
    Cycle last_lost = kNever;
    Port(const std::string& n, int l, size_t depth)
        : name(n), lanes(l), req(n + ".req", depth), resp(n + ".resp", depth) {}
  };

  Glb(const GlbSpec& spec, StatGroup& parent);
  // Adds a client port serving up to `lanes` requests per cycle; its links hold
  // max(depth, 2 * lanes) entries (so that a registered ready sustains the full rate).
  Port& AddPort(const std::string& name, int lanes, size_t depth);
  const std::vector<std::unique_ptr<Port>>& ports() const { return ports_; }

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override { return kNever; }
  std::string DebugState() const override;

  int word_bytes() const { return spec_.bank_width_bytes; }
  uint32_t size_bytes() const { return uint32_t(data_.size()); }
  // Functional access outside simulated time (tests).
  void Poke(uint32_t addr, const uint8_t* src, size_t n);
  void Peek(uint32_t addr, uint8_t* dst, size_t n) const;

 private:
  GlbSpec spec_;
  std::vector<uint8_t> data_;
  std::vector<std::unique_ptr<Port>> ports_;
  std::vector<Cycle> bank_busy_;  // cycle in which each bank was last used

  StatGroup stats_;
  DataTypeCounters reads_, writes_;
  Counter conflict_stalls_;
};

}  // namespace cssim
