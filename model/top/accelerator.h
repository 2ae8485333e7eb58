// Accelerator: the units of one dense accelerator instance, wired by Links, plus the Engine
// that ticks them. Function: DRAM <-> DMA <-> banked GLB -> NoC streamers (input, weight
// buses) -> PE array -> output collector/PPU -> GLB; a vector unit for pooling; the controller
// sequencing the compiled Program.
#pragma once

#include <memory>

#include "model/base/arch_spec.h"
#include "model/base/engine.h"
#include "model/base/stats.h"
#include "model/compile/program.h"
#include "model/dma/dma.h"
#include "model/dram/dram.h"
#include "model/glb/glb.h"
#include "model/noc/streamer.h"
#include "model/pe/pe_array.h"
#include "model/ppu/collector.h"
#include "model/ppu/vector_unit.h"
#include "model/top/controller.h"

namespace cssim {

class Accelerator {
 public:
  Accelerator(const ArchSpec& arch, const Program& program);

  StatGroup& stats() { return root_; }
  Engine& engine() { return engine_; }
  Dram& dram() { return dram_; }
  PeArray& array() { return array_; }
  Controller& controller() { return controller_; }
  Dma& dma() { return dma_; }

 private:
  StatGroup root_;
  Dram dram_;
  Glb glb_;
  Glb::Port& dma_port_;
  Glb::Port& input_port_;
  Glb::Port& weight_port_;
  Glb::Port& collect_port_;
  Glb::Port& vector_port_;
  Dma dma_;
  Streamer input_;
  Streamer weight_;
  PeArray array_;
  Collector collector_;
  VectorUnit vector_;
  Controller controller_;
  Engine engine_;
};

}  // namespace cssim
