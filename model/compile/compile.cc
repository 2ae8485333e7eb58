// Compile(): allocates the DRAM tensors, groups the layers, picks each group's engine and hands
// the group to its compile step (compile_dense.cc, compile_sparse.cc); see compile.h.
#include "model/compile/compile.h"

#include <algorithm>
#include <sstream>

#include "model/base/error.h"
#include "model/compile/compile_steps.h"
#include "model/compile/tiling.h"

namespace cssim {

std::vector<bool> ReadLater(const Workload& w) {
  std::vector<bool> read(w.layers.size(), false);
  for (const Layer& l : w.layers)
    for (int k : {l.from, l.with})
      if (k >= 0) read[size_t(k)] = true;
  return read;
}

std::vector<Group> GroupLayers(const Workload& w) {
  std::vector<Group> groups;
  const auto& L = w.layers;
  const std::vector<bool> referenced = ReadLater(w);
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
    // A layer with its own input, or reading an earlier layer (from), starts a group of its
    // own, and so does the layer after one whose output a later layer reads (from, with): that
    // output must be stored.
    const auto absorbable = [&](size_t k) {
      return k < L.size() && !L[k].own_input && L[k].from < 0 && !referenced[k - 1];
    };
    if (mac && absorbable(j) && L[j].kind == LayerKind::kRequant) {
      g.requant = true;
      g.shift = L[j].shift;
      g.kind += "+requant";
      ++j;
    }
    // The k-WTA unit has no output stage: a ReLU after it runs on the vector unit.
    if (L[i].kind != LayerKind::kRelu && L[i].kind != LayerKind::kKwta && absorbable(j) &&
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

void TooSmall(const CompileContext& cx, const Layer& l, uint64_t need) {
  std::ostringstream os;
  os << "layer '" << l.name << "' needs " << CeilDiv(int64_t(need) * 2, 1024)
     << " KiB for its smallest double-buffered tile, the GLB has " << cx.arch.glb.size_kib
     << " KiB";
  throw InputError(
      cx.arch.source, "glb.size_kib", os.str(),
      ">= " + std::to_string(CeilDiv(int64_t(need) * 2, 1024)) + " for " + cx.workload.name);
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
  Compiler(const ArchSpec& a, const Workload& w, Mode mode)
      : w_(w), mode_(mode), cx_{a, w, uint64_t(a.glb.size_kib) * 1024 / 2, nullptr} {}

  Program Run() {
    Program p;
    p.input_addr = Alloc(uint64_t(w_.input.size()));
    p.mode = mode_;
    AllocWeights(&p);
    AllocLayerInputs(&p);
    cx_.program = &p;
    uint64_t in_addr = p.input_addr;
    bool in_is_list = false;
    const std::vector<Group> groups = GroupLayers(w_);
    std::vector<uint64_t> out_addr(w_.layers.size(), 0);  // per layer that ends an op
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      const Layer& first = w_.layers[size_t(groups[gi].first)];
      if (first.own_input) {
        in_addr = p.layer_input_addr[size_t(groups[gi].first)];
        in_is_list = false;
      } else if (first.from >= 0) {  // a stored output (GroupLayers ends an op there)
        in_addr = out_addr[size_t(first.from)];
        in_is_list = false;
      }
      Op op = OpOf(p, groups, gi, in_addr, in_is_list);
      if (first.kind == LayerKind::kAdd) op.with_addr = out_addr[size_t(first.with)];
      switch (op.engine) {
        case OpEngine::kArray:
          CompileConv(cx_, groups[gi], &op);
          break;
        case OpEngine::kCs:
          CompileConv(cx_, groups[gi], &op);
          break;
        case OpEngine::kSparseSparse:
          CompileSs(cx_, groups[gi], groups[gi - 1], &op);
          break;
        case OpEngine::kKwta:
          CompileKwta(cx_, groups[gi], &op);
          break;
        case OpEngine::kVector:
          CompileVector(cx_, groups[gi], &op);
          break;
      }
      in_addr = op.out_addr;
      in_is_list = op.out_is_list;
      out_addr[size_t(op.last_layer)] = op.out_addr;
      p.ops.push_back(std::move(op));
    }
    p.output_addr = in_addr;
    p.output_shape = w_.layers.back().out;
    p.output_type = w_.layers.back().out_type;
    p.dram_bytes = next_;
    return p;
  }

 private:
  // DRAM tensors one after the other, each start aligned.
  uint64_t Alloc(uint64_t bytes) {
    const uint64_t at = next_;
    next_ = AlignUp(next_ + bytes);
    return at;
  }

  // Every layer's weights, in workload order: dense, or (sparse modes) packed.
  void AllocWeights(Program* p) {
    const size_t n = w_.layers.size();
    p->weight_addr.assign(n, 0);
    p->weight_n_tile.assign(n, 0);
    p->id_addr.assign(n, 0);
    p->packed.assign(n, false);
    p->channel_major.assign(n, false);
    p->id_rows_aligned.assign(n, false);
    for (size_t i = 0; i < n; ++i) {
      const Layer& l = w_.layers[i];
      if (l.weight_count() == 0) continue;
      if (mode_ == Mode::kDense) {
        p->weight_addr[i] = Alloc(uint64_t(l.weight_count()));
        continue;
      }
      // Packed: G combined kernels over the fan-in, values and kernel IDs (a byte each; none
      // when N = 1: every product then belongs to the one kernel).
      const uint64_t slots = uint64_t(CeilDiv(l.out_channels, l.pack_n())) * l.fan_in();
      p->weight_addr[i] = Alloc(slots);
      if (l.pack_n() > 1) p->id_addr[i] = Alloc(slots);
      p->packed[i] = true;
    }
  }

  // The own input of every layer that has one (int8), after the weights.
  void AllocLayerInputs(Program* p) {
    p->layer_input_addr.assign(w_.layers.size(), 0);
    for (size_t i = 0; i < w_.layers.size(); ++i)
      if (w_.layers[i].own_input) p->layer_input_addr[i] = Alloc(uint64_t(w_.layers[i].in.size()));
  }

  // Group gi as an op without tiles: names, tensors (its output allocated), engine.
  Op OpOf(const Program& p, const std::vector<Group>& groups, size_t gi, uint64_t in_addr,
          bool in_is_list) {
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
    const bool sparse = mode_ != Mode::kDense;
    if (IsMac(kind)) {
      op.engine = !sparse ? OpEngine::kArray : in_is_list ? OpEngine::kSparseSparse : OpEngine::kCs;
    } else {
      op.engine = kind == LayerKind::kKwta ? OpEngine::kKwta : OpEngine::kVector;
    }
    // A k-WTA output feeds the next op as an active list when that op runs sparse-sparse.
    // Not when a later layer reads it (from, with): those read maps.
    const bool next_mac = gi + 1 < groups.size() && IsMac(groups[gi + 1].main->kind) &&
                          !groups[gi + 1].main->own_input && groups[gi + 1].main->from < 0;
    op.out_is_list = kind == LayerKind::kKwta && mode_ == Mode::kSparseSparse && next_mac &&
                     !ReadLater(w_)[size_t(g.last)];
    op.out_addr = Alloc(op.out_is_list ? uint64_t(last.kwta_k()) * kActEntryBytes
                                       : uint64_t(last.out.size()) * ElemBytes(last.out_type));
    if (in_is_list && op.engine != OpEngine::kSparseSparse)
      throw SimError("compile: an active list feeds a non-sparse-sparse op");
    return op;
  }

  static bool IsMac(LayerKind k) { return k == LayerKind::kConv || k == LayerKind::kLinear; }

  const Workload& w_;
  Mode mode_;
  CompileContext cx_;
  uint64_t next_ = 0;  // DRAM bytes allocated
};

}  // namespace

Program Compile(const ArchSpec& arch, const Workload& workload, Mode mode) {
  return Compiler(arch, workload, mode).Run();
}

}  // namespace cssim
