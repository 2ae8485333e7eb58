// Co-simulation on the command line: --impl, a mismatch's waveform replay, and `cssim regress`.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "model/cosim/twin.h"
#include "model/top/run.h"

namespace cssim {

// The exit status of a run whose model and RTL disagreed (--impl both).
constexpr int kExitMismatch = 4;

Impl ParseImpl(const std::string& s);  // model | rtl | both; throws InputError

// A child's error text is a co-simulation mismatch ("cosim mismatch at cycle N: ...").
bool IsMismatch(const std::string& text);

// Reports the mismatch (one line on stderr), then replays the same simulation in a child with
// waves on: `replay` must rerun it with the given CosimOptions (deterministic: it fails at the
// same cycle). The FST window (64 cycles before the mismatch to 16 after) and mismatch.txt land
// in `dir`. Returns kExitMismatch.
int HandleMismatch(const std::string& text, const std::function<void(const CosimOptions&)>& replay,
                   const std::string& dir);

// The JSON file tools/rtl-area wrote (validated: an object with "blocks"), for stats.json.
// Throws InputError naming the file.
std::string ReadAreaJson(const std::string& path);

// `options` with the waveform window of `waves` (the fault stays).
RunOptions WithWaves(RunOptions options, const CosimOptions& waves);

// `cssim bench --cosim`: simulated cycles/s of model, RTL and both, per block harness (seed 1)
// and for the GSC workloads (SystemC kernel), medians of `runs` runs.
int BenchCosim(int runs, const std::vector<std::string>& blocks);

int RegressCommand(const std::vector<std::string>& args);

}  // namespace cssim
