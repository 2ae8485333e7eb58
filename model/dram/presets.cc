#include "model/dram/presets.h"

#include "model/base/error.h"

namespace cssim {
namespace {

// Timings in nanoseconds are rounded up to whole tCK, as JEDEC specifies.

// LPDDR4-3200, one x16 channel (a die has two). JEDEC JESD209-4B, speed bin 3200 with Micron
// MT53E LPDDR4 data sheet values: tCK 0.625 ns; RL 28 tCK (DBI off); tRCD = tRPpb = 18 ns
// (29 tCK); tRAS 42 ns (68 tCK); tWR 18 ns (29 tCK); BL16; 8 banks; 2 KiB page.
DramSpec Lpddr4() {
  DramSpec s;
  s.preset = "lpddr4";
  s.channels = 1;
  s.banks_per_channel = 8;
  s.row_bytes = 2048;
  s.bus_bytes = 2;
  s.burst_length = 16;
  s.tck_ns = 0.625;
  s.t_rcd = 29;
  s.t_cl = 28;
  s.t_rp = 29;
  s.t_ras = 68;
  s.t_wr = 29;
  s.queue_depth = 16;
  return s;
}

// DDR4-2400 17-17-17, one x64 DIMM channel of x8 devices (8 x 1 KiB page). JEDEC JESD79-4B
// speed bins (cf. Micron MT40A1G8 data sheet; ramulator2 DDR4.cpp has nRAS 39, nWR 18 at 2400):
// tCK 0.833 ns; tRCD = tCL = tRP = 17 tCK; tRAS 32 ns (39 tCK); tWR 15 ns (18 tCK); BL8;
// 16 banks (4 bank groups x 4; groups not modelled).
DramSpec Ddr4() {
  DramSpec s;
  s.preset = "ddr4";
  s.channels = 1;
  s.banks_per_channel = 16;
  s.row_bytes = 8192;
  s.bus_bytes = 8;
  s.burst_length = 8;
  s.tck_ns = 0.833;
  s.t_rcd = 17;
  s.t_cl = 17;
  s.t_rp = 17;
  s.t_ras = 39;
  s.t_wr = 18;
  s.queue_depth = 16;
  return s;
}

// HBM2, eight 64-bit pseudo-channels at tCK 1 ns. JEDEC JESD235A; cf. DRAMsim3
// configs/HBM2_8Gb_x128.ini (tCK 1, CL 14, tRCD 14, tRP 14, tRAS 34, tWR 16, BL4): tRCD = tCL =
// tRP = 14 tCK; tRAS 33 tCK; tWR 16 tCK; 16 banks; 1 KiB page. With two beats per tCK this is
// 2 Gb/s per pin, 16 GB/s per pseudo-channel.
DramSpec Hbm2() {
  DramSpec s;
  s.preset = "hbm2";
  s.channels = 8;
  s.banks_per_channel = 16;
  s.row_bytes = 1024;
  s.bus_bytes = 8;
  s.burst_length = 4;
  s.tck_ns = 1.0;
  s.t_rcd = 14;
  s.t_cl = 14;
  s.t_rp = 14;
  s.t_ras = 33;
  s.t_wr = 16;
  s.queue_depth = 16;
  return s;
}

}  // namespace

DramSpec DramPreset(const std::string& name) {
  if (name == "lpddr4") return Lpddr4();
  if (name == "ddr4") return Ddr4();
  if (name == "hbm2") return Hbm2();
  throw InputError("", "dram.preset", "unknown preset '" + name + "'", "lpddr4, ddr4, hbm2");
}

std::vector<std::string> DramPresetNames() { return {"lpddr4", "ddr4", "hbm2"}; }

}  // namespace cssim
