// Config loading: built-ins load, written configs load back equal, and every kind of bad input
// is one InputError line that names the file and the key path.
#include "model/config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "model/base/error.h"
#include "model/config/params.h"
#include "tb/common/input_error.h"
#include "tb/common/temp_file.h"

namespace cssim {
namespace {

using ::testing::HasSubstr;

template <typename F>
std::string ErrorOf(F load) {
  return InputErrorOf(load);
}

std::string ArchError(const std::string& yaml) {
  const std::string path = WriteTemp("bad_arch.yaml", yaml);
  return ErrorOf([&] { LoadArch(path); });
}

void ExpectArchEqual(const ArchSpec& a, const ArchSpec& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.clock_mhz, b.clock_mhz);
  EXPECT_EQ(a.array.rows, b.array.rows);
  EXPECT_EQ(a.array.cols, b.array.cols);
  EXPECT_EQ(a.array.dataflow, b.array.dataflow);
  EXPECT_EQ(a.array.topology, b.array.topology);
  EXPECT_EQ(a.pe.weight_rf_entries, b.pe.weight_rf_entries);
  EXPECT_EQ(a.pe.input_rf_entries, b.pe.input_rf_entries);
  EXPECT_EQ(a.pe.psum_rf_entries, b.pe.psum_rf_entries);
  EXPECT_EQ(a.glb.size_kib, b.glb.size_kib);
  EXPECT_EQ(a.glb.banks, b.glb.banks);
  EXPECT_EQ(a.glb.bank_width_bytes, b.glb.bank_width_bytes);
  EXPECT_EQ(a.noc.input_bus_bytes, b.noc.input_bus_bytes);
  EXPECT_EQ(a.noc.weight_bus_bytes, b.noc.weight_bus_bytes);
  EXPECT_EQ(a.noc.output_bus_bytes, b.noc.output_bus_bytes);
  EXPECT_EQ(a.noc.latency_cycles, b.noc.latency_cycles);
  EXPECT_EQ(a.dma.max_outstanding, b.dma.max_outstanding);
  EXPECT_EQ(a.ppu.lanes, b.ppu.lanes);
  EXPECT_EQ(a.dram.preset, b.dram.preset);
  EXPECT_EQ(a.dram.channels, b.dram.channels);
  EXPECT_EQ(a.dram.banks_per_channel, b.dram.banks_per_channel);
  EXPECT_EQ(a.dram.row_bytes, b.dram.row_bytes);
  EXPECT_EQ(a.dram.bus_bytes, b.dram.bus_bytes);
  EXPECT_EQ(a.dram.burst_length, b.dram.burst_length);
  EXPECT_EQ(a.dram.tck_ns, b.dram.tck_ns);
  EXPECT_EQ(a.dram.t_rcd, b.dram.t_rcd);
  EXPECT_EQ(a.dram.t_cl, b.dram.t_cl);
  EXPECT_EQ(a.dram.t_rp, b.dram.t_rp);
  EXPECT_EQ(a.dram.t_ras, b.dram.t_ras);
  EXPECT_EQ(a.dram.t_wr, b.dram.t_wr);
  EXPECT_EQ(a.dram.queue_depth, b.dram.queue_depth);
}

TEST(Config, BuiltinArchsLoadWithTheirDocumentedValues) {
  const std::vector<std::string> names = BuiltinNames("arch");
  ASSERT_THAT(names, ::testing::IsSupersetOf({"default", "eyeriss-like", "tpu-like"}));
  for (const std::string& n : names) EXPECT_NO_THROW(LoadArch(n)) << n;

  const ArchSpec d = LoadArch("default");
  EXPECT_EQ(d.source, "builtin:default");
  EXPECT_EQ(d.array.rows, 16);
  EXPECT_EQ(d.glb.size_kib, 256);
  EXPECT_EQ(d.dram.preset, "lpddr4");
  EXPECT_EQ(d.dram.channels, 2);  // overrides the preset

  const ArchSpec e = LoadArch("eyeriss-like");
  EXPECT_EQ(e.array.rows, 12);
  EXPECT_EQ(e.array.cols, 14);
  EXPECT_EQ(e.glb.size_kib, 108);
  EXPECT_EQ(e.pe.weight_rf_entries, 224);
  EXPECT_EQ(e.pe.input_rf_entries, 12);
  EXPECT_EQ(e.pe.psum_rf_entries, 24);
  EXPECT_EQ(e.clock_mhz, 200);

  // TPU v1 (Jouppi et al., ISCA 2017): 256 x 256 MACs at 700 MHz, 24 MiB unified buffer.
  const ArchSpec t = LoadArch("tpu-like");
  EXPECT_EQ(t.array.rows, 256);
  EXPECT_EQ(t.array.cols, 256);
  EXPECT_EQ(t.array.topology, Topology::kSystolic);
  EXPECT_EQ(t.array.dataflow, Dataflow::kWeightStationary);
  EXPECT_EQ(t.pe.weight_buffers, 2);
  EXPECT_EQ(t.clock_mhz, 700);
  EXPECT_EQ(t.glb.size_kib, 24 * 1024);
}

TEST(Config, BuiltinEnergyTablesDefineEveryCountedActionWithASource) {
  // The (component, action) pairs the model's units count (brief C, section 3).
  const std::vector<std::pair<std::string, std::string>> counted = {
      {"mac", "mac"},      {"mac", "idle"},  {"rf", "read"},    {"rf", "write"},
      {"noc", "transfer"}, {"noc", "hop"},   {"noc", "pe_hop"}, {"glb", "read"},
      {"glb", "write"},    {"dram", "read"}, {"dram", "write"}, {"dram", "activate"},
      {"ppu", "op"}};
  const std::vector<std::string> names = BuiltinNames("energy");
  ASSERT_THAT(names, ::testing::IsSupersetOf({"45nm", "eyeriss-norm"}));
  for (const std::string& n : names) {
    const EnergyTable t = LoadEnergyTable(n);
    EXPECT_EQ(t.source, "builtin:" + n);
    for (const auto& [component, action] : counted) {
      ASSERT_TRUE(t.components.count(component) && t.components.at(component).count(action))
          << n << " lacks " << component << "." << action;
      EXPECT_FALSE(t.components.at(component).at(action).source.empty());
    }
  }
  EXPECT_EQ(LoadEnergyTable("45nm").unit, "pJ");
  EXPECT_EQ(LoadEnergyTable("45nm").components.at("glb").at("read").size_exponent, 0.5);
  const EnergyTable norm = LoadEnergyTable("eyeriss-norm");
  EXPECT_EQ(norm.unit, "MAC-normalised");
  EXPECT_EQ(norm.components.at("dram").at("read").energy, 200);
  EXPECT_EQ(norm.components.at("dram").at("read").per_bits, 16);
}

TEST(Config, ArchToYamlLoadsBackEqual) {
  // A spec away from every default: another preset with a field overridden, os, odd clock.
  const std::string path = WriteTemp("custom_arch.yaml", R"(
name: custom
clock_mhz: 333.3
array: {rows: 8, cols: 32, dataflow: os}
glb: {size_kib: 96, banks: 3, bank_width_bytes: 16}
dram: {preset: ddr4, tck_ns: 0.7, queue_depth: 5}
)");
  std::vector<ArchSpec> specs = {LoadArch("default"), LoadArch("eyeriss-like"), LoadArch(path)};
  EXPECT_EQ(specs[2].dram.preset, "ddr4");
  EXPECT_EQ(specs[2].dram.tck_ns, 0.7);
  EXPECT_EQ(specs[2].dram.queue_depth, 5);
  EXPECT_EQ(specs[2].array.dataflow, Dataflow::kOutputStationary);
  for (const ArchSpec& a : specs) {
    const std::string yaml = ToYaml(a);
    const ArchSpec back = LoadArch(WriteTemp("round_trip_arch.yaml", yaml));
    ExpectArchEqual(a, back);
    EXPECT_THAT(yaml, HasSubstr("resolved from " + a.source));
    EXPECT_THAT(yaml, HasSubstr("t_ras:"));  // the preset is expanded
  }
}

constexpr const char* kSmallNet = R"(
name: small
seed: 7
input: {channels: 1, height: 12, width: 12}
layers:
  - {name: conv1, type: conv, out_channels: 8, kernel: 5}
  - {name: rq1, type: requant, shift: 4}
  - {name: relu1, type: relu}
  - {name: pool1, type: maxpool, size: 2}
  - {name: conv2, type: conv, out_channels: 6, kernel_h: 3, kernel_w: 2, stride: 2, pad: 1}
  - {name: rq2, type: requant, shift: 0}
  - {name: pool2, type: maxpool, size: 2, stride: 1}
  - {name: fc, type: linear, out_features: 10}
)";

