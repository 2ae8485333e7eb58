#include "model/compile/compile.h"

#include <algorithm>
#include <sstream>

#include "model/base/error.h"
#include "model/compile/packer.h"

namespace cssim {
namespace {

constexpr uint32_t kAlign = 64;
uint64_t AlignUp(uint64_t x) { return (x + kAlign - 1) / kAlign * kAlign; }
int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int ElemBytes(ElemType t) { return t == ElemType::kInt8 ? 1 : 4; }

struct Group {
  int first = 0, last = 0;  // layer indices
  const Layer* main = nullptr;
  bool requant = false, relu = false;
  int shift = 0;
  std::string kind;
};

std::vector<Group> GroupLayers(const Workload& w) {
  std::vector<Group> groups;
  const auto& L = w.layers;
  for (size_t i = 0; i < L.size();) {
    Group g;
    g.first = int(i);
    g.main = &L[i];
    g.kind = LayerKindName(L[i].kind);
    size_t j = i + 1;
    const bool mac = L[i].kind == LayerKind::kConv || L[i].kind == LayerKind::kLinear;
    if (L[i].kind == LayerKind::kRequant) {
      g.requant = true;
      g.shift = L[i].shift;
    } else if (L[i].kind == LayerKind::kRelu) {
      g.relu = true;
    }
    if (mac && j < L.size() && L[j].kind == LayerKind::kRequant) {
      g.requant = true;
      g.shift = L[j].shift;
      g.kind += "+requant";
      ++j;
    }
    // The k-WTA unit has no output stage: a ReLU after it runs on the vector unit.
    if (L[i].kind != LayerKind::kRelu && L[i].kind != LayerKind::kKwta && j < L.size() &&
        L[j].kind == LayerKind::kRelu) {
      g.relu = true;
      g.kind += "+relu";
      ++j;
    }
    g.last = int(j) - 1;
    groups.push_back(g);
    i = j;
  }
  return groups;
}

struct ConvTiling {
  int rows_out = 1;  // output rows per tile
  int n_tile = 1;    // output channels per tile
  uint64_t in_bytes = 0, w_bytes = 0, psum_bytes = 0, out_bytes = 0;
  uint64_t traffic = 0;
};

}  // namespace

int64_t ConvGeom::InputAddr(int64_t p, int64_t kk) const {
  const int64_t oy = oy0 + p / wo, ox = p % wo;
  const int64_t run = int64_t(kw) * c;
  const int64_t ky = kk / run, rem = kk % run;
  const int64_t kx = rem / c, ch = rem % c;
  const int64_t iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
  if (iy < 0 || iy >= h || ix < 0 || ix >= w) return -1;
  return int64_t(in_base) + ((iy - iy0) * w + ix) * c + ch;
}

const char* ModeName(Mode m) {
  switch (m) {
    case Mode::kDense:
      return "dense";
    case Mode::kSparseDense:
      return "sparse-dense";
    case Mode::kSparseSparse:
      return "sparse-sparse";
  }
  return "?";
}

const char* OpEngineName(OpEngine e) {
  switch (e) {
    case OpEngine::kArray:
      return "array";
    case OpEngine::kCs:
      return "cs";
    case OpEngine::kSparseSparse:
      return "ss";
    case OpEngine::kVector:
      return "vector";
    case OpEngine::kKwta:
      return "kwta";
  }
  return "?";
}

const char* StreamKindName(StreamKind k) {
  switch (k) {
    case StreamKind::kWsInput:
      return "ws-input";
    case StreamKind::kWsWeight:
      return "ws-weight";
    case StreamKind::kOsInput:
      return "os-input";
    case StreamKind::kOsWeight:
      return "os-weight";
  }
  return "?";
}

int64_t StreamCmd::Addr(int lane, uint64_t beat) const {
  switch (kind) {
    case StreamKind::kWsInput: {
      const int64_t p = int64_t(beat) / kp, j = int64_t(beat) % kp;
      const int64_t kk = k0 + int64_t(lane) * kp + j;
      if (kk >= geom.k) return -2;
      return geom.InputAddr(p, kk);
    }
    case StreamKind::kWsWeight: {
      const int64_t r = int64_t(beat) / kp, j = int64_t(beat) % kp;
      const int64_t kk = k0 + r * kp + j;
      if (kk >= geom.k) return -2;
      return int64_t(geom.w_base) + kk * geom.n_tile + n_local0 + lane;
    }
    case StreamKind::kOsInput:
      return geom.InputAddr(p0 + lane, int64_t(beat));
    case StreamKind::kOsWeight:
      return int64_t(geom.w_base) + int64_t(beat) * geom.n_tile + n_local0 + lane;
  }
  return -2;
}

std::vector<int8_t> ToHwc(const std::vector<int8_t>& chw, const Shape& s) {
  std::vector<int8_t> out(chw.size());
  for (int c = 0; c < s.c; ++c)
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x)
        out[(size_t(y) * s.w + x) * s.c + c] = chw[(size_t(c) * s.h + y) * s.w + x];
  return out;
}

