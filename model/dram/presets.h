// Named DRAM configurations: each fills every DramSpec field with JEDEC-typical values.
#pragma once

#include <string>
#include <vector>

#include "model/base/dram_spec.h"

namespace cssim {

// "lpddr4", "ddr4" or "hbm2"; throws InputError for any other name.
DramSpec DramPreset(const std::string& name);
// The preset names, in the order they are documented.
std::vector<std::string> DramPresetNames();

}  // namespace cssim
