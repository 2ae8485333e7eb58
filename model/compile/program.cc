// The Program's own functions: names, stream addressing, and the --dump-program text.
#include "model/compile/program.h"

namespace cssim {
namespace {

// Filter-row lane r * hg + g, beat (s, qq, pp): weight (filter n0 + g * p + pp, channel
// ch0(r) + qq, row ky(r), column s) in the tile's [ky][kx][c][n] block.
int64_t RsFilterAddr(const RsMap& m, int lane, uint64_t beat) {
  const int r = lane / m.hg, g = lane % m.hg;
  const int pp = int(beat % uint64_t(m.p)), qq = int(beat / uint64_t(m.p) % uint64_t(m.q));
  const int s = int(beat / uint64_t(m.p * m.q));
  if (pp >= m.p_eff(g) || qq >= m.q_eff(r)) return -2;
  const int64_t row = (int64_t(m.ky(r)) * m.S + s) * m.c_tile + m.ch0(r) + qq;
  return int64_t(m.w_base) + row * m.n_tile + m.n0 + g * m.p + pp;
}

// Input lane set * diagonals() + d, beat (strip, column, qq): the input value of the padded
// column, channel ch0 + qq, of the row diagonal d reads in that strip.
int64_t RsInputAddr(const RsMap& m, int lane, uint64_t beat) {
  const int set = lane / m.diagonals(), d = lane % m.diagonals();
  const uint64_t per_strip = uint64_t(m.wp()) * m.q;
  const int st = int(beat / per_strip);
  const int col = int(beat % per_strip / uint64_t(m.q)), qq = int(beat % uint64_t(m.q));
  const int r = set * m.rc;  // the set's first row: its channels
  if (qq >= m.q_eff(r) || !m.DiagonalUsed(st, d)) return -2;
  const int64_t iy = int64_t(m.oy0 + st * m.e) * m.stride - m.pad + m.ky0 + d;
  const int64_t ix = col - m.pad;
  if (iy < 0 || iy >= m.h || ix < 0 || ix >= m.w) return -1;
  return int64_t(m.in_base) + ((iy - m.iy0) * m.w + ix) * m.c_tile + m.ch0(r) + qq;
}

}  // namespace

bool RsMap::DiagonalUsed(int st, int d) const {
  for (int jj = 0; jj < strip_rows(st); ++jj)
    if (d - jj * stride >= 0 && d - jj * stride < rc) return true;
  return false;
}

int64_t ConvGeom::InputAddr(int64_t p, int64_t kk) const {
  const int64_t oy = oy0 + p / wo, ox = p % wo;
  const int64_t run = int64_t(kw) * c;
  const int64_t ky = kk / run, rem = kk % run;
  const int64_t kx = rem / c, ch = rem % c;
  const int64_t iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
  if (iy < 0 || iy >= h || ix < 0 || ix >= w) return -1;
  return int64_t(in_base) + ((iy - iy0) * w + ix) * c + ch;
}

StreamWalk::StreamWalk(const StreamCmd& c, int lane) : c_(&c), lane_(lane) {
  const ConvGeom& g = c.geom;
  const int64_t beats = int64_t(c.beats);
  switch (c.kind) {
    case StreamKind::kRsFilter:
    case StreamKind::kRsInput:
      walk_ = Walk::kAddr;
      break;
    case StreamKind::kOsWeight:
      walk_ = Walk::kLinear;
      step_ = g.n_tile;
      break;
    case StreamKind::kIsWeight:
      walk_ = Walk::kLinear;
      step_ = c.k0 + lane < g.k ? 1 : 0;  // a lane past the reduction is idle throughout
      break;
    case StreamKind::kOsInput:  // kk = beat, pixel p0 + lane (Addr has no idle beats here)
      walk_ = beats <= g.k ? Walk::kReduction : Walk::kAddr;
      p_ = c.p0 + lane;
      SetReduction(0);
      break;
    case StreamKind::kIsInput:  // kk = k0 + beats - 1 - beat, pixel p0 + lane
      walk_ = Walk::kReduction;
      dir_ = -1;
      p_ = c.p0 + lane;
      SetReduction(c.k0 + beats - 1);
      break;
    case StreamKind::kWsInput:  // pixel beat / kp, kk = k0 + lane * kp + beat % kp
      walk_ = Walk::kReduction;
      kk_first_ = c.k0 + int64_t(lane) * c.kp;
      SetReduction(kk_first_);
      break;
    case StreamKind::kWsWeight:  // kk = k0 + beat
      walk_ = Walk::kReduction;
      weights_ = true;
      SetReduction(c.k0);
      break;
    case StreamKind::kSysWsWeight:  // kk = k0 + beats - 1 - beat
      walk_ = Walk::kReduction;
      weights_ = true;
      dir_ = -1;
      SetReduction(c.k0 + beats - 1);
      break;
  }
  w_col_ = int64_t(g.w_base) + c.n_local0 + lane;
  addr_ = beats == 0 ? 0 : walk_ == Walk::kReduction ? ReductionAddr() : c.Addr(lane, 0);
}

void StreamWalk::SetReduction(int64_t kk) {
  const ConvGeom& g = c_->geom;
  kk_ = kk;
  if (weights_ || kk < 0 || kk >= g.k) return;  // no im2col position (Addr gives -2 or weights)
  const int64_t run = int64_t(g.kw) * g.c;
  ky_ = kk / run;
  kx_ = kk % run / g.c;
  ch_ = kk % g.c;
  iy_ = int64_t(g.oy0 + p_ / g.wo) * g.stride - g.pad;
  ix_ = int64_t(p_ % g.wo) * g.stride - g.pad;
}

int64_t StreamWalk::ReductionAddr() const {
  const ConvGeom& g = c_->geom;
  if (kk_ >= g.k) return -2;
  if (weights_) return w_col_ + kk_ * g.n_tile;
  const int64_t iy = iy_ + ky_, ix = ix_ + kx_;
  if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) return -1;
  return int64_t(g.in_base) + ((iy - g.iy0) * g.w + ix) * g.c + ch_;
}