std::vector<int8_t> PackWeights(const std::vector<int8_t>& nchw, const Layer& l, int n_tile) {
  const int C = l.in.c, N = l.out_channels;
  const int kh = l.kind == LayerKind::kLinear ? l.in.h : l.kernel_h;
  const int kw = l.kind == LayerKind::kLinear ? l.in.w : l.kernel_w;
  const int64_t K = int64_t(kh) * kw * C;
  std::vector<int8_t> out(nchw.size());
  for (int n0 = 0; n0 < N; n0 += n_tile) {
    const int nt = std::min(n_tile, N - n0);
    int8_t* block = &out[size_t(n0) * K];
    for (int n = 0; n < nt; ++n)
      for (int c = 0; c < C; ++c)
        for (int y = 0; y < kh; ++y)
          for (int x = 0; x < kw; ++x) {
            const int64_t k = (int64_t(y) * kw + x) * C + c;
            block[k * nt + n] = nchw[((size_t(n0 + n) * C + c) * kh + y) * kw + x];
          }
  }
  return out;
}

namespace {

class Compiler {
 public:
  Compiler(const ArchSpec& a, const Workload& w, Mode mode) : a_(a), w_(w), mode_(mode) {
    half_ = uint64_t(a.glb.size_kib) * 1024 / 2;
  }

  Program Run() {
    Program p;
    uint64_t next = 0;
    auto alloc = [&](uint64_t bytes) {
      const uint64_t at = next;
      next = AlignUp(next + bytes);
      return at;
    };
    p.input_addr = alloc(uint64_t(w_.input.size()));
    p.mode = mode_;
    p.weight_addr.assign(w_.layers.size(), 0);
    p.weight_n_tile.assign(w_.layers.size(), 0);
    p.id_addr.assign(w_.layers.size(), 0);
    p.packed.assign(w_.layers.size(), false);
    p.channel_major.assign(w_.layers.size(), false);
    p.id_rows_aligned.assign(w_.layers.size(), false);
    program_ = &p;
    const bool sparse = mode_ != Mode::kDense;
    for (size_t i = 0; i < w_.layers.size(); ++i) {
      const Layer& l = w_.layers[i];
      if (l.weight_count() == 0) continue;
      if (!sparse) {
        p.weight_addr[i] = alloc(uint64_t(l.weight_count()));
        continue;
      }
      // Packed: G combined kernels over the fan-in, values and kernel IDs (a byte each; none
      // when N = 1: every product then belongs to the one kernel).
      const uint64_t slots = uint64_t(CeilDiv(l.out_channels, l.pack_n())) * l.fan_in();
      p.weight_addr[i] = alloc(slots);
      if (l.pack_n() > 1) p.id_addr[i] = alloc(slots);
      p.packed[i] = true;
    }
    uint64_t in_addr = p.input_addr;
    bool in_is_list = false;
    const std::vector<Group> groups = GroupLayers(w_);
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      const Group& g = groups[gi];
      const Layer& last = w_.layers[g.last];
      Op op;
      op.name = g.main->name;
      for (int i = g.first + 1; i <= g.last; ++i) op.name += "+" + w_.layers[i].name;
      op.kind = g.kind;
      op.first_layer = g.first;
      op.last_layer = g.last;
      op.macs = g.main->macs();
      op.in_addr = in_addr;
      op.in_is_list = in_is_list;
      op.w_addr = p.weight_addr[g.first];
      op.id_addr = p.id_addr[g.first];
      const LayerKind kind = g.main->kind;
      const bool mac = kind == LayerKind::kConv || kind == LayerKind::kLinear;
      if (mac) {
        op.engine = !sparse      ? OpEngine::kArray
                    : in_is_list ? OpEngine::kSparseSparse
                                 : OpEngine::kCs;
      } else {
        op.engine = kind == LayerKind::kKwta ? OpEngine::kKwta : OpEngine::kVector;
      }
      // A k-WTA output feeds the next op as an active list when that op runs sparse-sparse.
      const bool next_mac =
          gi + 1 < groups.size() && (groups[gi + 1].main->kind == LayerKind::kConv ||
                                     groups[gi + 1].main->kind == LayerKind::kLinear);
      op.out_is_list = kind == LayerKind::kKwta && mode_ == Mode::kSparseSparse && next_mac;
      op.out_addr = alloc(op.out_is_list ? uint64_t(last.kwta_k()) * kActEntryBytes
                                         : uint64_t(last.out.size()) * ElemBytes(last.out_type));
      if (in_is_list && op.engine != OpEngine::kSparseSparse)
        throw SimError("compile: an active list feeds a non-sparse-sparse op");
      switch (op.engine) {
        case OpEngine::kArray:
          CompileConv(g, &op);
          break;
        case OpEngine::kCs:
          CompileConv(g, &op);
          break;
        case OpEngine::kSparseSparse:
          CompileSs(g, groups[gi - 1], &op);
          break;
        case OpEngine::kKwta:
          CompileKwta(g, &op);
          break;
        case OpEngine::kVector:
          CompileVector(g, &op);
          break;
      }
      in_addr = op.out_addr;
      in_is_list = op.out_is_list;
      p.ops.push_back(std::move(op));
    }
    p.output_addr = in_addr;
    p.output_shape = w_.layers.back().out;
    p.output_type = w_.layers.back().out_type;
    p.dram_bytes = next;
    return p;
  }

