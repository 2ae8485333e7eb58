// Small text and file helpers that several folders need: exact number text, CSV fields, whole
// files written plainly or atomically. Errors are InputErrors naming the file.
#pragma once

#include <filesystem>
#include <string>

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

}  // namespace cssim
