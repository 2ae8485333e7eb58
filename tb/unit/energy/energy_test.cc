// EnergyModel: counted actions x table = energy, with width and size scaling, breakdowns that
// add up, and no silent default for an action the table lacks.
#include "model/base/energy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "model/base/error.h"
#include "model/config/config.h"

namespace cssim {
namespace {

using ::testing::HasSubstr;

EnergyEntry Entry(double energy, double per_bits = 0, double ref_size_bytes = 0,
                  double size_exponent = 0) {
  return EnergyEntry{energy, per_bits, ref_size_bytes, size_exponent, "test"};
}

EnergyTable TestTable() {
  EnergyTable t;
  t.name = "test";
  t.source = "test.yaml";
  t.unit = "pJ";
  t.components["mac"]["mac"] = Entry(0.5);
  t.components["mac"]["idle"] = Entry(0.05);
  t.components["rf"]["read"] = Entry(0.4, 16);               // per 16 bits
  t.components["glb"]["read"] = Entry(32, 64, 131072, 0.5);  // 64-bit, 128 KiB reference
  t.components["glb"]["write"] = Entry(24, 64, 131072, 0.5);
  t.components["dram"]["read"] = Entry(8, 1);  // per bit
  t.components["dram"]["activate"] = Entry(100);
  return t;
}

// A small hand-built stat tree: the shapes real units declare.
struct Tree {
  StatGroup top{nullptr, "top"};
  StatGroup array{&top, "array", {"mac", 0, 0, 256}};
  Counter macs{array, "macs", "MACs", "useful MACs", "mac"};
  Counter idle{array, "idle", "PE-cycles", "PE-cycles without a MAC", "idle"};
  Counter stalls{array, "stalls", "cycles", "no energy: not an action"};
  StatGroup wrf{&array, "weight_rf", {"rf", 32, 8, 256}};
  Counter wrf_reads{wrf, "reads", "reads", "int8 weight reads", "read", DataType::kWeight};
  StatGroup prf{&array, "psum_rf", {"rf", 64, 32, 256}};
  Counter prf_reads{prf, "reads", "reads", "int32 psum reads", "read", DataType::kPsum};
  StatGroup glb{&top, "glb", {"glb", 262144, 64, 1}};  // 256 KiB: twice the reference size
  Counter glb_reads{glb, "reads", "accesses", "input reads", "read", DataType::kInput};
  Counter glb_writes{glb, "writes", "accesses", "output writes", "write", DataType::kOutput};
  StatGroup dram{&top, "dram", {"dram", 0, 512, 1}};
  Counter dram_reads{dram, "reads", "atoms", "64-byte reads", "read", DataType::kWeight};
  Counter activates{dram, "activates", "activations", "row activations", "activate"};
};

TEST(Energy, PjPerActionScalesWithWidthAndSize) {
  Tree t;
  const EnergyModel m(TestTable());
  EXPECT_DOUBLE_EQ(m.PjPerAction(t.macs), 0.5);
  EXPECT_DOUBLE_EQ(m.PjPerAction(t.wrf_reads), 0.4 * 8 / 16);   // int8 read: half a 16-bit one
  EXPECT_DOUBLE_EQ(m.PjPerAction(t.prf_reads), 0.4 * 32 / 16);  // int32 read: twice
  EXPECT_DOUBLE_EQ(m.PjPerAction(t.glb_reads), 32 * std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(m.PjPerAction(t.glb_writes), 24 * std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(m.PjPerAction(t.dram_reads), 8 * 512);
  EXPECT_DOUBLE_EQ(m.PjPerAction(t.activates), 100);
  EXPECT_DOUBLE_EQ(m.PjPerAction(t.stalls), 0);
}

TEST(Energy, EvaluateMultipliesCountsAndBreakdownsSumToTotal) {
  Tree t;
  const EnergyModel m(TestTable());
  t.macs.Add(1000);
  t.idle.Add(24);
  t.stalls.Add(7);
  t.wrf_reads.Add(1000);
  t.prf_reads.Add(10);
  t.glb_reads.Add(50);
  t.glb_writes.Add(5);
  // DRAM counters stay at 0.
  const EnergyReport r = m.Evaluate(t.top);

  const double glb = (50 * 32 + 5 * 24) * std::sqrt(2.0);
  const double expected = 1000 * 0.5 + 24 * 0.05 + 1000 * 0.2 + 10 * 0.8 + glb;
  EXPECT_NEAR(r.total_pj, expected, 1e-9);
  EXPECT_NEAR(r.by_component.at("mac"), 1000 * 0.5 + 24 * 0.05, 1e-9);
  EXPECT_NEAR(r.by_component.at("rf"), 1000 * 0.2 + 10 * 0.8, 1e-9);
  EXPECT_NEAR(r.by_component.at("glb"), glb, 1e-9);
  EXPECT_EQ(r.by_component.at("dram"), 0);  // present although nothing was counted
  EXPECT_EQ(r.by_component.size(), 4u);
  EXPECT_NEAR(r.by_datatype.at("weight"), 1000 * 0.2, 1e-9);
  EXPECT_NEAR(r.by_datatype.at("psum"), 10 * 0.8, 1e-9);
  EXPECT_NEAR(r.by_datatype.at("none"), 1000 * 0.5 + 24 * 0.05, 1e-9);

  double components = 0, datatypes = 0;
  for (const auto& [name, pj] : r.by_component) components += pj;
  for (const auto& [name, pj] : r.by_datatype) datatypes += pj;
  EXPECT_NEAR(components, r.total_pj, 1e-9 * r.total_pj);
  EXPECT_NEAR(datatypes, r.total_pj, 1e-9 * r.total_pj);

  // One entry per counter with an action, in Walk order; the stall counter has none.
  ASSERT_EQ(r.actions.size(), 8u);
  EXPECT_EQ(r.actions[0].counter, "top.array.macs");
  EXPECT_EQ(r.actions[2].counter, "top.array.weight_rf.reads");
  EXPECT_EQ(r.actions[2].component, "rf");
  EXPECT_EQ(r.actions[2].action, "read");
  EXPECT_EQ(r.actions[2].data_type, "weight");
  EXPECT_EQ(r.actions[2].count, 1000u);
  EXPECT_DOUBLE_EQ(r.actions[2].pj_per_action, 0.2);
  EXPECT_DOUBLE_EQ(r.actions[2].pj, 200);
  EXPECT_EQ(r.actions[7].counter, "top.dram.activates");
}

TEST(Energy, MissingActionIsAnInputErrorNamingTheTableKey) {
  Tree t;
  EnergyTable table = TestTable();
  table.components["glb"].erase("write");
  const EnergyModel m(table);
  try {
    m.PjPerAction(t.glb_writes);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "test.yaml: components.glb.write: missing; the model counts this action");
  }
  EXPECT_THROW(m.Validate(t.top), InputError);
  EXPECT_THROW(m.Evaluate(t.top), InputError);

  table.components.erase("dram");
  EXPECT_THROW(EnergyModel(table).PjPerAction(t.activates), InputError);
  EXPECT_NO_THROW(EnergyModel(TestTable()).Validate(t.top));
}

TEST(Energy, GroupWithoutTheWidthOrSizeTheTableScalesWithIsAModelBug) {
  StatGroup top(nullptr, "top");
  StatGroup rf(&top, "rf", {"rf", 32, 0, 1});  // no width
  Counter reads(rf, "reads", "reads", "reads", "read");
  StatGroup glb(&top, "glb", {"glb", 0, 64, 1});  // no size
  Counter writes(glb, "writes", "writes", "writes", "write");
  StatGroup anon(&top, "anon");  // no component at all
  Counter anon_reads(anon, "reads", "reads", "reads", "read");
  const EnergyModel m(TestTable());
  EXPECT_THROW(m.PjPerAction(reads), SimError);
  EXPECT_THROW(m.PjPerAction(writes), SimError);
  EXPECT_THROW(m.PjPerAction(anon_reads), SimError);
}

TEST(Energy, EvaluatingASnapshotEqualsEvaluatingTheLiveCounters) {
  Tree t;
  const EnergyModel m(TestTable());
  t.macs.Add(10);
  t.glb_reads.Add(3);
  t.dram_reads.Add(2);
  const std::vector<uint64_t> before = t.top.Snapshot();
  const EnergyReport at_before = m.Evaluate(t.top);
  t.macs.Add(90);
  t.prf_reads.Add(4);
  t.activates.Add(1);
  const std::vector<uint64_t> after = t.top.Snapshot();

  const EnergyReport live = m.Evaluate(t.top), snap = m.Evaluate(t.top, after);
  EXPECT_EQ(snap.total_pj, live.total_pj);
  EXPECT_EQ(snap.by_component, live.by_component);
  EXPECT_EQ(snap.by_datatype, live.by_datatype);
  ASSERT_EQ(snap.actions.size(), live.actions.size());
  for (size_t i = 0; i < live.actions.size(); ++i) {
    EXPECT_EQ(snap.actions[i].count, live.actions[i].count);
    EXPECT_EQ(snap.actions[i].pj, live.actions[i].pj);
  }
  // Per-layer energy: the difference of two snapshots.
  std::vector<uint64_t> delta(after.size());
  for (size_t i = 0; i < after.size(); ++i) delta[i] = after[i] - before[i];
  EXPECT_NEAR(m.Evaluate(t.top, delta).total_pj, live.total_pj - at_before.total_pj, 1e-9);
  EXPECT_DOUBLE_EQ(m.Evaluate(t.top, delta).by_component.at("mac"), 90 * 0.5);

  EXPECT_THROW(m.Evaluate(t.top, std::vector<uint64_t>(after.size() - 1)), SimError);
  EXPECT_THROW(m.Evaluate(t.top, std::vector<uint64_t>(after.size() + 1)), SimError);
}

TEST(Energy, BuiltinTablesPriceEveryActionOfATypicalTree) {
  Tree t;
  StatGroup noc(&t.top, "noc", {"noc", 0, 128, 1});
  Counter bytes(noc, "bytes", "bytes", "bytes on the input bus", "transfer", DataType::kInput);
  Counter hops(noc, "hops", "psums", "PE-to-PE psum moves", "hop", DataType::kPsum);
  StatGroup ppu(&t.top, "ppu", {"ppu", 0, 0, 16});
  Counter ops(ppu, "ops", "elements", "elements requantised", "op", DataType::kOutput);
  for (const char* name : {"45nm", "eyeriss-norm"}) {
    const EnergyModel m(LoadEnergyTable(name));
    EXPECT_NO_THROW(m.Validate(t.top)) << name;
  }
  // Eyeriss: DRAM 200x a MAC per 16-bit word; one 512-bit atom is 32 words.
  EXPECT_DOUBLE_EQ(EnergyModel(LoadEnergyTable("eyeriss-norm")).PjPerAction(t.dram_reads),
                   200 * 32);
  // 45 nm: 8 pJ/bit LPDDR4.
  EXPECT_DOUBLE_EQ(EnergyModel(LoadEnergyTable("45nm")).PjPerAction(t.dram_reads), 8 * 512);
}

}  // namespace
}  // namespace cssim
