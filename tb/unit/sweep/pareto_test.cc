#include "model/sweep/pareto.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "model/base/error.h"

namespace cssim::sweep {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// Energy per inference (min) against inferences per second (max), worked by hand:
//   0 A (10, 5)  B has less energy at the same rate: dominated
//   1 B ( 8, 5)  C has the same energy at a higher rate: dominated
//   2 C ( 8, 6)  only D is faster, and D costs more: on the front
//   3 D (12, 7)  nothing valid is faster: on the front
//   4 E ( 8, 6)  equal to C; equal rows do not dominate each other: on the front
//   5 F (NaN, 100)  a missing metric: never on the front, and dominates nothing (else D falls)
TEST(Pareto, TwoObjectivesMixedDirections) {
  const std::vector<std::vector<double>> rows = {{10, 5}, {8, 5}, {8, 6},
                                                 {12, 7}, {8, 6}, {kNan, 100}};
  EXPECT_EQ(ParetoFront(rows, {false, true}), (std::vector<size_t>{2, 3, 4}));
}

// One objective: the front is every row at the minimum.
TEST(Pareto, OneObjectiveKeepsEveryRowAtTheBest) {
  EXPECT_EQ(ParetoFront({{3}, {1}, {2}, {1}}, {false}), (std::vector<size_t>{1, 3}));
  EXPECT_EQ(ParetoFront({{3}, {1}, {2}, {1}}, {true}), (std::vector<size_t>{0}));
}

// Each row is best in one of three columns (all minimised), so none dominates another.
TEST(Pareto, TradeOffsInThreeColumnsAllStay) {
  EXPECT_EQ(ParetoFront({{1, 2, 3}, {2, 1, 3}, {3, 3, 1}}, {false, false, false}),
            (std::vector<size_t>{0, 1, 2}));
  // A fourth row worse than row 0 in every column leaves the front unchanged.
  EXPECT_EQ(ParetoFront({{1, 2, 3}, {2, 1, 3}, {3, 3, 1}, {1, 2, 4}}, {false, false, false}),
            (std::vector<size_t>{0, 1, 2}));
}

TEST(Pareto, EmptyInputHasAnEmptyFront) { EXPECT_TRUE(ParetoFront({}, {false}).empty()); }

TEST(Pareto, ParsesObjectives) {
  const Objective a = ParseObjective("inferences_per_s:max", "--metric");
  EXPECT_EQ(a.metric, "inferences_per_s");
  EXPECT_TRUE(a.maximize);
  const Objective b = ParseObjective("energy_per_inference_pj", "--metric");
  EXPECT_EQ(b.metric, "energy_per_inference_pj");
  EXPECT_FALSE(b.maximize);
  EXPECT_FALSE(ParseObjective("multipliers:min", "--metric").maximize);
}

TEST(Pareto, RefusesBadObjectivesInOneLine) {
  auto message = [](const std::string& text) {
    try {
      ParseObjective(text, "--metric");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("cycles:up"),
            "<input>: --metric: 'cycles:up': direction 'up'; allowed: METRIC, METRIC:min or "
            "METRIC:max");
  EXPECT_EQ(message(":max"),
            "<input>: --metric: ':max': no metric; allowed: METRIC, METRIC:min or METRIC:max");
}

}  // namespace
}  // namespace cssim::sweep
