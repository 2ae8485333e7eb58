// The steps of Compile(), one per kind of op, shared between the compile_*.cc files of this
// folder (nothing outside model/compile includes this header). compile.cc walks the layer groups
// and calls the step for each group's engine: CompileConv (compile_dense.cc) for conv/linear on
// the PE array or the CS engine (CompileRs, compile_rs.cc, under row-stationary), CompileVector
// (compile_dense.cc) for max-pool / ReLU / requantise, CompileKwta and CompileSs
// (compile_sparse.cc) for the k-WTA and sparse-sparse units.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/base/arch_spec.h"
#include "model/base/workload.h"
#include "model/compile/program.h"

namespace cssim {

// A layer group, compiled as one op: a main layer and the requant / ReLU it absorbs.
struct Group {
  int first = 0, last = 0;  // layer indices
  const Layer* main = nullptr;
  bool requant = false, relu = false;
  int shift = 0;
  std::string kind;
};

// Conv/linear absorb a following requant and then a ReLU; max-pool absorbs a following ReLU; a
// lone requant or ReLU is its own group (the k-WTA unit absorbs nothing).
std::vector<Group> GroupLayers(const Workload& w);
// Per layer: whether a later layer reads its output (Layer::from, Layer::with).
std::vector<bool> ReadLater(const Workload& w);

// What every step reads, and the per-layer tables of the Program it fills in.
struct CompileContext {
  const ArchSpec& arch;
  const Workload& workload;
  uint64_t half = 0;  // bytes in one GLB half (one tile)
  Program* program = nullptr;
};

// InputError on glb.size_kib: layer `l`'s smallest tile needs `need` bytes in one half.
[[noreturn]] void TooSmall(const CompileContext& cx, const Layer& l, uint64_t need);

// conv/linear (op->engine kArray or kCs) in dense-activation tiles of output rows x weight units.
void CompileConv(const CompileContext& cx, const Group& g, Op* op);
// conv/linear on the PE array under array.dataflow rs (compile_rs.cc): tiles of output rows x
// filters x channels, psums kept in the GLB across a block's channel tiles.
void CompileRs(const CompileContext& cx, const Group& g, Op* op);
// max-pool / ReLU / requantise on the vector unit, in tiles of output rows.
void CompileVector(const CompileContext& cx, const Group& g, Op* op);
// k-WTA over the whole map in one tile.
void CompileKwta(const CompileContext& cx, const Group& g, Op* op);
// A conv/linear fed by the active list of `producer` (a k-WTA) on the sparse-sparse unit.
void CompileSs(const CompileContext& cx, const Group& g, const Group& producer, Op* op);

// The packing of a layer on the CS datapath (both engines): sets op->pack_n, groups, slots and
// nonzeros; InputError on cs.max_n if N does not fit the engine's accumulators.
void SetPacking(const CompileContext& cx, const Layer& l, Op* op);

// The load of one block's kernel IDs: the IDs of `count` groups from group u0 (a block of
// `block` groups starts at each multiple of block), k rows of them, bit-packed in DRAM as one
// stream per block (IdBits(n) bits an ID) and expanded by the DMA to a byte per ID at glb_addr.
DmaCmd BlockIdLoad(uint64_t id_addr, int64_t k, int n, int block, int u0, int count,
                   uint32_t glb_addr);

}  // namespace cssim
