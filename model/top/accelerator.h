// Accelerator: the units of one accelerator instance, wired by Links, plus the Engine that
// ticks them. Function: DRAM <-> DMA <-> banked GLB; two compute engines fed from the GLB by
// NoC streamers: the dense PE array (input and weight buses) and the complementary-sparsity
// engine (its own input, weight and kernel-ID buses); each with an output collector/PPU back to
// the GLB; the sparse-sparse accumulate unit and the k-WTA unit on their own GLB ports; a vector
// unit for pooling; the controller sequencing the compiled Program. A run uses the array in
// dense mode and the CS engine (and, in sparse-sparse mode, the sparse-sparse unit) otherwise:
// the engine a mode leaves unused is power-gated (no idle energy). The dense array is the
// multicast PeArray or the SystolicArray, as array.topology says.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "model/base/arch_spec.h"
#include "model/base/engine.h"
#include "model/base/stats.h"
#include "model/compile/program.h"
#include "model/cosim/twin.h"
#include "model/cs/cs_engine.h"
#include "model/cs/sparse_accum.h"
#include "model/dma/dma.h"
#include "model/dram/dram.h"
#include "model/glb/glb.h"
#include "model/kwta/kwta.h"
#include "model/noc/streamer.h"
#include "model/pe/array_unit.h"
#include "model/pe/pe_array.h"
#include "model/pe/rs_array.h"
#include "model/ppu/collector.h"
#include "model/ppu/vector_unit.h"
#include "model/top/controller.h"

namespace cssim {

// The DRAM side of the DMA: a Dram's own links, or a client port of a DramMux (full chip).
struct DramPort {
  Link<DramReq>& req;
  Link<DramResp>& resp;
};

class Accelerator {
 public:
  // A stand-alone instance with its own DRAM (arch.dram), ticked by engine(). With impl rtl or
  // both, every unit the program uses that has an RTL twin runs as that twin (model/cosim).
  Accelerator(const ArchSpec& arch, const Program& program, Impl impl = Impl::kModel,
              const CosimOptions& cosim = {});
  // One instance of a full chip: its DMA talks to `dram`, which the chip owns and ticks; the
  // chip registers the instance's units with its own Engine (AddTo).
  Accelerator(const ArchSpec& arch, const Program& program, DramPort dram,
              const std::string& stats_name);

  // Registers every unit and link of the instance (and its DRAM, if it owns one) with `e`;
  // unit names get `prefix` (e.g. "inst3.").
  void AddTo(Engine& e, const std::string& prefix);

  StatGroup& stats() { return root_; }
  Engine& engine() { return engine_; }
  Dram& dram() { return *dram_; }  // stand-alone instances only
  // The dense engine of this arch: a PeArray (multicast, ws/os), an RsArray (multicast, rs) or
  // a SystolicArray (array.topology systolic). All take their operands from the input and
  // weight streamers and give their sums to the same collector.
  ArrayUnit& array() { return *array_; }
  int dense_pe_count() const { return array_->pe_count(); }
  uint64_t dense_macs() const { return array_->macs(); }
  void AddDenseIdle(uint64_t pe_cycles) { array_->AddIdle(pe_cycles); }
  CsEngine& cs() { return cs_; }
  SparseAccum& ss() { return ss_; }
  Controller& controller() { return controller_; }
  Dma& dma() { return dma_; }

  // What the unit running `engine`'s ops did so far and how it is blocked, for the cycle
  // account (model/top/cycle_account.h). Cumulative counts: the account takes differences.
  struct EngineSignals {
    uint64_t busy = 0;         // MACs or gated slots (array, CS, sparse-sparse), elements (vector)
    Cycle last_lost = kNever;  // the last cycle one of its own GLB ports lost its bank
    bool conflict_wait = false;  // an operand streamer of it waits on a conflict-delayed read
    bool out_full = false;       // its output cannot move on (the collector link, or the GLB port
                                 // queue, is full)
  };
  EngineSignals Signals(OpEngine engine);
  // The twins standing in for model units (empty with Impl::kModel).
  const std::vector<std::unique_ptr<Twin>>& twins() const { return twins_; }

 private:
  Accelerator(const ArchSpec& arch, const Program& program, std::unique_ptr<Dram> own,
              DramPort* port, const std::string& stats_name);
  // Registers `u`, or the twin `t` in its place when there is one.
  void AddUnit(Engine& e, Unit* u, std::unique_ptr<Twin> t, const std::string& name);

  StatGroup root_;
  std::unique_ptr<Dram> dram_;  // null in a full chip
  Glb glb_;
  Glb::Port& dma_port_;
  Glb::Port& input_port_;
  Glb::Port& weight_port_;
  Glb::Port& collect_port_;
  Glb::Port& cs_input_port_;
  Glb::Port& cs_weight_port_;
  Glb::Port& cs_id_port_;
  Glb::Port& cs_collect_port_;
  Glb::Port& ss_port_;
  Glb::Port& kwta_port_;
  Glb::Port& vector_port_;
  Dma dma_;
  Streamer input_;
  Streamer weight_;
  std::unique_ptr<ArrayUnit> array_;
  Collector collector_;
  Streamer cs_input_;
  Streamer cs_weight_;
  Streamer cs_id_;
  CsEngine cs_;
  Collector cs_collector_;
  SparseAccum ss_;
  Kwta kwta_;
  VectorUnit vector_;
  Controller controller_;
  Impl impl_ = Impl::kModel;
  CosimOptions cosim_;
  std::array<bool, kOpEngineCount> uses_ = {};  // per OpEngine: the program has an op on it
  std::vector<std::unique_ptr<Twin>> twins_;
  Engine engine_;
};

}  // namespace cssim
