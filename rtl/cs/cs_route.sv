// Route stage of one CS group engine (model/cs/cs_engine.h, "Route").
//
// Latency pipeline stages, the permutation network's depth, carry each lane's product, its
// kernel ID and whether it is a MAC. At the far end each product is steered by its ID to the
// input of adder tree <ID>: input r of tree j, tree_o[(j * Lanes + r) * 16 +: 16], is lane r's
// product if it goes to tree j, else zero; a gated or idle multiplier reaches no tree.
// Complementary sparsity puts each product in exactly one tree, so the steering is a
// demultiplexer per lane. Latency 0 steers at once.
// Buses are flat vectors, lane r at [r * width +: width] (yosys reads no multi-dimensional
// packed arrays).
module cs_route #(
  parameter int unsigned Lanes   = 16,
  parameter int unsigned MaxN    = 32,
  parameter int unsigned IdW     = 5,
  parameter int unsigned Latency = 4
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic [Lanes*16-1:0]        prod_i,  // signed int8 x int8 products
  input  logic [Lanes*IdW-1:0]       id_i,
  input  logic [Lanes-1:0]           mac_i,   // lane did a MAC
  output logic [MaxN*Lanes*16-1:0]   tree_o   // adder tree inputs
);

  logic [Lanes*16-1:0]  prod_end;
  logic [Lanes*IdW-1:0] id_end;
  logic [Lanes-1:0]     mac_end;

  if (Latency == 0) begin : g_direct
    logic unused_clk;
    assign unused_clk = clk_i ^ rst_ni;
    assign prod_end = prod_i;
    assign id_end   = id_i;
    assign mac_end  = mac_i;
  end else begin : g_pipe
    // Stage s at [s * width +: width]; stage 0 is written from the inputs.
    logic [Latency*Lanes*16-1:0]  prod_q;
    logic [Latency*Lanes*IdW-1:0] id_q;
    logic [Latency*Lanes-1:0]     mac_q;

    if (Latency == 1) begin : g_one
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          prod_q <= '0;
          id_q   <= '0;
          mac_q  <= '0;
        end else begin
          prod_q <= prod_i;
          id_q   <= id_i;
          mac_q  <= mac_i;
        end
      end
    end else begin : g_many
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          prod_q <= '0;
          id_q   <= '0;
          mac_q  <= '0;
        end else begin
          prod_q <= {prod_q[(Latency-1)*Lanes*16-1:0], prod_i};
          id_q   <= {id_q[(Latency-1)*Lanes*IdW-1:0], id_i};
          mac_q  <= {mac_q[(Latency-1)*Lanes-1:0], mac_i};
        end
      end
    end

    assign prod_end = prod_q[(Latency-1)*Lanes*16 +: Lanes*16];
    assign id_end   = id_q[(Latency-1)*Lanes*IdW +: Lanes*IdW];
    assign mac_end  = mac_q[(Latency-1)*Lanes +: Lanes];
  end

  // The demultiplexer: an ID >= MaxN (never legal) reaches no tree.
  always_comb begin
    tree_o = '0;
    for (int r = 0; r < Lanes; r++) begin
      if (mac_end[r] && 32'(id_end[r*IdW +: IdW]) < MaxN) begin
        tree_o[(32'(id_end[r*IdW +: IdW]) * Lanes + r) * 16 +: 16] = prod_end[r*16 +: 16];
      end
    end
  end

endmodule