TEST(Config, WorkloadShapesAndTypesAreInferred) {
  const Workload w = LoadWorkload(WriteTemp("small.yaml", kSmallNet));
  ASSERT_EQ(w.layers.size(), 8u);
  EXPECT_EQ(w.seed, 7u);
  const auto& L = w.layers;
  // conv 5x5 on 12x12, pad 0: 8 x 8.
  EXPECT_EQ(L[0].in, (Shape{1, 12, 12}));
  EXPECT_EQ(L[0].out, (Shape{8, 8, 8}));
  EXPECT_EQ(L[0].out_type, ElemType::kInt32);
  EXPECT_EQ(L[1].in_type, ElemType::kInt32);
  EXPECT_EQ(L[1].out_type, ElemType::kInt8);
  EXPECT_EQ(L[1].shift, 4);
  EXPECT_EQ(L[2].out, (Shape{8, 8, 8}));
  // maxpool stride defaults to its size.
  EXPECT_EQ(L[3].pool_stride, 2);
  EXPECT_EQ(L[3].out, (Shape{8, 4, 4}));
  EXPECT_EQ(L[3].out_type, ElemType::kInt8);
  // 3x2 kernel, stride 2, pad 1 on 4x4: h (4+2-3)/2+1 = 2, w (4+2-2)/2+1 = 3.
  EXPECT_EQ(L[4].kernel_h, 3);
  EXPECT_EQ(L[4].kernel_w, 2);
  EXPECT_EQ(L[4].out, (Shape{6, 2, 3}));
  // maxpool with stride 1 on 2x3: 1 x 2.
  EXPECT_EQ(L[6].out, (Shape{6, 1, 2}));
  // linear: the kernel is the whole input map.
  EXPECT_EQ(L[7].in, (Shape{6, 1, 2}));
  EXPECT_EQ(L[7].kernel_h, 1);
  EXPECT_EQ(L[7].kernel_w, 2);
  EXPECT_EQ(L[7].out, (Shape{10, 1, 1}));
  EXPECT_EQ(L[7].out_type, ElemType::kInt32);
}

