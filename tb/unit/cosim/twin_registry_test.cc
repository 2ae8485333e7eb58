// The registry of twins (model/cosim/factory.h) against the configuration CMake built it from:
// CSSIM_TEST_RTL_ONLY is CSSIM_RTL_ONLY ("all", "none" or a list of tops) and
// CSSIM_TEST_RTL_TREE every block of the tree (rtl/*/*.counters, in path order), both
// comma-separated. The build's blocks are those of the tree that CSSIM_RTL_ONLY selects; the
// registry must list exactly those, in the tree's order, with a regression and a twin factory
// each, and no other block.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "model/cosim/factory.h"
#include "model/cosim/regress.h"
#include "model/cosim/twin_headers.h"

namespace cssim {
namespace {

std::vector<std::string> Split(const std::string& csv) {
  std::vector<std::string> out;
  std::stringstream ss(csv);
  for (std::string s; std::getline(ss, s, ',');)
    if (!s.empty()) out.push_back(s);
  return out;
}

bool Contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// The blocks the configuration asks for.
std::vector<std::string> Configured() {
  const std::string only = CSSIM_TEST_RTL_ONLY;
  std::vector<std::string> out;
  for (const std::string& top : Split(CSSIM_TEST_RTL_TREE))
    if (only == "all" || Contains(Split(only), top)) out.push_back(top);
  return out;
}

TEST(TwinRegistry, TheTreeHasBlocks) {
  // A guard on the test's own input: CMake found the tree's blocks.
  EXPECT_FALSE(Split(CSSIM_TEST_RTL_TREE).empty());
}

TEST(TwinRegistry, ListsExactlyTheConfiguredBlocks) {
  EXPECT_EQ(RtlBlocks(), Configured()) << "CSSIM_RTL_ONLY " << CSSIM_TEST_RTL_ONLY;
}

TEST(TwinRegistry, EveryBuiltBlockHasItsRegressionAndNoOtherBlockHasOne) {
  const std::vector<std::string> built = Configured();
  for (const std::string& top : Split(CSSIM_TEST_RTL_TREE)) {
    const BlockRegress* r = FindBlockRegress(top);
    if (Contains(built, top)) {
      ASSERT_NE(r, nullptr) << top;
      EXPECT_EQ(std::string(r->block), top);
      EXPECT_NE(r->run, nullptr) << top;
    } else {
      EXPECT_EQ(r, nullptr) << top;
    }
  }
  EXPECT_EQ(FindBlockRegress("no_such_block"), nullptr);
  EXPECT_EQ(FindBlockRegress(""), nullptr);
}

TEST(TwinRegistry, EveryBuiltBlockHasATwinFactoryAndNoOtherBlockHasOne) {
  const std::vector<std::string> built = Configured();
  int rows = 0;
#define CSSIM_TWIN(top, Camel)                \
  ++rows;                                     \
  EXPECT_TRUE(Contains(built, #top)) << #top; \
  EXPECT_NE(k##Camel##Twin, nullptr) << #top; \
  EXPECT_EQ(k##Camel##Twin, &Make##Camel##Twin) << #top;
#define CSSIM_NO_TWIN(top, Camel)              \
  ++rows;                                      \
  EXPECT_FALSE(Contains(built, #top)) << #top; \
  EXPECT_EQ(k##Camel##Twin, nullptr) << #top;
#include "model/cosim/twin_list.inc"
#undef CSSIM_TWIN
#undef CSSIM_NO_TWIN
  EXPECT_EQ(size_t(rows), Split(CSSIM_TEST_RTL_TREE).size());
}

}  // namespace
}  // namespace cssim
