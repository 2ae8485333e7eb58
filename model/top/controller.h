// Controller: walks the Program and feeds each unit its commands.
//
// Per op, tile after tile, with double buffering: the loads of tile i+1 go to the DMA as soon
// as tile i's loads are issued and the GLB half of tile i+1 is free (tile i-1's stores done);
// the passes of tile i are queued on the streamers, the array and the collector once its loads
// are done; its stores once every pass (or vector command) has finished. One command per link
// per cycle. Layers run one after the other: an op starts when the previous op's stores are done.
// A tile's work is array or CS passes, vector, k-WTA or sparse-sparse commands; every unit
// reports each finished command on its done link, in order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/base/link.h"
#include "model/base/unit.h"
#include "model/compile/program.h"
#include "model/dma/dma.h"
#include "model/pe/pe_array.h"
#include "model/ppu/collector.h"
#include "model/ppu/vector_unit.h"

namespace cssim {

// The command side of one compute engine fed by streamers (the PE array, or the CS engine).
struct EnginePorts {
  Link<StreamCmd>& input_cmd;
  Link<StreamCmd>& weight_cmd;
  Link<StreamCmd>* id_cmd;  // CS only: the kernel-ID stream
  Link<ArrayCmd>& array_cmd;
  Link<CollectCmd>& collect_cmd;
  Link<uint32_t>& collect_done;
};

struct ControllerPorts {
  Link<DmaJob>& dma_cmd;
  Link<uint32_t>& dma_done;
  EnginePorts array;
  EnginePorts cs;
  Link<VectorCmd>& vector_cmd;
  Link<uint32_t>& vector_done;
  Link<KwtaCmd>& kwta_cmd;
  Link<uint32_t>& kwta_done;
  Link<SsCmd>& ss_cmd;
  Link<uint32_t>& ss_done;
};

class Controller : public Unit {
 public:
  Controller(const Program& program, ControllerPorts ports);

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override { return progress_ ? now + 1 : kNever; }
  std::string DebugState() const override;

  bool done() const { return op_ >= program_.ops.size(); }
  size_t ops_done() const { return op_; }

  // What the current op waits for, after this cycle (read by model/top/cycle_account.h).
  struct Status {
    bool work_in_flight = false;  // a pass or command is with its unit, not yet reported done
    bool dram_pending = false;    // loads the next work needs, or stores the op's end needs
  };
  Status status() const;

 private:
  struct TileState {
    size_t loads_issued = 0, loads_done = 0;
    size_t work_issued = 0, work_done = 0;  // passes or vector commands
    size_t stores_issued = 0, stores_done = 0;
  };
  void StartOp();
  bool IssueDma(size_t tile, bool store);
  bool IssueWork(const Tile& t,
                 size_t index);  // work item `index` of tile t, if its unit can take it
  void CountDone(Link<uint32_t>& done);
  static size_t WorkItems(const Tile& t);

  const Program& program_;
  ControllerPorts p_;
  size_t op_ = 0;
  bool op_started_ = false;
  std::vector<TileState> tiles_;
  std::vector<std::pair<size_t, bool>> dma_jobs_;  // job id -> (tile, is store)
  size_t next_load_tile_ = 0, next_work_tile_ = 0;
  size_t done_tile_ = 0;  // tile of the next done token (an op's work runs on one unit)
  size_t finished_ = 0;   // tiles [0, finished_) have done their work and stores
  // Over the current op, for status(): work items issued and done, store jobs issued and done.
  size_t work_issued_ = 0, work_done_ = 0, stores_issued_ = 0, stores_done_ = 0;
  bool progress_ = false;
};

}  // namespace cssim
