#include "model/sweep/pareto.h"

#include <cmath>

#include "model/base/error.h"

namespace cssim::sweep {

Objective ParseObjective(const std::string& text, const std::string& what) {
  Objective o;
  const size_t colon = text.rfind(':');
  o.metric = text.substr(0, colon);
  if (colon != std::string::npos) {
    const std::string dir = text.substr(colon + 1);
    if (dir == "max")
      o.maximize = true;
    else if (dir != "min")
      throw InputError("", what, "'" + text + "': direction '" + dir + "'",
                       "METRIC, METRIC:min or METRIC:max");
  }
  if (o.metric.empty())
    throw InputError("", what, "'" + text + "': no metric", "METRIC, METRIC:min or METRIC:max");
  return o;
}

namespace {

bool HasNan(const std::vector<double>& row) {
  for (double v : row)
    if (std::isnan(v)) return true;
  return false;
}

// a at least as good as b everywhere and strictly better somewhere.
bool Dominates(const std::vector<double>& a, const std::vector<double>& b,
               const std::vector<bool>& maximize) {
  bool better = false;
  for (size_t j = 0; j < a.size(); ++j) {
    const double x = maximize[j] ? a[j] : -a[j], y = maximize[j] ? b[j] : -b[j];
    if (x < y) return false;
    better |= x > y;
  }
  return better;
}

}  // namespace

std::vector<size_t> ParetoFront(const std::vector<std::vector<double>>& values,
                                const std::vector<bool>& maximize) {
  std::vector<bool> valid(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    valid[i] = values[i].size() == maximize.size() && !HasNan(values[i]);
  std::vector<size_t> front;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!valid[i]) continue;
    bool dominated = false;
    for (size_t k = 0; k < values.size() && !dominated; ++k)
      dominated = k != i && valid[k] && Dominates(values[k], values[i], maximize);
    if (!dominated) front.push_back(i);
  }
  return front;
}

}  // namespace cssim::sweep
