// The results of one run: the files written next to them (--out) and the human summary.
//
// A result directory holds exactly these files, all deterministic for the same inputs and seed
// (no wall time, no host names), so that two runs can be compared with `cmp`:
//   stats.json            every figure of the run, keys in a fixed order (README lists them)
//   layers.csv            one row per layer, one energy column per component
//   config.resolved.yaml  the arch, workload and energy table as resolved (defaults and presets
//                         expanded), plus mode and seed: enough to repeat the run
//   COMPUTE_REPORT.csv    the conv/linear layers on the array in the columns of SCALE-Sim v2's
//                         compute report, beside SCALE-Sim's compute cycles (scalesim.h)
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "model/top/run.h"

namespace cssim {

// Throws the InputError (key "--out") that WriteResults would throw for `dir` because of the
// path itself: `dir`, or one of its ancestors, exists and is not a directory; or `dir` is a
// directory holding anything but cssim result files (it is never replaced). Lets the CLI refuse
// a bad --out before a long simulation rather than after it.
void CheckOutDir(const std::string& dir);

// Writes the result files into `dir`, atomically: everything is built in the sibling
// `<dir>.tmp-<pid>` and renamed into place only when complete; an earlier result directory at
// `dir` is replaced (renamed aside, then removed). Missing parent directories are created. On any
// error nothing is left behind at `dir` or in the temporary, and an earlier result is kept.
void WriteResults(const std::string& dir, const RunResult& r);

// A human-readable table of the run: headline figures, energy by component, where the cycles went
// (when counted), one row per layer.
// Includes the wall time, which is why it is not one of the result files.
// 13106400 -> "13,106,400".
std::string Grouped(uint64_t v);

void PrintSummary(std::ostream& os, const RunResult& r);

// One row per run: mode, workload, cycles, inferences/s, speed-up and energy ratio against the
// first run, energy per inference, MAC utilisation, packing efficiency, output check.
void PrintComparison(std::ostream& os, const std::vector<RunResult>& runs);

// One row per full-chip run: per-instance needs, instances that fit and the binding resource,
// cycles, full-chip inferences/s (and its ratio to the first row that fits), energy per
// inference. A row whose instance does not fit says so.
void PrintChipComparison(std::ostream& os, const ArchSpec& arch, const EnergyTable& table,
                         const std::vector<ChipResult>& runs);

// Every non-zero counter of the run in StatGroup::Walk order, one aligned row each: full name,
// value, unit. The same counts are in stats.json ("counters"), which is what tools should read.
void PrintCounters(std::ostream& os, const RunResult& r);

}  // namespace cssim
