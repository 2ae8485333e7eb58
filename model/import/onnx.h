// ONNX models (Debian's libonnx-dev: the ModelProto protobuf), translated into cssim workload
// YAML (docs/import.md, "ONNX"): the graph's structure and shapes, not its float weights (cssim
// generates seeded int8 weights and runs one sample). A chain of Conv, Gemm, MatMul, MaxPool,
// Relu, Flatten and Reshape; anything else is an InputError naming the node and its op type.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace cssim {

YAML::Node ImportOnnx(const std::string& file);

}  // namespace cssim
