// A sweep's points: what `cssim sweep SPEC` expands a spec into (model/sweep/spec) and what the
// backends run and record (model/sweep/runner, model/sweep/store). docs/design.md, "Sweeps".
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cssim::sweep {

struct SweepPoint {
  int index = 0;   // position in the manifest, in expansion order
  std::string id;  // 16 lowercase hex digits: a hash of the canonical text (spec.h, PointId)
  // The swept keys and their values as text, in the manifest's column order. A key is its
  // file kind and key path as `cssim list-params` prints them: "arch.glb.size_kib",
  // "workload.layers[2].weight_density"; "mode" and "seed" when they are swept.
  std::vector<std::pair<std::string, std::string>> values;
  std::string mode;   // dense | sparse-dense | sparse-sparse
  uint64_t seed = 0;  // the workload seed the point runs with
  // The point's resolved config files (ToYaml of the loaded specs): what `cssim run --arch F
  // --workload F --energy F --mode M --seed S` is given.
  std::string arch_yaml, workload_yaml, energy_yaml;
};

struct SweepManifest {
  std::string spec_file;             // the spec as given on the command line
  std::string name;                  // the spec's `name`
  std::vector<std::string> columns;  // every swept key, in spec order: the database columns
  std::vector<SweepPoint> points;
};

struct SweepOptions {
  std::string out_dir;        // <out_dir>/sweep.sqlite and <out_dir>/points/<id>/
  std::string cssim_bin;      // the binary each point runs (the running cssim's own path)
  int jobs = 0;               // simulations at a time; 0 = the machine's cores
  double timeout_s = 0;       // per point, wall seconds; 0 = none
  int64_t mem_limit_mib = 0;  // per point, address space; 0 = none
  bool retry_failed = false;  // also re-run points recorded as failed
  // `cssim run --area FILE` for every point (the tools/rtl-area JSON, an absolute path): the
  // points table's rtl_transistors then comes from it. "" = none.
  std::string area_file;
};

// Runs every point of `m` not yet recorded as done in <out_dir>/sweep.sqlite (and, with
// retry_failed, those recorded as failed), records each as it ends, and returns the process
// exit code: 0 when every point is done, 3 when some failed (each recorded with its reason).
// Defined in model/sweep/runner.cc.
int RunSweep(const SweepManifest& m, const SweepOptions& o);

}  // namespace cssim::sweep
