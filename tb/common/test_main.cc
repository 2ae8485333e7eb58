// libsystemc defines main() and calls sc_main, so every cssim test binary starts here.
#include <gtest/gtest.h>

#include <cstdlib>
#include <systemc>

namespace {
// SystemC prints its banner before sc_main runs: silence it during static initialisation.
const bool kQuiet = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1) == 0;
}  // namespace

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
