// Complementary-sparsity packing (the offline "combine" step, docs/background.md, section 2).
//
// A layer's M kernels are taken in groups of N = Layer::pack_n() consecutive output channels
// (group g holds channels g*N .. g*N+N-1; the last group is partial when N does not divide M).
// The kernels of a group must have pairwise disjoint non-zero positions; they are overlaid into
// one combined kernel over the fan-in, each position keeping its value and its kernel ID (the
// kernel's index j in the group). A position no kernel of the group uses is a padded slot: value
// 0, ID 0, and the hardware gates its multiplier.
//
// Fan-in order is the compiled reduction order: k = (ky * kw + kx) * c_in + c for conv, and
// k = (y * w + x) * c + ch (HWC) for a linear layer, whose kernel is the whole input map.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/base/bits.h"
#include "model/base/workload.h"

namespace cssim {

struct PackedLayer {
  int n = 1;           // kernels per group
  int groups = 0;      // ceil(M / n)
  int64_t fan_in = 0;  // L
  int64_t nonzeros = 0;
  std::vector<int8_t> value;  // [g][k], groups * fan_in
  std::vector<uint8_t> id;    // [g][k]
  // [g * n + j] -> output channel of kernel j of group g, or -1 (partial last group).
  std::vector<int> channel;
  int64_t slots() const { return int64_t(groups) * fan_in; }
  double efficiency() const { return slots() ? double(nonzeros) / double(slots()) : 0.0; }
};

// Packs the weights of conv/linear layer `l` (`nchw` in the layout of GenerateWeights) with
// N = l.pack_n(). Throws InputError (file `source`, key "layers[<index>]") naming the layer, the
// group, the two kernels and the fan-in position (c, ky, kx) if two kernels of one group overlap
// (for a linear layer, (c, ky, kx) is the input map's (c, y, x)), and if N > 256, which 8-bit IDs
// cannot tell apart. Throws SimError for a layer without weights or a wrong weight count.
PackedLayer PackLayer(const Layer& l, const std::vector<int8_t>& nchw, const std::string& source,
                      int index);

// The same packing with the fan-in in channel-major order, k = (c * kh + ky) * kw + kx (conv
// only): the layout of the sparse-sparse scatter form, where one active input (c, y, x) meets
// the kh * kw consecutive rows of channel c.
PackedLayer ChannelMajor(const PackedLayer& p, const Layer& l);

// The DRAM/GLB layout of the packed values and IDs: blocks of `groups_per_block` groups (the
// last block may be smaller), each block [k][g_local], so that row k of a block (one value per
// group) is contiguous: the transposed rows of the sparse-sparse form, and one weight beat of the
// CS engine. Throws SimError if groups_per_block < 1.
std::vector<int8_t> BlockedValues(const PackedLayer& p, int groups_per_block);
std::vector<uint8_t> BlockedIds(const PackedLayer& p, int groups_per_block);

// Kernel IDs as DRAM holds them: ceil(log2 n) bits each (IdBits), least significant bit
// first, in the order of BlockedIds: per block of `groups_per_block` groups, row k of the
// block's IDs after row k - 1. Each block is one bit stream padded to whole bytes; with
// `row_aligned` every row also starts on a byte (PackedIdRowBytes(groups, bits) bytes a row),
// so that a gather can fetch single rows. The DMA expands IDs to a byte each on the way into
// the GLB.
inline int IdBits(int n) { return CeilLog2(n); }
uint32_t PackedIdRowBytes(int groups, int bits);
std::vector<uint8_t> PackedIdRows(const PackedLayer& p, int groups_per_block, bool row_aligned);

}  // namespace cssim
