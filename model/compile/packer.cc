#include "model/compile/packer.h"

#include <algorithm>
#include <limits>

#include "model/base/error.h"

namespace cssim {

namespace {

// Interleaves the groups of each block so that row k of a block is contiguous (see packer.h).
template <typename T>
std::vector<T> Blocked(const std::vector<T>& grouped, const PackedLayer& p, int groups_per_block) {
  if (groups_per_block < 1) {
    throw SimError("packer: groups_per_block " + std::to_string(groups_per_block) +
                   " is not positive");
  }
  std::vector<T> out(grouped.size());
  for (int first = 0; first < p.groups; first += groups_per_block) {
    const int nb = std::min(groups_per_block, p.groups - first);
    T* block = out.data() + int64_t(first) * p.fan_in;
    for (int gl = 0; gl < nb; ++gl) {
      const T* row = grouped.data() + int64_t(first + gl) * p.fan_in;
      for (int64_t k = 0; k < p.fan_in; ++k) block[k * nb + gl] = row[k];
    }
  }
  return out;
}

}  // namespace

PackedLayer PackLayer(const Layer& l, const std::vector<int8_t>& nchw, const std::string& source,
                      int index) {
  if (l.kind != LayerKind::kConv && l.kind != LayerKind::kLinear) {
    throw SimError("packer: layer '" + l.name + "' is a " + LayerKindName(l.kind) +
                   ", not conv or linear");
  }
  if (int64_t(nchw.size()) != l.weight_count()) {
    throw SimError("packer: layer '" + l.name + "' has " + std::to_string(nchw.size()) +
                   " weights, expected " + std::to_string(l.weight_count()));
  }
  const std::string key = "layers[" + std::to_string(index) + "]";
  const int m = l.out_channels;
  const int n = l.pack_n();
  // Kernel IDs are stored in 8 bits, so a group holds at most 256 kernels.
  constexpr int kMaxN = std::numeric_limits<uint8_t>::max() + 1;
  if (n > kMaxN) {
    throw InputError(source, key,
                     "layer '" + l.name + "': weight_density " + std::to_string(l.weight_density) +
                         " packs " + std::to_string(n) + " kernels per group",
                     "at most " + std::to_string(kMaxN) +
                         " kernels per group (8-bit kernel IDs); N = floor(fan-in / nnz)");
  }
  // The kernel of a linear layer is the whole input map, whatever kernel_h/kernel_w hold.
  const int c_in = l.in.c;
  const int kh = l.kind == LayerKind::kLinear ? l.in.h : l.kernel_h;
  const int kw = l.kind == LayerKind::kLinear ? l.in.w : l.kernel_w;

  PackedLayer p;
  p.n = n;
  p.groups = (m + n - 1) / n;
  p.fan_in = l.fan_in();
  p.value.assign(static_cast<size_t>(p.slots()), 0);
  p.id.assign(static_cast<size_t>(p.slots()), 0);
  p.channel.resize(static_cast<size_t>(p.groups) * n);
  for (int s = 0; s < p.groups * n; ++s) p.channel[s] = s < m ? s : -1;

  // owner[k]: the kernel of the current group that holds compiled position k, or -1.
  std::vector<int> owner(static_cast<size_t>(p.fan_in));
  for (int g = 0; g < p.groups; ++g) {
    std::fill(owner.begin(), owner.end(), -1);
    int8_t* value = p.value.data() + int64_t(g) * p.fan_in;
    uint8_t* id = p.id.data() + int64_t(g) * p.fan_in;
    for (int j = 0; j < n && g * n + j < m; ++j) {
      const int8_t* kernel = nchw.data() + int64_t(g * n + j) * p.fan_in;
      int64_t src = 0;  // layout position (c * kh + ky) * kw + kx
      for (int c = 0; c < c_in; ++c) {
        for (int ky = 0; ky < kh; ++ky) {
          for (int kx = 0; kx < kw; ++kx, ++src) {
            if (kernel[src] == 0) continue;
            const int64_t k = (int64_t(ky) * kw + kx) * c_in + c;
            if (owner[k] >= 0) {
              throw InputError(
                  source, key,
                  "layer '" + l.name + "': kernels " + std::to_string(owner[k]) + " and " +
                      std::to_string(j) + " of group " + std::to_string(g) +
                      " overlap at fan-in position (c=" + std::to_string(c) +
                      ", ky=" + std::to_string(ky) + ", kx=" + std::to_string(kx) + ")",
                  "complementary masks: each fan-in position non-zero in at most one kernel of "
                  "a group");
            }
            owner[k] = j;
            value[k] = kernel[src];
            id[k] = uint8_t(j);
            ++p.nonzeros;
          }
        }
      }
    }
  }
  return p;
}

std::vector<int8_t> BlockedValues(const PackedLayer& p, int groups_per_block) {
  return Blocked(p.value, p, groups_per_block);
}

std::vector<uint8_t> BlockedIds(const PackedLayer& p, int groups_per_block) {
  return Blocked(p.id, p, groups_per_block);
}

PackedLayer ChannelMajor(const PackedLayer& p, const Layer& l) {
  if (l.kind != LayerKind::kConv) throw SimError("packer: channel-major order is for conv layers");
  const int64_t C = l.in.c, kh = l.kernel_h, kw = l.kernel_w;
  if (C * kh * kw != p.fan_in) throw SimError("packer: layer does not match the packing");
  PackedLayer out = p;
  for (int64_t g = 0; g < p.groups; ++g)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t ky = 0; ky < kh; ++ky)
        for (int64_t kx = 0; kx < kw; ++kx) {
          const size_t from = size_t(g * p.fan_in + (ky * kw + kx) * C + c);
          const size_t to = size_t(g * p.fan_in + (c * kh + ky) * kw + kx);
          out.value[to] = p.value[from];
          out.id[to] = p.id[from];
        }
  return out;
}

uint32_t PackedIdRowBytes(int groups, int bits) {
  return uint32_t((int64_t(groups) * bits + 7) / 8);
}

std::vector<uint8_t> PackedIdRows(const PackedLayer& p, int groups_per_block, bool row_aligned) {
  const int bits = IdBits(p.n);
  const std::vector<uint8_t> ids = BlockedIds(p, groups_per_block);
  std::vector<uint8_t> out;
  for (int g0 = 0; g0 < p.groups; g0 += groups_per_block) {
    const int nt = std::min(groups_per_block, p.groups - g0);
    const uint8_t* block = ids.data() + int64_t(g0) * p.fan_in;  // [k][nt]
    // One bit stream per block, restarted at a byte boundary for every row if row_aligned.
    const size_t start = out.size();
    int64_t bit = 0;
    for (int64_t k = 0; k < p.fan_in; ++k) {
      if (row_aligned) bit = (bit + 7) / 8 * 8;
      for (int j = 0; j < nt; ++j, bit += bits) {
        out.resize(start + size_t((bit + bits + 7) / 8), 0);
        for (int b = 0; b < bits; ++b)
          if (block[k * nt + j] >> b & 1u)
            out[start + size_t((bit + b) / 8)] |= uint8_t(1u << ((bit + b) % 8));
      }
    }
    out.resize(start + size_t((bit + 7) / 8), 0);
  }
  return out;
}

}  // namespace cssim