 private:
  [[noreturn]] void TooSmall(const Layer& l, uint64_t need) {
    std::ostringstream os;
    os << "layer '" << l.name << "' needs " << CeilDiv(int64_t(need) * 2, 1024)
       << " KiB for its smallest double-buffered tile, the GLB has " << a_.glb.size_kib << " KiB";
    throw InputError(a_.source, "glb.size_kib", os.str(),
                     ">= " + std::to_string(CeilDiv(int64_t(need) * 2, 1024)) + " for " + w_.name);
  }

  // The packing of a layer on the CS datapath (both engines): N kernels per group, the groups,
  // and the slots its non-zeros fill. N must fit the engine's accumulators.
  void SetPacking(const Layer& l, Op* op) {
    const int N = l.pack_n();
    if (N > a_.cs.max_n)
      throw InputError(a_.source, "cs.max_n",
                       "layer '" + l.name + "' packs " + std::to_string(N) +
                           " kernels per group, the engine has " + std::to_string(a_.cs.max_n) +
                           " accumulators",
                       ">= " + std::to_string(N) + " for " + w_.name);
    op->pack_n = N;
    op->groups = int(CeilDiv(l.out_channels, N));
    op->slots = int64_t(op->groups) * l.fan_in();
    op->nonzeros = int64_t(l.out_channels) * l.nnz();
  }