TEST(Config, WorkloadToYamlLoadsBackEqual) {
  const Workload w = LoadWorkload(WriteTemp("small.yaml", kSmallNet));
  const std::string yaml = ToYaml(w);
  const Workload back = LoadWorkload(WriteTemp("round_trip_net.yaml", yaml));
  EXPECT_EQ(back.name, w.name);
  EXPECT_EQ(back.seed, w.seed);
  EXPECT_EQ(back.input, w.input);
  ASSERT_EQ(back.layers.size(), w.layers.size());
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const Layer &a = w.layers[i], &b = back.layers[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.out_channels, b.out_channels);
    EXPECT_EQ(a.kernel_h, b.kernel_h);
    EXPECT_EQ(a.kernel_w, b.kernel_w);
    EXPECT_EQ(a.stride, b.stride);
    EXPECT_EQ(a.pad, b.pad);
    EXPECT_EQ(a.pool_size, b.pool_size);
    EXPECT_EQ(a.pool_stride, b.pool_stride);
    EXPECT_EQ(a.shift, b.shift);
    EXPECT_EQ(a.in, b.in);
    EXPECT_EQ(a.out, b.out);
  }
  EXPECT_EQ(ToYaml(back).substr(ToYaml(back).find('\n')), yaml.substr(yaml.find('\n')));
}

