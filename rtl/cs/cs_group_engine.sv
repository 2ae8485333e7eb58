// One CS group engine (model/cs/cs_engine.h): it holds one combined kernel, the overlay of up to
// MaxN sparse kernels with disjoint non-zeros, as a value and a kernel ID per entry, and does the
// four steps of sparse weights x dense activations for it.
//
// Register file: Buffers banks x KpMax entries x Lanes lanes of {int8 value, IdW-bit kernel ID},
// a memory per lane, written one entry per cycle by the weight and id buses (wr_*), read one
// entry of every lane per cycle (rd_addr_i = bank * KpMax + entry). The read is combinational,
// so the counters of a beat are known in the cycle it is consumed, as in the model.
// Multiply (1 cycle): lane r multiplies its activation with its entry; a zero value is a padded
// slot and the multiplier is gated, as is an inactive lane or an unused engine (mul_en_i = 0).
// Route (RouteLatency cycles, cs_route) and Sum (AdderLatency cycles, cs_adder_tree): each
// product goes to adder tree <its kernel ID>; the last adder stage adds into the accumulators.
// macs_o / trees_o: MACs and distinct trees hit by the beat being multiplied (for the counters).
// Buses are flat vectors, lane r at [r * width +: width].
// The inputs are marked public_flat_rd for Verilator: otherwise it substitutes each instance's
// driving expressions into the engine's logic, and every one of the Engines instances gets its
// own copy of the generated code (15 MB of C++ instead of 2.5 MB for the default arch).
module cs_group_engine #(
  parameter int unsigned Lanes        = 16,
  parameter int unsigned MaxN         = 32,
  parameter int unsigned KpMax        = 128,
  parameter int unsigned Buffers      = 2,
  parameter int unsigned RouteLatency = 4,
  parameter int unsigned AdderLatency = 4,
  // Derived: do not override.
  parameter int unsigned IdW    = (MaxN > 1) ? $clog2(MaxN) : 1,
  parameter int unsigned AddrW  = (Buffers * KpMax > 1) ? $clog2(Buffers * KpMax) : 1,
  parameter int unsigned LaneW  = (Lanes > 1) ? $clog2(Lanes) : 1,
  parameter int unsigned MacsW  = $clog2(Lanes + 1),
  parameter int unsigned TreesW = $clog2(MaxN + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // Register file write (loading).
  input  logic                 wr_en_i /*verilator public_flat_rd*/,
  input  logic [AddrW-1:0]     wr_addr_i /*verilator public_flat_rd*/,
  input  logic [LaneW-1:0]     wr_lane_i /*verilator public_flat_rd*/,
  input  logic [7:0]           wr_value_i /*verilator public_flat_rd*/,
  input  logic [IdW-1:0]       wr_id_i /*verilator public_flat_rd*/,
  // Multiply stage.
  input  logic                 mul_en_i /*verilator public_flat_rd*/,
  input  logic [AddrW-1:0]     rd_addr_i /*verilator public_flat_rd*/,
  input  logic [Lanes-1:0]     lane_active_i /*verilator public_flat_rd*/,
  input  logic [Lanes*8-1:0]   act_i /*verilator public_flat_rd*/,
  output logic [MacsW-1:0]     macs_o,
  output logic [TreesW-1:0]    trees_o,
  // Accumulate (last adder stage).
  input  logic                 acc_en_i /*verilator public_flat_rd*/,
  input  logic                 acc_first_i /*verilator public_flat_rd*/,
  output logic [MaxN*32-1:0]   sum_o
);

  localparam int unsigned Entries = Buffers * KpMax;

  // Register file: one bank per lane, Entries entries of {value, kernel ID}, one write port (the
  // lane the bus addresses) and one read port each.
  logic [Lanes*8-1:0]   rd_value;
  logic [Lanes*IdW-1:0] rd_id;

  for (genvar r = 0; r < Lanes; r++) begin : g_lane
    logic [7:0]     value_mem [Entries];
    logic [IdW-1:0] id_mem    [Entries];

    always_ff @(posedge clk_i) begin
      if (wr_en_i && wr_lane_i == LaneW'(r)) begin
        value_mem[wr_addr_i] <= wr_value_i;
        id_mem[wr_addr_i]    <= wr_id_i;
      end
    end

    assign rd_value[r*8 +: 8]   = value_mem[rd_addr_i];
    assign rd_id[r*IdW +: IdW] = id_mem[rd_addr_i];
  end

  // Multiply.
  logic [Lanes-1:0]       mac;
  logic [Lanes*16-1:0]    prod_d, prod_q;
  logic [Lanes*IdW-1:0]   id_d, id_q;
  logic [Lanes-1:0]       mac_q;
  logic [MaxN-1:0]        hit;
  logic [7:0]             value;

  always_comb begin
    macs_o = '0;
    hit    = '0;
    value  = '0;
    for (int r = 0; r < Lanes; r++) begin
      value                   = rd_value[r*8 +: 8];
      id_d[r*IdW +: IdW]      = rd_id[r*IdW +: IdW];
      mac[r]                  = mul_en_i && lane_active_i[r] && (value != '0);
      prod_d[r*16 +: 16]      = mac[r] ? 16'($signed(value) * $signed(act_i[r*8 +: 8])) : '0;
      macs_o                  = macs_o + MacsW'(mac[r]);
      if (mac[r]) begin
        hit = hit | (MaxN'(1) << id_d[r*IdW +: IdW]);
      end
    end
    trees_o = '0;
    for (int j = 0; j < MaxN; j++) begin
      trees_o = trees_o + TreesW'(hit[j]);
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      prod_q <= '0;
      id_q   <= '0;
      mac_q  <= '0;
    end else begin
      prod_q <= prod_d;
      id_q   <= id_d;
      mac_q  <= mac;
    end
  end

  // Route.
  logic [MaxN*Lanes*16-1:0] tree_in;

  cs_route #(
    .Lanes  (Lanes),
    .MaxN   (MaxN),
    .IdW    (IdW),
    .Latency(RouteLatency)
  ) u_route (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .prod_i (prod_q),
    .id_i   (id_q),
    .mac_i  (mac_q),
    .tree_o (tree_in)
  );

  // Sum and accumulate.
  cs_adder_tree #(
    .Lanes  (Lanes),
    .MaxN   (MaxN),
    .Latency(AdderLatency)
  ) u_adder_tree (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .tree_i     (tree_in),
    .acc_en_i   (acc_en_i),
    .acc_first_i(acc_first_i),
    .sum_o      (sum_o)
  );

endmodule
