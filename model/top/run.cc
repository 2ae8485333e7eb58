#include "model/top/run.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <sstream>

#include "model/base/error.h"
#include "model/compile/compile.h"
#include "model/compile/packer.h"
#include "model/dram/dram_mux.h"
#include "model/ref/data.h"
#include "model/ref/ref.h"
#include "model/top/accelerator.h"
#include "model/base/sc_kernel.h"

namespace cssim {
namespace {

[[noreturn]] void Mismatch(const Layer& l, const std::string& where, int64_t want, int64_t got) {
  std::ostringstream os;
  os << "output mismatch in layer '" << l.name << "' at " << where << ": reference " << want
     << ", simulated " << got;
  throw SimError(os.str());
}

// Reads an op's output tensor back from DRAM (HWC) and compares it with the reference (CHW).
void CheckOutput(Dram& dram, uint64_t addr, const Layer& l, const std::vector<int32_t>& ref) {
  const Shape& s = l.out;
  const int elem = l.out_type == ElemType::kInt8 ? 1 : 4;
  std::vector<uint8_t> bytes(size_t(s.size()) * elem);
  dram.Peek(addr, bytes.data(), bytes.size());
  for (int y = 0; y < s.h; ++y)
    for (int x = 0; x < s.w; ++x)
      for (int c = 0; c < s.c; ++c) {
        const size_t i = (size_t(y) * s.w + x) * s.c + c;
        int32_t got;
        if (elem == 1) {
          got = int8_t(bytes[i]);
        } else {
          uint32_t u = uint32_t(bytes[4 * i]) | uint32_t(bytes[4 * i + 1]) << 8 |
                       uint32_t(bytes[4 * i + 2]) << 16 | uint32_t(bytes[4 * i + 3]) << 24;
          got = int32_t(u);
        }
        const int32_t want = ref[(size_t(c) * s.h + y) * s.w + x];
        if (got != want)
          Mismatch(l,
                   "(c=" + std::to_string(c) + ", y=" + std::to_string(y) +
                       ", x=" + std::to_string(x) + ")",
                   want, got);
      }
}

// A k-WTA op's active list: exactly the reference winners, in index order, with their values.
void CheckList(Dram& dram, uint64_t addr, const Layer& l, const std::vector<int32_t>& in) {
  const std::vector<int64_t> winners = KwtaWinners(l.in, in, l.kwta_k());
  std::vector<uint8_t> bytes(winners.size() * kActEntryBytes);
  dram.Peek(addr, bytes.data(), bytes.size());
  const Shape& s = l.in;
  for (size_t e = 0; e < winners.size(); ++e) {
    const uint8_t* r = &bytes[e * kActEntryBytes];
    const int64_t index = int64_t(r[0]) | int64_t(r[1]) << 8;
    const int64_t h = winners[e];
    const int32_t want = in[size_t(s.Chw(s.FromHwc(h)))];
    const std::string where = "list entry " + std::to_string(e);
    if (index != h) Mismatch(l, where + " (index)", h, index);
    if (int8_t(r[2]) != want) Mismatch(l, where + " (value)", want, int8_t(r[2]));
  }
}

// MACs the sparse-sparse unit must perform for op `op`: per active input, per kernel offset
// that maps it to an output pixel, one per non-zero weight of that fan-in position.
int64_t SparseSparseMacs(const Workload& w, const Op& op, const std::vector<int32_t>& kwta_in,
                         const Layer& kwta) {
  const Layer& l = w.layers[size_t(op.first_layer)];
  const bool linear = l.kind == LayerKind::kLinear;
  const int kh = linear ? l.in.h : l.kernel_h, kw = linear ? l.in.w : l.kernel_w;
  const int stride = linear ? 1 : l.stride, pad = linear ? 0 : l.pad;
  const std::vector<int8_t> wt = GenerateWeights(w, size_t(op.first_layer));
  // Non-zero weights per fan-in position (c, ky, kx) over all output channels.
  const int64_t L = l.fan_in();
  std::vector<int64_t> nz(size_t(L), 0);
  for (int64_t m = 0; m < l.out_channels; ++m)
    for (int64_t k = 0; k < L; ++k) nz[size_t(k)] += wt[size_t(m * L + k)] != 0;
  int64_t macs = 0;
  const Shape& s = kwta.in;
  for (int64_t h : KwtaWinners(s, kwta_in, kwta.kwta_k())) {
    const auto [c, y, x] = s.FromHwc(h);
    for (int ky = 0; ky < kh; ++ky)
      for (int kx = 0; kx < kw; ++kx) {
        const int ny = y + pad - ky, nx = x + pad - kx;
        if (ny < 0 || nx < 0 || ny % stride || nx % stride) continue;
        if (ny / stride >= l.out.h || nx / stride >= l.out.w) continue;
        macs += nz[size_t((int64_t(c) * kh + ky) * kw + kx)];
      }
  }
  return macs;
}

// The network's input and weights, in the compiled layouts, at `base` in `dram`.
void LoadNetwork(Dram& dram, uint64_t base, const Program& program, const Workload& workload) {
  const std::vector<int8_t> input = ToHwc(GenerateInput(workload), workload.input);
  dram.Load(base + program.input_addr, reinterpret_cast<const uint8_t*>(input.data()),
            input.size());
  for (size_t i = 0; i < workload.layers.size(); ++i) {
    const Layer& l = workload.layers[i];
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

// Input of layer i of the reference network.
std::vector<int32_t> LayerInput(const Workload& w, const std::vector<std::vector<int32_t>>& ref,
                                int i) {
  if (i > 0) return ref[size_t(i - 1)];
  const std::vector<int8_t> in = GenerateInput(w);
  return std::vector<int32_t>(in.begin(), in.end());
}

// Every op's output at `base` in `dram`, bit for bit against the reference.
void CheckNetwork(Dram& dram, uint64_t base, const Program& program, const Workload& workload,
                  const std::vector<std::vector<int32_t>>& ref) {
  for (const Op& op : program.ops) {
    const Layer& last = workload.layers[size_t(op.last_layer)];
    if (op.out_is_list)
      CheckList(dram, base + op.out_addr, last, LayerInput(workload, ref, op.last_layer));
    else
      CheckOutput(dram, base + op.out_addr, last, ref[size_t(op.last_layer)]);
  }
}

}  // namespace

RunResult Run(const ArchSpec& arch, const Workload& workload, const EnergyTable& table,
              const RunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const Program program = Compile(arch, workload, options.mode);
  if (options.impl != Impl::kModel && options.kernel != Kernel::kSystemC)
    throw InputError("", "--impl",
                     std::string(ImplName(options.impl)) +
                         " needs the SystemC kernel (RTL twins are Verilated in "
                         "SystemC mode)",
                     "--kernel systemc");
  Tally() = CosimTally{};
  Accelerator acc(arch, program, options.impl, options.cosim);
  const EnergyModel energy(table);
  energy.Validate(acc.stats());  // every counted action must have an energy: no silent default

  LoadNetwork(acc.dram(), 0, program, workload);

  // The mode's engine: its multipliers, the MACs it performed, where its idle cycles go. The
  // CS engine and the sparse-sparse unit share one set of multipliers.
  const bool dense = options.mode == Mode::kDense;
  const int64_t mults = dense ? acc.array().pe_count() : acc.cs().multipliers();
  auto engine_macs = [&]() -> uint64_t {
    return dense ? acc.array().macs() : acc.cs().macs() + acc.ss().macs();
  };
  auto busy = [&]() -> uint64_t {  // multiplier-cycles doing a MAC or gated in an active lane
    return dense ? acc.array().macs()
                 : acc.cs().macs() + acc.cs().gated() + acc.ss().macs() + acc.ss().gated();
  };

  // Per-op boundaries: cycle, MACs and a snapshot of every counter.
  std::vector<Cycle> op_end = {0};
  std::vector<uint64_t> op_macs = {0}, op_busy = {0}, op_dram = {0};
  std::vector<std::vector<uint64_t>> snaps = {acc.stats().Snapshot()};
  Controller& ctl = acc.controller();
  auto on_cycle = [&](Cycle now) {
    while (ctl.ops_done() >= op_end.size()) {
      const Cycle len = now + 1 - op_end.back();
      const uint64_t idle = uint64_t(mults) * len - (busy() - op_busy.back());
      if (dense)
        acc.array().AddIdle(idle);
      else
        acc.cs().AddIdle(idle);
      op_end.push_back(now + 1);
      op_macs.push_back(engine_macs());
      op_busy.push_back(busy());
      op_dram.push_back(acc.dma().bytes_moved());
      snaps.push_back(acc.stats().Snapshot());
    }
  };
  auto done = [&] { return ctl.done(); };
  const Cycle cycles = options.kernel == Kernel::kSystemC
                           ? RunSystemC(acc.engine(), arch.clock_mhz, done, on_cycle)
                           : acc.engine().Run(done, on_cycle);

  // The reference network: every layer's output, for the sparse-sparse MAC counts and the
  // output check (computed only when one of them needs it: large networks take seconds).
  bool need_ref = options.check;
  for (const Op& op : program.ops) need_ref |= op.engine == OpEngine::kSparseSparse;
  const std::vector<std::vector<int32_t>> ref =
      need_ref ? RefNetwork(workload) : std::vector<std::vector<int32_t>>{};
  auto layer_input = [&](int i) { return LayerInput(workload, ref, i); };

  // Expected MACs per op: the array does every MAC of the layer; the CS engine one per
  // non-zero weight per output pixel; the sparse-sparse unit one per non-zero weight met by an
  // active input.
  std::vector<int64_t> want_macs(program.ops.size(), 0);
  int64_t want_total = 0;
  for (size_t i = 0; i < program.ops.size(); ++i) {
    const Op& op = program.ops[i];
    const Layer& l = workload.layers[size_t(op.first_layer)];
    switch (op.engine) {
      case OpEngine::kArray:
        want_macs[i] = l.macs();
        break;
      case OpEngine::kCs: {
        // Zero weights (a dense layer draws some) are gated, like padded slots.
        const std::vector<int8_t> wt = GenerateWeights(workload, size_t(op.first_layer));
        const int64_t nz = std::count_if(wt.begin(), wt.end(), [](int8_t v) { return v != 0; });
        want_macs[i] = nz * l.out.h * l.out.w;
        break;
      }
      case OpEngine::kSparseSparse: {
        const int kwta = program.ops[i - 1].last_layer;
        want_macs[i] = SparseSparseMacs(workload, op, layer_input(kwta), workload.layers[kwta]);
        break;
      }
      default:
        break;
    }
    want_total += want_macs[i];
  }
  RunResult r;
  r.arch = arch;
  r.workload = workload;
  r.energy_table = table;
  r.mode = ModeName(options.mode);
  r.cycles = cycles;
  r.dense_macs = workload.macs();
  r.macs = want_total;
  r.pe_count = mults;
  r.mac_utilization = double(r.macs) / (double(cycles) * double(mults));
  r.inferences_per_s = arch.clock_mhz * 1e6 / double(cycles);
  r.energy = energy.Evaluate(acc.stats());
  acc.stats().Walk([&](const Counter& c) {
    r.counters.push_back({c.full_name(), c.unit(), c.description(), c.value()});
  });
  int64_t slots = 0, nonzeros = 0;
  for (size_t i = 0; i < program.ops.size(); ++i) {
    const Op& op = program.ops[i];
    LayerResult l;
    l.name = op.name;
    l.kind = op.kind;
    l.engine = OpEngineName(op.engine);
    l.cycles = op_end[i + 1] - op_end[i];
    l.dense_macs = op.macs;
    l.macs = int64_t(op_macs[i + 1] - op_macs[i]);
    l.mac_utilization = double(l.macs) / (double(l.cycles) * double(mults));
    if (op.slots > 0) {
      l.pack_n = op.pack_n;
      l.packing_efficiency = double(op.nonzeros) / double(op.slots);
      slots += op.slots;
      nonzeros += op.nonzeros;
    }
    l.dram_bytes = op_dram[i + 1] - op_dram[i];
    std::vector<uint64_t> delta(snaps[i + 1].size());
    for (size_t k = 0; k < delta.size(); ++k) delta[k] = snaps[i + 1][k] - snaps[i][k];
    l.energy = energy.Evaluate(acc.stats(), delta);
    l.counters = r.counters;  // Snapshot and Walk share one order
    for (size_t k = 0; k < delta.size(); ++k) l.counters[k].value = delta[k];
    if (l.macs != want_macs[i])
      throw SimError("op '" + op.name + "' performed " + std::to_string(l.macs) + " MACs, its " +
                     OpEngineName(op.engine) + " mapping has " + std::to_string(want_macs[i]));
    r.layers.push_back(std::move(l));
  }
  r.packing_efficiency = slots > 0 ? double(nonzeros) / double(slots) : 0;
  if (engine_macs() != uint64_t(want_total))
    throw SimError("the " + std::string(dense ? "array" : "CS engine") + " performed " +
                   std::to_string(engine_macs()) + " MACs, the " + ModeName(options.mode) +
                   " mapping of the workload has " + std::to_string(want_total));

  r.output_check = "skipped";
  if (options.check) {
    CheckNetwork(acc.dram(), 0, program, workload, ref);
    r.output_check = "bit-exact";
  }
  r.impl = ImplName(options.impl);
  for (const auto& t : acc.twins()) r.rtl_units.push_back(t->instance());
  r.cosim = Tally();
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

namespace {

void AddEnergy(EnergyReport* into, const EnergyReport& r) {
  into->total_pj += r.total_pj;
  for (const auto& [k, v] : r.by_component) into->by_component[k] += v;
  for (const auto& [k, v] : r.by_datatype) into->by_datatype[k] += v;
}

}  // namespace

ChipResult RunChip(const ArchSpec& arch, const ChipSpec& chip, const Workload& workload,
                   const EnergyTable& table, const RunOptions& options) {
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

  const Program program = Compile(arch, workload, options.mode);
  const EnergyModel energy(table);
  // One DRAM for the chip; every instance gets its own region of it.
  StatGroup chip_root(nullptr, "chip");
  Dram dram(chip.dram, arch.clock_mhz, chip_root);
  const uint64_t region = (program.dram_bytes + 4095) / 4096 * 4096;
  std::vector<uint64_t> bases;
  for (int i = 0; i < r.fit.instances; ++i) bases.push_back(uint64_t(i) * region);
  DramMux mux(r.fit.instances, bases, dram, 16);
  Engine engine;
  engine.AddUnit(&dram, "dram");
  engine.AddUnit(&mux, "dram_mux");
  for (auto* l : dram.links()) engine.AddLink(l);
  for (auto* l : mux.links()) engine.AddLink(l);
  std::vector<std::unique_ptr<Accelerator>> accs;
  for (int i = 0; i < r.fit.instances; ++i) {
    const std::string name = "inst" + std::to_string(i);
    accs.push_back(
        std::make_unique<Accelerator>(arch, program, DramPort{mux.req(i), mux.resp(i)}, name));
    accs.back()->AddTo(engine, name + "_");
    energy.Validate(accs.back()->stats());
    LoadNetwork(dram, bases[size_t(i)], program, workload);
  }
  energy.Validate(chip_root);

  std::vector<Cycle> finish(accs.size(), 0);
  auto on_cycle = [&](Cycle now) {
    for (size_t i = 0; i < accs.size(); ++i)
      if (finish[i] == 0 && accs[i]->controller().done()) finish[i] = now + 1;
  };
  auto done = [&] {
    for (const auto& a : accs)
      if (!a->controller().done()) return false;
    return true;
  };
  r.cycles = options.kernel == Kernel::kSystemC ? RunSystemC(engine, arch.clock_mhz, done, on_cycle)
                                                : engine.Run(done, on_cycle);
  r.instance_cycles = finish;
  for (const auto& a : accs) r.dram_bytes += a->dma().bytes_moved();
  // Multipliers are idle whenever they do no MAC until the whole chip is done.
  for (const auto& a : accs) {
    if (options.mode == Mode::kDense) {
      a->array().AddIdle(uint64_t(a->array().pe_count()) * r.cycles - a->array().macs());
    } else {
      const uint64_t busy = a->cs().macs() + a->cs().gated() + a->ss().macs() + a->ss().gated();
      a->cs().AddIdle(uint64_t(a->cs().multipliers()) * r.cycles - busy);
    }
  }
  r.inferences_per_s = double(r.fit.instances) * arch.clock_mhz * 1e6 / double(r.cycles);
  for (const auto& a : accs) AddEnergy(&r.energy, energy.Evaluate(a->stats()));
  AddEnergy(&r.energy, energy.Evaluate(chip_root));
  if (options.check) {
    const std::vector<std::vector<int32_t>> ref = RefNetwork(workload);
    for (size_t i = 0; i < accs.size(); ++i) CheckNetwork(dram, bases[i], program, workload, ref);
    r.output_check = "bit-exact";
  }
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace cssim
