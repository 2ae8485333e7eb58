#include "model/top/run.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <numeric>

#include "model/base/error.h"
#include "model/base/sc_kernel.h"
#include "model/compile/compile.h"
#include "model/compile/packer.h"
#include "model/dram/dram_mux.h"
#include "model/ref/data.h"
#include "model/ref/ref.h"
#include "model/top/accelerator.h"
#include "model/top/checks.h"
#include "model/top/cycle_account.h"
#include "model/top/energy_account.h"

namespace cssim {
namespace {

// The network's input and weights, in the compiled layouts, at `base` in `dram`.
void LoadNetwork(Dram& dram, uint64_t base, const Program& program, const Workload& workload) {
  const std::vector<int8_t> input = ToHwc(GenerateInput(workload), workload.input);
  dram.Load(base + program.input_addr, reinterpret_cast<const uint8_t*>(input.data()),
            input.size());
  for (size_t i = 0; i < workload.layers.size(); ++i) {
    const Layer& l = workload.layers[i];
    if (l.own_input) {
      const std::vector<int8_t> own = ToHwc(GenerateLayerInput(workload, i), l.in);
      dram.Load(base + program.layer_input_addr[i], reinterpret_cast<const uint8_t*>(own.data()),
                own.size());
    }
    if (l.weight_count() == 0) continue;
    const std::vector<int8_t> dense = GenerateWeights(workload, i);
    if (!program.packed[i]) {
      const std::vector<int8_t> w = PackWeights(dense, l, program.weight_n_tile[i]);
      dram.Load(base + program.weight_addr[i], reinterpret_cast<const uint8_t*>(w.data()),
                w.size());
      continue;
    }
    PackedLayer packed = PackLayer(l, dense, workload.source, int(i));
    if (program.channel_major[i]) packed = ChannelMajor(packed, l);
    const std::vector<int8_t> v = BlockedValues(packed, program.weight_n_tile[i]);
    const std::vector<uint8_t> id =
        PackedIdRows(packed, program.weight_n_tile[i], program.id_rows_aligned[i]);
    dram.Load(base + program.weight_addr[i], reinterpret_cast<const uint8_t*>(v.data()), v.size());
    if (program.id_addr[i] != 0) dram.Load(base + program.id_addr[i], id.data(), id.size());
  }
}

// Ticks `engine` on the chosen clock loop until `done`; returns the cycles taken.
Cycle Simulate(Engine& engine, Kernel kernel, double clock_mhz, const std::function<bool()>& done,
               const std::function<void(Cycle)>& on_cycle) {
  return kernel == Kernel::kSystemC ? RunSystemC(engine, clock_mhz, done, on_cycle)
                                    : engine.Run(done, on_cycle);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

RunResult Run(const ArchSpec& arch, const Workload& workload, const EnergyTable& table,
              const RunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  // Compile and load.
  const Program program = Compile(arch, workload, options.mode);
  if (options.impl != Impl::kModel && options.kernel != Kernel::kSystemC)
    throw InputError("", "--impl",
                     std::string(ImplName(options.impl)) +
                         " needs the SystemC kernel (RTL twins are Verilated in "
                         "SystemC mode)",
                     "--kernel systemc");
  const bool uses_array = std::any_of(program.ops.begin(), program.ops.end(),
                                      [](const Op& op) { return op.engine == OpEngine::kArray; });
  if (options.impl != Impl::kModel && arch.array.topology == Topology::kSystolic && uses_array)
    throw InputError(arch.source, "array.topology",
                     std::string("systolic has no RTL twin for --impl ") + ImplName(options.impl),
                     "multicast, or --impl model");
  if (options.impl != Impl::kModel && arch.array.dataflow == Dataflow::kRowStationary && uses_array)
    throw InputError("", "--impl",
                     std::string(ImplName(options.impl)) +
                         ": the row-stationary array (array.dataflow: rs) has no RTL twin",
                     "--impl model");
  Tally() = CosimTally{};
  Accelerator acc(arch, program, options.impl, options.cosim);
  const EnergyModel energy(table);
  energy.Validate(acc.stats());  // every counted action must have an energy: no silent default
  LoadNetwork(acc.dram(), 0, program, workload);

  // Simulate, closing each op's accounts as the controller finishes it.
  ModeEngine engine(acc, options.mode);
  CycleAccount cycle_account(acc, program);  // before the ledger's first snapshot
  OpLedger ledger(acc, engine);
  const Cycle cycles = Simulate(
      acc.engine(), options.kernel, arch.clock_mhz, [&] { return acc.controller().done(); },
      [&](Cycle now) {
        cycle_account.OnCycle(now);
        ledger.OnCycle(now);
      });

  // Account.
  const RefOutputs ref =
      NeedsReference(program, options.check) ? RefNetwork(workload) : RefOutputs{};
  const std::vector<int64_t> want_macs = ExpectedMacs(program, workload, ref);
  RunResult r;
  r.arch = arch;
  r.workload = workload;
  r.energy_table = table;
  r.mode = ModeName(options.mode);
  r.cycles = cycles;
  r.dense_macs = workload.macs();
  r.macs = std::accumulate(want_macs.begin(), want_macs.end(), int64_t(0));
  r.pe_count = engine.multipliers();
  r.mac_utilization = double(r.macs) / (double(cycles) * double(r.pe_count));
  r.inferences_per_s = arch.clock_mhz * 1e6 / double(cycles);
  r.energy = energy.Evaluate(acc.stats());
  r.counters = Counters(acc.stats());
  r.layers = ledger.Layers(program, energy, r.counters);
  r.packing_efficiency = PackingEfficiency(program);

  // Check: the MACs each op and the whole engine performed, then every op's output.
  for (size_t i = 0; i < program.ops.size(); ++i)
    CheckOpMacs(program.ops[i], r.layers[i].macs, want_macs[i]);
  CheckEngineMacs(engine.name(), options.mode, engine.macs(), r.macs);
  r.output_check = "skipped";
  if (options.check) {
    CheckNetwork(acc.dram(), 0, program, workload, ref);
    r.output_check = "bit-exact";
  }

  r.impl = ImplName(options.impl);
  for (const auto& t : acc.twins()) r.rtl_units.push_back(t->instance());
  r.cosim = Tally();
  r.wall_seconds = Seconds(t0);
  return r;
}

namespace {

// A full chip's hardware: one DRAM, a DramMux giving every instance its own region of it, and
// the instances, all registered with one Engine.
class Chip {
 public:
  Chip(const ArchSpec& arch, const ChipSpec& chip, const Program& program, int instances)
      : dram_(chip.dram, arch.clock_mhz, root_),
        bases_(Bases(program, instances)),
        mux_(instances, bases_, dram_, 16) {
    engine_.AddUnit(&dram_, "dram");
    engine_.AddUnit(&mux_, "dram_mux");
    for (auto* l : dram_.links()) engine_.AddLink(l);
    for (auto* l : mux_.links()) engine_.AddLink(l);
    for (int i = 0; i < instances; ++i) {
      const std::string name = "inst" + std::to_string(i);
      accs_.push_back(
          std::make_unique<Accelerator>(arch, program, DramPort{mux_.req(i), mux_.resp(i)}, name));
      accs_.back()->AddTo(engine_, name + "_");
    }
  }

  StatGroup& stats() { return root_; }  // the shared DRAM's counters
  Dram& dram() { return dram_; }
  // Instance i's DRAM region starts at bases()[i].
  const std::vector<uint64_t>& bases() const { return bases_; }
  Engine& engine() { return engine_; }
  const std::vector<std::unique_ptr<Accelerator>>& instances() const { return accs_; }
  bool done() const {
    for (const auto& a : accs_)
      if (!a->controller().done()) return false;
    return true;
  }

 private:
  // The instances' regions: footprints rounded up to 4 KiB, one after another.
  static std::vector<uint64_t> Bases(const Program& program, int instances) {
    const uint64_t region = (program.dram_bytes + 4095) / 4096 * 4096;
    std::vector<uint64_t> bases;
    for (int i = 0; i < instances; ++i) bases.push_back(uint64_t(i) * region);
    return bases;
  }

  StatGroup root_{nullptr, "chip"};
  Dram dram_;
  std::vector<uint64_t> bases_;
  DramMux mux_;
  Engine engine_;
  std::vector<std::unique_ptr<Accelerator>> accs_;
};

}  // namespace

ChipResult RunChip(const ArchSpec& arch, const ChipSpec& chip, const Workload& workload,
                   const EnergyTable& table, const RunOptions& options,
                   const ChipProgress& progress) {
  if (options.impl != Impl::kModel)
    throw InputError("", "--impl", "is not available with --chip", "--impl model");
  const auto t0 = std::chrono::steady_clock::now();
  ChipResult r;
  r.chip = chip;
  r.mode = ModeName(options.mode);
  r.workload = workload.name;
  r.needs = Needs(arch, options.mode != Mode::kDense);
  r.fit = Fit(chip, r.needs);
  r.output_check = "skipped";
  if (r.fit.instances == 0) return r;

  // Compile and load: every instance runs the same program in its own DRAM region.
  const Program program = Compile(arch, workload, options.mode);
  const EnergyModel energy(table);
  Chip c(arch, chip, program, r.fit.instances);
  const std::vector<uint64_t>& bases = c.bases();
  for (size_t i = 0; i < c.instances().size(); ++i) {
    energy.Validate(c.instances()[i]->stats());
    LoadNetwork(c.dram(), bases[i], program, workload);
  }
  energy.Validate(c.stats());

  // Simulate until every instance has finished, noting when each does.
  std::vector<Cycle> finish(c.instances().size(), 0);
  const size_t ops_total = program.ops.size() * c.instances().size();
  bool told = false;
  size_t ops_told = 0;
  Cycle told_at = 0;
  auto on_cycle = [&](Cycle now) {
    for (size_t i = 0; i < finish.size(); ++i)
      if (finish[i] == 0 && c.instances()[i]->controller().done()) finish[i] = now + 1;
    if (!progress) return;
    size_t ops = 0;
    for (const auto& a : c.instances()) ops += a->controller().ops_done();
    if (told && ops == ops_told && now - told_at < 65536) return;
    told = true;
    ops_told = ops;
    told_at = now;
    progress(ops, ops_total);
  };
  r.cycles = Simulate(
      c.engine(), options.kernel, arch.clock_mhz, [&] { return c.done(); }, on_cycle);
  r.instance_cycles = finish;

  // Account: traffic, throughput, and energy with every multiplier idle until the chip is done.
  for (const auto& a : c.instances()) r.dram_bytes += a->dma().bytes_moved();
  for (const auto& a : c.instances()) ModeEngine(*a, options.mode).ChargeIdleUntil(r.cycles);
  r.inferences_per_s = double(r.fit.instances) * arch.clock_mhz * 1e6 / double(r.cycles);
  for (const auto& a : c.instances()) AddEnergy(&r.energy, energy.Evaluate(a->stats()));
  AddEnergy(&r.energy, energy.Evaluate(c.stats()));

  // Check every instance's every op.
  if (options.check) {
    const RefOutputs ref = RefNetwork(workload);
    for (size_t i = 0; i < bases.size(); ++i)
      CheckNetwork(c.dram(), bases[i], program, workload, ref);
    r.output_check = "bit-exact";
  }
  r.wall_seconds = Seconds(t0);
  return r;
}

}  // namespace cssim
