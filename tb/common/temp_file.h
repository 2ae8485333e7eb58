// Scratch files for tests. ctest runs tests in parallel processes (and several builds may test
// at once), so a path shared by two tests would race: every path carries the process id.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace cssim {

inline std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/cssim_" + std::to_string(getpid()) + "_" + name;
}

// Writes `text` to `name` in a directory of the running test's own and returns its path.
inline std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::filesystem::path dir =
      TempPath(::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

}  // namespace cssim
