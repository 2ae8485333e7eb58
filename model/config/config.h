// Loading the three inputs of a run (arch, workload, energy table) and chip budgets from YAML,
// and writing them back fully resolved. Keys, types, ranges, defaults and the members they fill
// come from the key tables in keys.h (the schema in params.h is their rows); every problem is an
// InputError naming the file and the key path.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "model/base/arch_spec.h"
#include "model/base/energy.h"
#include "model/base/workload.h"
#include "model/chip/chip.h"

namespace cssim {

// $CSSIM_DATA_DIR if set, else the source tree's workloads/ (CSSIM_SOURCE_DIR, set by the build).
std::string DataDir();

// "arch" | "workload" | "energy": the stems of the YAML files in DataDir()/arch, /networks,
// /energy, sorted.
std::vector<std::string> BuiltinNames(const std::string& kind);

// name_or_path is a file path if it contains '/' or ends in .yaml/.yml (or .csv, .cfg: SCALE-Sim
// files; .onnx: ONNX models; imported by model/import, docs/import.md), else a built-in name.
// `source` of the result is the path, or "builtin:<name>".
ArchSpec LoadArch(const std::string& name_or_path);
Workload LoadWorkload(const std::string& name_or_path);  // fills every Layer's shapes and types
EnergyTable LoadEnergyTable(const std::string& name_or_path);

// The loaders in two steps, for callers that edit the document in between (model/sweep).
// ResolveConfig names the file LoadArch(name_or_path) etc. would read and the `source` they
// would give (the same errors for an unknown built-in); ParseConfig parses it with the same
// errors; the *FromYaml functions check a parsed document exactly as the loaders do, `file`
// naming it in messages.
struct ConfigFile {
  std::string file;    // the path read
  std::string source;  // the path, or "builtin:<name>"
};
ConfigFile ResolveConfig(const std::string& kind, const std::string& name_or_path);
YAML::Node ParseConfig(const std::string& file);
ArchSpec ArchFromYaml(const YAML::Node& root, const std::string& file, const std::string& source);
Workload WorkloadFromYaml(const YAML::Node& root, const std::string& file,
                          const std::string& source);
EnergyTable EnergyTableFromYaml(const YAML::Node& root, const std::string& file,
                                const std::string& source);

// Fully resolved YAML (every key, DRAM preset expanded) that loads back to an equal value. The
// source goes in a leading comment; workload layers carry their inferred shapes as comments.
std::string ToYaml(const ArchSpec& arch);
std::string ToYaml(const Workload& workload);
std::string ToYaml(const EnergyTable& table);

// Chip budgets (kind "chip", built-ins in DataDir()/chip): the DRAM preset is expanded into
// ChipSpec::dram with the file's channel count; ToYaml writes the preset and channels back.
ChipSpec LoadChip(const std::string& name_or_path);
std::string ToYaml(const ChipSpec& chip);

}  // namespace cssim
