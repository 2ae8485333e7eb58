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

}  // namespace

// Sparse weights x sparse activations: the producer k-WTA's active list against packed weight
// rows, tiled over groups so that a tile's accumulators (pixels x channels) and its list, rows,
// IDs and outputs fit.
void CompileSs(const CompileContext& cx, const Group& g, const Group& producer, Op* op) {
  const ArchSpec& a = cx.arch;
  const Layer& l = *g.main;
  const Layer& last = cx.workload.layers[g.last];
  const bool linear = l.kind == LayerKind::kLinear;
  const ConvShape s = ConvShapeOf(l);
  const int M = s.m;
  const int64_t K = s.k, P = int64_t(s.ho) * s.wo;
  const int N = l.pack_n(), units = int(CeilDiv(M, N));
  const int out_elem = ElemBytes(last.out_type);
  const int64_t actives = cx.workload.layers[producer.last].kwta_k();
  SetPacking(cx, l, op);
  if (P * N > a.cs.accumulators)
    throw InputError(a.source, "cs.accumulators",
                     "layer '" + l.name + "' needs " + std::to_string(P * N) +
                         " accumulators for one group of its " + std::to_string(P) +
                         " output pixels",
                     ">= " + std::to_string(P * N) + " for " + cx.workload.name);
  const uint64_t list_bytes = AlignUp(uint64_t(actives) * kActEntryBytes);
  const int arrays = N > 1 ? 2 : 1;  // values, and kernel IDs unless N = 1
  auto need = [&](int ut) {
    return list_bytes + arrays * AlignUp(uint64_t(ut) * K) +
           AlignUp(uint64_t(P) * std::min<int64_t>(M, int64_t(ut) * N) * out_elem);
  };
  // Fewest tiles (each re-reads the list), then equal sizes.
  int ut = units;
  while (ut > 1 &&
         (need(ut) > cx.half || P * std::min<int64_t>(M, int64_t(ut) * N) > a.cs.accumulators))
    --ut;
  if (need(ut) > cx.half) TooSmall(cx, l, need(ut));
  const int tiles = int(CeilDiv(units, ut));
  ut = int(CeilDiv(units, tiles));
  cx.program->weight_n_tile[size_t(g.first)] = ut;
  cx.program->channel_major[size_t(g.first)] = !linear;
  cx.program->id_rows_aligned[size_t(g.first)] = linear;
  for (int u0 = 0, ti = 0; u0 < units; u0 += ut, ++ti) {
    const int n_tile = std::min(ut, units - u0);
    const int ch0 = u0 * N;
    const int chs = int(std::min<int64_t>(M, int64_t(u0 + n_tile) * N) - ch0);
    Tile t;
    t.half = ti % 2;
    const uint32_t base = uint32_t(t.half * cx.half);
    SsCmd c;
    c.list_base = base;
    c.actives = actives;
    c.c = s.c;
    c.h = s.h;
    c.w = s.w;
    c.kh = s.kh;
    c.kw = s.kw;
    c.stride = s.stride;
    c.pad = s.pad;
    c.ho = s.ho;
    c.wo = s.wo;
    c.channel_major = !linear;
    c.w_base = base + uint32_t(list_bytes);
    c.id_base = c.w_base + uint32_t(AlignUp(uint64_t(ut) * K));
    c.groups = n_tile;
    c.n = N;
    c.channels = chs;
    c.out_base = c.w_base + uint32_t(arrays * AlignUp(uint64_t(ut) * K));
    c.requant = g.requant;
    c.shift = g.shift;
    c.relu = g.relu;
    c.out_elem_bytes = out_elem;
    t.ss = {c};
    t.loads = SsLoads(c, *op, linear, K, ut, u0);
    DmaCmd st;
    st.store = true;
    st.data_type = DataType::kOutput;
    st.glb_addr = c.out_base;
    st.dram_addr = op->out_addr + uint64_t(ch0) * out_elem;
    st.rows = uint32_t(P);
    st.row_bytes = uint32_t(chs * out_elem);
    st.dram_stride = uint64_t(M) * out_elem;
    t.stores = {st};
    op->tiles.push_back(std::move(t));
  }
}

}  // namespace cssim
