// libFuzzer target for one reader of model/import (tools/fuzz builds it once per reader with
// -DCSSIM_FUZZ_<READER>): any input must give a document or an InputError, never a crash, a
// hang, a leak or a sanitizer report. The input goes through a file because the readers take a
// path (and the extension is how cssim knows the format).
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "model/base/error.h"
#include "model/import/onnx.h"
#include "model/import/scalesim.h"
#include "model/import/timeloop.h"

namespace {

#if defined(CSSIM_FUZZ_SCALESIM_CSV)
constexpr const char* kExt = ".csv";
#elif defined(CSSIM_FUZZ_SCALESIM_CFG)
constexpr const char* kExt = ".cfg";
#elif defined(CSSIM_FUZZ_TIMELOOP)
constexpr const char* kExt = ".yaml";
#else
constexpr const char* kExt = ".onnx";
#endif

void Read(const std::string& path) {
#if defined(CSSIM_FUZZ_SCALESIM_CSV)
  cssim::ImportScaleSimTopology(path);
#elif defined(CSSIM_FUZZ_SCALESIM_CFG)
  cssim::ImportScaleSimConfig(path);
#elif defined(CSSIM_FUZZ_TIMELOOP)
  YAML::Node doc;
  try {
    doc = YAML::LoadFile(path);
  } catch (const YAML::Exception&) {
    return;  // not YAML: the loader reports it (model/config)
  }
  try {
    if (cssim::IsTimeloopProblem(doc)) cssim::ImportTimeloopProblem(doc, path);
  } catch (const YAML::Exception&) {
  }  // model/config turns these into an InputError too
#else
  cssim::ImportOnnx(path);
#endif
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/cssim-fuzz-" + std::to_string(getpid()) + std::string(kExt);
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), std::streamsize(size));
  }
  try {
    Read(path);
  } catch (const cssim::InputError&) {
  }
  return 0;
}
