#include "model/chip/chip.h"

#include <algorithm>
#include <limits>

#include "model/base/error.h"
#include "model/compile/packer.h"

namespace cssim {
namespace {

constexpr int64_t kHistogramBins = 256;  // one per int8 value
constexpr int64_t kCountBytes = 4;       // int32 histogram counts and accumulators

}  // namespace

InstanceNeeds Needs(const ArchSpec& a, bool sparse) {
  InstanceNeeds n;
  n.sram_bytes = int64_t(a.glb.size_kib) * 1024;
  if (!sparse) {
    const int64_t pes = int64_t(a.array.rows) * a.array.cols;
    n.multipliers = pes;
    n.sram_bytes += pes * a.pe.weight_rf_entries;
    n.sram_bytes += pes * a.pe.psum_rf_entries * kCountBytes;
    n.sram_bytes += int64_t(a.array.rows) * a.pe.input_rf_entries;
    return n;
  }
  const CsSpec& cs = a.cs;
  const int64_t mults = int64_t(cs.lanes) * cs.engines;
  n.multipliers = mults;
  const int64_t weight_bits = mults * cs.weight_rf_entries * (8 + IdBits(cs.max_n));
  n.sram_bytes += (weight_bits + 7) / 8;
  n.sram_bytes += int64_t(cs.engines) * cs.max_n * kCountBytes;
  n.sram_bytes += int64_t(cs.accumulators) * kCountBytes;
  n.sram_bytes += int64_t(cs.lanes) * a.pe.input_rf_entries;
  n.sram_bytes += int64_t(a.kwta.lanes) * kHistogramBins * kCountBytes;
  return n;
}

ChipFit Fit(const ChipSpec& chip, const InstanceNeeds& need) {
  if (need.multipliers < 0 || need.sram_bytes < 0 ||
      (need.multipliers == 0 && need.sram_bytes == 0))
    throw SimError("chip fit: instance needs " + std::to_string(need.multipliers) +
                   " multipliers and " + std::to_string(need.sram_bytes) +
                   " SRAM bytes; at least one must be positive and neither negative");
  constexpr int64_t kUnlimited = std::numeric_limits<int64_t>::max();
  const int64_t by_mults = need.multipliers > 0 ? chip.multipliers / need.multipliers : kUnlimited;
  const int64_t by_sram = need.sram_bytes > 0 ? chip.sram_kib * 1024 / need.sram_bytes : kUnlimited;
  ChipFit fit;
  fit.limit = by_mults <= by_sram ? "multipliers" : "sram";
  fit.instances =
      int(std::min<int64_t>(std::min(by_mults, by_sram), std::numeric_limits<int>::max()));
  return fit;
}

}  // namespace cssim
