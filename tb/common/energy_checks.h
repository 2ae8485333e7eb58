// Checks every whole-run test wants of a result's energy accounting.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>

#include "model/top/run.h"

namespace cssim {

// The breakdowns by component, by data type and by layer each sum to the total, and each of
// `components` spent energy.
inline void ExpectEnergyAddsUp(const RunResult& r, std::initializer_list<const char*> components) {
  double by_c = 0, by_t = 0, by_layer = 0;
  for (const auto& [k, v] : r.energy.by_component) by_c += v;
  for (const auto& [k, v] : r.energy.by_datatype) by_t += v;
  for (const LayerResult& l : r.layers) by_layer += l.energy.total_pj;
  EXPECT_GT(r.energy.total_pj, 0);
  EXPECT_NEAR(by_c, r.energy.total_pj, 1e-6 * r.energy.total_pj);
  EXPECT_NEAR(by_t, r.energy.total_pj, 1e-6 * r.energy.total_pj);
  EXPECT_NEAR(by_layer, r.energy.total_pj, 1e-6 * r.energy.total_pj);
  for (const char* c : components)
    EXPECT_GT(r.energy.by_component.count(c) ? r.energy.by_component.at(c) : 0.0, 0) << c;
}

}  // namespace cssim
