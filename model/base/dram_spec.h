// DRAM parameters. Timings are in DRAM clock cycles (tCK), as data sheets give them.
#pragma once

#include <string>

namespace cssim {

struct DramSpec {
  std::string preset = "lpddr4";  // lpddr4 | ddr4 | hbm2: fills every field below
  int channels = 1;
  int banks_per_channel = 8;
  int row_bytes = 2048;   // row buffer (page) size per bank
  int bus_bytes = 4;      // data bus width of one channel
  int burst_length = 16;  // beats per burst (two beats per tCK: DDR)
  double tck_ns = 0.625;  // DRAM clock period
  int t_rcd = 29;         // ACT -> RD/WR
  int t_cl = 28;          // RD -> first data (CAS latency)
  int t_rp = 29;          // PRE -> ACT
  int t_ras = 68;         // ACT -> PRE
  int t_wr = 29;          // end of write data -> PRE
  int queue_depth = 16;   // requests buffered per channel
};

}  // namespace cssim
