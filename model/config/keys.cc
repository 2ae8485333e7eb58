#include "model/config/keys.h"

#include <limits>

namespace cssim {

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) s += (i ? sep : "") + items[i];
  return s;
}

namespace {

std::string RangeText(const std::string& what, double min, double max) {
  if (max >= kInt64Max) return what + " >= " + FormatDouble(min);
  const std::string hi = max == kIntMax ? "2^31-1" : FormatDouble(max);
  return what + " " + FormatDouble(min) + ".." + hi;
}

// The fields every def has; the checks are set by the callers below.
ParamDef Make(std::string kind, std::string key, std::string type, std::string unit,
              std::string default_value, std::string allowed, std::string description) {
  ParamDef d;
  d.file_kind = std::move(kind);
  d.key = std::move(key);
  d.type = std::move(type);
  d.unit = std::move(unit);
  d.default_value = std::move(default_value);
  d.allowed = std::move(allowed);
  d.description = std::move(description);
  return d;
}

}  // namespace

ParamDef IntDef(std::string kind, std::string key, std::string unit, std::string default_value,
                double min, double max, std::string description) {
  ParamDef d =
      Make(std::move(kind), std::move(key), "int", std::move(unit), std::move(default_value),
           RangeText("integer", min, max), std::move(description));
  d.min = min;
  d.max = max;
  return d;
}

ParamDef Pow2Def(std::string kind, std::string key, std::string unit, std::string default_value,
                 double min, double max, std::string description) {
  ParamDef d = IntDef(std::move(kind), std::move(key), std::move(unit), std::move(default_value),
                      min, max, std::move(description));
  d.power_of_two = true;
  d.allowed = RangeText("power of two", min, max);
  return d;
}

ParamDef FloatDef(std::string kind, std::string key, std::string unit, std::string default_value,
                  double min, double max, std::string description) {
  ParamDef d =
      Make(std::move(kind), std::move(key), "float", std::move(unit), std::move(default_value),
           RangeText("number", min, max), std::move(description));
  d.min = min;
  d.max = max;
  return d;
}

ParamDef EnumDef(std::string kind, std::string key, std::string default_value,
                 std::vector<std::string> choices, std::string description) {
  ParamDef d = Make(std::move(kind), std::move(key), "enum", "-", std::move(default_value),
                    Join(choices, " | "), std::move(description));
  d.choices = std::move(choices);
  return d;
}

ParamDef TextDef(std::string kind, std::string key, std::string description) {
  ParamDef d = Make(std::move(kind), std::move(key), "string", "-", "", "non-empty text",
                    std::move(description));
  d.min = 1;
  return d;
}

ParamDef ContainerDef(std::string kind, std::string key, std::string type,
                      std::string description) {
  std::string allowed = type + " of maps";
  return Make(std::move(kind), std::move(key), std::move(type), "-", "", std::move(allowed),
              std::move(description));
}

ParamDef ForTypes(ParamDef d, std::string applies_to) {
  d.applies_to = std::move(applies_to);
  return d;
}

std::pair<std::string, std::string> SplitKey(const std::string& key, const std::string& prefix) {
  const std::string rest = prefix.empty() ? key : key.substr(prefix.size() + 1);
  const size_t dot = rest.find('.');
  if (dot == std::string::npos) return {"", rest};
  return {rest.substr(0, dot), rest.substr(dot + 1)};
}

}  // namespace cssim
