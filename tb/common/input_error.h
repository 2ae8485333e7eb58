// The one line a loader refuses bad input with, for tests of the messages.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "model/base/error.h"

namespace cssim {

// The what() of the InputError that `load` throws, or a test failure if it throws none.
template <typename F>
std::string InputErrorOf(F load) {
  try {
    load();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}

}  // namespace cssim
