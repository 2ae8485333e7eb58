#include "model/import/timeloop.h"

#include "model/base/error.h"

namespace cssim {
namespace {

int Dim(const YAML::Node& inst, const std::string& file, const std::string& key, bool required,
        int fallback) {
  const std::string path = "problem.instance." + key;
  const YAML::Node n = inst[key];
  if (!n) {
    if (required) throw InputError(file, path, "missing required key");
    return fallback;
  }
  long long v = 0;
  try {
    if (!n.IsScalar()) throw YAML::Exception(YAML::Mark::null_mark(), "");
    v = n.as<long long>();
  } catch (const YAML::Exception&) {
    throw InputError(file, path, "'" + (n.IsScalar() ? n.Scalar() : "?") + "' is not a number",
                     "integer 1..2147483647");
  }
  if (v < 1 || v > 2147483647)
    throw InputError(file, path, std::to_string(v) + " is out of range", "integer 1..2147483647");
  return int(v);
}

}  // namespace

bool IsTimeloopProblem(const YAML::Node& root) { return root.IsMap() && root["problem"]; }

YAML::Node TimeloopLayer(const YAML::Node& root, const std::string& file) {
  const YAML::Node problem = root["problem"];
  if (!problem.IsMap()) throw InputError(file, "problem", "expected a map");
  // v0.4 puts the sizes under `instance`; older files put them directly under `problem`.
  const YAML::Node inst = problem["instance"] ? problem["instance"] : problem;
  if (!inst.IsMap()) throw InputError(file, "problem.instance", "expected a map");
  const int C = Dim(inst, file, "C", true, 1), M = Dim(inst, file, "M", true, 1);
  const int R = Dim(inst, file, "R", true, 1), S = Dim(inst, file, "S", true, 1);
  const int P = Dim(inst, file, "P", true, 1), Q = Dim(inst, file, "Q", true, 1);
  const int N = Dim(inst, file, "N", false, 1);
  const int ws = Dim(inst, file, "Wstride", false, 1), hs = Dim(inst, file, "Hstride", false, 1);
  const int wd = Dim(inst, file, "Wdilation", false, 1);
  const int hd = Dim(inst, file, "Hdilation", false, 1);
  if (N != 1)
    throw InputError(file, "problem.instance.N", std::to_string(N) + ": cssim runs one sample",
                     "1");
  if (wd != 1 || hd != 1)
    throw InputError(file, wd != 1 ? "problem.instance.Wdilation" : "problem.instance.Hdilation",
                     std::to_string(wd != 1 ? wd : hd) + ": cssim's conv has no dilation", "1");
  if (ws != hs)
    throw InputError(file, "problem.instance.Hstride",
                     std::to_string(hs) + " differs from Wstride " + std::to_string(ws) +
                         ": cssim's conv has one stride",
                     "equal to Wstride");
  const long long w = (long long)(P - 1) * ws + R, h = (long long)(Q - 1) * hs + S;
  if (w > 2147483647 || h > 2147483647)
    throw InputError(file, "problem.instance", "the input is 2^31 or more pixels wide");
  YAML::Node l;
  std::string stem = file.substr(file.find_last_of('/') + 1);
  l["name"] = stem.substr(0, stem.rfind('.'));
  l["type"] = "conv";
  l["input"]["channels"] = C;
  l["input"]["height"] = int(h);
  l["input"]["width"] = int(w);
  l["out_channels"] = M;
  l["kernel_h"] = S;
  l["kernel_w"] = R;
  l["stride"] = ws;
  l["pad"] = 0;
  return l;
}

YAML::Node ImportTimeloopProblem(const YAML::Node& root, const std::string& file) {
  YAML::Node l = TimeloopLayer(root, file);
  YAML::Node doc;
  doc["name"] = l["name"].Scalar();
  doc["input"] = YAML::Clone(l["input"]);
  l.remove("input");
  doc["layers"].push_back(l);
  return doc;
}

}  // namespace cssim
