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
#include "model/sweep/store.h"

namespace cssim::sweep {

// The file names inside a point's directory.
inline constexpr const char* kResultDir = "result";
inline constexpr const char* kStderrFile = "stderr.txt";

// Makes point `p`'s <out_dir>/points/<id>.tmp/ with its three config files, after removing what
// an earlier run left of it (<id>.tmp/ and <id>/). Throws InputError when it cannot.
void PreparePointDir(const SweepPoint& p, const std::string& out_dir);

// Runs point `p` (its id, mode and seed) in its prepared <id>.tmp/ under o.out_dir, with o's
// binary, timeout and memory limit, and waits for it. When it succeeded and its stats.json reads,
// renames <id>.tmp/ to <id>/ and returns a done record with the metrics; else a failed record
// with the reason (the directory stays <id>.tmp/). Both backends run a point through it (the
// local one through its parts, a few points at a time). Writes no database.
PointRecord RunPointInDir(const SweepPoint& p, const SweepOptions& o);

// The exit code RunSweep returns when interrupted by SIGINT or SIGTERM.
inline constexpr int kExitInterrupted = 130;

}  // namespace cssim::sweep
