#include "model/report/scalesim.h"

#include <algorithm>
#include <iomanip>
#include <sstream>
#include <vector>

#include "model/compile/tiling.h"
#include "model/report/results.h"

namespace cssim {
namespace {

// Cycles of `l` charged to reasons that are stalls in SCALE-Sim's sense: the array waited for
// memory or the output path, not for its own fill and drain.
uint64_t StallCycles(const LayerResult& l) {
  uint64_t stall = 0;
  for (const CounterValue& c : l.counters)
    for (const char* reason : {"dram_wait", "glb_conflict", "backpressure", "other"})
      if (c.name == std::string("top.cycles.") + reason) stall += c.value;
  return stall;
}

// The workload layer an op's result belongs to: its main (first) layer.
const Layer* MainLayer(const RunResult& r, const LayerResult& lr) {
  const std::string first = lr.name.substr(0, lr.name.find('+'));
  for (const Layer& l : r.workload.layers)
    if (l.name == first) return &l;
  return nullptr;
}

struct Row {
  const LayerResult* result;
  ScaleSimLayer ss;
};

std::vector<Row> Rows(const RunResult& r) {
  std::vector<Row> rows;
  for (const LayerResult& lr : r.layers) {
    const Layer* l = MainLayer(r, lr);
    if (!l || lr.engine != "array") continue;
    const ScaleSimLayer ss = ScaleSimConvention(*l, r.arch.array);
    if (ss.applies) rows.push_back({&lr, ss});
  }
  return rows;
}

std::string Percent(double v) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(3) << v * 100;
  return os.str();
}

}  // namespace

ScaleSimLayer ScaleSimConvention(const Layer& l, const ArraySpec& a) {
  ScaleSimLayer s;
  if ((l.kind != LayerKind::kConv && l.kind != LayerKind::kLinear) ||
      a.dataflow == Dataflow::kRowStationary)
    return s;
  s.applies = true;
  // SCALE-Sim sizes the output as ceil((H - R + S) / S): one more row (column) than the valid
  // convolution cssim runs when H - R is not a multiple of the stride S.
  const auto out = [&](int in, int k) {
    return CeilDiv(int64_t(in) + 2 * l.pad - k + l.stride, l.stride);
  };
  const int64_t P =
      l.kind == LayerKind::kLinear ? 1 : out(l.in.h, l.kernel_h) * out(l.in.w, l.kernel_w);
  const int64_t K = l.fan_in(), N = l.out_channels;
  const int64_t R = a.rows, C = a.cols;
  switch (a.dataflow) {
    case Dataflow::kOutputStationary:
      s.sr = P, s.sc = N, s.t = K;
      break;
    case Dataflow::kWeightStationary:
      s.sr = K, s.sc = N, s.t = P;
      break;
    case Dataflow::kInputStationary:
      s.sr = K, s.sc = P, s.t = N;
      break;
    case Dataflow::kRowStationary:
      break;
  }
  s.row_folds = CeilDiv(s.sr, R);
  s.col_folds = CeilDiv(s.sc, C);
  s.fold_cycles = a.dataflow == Dataflow::kOutputStationary ? s.t + R + C - 2 : 2 * R + C + s.t - 2;
  s.compute_cycles = s.row_folds * s.col_folds * s.fold_cycles - 1;
  // Mean over folds of (rows mapped x columns mapped) / (R x C): full folds and the ragged last
  // row and column folds.
  double used = 0;
  for (int64_t fr = 0; fr < s.row_folds; ++fr)
    for (int64_t fc = 0; fc < s.col_folds; ++fc)
      used += double(std::min(R, s.sr - fr * R)) * double(std::min(C, s.sc - fc * C));
  s.mapping_efficiency = used / (double(R * C) * double(s.row_folds * s.col_folds));
  return s;
}

std::string ComputeReportCsv(const RunResult& r) {
  std::ostringstream os;
  os << "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, "
        "Compute Util %, Layer, SCALE-Sim Compute Cycles,\n";
  const double pes = double(r.arch.array.rows) * r.arch.array.cols;
  int id = 0;
  for (const Row& row : Rows(r)) {
    const LayerResult& l = *row.result;
    const uint64_t stall = std::min<uint64_t>(StallCycles(l), l.cycles);
    const double busy = double(l.cycles - stall);
    os << id++ << ", " << l.cycles << ", " << stall << ", "
       << Percent(l.cycles ? double(l.macs) / (double(l.cycles) * pes) : 0) << ", "
       << Percent(row.ss.mapping_efficiency) << ", "
       << Percent(busy > 0 ? double(l.macs) / (busy * pes) : 0) << ", " << l.name << ", "
       << row.ss.compute_cycles << ",\n";
  }
  return os.str();
}

void PrintScaleSimReport(std::ostream& os, const RunResult& r) {
  const std::vector<Row> rows = Rows(r);
  os << "\nSCALE-Sim v2 convention (" << r.arch.array.rows << "x" << r.arch.array.cols << " "
     << DataflowName(r.arch.array.dataflow)
     << ", operands always in SRAM; docs/import.md) beside cssim's cycles\n";
  if (rows.empty()) {
    os << "  no conv or linear layer ran on a ws/os/is array\n";
    return;
  }
  os << "  " << std::left << std::setw(16) << "layer" << std::right << std::setw(12) << "cssim"
     << std::setw(12) << "scale-sim" << std::setw(8) << "ratio" << std::setw(8) << "folds"
     << std::setw(10) << "fold" << std::setw(9) << "map eff" << std::setw(10) << "stall"
     << "\n";
  uint64_t total = 0, total_ss = 0;
  for (const Row& row : rows) {
    const LayerResult& l = *row.result;
    total += l.cycles;
    total_ss += uint64_t(row.ss.compute_cycles);
    os << "  " << std::left << std::setw(16) << l.name << std::right << std::setw(12)
       << Grouped(l.cycles) << std::setw(12) << Grouped(uint64_t(row.ss.compute_cycles))
       << std::setw(8) << std::fixed << std::setprecision(2)
       << double(l.cycles) / double(std::max<int64_t>(1, row.ss.compute_cycles)) << std::setw(8)
       << row.ss.row_folds * row.ss.col_folds << std::setw(10) << row.ss.fold_cycles << std::setw(8)
       << std::setprecision(1) << row.ss.mapping_efficiency * 100 << "%" << std::setw(10)
       << Grouped(StallCycles(l)) << "\n";
  }
  os << "  " << std::left << std::setw(16) << "total" << std::right << std::setw(12)
     << Grouped(total) << std::setw(12) << Grouped(total_ss) << std::setw(8) << std::fixed
     << std::setprecision(2) << double(total) / double(std::max<uint64_t>(1, total_ss)) << "\n";
}

}  // namespace cssim