TEST(Config, EnergyTableToYamlLoadsBackEqual) {
  for (const std::string& n : BuiltinNames("energy")) {
    const EnergyTable t = LoadEnergyTable(n);
    const EnergyTable back = LoadEnergyTable(WriteTemp("round_trip_energy.yaml", ToYaml(t)));
    EXPECT_EQ(back.name, t.name);
    EXPECT_EQ(back.unit, t.unit);
    EXPECT_EQ(back.description, t.description);
    ASSERT_EQ(back.components.size(), t.components.size());
    for (const auto& [component, actions] : t.components) {
      ASSERT_EQ(back.components.at(component).size(), actions.size());
      for (const auto& [action, e] : actions) {
        const EnergyEntry& b = back.components.at(component).at(action);
        EXPECT_EQ(b.energy, e.energy);
        EXPECT_EQ(b.per_bits, e.per_bits);
        EXPECT_EQ(b.ref_size_bytes, e.ref_size_bytes);
        EXPECT_EQ(b.size_exponent, e.size_exponent);
        EXPECT_EQ(b.source, e.source);
      }
    }
  }
}

TEST(Config, TopologyDefaultsToMulticastAndLoadsSystolicInEveryDataflow) {
  EXPECT_EQ(LoadArch(WriteTemp("plain.yaml", "name: x\n")).array.topology, Topology::kMulticast);
  for (const char* flow : {"ws", "os", "is"}) {
    SCOPED_TRACE(flow);
    const ArchSpec a = LoadArch(WriteTemp(
        "sys.yaml", std::string("name: x\narray: {topology: systolic, dataflow: ") + flow + "}\n"));
    EXPECT_EQ(a.array.topology, Topology::kSystolic);
    EXPECT_STREQ(DataflowName(a.array.dataflow), flow);
    // The resolved file writes the key back and loads to an equal spec.
    const std::string yaml = ToYaml(a);
    EXPECT_THAT(yaml, HasSubstr("topology: systolic"));
    ExpectArchEqual(LoadArch(WriteTemp("sys_back.yaml", yaml)), a);
  }
}

TEST(Config, InputStationaryNeedsTheSystolicTopology) {
  const std::string file = WriteTemp("bad_arch.yaml", "");
  EXPECT_EQ(ArchError("name: x\narray: {dataflow: is}\n"),
            file +
                ": array.dataflow: 'is' needs array.topology: systolic; allowed: ws | os | rs "
                "with array.topology: multicast");
  EXPECT_EQ(ArchError("name: x\narray: {dataflow: is, topology: multicast}\n"),
            file +
                ": array.dataflow: 'is' needs array.topology: systolic; allowed: ws | os | rs "
                "with array.topology: multicast");
  EXPECT_EQ(ArchError("name: x\narray: {topology: ring}\n"),
            file + ": array.topology: unknown value 'ring'; allowed: multicast | systolic");
}

