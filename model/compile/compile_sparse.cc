// Sparse ops: the packing every CS-datapath layer shares (and the kernel-ID loads of the CS
// engine), the k-WTA unit, and sparse weights x sparse activations on the sparse-sparse unit.
#include <algorithm>
#include <string>

#include "model/base/error.h"
#include "model/compile/compile_steps.h"
#include "model/compile/packer.h"
#include "model/compile/tiling.h"

namespace cssim {

void SetPacking(const CompileContext& cx, const Layer& l, Op* op) {
  const int N = l.pack_n();
  if (N > cx.arch.cs.max_n)
    throw InputError(cx.arch.source, "cs.max_n",
                     "layer '" + l.name + "' packs " + std::to_string(N) +
                         " kernels per group, the engine has " + std::to_string(cx.arch.cs.max_n) +
                         " accumulators",
                     ">= " + std::to_string(N) + " for " + cx.workload.name);
  op->pack_n = N;
  op->groups = int(CeilDiv(l.out_channels, N));
  op->slots = int64_t(op->groups) * l.fan_in();
  op->nonzeros = int64_t(l.out_channels) * l.nnz();
}

DmaCmd BlockIdLoad(uint64_t id_addr, int64_t k, int n, int block, int u0, int count,
                   uint32_t glb_addr) {
  const int bits = IdBits(n);
  DmaCmd id;
  id.data_type = DataType::kKernelId;
  id.dram_addr = id_addr + uint64_t(u0 / block) * PackedIdRowBytes(int(k * block), bits);
  id.glb_addr = glb_addr;
  id.row_bytes = PackedIdRowBytes(int(k * count), bits);
  id.dram_stride = id.row_bytes;
  id.expand_bits = bits;
  id.expanded_row_bytes = uint32_t(k * count);
  return id;
}

// A whole map in one tile: load it, run the k-WTA unit, store the dense map or the list.
void CompileKwta(const CompileContext& cx, const Group& g, Op* op) {
  const Layer& l = *g.main;
  const int64_t n = l.in.size(), k = l.kwta_k();
  if (op->out_is_list && n > 65536)
    throw InputError(cx.workload.source, "layers[" + std::to_string(g.first) + "]",
                     "k-WTA layer '" + l.name + "' feeds a sparse-sparse layer, but its map has " +
                         std::to_string(n) + " values and active-list indices are 16-bit",
                     "at most 65,536 values, or --mode sparse-dense");
  const uint64_t out_bytes = op->out_is_list ? uint64_t(k) * kActEntryBytes : uint64_t(n);
  const uint64_t need = AlignUp(uint64_t(n)) + AlignUp(out_bytes);
  if (need > cx.half) TooSmall(cx, l, need);
  Tile t;
  KwtaCmd c;
  c.in_base = 0;
  c.n = n;
  c.k = k;
  c.write_dense = !op->out_is_list;
  c.write_list = op->out_is_list;
  c.dense_base = c.list_base = uint32_t(AlignUp(uint64_t(n)));
  t.kwta = {c};
  t.loads = {ContiguousDma(false, DataType::kInput, op->in_addr, 0, uint32_t(n))};
  t.stores = {ContiguousDma(true, op->out_is_list ? DataType::kActList : DataType::kOutput,
                            op->out_addr, c.dense_base, uint32_t(out_bytes))};
  op->tiles.push_back(std::move(t));
}

namespace {

// The loads of one sparse-sparse tile: the active list, then the tile's packed weight rows and
// (N > 1) their kernel IDs. A linear layer's rows are HWC, so the active list names exactly the
// rows its inputs need: it gathers those (IDs row-aligned), not the whole packed matrix.
std::vector<DmaCmd> SsLoads(const SsCmd& c, const Op& op, bool linear, int64_t K, int ut, int u0) {
  const int n_tile = c.groups;
  const DmaCmd list = ContiguousDma(false, DataType::kActList, op.in_addr, c.list_base,
                                    uint32_t(c.actives * kActEntryBytes));
  DmaCmd wt = ContiguousDma(false, DataType::kWeight, op.w_addr + uint64_t(u0) * K, c.w_base,
                            uint32_t(int64_t(n_tile) * K));
  DmaCmd id;
  if (linear) {
    const int bits = IdBits(c.n);
    const uint32_t row = PackedIdRowBytes(n_tile, bits);
    id.data_type = DataType::kKernelId;
    id.dram_addr = op.id_addr + uint64_t(u0 / ut) * K * PackedIdRowBytes(ut, bits);
    id.glb_addr = c.id_base;
    id.row_bytes = row;
    id.dram_stride = row;
    id.expand_bits = bits;
    id.expanded_row_bytes = uint32_t(n_tile);
    for (DmaCmd* d : {&wt, &id}) {
      d->gather = true;
      d->index_glb_addr = c.list_base;
      d->index_count = uint32_t(c.actives);
    }
    wt.row_bytes = uint32_t(n_tile);
    wt.dram_stride = uint64_t(n_tile);
  } else {
    id = BlockIdLoad(op.id_addr, K, c.n, ut, u0, n_tile, c.id_base);
  }
  std::vector<DmaCmd> loads = {list, wt};
  if (c.n > 1) loads.push_back(id);
  return loads;
}

// What every tile of a sparse-sparse layer shares.
struct SsPlan {
  const Group& g;
  ConvShape s;
  bool linear = false;
  int n = 1;       // kernels per group
  int units = 0;   // groups
  int ut = 0;      // groups per tile (the last tile may have fewer)
  int arrays = 1;  // values, and kernel IDs unless n = 1
  int out_elem = 1;
  int64_t actives = 0;
  uint64_t list_bytes = 0;
};

// The groups per tile: fewest tiles (each re-reads the list) whose list, rows, IDs and outputs
// fit a GLB half and whose sums fit the accumulators, then equal sizes.
int SsGroupsPerTile(const CompileContext& cx, const SsPlan& c) {
  const int64_t M = c.s.m, K = c.s.k, P = int64_t(c.s.ho) * c.s.wo;
  auto need = [&](int ut) {
    return c.list_bytes + c.arrays * AlignUp(uint64_t(ut) * K) +
           AlignUp(uint64_t(P) * std::min<int64_t>(M, int64_t(ut) * c.n) * c.out_elem);
  };
  int ut = c.units;
  while (ut > 1 && (need(ut) > cx.half ||
                    P * std::min<int64_t>(M, int64_t(ut) * c.n) > cx.arch.cs.accumulators))
    --ut;
  if (need(ut) > cx.half) TooSmall(cx, *c.g.main, need(ut));
  const int tiles = int(CeilDiv(c.units, ut));
  return int(CeilDiv(c.units, tiles));
}

// The command of the tile of groups [u0, u0 + n_tile) in the GLB half at `base`: list, values
// (room for ut groups), IDs (as much), outputs.
SsCmd SsCmdOf(const SsPlan& c, int u0, int n_tile, uint32_t base) {
  const ConvShape& s = c.s;
  SsCmd cmd;
  cmd.list_base = base;
  cmd.actives = c.actives;
  cmd.c = s.c;
  cmd.h = s.h;
  cmd.w = s.w;
  cmd.kh = s.kh;
  cmd.kw = s.kw;
  cmd.stride = s.stride;
  cmd.pad = s.pad;
  cmd.ho = s.ho;
  cmd.wo = s.wo;
  cmd.channel_major = !c.linear;
  cmd.w_base = base + uint32_t(c.list_bytes);
  cmd.id_base = cmd.w_base + uint32_t(AlignUp(uint64_t(c.ut) * s.k));
  cmd.groups = n_tile;
  cmd.n = c.n;
  cmd.channels = int(std::min<int64_t>(s.m, int64_t(u0 + n_tile) * c.n) - u0 * c.n);
  cmd.out_base = cmd.w_base + uint32_t(c.arrays * AlignUp(uint64_t(c.ut) * s.k));
  cmd.requant = c.g.requant;
  cmd.shift = c.g.shift;
  cmd.relu = c.g.relu;
  cmd.out_elem_bytes = c.out_elem;
  return cmd;
}

}  // namespace

// Sparse weights x sparse activations: the producer k-WTA's active list against packed weight
// rows, tiled over groups so that a tile's accumulators (pixels x channels) and its list, rows,
// IDs and outputs fit.
void CompileSs(const CompileContext& cx, const Group& g, const Group& producer, Op* op) {
  const ArchSpec& a = cx.arch;
  const Layer& l = *g.main;
  SsPlan c{g, ConvShapeOf(l)};
  c.linear = l.kind == LayerKind::kLinear;
  c.n = l.pack_n();
  c.units = int(CeilDiv(c.s.m, c.n));
  c.arrays = c.n > 1 ? 2 : 1;
  c.out_elem = ElemBytes(cx.workload.layers[g.last].out_type);
  c.actives = cx.workload.layers[producer.last].kwta_k();
  c.list_bytes = AlignUp(uint64_t(c.actives) * kActEntryBytes);
  const int64_t P = int64_t(c.s.ho) * c.s.wo, PN = P * c.n;
  SetPacking(cx, l, op);
  if (PN > a.cs.accumulators)
    throw InputError(a.source, "cs.accumulators",
                     "layer '" + l.name + "' needs " + std::to_string(PN) +
                         " accumulators for one group of its " + std::to_string(P) +
                         " output pixels",
                     ">= " + std::to_string(PN) + " for " + cx.workload.name);
  c.ut = SsGroupsPerTile(cx, c);
  cx.program->weight_n_tile[size_t(g.first)] = c.ut;
  cx.program->channel_major[size_t(g.first)] = !c.linear;
  cx.program->id_rows_aligned[size_t(g.first)] = c.linear;
  for (int u0 = 0, ti = 0; u0 < c.units; u0 += c.ut, ++ti) {
    const int n_tile = std::min(c.ut, c.units - u0);
    Tile t;
    t.half = ti % 2;
    const SsCmd cmd = SsCmdOf(c, u0, n_tile, uint32_t(t.half * cx.half));
    t.ss = {cmd};
    t.loads = SsLoads(cmd, *op, c.linear, c.s.k, c.ut, u0);
    // Channels [u0 * n, + channels) of every output pixel.
    DmaCmd st;
    st.store = true;
    st.data_type = DataType::kOutput;
    st.glb_addr = cmd.out_base;
    st.dram_addr = op->out_addr + uint64_t(u0 * c.n) * c.out_elem;
    st.rows = uint32_t(P);
    st.row_bytes = uint32_t(cmd.channels * c.out_elem);
    st.dram_stride = uint64_t(c.s.m) * c.out_elem;
    t.stores = {st};
    op->tiles.push_back(std::move(t));
  }
}

}  // namespace cssim