  // conv/linear on the PE array (dense) or on the CS engine (packed kernels). Both are
  // weight-stationary over a 2-D structure: rows (array rows / CS lanes) split the reduction,
  // columns (array columns / CS group engines) take one weight "unit" each: an output channel
  // on the array, a group of N channels on the CS engine.
  void CompileConv(const Group& g, Op* op) {
    const Layer& l = *g.main;
    const Layer& last = w_.layers[g.last];
    const bool cs = op->engine == OpEngine::kCs;
    const bool linear = l.kind == LayerKind::kLinear;
    const int C = l.in.c, H = l.in.h, W = l.in.w, M = l.out_channels;
    const int kh = linear ? H : l.kernel_h, kw = linear ? W : l.kernel_w;
    const int stride = linear ? 1 : l.stride, pad = linear ? 0 : l.pad;
    const int Ho = l.out.h, Wo = l.out.w;
    const int64_t K = int64_t(kh) * kw * C;
    const int N = cs ? l.pack_n() : 1;  // channels per weight unit
    const int units = int(CeilDiv(M, N));
    const int R = cs ? a_.cs.lanes : a_.array.rows;
    const int Cols = cs ? a_.cs.engines : a_.array.cols;
    const bool ws = cs || a_.array.dataflow == Dataflow::kWeightStationary;
    const int out_elem = ElemBytes(last.out_type);
    const int w_arrays = cs && N > 1 ? 2 : 1;  // CS: values and kernel IDs (none for N = 1)
    if (cs) SetPacking(l, op);
    // Channels of units [u0, u0 + n).
    auto channels = [&](int64_t u0, int64_t n) {
      return std::min<int64_t>(M, (u0 + n) * N) - u0 * N;
    };
    // ws: reduction entries per row and rows used, so that the K reduction needs fewest passes.
    const int rf = cs ? a_.cs.weight_rf_entries / a_.cs.weight_buffers
                      : a_.pe.weight_rf_entries / a_.pe.weight_buffers;
    const int kp = int(std::min<int64_t>(rf, CeilDiv(K, R)));
    const int rows_used = int(std::min<int64_t>(R, CeilDiv(K, kp)));
    const int64_t k_passes = CeilDiv(K, int64_t(rows_used) * kp);

    auto size_of = [&](int rows_out, int n_tile) {
      ConvTiling t;
      t.rows_out = rows_out;
      t.n_tile = n_tile;
      const int64_t rows_in = std::min<int64_t>(H, int64_t(rows_out - 1) * stride + kh);
      const int64_t P = int64_t(rows_out) * Wo;
      t.in_bytes = AlignUp(uint64_t(rows_in) * W * C);
      t.w_bytes = AlignUp(uint64_t(n_tile) * K) * w_arrays;
      t.psum_bytes =
          (ws && k_passes > 1) ? AlignUp(uint64_t(P) * channels(0, std::min(Cols, n_tile)) * 4) : 0;
      t.out_bytes = AlignUp(uint64_t(P) * channels(0, n_tile) * out_elem);
      const int64_t row_tiles = CeilDiv(Ho, rows_out), n_tiles = CeilDiv(units, n_tile);
      t.traffic =
          uint64_t(n_tiles) * row_tiles * t.in_bytes + uint64_t(row_tiles) * units * K * w_arrays;
      return t;
    };
    auto fits = [&](const ConvTiling& t) {
      return t.in_bytes + t.w_bytes + t.psum_bytes + t.out_bytes <= half_;
    };
    bool found = false;
    ConvTiling best;
    const int n_min = std::min(units, Cols);
    for (int n_tile = units; n_tile >= n_min;
         n_tile = (n_tile == units && units % Cols) ? units / Cols * Cols : n_tile - Cols) {
      if (n_tile <= 0) break;
      int lo = 0;
      for (int r = 1; r <= Ho; r *= 2)
        if (fits(size_of(r, n_tile))) lo = r;
      if (lo == 0) continue;
      // refine: largest rows_out that fits
      int hi = std::min(Ho, lo * 2);
      while (hi > lo && !fits(size_of(hi, n_tile))) --hi;
      const ConvTiling t = size_of(hi, n_tile);
      if (!found || t.traffic < best.traffic) {
        best = t;
        found = true;
      }
    }
    if (!found) {
      const ConvTiling t = size_of(1, n_min);
      TooSmall(l, t.in_bytes + t.w_bytes + t.psum_bytes + t.out_bytes);
    }

    program_->weight_n_tile[size_t(g.first)] = best.n_tile;
    const uint32_t w_region = uint32_t(best.w_bytes / w_arrays);
    int tile_index = 0;
    for (int oy0 = 0; oy0 < Ho; oy0 += best.rows_out) {
      const int rows_out = std::min(best.rows_out, Ho - oy0);
      const int64_t P = int64_t(rows_out) * Wo;
      const int iy0 = std::max(0, oy0 * stride - pad);
      const int iy1 = std::min(H, (oy0 + rows_out - 1) * stride - pad + kh);
      for (int u0 = 0; u0 < units; u0 += best.n_tile, ++tile_index) {
        const int n_tile = std::min(best.n_tile, units - u0);
        const int ch0 = u0 * N;
        const int chs = int(channels(u0, n_tile));
        Tile t;
        t.half = tile_index % 2;
        const uint32_t base = uint32_t(t.half * half_);
        ConvGeom geom;
        geom.c = C;
        geom.h = H;
        geom.w = W;
        geom.kh = kh;
        geom.kw = kw;
        geom.stride = stride;
        geom.pad = pad;
        geom.wo = Wo;
        geom.oy0 = oy0;
        geom.iy0 = iy0;
        geom.rows_in = iy1 - iy0;
        geom.k = K;
        geom.in_base = base;
        geom.w_base = base + uint32_t(best.in_bytes);
        geom.n_tile = n_tile;
        ConvGeom id_geom = geom;
        id_geom.w_base = geom.w_base + w_region;
        const uint32_t psum_base = geom.w_base + uint32_t(best.w_bytes);
        const uint32_t out_base = psum_base + uint32_t(best.psum_bytes);

        DmaCmd in;
        in.dram_addr = op->in_addr + uint64_t(iy0) * W * C;
        in.glb_addr = geom.in_base;
        in.row_bytes = uint32_t(int64_t(iy1 - iy0) * W * C);
        in.dram_stride = in.row_bytes;
        in.data_type = DataType::kInput;
        // Weights are stored in blocks of best.n_tile units, [k][u_local]: block u0 starts at
        // u0 * K and holds n_tile * K bytes.
        DmaCmd wt;
        wt.data_type = DataType::kWeight;
        wt.dram_addr = op->w_addr + uint64_t(u0) * K;
        wt.glb_addr = geom.w_base;
        wt.row_bytes = uint32_t(int64_t(n_tile) * K);
        wt.dram_stride = wt.row_bytes;
        t.loads = {in, wt};
        if (cs && N > 1) {
          // IDs are bit-packed in DRAM, one row per k of the block; the DMA expands each to a
          // byte per ID in the GLB.
          // One bit stream per block of best.n_tile groups.
          const int bits = IdBits(N);
          DmaCmd id;
          id.data_type = DataType::kKernelId;
          id.dram_addr = op->id_addr +
                         uint64_t(u0 / best.n_tile) * PackedIdRowBytes(int(K * best.n_tile), bits);
          id.glb_addr = id_geom.w_base;
          id.row_bytes = PackedIdRowBytes(int(K * n_tile), bits);
          id.dram_stride = id.row_bytes;
          id.expand_bits = bits;
          id.expanded_row_bytes = uint32_t(K * n_tile);
          t.loads.push_back(id);
        }
        DmaCmd st;
        st.store = true;
        st.data_type = DataType::kOutput;
        st.glb_addr = out_base;
        st.dram_addr = op->out_addr + (uint64_t(oy0) * Wo * M + ch0) * out_elem;
        if (chs == M) {
          st.row_bytes = uint32_t(P * M * out_elem);
          st.dram_stride = st.row_bytes;
        } else {
          st.rows = uint32_t(P);
          st.row_bytes = uint32_t(chs * out_elem);
          st.dram_stride = uint64_t(M) * out_elem;
        }
        t.stores = {st};

        CollectCmd cc;
        cc.psum_base = psum_base;
        cc.out_base = out_base;
        cc.out_pixel_bytes = chs * out_elem;
        cc.requant = g.requant;
        cc.shift = g.shift;
        cc.relu = g.relu;
        cc.out_elem_bytes = out_elem;
        for (int us = 0; us < n_tile && ws; us += Cols) {
          const int cols_used = std::min(Cols, n_tile - us);
          const int out_cols = int(channels(u0 + us, cols_used));
          for (int64_t j = 0; j < k_passes; ++j) {
            Pass ps;
            ps.engine = cs ? PassEngine::kCs : PassEngine::kArray;
            const int64_t k0 = j * rows_used * kp;
            // The last pass of a ragged reduction uses only the rows it has weights for.
            const int rows = int(std::min<int64_t>(rows_used, CeilDiv(K - k0, kp)));
            ps.input =
                StreamCmd{StreamKind::kWsInput, geom, rows, uint64_t(P * kp), k0, kp, 0, us, P};
            ps.weight = StreamCmd{
                StreamKind::kWsWeight, geom, cols_used, uint64_t(rows) * kp, k0, kp, 0, us, P};
            if (cs && N > 1) {
              ps.id = ps.weight;
              ps.id.geom = id_geom;
            }
            ps.array =
                ArrayCmd{Dataflow::kWeightStationary, rows, cols_used, k0, K, kp, P, N, out_cols};
            ps.collect = cc;
            ps.collect.first = j == 0;
            ps.collect.last = j == k_passes - 1;
            ps.collect.p0 = 0;
            ps.collect.pixels = P;
            ps.collect.cols = out_cols;
            ps.collect.n_local0 = us * N;
            t.passes.push_back(ps);
          }
        }
        if (!ws) {
          for (int64_t p0 = 0; p0 < P; p0 += R) {
            const int rows = int(std::min<int64_t>(R, P - p0));
            for (int ns = 0; ns < n_tile; ns += Cols) {
              const int cols_used = std::min(Cols, n_tile - ns);
              Pass ps;
              ps.input = StreamCmd{StreamKind::kOsInput, geom, rows, uint64_t(K), 0, 0, p0, ns, P};
              ps.weight =
                  StreamCmd{StreamKind::kOsWeight, geom, cols_used, uint64_t(K), 0, 0, p0, ns, P};
              ps.array = ArrayCmd{
                  Dataflow::kOutputStationary, rows, cols_used, 0, K, 0, rows, 1, cols_used};
              ps.collect = cc;
              ps.collect.p0 = p0;
              ps.collect.pixels = rows;
              ps.collect.cols = cols_used;
              ps.collect.n_local0 = ns;
              t.passes.push_back(ps);
            }
          }
        }
        op->tiles.push_back(std::move(t));
      }
    }
  }