TEST(Config, ArchErrorsNameFileKeyAndAllowedValues) {
  const std::string file = WriteTemp("bad_arch.yaml", "");
  EXPECT_EQ(ArchError("name: x\narray: {rows: 4, colz: 4}\n"),
            file + ": array.colz: unknown key; allowed: rows, cols, dataflow, topology");
  EXPECT_EQ(ArchError("name: x\nglb: {banks: many}\n"),
            file + ": glb.banks: 'many' is not an integer; allowed: integer 1..1024");
  EXPECT_EQ(ArchError("name: x\nglb: {banks: 0}\n"),
            file + ": glb.banks: 0 is out of range; allowed: integer 1..1024");
  EXPECT_EQ(ArchError("name: x\nclock_mhz: fast\n"),
            file + ": clock_mhz: 'fast' is not a number; allowed: number 1..10000");
  EXPECT_EQ(ArchError("name: x\nglb: {bank_width_bytes: 12}\n"),
            file + ": glb.bank_width_bytes: 12 is not a power of two; allowed: power of two 1..64");
  EXPECT_EQ(ArchError("name: x\narray: {dataflow: xs}\n"),
            file + ": array.dataflow: unknown value 'xs'; allowed: ws | os | rs | is");
  EXPECT_EQ(ArchError("name: x\narray: {rows: [1, 2]}\n"),
            file + ": array.rows: expected a single value, not a list; allowed: integer 1..256");
  EXPECT_EQ(ArchError("name: x\narray: 4\n"), file + ": array: expected a map of keys");
  EXPECT_EQ(ArchError("clock_mhz: 100\n"),
            file + ": name: missing required key; allowed: non-empty text");
  EXPECT_EQ(ArchError("name: x\nname: y\n"), file + ": name: duplicate key");
  EXPECT_THAT(ArchError("name: x\nnmae: y\n"),
              HasSubstr(file + ": nmae: unknown key; allowed: name, clock_mhz, array, pe, glb, "
                               "noc, dma, ppu, cs, kwta, dram"));
  EXPECT_THAT(ArchError("name: x\ndram: {preset: sdram}\n"),
              HasSubstr(file + ": dram.preset: unknown value 'sdram'; allowed: "));
  EXPECT_THAT(ArchError("name: x\ndram: {t_rcd: 0}\n"),
              HasSubstr(file + ": dram.t_rcd: 0 is out of range"));
  EXPECT_EQ(ArchError("name: x\nglb: {size_kib: 100, banks: 3, bank_width_bytes: 8}\n"),
            file +
                ": glb.size_kib: 100 KiB does not divide into 3 banks of 8-byte rows; allowed: "
                "a multiple of banks x bank_width_bytes bytes");
}

TEST(Config, MalformedYamlNamesLineAndColumn) {
  EXPECT_EQ(ArchError("name: x\n  bad: 1\n"),
            WriteTemp("bad_arch.yaml", "") + ": line 2, column 6: illegal map value");
}

TEST(Config, MissingFileAndUnknownBuiltinAreReported) {
  EXPECT_EQ(ErrorOf([] { LoadArch("/nonexistent/x.yaml"); }),
            "/nonexistent/x.yaml: cannot open file");
  EXPECT_EQ(ErrorOf([] { LoadEnergyTable("missing.yaml"); }), "missing.yaml: cannot open file");
  const std::string arch = ErrorOf([] { LoadArch("nope"); });
  EXPECT_THAT(arch, HasSubstr("--arch: unknown built-in 'nope'; allowed: "));
  EXPECT_THAT(arch, HasSubstr("default, eyeriss-like"));
  EXPECT_THAT(arch, HasSubstr(" or a YAML file path"));
  EXPECT_THAT(ErrorOf([] { LoadWorkload("nope"); }),
              HasSubstr("--workload: unknown built-in 'nope'"));
  EXPECT_THAT(ErrorOf([] { LoadEnergyTable("nope"); }),
              HasSubstr("--energy: unknown built-in 'nope'; allowed: 45nm, eyeriss-norm"));
}

