#include "model/cosim/sparse_accum_regress.h"

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "model/base/arch_spec.h"
#include "model/base/workload.h"
#include "model/compile/packer.h"
#include "model/compile/program.h"
#include "model/cosim/harness.h"
#include "model/cosim/sparse_accum_twin.h"
#include "model/cs/sparse_accum.h"
#include "model/glb/glb.h"
#include "model/ppu/ppu_ops.h"
#include "model/ref/data.h"
#include "model/ref/ref.h"

namespace cssim {
namespace {

// Uniform in [lo, hi] (small ranges: the modulo bias does not matter for stimulus).
int Pick(std::mt19937_64& rng, int lo, int hi) { return lo + int(rng() % uint64_t(hi - lo + 1)); }

// The unit's action counters, as the reference counts them.
struct Counts {
  uint64_t slots = 0, macs = 0, skipped = 0, id_reads = 0, drains = 0, list_reads = 0,
           row_reads = 0;
};

// One command with its GLB contents and what it must leave there.
struct Job {
  SsCmd cmd;
  std::vector<uint8_t> list, values, ids;  // at list_base, w_base, id_base (ids: n > 1)
  std::vector<uint8_t> out;                // the reference's bytes at out_base
};

struct Plan {
  std::vector<Job> jobs;
  Counts counts;  // over all jobs
  GlbClientPace pace;
};

constexpr int kMaxN = 32;                   // CsSpec's default max_n
constexpr uint32_t kGlbBytes = 256 * 1024;  // GlbSpec's default
constexpr uint32_t kJobBytes = 48 * 1024;   // at most per command

// A random conv or linear layer with complementary sparse weights that the unit can take.
Layer MakeLayer(std::mt19937_64& rng, int profile) {
  static const double kDensity[] = {0.03, 0.06, 0.1, 0.2, 0.35, 0.5, 0.8, 1.0};
  Layer l;
  l.name = "ss";
  l.weight_density = kDensity[rng() % 8];
  const bool linear = profile == 2 ? rng() % 3 != 0 : profile != 3 && rng() % 5 < 2;
  if (linear) {
    l.kind = LayerKind::kLinear;
    int c, h, w, m;
    if (profile == 2) {  // hundreds of groups per row
      c = Pick(rng, 1, 12);
      h = Pick(rng, 1, 2);
      w = Pick(rng, 1, 2);
      m = Pick(rng, 200, 1400);
      l.weight_density = rng() % 2 ? 1.0 : 0.5;
    } else if (profile == 1) {
      c = Pick(rng, 1, 4);
      h = Pick(rng, 1, 3);
      w = Pick(rng, 1, 3);
      m = Pick(rng, 1, 24);
    } else {
      c = Pick(rng, 1, 16);
      h = Pick(rng, 1, 4);
      w = Pick(rng, 1, 4);
      m = Pick(rng, 1, 200);
    }
    l.in = Shape{c, h, w};
    l.out_channels = m;
    l.out = Shape{m, 1, 1};
  } else {
    l.kind = LayerKind::kConv;
    static const int kKernels[] = {1, 2, 3, 5};
    int c, h, w, m;
    if (profile == 1) {
      c = Pick(rng, 1, 3);
      h = Pick(rng, 2, 5);
      w = Pick(rng, 2, 5);
      m = Pick(rng, 1, 12);
      l.kernel_h = kKernels[rng() % 3];
    } else if (profile == 2 && rng() % 2 == 0) {
      c = Pick(rng, 1, 6);
      h = Pick(rng, 6, 14);
      w = Pick(rng, 6, 14);
      m = Pick(rng, 8, 48);
      l.kernel_h = kKernels[2 + rng() % 2];
    } else if (profile == 2) {  // rows of hundreds of groups, contiguous: a few fill the buffer
      c = Pick(rng, 1, 3);
      h = Pick(rng, 2, 4);
      w = Pick(rng, 2, 4);
      m = Pick(rng, 150, 700);
      l.kernel_h = 3;
      l.weight_density = 1.0;
    } else {
      c = Pick(rng, 1, 8);
      h = Pick(rng, 2, 10);
      w = Pick(rng, 2, 10);
      m = Pick(rng, 1, 40);
      l.kernel_h = kKernels[rng() % 4];
    }
    l.kernel_w = rng() % 4 == 0 ? kKernels[rng() % 4] : l.kernel_h;
    l.pad = Pick(rng, 0, std::max(l.kernel_h, l.kernel_w) - 1);
    l.pad = std::max({l.pad, (l.kernel_h - h + 1) / 2, (l.kernel_w - w + 1) / 2});
    l.stride = rng() % 3 == 0 ? Pick(rng, 2, 3) : 1;
    const int ho = (h + 2 * l.pad - l.kernel_h) / l.stride + 1;
    const int wo = (w + 2 * l.pad - l.kernel_w) / l.stride + 1;
    m = std::min(m, std::max(1, CsSpec{}.accumulators / (ho * wo)));
    l.in = Shape{c, h, w};
    l.out_channels = m;
    l.out = Shape{m, ho, wo};
  }
  while (l.pack_n() > kMaxN) l.weight_density = std::min(1.0, l.weight_density * 2);
  return l;
}

// Packs `l`, picks a tile of its groups and an active list, places them at `*at` (unaligned,
// advancing it) and computes the reference. False if the command does not fit.
bool MakeJob(const Layer& l, uint64_t weight_seed, std::mt19937_64& rng, uint32_t* at, Job* job,
             Counts* counts) {
  Workload wl;
  wl.name = "ss_regress";
  wl.seed = weight_seed;
  wl.input = l.in;
  wl.layers = {l};
  const std::vector<int8_t> nchw = GenerateWeights(wl, 0);
  const bool linear = l.kind == LayerKind::kLinear;
  PackedLayer p = PackLayer(l, nchw, "ss_regress", 0);
  if (!linear) p = ChannelMajor(p, l);
  const int64_t K = p.fan_in;
  // A tile of the groups, as the compiler splits a layer whose accumulators or rows do not fit.
  const int per_block = rng() % 3 == 0 ? Pick(rng, 1, p.groups) : p.groups;
  const int blocks = (p.groups + per_block - 1) / per_block;
  const int g0 = Pick(rng, 0, blocks - 1) * per_block;
  const int nt = std::min(per_block, p.groups - g0);
  const int ch0 = g0 * p.n;
  const int chs = std::min(l.out_channels, (g0 + nt) * p.n) - ch0;
  const std::vector<int8_t> values = BlockedValues(p, per_block);
  const std::vector<uint8_t> ids = BlockedIds(p, per_block);
  job->values.assign(values.begin() + g0 * K, values.begin() + (g0 + nt) * K);
  job->ids.clear();
  if (p.n > 1) job->ids.assign(ids.begin() + g0 * K, ids.begin() + (g0 + nt) * K);

  // The active list: distinct HWC indices, ascending, with random values.
  const int map_size = int(l.in.size());
  int k = Pick(rng, 0, std::min(map_size, 120));
  if (map_size <= 300 && rng() % 6 == 0) k = map_size;
  std::vector<int64_t> idx(static_cast<size_t>(map_size));
  for (int i = 0; i < map_size; ++i) idx[size_t(i)] = i;
  for (int i = 0; i < k; ++i) std::swap(idx[size_t(i)], idx[size_t(Pick(rng, i, map_size - 1))]);
  idx.resize(size_t(k));
  std::sort(idx.begin(), idx.end());
  std::vector<int32_t> in_chw(static_cast<size_t>(map_size), 0);
  job->list.clear();
  for (int64_t i : idx) {
    const int8_t v = int8_t(Pick(rng, -128, 127));
    job->list.insert(job->list.end(), {uint8_t(i & 0xff), uint8_t(i >> 8), uint8_t(v), 0});
    const Shape::Pos pos = l.in.FromHwc(i);
    in_chw[size_t(l.in.Chw(pos))] = v;
  }

  SsCmd& c = job->cmd;
  c = SsCmd{};
  c.actives = k;
  c.c = l.in.c;
  c.h = l.in.h;
  c.w = l.in.w;
  c.kh = linear ? l.in.h : l.kernel_h;
  c.kw = linear ? l.in.w : l.kernel_w;
  c.stride = linear ? 1 : l.stride;
  c.pad = linear ? 0 : l.pad;
  c.ho = l.out.h;
  c.wo = l.out.w;
  c.channel_major = !linear;
  c.groups = nt;
  c.n = p.n;
  c.channels = chs;
  c.requant = rng() % 2 == 0;
  c.shift = c.requant ? Pick(rng, 0, 10) : 0;
  c.relu = rng() % 2 == 0;
  c.out_elem_bytes = c.requant || rng() % 3 == 0 ? 1 : 4;
  const int64_t pixels = int64_t(c.ho) * c.wo;
  const uint64_t out_bytes = uint64_t(pixels * chs * c.out_elem_bytes);
  const uint64_t footprint = job->list.size() + job->values.size() + job->ids.size() + out_bytes;
  if (footprint > kJobBytes || *at + footprint + 64 > kGlbBytes) return false;
  auto place = [&](uint64_t bytes) {
    const uint32_t base = *at;
    *at += uint32_t(bytes) + uint32_t(Pick(rng, 0, 9));
    return base;
  };
  c.list_base = place(job->list.size());
  c.w_base = place(job->values.size());
  c.id_base = p.n > 1 ? place(job->ids.size()) : 0;
  c.out_base = place(out_bytes);

  // The reference: the masked weights over the listed inputs, through the output stage.
  const std::vector<int32_t> sums = RefLayer(l, in_chw, nchw);  // [M][ho][wo]
  job->out.assign(out_bytes, 0);
  for (int64_t px = 0; px < pixels; ++px)
    for (int cl = 0; cl < chs; ++cl) {
      const int32_t s = sums[size_t((ch0 + cl) * pixels + px)];
      StoreElem(&job->out[size_t((px * chs + cl) * c.out_elem_bytes)],
                OutputStage(s, c.requant, c.shift, c.relu), c.out_elem_bytes);
    }
  // ... and the counts: every valid kernel offset of every listed input fetches one row.
  uint64_t slots = 0;
  for (int64_t i : idx) {
    const Shape::Pos pos = l.in.FromHwc(i);
    for (int ky = 0; ky < c.kh; ++ky)
      for (int kx = 0; kx < c.kw; ++kx) {
        const int ny = pos.y + c.pad - ky, nx = pos.x + c.pad - kx;
        if (ny < 0 || nx < 0 || ny % c.stride || nx % c.stride || ny / c.stride >= c.ho ||
            nx / c.stride >= c.wo)
          continue;
        const int64_t row = linear ? (int64_t(ky) * c.kw + kx) * c.c + pos.c
                                   : (int64_t(pos.c) * c.kh + ky) * c.kw + kx;
        ++counts->row_reads;
        slots += uint64_t(nt);
        for (int g = 0; g < nt; ++g) counts->macs += job->values[size_t(row * nt + g)] != 0;
      }
  }
  const uint64_t dense =
      uint64_t(pixels) * uint64_t(chs) * uint64_t(c.c) * uint64_t(c.kh) * uint64_t(c.kw);
  counts->slots += slots;
  counts->skipped += dense > slots ? dense - slots : 0;
  counts->id_reads += slots * uint64_t(IdBits(p.n));
  counts->drains += uint64_t(pixels * chs);
  counts->list_reads += uint64_t(k);
  return true;
}

Plan MakePlan(uint64_t seed, std::mt19937_64& rng) {
  Plan p;
  const int profile = int(seed % 4);
  int commands = Pick(rng, 20, 30);
  switch (profile) {
    case 1:
      commands = 80;
      p.pace.max_gap = 40;  // long idle stretches: the engine skips them
      p.pace.done_ready_pct = 30;
      p.pace.noise_pct = 60;
      break;
    case 2:
      commands = Pick(rng, 8, 12);
      p.pace.max_gap = 2;
      p.pace.done_ready_pct = 90;
      break;
    case 3:
      p.pace.done_ready_pct = 5;
      p.pace.noise_pct = 80;
      break;
    default:
      p.pace.noise_pct = 50;
      break;
  }
  uint32_t at = uint32_t(Pick(rng, 0, 7));
  for (int i = 0, tries = 0; i < commands && tries < 4 * commands; ++tries) {
    const Layer l = MakeLayer(rng, profile);
    Job job;
    Counts counts = p.counts;
    if (!MakeJob(l, rng(), rng, &at, &job, &counts)) continue;
    p.counts = counts;
    p.jobs.push_back(std::move(job));
    ++i;
  }
  return p;
}

}  // namespace

RegressResult RunSparseAccumRegress(uint64_t seed, Impl impl, const CosimOptions& options) {
  std::mt19937_64 rng(seed);
  const Plan plan = MakePlan(seed, rng);
  const GlbSpec glb_spec;  // the default arch's: 256 KiB, 16 banks of 8-byte words
  const CsSpec cs_spec;
  const PpuSpec ppu_spec;

  // The port as the accelerator adds it (model/top/accelerator.cc).
  GlbClientBench bench("sparse_accum", seed, impl, plan.pace, "glb.ss", cs_spec.ss_glb_words,
                       size_t(2 * cs_spec.ss_glb_words));
  Glb& glb = bench.glb();
  SparseAccum ss(cs_spec, ppu_spec, bench.port(), glb_spec.bank_width_bytes, bench.root());

  // The image: random bytes, the commands' inputs, then the reference's outputs on top.
  std::vector<uint8_t> image(glb.size_bytes());
  for (auto& b : image) b = uint8_t(rng());
  std::vector<SsCmd> cmds;
  for (const Job& j : plan.jobs) {
    std::copy(j.list.begin(), j.list.end(), image.begin() + j.cmd.list_base);
    std::copy(j.values.begin(), j.values.end(), image.begin() + j.cmd.w_base);
    std::copy(j.ids.begin(), j.ids.end(), image.begin() + j.cmd.id_base);
    cmds.push_back(j.cmd);
  }
  glb.Poke(0, image.data(), image.size());
  std::vector<uint8_t> want = image;
  for (const Job& j : plan.jobs)
    std::copy(j.out.begin(), j.out.end(), want.begin() + j.cmd.out_base);

  std::unique_ptr<Twin> twin;
  if (impl != Impl::kModel) twin = MakeSparseAccumTwin(ss, bench.port(), impl, options, "top.ss");
  const RegressResult r =
      bench.Run(ss.cmd(), std::move(cmds), ss, twin.get(), "ss", ss.done(), ss.links());
  const Counts& c = plan.counts;
  bench.Check(want, ss.stats(),
              {{"mac.macs", c.macs},
               {"mac.gated", c.slots - c.macs},
               {"mac.skipped", c.skipped},
               {"kernel_id.id_reads", c.id_reads},
               {"acc.updates", c.macs},
               {"acc.drains", c.drains},
               {"list_reads", c.list_reads},
               {"row_reads", c.row_reads}});
  return r;
}

}  // namespace cssim
