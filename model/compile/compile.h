// Compile: maps a workload onto an accelerator. Plain deterministic C++, no SystemC.
//
// Layer groups: conv/linear absorb a following requant and ReLU (applied by the output
// collector on the way to the GLB); max-pool absorbs a following ReLU; a lone ReLU or requant
// runs on the vector unit. Layouts: activations HWC (channels innermost) so that every
// reduction run (kw x C bytes) is contiguous; weights in blocks of a tile's channels, [k][n_local]
// (see ConvGeom). Tiling: each GLB half (double buffering) holds one tile = output rows x output
// channels with its input rows, weights, psums and outputs; the compiler picks the tile shape with
// the least DRAM traffic. A layer whose smallest tile (one output row, one array width of channels)
// does not fit is an InputError naming glb.size_kib.
#pragma once

#include "model/base/arch_spec.h"
#include "model/base/workload.h"
#include "model/compile/program.h"

namespace cssim {

// Sparse modes: conv/linear layers run on the CS engine (packed kernels x dense activations);
// in sparse-sparse mode a conv/linear whose input is a k-WTA output runs on the sparse-sparse
// unit instead, reading the k-WTA's active list (scatter form). A dense layer in a sparse mode
// packs with N = 1. k-WTA layers run on the k-WTA unit, whole map in one tile.
Program Compile(const ArchSpec& arch, const Workload& workload, Mode mode = Mode::kDense);

// Layout conversions between the reference's CHW / [n][c][ky][kx] and the compiled layouts.
std::vector<int8_t> ToHwc(const std::vector<int8_t>& chw, const Shape& s);
// Weights from [n][c][ky][kx] to blocks of n_tile channels, each [k][n_local], k = (ky, kx, c).
std::vector<int8_t> PackWeights(const std::vector<int8_t>& nchw, const Layer& l, int n_tile);

}  // namespace cssim
