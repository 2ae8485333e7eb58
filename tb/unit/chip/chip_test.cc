// Chip budgets: the built-in chips load with their data-sheet numbers, every chip key is checked
// (one InputError naming the file and the key), and Needs / Fit count what chip.h says on
// hand-computed cases.
#include "model/chip/chip.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/config/config.h"
#include "model/dram/dram.h"
#include "model/dram/presets.h"
#include "tb/common/temp_file.h"

namespace cssim {
namespace {

using ::testing::HasSubstr;

TEST(ChipConfig, BuiltinsLoadWithTheirDataSheetNumbers) {
  EXPECT_THAT(BuiltinNames("chip"), ::testing::IsSupersetOf({"u250-like", "zu3eg-like"}));

  const ChipSpec u = LoadChip("u250-like");
  EXPECT_EQ(u.name, "u250-like");
  EXPECT_EQ(u.source, "builtin:u250-like");
  EXPECT_THAT(u.datasheet, HasSubstr("DS962"));
  EXPECT_EQ(u.multipliers, 12288);   // DSP slices
  EXPECT_EQ(u.sram_kib, 54 * 1024);  // 54 MB
  EXPECT_EQ(u.dram.preset, "ddr4");
  EXPECT_EQ(u.dram.channels, 4);
  EXPECT_EQ(u.dram.bus_bytes, DramPreset("ddr4").bus_bytes);  // the preset is expanded

  const ChipSpec z = LoadChip("zu3eg-like");
  EXPECT_THAT(z.datasheet, HasSubstr("DS891"));
  EXPECT_EQ(z.multipliers, 360);
  EXPECT_EQ(z.sram_kib, 216 * 36 / 8);  // 216 block RAMs of 36 Kb
  EXPECT_EQ(z.dram.preset, "lpddr4");
  EXPECT_EQ(z.dram.channels, 2);  // one x32 LPDDR4 device: two x16 channels
}

TEST(ChipConfig, U250DramIsTheDataSheets77GBps) {
  // Nominal: channels x bus bytes x 2 beats per tCK; DS962 gives 77 GB/s for 4 x DDR4-2400.
  const ChipSpec u = LoadChip("u250-like");
  const double gbps = u.dram.channels * u.dram.bus_bytes * 2 / u.dram.tck_ns;
  EXPECT_NEAR(gbps, 76.8, 0.05);
  EXPECT_NEAR(gbps / 77, 1, 0.005);
  // The model reaches it at 300 MHz (one 64-byte burst, 3.332 ns, rounds up to one cycle) and
  // loses the rounding at 500 MHz (two cycles): what the yaml comment says.
  StatGroup root(nullptr, "top");
  EXPECT_NEAR(Dram(u.dram, 300, root, "d300").peak_bytes_per_cycle() * 0.3, 76.8, 1e-9);
  EXPECT_NEAR(Dram(u.dram, 500, root, "d500").peak_bytes_per_cycle() * 0.5, 64.0, 1e-9);
}

TEST(ChipConfig, WrittenChipLoadsBackEqual) {
  for (const std::string name : {"u250-like", "zu3eg-like"}) {
    const ChipSpec a = LoadChip(name);
    const std::string yaml = ToYaml(a);
    EXPECT_THAT(yaml, HasSubstr("# resolved from builtin:" + name));
    const ChipSpec b = LoadChip(WriteTemp(name + ".yaml", yaml));
    EXPECT_EQ(b.name, a.name);
    EXPECT_EQ(b.description, a.description);
    EXPECT_EQ(b.datasheet, a.datasheet);
    EXPECT_EQ(b.multipliers, a.multipliers);
    EXPECT_EQ(b.sram_kib, a.sram_kib);
    EXPECT_EQ(b.dram.preset, a.dram.preset);
    EXPECT_EQ(b.dram.channels, a.dram.channels);
    // Identical but for the "resolved from" comment line.
    const std::string again = ToYaml(b);
    EXPECT_EQ(again.substr(again.find('\n')), yaml.substr(yaml.find('\n')));
  }
}

// A valid chip file with the line for `key` replaced by `line` ("" drops the key).
std::string ChipWith(const std::string& key, const std::string& line) {
  const std::vector<std::pair<std::string, std::string>> lines = {
      {"name", "name: test"},       {"description", "description: a test budget"},
      {"source", "source: none"},   {"multipliers", "multipliers: 100"},
      {"sram_kib", "sram_kib: 64"}, {"dram", "dram: {preset: ddr4, channels: 2}"},
  };
  std::string text;
  for (const auto& [k, l] : lines) {
    const std::string& use = k == key ? line : l;
    if (!use.empty()) text += use + "\n";
  }
  return text;
}

struct BadKey {
  std::string key;   // the key path the message must name
  std::string line;  // replaces the line of the key's top-level entry
  std::string problem;
};

TEST(ChipConfig, EveryKeyIsChecked) {
  const std::vector<BadKey> cases = {
      {"name", "", "missing required key"},
      {"name", "name: ''", "is empty"},
      {"description", "", "missing required key"},
      {"description", "description: ''", "is empty"},
      {"source", "", "missing required key"},
      {"source", "source: [a, b]", "expected a single value, not a list"},
      {"multipliers", "", "missing required key"},
      {"multipliers", "multipliers: 0", "0 is out of range"},
      {"multipliers", "multipliers: 2.5", "'2.5' is not an integer"},
      {"multipliers", "multipliers: 2147483648", "2147483648 is out of range"},
      {"sram_kib", "", "missing required key"},
      {"sram_kib", "sram_kib: -1", "-1 is out of range"},
      {"sram_kib", "sram_kib: lots", "'lots' is not an integer"},
      {"dram.preset", "", "missing required key"},  // no dram map at all
      {"dram.preset", "dram: {channels: 2}", "missing required key"},
      {"dram.preset", "dram: {preset: ddr5, channels: 2}", "unknown value 'ddr5'"},
      {"dram.channels", "dram: {preset: ddr4}", "missing required key"},
      {"dram.channels", "dram: {preset: ddr4, channels: 0}", "0 is out of range"},
      {"dram.channels", "dram: {preset: ddr4, channels: 65}", "65 is out of range"},
      {"dram.tck_ns", "dram: {preset: ddr4, channels: 1, tck_ns: 1}", "unknown key"},
      {"dram", "dram: 4", "expected a map of keys"},
  };
  for (const BadKey& c : cases) {
    const std::string top = c.key.substr(0, c.key.find('.'));
    const std::string path = WriteTemp("bad_chip.yaml", ChipWith(top, c.line));
    try {
      LoadChip(path);
      ADD_FAILURE() << c.key << " '" << c.line << "' was accepted";
    } catch (const InputError& e) {
      EXPECT_THAT(e.what(), HasSubstr(path + ": " + c.key + ": " + c.problem)) << c.line;
    }
  }
  // A key the schema does not know, at the top level.
  const std::string path = WriteTemp("typo.yaml", ChipWith("", "") + "dsp_slices: 5\n");
  try {
    LoadChip(path);
    ADD_FAILURE() << "unknown key accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path + ": dsp_slices: unknown key; allowed: name, "
                                           "description, source, multipliers, sram_kib, dram"));
  }
}