TEST(Config, EnergyTableErrorsNameTheEntry) {
  const auto error = [](const std::string& entry) {
    const std::string path = WriteTemp("bad_energy.yaml",
                                       "name: t\nunit: pJ\ndescription: d\ncomponents:\n  glb:\n"
                                       "    read: " +
                                           entry + "\n");
    return ErrorOf([&] { LoadEnergyTable(path); });
  };
  const std::string file = WriteTemp("bad_energy.yaml", "");
  EXPECT_EQ(error("{energy: 1, source: s, joules: 2}"),
            file +
                ": components.glb.read.joules: unknown key; allowed: energy, per_bits, "
                "ref_size_bytes, size_exponent, source");
  EXPECT_EQ(error("{energy: -1, source: s}"),
            file + ": components.glb.read.energy: -1 is out of range; allowed: number >= 0");
  EXPECT_EQ(error("{energy: 1}"),
            file + ": components.glb.read.source: missing required key; allowed: non-empty text");
  EXPECT_EQ(error("{energy: 1, source: ''}"),
            file + ": components.glb.read.source: is empty; allowed: non-empty text");
  EXPECT_THAT(error("{energy: 1, size_exponent: 0.5, source: s}"),
              HasSubstr(file + ": components.glb.read.ref_size_bytes: must be > 0"));
  // Unknown components are allowed: tables may carry entries for future units.
  const std::string extra = WriteTemp("extra_energy.yaml",
                                      "name: t\nunit: pJ\ndescription: d\ncomponents:\n"
                                      "  sram_macro: {read: {energy: 2, source: s}}\n");
  EXPECT_EQ(LoadEnergyTable(extra).components.at("sram_macro").at("read").energy, 2);
}

std::string WorkloadError(const std::string& layers,
                          const std::string& input = "{channels: 1, height: 5, width: 5}") {
  const std::string path =
      WriteTemp("bad_net.yaml", "name: n\ninput: " + input + "\nlayers:\n" + layers);
  return ErrorOf([&] { LoadWorkload(path); });
}

TEST(Config, BadWorkloadsAreRejectedWithTheKeyPath) {
  const std::string file = WriteTemp("bad_net.yaml", "");
  const auto error = [](const std::string& layers) { return WorkloadError(layers); };
  EXPECT_EQ(error("  - {name: c, type: conv, out_channels: 2, kernel: 7}\n"),
            file + ": layers[0].kernel: 7 does not fit the 5x5 input (pad 0)");
  EXPECT_EQ(error("  - {name: c, type: conv, out_channels: 2, kernel_h: 1, kernel_w: 6}\n"),
            file + ": layers[0].kernel_w: 6 does not fit the 5x5 input (pad 0)");
  EXPECT_EQ(error("  - {name: a, type: conv, out_channels: 2, kernel: 3}\n"
                  "  - {name: b, type: conv, out_channels: 2, kernel: 1}\n"),
            file + ": layers[1]: conv needs int8 input; insert a requant layer");
  EXPECT_EQ(error("  - {name: a, type: linear, out_features: 2}\n"
                  "  - {name: b, type: linear, out_features: 2}\n"),
            file + ": layers[1]: linear needs int8 input; insert a requant layer");
  EXPECT_THAT(error("  - {name: a, type: requant, shift: 1}\n"),
              HasSubstr(file + ": layers[0]: requant needs int32 input"));
  EXPECT_EQ(error("  - {name: a, type: relu}\n  - {name: b, type: relu}\n"
                  "  - {name: a, type: relu}\n"),
            file + ": layers[2].name: duplicate layer name 'a' (also layers[0])");
  EXPECT_EQ(
      error("  - {name: a, type: conv, out_channels: 2, kernel: 3, shift: 2}\n"),
      file +
          ": layers[0].shift: not a key of type 'conv'; allowed: name, type, "
          "from, input, out_channels, kernel, kernel_h, kernel_w, stride, pad, weight_density");
  EXPECT_EQ(error("  - {name: a, type: conv, out_channels: 2}\n"),
            file +
                ": layers[0].kernel: missing required key; allowed: kernel, or kernel_h and "
                "kernel_w");
  EXPECT_EQ(error("  - {name: a, type: conv, out_channels: 2, kernel: 3, pad: 3}\n"),
            file + ": layers[0].pad: 3 is not less than the kernel (3x3); allowed: 0..kernel-1");
  EXPECT_EQ(error("  - {name: a, type: maxpool, size: 6}\n"),
            file + ": layers[0].size: 6 does not fit the 5x5 input");
  EXPECT_EQ(error("  - {name: a, type: softmax}\n"),
            file +
                ": layers[0].type: unknown value 'softmax'; allowed: conv | linear | maxpool | "
                "avgpool | relu | requant | kwta | add");
  EXPECT_EQ(error("  - {name: a, type: requant}\n"),
            file + ": layers[0]: requant needs int32 input (the output of a conv or linear layer)");
  EXPECT_EQ(error("  []\n"), file + ": layers: is empty; allowed: at least one layer");
  EXPECT_EQ(WorkloadError("  - {name: a, type: relu}\n", "[1, 5, 5]"),
            file + ": input: expected a map of keys");
  EXPECT_EQ(error("  - {name: a, type: linear, out_features: 100000000}\n"),
            file + ": layers[0]: has 2^31 or more weights");
  EXPECT_EQ(error("  - {name: a, type: conv, out_channels: 100000000, kernel: 1}\n"),
            file + ": layers[0]: output 100000000x5x5 has 2^31 or more elements");
  // Padding so large that the output height alone exceeds an int must not overflow.
  EXPECT_EQ(WorkloadError("  - {name: a, type: conv, out_channels: 1, kernel: 2000000000, "
                          "pad: 1999999999}\n",
                          "{channels: 1, height: 1, width: 1}"),
            file + ": layers[0]: output 1x2000000000x2000000000 has 2^31 or more elements");
}

