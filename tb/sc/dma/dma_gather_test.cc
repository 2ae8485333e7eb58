// DMA gather contract with the real DRAM and GLB: a gather load moves exactly the rows its active
// list names (row i to glb_addr + i * row_bytes) and nothing else, reads each needed DRAM atom
// once, waits for the load that writes its list, starts its DRAM reads as soon as the first list
// word is back, and is deterministic; another GLB client steals banks meanwhile (back-pressure).
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

// `count` distinct sorted indices in [0, n), always including 0 and n - 1.
std::vector<uint32_t> PickRows(uint32_t n, uint32_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint32_t> pool;
  for (uint32_t i = 1; i + 1 < n; ++i) pool.push_back(i);
  std::vector<uint32_t> picked = {0, n - 1};
  for (uint32_t k = 0; k + 2 < count; ++k) {  // partial Fisher-Yates
    const size_t j = k + size_t(rng() % (pool.size() - k));
    std::swap(pool[k], pool[j]);
    picked.push_back(pool[k]);
  }
  std::sort(picked.begin(), picked.end());
  return picked;
}

std::vector<uint8_t> DramPattern(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> d(kDramBytes);
  for (auto& x : d) x = uint8_t(rng());
  return d;
}

struct Case {
  int word;              // GLB word bytes
  uint32_t row_bytes;    // packed row length
  uint64_t dram_stride;  // >= row_bytes
  uint64_t dram_addr;
  uint32_t glb_addr;
  uint32_t index_glb_addr;  // not always word aligned
  uint32_t rows;            // rows in the DRAM matrix
  uint32_t count;           // rows named by the list
};

// A row shorter than an atom, rows sharing atoms, rows straddling atoms, rows longer than an atom
// with gaps between them, unaligned addresses everywhere, and three GLB word widths.
const Case kCases[] = {
    {8, 100, 100, 0, 0, 12004, 100, 15},   {8, 13, 13, 7, 3, 15000, 400, 60},
    {8, 64, 64, 5, 64, 14000, 100, 20},    {4, 200, 260, 64, 8, 10002, 40, 10},
    {64, 70, 130, 33, 1, 12300, 120, 30},  {8, 3, 3, 61, 5, 15500, 1000, 200},
    {64, 100, 100, 0, 0, 12004, 100, 100},
};

DmaCmd GatherCmd(const Case& k) {
  DmaCmd c;
  c.gather = true;
  c.data_type = DataType::kWeight;
  c.row_bytes = k.row_bytes;
  c.dram_stride = k.dram_stride;
  c.dram_addr = k.dram_addr;
  c.glb_addr = k.glb_addr;
  c.index_glb_addr = k.index_glb_addr;
  c.index_count = k.count;
  return c;
}

// The DRAM atoms row i touches.
std::vector<uint64_t> RowAtoms(const Case& k, uint32_t i) {
  const uint64_t first = k.dram_addr + i * k.dram_stride;
  std::vector<uint64_t> atoms;
  for (uint64_t a = first / kDramAtomBytes; a <= (first + k.row_bytes - 1) / kDramAtomBytes; ++a)
    atoms.push_back(a);
  return atoms;
}

// Every DRAM atom some row of `rows` touches, once.
std::set<uint64_t> Atoms(const Case& k, const std::vector<uint32_t>& rows) {
  std::set<uint64_t> atoms;
  for (uint32_t i : rows)
    for (uint64_t a : RowAtoms(k, i)) atoms.insert(a);
  return atoms;
}

TEST(DmaGather, MovesExactlyTheNamedRowsAndReadsEachAtomOnce) {
  uint64_t seed = 1;
  for (const Case& k : kCases) {
    SCOPED_TRACE("row_bytes " + std::to_string(k.row_bytes) + " word " + std::to_string(k.word));
    ASSERT_LE(k.glb_addr + k.rows * k.row_bytes, k.index_glb_addr);
    Bench b(k.word);
    const std::vector<uint8_t> dram = DramPattern(seed);
    b.dram.Load(0, dram.data(), dram.size());
    std::vector<uint8_t> glb(kGlbBytes, kPoison);
    const std::vector<uint32_t> rows = PickRows(k.rows, k.count, seed++);
    const std::vector<uint8_t> list = ListBytes(rows);
    std::copy(list.begin(), list.end(), glb.begin() + k.index_glb_addr);
    b.glb.Poke(0, glb.data(), glb.size());

    ASSERT_GT(b.Do(GatherCmd(k)), 0u);

    for (uint32_t i : rows)
      for (uint32_t j = 0; j < k.row_bytes; ++j)
        glb[k.glb_addr + i * k.row_bytes + j] = dram[k.dram_addr + i * k.dram_stride + j];
    ASSERT_EQ(b.GlbBytes(), glb) << "only the named rows change, each at glb_addr + i*row_bytes";
    std::vector<uint8_t> got_dram(kDramBytes);
    b.dram.Peek(0, got_dram.data(), got_dram.size());
    EXPECT_EQ(got_dram, dram);

    const uint64_t atoms = Atoms(k, rows).size();
    EXPECT_EQ(b.Stat("top.dram.reads"), atoms) << "each needed atom read once, no other";
    EXPECT_EQ(b.Stat("top.dram.reads_weight"), atoms) << "DRAM reads carry the job's data type";
    EXPECT_EQ(b.Stat("top.dma.dram_reads"), atoms);
    EXPECT_EQ(b.Stat("top.dma.bytes_loaded"), uint64_t(k.count) * k.row_bytes)
        << "row bytes only, not the list";
    const uint32_t w = uint32_t(k.word);
    const uint64_t list_words = (k.index_glb_addr + list.size() + w - 1) / w - k.index_glb_addr / w;
    EXPECT_EQ(b.Stat("top.glb.reads_act_list"), list_words) << "the list is read once, as act_list";
    EXPECT_EQ(b.Stat("top.glb.reads_weight"), 0u);
  }
}

