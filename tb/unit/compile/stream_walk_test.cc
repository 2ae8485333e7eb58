// Unit tier: StreamWalk, the streamer's incremental address walk, gives StreamCmd::Addr's
// address at every beat of every lane, for every stream the compiler emits: the dense layers
// below (padded, strided, a reduction that does not fill the last pass, a linear layer) in every
// dataflow and topology, and the CS engine's kernel-ID stream.
#include <gtest/gtest.h>

#include <string>

#include "model/compile/compile.h"
#include "tb/unit/compile/small_nets.h"

namespace cssim {
namespace {

// Every lane and beat of `c` walked against Addr; the number of addresses compared.
int64_t ExpectWalkIsAddr(const StreamCmd& c, const std::string& where) {
  int64_t compared = 0;
  for (int lane = 0; lane < c.lanes; ++lane) {
    StreamWalk walk(c, lane);
    for (uint64_t b = 0; b < c.beats; ++b, walk.Next(), ++compared) {
      if (walk.addr() != c.Addr(lane, b)) {
        ADD_FAILURE() << where << ": kind " << int(c.kind) << " lane " << lane << " beat " << b
                      << ": walk " << walk.addr() << ", Addr " << c.Addr(lane, b);
        return compared;
      }
    }
  }
  return compared;
}

int64_t ExpectProgramWalks(const ArchSpec& a, const Workload& w, Mode mode = Mode::kDense) {
  const Program p = Compile(a, w, mode);
  int64_t compared = 0;
  for (const Op& op : p.ops)
    for (const Tile& t : op.tiles)
      for (const Pass& ps : t.passes)
        for (const StreamCmd* c : {&ps.input, &ps.weight, &ps.id})
          compared += ExpectWalkIsAddr(*c, a.name + " " + op.name);
  return compared;
}

Workload Layers() {
  return MakeWorkload(
      "walks", {MakeConv("pad_stride", {5, 11, 11}, 7, 3, 3, 2, 1, 1.0),
                MakeRequant("q1", {7, 6, 6}, 6), MakeConv("k5", {7, 6, 6}, 9, 5, 5, 1, 2, 1.0),
                MakeRequant("q2", {9, 6, 6}, 6), MakeLinear("fc", {9, 6, 6}, 10, 1.0)});
}

TEST(StreamWalk, EqualsAddrInEveryDataflowAndTopology) {
  struct Case {
    const char* name;
    Topology topology;
    Dataflow flow;
  };
  for (const Case& k : {Case{"multicast-ws", Topology::kMulticast, Dataflow::kWeightStationary},
                        Case{"multicast-os", Topology::kMulticast, Dataflow::kOutputStationary},
                        Case{"systolic-os", Topology::kSystolic, Dataflow::kOutputStationary},
                        Case{"systolic-ws", Topology::kSystolic, Dataflow::kWeightStationary},
                        Case{"systolic-is", Topology::kSystolic, Dataflow::kInputStationary}}) {
    ArchSpec a = SmallArch(4, 4, 8, 2, 4);
    a.name = k.name;
    a.array.topology = k.topology;
    a.array.dataflow = k.flow;
    if (k.topology == Topology::kSystolic) a.pe.weight_rf_entries = 1;
    EXPECT_GT(ExpectProgramWalks(a, Layers()), 10000) << k.name;
  }
}

TEST(StreamWalk, EqualsAddrInRowStationaryPasses) {
  ArchSpec a = SmallArch(12, 14, 224, 1, 108);
  a.name = "rs";
  a.array.dataflow = Dataflow::kRowStationary;
  a.pe.input_rf_entries = 12;
  a.pe.psum_rf_entries = 24;
  a.glb.banks = 27;
  EXPECT_GT(
      ExpectProgramWalks(a, MakeWorkload("rs", {MakeConv("c", {5, 11, 11}, 7, 3, 3, 2, 1, 1.0)})),
      1000);
}

TEST(StreamWalk, EqualsAddrOnTheCsEngineWithKernelIds) {
  ArchSpec a = SmallArch(4, 4, 8, 2, 64);
  a.name = "cs";
  a.cs.lanes = 4;
  a.cs.engines = 2;
  a.cs.max_n = 8;
  a.cs.weight_rf_entries = 16;
  a.cs.weight_buffers = 2;
  const Workload w = MakeWorkload("cs", {MakeConv("conv", {4, 6, 6}, 6, 3, 3, 1, 1, 0.25)});
  EXPECT_GT(ExpectProgramWalks(a, w, Mode::kSparseDense), 1000);
}

}  // namespace
}  // namespace cssim
