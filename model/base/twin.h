// TwinUnit: a unit whose cycle behaviour comes from (or is checked against) its RTL twin,
// Verilated in SystemC mode (model/cosim). Besides Tick, the SystemC top calls it in three more
// phases of every ticked cycle; after each phase it lets the delta cycles run until the Verilated
// modules have settled:
//   Drive   before any unit ticks: present the links' start-of-cycle state to the RTL inputs
//   Tick    with every other unit: move the items the settled RTL outputs ask for (rtl), or
//           tick the model (both)
//   Edge    after every unit ticked: compare RTL and model (both); the rising clock edge
//   Settled after the edge: read the RTL's counters
// and FallingEdge half a period later (a twin may instead lower its clock in the next Drive phase,
// with its inputs). Reset runs once before cycle 0. Only the SystemC kernel can run a twin (the
// kernel-free loop refuses one).
#pragma once

#include "model/base/unit.h"

namespace cssim {

// Which implementation a block with an RTL twin runs: the C++ model, the Verilated RTL, or both
// in lockstep with a scoreboard.
enum class Impl { kModel, kRtl, kBoth };
const char* ImplName(Impl impl);

class TwinUnit : public Unit {
 public:
  virtual void SetReset(bool active) = 0;
  virtual void Drive(Cycle now) = 0;
  virtual void Edge(Cycle now) = 0;
  virtual void Settled(Cycle now) = 0;
  virtual void FallingEdge() = 0;
  // At the start of every ticked cycle: opens or closes the waveform window (if one was asked).
  virtual void Waves(Cycle now) {}
  // After the last cycle: final checks (counters); throws the first mismatch, if any.
  virtual void Finish(Cycle end) = 0;
};

}  // namespace cssim
