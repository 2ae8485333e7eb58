// Sum stage of one CS group engine (model/cs/cs_engine.h, "Sum"): MaxN adder trees of Lanes
// inputs each, and the engine's MaxN accumulators.
//
// Tree j adds its inputs, tree_i[(j * Lanes + r) * 16 +: 16] for lane r (cs_route put each
// product in one tree), in ceil(log2 Lanes) levels of pairwise adders spread over Latency
// pipeline stages: stage s ends after level (s+1) * Levels / Latency, a stage with no level is a
// plain register. Level l adds in 16 + l bits; partial sums are kept sign-extended in 32-bit
// fields (the copies of the sign bit are one flip-flop after synthesis). The last stage also
// adds each tree's sum to its accumulator: acc_en_i says a beat is at the last stage,
// acc_first_i that it is its pixel's first (the accumulator then starts from zero). sum_o
// (accumulator j at [j * 32 +: 32]) is the accumulators' value after that beat, so on a pixel's
// last beat it is the pixel's sums, ready for the output FIFO at the same clock edge.
// Accumulators wrap like the model's int32 ones.
module cs_adder_tree #(
  parameter int unsigned Lanes   = 16,
  parameter int unsigned MaxN    = 32,
  parameter int unsigned Latency = 4
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic [MaxN*Lanes*16-1:0] tree_i,
  input  logic                     acc_en_i,
  input  logic                     acc_first_i,
  output logic [MaxN*32-1:0]       sum_o
);

  localparam int unsigned Levels = (Lanes > 1) ? $clog2(Lanes) : 0;
  localparam int unsigned Width  = 1 << Levels;  // tree inputs, padded to a power of two

  logic [MaxN*32-1:0] acc_d, acc_q;

  for (genvar s = 0; s < Latency; s++) begin : g_stage
    localparam int unsigned LvIn  = s * Levels / Latency;
    localparam int unsigned LvOut = (s + 1) * Levels / Latency;
    localparam int unsigned NIn   = Width >> LvIn;
    localparam int unsigned NOut  = Width >> LvOut;
    localparam int unsigned Group = NIn / NOut;
    localparam int unsigned WOut  = 16 + LvOut;

    // This stage's operands, sign-extended: operand i of tree j at [(j * NIn + i) * 32 +: 32].
    logic [MaxN*NIn*32-1:0] opnd;

    if (s == 0) begin : g_first
      always_comb begin
        for (int j = 0; j < MaxN; j++) begin
          for (int i = 0; i < NIn; i++) begin
            if (i < Lanes) begin
              opnd[(j * NIn + i) * 32 +: 32] = 32'($signed(tree_i[(j * Lanes + i) * 16 +: 16]));
            end else begin
              opnd[(j * NIn + i) * 32 +: 32] = '0;
            end
          end
        end
      end
    end else begin : g_chain
      assign opnd = g_stage[s-1].g_reg.part_q;
    end

    if (s + 1 < Latency) begin : g_reg
      logic [MaxN*NOut*32-1:0] part_d, part_q;
      logic [WOut-1:0]         sum;

      // Partial i of tree j at [(j * NOut + i) * 32 +: 32]: operands i * Group .. + Group - 1.
      always_comb begin
        sum = '0;
        for (int j = 0; j < MaxN; j++) begin
          for (int i = 0; i < NOut; i++) begin
            sum = '0;
            for (int m = 0; m < Group; m++) begin
              sum = sum + WOut'(opnd[(j * NIn + i * Group + m) * 32 +: 32]);
            end
            part_d[(j * NOut + i) * 32 +: 32] = 32'($signed(sum));
          end
        end
      end

      // Datapath registers without reset: a beat's validity travels in cs_engine's tags.
      always_ff @(posedge clk_i) begin
        part_q <= part_d;
      end
    end else begin : g_acc
      logic [31:0] sum;

      always_comb begin
        sum = '0;
        for (int j = 0; j < MaxN; j++) begin
          sum = acc_first_i ? '0 : acc_q[j * 32 +: 32];
          for (int i = 0; i < NIn; i++) begin
            sum = sum + opnd[(j * NIn + i) * 32 +: 32];
          end
          acc_d[j * 32 +: 32] = sum;
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      acc_q <= '0;
    end else if (acc_en_i) begin
      acc_q <= acc_d;
    end
  end

  assign sum_o = acc_d;

endmodule