TEST(DmaGather, ReadsFewerAtomsThanTheFullLoad) {
  // The same matrix loaded whole reads every row (and an atom shared by two rows twice); the
  // gather of 10 % of its rows reads only their atoms.
  const Case k = kCases[0];
  const std::vector<uint32_t> rows = PickRows(k.rows, 10, 5);
  const std::vector<uint8_t> dram = DramPattern(5);

  Bench full(k.word);
  full.dram.Load(0, dram.data(), dram.size());
  DmaCmd load;
  load.data_type = DataType::kWeight;
  load.rows = k.rows;
  load.row_bytes = k.row_bytes;
  load.dram_stride = k.dram_stride;
  load.dram_addr = k.dram_addr;
  load.glb_addr = k.glb_addr;
  ASSERT_GT(full.Do(load), 0u);

  Bench gather(k.word);
  gather.dram.Load(0, dram.data(), dram.size());
  const std::vector<uint8_t> list = ListBytes(rows);
  gather.glb.Poke(k.index_glb_addr, list.data(), list.size());
  Case few = k;
  few.count = uint32_t(rows.size());
  ASSERT_GT(gather.Do(GatherCmd(few)), 0u);

  const uint64_t full_reads = full.Stat("top.dram.reads");
  const uint64_t gather_reads = gather.Stat("top.dram.reads");
  uint64_t per_row_atoms = 0;
  for (uint32_t i = 0; i < k.rows; ++i) per_row_atoms += RowAtoms(k, i).size();
  EXPECT_EQ(full_reads, per_row_atoms) << "a plain load reads an atom once per row touching it";
  EXPECT_EQ(gather_reads, Atoms(few, rows).size());
  EXPECT_LT(gather_reads * 5, full_reads) << "10 % of the rows: well under a fifth of the reads";
  // Whole-matrix bytes for the full load, the named rows' bytes for the gather.
  EXPECT_EQ(full.Stat("top.dma.bytes_loaded"), uint64_t(k.rows) * k.row_bytes);
  EXPECT_EQ(gather.Stat("top.dma.bytes_loaded"), uint64_t(rows.size()) * k.row_bytes);
}

TEST(DmaGather, EmptyListIsDoneAtOnceAndMovesNothing) {
  Bench empty_load(8, false), empty_gather(8, false);
  DmaCmd load;
  load.rows = 0;
  load.row_bytes = 100;
  const Cycle load_cycles = empty_load.Do(load);
  const std::vector<uint8_t> before = empty_gather.GlbBytes();
  Case k = kCases[0];
  k.count = 0;
  EXPECT_EQ(empty_gather.Do(GatherCmd(k)), load_cycles) << "as fast as an empty load";
  EXPECT_EQ(empty_gather.GlbBytes(), before);
  EXPECT_EQ(empty_gather.Stat("top.dram.reads"), 0u);
  EXPECT_EQ(empty_gather.Stat("top.glb.reads_act_list"), 0u) << "no list word read";
  EXPECT_EQ(empty_gather.Stat("top.dma.bytes_loaded"), 0u);
}

TEST(DmaGather, SeesTheListWrittenByTheLoadBeforeIt) {
  // The GLB holds a stale list; a load brings the new list from DRAM and a gather is queued right
  // behind it. The gather must use the new list.
  const Case k = kCases[1];
  const std::vector<uint32_t> stale = PickRows(k.rows, k.count, 11);
  const std::vector<uint32_t> fresh = PickRows(k.rows, k.count, 12);
  ASSERT_NE(stale, fresh);
  Bench b(k.word);
  std::vector<uint8_t> dram = DramPattern(3);
  const uint64_t list_dram = 60000;
  const std::vector<uint8_t> fresh_list = ListBytes(fresh);
  std::copy(fresh_list.begin(), fresh_list.end(), dram.begin() + list_dram);
  b.dram.Load(0, dram.data(), dram.size());
  const std::vector<uint8_t> stale_list = ListBytes(stale);
  std::vector<uint8_t> glb(kGlbBytes, kPoison);
  std::copy(stale_list.begin(), stale_list.end(), glb.begin() + k.index_glb_addr);
  b.glb.Poke(0, glb.data(), glb.size());

  DmaCmd list_load;
  list_load.data_type = DataType::kActList;
  list_load.dram_addr = list_dram;
  list_load.row_bytes = uint32_t(fresh_list.size());
  list_load.dram_stride = list_load.row_bytes;
  list_load.glb_addr = k.index_glb_addr;
  ASSERT_GT(b.Do({list_load, GatherCmd(k)}), 0u);

  std::copy(fresh_list.begin(), fresh_list.end(), glb.begin() + k.index_glb_addr);
  for (uint32_t i : fresh)
    for (uint32_t j = 0; j < k.row_bytes; ++j)
      glb[k.glb_addr + i * k.row_bytes + j] = dram[k.dram_addr + i * k.dram_stride + j];
  EXPECT_EQ(b.GlbBytes(), glb);
}

