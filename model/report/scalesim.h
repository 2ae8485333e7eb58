// SCALE-Sim v2's view of a run (docs/import.md): the compute
// cycles SCALE-Sim's systolic model gives a conv or GEMM layer on the same rows x cols array and
// dataflow, with operands always in SRAM, beside the cycles cssim simulated (DRAM, GLB, buses
// and the array's structure included); and cssim's figures in the columns of SCALE-Sim's
// COMPUTE_REPORT.csv.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "model/base/arch_spec.h"
#include "model/base/workload.h"
#include "model/top/run.h"

namespace cssim {

// SCALE-Sim v2's operand-matrix view of one conv/linear layer on an R x C array. With P output
// pixels (as SCALE-Sim sizes them: ceil((H - R + S) / S) rows, likewise columns), K = fan-in (kh *
// kw * c) and N filters: os maps Sr = P onto rows, Sc = N onto columns and streams T = K; ws maps
// Sr = K, Sc = N and streams T = P; is maps Sr = K, Sc = P and streams T = N. Folds = ceil(Sr / R)
// * ceil(Sc / C); a fold takes T + R + C - 2 cycles (os) or 2R + C + T - 2 (ws, is: R cycles of
// preload first); the layer takes folds * fold - 1 (SCALE-Sim counts its last cycle from zero).
// Mapping efficiency: the mean over folds of the share of the R x C PEs a fold maps, as SCALE-Sim
// reports it.
struct ScaleSimLayer {
  bool applies = false;  // a conv or linear layer on a ws/os/is array (not rs)
  int64_t sr = 0, sc = 0, t = 0;
  int64_t row_folds = 0, col_folds = 0, fold_cycles = 0;
  int64_t compute_cycles = 0;
  double mapping_efficiency = 0;  // fraction
};
ScaleSimLayer ScaleSimConvention(const Layer& l, const ArraySpec& array);

// cssim's figures per conv/linear layer, in the columns of SCALE-Sim's COMPUTE_REPORT.csv:
// LayerID, Total Cycles (cssim's), Stall Cycles (cycles charged to waiting for DRAM, GLB bank
// conflicts, back-pressure or other, docs/design.md "Where the cycles go"), Overall Util %
// (MACs / (total cycles x PEs)), Mapping Efficiency % (SCALE-Sim's definition above), Compute
// Util % (MACs / ((total - stall) x PEs)); then two cssim columns: the layer's name and
// SCALE-Sim v2's compute cycles for it.
std::string ComputeReportCsv(const RunResult& r);

// The same layers as a table for people: cssim's cycles, SCALE-Sim v2's compute cycles, their
// ratio, folds and mapping efficiency (`cssim run --scalesim-report`).
void PrintScaleSimReport(std::ostream& os, const RunResult& r);

}  // namespace cssim