  // A whole map in one tile: load it, run the k-WTA unit, store the dense map or the list.
  void CompileKwta(const Group& g, Op* op) {
    const Layer& l = *g.main;
    const int64_t n = l.in.size(), k = l.kwta_k();
    if (op->out_is_list && n > 65536)
      throw InputError(w_.source, "layers[" + std::to_string(g.first) + "]",
                       "k-WTA layer '" + l.name +
                           "' feeds a sparse-sparse layer, but its map has " + std::to_string(n) +
                           " values and active-list indices are 16-bit",
                       "at most 65,536 values, or --mode sparse-dense");
    const uint64_t out_bytes = op->out_is_list ? uint64_t(k) * kActEntryBytes : uint64_t(n);
    const uint64_t need = AlignUp(uint64_t(n)) + AlignUp(out_bytes);
    if (need > half_) TooSmall(l, need);
    Tile t;
    KwtaCmd c;
    c.in_base = 0;
    c.n = n;
    c.k = k;
    c.write_dense = !op->out_is_list;
    c.write_list = op->out_is_list;
    c.dense_base = c.list_base = uint32_t(AlignUp(uint64_t(n)));
    t.kwta = {c};
    DmaCmd in;
    in.data_type = DataType::kInput;
    in.dram_addr = op->in_addr;
    in.row_bytes = uint32_t(n);
    in.dram_stride = in.row_bytes;
    DmaCmd st;
    st.store = true;
    st.data_type = op->out_is_list ? DataType::kActList : DataType::kOutput;
    st.dram_addr = op->out_addr;
    st.glb_addr = c.dense_base;
    st.row_bytes = uint32_t(out_bytes);
    st.dram_stride = st.row_bytes;
    t.loads = {in};
    t.stores = {st};
    op->tiles.push_back(std::move(t));
  }