TEST(ChipConfig, UnknownBuiltinNamesTheChoices) {
  try {
    LoadChip("u280-like");
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("--chip: unknown built-in 'u280-like'"));
    EXPECT_THAT(e.what(), HasSubstr("u250-like"));
  }
}

// A small arch whose every counted field differs, so a wrong term shows.
ArchSpec SmallArch() {
  ArchSpec a;
  a.glb.size_kib = 2;
  a.array.rows = 4;
  a.array.cols = 8;
  a.pe.weight_rf_entries = 10;
  a.pe.psum_rf_entries = 3;
  a.pe.input_rf_entries = 5;
  a.cs.lanes = 3;
  a.cs.engines = 2;
  a.cs.max_n = 5;  // 3-bit kernel IDs
  a.cs.weight_rf_entries = 7;
  a.cs.accumulators = 100;
  a.kwta.lanes = 2;
  return a;
}

TEST(ChipFit, DenseNeedsCountGlbAndPeRegisterFiles) {
  const InstanceNeeds n = Needs(SmallArch(), false);
  EXPECT_EQ(n.multipliers, 32);  // 4 x 8 PEs
  // GLB 2048 + weight RF 32 x 10 + psum RF 32 x 3 x 4 + input RF 4 rows x 5.
  EXPECT_EQ(n.sram_bytes, 2048 + 320 + 384 + 20);

  // The default arch: 256 PEs; 256 KiB + 256 x 64 + 256 x 16 x 4 + 16 x 16.
  const InstanceNeeds d = Needs(ArchSpec(), false);
  EXPECT_EQ(d.multipliers, 256);
  EXPECT_EQ(d.sram_bytes, 262144 + 16384 + 16384 + 256);
}

