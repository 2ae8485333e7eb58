// Runs an Engine's units under the SystemC kernel.
//
// Each unit is an sc_module with one SC_METHOD, sensitive to the clock-edge event; a clock
// thread notifies the edge, lets every unit method run in that evaluation phase, commits the
// links (the registered outputs of the cycle), and then waits until the next cycle in which
// something can change, so idle stretches (DRAM latency, say) cost no process activations.
// SystemC elaborates once per process: call this at most once per process.
#pragma once

#include <functional>

#include "model/base/engine.h"

namespace cssim {

Cycle RunSystemC(Engine& engine, double clock_mhz, const std::function<bool()>& done,
                 const std::function<void(Cycle)>& on_cycle);

}  // namespace cssim
