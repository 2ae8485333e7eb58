// Histogram and threshold search of the k-WTA unit (model/kwta/kwta.h, steps 1 and 2).
//
// Function: 256 bins, bin of int8 value v at v + 128. `clear_i` empties every bin (a command
// starts); in any cycle the first `num_i` lanes of `val_i` are counted. After the cycle that
// raises `scan_start_i` (the last update), the search runs while `scan_i` is held: each cycle it
// examines `ScanBinsPerCycle` bins from 127 down, adding them to a running count; in the cycle
// the count reaches k (or bin -128 is reached) it raises `found_o` with the threshold T, the
// number of values equal to T to keep (k - values above T, at most the bin) and how many bins
// it examined in that cycle (`bins_o`, every cycle of the search).
// Latency: found_o in the ceil(bins examined / ScanBinsPerCycle)-th cycle of the search.
module kwta_hist #(
  parameter int unsigned Lanes = 16,
  parameter int unsigned ScanBinsPerCycle = 8,
  parameter int unsigned CountW = 32,
  localparam int unsigned NumW = $clog2(Lanes + 1),
  localparam int unsigned BinsW = $clog2(ScanBinsPerCycle + 1)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   clear_i,
  input  logic [8*Lanes-1:0]    val_i,  // lane i at [8i+7:8i]
  input  logic [NumW-1:0]        num_i,
  input  logic                   scan_start_i,
  input  logic                   scan_i,
  input  logic [CountW-1:0]      k_i,
  output logic                   found_o,
  output logic [7:0]             thr_o,
  output logic [CountW-1:0]      ties_o,
  output logic [BinsW-1:0]       bins_o
);

  logic [CountW-1:0] hist_q[256];
  logic [CountW-1:0] hist_d[256];
  // The search: the highest bin not examined yet, and the values in the bins above it.
  logic [7:0]        top_q, top_d;
  logic [CountW-1:0] run_q, run_d;

  // The update: each bin adds the number of counted lanes whose value falls in it, the same as
  // incrementing the bin of each lane in turn. Written per bin (a comparator per lane and bin, a
  // population count and an adder per bin) rather than as Lanes read-modify-writes at a dynamic
  // index, which elaborate into a chain of 256-way read muxes and write demuxes.
  // int8 v lands in bin v + 128: its bit pattern with the sign bit flipped.
  logic [Lanes-1:0] counted;
  logic [8*Lanes-1:0] bin_of;
  for (genvar i = 0; i < Lanes; i++) begin : g_lane
    assign counted[i] = NumW'(i) < num_i;
    assign bin_of[8*i+:8] = val_i[8*i+:8] ^ 8'h80;
  end

  always_comb begin
    logic [NumW-1:0] hits;
    for (int unsigned b = 0; b < 256; b++) begin
      hits = '0;
      for (int unsigned i = 0; i < Lanes; i++) begin
        hits = hits + NumW'(counted[i] && bin_of[8*i+:8] == 8'(b));
      end
      hist_d[b] = (clear_i ? '0 : hist_q[b]) + CountW'(hits);
    end
  end

  always_comb begin
    logic [CountW-1:0] run, sum;
    logic [8:0] bin;
    sum = '0;
    bin = '0;
    found_o = 1'b0;
    thr_o = '0;
    ties_o = '0;
    bins_o = '0;
    run = run_q;
    top_d = top_q;
    run_d = run_q;
    if (scan_i) begin
      for (int unsigned j = 0; j < ScanBinsPerCycle; j++) begin
        bin = {1'b0, top_q} - 9'(j);
        // bin[8]: below bin 0 (only when ScanBinsPerCycle does not divide 256, never reached).
        if (!found_o && !bin[8]) begin
          bins_o = bins_o + BinsW'(1);
          sum = run + hist_q[bin[7:0]];
          if (sum >= k_i || bin[7:0] == 8'd0) begin
            found_o = 1'b1;
            thr_o = bin[7:0] ^ 8'h80;
            // run < k here: the ties are what k still needs, at most the bin.
            ties_o = (k_i - run < hist_q[bin[7:0]]) ? k_i - run : hist_q[bin[7:0]];
          end else begin
            run = sum;
          end
        end
      end
      top_d = top_q - 8'(ScanBinsPerCycle);
      run_d = run;
    end
    if (scan_start_i) begin
      top_d = 8'd255;
      run_d = '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      // Two nested loops of 16: Verilator unrolls (as it must for an array's non-blocking
      // assignments) only loops of up to 64 iterations.
      for (int unsigned h = 0; h < 16; h++) begin
        for (int unsigned l = 0; l < 16; l++) hist_q[16*h+l] <= '0;
      end
      top_q <= 8'd255;
      run_q <= '0;
    end else begin
      for (int unsigned h = 0; h < 16; h++) begin
        for (int unsigned l = 0; l < 16; l++) hist_q[16*h+l] <= hist_d[16*h+l];
      end
      top_q <= top_d;
      run_q <= run_d;
    end
  end

endmodule
