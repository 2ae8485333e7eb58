// The Program's own functions: names, stream addressing, and the --dump-program text.
#include "model/compile/program.h"

namespace cssim {

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
    case StreamKind::kSysWsWeight:
      return "sys-ws-weight";
    case StreamKind::kIsInput:
      return "is-input";
    case StreamKind::kIsWeight:
      return "is-weight";
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
    case StreamKind::kSysWsWeight: {
      const int64_t kk = k0 + int64_t(beats) - 1 - int64_t(beat);
      if (kk >= geom.k) return -2;
      return int64_t(geom.w_base) + kk * geom.n_tile + n_local0 + lane;
    }
    case StreamKind::kIsInput: {
      const int64_t kk = k0 + int64_t(beats) - 1 - int64_t(beat);
      if (kk >= geom.k) return -2;
      return geom.InputAddr(p0 + lane, kk);
    }
    case StreamKind::kIsWeight: {
      const int64_t kk = k0 + lane;
      if (kk >= geom.k) return -2;
      return int64_t(geom.w_base) + kk * geom.n_tile + n_local0 + int64_t(beat);
    }
  }
  return -2;
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
