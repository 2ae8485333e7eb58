// The Pareto front of a sweep's points over chosen metrics (`cssim sweep pareto`): the points
// that no other point beats on every metric at once.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace cssim::sweep {

// One metric to optimise: a column of the sweep's points table and its direction.
struct Objective {
  std::string metric;
  bool maximize = false;
};

// "energy_per_inference_pj:min" or "inferences_per_s:max"; a metric alone means min. Anything
// else (an empty metric, another direction) is an InputError naming `what` (the option) and
// the forms allowed.
Objective ParseObjective(const std::string& text, const std::string& what);

// The rows of `values` (one row per point, one column per objective, `maximize[j]` the
// direction of column j) that no other row dominates, in input order. Row a dominates row b
// when a is at least as good as b in every column and strictly better in one; rows equal in
// every column do not dominate each other, so all of them stay. A row with a NaN (a metric the
// point does not have) is never on the front and dominates nothing. O(n^2 m): a sweep of ten
// thousand points takes well under a second.
std::vector<size_t> ParetoFront(const std::vector<std::vector<double>>& values,
                                const std::vector<bool>& maximize);

}  // namespace cssim::sweep
