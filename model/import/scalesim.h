// SCALE-Sim v2's input files, translated into cssim's own YAML documents (docs/import.md): a
// topology CSV becomes a workload whose layers each read their own input (layers[].input), a
// .cfg becomes an arch with a systolic array. The documents then go through the same checks as
// a hand-written file (model/config), so sweeps and config.resolved.yaml work unchanged.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace cssim {

// Conv form: header `Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width,
// Channels, Num Filter, Strides,`; GEMM form: `Layer, M, N, K,` (M x K times K x N, as SCALE-Sim
// maps it: a 1 x K filter over an M x K one-channel input). Trailing commas, spaces, CR line ends
// and blank lines are accepted. InputError naming the file, the line and the column otherwise.
YAML::Node ImportScaleSimTopology(const std::string& file);

// [general] run_name; [architecture_presets] ArrayHeight, ArrayWidth, IfmapSramSzkB,
// FilterSramSzkB, OfmapSramSzkB, Dataflow (os | ws | is), and the keys cssim reads but has no
// place for (offsets, Bandwidth, MemoryBanks, [run_presets] ...: docs/import.md). The document
// holds only what the cfg says (name, array, glb.size_kib = the three SRAMs' sum); model/config
// lays it over the built-in scalesim-32x32 arch.
YAML::Node ImportScaleSimConfig(const std::string& file);

}  // namespace cssim
