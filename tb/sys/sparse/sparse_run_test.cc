// Whole runs in the complementary-sparsity modes: the GSC sparse networks bit-exact in every mode
// with the engines, packing factors and MAC counts the modes imply; seeded random networks of
// many shapes bit-exact in all three modes; the SystemC kernel agreeing with the direct loop;
// determinism; and energy accounting of the CS and k-WTA units.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/config/config.h"
#include "model/ref/data.h"
#include "model/top/run.h"
#include "tb/common/energy_checks.h"
#include "tb/common/temp_file.h"

namespace cssim {
namespace {

RunResult RunDirect(const ArchSpec& a, const Workload& w, Mode mode) {
  RunOptions o;
  o.kernel = Kernel::kDirect;
  o.mode = mode;
  return cssim::Run(a, w, LoadEnergyTable("45nm"), o);
}

RunResult RunGsc(const std::string& workload, Mode mode) {
  return RunDirect(LoadArch("default"), LoadWorkload(workload), mode);
}

// The op whose first layer is `layer` (op names join their layers with '+').
LayerResult OpOf(const RunResult& r, const std::string& layer) {
  for (const LayerResult& l : r.layers)
    if (l.name == layer || l.name.rfind(layer + "+", 0) == 0) return l;
  ADD_FAILURE() << "no op for layer " << layer;
  return LayerResult{};
}

// The layer kind an op starts with ("conv+requant" -> "conv").
std::string MainKind(const LayerResult& l) { return l.kind.substr(0, l.kind.find('+')); }

uint64_t ValueOf(const std::vector<CounterValue>& counters, const std::string& name) {
  for (const CounterValue& c : counters)
    if (c.name == name) return c.value;
  ADD_FAILURE() << "no counter " << name;
  return 0;
}

void ExpectCyclesAddUp(const RunResult& r) {
  Cycle sum = 0;
  for (const LayerResult& l : r.layers) sum += l.cycles;
  EXPECT_EQ(sum, r.cycles) << "per-layer cycles must add up to the run";
}

// The unit a conv/linear op runs on: the PE array in dense mode; the CS engine in the sparse
// modes, except that in sparse-sparse mode an op fed by a k-WTA reads its active list on the
// sparse-sparse unit. Other ops keep their unit in every mode.
std::string WantEngine(const RunResult& r, size_t i, Mode mode) {
  const std::string kind = MainKind(r.layers[i]);
  if (kind == "kwta") return "kwta";
  if (kind != "conv" && kind != "linear") return "vector";
  if (mode == Mode::kDense) return "array";
  if (mode == Mode::kSparseSparse && i > 0 && MainKind(r.layers[i - 1]) == "kwta") return "ss";
  return "cs";
}

struct GscJob {
  const char* workload;
  Mode mode;
  int fc1_pack_n;  // fc1's N: 10 at 10 % weight density, 20 at 5 % (super-sparse)
};

class GscModes : public ::testing::TestWithParam<GscJob> {};

TEST_P(GscModes, BitExactOnTheModesEnginesWithFewerMacs) {
  const GscJob& job = GetParam();
  const RunResult r = RunGsc(job.workload, job.mode);  // throws on any output mismatch
  EXPECT_EQ(r.output_check, "bit-exact");
  EXPECT_EQ(r.mode, ModeName(job.mode));
  ExpectCyclesAddUp(r);
  for (size_t i = 0; i < r.layers.size(); ++i)
    EXPECT_EQ(r.layers[i].engine, WantEngine(r, i, job.mode)) << r.layers[i].name;
  if (job.mode == Mode::kDense) {
    EXPECT_EQ(r.macs, r.dense_macs) << "the array does the dense work";
    for (const LayerResult& l : r.layers) EXPECT_EQ(l.pack_n, 0) << l.name << ": nothing packs";
    return;
  }
  EXPECT_LT(r.macs, r.dense_macs);
  // conv1 is on the CS engine in both sparse modes: its input is the network input, not a list.
  EXPECT_EQ(OpOf(r, "conv1").engine, "cs");
  // docs/background.md, section 3: conv1 13 of 25 does not pack; conv2 N = 5; fc1 N = 10 (20); fc2
  // dense, N = 1.
  EXPECT_EQ(OpOf(r, "conv1").pack_n, 1);
  EXPECT_EQ(OpOf(r, "conv2").pack_n, 5);
  EXPECT_EQ(OpOf(r, "fc1").pack_n, job.fc1_pack_n);
  EXPECT_EQ(OpOf(r, "fc2").pack_n, 1);
  int64_t layer_macs = 0;
  for (const LayerResult& l : r.layers) {
    EXPECT_LE(l.macs, l.dense_macs) << l.name;
    layer_macs += l.macs;
  }
  EXPECT_EQ(layer_macs, r.macs);
}

INSTANTIATE_TEST_SUITE_P(All, GscModes,
                         ::testing::Values(GscJob{"gsc-sparse", Mode::kDense, 10},
                                           GscJob{"gsc-sparse", Mode::kSparseDense, 10},
                                           GscJob{"gsc-sparse", Mode::kSparseSparse, 10},
                                           GscJob{"gsc-supersparse", Mode::kSparseDense, 20},
                                           GscJob{"gsc-supersparse", Mode::kSparseSparse, 20}),
                         [](const ::testing::TestParamInfo<GscJob>& i) {
                           std::string n =
                               std::string(i.param.workload) + "_" + ModeName(i.param.mode);
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

// Sparse activations remove work on top of sparse weights: fewer MACs in every layer the
// sparse-sparse unit runs, and in the whole network.
class GscWorkloads : public ::testing::TestWithParam<const char*> {};

TEST_P(GscWorkloads, SparseSparseDoesFewerMacsThanSparseDense) {
  const RunResult sd = RunGsc(GetParam(), Mode::kSparseDense);
  const RunResult ss = RunGsc(GetParam(), Mode::kSparseSparse);
  EXPECT_LT(ss.macs, sd.macs);
  EXPECT_EQ(ss.dense_macs, sd.dense_macs);
  ASSERT_EQ(ss.layers.size(), sd.layers.size());
  for (size_t i = 0; i < ss.layers.size(); ++i) {
    if (ss.layers[i].engine == "ss") {
      EXPECT_LT(ss.layers[i].macs, sd.layers[i].macs) << ss.layers[i].name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(All, GscWorkloads, ::testing::Values("gsc-sparse", "gsc-supersparse"),
                         [](const ::testing::TestParamInfo<const char*>& i) {
                           std::string n = i.param;
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

// Packing efficiency = non-zeros / slots, slots = groups * fan-in, groups = ceil(M / N), from
// gsc-sparse.yaml's densities (nnz = round(density * fan-in), N = floor(fan-in / nnz)):
//   conv1 fan-in 1*5*5 = 25, nnz 13, N 1: 64 groups, 64*13 = 832 of 64*25 = 1,600 slots
//   conv2 fan-in 64*5*5 = 1,600, nnz 320, N 5: 13 groups (the last holds 4 kernels),
//         64*320 = 20,480 of 13*1,600 = 20,800 slots
//   fc1   fan-in 1,600, nnz 160, N 10: 100 groups, 160,000 of 160,000 slots
//   fc2   dense, fan-in 1,000, N 1: 12 groups, 12,000 of 12,000 slots
TEST(SparseRun, GscSparsePackingEfficiency) {
  for (Mode mode : {Mode::kSparseDense, Mode::kSparseSparse}) {
    SCOPED_TRACE(ModeName(mode));
    const RunResult r = RunGsc("gsc-sparse", mode);
    EXPECT_DOUBLE_EQ(OpOf(r, "conv1").packing_efficiency, 13.0 * 64 / (25.0 * 64));
    EXPECT_DOUBLE_EQ(OpOf(r, "conv1").packing_efficiency, 0.52);
    EXPECT_DOUBLE_EQ(OpOf(r, "conv2").packing_efficiency, 20480.0 / 20800.0);
    EXPECT_DOUBLE_EQ(OpOf(r, "fc1").packing_efficiency, 1.0);
    EXPECT_DOUBLE_EQ(OpOf(r, "fc2").packing_efficiency, 1.0);
    EXPECT_DOUBLE_EQ(r.packing_efficiency,
                     (832.0 + 20480 + 160000 + 12000) / (1600.0 + 20800 + 160000 + 12000));
  }
}

TEST(SparseRun, SystemCKernelAgreesWithDirectLoopCycleForCycle) {
  const ArchSpec a = LoadArch("default");
  const Workload w = LoadWorkload("gsc-sparse");
  RunOptions sc;
  sc.kernel = Kernel::kSystemC;
  sc.mode = Mode::kSparseSparse;
  const RunResult s = cssim::Run(a, w, LoadEnergyTable("45nm"), sc);  // once per process
  const RunResult d = RunDirect(a, w, Mode::kSparseSparse);
  EXPECT_EQ(s.output_check, "bit-exact");
  EXPECT_EQ(s.cycles, d.cycles);
  ASSERT_EQ(s.layers.size(), d.layers.size());
  for (size_t i = 0; i < s.layers.size(); ++i)
    EXPECT_EQ(s.layers[i].cycles, d.layers[i].cycles) << s.layers[i].name;
  ASSERT_EQ(s.counters.size(), d.counters.size());
  for (size_t i = 0; i < s.counters.size(); ++i)
    EXPECT_EQ(s.counters[i].value, d.counters[i].value) << s.counters[i].name;
}

TEST(SparseRun, SameInputsGiveIdenticalCounters) {
  const RunResult a = RunGsc("gsc-sparse", Mode::kSparseSparse);
  const RunResult b = RunGsc("gsc-sparse", Mode::kSparseSparse);
  EXPECT_EQ(a.cycles, b.cycles);
  EXPECT_EQ(a.macs, b.macs);
  ASSERT_EQ(a.counters.size(), b.counters.size());
  for (size_t i = 0; i < a.counters.size(); ++i)
    EXPECT_EQ(a.counters[i].value, b.counters[i].value) << a.counters[i].name;
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) {
    ASSERT_EQ(a.layers[i].counters.size(), b.layers[i].counters.size());
    for (size_t k = 0; k < a.layers[i].counters.size(); ++k)
      EXPECT_EQ(a.layers[i].counters[k].value, b.layers[i].counters[k].value)
          << a.layers[i].name << " " << a.layers[i].counters[k].name;
  }
}

class SparseEnergy : public ::testing::TestWithParam<Mode> {};

TEST_P(SparseEnergy, BreakdownsSumToTotalWithCsAndKwta) {
  const RunResult r = RunGsc("gsc-sparse", GetParam());
  ExpectEnergyAddsUp(r, {"cs", "kwta", "mac", "glb", "dram"});
}

INSTANTIATE_TEST_SUITE_P(All, SparseEnergy,
                         ::testing::Values(Mode::kSparseDense, Mode::kSparseSparse),
                         [](const ::testing::TestParamInfo<Mode>& i) {
                           return i.param == Mode::kSparseDense ? "sparse_dense" : "sparse_sparse";
                         });

// conv1 keeps 13 of its 25 weight slots (N = 1), so on the CS engine each of the 28x28 output
// pixels gates 12 padded slots in each of the 64 groups; the gated multiplier-cycles carry
// their own energy action.
TEST(SparseRun, SparseDenseGatesConv1PaddedSlots) {
  const RunResult r = RunGsc("gsc-sparse", Mode::kSparseDense);
  EXPECT_EQ(ValueOf(OpOf(r, "conv1").counters, "top.cs.mac.gated"), uint64_t(28 * 28) * 64 * 12);
  EXPECT_GT(ValueOf(r.counters, "top.cs.mac.gated"), 0u);
  bool gated_energy = false;
  for (const ActionEnergy& a : r.energy.actions)
    if (a.counter == "top.cs.mac.gated") gated_energy = a.count > 0 && a.pj > 0;
  EXPECT_TRUE(gated_energy) << "gated MACs must be charged";
}

// ---------------------------------------------------------------------------------------------
// Random small networks. A seeded generator builds conv / requant / relu / maxpool / k-WTA /
// linear stacks of varied shapes (odd sizes, pad, stride, partial pooling windows), weight
// densities giving N = 1 .. cs.max_n with and without a partial last group, and k-WTA from
// k = 1 to k = n. Every network runs in all three modes, bit-exact against the reference.

// Uniform in [lo, hi] (the reference's portable mapping, so the networks are the same on every
// standard library).
int Pick(std::mt19937_64& rng, int lo, int hi) { return int(UniformInt(rng, lo, hi)); }

class NetGen {
 public:
  NetGen(uint64_t seed, int max_n) : rng_(seed), max_n_(max_n) {}

  // The network's YAML. conv_after_kwta: it has a conv with pad >= 1 and stride >= 2 fed by a
  // k-WTA; linear_after_kwta: a linear layer fed by a k-WTA.
  std::string Build(int index, bool conv_after_kwta, bool linear_after_kwta) {
    s_ = {Pick(rng_, 1, 4), Pick(rng_, 5, 13), Pick(rng_, 5, 13)};
    os_ << "name: random-" << index << "\nseed: " << 100 + index << "\ninput: {channels: " << s_.c
        << ", height: " << s_.h << ", width: " << s_.w << "}\nlayers:\n";
    ConvBlock(false);
    if (Pick(rng_, 0, 1)) Pool();
    if (conv_after_kwta) {
      Kwta();
      ConvBlock(true);
    } else if (Pick(rng_, 0, 1)) {
      ConvBlock(false);
    }
    if (Pick(rng_, 0, 2) == 0 && s_.h >= 2 && s_.w >= 2) Pool();
    if (linear_after_kwta || Pick(rng_, 0, 1)) Kwta();
    Linear(true);
    if (Pick(rng_, 0, 1)) {
      Kwta();
      Linear(false);
    }
    return os_.str();
  }

 private:
  // Non-zeros per kernel for a fan-in l and m kernels: a random packing factor 1..max_n
  // (dense now and then), nudged so that N = min(m, floor(l / nnz)) stays within max_n.
  int Nnz(int64_t l, int m) {
    if (Pick(rng_, 0, 4) == 0) return int(l);
    const int target = Pick(rng_, 1, int(std::min<int64_t>(l, max_n_)));
    int64_t nnz = std::max<int64_t>(1, l / target);
    while (std::min<int64_t>(m, l / nnz) > max_n_) ++nnz;
    return int(nnz);
  }

  // Writes the weight density of a layer and returns its non-zeros per kernel.
  int64_t Weights(int64_t l, int m) {
    const int nnz = Nnz(l, m);
    std::ostringstream d;
    d.precision(17);
    d << double(nnz) / double(l);  // round(d * l) = nnz exactly
    os_ << ", weight_density: " << d.str() << "}\n";
    return nnz;
  }

  void Requant(int64_t nnz) {
    // Inputs and weights are int8 (weights within +-15): a shift near log2(sqrt(nnz)) + 4 keeps
    // the outputs mostly unsaturated; a random offset varies it.
    const int shift =
        std::max(0, int(std::lround(4 + 0.5 * std::log2(double(nnz)))) + Pick(rng_, -2, 1));
    os_ << "  - {name: rq" << n_ << ", type: requant, shift: " << shift << "}\n";
    ++n_;
  }

  void ConvBlock(bool pad_and_stride) {
    const int kmin = pad_and_stride ? 2 : 1;
    const int kh = Pick(rng_, kmin, std::max(kmin, std::min(5, s_.h)));
    const int kw = Pick(rng_, kmin, std::max(kmin, std::min(5, s_.w)));
    const int pad = Pick(rng_, pad_and_stride ? 1 : 0, std::min(kh, kw) - 1);
    const int stride = Pick(rng_, pad_and_stride ? 2 : 1, 3);
    const int m = Pick(rng_, 1, 40);
    os_ << "  - {name: conv" << n_ << ", type: conv, out_channels: " << m << ", kernel_h: " << kh
        << ", kernel_w: " << kw << ", pad: " << pad << ", stride: " << stride;
    ++n_;
    const int64_t l = int64_t(s_.c) * kh * kw;
    const int64_t nnz = Weights(l, m);
    s_ = {m, (s_.h + 2 * pad - kh) / stride + 1, (s_.w + 2 * pad - kw) / stride + 1};
    // Mostly requantise at once; sometimes pool the int32 sums first (a lone requant follows).
    if (!pad_and_stride && Pick(rng_, 0, 4) == 0 && s_.h >= 2 && s_.w >= 2) Pool();
    Requant(nnz);
    if (Pick(rng_, 0, 1)) Relu();
  }

  void Pool() {
    const int size = Pick(rng_, 1, std::min(3, std::min(s_.h, s_.w)));
    const int stride = Pick(rng_, 1, 3);
    os_ << "  - {name: pool" << n_ << ", type: maxpool, size: " << size << ", stride: " << stride
        << "}\n";
    ++n_;
    s_.h = (s_.h - size) / stride + 1;
    s_.w = (s_.w - size) / stride + 1;
    if (Pick(rng_, 0, 3) == 0) Relu();
  }

  void Relu() {
    os_ << "  - {name: relu" << n_ << ", type: relu}\n";
    ++n_;
  }

  // Densities from k = 1 (tiny) through typical to k = n (everything wins).
  void Kwta() {
    static const double kDensities[] = {1e-6, 0.02, 0.1, 0.25, 0.6, 0.95, 1.0};
    const double d = kDensities[Pick(rng_, 0, 6)];
    os_ << "  - {name: kwta" << n_ << ", type: kwta, density: " << d << "}\n";
    ++n_;
    // No ReLU right after a k-WTA here (every network must feed one conv/linear directly
    // from a k-WTA); KwtaFollowedByRelu below covers that case.
  }

  void Linear(bool requant) {
    const int m = Pick(rng_, 1, 48);
    os_ << "  - {name: fc" << n_ << ", type: linear, out_features: " << m;
    ++n_;
    const int64_t nnz = Weights(s_.size(), m);
    s_ = {m, 1, 1};
    if (requant) Requant(nnz);
  }

  std::mt19937_64 rng_;
  int max_n_;
  Shape s_;
  int n_ = 0;  // layer counter, for unique names
  std::ostringstream os_;
};

constexpr int kRandomNetworks = 24;

class RandomNetworks : public ::testing::TestWithParam<int> {};

TEST_P(RandomNetworks, BitExactInAllThreeModes) {
  const int i = GetParam();
  const ArchSpec arch = LoadArch("default");
  // Every other network has a conv with pad and stride fed by a k-WTA; the rest a linear fed
  // by one (the sparse-sparse scatter form and the gathered linear form).
  const std::string yaml =
      NetGen(0x5eed0000 + uint64_t(i), arch.cs.max_n).Build(i, i % 2 == 0, i % 2 == 1);
  const std::string path = TempPath("random_" + std::to_string(i) + ".yaml");
  std::ofstream(path) << yaml;
  const Workload w = LoadWorkload(path);
  SCOPED_TRACE(yaml);
  for (Mode mode : {Mode::kDense, Mode::kSparseDense, Mode::kSparseSparse}) {
    SCOPED_TRACE(ModeName(mode));
    RunResult r;
    try {
      r = RunDirect(arch, w, mode);  // throws on any output mismatch
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();  // inside the traces: names the mode and the network
      continue;
    }
    EXPECT_EQ(r.output_check, "bit-exact");
    ExpectCyclesAddUp(r);
    EXPECT_EQ(r.dense_macs, w.macs());
    if (mode == Mode::kDense)
      EXPECT_EQ(r.macs, r.dense_macs);
    else
      EXPECT_LE(r.macs, r.dense_macs);
    bool ss_seen = false;
    for (size_t k = 0; k < r.layers.size(); ++k) {
      const LayerResult& l = r.layers[k];
      EXPECT_EQ(l.engine, WantEngine(r, k, mode)) << l.name;
      ss_seen |= l.engine == "ss";
      const std::string kind = MainKind(l);
      if (kind != "conv" && kind != "linear") continue;
      if (mode == Mode::kDense) {
        EXPECT_EQ(l.pack_n, 0) << l.name;
        continue;
      }
      // The layer's packing as the workload defines it: groups of N kernels, the last partial
      // when M % N != 0, each group one fan-in of slots.
      const Layer* layer = nullptr;
      for (const Layer& x : w.layers)
        if (l.name == x.name || l.name.rfind(x.name + "+", 0) == 0) layer = &x;
      ASSERT_NE(layer, nullptr) << l.name;
      const int n = layer->pack_n();
      EXPECT_EQ(l.pack_n, n) << l.name;
      const int64_t groups = (layer->out_channels + n - 1) / n;
      EXPECT_DOUBLE_EQ(l.packing_efficiency, double(int64_t(layer->out_channels) * layer->nnz()) /
                                                 double(groups * layer->fan_in()))
          << l.name;
    }
    EXPECT_EQ(ss_seen, mode == Mode::kSparseSparse) << "every network has a k-WTA-fed layer";
  }
}

INSTANTIATE_TEST_SUITE_P(Seeded, RandomNetworks, ::testing::Range(0, kRandomNetworks));

// The random networks reach N = 30; this one packs at the engine's limit, cs.max_n = 32, with a
// partial last group, on the CS engine (conv1) and, fed by a k-WTA with pad and stride, on the
// sparse-sparse unit (conv2). conv1: fan-in 16*2*2 = 64, nnz 2, N = 32, 40 channels = 32 + 8;
// conv2: fan-in 40*2*2 = 160, nnz 5, N = 32, 36 channels = 32 + 4.
TEST(SparseRun, PacksAtMaxNWithAPartialLastGroupInAllModes) {
  const ArchSpec arch = LoadArch("default");
  ASSERT_EQ(arch.cs.max_n, 32);
  const std::string path = TempPath("max_n.yaml");
  std::ofstream(path) << R"(name: max-n
seed: 5
input: {channels: 16, height: 4, width: 4}
layers:
  - {name: conv1, type: conv, out_channels: 40, kernel: 2, pad: 1, stride: 2, weight_density: 0.03125}
  - {name: conv1_rq, type: requant, shift: 4}
  - {name: kwta1, type: kwta, density: 0.3}
  - {name: conv2, type: conv, out_channels: 36, kernel: 2, pad: 1, stride: 2, weight_density: 0.03125}
  - {name: conv2_rq, type: requant, shift: 4}
  - {name: kwta2, type: kwta, density: 0.25}
  - {name: fc, type: linear, out_features: 12}
)";
  const Workload w = LoadWorkload(path);
  for (Mode mode : {Mode::kDense, Mode::kSparseDense, Mode::kSparseSparse}) {
    SCOPED_TRACE(ModeName(mode));
    const RunResult r = RunDirect(arch, w, mode);  // throws on any output mismatch
    EXPECT_EQ(r.output_check, "bit-exact");
    if (mode == Mode::kDense) continue;
    EXPECT_EQ(OpOf(r, "conv1").pack_n, 32);
    EXPECT_EQ(OpOf(r, "conv2").pack_n, 32);
    EXPECT_DOUBLE_EQ(OpOf(r, "conv1").packing_efficiency, 40.0 * 2 / (2 * 64));
    EXPECT_DOUBLE_EQ(OpOf(r, "conv2").packing_efficiency, 36.0 * 5 / (2 * 160));
    EXPECT_EQ(OpOf(r, "conv2").engine, mode == Mode::kSparseSparse ? "ss" : "cs");
  }
}

// Active-list records hold a 16-bit index: a k-WTA over more than 65,536 values cannot feed the
// sparse-sparse unit. That is bad input, named at compile time, not a failure mid-run; the
// same network in sparse-dense mode has no list.
TEST(SparseRun, KwtaMapTooLargeForAnActiveListIsAnInputError) {
  const std::string path = TempPath("big_kwta.yaml");
  std::ofstream(path) << "name: big-kwta\ninput: {channels: 4, height: 130, width: 130}\n"
                         "layers:\n"
                         "  - {name: k, type: kwta, density: 0.1}\n"
                         "  - {name: c, type: conv, out_channels: 2, kernel: 3, "
                         "weight_density: 0.5}\n";
  ArchSpec a = LoadArch("default");
  a.glb.size_kib = 1024;  // room for the whole map
  const Workload w = LoadWorkload(path);
  try {
    RunDirect(a, w, Mode::kSparseSparse);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("layers[0]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("16-bit"), std::string::npos) << e.what();
  }
  EXPECT_EQ(RunDirect(a, w, Mode::kSparseDense).output_check, "bit-exact");
}

// A ReLU right after a k-WTA (negative winners, and non-negative ones) is not folded into the
// k-WTA op, which has no output stage, but runs on the vector unit: bit-exact in every mode.
class KwtaFollowedByRelu : public ::testing::TestWithParam<Mode> {};

TEST_P(KwtaFollowedByRelu, BitExact) {
  for (const bool relu_before : {false, true}) {
    SCOPED_TRACE(relu_before ? "non-negative winners" : "negative winners");
    const std::string path = TempPath("kwta_relu.yaml");
    std::ofstream(path) << "name: kwta-relu\nseed: 1\ninput: {channels: 1, height: 4, width: 4}\n"
                           "layers:\n"
                           "  - {name: conv1, type: conv, out_channels: 4, kernel: 3, pad: 1}\n"
                           "  - {name: conv1_rq, type: requant, shift: 6}\n"
                        << (relu_before ? "  - {name: relu0, type: relu}\n" : "")
                        << "  - {name: kwta1, type: kwta, density: 0.95}\n"
                           "  - {name: relu1, type: relu}\n"
                           "  - {name: fc1, type: linear, out_features: 3}\n";
    const RunResult r = RunDirect(LoadArch("default"), LoadWorkload(path), GetParam());
    EXPECT_EQ(r.output_check, "bit-exact");
  }
}

INSTANTIATE_TEST_SUITE_P(All, KwtaFollowedByRelu,
                         ::testing::Values(Mode::kDense, Mode::kSparseDense, Mode::kSparseSparse),
                         [](const ::testing::TestParamInfo<Mode>& i) {
                           std::string n = ModeName(i.param);
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace
}  // namespace cssim
