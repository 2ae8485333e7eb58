#include "model/top/run.h"

#include <chrono>
#include <sstream>

#include "model/base/error.h"
#include "model/compile/compile.h"
#include "model/ref/data.h"
#include "model/ref/ref.h"
#include "model/top/accelerator.h"
#include "model/top/sc_top.h"

namespace cssim {
namespace {

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
        if (got != want) {
          std::ostringstream os;
          os << "output mismatch in layer '" << l.name << "' at (c=" << c << ", y=" << y
             << ", x=" << x << "): reference " << want << ", simulated " << got;
          throw SimError(os.str());
        }
      }
}

}  // namespace

RunResult Run(const ArchSpec& arch, const Workload& workload, const EnergyTable& table,
              const RunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const Program program = Compile(arch, workload);
  Accelerator acc(arch, program);
  const EnergyModel energy(table);
  energy.Validate(acc.stats());  // every counted action must have an energy: no silent default

  // The network's input and weights, in the compiled layouts.
  const std::vector<int8_t> input = ToHwc(GenerateInput(workload), workload.input);
  acc.dram().Load(program.input_addr, reinterpret_cast<const uint8_t*>(input.data()), input.size());
  for (size_t i = 0; i < workload.layers.size(); ++i) {
    if (workload.layers[i].weight_count() == 0) continue;
    const std::vector<int8_t> w =
        PackWeights(GenerateWeights(workload, i), workload.layers[i], program.weight_n_tile[i]);
    acc.dram().Load(program.weight_addr[i], reinterpret_cast<const uint8_t*>(w.data()), w.size());
  }

  // Per-op boundaries: cycle, MACs and a snapshot of every counter.
  const int64_t pes = acc.array().pe_count();
  std::vector<Cycle> op_end = {0};
  std::vector<uint64_t> op_macs = {0}, op_dram = {0};
  std::vector<std::vector<uint64_t>> snaps = {acc.stats().Snapshot()};
  Controller& ctl = acc.controller();
  auto on_cycle = [&](Cycle now) {
    while (ctl.ops_done() >= op_end.size()) {
      const Cycle len = now + 1 - op_end.back();
      const uint64_t macs = acc.array().macs() - op_macs.back();
      acc.array().AddIdle(uint64_t(pes) * len - macs);
      op_end.push_back(now + 1);
      op_macs.push_back(acc.array().macs());
      op_dram.push_back(acc.dma().bytes_moved());
      snaps.push_back(acc.stats().Snapshot());
    }
  };
  auto done = [&] { return ctl.done(); };
  const Cycle cycles = options.kernel == Kernel::kSystemC
                           ? RunSystemC(acc.engine(), arch.clock_mhz, done, on_cycle)
                           : acc.engine().Run(done, on_cycle);

  if (acc.array().macs() != uint64_t(workload.macs()))
    throw SimError("the array performed " + std::to_string(acc.array().macs()) +
                   " useful MACs, the workload has " + std::to_string(workload.macs()));

  RunResult r;
  r.arch = arch;
  r.workload = workload;
  r.energy_table = table;
  r.cycles = cycles;
  r.macs = workload.macs();
  r.pe_count = pes;
  r.mac_utilization = double(r.macs) / (double(cycles) * double(pes));
  r.inferences_per_s = arch.clock_mhz * 1e6 / double(cycles);
  r.energy = energy.Evaluate(acc.stats());
  acc.stats().Walk([&](const Counter& c) {
    r.counters.push_back({c.full_name(), c.unit(), c.description(), c.value()});
  });
  for (size_t i = 0; i < program.ops.size(); ++i) {
    const Op& op = program.ops[i];
    LayerResult l;
    l.name = op.name;
    l.kind = op.kind;
    l.cycles = op_end[i + 1] - op_end[i];
    l.macs = op.macs;
    l.mac_utilization = double(l.macs) / (double(l.cycles) * double(pes));
    l.dram_bytes = op_dram[i + 1] - op_dram[i];
    std::vector<uint64_t> delta(snaps[i + 1].size());
    for (size_t k = 0; k < delta.size(); ++k) delta[k] = snaps[i + 1][k] - snaps[i][k];
    l.energy = energy.Evaluate(acc.stats(), delta);
    l.counters = r.counters;  // Snapshot and Walk share one order
    for (size_t k = 0; k < delta.size(); ++k) l.counters[k].value = delta[k];
    r.layers.push_back(std::move(l));
  }

  r.output_check = "skipped";
  if (options.check) {
    const std::vector<std::vector<int32_t>> ref = RefNetwork(workload);
    for (const Op& op : program.ops)
      CheckOutput(acc.dram(), op.out_addr, workload.layers[op.last_layer], ref[op.last_layer]);
    r.output_check = "bit-exact";
  }
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace cssim
