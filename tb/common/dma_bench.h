// A DMA test bench: a real LPDDR4 Dram, a 16 KiB 4-bank Glb, the Dma under test and a
// competing GLB client (on by default); jobs run to completion cycle by cycle.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "model/base/link.h"
#include "model/base/stats.h"
#include "model/dma/dma.h"
#include "model/dram/dram.h"
#include "model/dram/presets.h"
#include "model/glb/glb.h"
#include "tb/common/glb_noise.h"

namespace cssim {
namespace dma_bench {

constexpr uint32_t kGlbBytes = 16 * 1024;
constexpr uint64_t kDramBytes = 64 * 1024;

struct DmaBench {
  StatGroup root{nullptr, "top"};
  Dram dram;
  Glb glb;
  Glb::Port& dma_port;
  Glb::Port& noise_port;
  Dma dma;
  GlbNoise noise;
  bool noisy;
  std::vector<LinkBase*> links;
  Cycle now = 0;

  static GlbSpec Spec(int word) {
    GlbSpec s;
    s.size_kib = int(kGlbBytes / 1024);
    s.banks = 4;
    s.bank_width_bytes = word;
    return s;
  }
  explicit DmaBench(int word = 8, bool with_noise = true)
      : dram(DramPreset("lpddr4"), 500, root),
        glb(Spec(word), root),
        dma_port(glb.AddPort("dma", std::max(1, 64 / word), 8)),
        noise_port(glb.AddPort("noise", 2, 4)),
        dma(DmaSpec{8}, dram.req(), dram.resp(), dma_port, word, root),
        noise(noise_port, kGlbBytes, 99, 64),
        noisy(with_noise) {
    for (LinkBase* l : dram.links()) links.push_back(l);
    for (const auto& p : glb.ports()) {
      links.push_back(&p->req);
      links.push_back(&p->resp);
    }
    for (LinkBase* l : dma.links()) links.push_back(l);
  }
  // Queues the jobs back to back and runs until all are done; returns the cycles that took.
  Cycle Do(const std::vector<DmaCmd>& cmds) {
    const Cycle start = now;
    size_t pushed = 0, done = 0;
    for (int i = 0; i < 200000; ++i, ++now) {
      if (pushed < cmds.size() && dma.cmd().CanPush()) {
        DmaJob job;
        job.cmd = cmds[pushed];
        job.data_type = cmds[pushed].data_type;
        job.id = uint32_t(pushed++);
        dma.cmd().Push(job);
      }
      if (noisy) noise.Tick(now);
      dram.Tick(now);
      glb.Tick(now);
      dma.Tick(now);
      for (LinkBase* l : links) l->Commit();
      while (dma.done().CanPop()) {
        EXPECT_EQ(dma.done().Pop(), done) << "jobs finish in order";
        ++done;
      }
      if (done == cmds.size()) {
        ++now;
        return now - start;
      }
    }
    ADD_FAILURE() << "DMA jobs did not finish: " << dma.DebugState();
    return 0;
  }
  Cycle Do(const DmaCmd& cmd) { return Do(std::vector<DmaCmd>{cmd}); }
  uint64_t Stat(const std::string& full_name) const {
    uint64_t v = 0;
    bool found = false;
    root.Walk([&](const Counter& c) {
      if (c.full_name() == full_name) {
        v = c.value();
        found = true;
      }
    });
    EXPECT_TRUE(found) << full_name;
    return v;
  }
  std::vector<uint8_t> GlbBytes() const {
    std::vector<uint8_t> g(kGlbBytes);
    glb.Peek(0, g.data(), g.size());
    return g;
  }
  std::vector<uint8_t> DramBytes() const {
    std::vector<uint8_t> d(kDramBytes);
    dram.Peek(0, d.data(), d.size());
    return d;
  }
};

// Active-list records (kActEntryBytes each: uint16 LE index, int8 value, zero byte).
inline std::vector<uint8_t> ListBytes(const std::vector<uint32_t>& indices) {
  std::vector<uint8_t> b;
  for (uint32_t i : indices) {
    b.push_back(uint8_t(i));
    b.push_back(uint8_t(i >> 8));
    b.push_back(uint8_t(0x40 + i % 64));  // a value, which the DMA must ignore
    b.push_back(0);
  }
  return b;
}

}  // namespace dma_bench
}  // namespace cssim
