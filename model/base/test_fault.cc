#include "model/base/test_fault.h"

#include <cstdlib>
#include <string>

#include "model/base/error.h"

namespace cssim {
namespace {

TestFault ReadTestFault() {
  const char* env = std::getenv("CSSIM_TEST_FAULT");
  const std::string name = env ? env : "";
  if (name.empty()) return TestFault::kNone;
  if (name == "corrupt-output") return TestFault::kCorruptOutput;
  if (name == "drop-mac") return TestFault::kDropMac;
  throw SimError("CSSIM_TEST_FAULT: unknown test fault '" + name +
                 "' (corrupt-output, drop-mac, or unset)");
}

}  // namespace

TestFault ActiveTestFault() {
  static const TestFault fault = ReadTestFault();
  return fault;
}

}  // namespace cssim
