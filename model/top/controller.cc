#include "model/top/controller.h"

#include <sstream>

namespace cssim {

Controller::Controller(const Program& program, ControllerPorts ports)
    : program_(program), p_(ports) {}

void Controller::StartOp() {
  tiles_.assign(program_.ops[op_].tiles.size(), TileState{});
  next_load_tile_ = next_work_tile_ = 0;
  done_tile_ = 0;
  finished_ = 0;
  work_issued_ = work_done_ = stores_issued_ = stores_done_ = 0;
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
  job.data_type = cmds[issued].data_type;
  dma_jobs_.emplace_back(tile, store);
  p_.dma_cmd.Push(job);
  ++issued;
  stores_issued_ += store;
  return true;
}

size_t Controller::WorkItems(const Tile& t) {
  return t.passes.size() + t.vectors.size() + t.kwta.size() + t.ss.size();
}

void Controller::CountDone(Link<uint32_t>& done) {
  const Op& op = program_.ops[op_];
  while (done.CanPop()) {
    done.Pop();
    while (tiles_[done_tile_].work_done == WorkItems(op.tiles[done_tile_])) ++done_tile_;
    ++tiles_[done_tile_].work_done;
    ++work_done_;
    progress_ = true;
  }
}

bool Controller::IssueWork(const Tile& t, size_t index) {
  if (index < t.passes.size()) {
    const Pass& ps = t.passes[index];
    EnginePorts& e = ps.engine == PassEngine::kCs ? p_.cs : p_.array;
    const bool weights = ps.weight.beats > 0;
    const bool ids = ps.engine == PassEngine::kCs && weights && ps.array.n > 1;
    if (!e.input_cmd.CanPush() || (weights && !e.weight_cmd.CanPush()) ||
        (ids && !e.id_cmd->CanPush()) || !e.array_cmd.CanPush() || !e.collect_cmd.CanPush())
      return false;
    e.input_cmd.Push(ps.input);
    if (weights) e.weight_cmd.Push(ps.weight);
    if (ids) e.id_cmd->Push(ps.id);
    e.array_cmd.Push(ps.array);
    e.collect_cmd.Push(ps.collect);
    return true;
  }
  index -= t.passes.size();
  if (index < t.vectors.size()) {
    if (!p_.vector_cmd.CanPush()) return false;
    p_.vector_cmd.Push(t.vectors[index]);
    return true;
  }
  index -= t.vectors.size();
  if (index < t.kwta.size()) {
    if (!p_.kwta_cmd.CanPush()) return false;
    p_.kwta_cmd.Push(t.kwta[index]);
    return true;
  }
  index -= t.kwta.size();
  if (!p_.ss_cmd.CanPush()) return false;
  p_.ss_cmd.Push(t.ss[index]);
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
    stores_done_ += store;
    progress_ = true;
  }
  for (Link<uint32_t>* d :
       {&p_.array.collect_done, &p_.cs.collect_done, &p_.vector_done, &p_.kwta_done, &p_.ss_done})
    CountDone(*d);

  // Stores of finished tiles, in order (the DMA is in order anyway).
  for (size_t i = 0; i < n; ++i) {
    const Tile& t = op.tiles[i];
    const TileState& s = tiles_[i];
    const size_t work = WorkItems(t);
    if (s.stores_issued == t.stores.size()) continue;
    if (s.work_done < work) break;
    if (IssueDma(i, true)) progress_ = true;
    break;
  }
  // Loads: the next tile whose GLB half is free: every tile up to two back has finished its
  // work and stored its outputs. (A row-stationary tile without stores keeps its psums in the
  // GLB for the next channel tile; its half is free once its passes are done.)
  while (finished_ < n && tiles_[finished_].work_done == WorkItems(op.tiles[finished_]) &&
         tiles_[finished_].stores_done == op.tiles[finished_].stores.size())
    ++finished_;
  if (next_load_tile_ < n) {
    const size_t i = next_load_tile_;
    const bool half_free = i < 2 || finished_ >= i - 1;
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
      if (s.work_issued < WorkItems(t) && IssueWork(t, s.work_issued)) {
        ++s.work_issued;
        ++work_issued_;
        progress_ = true;
      }
      if (s.work_issued == WorkItems(t)) ++next_work_tile_;
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

Controller::Status Controller::status() const {
  Status s;
  if (done() || !op_started_) return s;
  const Op& op = program_.ops[op_];
  s.work_in_flight = work_issued_ > work_done_;
  // The next tile's work waits for its loads; after the last tile's work, the op waits for
  // its stores.
  const bool loads_wait =
      next_work_tile_ < op.tiles.size() &&
      tiles_[next_work_tile_].loads_done < op.tiles[next_work_tile_].loads.size();
  s.dram_pending = loads_wait || stores_issued_ > stores_done_ ||
                   (next_work_tile_ == op.tiles.size() && !s.work_in_flight);
  return s;
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