TEST(ChipFit, SparseNeedsCountGlbCsEngineAccumulatorsAndKwta) {
  const InstanceNeeds n = Needs(SmallArch(), true);
  EXPECT_EQ(n.multipliers, 6);  // 3 lanes x 2 engines
  // Weight RF: 6 multipliers x 7 entries x (8 + 3) bits = 462 bits -> 58 bytes (rounded up).
  // Adder-tree accumulators 2 x 5 x 4; SS accumulators 100 x 4; input RF 3 lanes x 5;
  // k-WTA 2 lanes x 256 bins x 4 bytes.
  EXPECT_EQ(n.sram_bytes, 2048 + 58 + 40 + 400 + 15 + 2048);

  // The default arch: 256 multipliers; weight RF 256 x 256 x (8 + 5) bits = 106496 bytes.
  const InstanceNeeds d = Needs(ArchSpec(), true);
  EXPECT_EQ(d.multipliers, 256);
  EXPECT_EQ(d.sram_bytes, 262144 + 106496 + 2048 + 32768 + 256 + 16384);

  // max_n = 1 needs no kernel ID bits: 6 x 7 bytes of values only.
  ArchSpec one = SmallArch();
  one.cs.max_n = 1;
  EXPECT_EQ(Needs(one, true).sram_bytes, 2048 + 42 + 8 + 400 + 15 + 2048);
}

ChipSpec Budget(int64_t multipliers, int64_t sram_kib) {
  ChipSpec c;
  c.multipliers = multipliers;
  c.sram_kib = sram_kib;
  return c;
}

void ExpectFit(const ChipSpec& chip, InstanceNeeds need, int instances, const std::string& limit) {
  const ChipFit f = Fit(chip, need);
  EXPECT_EQ(f.instances, instances) << need.multipliers << " x, " << need.sram_bytes << " B";
  EXPECT_EQ(f.limit, limit) << need.multipliers << " x, " << need.sram_bytes << " B";
}

TEST(ChipFit, TakesTheFloorOfEachRatioAndNamesTheSmaller) {
  const ChipSpec chip = Budget(1000, 100);               // 1000 multipliers, 102400 bytes
  ExpectFit(chip, {300, 1024}, 3, "multipliers");        // 3.33 vs 100
  ExpectFit(chip, {10, 30 * 1024}, 3, "sram");           // 100 vs 3.33
  ExpectFit(chip, {100, 10 * 1024}, 10, "multipliers");  // a tie names multipliers
  ExpectFit(chip, {1000, 102400}, 1, "multipliers");     // exactly one
  ExpectFit(chip, {1001, 1024}, 0, "multipliers");       // one resource too small
  ExpectFit(chip, {1, 102401}, 0, "sram");
  ExpectFit(chip, {0, 1024}, 100, "sram");  // a need of zero never limits
  EXPECT_THROW(Fit(chip, {0, 0}), SimError);
  EXPECT_THROW(Fit(chip, {-1, 10}), SimError);
}

TEST(ChipFit, BuiltinChipsHoldTheDefaultArch) {
  // Dense default: 256 multipliers, 295168 bytes. U250: 12288 / 256 = 48 by multipliers,
  // 56623104 / 295168 = 191.8 by SRAM. ZU3EG: 360 / 256 = 1, 995328 / 295168 = 3.4.
  const InstanceNeeds dense = Needs(ArchSpec(), false);
  ExpectFit(LoadChip("u250-like"), dense, 48, "multipliers");
  ExpectFit(LoadChip("zu3eg-like"), dense, 1, "multipliers");
  // Sparse default: 256 multipliers, 420096 bytes: ZU3EG 995328 / 420096 = 2.4, still 1.
  ExpectFit(LoadChip("zu3eg-like"), Needs(ArchSpec(), true), 1, "multipliers");
}

}  // namespace
}  // namespace cssim
