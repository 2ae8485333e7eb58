// Errors that leave cssim. InputError is the user's to fix (exit 2); SimError is a broken model
// invariant, i.e. a cssim bug or an impossible schedule (exit 3).
#pragma once

#include <stdexcept>
#include <string>

namespace cssim {

// Bad input. The message is one line: "<file>: <key>: <what is wrong>; allowed: <what is>".
class InputError : public std::runtime_error {
 public:
  InputError(const std::string& file, const std::string& key, const std::string& problem,
             const std::string& allowed = "")
      : std::runtime_error(Format(file, key, problem, allowed)) {}

 private:
  static std::string Format(const std::string& file, const std::string& key,
                            const std::string& problem, const std::string& allowed) {
    std::string s = file.empty() ? std::string("<input>") : file;
    if (!key.empty()) s += ": " + key;
    s += ": " + problem;
    if (!allowed.empty()) s += "; allowed: " + allowed;
    return s;
  }
};

// A model invariant that does not hold (deadlock, output mismatch, internal bug).
class SimError : public std::runtime_error {
 public:
  explicit SimError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace cssim
