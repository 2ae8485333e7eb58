// DMA contract with the real DRAM and GLB: random 2-D transfers (unaligned addresses, partial
// atoms and words, strided rows) move exactly the right bytes and nothing else, while another
// GLB client issues random reads that steal banks and delay the DMA's port.
#include "model/dma/dma.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "model/base/engine.h"
#include "model/dram/presets.h"
#include "tb/common/glb_noise.h"

namespace cssim {
namespace {

struct Bench {
  StatGroup root{nullptr, "top"};
  Dram dram;
  Glb glb;
  Glb::Port& dma_port;
  Glb::Port& noise_port;
  Dma dma;
  GlbNoise noise;
  std::vector<LinkBase*> links;
  Cycle now = 0;

  static GlbSpec Spec() {
    GlbSpec s;
    s.size_kib = 16;
    s.banks = 4;
    s.bank_width_bytes = 8;
    return s;
  }
  Bench()
      : dram(DramPreset("lpddr4"), 500, root),
        glb(Spec(), root),
        dma_port(glb.AddPort("dma", 8, 8)),
        noise_port(glb.AddPort("noise", 2, 4)),
        dma(DmaSpec{8}, dram.req(), dram.resp(), dma_port, 8, root),
        noise(noise_port, 16 * 1024, 99) {
    for (LinkBase* l : dram.links()) links.push_back(l);
    for (const auto& p : glb.ports()) {
      links.push_back(&p->req);
      links.push_back(&p->resp);
    }
    for (LinkBase* l : dma.links()) links.push_back(l);
  }
  // Runs one job to completion; returns the cycles it took.
  Cycle Do(const DmaCmd& cmd) {
    DmaJob job;
    job.cmd = cmd;
    dma.cmd().Push(job);
    const Cycle start = now;
    for (int i = 0; i < 200000; ++i, ++now) {
      noise.Tick(now);
      dram.Tick(now);
      glb.Tick(now);
      dma.Tick(now);
      for (LinkBase* l : links) l->Commit();
      if (dma.done().CanPop()) {
        dma.done().Pop();
        ++now;
        return now - start;
      }
    }
    ADD_FAILURE() << "DMA job did not finish: " << dma.DebugState();
    return 0;
  }
};

TEST(DmaRandom, TransfersMoveExactlyTheirBytes) {
  Bench b;
  std::mt19937_64 rng(7);
  const uint64_t kDram = 64 * 1024;
  std::vector<uint8_t> dram(kDram);
  for (auto& x : dram) x = uint8_t(rng());
  b.dram.Load(0, dram.data(), dram.size());
  std::vector<uint8_t> glb(16 * 1024, 0);

  for (int t = 0; t < 60; ++t) {
    DmaCmd c;
    c.store = t % 2 == 1;
    c.rows = uint32_t(1 + rng() % 4);
    c.row_bytes = uint32_t(1 + rng() % 200);
    c.dram_stride = c.row_bytes + rng() % 100;
    c.dram_addr = rng() % (kDram - uint64_t(c.rows) * c.dram_stride);
    c.glb_addr = uint32_t(rng() % (glb.size() - c.rows * c.row_bytes));
    ASSERT_GT(b.Do(c), 0u);
    for (uint32_t r = 0; r < c.rows; ++r)
      for (uint32_t i = 0; i < c.row_bytes; ++i) {
        const uint64_t d = c.dram_addr + r * c.dram_stride + i;
        const uint32_t g = c.glb_addr + r * c.row_bytes + i;
        if (c.store)
          dram[d] = glb[g];
        else
          glb[g] = dram[d];
      }
    // Every byte of both memories, so a stray or missing byte anywhere fails.
    std::vector<uint8_t> got_dram(kDram), got_glb(glb.size());
    b.dram.Peek(0, got_dram.data(), kDram);
    b.glb.Peek(0, got_glb.data(), got_glb.size());
    ASSERT_EQ(got_dram, dram) << "DRAM differs after transfer " << t;
    ASSERT_EQ(got_glb, glb) << "GLB differs after transfer " << t;
  }
}

TEST(DmaTiming, LongLoadApproachesDramBandwidth) {
  // 16 KiB contiguous from one LPDDR4 channel (12.8 B/cycle at 500 MHz): at least 80 % of it
  // with 8 reads in flight, despite the noise client.
  Bench b;
  DmaCmd c;
  c.row_bytes = 16 * 1024;
  c.dram_stride = c.row_bytes;
  const Cycle cycles = b.Do(c);
  const double bytes_per_cycle = double(c.row_bytes) / double(cycles);
  EXPECT_GT(bytes_per_cycle, 0.8 * b.dram.peak_bytes_per_cycle()) << cycles << " cycles";
  EXPECT_LE(bytes_per_cycle, b.dram.peak_bytes_per_cycle());
}

}  // namespace
}  // namespace cssim