TEST(DmaGatherTiming, FirstDramReadWaitsOnlyForTheFirstListWord) {
  // Without other GLB traffic, gathering one row costs exactly the list word's GLB round trip
  // (2 cycles) more than loading that row: not one cycle less (impossible), not one more (the
  // DRAM read would not start as soon as the index is known).
  const Case k = kCases[3];
  const uint32_t row = 17;
  Bench load_bench(k.word, false), gather_bench(k.word, false);
  DmaCmd load;
  load.data_type = DataType::kWeight;
  load.row_bytes = k.row_bytes;
  load.dram_stride = k.dram_stride;
  load.dram_addr = k.dram_addr + row * k.dram_stride;
  load.glb_addr = k.glb_addr + row * k.row_bytes;
  const Cycle load_cycles = load_bench.Do(load);
  const std::vector<uint8_t> list = ListBytes({row});
  gather_bench.glb.Poke(k.index_glb_addr, list.data(), list.size());
  Case one = k;
  one.count = 1;
  const Cycle gather_cycles = gather_bench.Do(GatherCmd(one));
  EXPECT_EQ(gather_cycles, load_cycles + 2);
  const std::vector<uint8_t> loaded = load_bench.GlbBytes(), gathered = gather_bench.GlbBytes();
  const uint32_t at = load.glb_addr;
  EXPECT_TRUE(
      std::equal(loaded.begin() + at, loaded.begin() + at + k.row_bytes, gathered.begin() + at));
}

TEST(DmaGatherTiming, WholeListGatherIsTheLoadShiftedByOneListRoundTrip) {
  // Gathering every row of a matrix of 64-byte aligned rows issues the same DRAM reads as loading
  // it whole. With the list fetch overlapped (index FIFO never empty, list reads never delaying
  // row writes) the gather is the load delayed by the first list word's round trip, 2 cycles.
  for (int word : {4, 8, 64}) {
    SCOPED_TRACE("word " + std::to_string(word));
    const uint32_t rows = 100;
    std::vector<uint32_t> all(rows);
    for (uint32_t i = 0; i < rows; ++i) all[i] = i;
    Bench load_bench(word, false), gather_bench(word, false);
    DmaCmd load;
    load.data_type = DataType::kWeight;
    load.rows = rows;
    load.row_bytes = 64;
    load.dram_stride = 64;
    const Cycle load_cycles = load_bench.Do(load);
    const std::vector<uint8_t> list = ListBytes(all);
    gather_bench.glb.Poke(8000, list.data(), list.size());
    const Case k = {word, 64, 64, 0, 0, 8000, rows, rows};
    EXPECT_EQ(gather_bench.Do(GatherCmd(k)), load_cycles + 2);
    EXPECT_EQ(gather_bench.Stat("top.dram.reads"), load_bench.Stat("top.dram.reads"));
  }
}

TEST(DmaGather, IsDeterministic) {
  const Case k = kCases[5];
  std::vector<std::vector<uint64_t>> snaps;
  std::vector<Cycle> cycles;
  for (int run = 0; run < 2; ++run) {
    Bench b(k.word);
    const std::vector<uint8_t> dram = DramPattern(9);
    b.dram.Load(0, dram.data(), dram.size());
    const std::vector<uint8_t> list = ListBytes(PickRows(k.rows, k.count, 9));
    b.glb.Poke(k.index_glb_addr, list.data(), list.size());
    cycles.push_back(b.Do(GatherCmd(k)));
    snaps.push_back(b.root.Snapshot());
  }
  EXPECT_EQ(cycles[0], cycles[1]);
  EXPECT_EQ(snaps[0], snaps[1]);
}

TEST(DmaGather, GatherStoreIsAnError) {
  Bench b;
  DmaCmd c = GatherCmd(kCases[0]);
  c.store = true;
  DmaJob job;
  job.cmd = c;
  b.dma.cmd().Push(job);
  for (LinkBase* l : b.links) l->Commit();
  EXPECT_THROW(b.dma.Tick(0), SimError);
}

}  // namespace
}  // namespace cssim
