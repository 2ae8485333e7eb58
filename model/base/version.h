// The cssim version: part of every sweep point's id (model/sweep/spec.h), so that results of
// another version are never taken for this one's. Raise it with any change to what a run
// computes.
#pragma once

namespace cssim {

inline constexpr const char kCssimVersion[] = "0.2.0";

}  // namespace cssim