void StreamWalk::StepReduction() {
  const ConvGeom& g = c_->geom;
  if (c_->kind == StreamKind::kWsInput && ++j_ == c_->kp) {  // the next pixel
    j_ = 0;
    ++p_;
    SetReduction(kk_first_);
  } else if (weights_ || kk_ < 0 || kk_ >= g.k || kk_ + dir_ < 0 || kk_ + dir_ >= g.k) {
    SetReduction(kk_ + dir_);  // weights, or at an end of the range: no position to step
  } else if (dir_ > 0) {
    ++kk_;
    if (++ch_ == g.c) {
      ch_ = 0;
      if (++kx_ == g.kw) {
        kx_ = 0;
        ++ky_;
      }
    }
  } else {
    --kk_;
    if (--ch_ < 0) {
      ch_ = g.c - 1;
      if (--kx_ < 0) {
        kx_ = g.kw - 1;
        --ky_;
      }
    }
  }
  addr_ = ReductionAddr();
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
    case StreamKind::kRsFilter:
      return "rs-filter";
    case StreamKind::kRsInput:
      return "rs-input";
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
    case StreamKind::kRsFilter:
      return RsFilterAddr(rs, lane, beat);
    case StreamKind::kRsInput:
      return RsInputAddr(rs, lane, beat);
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
           << " cols " << ps.array.cols_used;
        if (ps.array.dataflow == Dataflow::kRowStationary) {
          const RsMap& m = ps.array.rs;
          os << " q " << m.q << " p " << m.p << " sets " << m.sets << " filter rows " << m.rc
             << " strips " << m.strips() << " of " << m.e << " groups " << m.hg << ")";
        } else {
          os << " kp " << ps.array.kp << " pixels " << ps.array.pixels << " k " << ps.array.k
             << ")";
        }
      }
      for (const VectorCmd& v : t.vectors)
        os << " vector " << v.out_pixels << " px "
           << (v.max   ? "max "
               : v.avg ? "avg "
                       : "")
           << "win " << v.win << ";";
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
