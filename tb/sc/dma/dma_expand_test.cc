// DMA expand contract with the real DRAM and GLB: a load of bit-packed rows (kernel IDs of
// expand_bits bits, rows padded to whole bytes) writes each value as one GLB byte at the right
// place and nothing else, reads the same DRAM atoms as the load of the packed rows (plain and
// gather forms), counts the packed bytes as DRAM traffic, is with 8 bits exactly the plain load,
// and is deterministic; another GLB client steals banks meanwhile (back-pressure).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/dma/dma.h"
#include "model/dram/presets.h"
#include "tb/common/dma_bench.h"

namespace cssim {
namespace {

using namespace dma_bench;  // NOLINT: the bench, its sizes and ListBytes
using Bench = DmaBench;
constexpr uint8_t kPoison = 0xA5;

std::vector<uint8_t> Random(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> d(n);
  for (auto& x : d) x = uint8_t(rng());
  return d;
}

uint32_t PackedBytes(uint32_t values, int bits) { return (values * uint32_t(bits) + 7) / 8; }

// Value j of the packed row at `row`, assembled bit by bit (bit n of the row is bit n % 8 of
// byte n / 8), independently of how the DMA extracts it.
uint8_t Value(const uint8_t* row, uint32_t j, int bits) {
  uint8_t v = 0;
  for (int t = 0; t < bits; ++t) {
    const uint32_t n = j * uint32_t(bits) + uint32_t(t);
    v |= uint8_t(((row[n / 8] >> (n % 8)) & 1) << t);
  }
  return v;
}

// Expands DRAM row (dram_addr + i * dram_stride) into the model GLB at glb_addr + i * erb.
void ExpandRow(const std::vector<uint8_t>& dram, const DmaCmd& c, uint32_t i,
               std::vector<uint8_t>* glb) {
  const uint8_t* row = &dram[c.dram_addr + i * c.dram_stride];
  for (uint32_t j = 0; j < c.expanded_row_bytes; ++j)
    (*glb)[c.glb_addr + i * c.expanded_row_bytes + j] = Value(row, j, c.expand_bits);
}

// The DRAM atoms row i touches.
std::vector<uint64_t> RowAtoms(const DmaCmd& c, uint32_t i) {
  const uint64_t first = c.dram_addr + i * c.dram_stride;
  std::vector<uint64_t> atoms;
  for (uint64_t a = first / kDramAtomBytes; a <= (first + c.row_bytes - 1) / kDramAtomBytes; ++a)
    atoms.push_back(a);
  return atoms;
}

// `count` distinct sorted indices in [0, n).
std::vector<uint32_t> PickRows(uint32_t n, uint32_t count, std::mt19937_64* rng) {
  std::vector<uint32_t> pool(n);
  for (uint32_t i = 0; i < n; ++i) pool[i] = i;
  for (uint32_t k = 0; k < count; ++k) {  // partial Fisher-Yates
    const size_t j = k + size_t((*rng)() % (n - k));
    std::swap(pool[k], pool[j]);
  }
  std::vector<uint32_t> picked(pool.begin(), pool.begin() + count);
  std::sort(picked.begin(), picked.end());
  return picked;
}

DmaCmd ExpandCmd(int bits, uint32_t values) {
  DmaCmd c;
  c.data_type = DataType::kKernelId;
  c.expand_bits = bits;
  c.expanded_row_bytes = values;
  c.row_bytes = PackedBytes(values, bits);
  c.dram_stride = c.row_bytes;
  return c;
}

TEST(DmaExpand, ValuesAreTakenLeastSignificantBitFirst) {
  // 0..7 in 3 bits: sum of j << 3j = 0xFAC688, stored little endian.
  Bench b;
  const std::vector<uint8_t> packed = {0x88, 0xC6, 0xFA};
  b.dram.Load(1000, packed.data(), packed.size());
  std::vector<uint8_t> glb(kGlbBytes, kPoison);
  b.glb.Poke(0, glb.data(), glb.size());
  DmaCmd c = ExpandCmd(3, 8);
  c.dram_addr = 1000;
  c.glb_addr = 101;
  ASSERT_GT(b.Do(c), 0u);
  for (uint32_t j = 0; j < 8; ++j) glb[101 + j] = uint8_t(j);
  EXPECT_EQ(b.GlbBytes(), glb);
}

TEST(DmaExpand, PlainLoadsWriteExactlyTheExpandedValues) {
  // For every width: rows of 1..40 values (most not a whole number of bytes), one or several
  // rows, packed back to back or with gaps, at unaligned addresses; four GLB word widths. With
  // 1-byte words the GLB write count is the value count: each value is written once, not also
  // early with the bits of an atom not yet back.
  std::mt19937_64 rng(17);
  const int words[] = {1, 4, 8, 64};
  for (int bits = 1; bits <= 8; ++bits) {
    const int word = words[(bits + 1) % 4];  // 1-byte words for 3 and 7 bits
    SCOPED_TRACE("bits " + std::to_string(bits) + " word " + std::to_string(word));
    Bench b(word);
    const std::vector<uint8_t> dram = Random(kDramBytes, uint64_t(bits));
    b.dram.Load(0, dram.data(), dram.size());
    std::vector<uint8_t> glb(kGlbBytes, kPoison);
    b.glb.Poke(0, glb.data(), glb.size());
    for (int t = 0; t < 8; ++t) {
      const uint32_t values = t == 0 ? 1 : t == 1 ? 40 : uint32_t(1 + rng() % 40);
      DmaCmd c = ExpandCmd(bits, values);
      c.rows = t % 4 == 0 ? 1 : uint32_t(2 + rng() % 5);
      if (t % 2 == 1) c.dram_stride = c.row_bytes + 1 + rng() % 100;
      c.dram_addr = rng() % (kDramBytes - uint64_t(c.rows) * c.dram_stride);
      c.glb_addr = uint32_t(rng() % (kGlbBytes - c.rows * c.expanded_row_bytes));
      SCOPED_TRACE("values " + std::to_string(values) + " rows " + std::to_string(c.rows) +
                   " stride " + std::to_string(c.dram_stride));
      const uint64_t reads0 = b.Stat("top.dram.reads");
      const uint64_t loaded0 = b.Stat("top.dma.bytes_loaded");
      const uint64_t writes0 = b.Stat("top.glb.writes_kernel_id");
      ASSERT_GT(b.Do(c), 0u);

      uint64_t atoms = 0;
      for (uint32_t r = 0; r < c.rows; ++r) {
        ExpandRow(dram, c, r, &glb);
        atoms += RowAtoms(c, r).size();
      }
      ASSERT_EQ(b.GlbBytes(), glb) << "only the expanded rows change, at glb_addr + r * erb";
      EXPECT_EQ(b.DramBytes(), dram);
      EXPECT_EQ(b.Stat("top.dram.reads") - reads0, atoms) << "the packed rows' atoms";
      EXPECT_EQ(b.Stat("top.dma.bytes_loaded") - loaded0, uint64_t(c.rows) * c.row_bytes)
          << "packed DRAM bytes";
      if (word == 1) {
        EXPECT_EQ(b.Stat("top.glb.writes_kernel_id") - writes0,
                  uint64_t(c.rows) * c.expanded_row_bytes);
      }
    }
    EXPECT_EQ(b.Stat("top.dram.reads_kernel_id"), b.Stat("top.dram.reads"));
    EXPECT_GT(b.Stat("top.glb.writes_kernel_id"), 0u) << "GLB writes carry the job's data type";
    EXPECT_EQ(b.Stat("top.glb.writes_none"), 0u);
  }
}

TEST(DmaExpand, ValueStraddlingTwoAtomsWaitsForBoth) {
  // A row across a DRAM page boundary whose second atom is a row hit (the load before opened its
  // page) and whose first needs an activate: the second atom returns first. The value whose bits
  // straddle the two atoms is written once, after both are back. 1-byte GLB words, so the GLB
  // write count is the number of values written.
  const uint64_t page = 2048;  // lpddr4: page p is bank p % 8
  for (int bits : {3, 6, 7}) {
    SCOPED_TRACE("bits " + std::to_string(bits));
    Bench b(1);
    const std::vector<uint8_t> dram = Random(kDramBytes, uint64_t(bits));
    b.dram.Load(0, dram.data(), dram.size());
    std::vector<uint8_t> glb(kGlbBytes, kPoison);
    b.glb.Poke(0, glb.data(), glb.size());
    DmaCmd open;
    open.dram_addr = 5 * page + 100;
    open.row_bytes = 1;
    open.glb_addr = 2000;
    ASSERT_GT(b.Do(open), 0u);
    glb[2000] = dram[open.dram_addr];

    DmaCmd c = ExpandCmd(bits, 16);  // 6 to 14 bytes: bit 40 falls inside a value
    c.dram_addr = 5 * page - 5;
    c.glb_addr = 301;
    ASSERT_NE(40 % bits, 0);
    const uint64_t writes0 = b.Stat("top.glb.writes_kernel_id");
    ASSERT_GT(b.Do(c), 0u);
    ExpandRow(dram, c, 0, &glb);
    EXPECT_EQ(b.GlbBytes(), glb);
    EXPECT_EQ(b.Stat("top.glb.writes_kernel_id") - writes0, 16u) << "each value written once";
    EXPECT_EQ(b.Stat("top.dram.reads"), 3u);
  }
}

TEST(DmaExpand, GathersWriteExactlyTheNamedExpandedRowsAndReadEachAtomOnce) {
  std::mt19937_64 rng(23);
  const int words[] = {8, 64, 4};
  for (int bits = 1; bits <= 8; ++bits) {
    for (int t = 0; t < 3; ++t) {
      const int word = words[t];
      const uint32_t values = t == 0 ? 40 : uint32_t(1 + rng() % 40);
      DmaCmd c = ExpandCmd(bits, values);
      if (t == 1) c.dram_stride = c.row_bytes + 1 + rng() % 70;
      const uint32_t n = 150;  // rows of the packed matrix
      c.gather = true;
      c.dram_addr = rng() % (kDramBytes - uint64_t(n) * c.dram_stride);
      c.glb_addr = uint32_t(rng() % 3);
      c.index_glb_addr = 8000 + uint32_t(rng() % 64);
      const std::vector<uint32_t> rows = PickRows(n, uint32_t(1 + rng() % 60), &rng);
      c.index_count = uint32_t(rows.size());
      SCOPED_TRACE("bits " + std::to_string(bits) + " values " + std::to_string(values) +
                   " stride " + std::to_string(c.dram_stride) + " word " + std::to_string(word));
      Bench b(word);
      const std::vector<uint8_t> dram = Random(kDramBytes, uint64_t(100 + bits * 3 + t));
      b.dram.Load(0, dram.data(), dram.size());
      std::vector<uint8_t> glb(kGlbBytes, kPoison);
      const std::vector<uint8_t> list = ListBytes(rows);
      std::copy(list.begin(), list.end(), glb.begin() + c.index_glb_addr);
      b.glb.Poke(0, glb.data(), glb.size());
      ASSERT_GT(b.Do(c), 0u);

      std::set<uint64_t> atoms;
      for (uint32_t i : rows) {
        ExpandRow(dram, c, i, &glb);
        for (uint64_t a : RowAtoms(c, i)) atoms.insert(a);
      }
      ASSERT_EQ(b.GlbBytes(), glb) << "only the named rows change, each at glb_addr + i * erb";
      EXPECT_EQ(b.DramBytes(), dram);
      EXPECT_EQ(b.Stat("top.dram.reads"), atoms.size()) << "each needed atom read once";
      EXPECT_EQ(b.Stat("top.dma.bytes_loaded"), uint64_t(rows.size()) * c.row_bytes);
      EXPECT_EQ(b.Stat("top.glb.reads_kernel_id"), 0u) << "the list is read as act_list";
      EXPECT_GT(b.Stat("top.glb.reads_act_list"), 0u);
    }
  }
}

TEST(DmaExpand, EightBitsIsThePlainLoad) {
  // Same cycles, same memories, same counters everywhere (DRAM, GLB, DMA), with the noise
  // client on: in plain and gather form, for rows that share atoms and rows that straddle them.
  std::mt19937_64 rng(31);
  for (int t = 0; t < 6; ++t) {
    const bool gather = t % 2 == 1;
    const int word = t < 2 ? 8 : t < 4 ? 4 : 64;
    DmaCmd expand = ExpandCmd(8, uint32_t(1 + rng() % 100));
    expand.dram_stride = expand.row_bytes + rng() % 40;
    expand.rows = uint32_t(1 + rng() % 8);
    expand.dram_addr = rng() % 4096;
    expand.glb_addr = uint32_t(rng() % 512);
    std::vector<uint32_t> rows;
    if (gather) {
      expand.gather = true;
      expand.index_glb_addr = 12000 + uint32_t(rng() % 16);
      rows = PickRows(60, 20, &rng);
      expand.index_count = uint32_t(rows.size());
    }
    DmaCmd plain = expand;
    plain.expand_bits = 0;
    plain.expanded_row_bytes = 0;
    SCOPED_TRACE("case " + std::to_string(t) + " row_bytes " + std::to_string(plain.row_bytes));

    Bench a(word), b(word);
    const std::vector<uint8_t> dram = Random(kDramBytes, uint64_t(t));
    std::vector<uint8_t> glb(kGlbBytes, kPoison);
    const std::vector<uint8_t> list = ListBytes(rows);
    std::copy(list.begin(), list.end(), glb.begin() + expand.index_glb_addr);
    for (Bench* x : {&a, &b}) {
      x->dram.Load(0, dram.data(), dram.size());
      x->glb.Poke(0, glb.data(), glb.size());
    }
    const Cycle plain_cycles = a.Do(plain);
    ASSERT_GT(plain_cycles, 0u);
    EXPECT_EQ(b.Do(expand), plain_cycles);
    EXPECT_EQ(b.GlbBytes(), a.GlbBytes());
    EXPECT_NE(b.GlbBytes(), glb) << "the load moved something";
    EXPECT_EQ(b.root.Snapshot(), a.root.Snapshot());
  }
}

TEST(DmaExpand, IsDeterministic) {
  std::vector<std::vector<uint64_t>> snaps;
  std::vector<std::vector<uint8_t>> glbs;
  std::vector<Cycle> cycles;
  for (int run = 0; run < 2; ++run) {
    Bench b;
    const std::vector<uint8_t> dram = Random(kDramBytes, 5);
    b.dram.Load(0, dram.data(), dram.size());
    std::mt19937_64 rng(41);
    Cycle total = 0;
    for (int bits = 1; bits <= 8; ++bits) {
      DmaCmd c = ExpandCmd(bits, uint32_t(1 + rng() % 40));
      c.rows = uint32_t(1 + rng() % 6);
      c.dram_stride = c.row_bytes + rng() % 50;
      c.dram_addr = rng() % 30000;
      c.glb_addr = uint32_t(rng() % 8000);
      total += b.Do(c);
    }
    cycles.push_back(total);
    snaps.push_back(b.root.Snapshot());
    glbs.push_back(b.GlbBytes());
  }
  EXPECT_EQ(cycles[0], cycles[1]);
  EXPECT_EQ(snaps[0], snaps[1]);
  EXPECT_EQ(glbs[0], glbs[1]);
}

// Starts `c` and returns whether the first tick threw a SimError.
bool StartThrows(const DmaCmd& c) {
  Bench b;
  DmaJob job;
  job.cmd = c;
  b.dma.cmd().Push(job);
  for (LinkBase* l : b.links) l->Commit();
  try {
    b.dma.Tick(0);
  } catch (const SimError&) {
    return true;
  }
  return false;
}

TEST(DmaExpand, BadJobsAreErrors) {
  EXPECT_FALSE(StartThrows(ExpandCmd(5, 20))) << "a valid job";
  DmaCmd wide = ExpandCmd(8, 20);
  wide.expand_bits = 9;
  EXPECT_TRUE(StartThrows(wide)) << "more than 8 bits";
  DmaCmd negative = ExpandCmd(1, 20);
  negative.expand_bits = -1;
  EXPECT_TRUE(StartThrows(negative));
  DmaCmd store = ExpandCmd(4, 20);
  store.store = true;
  EXPECT_TRUE(StartThrows(store)) << "an expanding store";
  DmaCmd short_row = ExpandCmd(5, 20);
  --short_row.row_bytes;
  EXPECT_TRUE(StartThrows(short_row)) << "row_bytes too small for the values";
  DmaCmd long_row = ExpandCmd(5, 20);
  ++long_row.row_bytes;
  EXPECT_TRUE(StartThrows(long_row)) << "row_bytes is the packed row, padded to whole bytes only";
}

}  // namespace
}  // namespace cssim
