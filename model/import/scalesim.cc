#include "model/import/scalesim.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "model/base/error.h"

namespace cssim {
namespace {

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string Lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> SplitFields(const std::string& line) {
  std::vector<std::string> f;
  std::string cur;
  std::istringstream is(line);
  while (std::getline(is, cur, ',')) f.push_back(Trim(cur));
  if (!line.empty() && line.back() == ',') f.push_back("");
  while (!f.empty() && f.back().empty()) f.pop_back();  // the trailing comma SCALE-Sim writes
  return f;
}

std::vector<std::string> Lines(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file, "", "cannot open file");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// A positive integer field below 2^31.
int Positive(const std::string& file, const std::string& where, const std::string& text) {
  int v = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end || v < 1)
    throw InputError(file, where, "'" + text + "' is not a whole number", "integer 1..2147483647");
  return v;
}

YAML::Node Shape(int c, int h, int w) {
  YAML::Node n;
  n["channels"] = c;
  n["height"] = h;
  n["width"] = w;
  return n;
}

const std::vector<std::string> kConvColumns = {"layer name",    "ifmap height", "ifmap width",
                                               "filter height", "filter width", "channels",
                                               "num filter",    "strides"};
const std::vector<std::string> kGemmColumns = {"layer", "m", "n", "k"};

}  // namespace

YAML::Node ImportScaleSimTopology(const std::string& file) {
  const std::vector<std::string> lines = Lines(file);
  size_t at = 0;
  while (at < lines.size() && SplitFields(lines[at]).empty()) ++at;
  if (at == lines.size())
    throw InputError(file, "", "no header line",
                     "a SCALE-Sim topology: 'Layer name, IFMAP Height, IFMAP Width, Filter "
                     "Height, Filter Width, Channels, Num Filter, Strides,' or 'Layer, M, N, K,'");
  std::vector<std::string> header = SplitFields(lines[at]);
  for (std::string& h : header) h = Lower(h);
  const bool gemm = header.size() == 4 && (header[0] == "layer" || header[0] == "layer name") &&
                    header[1] == "m" && header[2] == "n" && header[3] == "k";
  if (!gemm && header != kConvColumns)
    throw InputError(file, "line " + std::to_string(at + 1), "unknown header '" + lines[at] + "'",
                     "'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                     "Channels, Num Filter, Strides,' or 'Layer, M, N, K,'");
  const std::vector<std::string>& names =
      gemm
          ? std::vector<std::string>{"Layer", "M", "N", "K"}
          : std::vector<std::string>{"Layer name",   "IFMAP Height", "IFMAP Width", "Filter Height",
                                     "Filter Width", "Channels",     "Num Filter",  "Strides"};
  YAML::Node doc;
  std::string stem = file.substr(file.find_last_of('/') + 1);
  stem = stem.substr(0, stem.rfind('.'));
  doc["name"] = stem;
  YAML::Node layers(YAML::NodeType::Sequence);
  std::set<std::string> seen;
  for (size_t i = at + 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = SplitFields(lines[i]);
    if (f.empty()) continue;
    const std::string line = "line " + std::to_string(i + 1);
    if (f.size() != names.size())
      throw InputError(
          file, line,
          std::to_string(f.size()) + " fields, the header has " + std::to_string(names.size()),
          "one value per column: " + [&] {
            std::string s;
            for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
            return s;
          }());
    const std::string& name = f[0];
    if (name.empty()) throw InputError(file, line + " (" + names[0] + ")", "empty layer name");
    if (!seen.insert(name).second)
      throw InputError(file, line + " (" + names[0] + ")", "duplicate layer name '" + name + "'",
                       "a name used once");
    std::vector<int> v(f.size(), 0);
    for (size_t j = 1; j < f.size(); ++j) v[j] = Positive(file, line + " (" + names[j] + ")", f[j]);
    YAML::Node l;
    l["name"] = name;
    l["type"] = "conv";
    if (gemm) {  // M x K times K x N: a 1 x K filter over a 1-channel M x K map (SCALE-Sim's own)
      const int m = v[1], n = v[2], k = v[3];
      l["input"] = Shape(1, m, k);
      l["out_channels"] = n;
      l["kernel_h"] = 1;
      l["kernel_w"] = k;
    } else {
      const int h = v[1], w = v[2], fh = v[3], fw = v[4], c = v[5], n = v[6], s = v[7];
      if (fh > h)
        throw InputError(file, line + " (Filter Height)",
                         std::to_string(fh) + " exceeds the IFMAP Height " + std::to_string(h),
                         "1.." + std::to_string(h) + " (SCALE-Sim's IFMAP is already padded)");
      if (fw > w)
        throw InputError(file, line + " (Filter Width)",
                         std::to_string(fw) + " exceeds the IFMAP Width " + std::to_string(w),
                         "1.." + std::to_string(w) + " (SCALE-Sim's IFMAP is already padded)");
      l["input"] = Shape(c, h, w);
      l["out_channels"] = n;
      if (fh == fw) {
        l["kernel"] = fh;
      } else {
        l["kernel_h"] = fh;
        l["kernel_w"] = fw;
      }
      l["stride"] = s;
    }
    l["pad"] = 0;
    layers.push_back(l);
  }
  if (layers.size() == 0) throw InputError(file, "", "no layer rows after the header");
  // The network input is the first layer's; that layer reads it, so it carries no input key.
  doc["input"] = YAML::Clone(layers[0]["input"]);
  layers[0].remove("input");
  doc["layers"] = layers;
  return doc;
}

namespace {

// section -> key -> (value, line); keys as written (SCALE-Sim's configparser folds case).
using Ini = std::map<std::string, std::map<std::string, std::pair<std::string, size_t>>>;

Ini ReadIni(const std::string& file) {
  Ini ini;
  std::string section;
  const std::vector<std::string> lines = Lines(file);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string t = Trim(lines[i]);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    const std::string where = "line " + std::to_string(i + 1);
    if (t.front() == '[') {
      if (t.back() != ']') throw InputError(file, where, "unclosed section '" + t + "'");
      section = Lower(Trim(t.substr(1, t.size() - 2)));
      continue;
    }
    const size_t sep = t.find_first_of(":=");
    if (sep == std::string::npos || section.empty())
      throw InputError(file, where, "expected 'key: value' inside a [section]", "");
    const std::string key = Lower(Trim(t.substr(0, sep)));
    if (!ini[section].emplace(key, std::make_pair(Trim(t.substr(sep + 1)), i + 1)).second)
      throw InputError(file, section + "." + key, "duplicate key");
  }
  return ini;
}

}  // namespace

