// The arch file's keys. Every key is bound to its ArchSpec member; defaults are ArchSpec's
// member initialisers. Hand-written parts: dram.preset's binding fills all of ArchSpec::dram
// (so the other dram keys default to the preset's values and only override it), and the
// Check() rules below (weight RF entries per buffer, GLB rows per bank).
// To add a key: a member in model/base/arch_spec.h and one row here; a row "foo.bar" of a new
// section needs a FooSpec member of ArchSpec, and the reader and writer open the section.
#include "model/base/error.h"
#include "model/config/keys.h"
#include "model/dram/presets.h"

namespace cssim {
namespace {

Dataflow ParseDataflow(const std::string& s) {
  if (s == "rs") return Dataflow::kRowStationary;
  if (s == "os") return Dataflow::kOutputStationary;
  if (s == "is") return Dataflow::kInputStationary;
  return Dataflow::kWeightStationary;
}

Topology ParseTopology(const std::string& s) {
  return s == "systolic" ? Topology::kSystolic : Topology::kMulticast;
}

// The multicast array has no input-stationary pass (model/pe/pe_array.h); row-stationary runs
// on Eyeriss's multicast buses (model/pe/rs_array.h), not on the systolic array.
void DataflowFitsTopology(const ParamReader& r, const ArchSpec& a) {
  if (a.array.dataflow == Dataflow::kInputStationary && a.array.topology != Topology::kSystolic)
    r.Fail("dataflow", "'is' needs array.topology: systolic",
           "ws | os | rs with array.topology: multicast");
  if (a.array.dataflow == Dataflow::kRowStationary && a.array.topology != Topology::kMulticast)
    r.Fail("dataflow", "'rs' needs array.topology: multicast",
           "ws | os | is with array.topology: systolic");
}

// A double-bufferable weight register file (pe or cs): every buffer needs an entry.
template <typename Rf>
std::function<void(const ParamReader&, const ArchSpec&)> EntriesFormBuffers(Rf ArchSpec::*rf,
                                                                            std::string section) {
  return [rf, section](const ParamReader& r, const ArchSpec& a) {
    const int entries = (a.*rf).weight_rf_entries, buffers = (a.*rf).weight_buffers;
    if (entries < buffers)
      r.Fail(
          "weight_rf_entries",
          std::to_string(entries) + " entries cannot form " + std::to_string(buffers) + " buffers",
          ">= " + section + ".weight_buffers");
  };
}

// Every bank has the same number of rows, so the capacity must split evenly.
void GlbDividesIntoBanks(const ParamReader& r, const ArchSpec& a) {
  const int64_t row_bytes = int64_t(a.glb.banks) * a.glb.bank_width_bytes;
  if (int64_t(a.glb.size_kib) * 1024 % row_bytes != 0)
    r.Fail("size_kib",
           std::to_string(a.glb.size_kib) + " KiB does not divide into " +
               std::to_string(a.glb.banks) + " banks of " + std::to_string(a.glb.bank_width_bytes) +
               "-byte rows",
           "a multiple of banks x bank_width_bytes bytes");
}

// The preset fills every DramSpec field; dram keys given next to it override single fields.
Field<ArchSpec, std::string> DramPresetField() {
  return {[](const ArchSpec& a) { return a.dram.preset; },
          [](ArchSpec& a, std::string name) {
            a.dram = DramPreset(name);
            a.dram.preset = std::move(name);
          }};
}

KeyTable<ArchSpec> Build() {
  using A = ArchSpec;
  const std::string preset = "from dram.preset";
  KeyTable<A> t("arch");
  t.Text("name", Bind(&A::name), "architecture name, used in reports")
      .Float("clock_mhz", "MHz", 1, 10000, Bind(&A::clock_mhz), "accelerator clock frequency")
      .Int("array.rows", "PEs", 1, 256, Bind(&A::array, &ArraySpec::rows), "PE rows of the array")
      .Int("array.cols", "PEs", 1, 256, Bind(&A::array, &ArraySpec::cols),
           "PE columns of the array")
      .Enum<Dataflow>("array.dataflow", {"ws", "os", "rs", "is"},
                      Bind(&A::array, &ArraySpec::dataflow), DataflowName, ParseDataflow,
                      "ws: weights stay in the PEs, inputs stream, partial sums move; os: "
                      "partial sums stay, weights and inputs stream; rs (multicast only): "
                      "row-stationary as in Eyeriss (filter rows stay, input rows slide, psums "
                      "accumulate up the columns); is (systolic only): inputs stay, weights "
                      "stream, partial sums move")
      .Enum<Topology>("array.topology", {"multicast", "systolic"},
                      Bind(&A::array, &ArraySpec::topology), TopologyName, ParseTopology,
                      "multicast: inputs broadcast along a row, weights down a column, a column "
                      "summed in one step; systolic: operands and partial sums move one PE per "
                      "cycle between neighbours, with skew and de-skew delay lines at the edges "
                      "(fill and drain latency of rows + cols cycles per pass)")
      .Check(DataflowFitsTopology)
      .Int("pe.weight_rf_entries", "entries", 1, 4096, Bind(&A::pe, &PeSpec::weight_rf_entries),
           "int8 weights held per PE")
      .Int("pe.weight_buffers", "banks", 1, 2, Bind(&A::pe, &PeSpec::weight_buffers),
           "weight RF banks: 2 loads the next weight-stationary pass's weights while the current "
           "pass computes (a pass then uses at most weight_rf_entries / 2)")
      .Check(EntriesFormBuffers(&A::pe, "pe"))
      .Int("pe.input_rf_entries", "entries", 1, 4096, Bind(&A::pe, &PeSpec::input_rf_entries),
           "int8 inputs buffered per PE row port")
      .Int("pe.psum_rf_entries", "entries", 1, 4096, Bind(&A::pe, &PeSpec::psum_rf_entries),
           "int32 partial sums held per PE")
      .Int("glb.size_kib", "KiB", 1, 65536, Bind(&A::glb, &GlbSpec::size_kib),
           "global buffer capacity; a whole number of rows across all banks")
      .Int("glb.banks", "banks", 1, 1024, Bind(&A::glb, &GlbSpec::banks),
           "global buffer banks; each takes one access per cycle")
      .Pow2("glb.bank_width_bytes", "bytes", 1, 64, Bind(&A::glb, &GlbSpec::bank_width_bytes),
            "bytes moved by one bank access")
      .Check(GlbDividesIntoBanks)
      .Int("noc.input_bus_bytes", "bytes/cycle", 1, 256, Bind(&A::noc, &NocSpec::input_bus_bytes),
           "GLB -> array input bus width")
      .Int("noc.weight_bus_bytes", "bytes/cycle", 1, 256, Bind(&A::noc, &NocSpec::weight_bus_bytes),
           "GLB -> array weight bus width")
      .Int("noc.output_bus_bytes", "bytes/cycle", 1, 256, Bind(&A::noc, &NocSpec::output_bus_bytes),
           "array -> GLB psum/output bus width")
      .Int("noc.latency_cycles", "cycles", 0, 64, Bind(&A::noc, &NocSpec::latency_cycles),
           "pipeline stages from a GLB port to a PE")
      .Int("dma.max_outstanding", "requests", 1, 1024, Bind(&A::dma, &DmaSpec::max_outstanding),
           "DRAM requests in flight")
      .Int("ppu.lanes", "elements/cycle", 1, 1024, Bind(&A::ppu, &PpuSpec::lanes),
           "elements per cycle through requantise / ReLU / max-pool")
      .Int("cs.lanes", "multipliers", 1, 256, Bind(&A::cs, &CsSpec::lanes),
           "CS engine: multipliers per group engine (fan-in positions per cycle); the "
           "activation bus carries one value per lane")
      .Int("cs.engines", "engines", 1, 256, Bind(&A::cs, &CsSpec::engines),
           "CS engine: group engines sharing one activation broadcast, one combined kernel each")
      .Int("cs.max_n", "kernels", 1, 256, Bind(&A::cs, &CsSpec::max_n),
           "CS engine: adder trees / accumulators per engine, the largest packing factor N")
      .Int("cs.weight_rf_entries", "entries", 1, 65536, Bind(&A::cs, &CsSpec::weight_rf_entries),
           "CS engine: combined-kernel entries (value + kernel ID) per lane, all buffers")
      .Int("cs.weight_buffers", "banks", 1, 2, Bind(&A::cs, &CsSpec::weight_buffers),
           "CS engine: weight RF banks; 2 loads the next pass's kernels while one computes")
      .Check(EntriesFormBuffers(&A::cs, "cs"))
      .Int("cs.route_latency_cycles", "cycles", 1, 64, Bind(&A::cs, &CsSpec::route_latency_cycles),
           "CS engine: pipeline stages of the route (permutation) network")
      .Int("cs.adder_latency_cycles", "cycles", 1, 64, Bind(&A::cs, &CsSpec::adder_latency_cycles),
           "CS engine: pipeline stages of the adder trees")
      .Int("cs.accumulators", "int32 entries", 1, 1 << 24, Bind(&A::cs, &CsSpec::accumulators),
           "sparse-sparse accumulator SRAM; an output tile (pixels x channels) must fit")
      .Int("cs.ss_glb_words", "words/cycle", 1, 1024, Bind(&A::cs, &CsSpec::ss_glb_words),
           "sparse-sparse unit: GLB words per cycle for packed weight rows and kernel IDs")
      .Int("kwta.lanes", "values/cycle", 1, 1024, Bind(&A::kwta, &KwtaSpec::lanes),
           "k-WTA unit: int8 values per cycle through the histogram and the compare pass")
      .Int("kwta.scan_bins_per_cycle", "bins/cycle", 1, 256,
           Bind(&A::kwta, &KwtaSpec::scan_bins_per_cycle),
           "k-WTA unit: histogram bins examined per cycle by the threshold search")
      .Enum("dram.preset", DramPresetNames(), DramPresetField(),
            "DRAM device; fills every other dram key, which then override it")
      .Int("dram.channels", "channels", 1, 64, Bind(&A::dram, &DramSpec::channels),
           "independent DRAM channels")
      .ComputedDefault(preset)
      .Int("dram.banks_per_channel", "banks", 1, 256, Bind(&A::dram, &DramSpec::banks_per_channel),
           "banks per channel")
      .ComputedDefault(preset)
      .Pow2("dram.row_bytes", "bytes", 64, 65536, Bind(&A::dram, &DramSpec::row_bytes),
            "row buffer (page) size per bank")
      .ComputedDefault(preset)
      .Pow2("dram.bus_bytes", "bytes", 1, 128, Bind(&A::dram, &DramSpec::bus_bytes),
            "data bus width of one channel")
      .ComputedDefault(preset)
      .Pow2("dram.burst_length", "beats", 1, 64, Bind(&A::dram, &DramSpec::burst_length),
            "beats per burst (two beats per tCK: DDR)")
      .ComputedDefault(preset)
      .Float("dram.tck_ns", "ns", 0.05, 100, Bind(&A::dram, &DramSpec::tck_ns),
             "DRAM clock period (tCK)")
      .ComputedDefault(preset)
      .Int("dram.t_rcd", "tCK", 1, 1000, Bind(&A::dram, &DramSpec::t_rcd), "ACT -> RD/WR delay")
      .ComputedDefault(preset)
      .Int("dram.t_cl", "tCK", 1, 1000, Bind(&A::dram, &DramSpec::t_cl),
           "RD -> first data (CAS latency)")
      .ComputedDefault(preset)
      .Int("dram.t_rp", "tCK", 1, 1000, Bind(&A::dram, &DramSpec::t_rp), "PRE -> ACT delay")
      .ComputedDefault(preset)
      .Int("dram.t_ras", "tCK", 1, 1000, Bind(&A::dram, &DramSpec::t_ras), "ACT -> PRE minimum")
      .ComputedDefault(preset)
      .Int("dram.t_wr", "tCK", 1, 1000, Bind(&A::dram, &DramSpec::t_wr),
           "end of write data -> PRE (write recovery)")
      .ComputedDefault(preset)
      .Int("dram.queue_depth", "requests", 1, 1024, Bind(&A::dram, &DramSpec::queue_depth),
           "requests buffered per channel")
      .ComputedDefault(preset);
  return t;
}

}  // namespace

const KeyTable<ArchSpec>& ArchKeys() {
  static const KeyTable<ArchSpec> table = Build();
  return table;
}

}  // namespace cssim
