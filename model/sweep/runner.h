// The local backend of `cssim sweep`: RunSweep (declared in model/sweep/point.h) runs each point
// as a child process `<cssim_bin> run ... --out <dir>`, at most `jobs` at a time, and records it
// in <out_dir>/sweep.sqlite (model/sweep/store.h) as it ends. docs/design.md, "Sweeps"
// (Running and recording).
//
// A point's directory <out_dir>/points/<id>/ holds arch.yaml, workload.yaml, energy.yaml (the
// point's resolved config, what the child is given), stderr.txt (the child's) and result/ (the
// `cssim run --out` result files: stats.json, layers.csv, config.resolved.yaml). It is built as
// <id>.tmp/ and renamed to <id>/ only when the run succeeded and its stats.json reads; a failed
// point keeps its <id>.tmp/ (with stderr.txt) until it is run again.
//
// RunSweep throws InputError when the database cannot be opened or belongs to another sweep.
// SIGINT or SIGTERM while it runs kills the running points (they stay unrecorded), and it
// returns 130. Every child dies with it if the sweep process is killed (PR_SET_PDEATHSIG).
#pragma once

#include <string>

#include "model/sweep/point.h"

namespace cssim::sweep {

// The file names inside a point's directory.
inline constexpr const char* kResultDir = "result";
inline constexpr const char* kStderrFile = "stderr.txt";

// The exit code RunSweep returns when interrupted by SIGINT or SIGTERM.
inline constexpr int kExitInterrupted = 130;

}  // namespace cssim::sweep
