// Tests of the cssim binary ($CSSIM_BIN, set by CMake for every test): CliFixture runs it with
// arguments and gives its exit code, stdout and stderr, in a scratch directory of the test's
// own (ctest runs tests in parallel processes), removed after the test.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace cssim {

struct CliResult {
  int exit_code = -1;
  std::string out, err;
};

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream os;
  os << f.rdbuf();
  return os.str();
}

inline std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class CliFixture : public ::testing::Test {
 protected:
  // The scratch directory is <temp>/<prefix>-XXXXXX. run_in_dir: the binary runs in it (relative
  // paths name its files); otherwise in the test's working directory.
  CliFixture(std::string prefix, bool run_in_dir)
      : prefix_(std::move(prefix)), run_in_dir_(run_in_dir) {}

  void SetUp() override {
    const char* bin = std::getenv("CSSIM_BIN");
    ASSERT_NE(bin, nullptr) << "CSSIM_BIN must name the cssim binary";
    bin_ = bin;
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix_ + "-XXXXXX")).string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  CliResult Cli(const std::vector<std::string>& args) {
    std::string cmd = ShellQuote(bin_);
    if (run_in_dir_) cmd = "cd " + ShellQuote(dir_.string()) + " && " + cmd;
    for (const std::string& a : args) cmd += " " + ShellQuote(a);
    const std::filesystem::path out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
    cmd += " >" + ShellQuote(out.string()) + " 2>" + ShellQuote(err.string());
    const int status = std::system(cmd.c_str());
    CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadFile(out);
    r.err = ReadFile(err);
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    return r;
  }

  // A path in the scratch directory.
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  // Writes `text` to `name` in the scratch directory; returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return Path(name);
  }

  std::string bin_;
  std::filesystem::path dir_;

 private:
  std::string prefix_;
  bool run_in_dir_;
};

}  // namespace cssim