YAML::Node ImportScaleSimConfig(const std::string& file) {
  const Ini ini = ReadIni(file);
  const auto get = [&](const std::string& section, const std::string& key,
                       bool required) -> std::string {
    const auto s = ini.find(section);
    if (s != ini.end()) {
      const auto k = s->second.find(Lower(key));
      if (k != s->second.end()) return k->second.first;
    }
    if (required) throw InputError(file, section + "." + key, "missing required key");
    return "";
  };
  const std::string ap = "architecture_presets";
  const auto positive = [&](const std::string& key) {
    return Positive(file, ap + "." + key, get(ap, key, true));
  };
  const int rows = positive("ArrayHeight"), cols = positive("ArrayWidth");
  const int64_t sram =
      int64_t(positive("IfmapSramSzkB")) + positive("FilterSramSzkB") + positive("OfmapSramSzkB");
  const std::string dataflow = Lower(get(ap, "Dataflow", true));
  if (dataflow != "os" && dataflow != "ws" && dataflow != "is")
    throw InputError(file, ap + ".Dataflow", "unknown value '" + dataflow + "'", "os | ws | is");
  // Read and checked, with no place in cssim (docs/import.md says why).
  for (const char* key : {"IfmapOffset", "FilterOffset", "OfmapOffset"}) {
    const std::string v = get(ap, key, false);
    if (!v.empty() && v != "0") Positive(file, ap + "." + key, v);
  }
  for (const char* key : {"Bandwidth", "MemoryBanks"}) {
    const std::string v = get(ap, key, false);
    if (!v.empty()) Positive(file, ap + "." + key, v);
  }
  std::string name = get("general", "run_name", false);
  if (name.empty()) {
    name = file.substr(file.find_last_of('/') + 1);
    name = name.substr(0, name.rfind('.'));
  }
  // Only what the cfg says; model/config lays it over the built-in scalesim-32x32 (the rest of
  // the arch) and rounds the GLB up to whole rows of its banks.
  YAML::Node doc;
  doc["name"] = name;
  doc["array"]["rows"] = rows;
  doc["array"]["cols"] = cols;
  doc["array"]["dataflow"] = dataflow;
  doc["array"]["topology"] = "systolic";
  doc["glb"]["size_kib"] = sram;
  return doc;
}

}  // namespace cssim