TEST(Config, ParamSchemaHasOneEntryPerKeyWithUnitAndDescription) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const ParamDef& d : AllParams()) {
    EXPECT_TRUE(seen.insert({d.file_kind, d.key}).second) << d.file_kind << " " << d.key;
    EXPECT_FALSE(d.unit.empty()) << d.key;
    EXPECT_FALSE(d.description.empty()) << d.key;
    EXPECT_FALSE(d.allowed.empty()) << d.key;
    EXPECT_THAT(std::vector<std::string>({"arch", "workload", "energy", "chip"}),
                ::testing::Contains(d.file_kind));
  }
  std::ostringstream table;
  PrintParams(table);
  for (const ParamDef& d : AllParams()) EXPECT_THAT(table.str(), HasSubstr(d.key));
}

TEST(Config, OmittedArchKeysTakeTheArchSpecDefaults) {
  const ArchSpec a = LoadArch(WriteTemp("minimal_arch.yaml", "name: minimal\n"));
  ArchSpec expected;
  expected.name = "minimal";
  expected.dram = a.dram;  // the preset's values, checked by the DRAM preset tests
  ExpectArchEqual(a, expected);
  EXPECT_EQ(a.dram.preset, ArchSpec().dram.preset);
}

TEST(Config, DataDirFollowsTheEnvironment) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "cssim_config_test" / "data_dir";
  std::filesystem::create_directories(dir / "arch");
  std::ofstream((dir / "arch" / "tiny.yaml").string()) << "name: tiny\narray: {rows: 2}\n";
  std::ofstream((dir / "arch" / "notes.txt").string()) << "not a config\n";
  setenv("CSSIM_DATA_DIR", dir.c_str(), 1);
  EXPECT_EQ(DataDir(), dir.string());
  EXPECT_EQ(BuiltinNames("arch"), std::vector<std::string>{"tiny"});
  EXPECT_EQ(LoadArch("tiny").array.rows, 2);
  unsetenv("CSSIM_DATA_DIR");
  EXPECT_EQ(DataDir(), std::string(CSSIM_SOURCE_DIR) + "/workloads");
}

}  // namespace
}  // namespace cssim
