#include "model/top/checks.h"

#include <algorithm>
#include <sstream>

#include "model/base/error.h"
#include "model/ref/data.h"
#include "model/ref/ref.h"

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

}  // namespace

bool NeedsReference(const Program& program, bool check_outputs) {
  bool need = check_outputs;
  for (const Op& op : program.ops) need |= op.engine == OpEngine::kSparseSparse;
  return need;
}

std::vector<int32_t> LayerInput(const Workload& w, const RefOutputs& ref, int i) {
  const bool own = w.layers[size_t(i)].own_input;
  if (w.layers[size_t(i)].from >= 0) return ref[size_t(w.layers[size_t(i)].from)];
  if (i > 0 && !own) return ref[size_t(i - 1)];
  const std::vector<int8_t> in = own ? GenerateLayerInput(w, size_t(i)) : GenerateInput(w);
  return std::vector<int32_t>(in.begin(), in.end());
}

std::vector<int64_t> ExpectedMacs(const Program& program, const Workload& workload,
                                  const RefOutputs& ref) {
  std::vector<int64_t> want(program.ops.size(), 0);
  for (size_t i = 0; i < program.ops.size(); ++i) {
    const Op& op = program.ops[i];
    const Layer& l = workload.layers[size_t(op.first_layer)];
    switch (op.engine) {
      case OpEngine::kArray:
        want[i] = l.macs();
        break;
      case OpEngine::kCs: {
        // Zero weights (a dense layer draws some) are gated, like padded slots.
        const std::vector<int8_t> wt = GenerateWeights(workload, size_t(op.first_layer));
        const int64_t nz = std::count_if(wt.begin(), wt.end(), [](int8_t v) { return v != 0; });
        want[i] = nz * l.out.h * l.out.w;
        break;
      }
      case OpEngine::kSparseSparse: {
        // The op before a sparse-sparse op is the k-WTA op that made its active list.
        const int kwta = program.ops[i - 1].last_layer;
        want[i] = SparseSparseMacs(workload, op, LayerInput(workload, ref, kwta),
                                   workload.layers[size_t(kwta)]);
        break;
      }
      default:
        break;
    }
  }
  return want;
}

void CheckOpMacs(const Op& op, int64_t performed, int64_t expected) {
  if (performed != expected)
    throw SimError("op '" + op.name + "' performed " + std::to_string(performed) + " MACs, its " +
                   OpEngineName(op.engine) + " mapping has " + std::to_string(expected));
}

void CheckEngineMacs(const std::string& engine, Mode mode, uint64_t performed, int64_t expected) {
  if (performed != uint64_t(expected))
    throw SimError("the " + engine + " performed " + std::to_string(performed) + " MACs, the " +
                   ModeName(mode) + " mapping of the workload has " + std::to_string(expected));
}

void CheckNetwork(Dram& dram, uint64_t base, const Program& program, const Workload& workload,
                  const RefOutputs& ref) {
  for (const Op& op : program.ops) {
    const Layer& last = workload.layers[size_t(op.last_layer)];
    if (op.out_is_list)
      CheckList(dram, base + op.out_addr, last, LayerInput(workload, ref, op.last_layer));
    else
      CheckOutput(dram, base + op.out_addr, last, ref[size_t(op.last_layer)]);
  }
}

}  // namespace cssim
