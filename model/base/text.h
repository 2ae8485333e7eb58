// Small text and file helpers that several folders need: exact number text, CSV fields, whole
// files written plainly or atomically, directories removed however a command ends. Errors are
// InputErrors naming the file.
#pragma once

#include <filesystem>
#include <string>
#include <utility>

namespace cssim {

// Shortest text that reads back as the same double (std::to_chars): reproducible and readable.
std::string ShortestDouble(double v);

// RFC 4180: a field holding a comma, quote or line break is quoted, quotes doubled.
std::string CsvField(const std::string& s);

// Writes `text` to `path` (replacing it); `what` names the file in the error ("the point's
// file").
void WriteFile(const std::filesystem::path& path, const std::string& text,
               const std::string& what = "the file");

// Writes `text` to `path` whole or not at all: into `<path>.tmp-<pid>`, then renamed over it.
void WriteFileAtomically(const std::filesystem::path& path, const std::string& text);

// Removes a directory tree when it goes out of scope, unless released: a temporary directory
// goes however a command ends, and no partial output survives an error.
class RemoveTreeOnExit {
 public:
  explicit RemoveTreeOnExit(std::filesystem::path path = {}) : path_(std::move(path)) {}
  RemoveTreeOnExit(const RemoveTreeOnExit&) = delete;
  RemoveTreeOnExit& operator=(const RemoveTreeOnExit&) = delete;
  ~RemoveTreeOnExit();
  const std::filesystem::path& path() const { return path_; }
  void Release() { path_.clear(); }  // keep the tree

 private:
  std::filesystem::path path_;
};

// A new empty directory "<prefix>XXXXXX" in the system's temporary directory; SimError if it
// cannot be made.
std::filesystem::path MakeTempDir(const std::string& prefix);

}  // namespace cssim
