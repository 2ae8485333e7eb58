#include "model/cosim/kwta_regress.h"

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

#include "model/compile/program.h"
#include "model/cosim/harness.h"
#include "model/cosim/kwta_twin.h"
#include "model/glb/glb.h"
#include "model/kwta/kwta.h"
#include "model/ref/ref.h"

namespace cssim {
namespace {

// What one seed runs: the profile's knobs and the commands.
struct Plan {
  std::vector<KwtaCmd> cmds;
  GlbClientPace pace;
};

// Regions of the 256 KiB GLB: maps below 48 KiB, dense maps from 64 KiB (or in place), lists
// from 128 KiB (at most 4 * 3000 bytes past 168 KiB).
constexpr uint32_t kDenseRegion = 64 * 1024;
constexpr uint32_t kListRegion = 128 * 1024;
constexpr uint32_t kBaseSpan = 40000;

Plan MakePlan(uint64_t seed, std::mt19937_64& rng) {
  Plan p;
  const int profile = int(seed % 4);
  int commands = 24 + int(rng() % 12);
  int64_t n_min = 1, n_max = 700;
  int list_pct = 50;
  switch (profile) {
    case 1:
      commands = 80;
      n_max = 40;
      p.pace.max_gap = 60;  // long idle stretches: the engine skips them
      p.pace.done_ready_pct = 30;
      p.pace.noise_pct = 60;
      break;
    case 2:
      commands = 12 + int(rng() % 5);
      n_min = 500;
      n_max = 3000;
      list_pct = 80;
      p.pace.done_ready_pct = 90;
      break;
    case 3:
      n_max = 300;
      p.pace.done_ready_pct = 5;
      p.pace.noise_pct = 80;
      break;
    default:
      p.pace.noise_pct = 50;
      break;
  }
  for (int i = 0; i < commands; ++i) {
    KwtaCmd c;
    c.n = n_min + int64_t(rng() % uint64_t(n_max - n_min + 1));
    const uint64_t pick = rng() % 4;
    c.k = pick == 0 ? 1 : pick == 1 ? c.n : 1 + int64_t(rng() % uint64_t(c.n));
    c.in_base = uint32_t(rng() % kBaseSpan);
    const uint64_t out = rng() % 10;  // 0: neither, 1..3: list only, 4..: dense (and list)
    c.write_dense = out >= 4;
    c.write_list = out >= 1 && (out <= 3 || int(rng() % 100) < list_pct);
    if (rng() % 4 == 0)  // in place, or from a little below
      c.dense_base = c.in_base - std::min<uint32_t>(c.in_base, uint32_t(rng() % 8));
    else
      c.dense_base = kDenseRegion + uint32_t(rng() % kBaseSpan);
    c.list_base = kListRegion + uint32_t(rng() % kBaseSpan);
    p.cmds.push_back(c);
  }
  return p;
}

// Writes the map: narrow value ranges make many ties at the threshold.
void FillMap(const KwtaCmd& c, std::mt19937_64& rng, std::vector<uint8_t>* image) {
  static const int kSpans[] = {1, 2, 12, 127};
  const int span = kSpans[rng() % 4];
  for (int64_t i = 0; i < c.n; ++i)
    (*image)[c.in_base + size_t(i)] = uint8_t(int(rng() % uint64_t(2 * span + 1)) - span);
}

// Applies a command to the image as the reference says; adds its counts to `want`.
struct Counts {
  uint64_t values = 0, compares = 0, winners = 0, records = 0;
};
void Reference(const KwtaCmd& c, std::vector<uint8_t>* image, Counts* want) {
  const size_t n = size_t(c.n);
  std::vector<int32_t> map(n);
  KwtaHistogram hist{};
  for (size_t i = 0; i < n; ++i) {
    map[i] = int8_t((*image)[c.in_base + i]);
    ++hist[size_t(map[i] + 128)];
  }
  // One channel per value: HWC and CHW orders coincide.
  const std::vector<int64_t> kept = KwtaWinners(Shape{int(n), 1, 1}, map, c.k);
  want->values += n;
  want->compares += n + uint64_t(KwtaSearch(hist, c.k).bins_examined);
  want->winners += kept.size();
  if (c.write_dense) {
    for (size_t i = 0; i < n; ++i) (*image)[c.dense_base + i] = 0;
    for (int64_t i : kept) (*image)[c.dense_base + size_t(i)] = uint8_t(map[size_t(i)]);
  }
  if (c.write_list) {
    uint32_t at = c.list_base;
    for (int64_t i : kept) {
      const uint8_t rec[kActEntryBytes] = {uint8_t(i & 0xff), uint8_t(i >> 8),
                                           uint8_t(map[size_t(i)]), 0};
      std::copy(rec, rec + kActEntryBytes, image->begin() + at);
      at += kActEntryBytes;
    }
    want->records += kept.size();
  }
}

}  // namespace

RegressResult RunKwtaRegress(uint64_t seed, Impl impl, const CosimOptions& options) {
  std::mt19937_64 rng(seed);
  const Plan plan = MakePlan(seed, rng);
  const GlbSpec glb_spec;  // the default arch's: 256 KiB, 16 banks of 8-byte words
  const KwtaSpec kwta_spec;

  // The port as the accelerator adds it (model/top/accelerator.cc): one lane per word of `lanes`
  // values.
  GlbClientBench bench("kwta", seed, impl, plan.pace, "glb.kwta",
                       std::max(1, kwta_spec.lanes / glb_spec.bank_width_bytes), 4);
  Glb& glb = bench.glb();
  Kwta kwta(kwta_spec, bench.port(), glb_spec.bank_width_bytes, bench.root());

  // The image: random bytes, the maps, then what the reference makes of them, in order (a
  // command starts after the previous one's writes are acknowledged).
  std::vector<uint8_t> image(glb.size_bytes());
  for (auto& b : image) b = uint8_t(rng());
  for (const KwtaCmd& c : plan.cmds) FillMap(c, rng, &image);
  glb.Poke(0, image.data(), image.size());
  std::vector<uint8_t> want = image;
  Counts counts;
  for (const KwtaCmd& c : plan.cmds) Reference(c, &want, &counts);

  std::unique_ptr<Twin> twin;
  if (impl != Impl::kModel) twin = MakeKwtaTwin(kwta, bench.port(), impl, options, "top.kwta");
  const RegressResult r =
      bench.Run(kwta.cmd(), plan.cmds, kwta, twin.get(), "kwta", kwta.done(), kwta.links());
  bench.Check(want, kwta.stats(),
              {{"hist_updates", counts.values},
               {"compares", counts.compares},
               {"winners", counts.winners},
               {"list_writes", counts.records}});
  return r;
}

}  // namespace cssim