  // Sparse weights x sparse activations: the producer k-WTA's active list against packed weight
  // rows, tiled over groups so that a tile's accumulators (pixels x channels) and its list,
  // rows, IDs and outputs fit.
  void CompileSs(const Group& g, const Group& producer, Op* op) {
    const Layer& l = *g.main;
    const Layer& last = w_.layers[g.last];
    const bool linear = l.kind == LayerKind::kLinear;
    const int C = l.in.c, H = l.in.h, W = l.in.w, M = l.out_channels;
    const int kh = linear ? H : l.kernel_h, kw = linear ? W : l.kernel_w;
    const int Ho = l.out.h, Wo = l.out.w;
    const int64_t K = int64_t(kh) * kw * C, P = int64_t(Ho) * Wo;
    const int N = l.pack_n(), units = int(CeilDiv(M, N));
    const int out_elem = ElemBytes(last.out_type);
    const int64_t actives = w_.layers[producer.last].kwta_k();
    SetPacking(l, op);
    if (P * N > a_.cs.accumulators)
      throw InputError(a_.source, "cs.accumulators",
                       "layer '" + l.name + "' needs " + std::to_string(P * N) +
                           " accumulators for one group of its " + std::to_string(P) +
                           " output pixels",
                       ">= " + std::to_string(P * N) + " for " + w_.name);
    const uint64_t list_bytes = AlignUp(uint64_t(actives) * kActEntryBytes);
    const int arrays = N > 1 ? 2 : 1;  // values, and kernel IDs unless N = 1
    auto need = [&](int ut) {
      return list_bytes + arrays * AlignUp(uint64_t(ut) * K) +
             AlignUp(uint64_t(P) * std::min<int64_t>(M, int64_t(ut) * N) * out_elem);
    };
    // Fewest tiles (each re-reads the list), then equal sizes.
    int ut = units;
    while (ut > 1 &&
           (need(ut) > half_ || P * std::min<int64_t>(M, int64_t(ut) * N) > a_.cs.accumulators))
      --ut;
    if (need(ut) > half_) TooSmall(l, need(ut));
    const int tiles = int(CeilDiv(units, ut));
    ut = int(CeilDiv(units, tiles));
    program_->weight_n_tile[size_t(g.first)] = ut;
    program_->channel_major[size_t(g.first)] = !linear;
    program_->id_rows_aligned[size_t(g.first)] = linear;
    for (int u0 = 0, ti = 0; u0 < units; u0 += ut, ++ti) {
      const int n_tile = std::min(ut, units - u0);
      const int ch0 = u0 * N;
      const int chs = int(std::min<int64_t>(M, int64_t(u0 + n_tile) * N) - ch0);
      Tile t;
      t.half = ti % 2;
      const uint32_t base = uint32_t(t.half * half_);
      SsCmd c;
      c.list_base = base;
      c.actives = actives;
      c.c = C;
      c.h = H;
      c.w = W;
      c.kh = kh;
      c.kw = kw;
      c.stride = linear ? 1 : l.stride;
      c.pad = linear ? 0 : l.pad;
      c.ho = Ho;
      c.wo = Wo;
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
      DmaCmd list;
      list.data_type = DataType::kActList;
      list.dram_addr = op->in_addr;
      list.glb_addr = c.list_base;
      list.row_bytes = uint32_t(actives * kActEntryBytes);
      list.dram_stride = list.row_bytes;
      DmaCmd wt;
      wt.data_type = DataType::kWeight;
      wt.dram_addr = op->w_addr + uint64_t(u0) * K;
      wt.glb_addr = c.w_base;
      wt.row_bytes = uint32_t(int64_t(n_tile) * K);
      wt.dram_stride = wt.row_bytes;
      // Kernel IDs: bit-packed in DRAM, expanded to a byte per ID by the DMA. A linear layer
      // gathers single rows, so its rows start on bytes; otherwise a block is one bit stream.
      const int bits = IdBits(N);
      DmaCmd id;
      id.data_type = DataType::kKernelId;
      id.glb_addr = c.id_base;
      id.expand_bits = bits;
      if (linear) {
        const uint32_t row = PackedIdRowBytes(n_tile, bits);
        id.dram_addr = op->id_addr + uint64_t(u0 / ut) * K * PackedIdRowBytes(ut, bits);
        id.row_bytes = row;
        id.dram_stride = row;
        id.expanded_row_bytes = uint32_t(n_tile);
      } else {
        id.dram_addr = op->id_addr + uint64_t(u0 / ut) * PackedIdRowBytes(int(K * ut), bits);
        id.row_bytes = PackedIdRowBytes(int(K * n_tile), bits);
        id.dram_stride = id.row_bytes;
        id.expanded_row_bytes = uint32_t(K * n_tile);
      }
      if (linear) {
        // A linear layer's rows are HWC, so the active list names exactly the rows its inputs
        // need: gather those, not the whole packed matrix.
        for (DmaCmd* d : {&wt, &id}) {
          d->gather = true;
          d->index_glb_addr = c.list_base;
          d->index_count = uint32_t(actives);
        }
        wt.row_bytes = uint32_t(n_tile);
        wt.dram_stride = uint64_t(n_tile);
      }
      t.loads = {list, wt};
      if (N > 1) t.loads.push_back(id);
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

  void CompileVector(const Group& g, Op* op) {
    const Layer& l = *g.main;
    const Layer& last = w_.layers[g.last];
    const bool pool = l.kind == LayerKind::kMaxPool;
    const int win = pool ? l.pool_size : 1, stride = pool ? l.pool_stride : 1;
    const int C = l.in.c, H = l.in.h, W = l.in.w, Ho = last.out.h, Wo = last.out.w;
    const int in_elem = ElemBytes(l.in_type), out_elem = ElemBytes(last.out_type);
    auto need = [&](int rows_out) {
      const int64_t rows_in = std::min<int64_t>(H, int64_t(rows_out - 1) * stride + win);
      return AlignUp(uint64_t(rows_in) * W * C * in_elem) +
             AlignUp(uint64_t(rows_out) * Wo * C * out_elem);
    };
    if (need(1) > half_) TooSmall(l, need(1));
    int rows_out = 1;
    // At least kVectorTiles tiles (when the map has the rows), so that the DMA loads the next
    // tile and stores the last while the vector unit works on this one.
    constexpr int kVectorTiles = 4;
    const int most = std::max(1, int(CeilDiv(Ho, kVectorTiles)));
    while (rows_out < most && need(rows_out + 1) <= half_) ++rows_out;
    int tile_index = 0;
    for (int oy0 = 0; oy0 < Ho; oy0 += rows_out, ++tile_index) {
      const int rows = std::min(rows_out, Ho - oy0);
      const int iy0 = oy0 * stride, iy1 = std::min(H, (oy0 + rows - 1) * stride + win);
      Tile t;
      t.half = tile_index % 2;
      const uint32_t base = uint32_t(t.half * half_);
      VectorCmd v;
      v.c = C;
      v.in_w = W;
      v.win = win;
      v.stride = stride;
      v.out_w = Wo;
      v.out_pixels = int64_t(rows) * Wo;
      v.oy0 = oy0;
      v.iy0 = iy0;
      v.in_base = base;
      v.out_base = base + uint32_t(AlignUp(uint64_t(iy1 - iy0) * W * C * in_elem));
      v.in_elem_bytes = in_elem;
      v.out_elem_bytes = out_elem;
      v.max = pool;
      v.requant = g.requant;
      v.shift = g.shift;
      v.relu = g.relu;
      t.vectors = {v};
      DmaCmd in;
      in.dram_addr = op->in_addr + uint64_t(iy0) * W * C * in_elem;
      in.glb_addr = v.in_base;
      in.row_bytes = uint32_t(int64_t(iy1 - iy0) * W * C * in_elem);
      in.dram_stride = in.row_bytes;
      in.data_type = DataType::kInput;
      DmaCmd st;
      st.store = true;
      st.data_type = DataType::kOutput;
      st.dram_addr = op->out_addr + uint64_t(oy0) * Wo * C * out_elem;
      st.glb_addr = v.out_base;
      st.row_bytes = uint32_t(v.out_pixels * C * out_elem);
      st.dram_stride = st.row_bytes;
      t.loads = {in};
      t.stores = {st};
      op->tiles.push_back(std::move(t));
    }
  }

  const ArchSpec& a_;
  const Workload& w_;
  Mode mode_;
  uint64_t half_;
  Program* program_ = nullptr;
};

}  // namespace

Program Compile(const ArchSpec& arch, const Workload& workload, Mode mode) {
  return Compiler(arch, workload, mode).Run();
}

void DumpProgram(const Program& p, std::ostream& os) {
  os << "program (" << ModeName(p.mode) << "): " << p.ops.size() << " ops, DRAM footprint "
     << p.dram_bytes << " bytes\n";
  for (const Op& op : p.ops) {
    os << "op " << op.name << " (" << op.kind << ") on " << OpEngineName(op.engine) << ": "
       << op.tiles.size() << " tiles, " << op.macs << " dense MACs, in@" << op.in_addr
       << (op.in_is_list ? " (list)" : "") << " w@" << op.w_addr;
    if (op.groups > 0)
      os << " ids@" << op.id_addr << " N=" << op.pack_n << " groups=" << op.groups << " packing "
         << op.nonzeros << "/" << op.slots;
    os << " out@" << op.out_addr << (op.out_is_list ? " (list)" : "") << "\n";
    for (size_t i = 0; i < op.tiles.size(); ++i) {
      const Tile& t = op.tiles[i];
      os << "  tile " << i << " half " << t.half << ":";
      for (const DmaCmd& d : t.loads)
        os << " load " << d.rows << "x" << d.row_bytes << "B dram@" << d.dram_addr << "->glb@"
           << d.glb_addr << ";";
      os << " " << t.passes.size() << " passes";
      if (!t.passes.empty()) {
        const Pass& ps = t.passes.front();
        os << " (first: " << StreamKindName(ps.input.kind) << " rows " << ps.array.rows_used
           << " cols " << ps.array.cols_used << " kp " << ps.array.kp << " pixels "
           << ps.array.pixels << " k " << ps.array.k << ")";
      }
      for (const VectorCmd& v : t.vectors)
        os << " vector " << v.out_pixels << " px win " << v.win << ";";
      for (const KwtaCmd& k : t.kwta)
        os << " kwta " << k.k << " of " << k.n << (k.write_list ? " -> list" : " -> dense") << ";";
      for (const SsCmd& c : t.ss)
        os << " ss " << c.actives << " actives x " << c.groups << " groups (N=" << c.n << ", "
           << c.channels << " channels);";
      for (const DmaCmd& d : t.stores)
        os << " store " << d.rows << "x" << d.row_bytes << "B glb@" << d.glb_addr << "->dram@"
           << d.dram_addr << " stride " << d.dram_stride << ";";
      os << "\n";
    }
  }
}

}  // namespace cssim
