// Timeloop v0.4 problem files (a convolution: `problem: {shape: ..., instance: {C, M, R, S, N,
// P, Q, Wstride, Hstride, Wdilation, Hdilation}}`), translated into cssim workload YAML
// (docs/import.md). Timeloop names R and P along the width, S and Q along the height, and has no
// padding: the input is W = (P - 1) * Wstride + (R - 1) * Wdilation + 1, likewise H.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace cssim {

// True if `root` is a Timeloop problem document (a map with a top-level `problem` key).
bool IsTimeloopProblem(const YAML::Node& root);

// The conv layer (with its own input, layers[].input) that the problem in `root` (read from
// `file`) describes. N != 1, dilation != 1 and unequal strides are InputErrors: cssim runs one
// sample and has one stride and no dilation.
YAML::Node TimeloopLayer(const YAML::Node& root, const std::string& file);

// A workload document of that one layer.
YAML::Node ImportTimeloopProblem(const YAML::Node& root, const std::string& file);

}  // namespace cssim
