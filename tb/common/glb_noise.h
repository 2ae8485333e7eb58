// A competing GLB client for sc tests: random word reads on its own port, and responses popped
// only now and then, so it steals banks from the unit under test and back-pressures the GLB
// (random timing the unit must not depend on).
#pragma once

#include <cstdint>
#include <random>

#include "model/base/unit.h"
#include "model/glb/glb.h"

namespace cssim {

class GlbNoise : public Unit {
 public:
  // Reads aligned `align`-byte addresses below `glb_bytes`.
  GlbNoise(Glb::Port& port, uint32_t glb_bytes, uint64_t seed, uint32_t align = 8)
      : port_(port), slots_(glb_bytes / align), align_(align) {
    rng_.seed(seed);
  }
  void Tick(Cycle) override {
    if (port_.resp.CanPop() && rng_() % 2 == 0) port_.resp.Pop();
    if (port_.req.CanPush() && rng_() % 3 != 0) {
      GlbReq r;
      r.addr = uint32_t(rng_() % slots_) * align_;
      port_.req.Push(r);
    }
  }
  Cycle NextEvent(Cycle now) const override { return now + 1; }

 private:
  Glb::Port& port_;
  uint32_t slots_, align_;
  std::mt19937_64 rng_;
};

}  // namespace cssim
