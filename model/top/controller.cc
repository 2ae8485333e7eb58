#include "model/top/controller.h"

#include <sstream>

namespace cssim {

Controller::Controller(const Program& program, ControllerPorts ports)
    : program_(program), p_(ports) {}

void Controller::StartOp() {
  tiles_.assign(program_.ops[op_].tiles.size(), TileState{});
  next_load_tile_ = next_work_tile_ = 0;
  collect_tile_ = vector_tile_ = 0;
  op_started_ = true;
}

bool Controller::IssueDma(size_t tile, bool store) {
  const Tile& t = program_.ops[op_].tiles[tile];
  TileState& s = tiles_[tile];
  const std::vector<DmaCmd>& cmds = store ? t.stores : t.loads;
  size_t& issued = store ? s.stores_issued : s.loads_issued;
  if (issued >= cmds.size() || !p_.dma_cmd.CanPush()) return false;
  DmaJob job;
  job.cmd = cmds[issued];
  job.id = uint32_t(dma_jobs_.size());
  // Loads are [input, weights]; stores carry outputs.
  job.data_type = store ? DataType::kOutput : (issued == 0 ? DataType::kInput : DataType::kWeight);
  dma_jobs_.emplace_back(tile, store);
  p_.dma_cmd.Push(job);
  ++issued;
  return true;
}

void Controller::Tick(Cycle now) {
  progress_ = false;
  if (done()) return;
  if (!op_started_) {
    StartOp();
    progress_ = true;
  }
  const Op& op = program_.ops[op_];
  const size_t n = op.tiles.size();

  while (p_.dma_done.CanPop()) {
    const auto [tile, store] = dma_jobs_[p_.dma_done.Pop()];
    ++(store ? tiles_[tile].stores_done : tiles_[tile].loads_done);
    progress_ = true;
  }
  while (p_.collect_done.CanPop()) {
    p_.collect_done.Pop();
    while (tiles_[collect_tile_].work_done == op.tiles[collect_tile_].passes.size())
      ++collect_tile_;
    ++tiles_[collect_tile_].work_done;
    progress_ = true;
  }
  while (p_.vector_done.CanPop()) {
    p_.vector_done.Pop();
    while (tiles_[vector_tile_].work_done == op.tiles[vector_tile_].vectors.size()) ++vector_tile_;
    ++tiles_[vector_tile_].work_done;
    progress_ = true;
  }

  // Stores of finished tiles, in order (the DMA is in order anyway).
  for (size_t i = 0; i < n; ++i) {
    const Tile& t = op.tiles[i];
    const TileState& s = tiles_[i];
    const size_t work = t.passes.size() + t.vectors.size();
    if (s.stores_issued == t.stores.size()) continue;
    if (s.work_done < work) break;
    if (IssueDma(i, true)) progress_ = true;
    break;
  }
  // Loads: the next tile whose GLB half is free (the tile two back has stored its outputs).
  if (next_load_tile_ < n) {
    const size_t i = next_load_tile_;
    const bool half_free = i < 2 || tiles_[i - 2].stores_done == op.tiles[i - 2].stores.size();
    const bool prev_issued = i == 0 || tiles_[i - 1].loads_issued == op.tiles[i - 1].loads.size();
    if (half_free && prev_issued && IssueDma(i, false)) {
      progress_ = true;
      if (tiles_[i].loads_issued == op.tiles[i].loads.size()) ++next_load_tile_;
    }
  }
  // Work of the next tile whose loads are done: one pass per cycle.
  if (next_work_tile_ < n) {
    const size_t i = next_work_tile_;
    const Tile& t = op.tiles[i];
    TileState& s = tiles_[i];
    if (s.loads_done == t.loads.size()) {
      if (s.work_issued < t.passes.size()) {
        const Pass& ps = t.passes[s.work_issued];
        const bool weights = ps.weight.beats > 0;
        if (p_.input_cmd.CanPush() && (!weights || p_.weight_cmd.CanPush()) &&
            p_.array_cmd.CanPush() && p_.collect_cmd.CanPush()) {
          p_.input_cmd.Push(ps.input);
          if (weights) p_.weight_cmd.Push(ps.weight);
          p_.array_cmd.Push(ps.array);
          p_.collect_cmd.Push(ps.collect);
          ++s.work_issued;
          progress_ = true;
        }
      } else if (s.work_issued < t.passes.size() + t.vectors.size()) {
        if (p_.vector_cmd.CanPush()) {
          p_.vector_cmd.Push(t.vectors[s.work_issued - t.passes.size()]);
          ++s.work_issued;
          progress_ = true;
        }
      }
      if (s.work_issued == t.passes.size() + t.vectors.size()) ++next_work_tile_;
    }
  }
  // Op finished: every store acknowledged.
  bool all = true;
  for (size_t i = 0; i < n && all; ++i) all = tiles_[i].stores_done == op.tiles[i].stores.size();
  if (all) {
    ++op_;
    op_started_ = false;
    progress_ = true;
  }
}

std::string Controller::DebugState() const {
  std::ostringstream os;
  os << "controller: op " << op_ << "/" << program_.ops.size();
  if (!done() && op_started_)
    os << " load_tile=" << next_load_tile_ << " work_tile=" << next_work_tile_ << " of "
       << tiles_.size();
  return os.str();
}

}  // namespace cssim
