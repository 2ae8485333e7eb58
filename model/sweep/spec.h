// Sweep specs: reading a SPEC.yaml and expanding it into a manifest of points (`cssim sweep
// SPEC`). docs/design.md, "Sweeps"; the README's "Sweeps" has a worked example.
//
// The format (every key is checked; an unknown one is an error):
//
//   name: gsc-small            # required; letters, digits, '-', '_', '.': names the sweep
//                              # (and its default output directory sweep-<name>)
//   arch: default              # base files: a built-in name or a YAML path (a path if it has
//   workload: gsc-sparse       # a '/' or ends in .yaml/.yml; relative to the spec's folder);
//   energy: 45nm               # arch default "default", energy default "45nm", workload required
//   modes: [dense, sparse-dense]   # required, at least one, no repeats
//   seed: 7                    # optional: the workload seed of every point (workload.seed)
//   axes:                      # optional; any of the four, each optional
//     grid:                    # a product: every value of every key
//       - {key: arch.array.rows, values: [8, 16]}
//       - {key: arch.glb.size_kib, values: [64, 256]}
//     zip:                     # groups of keys that advance together (equal lengths)
//       - {arch.array.cols: [8, 16], arch.ppu.lanes: [8, 16]}
//     random:                  # seeded samples, each drawing every key once
//       samples: 4
//       seed: 1                # required
//       keys:
//         workload.layers[].weight_density: {min: 0.1, max: 0.5}
//         arch.glb.banks: {min: 4, max: 32, scale: log2}
//         arch.array.dataflow: {choices: [ws, os]}
//     derived:                 # set from another key of the same point
//       arch.cs.engines: "= arch.array.rows"
//       arch.cs.lanes: "= arch.array.cols * 2"      # or "/ 2"; the result of an integer key
//                                                   # must be an integer
//
// A key is "<kind>.<key path>", kind arch | workload | energy, the key path as `cssim
// list-params` prints it, with a layer named by index (`workload.layers[2].weight_density`) or
// every layer whose type takes the key (`workload.layers[].weight_density`) and map keys by
// name (`energy.components.mac.mac.energy`). Only single-value keys (int, float, enum,
// string) can be swept, each key by one axis only.
//
// random: `scale` is `linear` (uniform real; float keys only), `int` (uniform integer; the
// default of int keys) or `log2` (a power of two, uniform in the exponent; min and max powers of
// two). The draws come from SplitMix64 seeded with `seed`, sample by sample, each sample's keys
// in spec order: an integer in [a, b] is a + x mod (b - a + 1), a real min + (max - min) * u with
// u = (x >> 11) / 2^53, a choice choices[x mod n].
//
// Expansion order: nested loops, outermost first: the grid's keys in spec order, then the zip
// groups, then the random samples, then the modes (innermost). Derived keys are computed last
// for each point, from its resolved config (a key the axes do not set has its base value). The
// manifest's columns: the grid's keys, the zip groups' keys, the random keys and the derived
// keys, in that order (each in spec order), then "mode" when more than one mode is given.
//
// Errors are InputErrors naming the spec file and the spec's key path (`axes.grid[1].key`,
// `axes.zip[0][arch.array.cols]`, `axes.random.keys[arch.glb.banks].min`,
// `axes.derived[arch.cs.engines]`, or `axes` for a point whose combination of values fails).
// Values are checked by the config loaders themselves (model/config/config.h, ArchFromYaml
// etc.): each swept value alone on its base file, then every point's whole config. A point
// that loads but does not compile (a layer whose smallest tile does not fit the GLB) is a fact
// about that design, not a spec error: it stays, and its run is recorded as failed.
//
// Point id: FNV-1a 64 (offset 14695981039346656037, prime 1099511628211) over CanonicalText(),
// written as 16 lowercase hex digits. Two points with the same id are the same point: the
// expansion keeps the first and reports the others as duplicates.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/sweep/point.h"

namespace cssim::sweep {

struct Duplicate {
  int position = 0;  // the dropped point's position in the expansion order (from 0)
  int kept = 0;      // the index of the manifest point it equals
};

struct Expansion {
  SweepManifest manifest;
  int expanded = 0;  // points before removing duplicates
  std::vector<Duplicate> duplicates;
};

// Reads the spec at `spec_file` and expands it. Throws InputError.
Expansion ExpandSpec(const std::string& spec_file);

// The text a point's id hashes: "cssim <kCssimVersion>", "mode <mode>", "seed <seed>", then
// "--- arch", "--- workload", "--- energy", each followed by that resolved YAML without its
// leading comment lines (the "# resolved from" source line, which names files, not values);
// one item per line.
std::string CanonicalText(const SweepPoint& p);
uint64_t Fnv1a64(const std::string& text);
std::string PointId(const SweepPoint& p);  // Fnv1a64(CanonicalText(p)), 16 lowercase hex digits

}  // namespace cssim::sweep
