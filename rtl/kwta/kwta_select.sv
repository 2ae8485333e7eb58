// Compare stage of the k-WTA select pass (model/kwta/kwta.h, KwtaSelector and Kwta::Select):
// purely combinational.
//
// Function: of the first `num_i` lanes of `val_i` (map indices index_i, index_i + 1, ...) it
// keeps v > T, and v == T while ties remain, the lowest lanes first. Out: the dense bytes (v if
// kept, else 0, one per lane), the active-list records of the kept values packed from byte 0
// (4 bytes each: index low, index high, value, 0), how many were kept and how many ties it used.
module kwta_select #(
  parameter int unsigned Lanes = 16,
  parameter int unsigned CountW = 32,
  localparam int unsigned NumW = $clog2(Lanes + 1),
  localparam int unsigned LaneW = $clog2(Lanes),
  localparam int unsigned ListBytes = 4 * Lanes
) (
  input  logic [8*Lanes-1:0]       val_i,  // lane i at [8i+7:8i], as dense_o and list_o bytes
  input  logic [NumW-1:0]           num_i,
  input  logic [7:0]                thr_i,
  input  logic [CountW-1:0]         ties_left_i,
  // The index of val_i[0], modulo 2^16 (a record holds 16 bits).
  input  logic [15:0]               index_i,
  output logic [NumW-1:0]           kept_o,
  output logic [CountW-1:0]         ties_used_o,
  output logic [8*Lanes-1:0]       dense_o,
  output logic [8*ListBytes-1:0]   list_o
);

  always_comb begin
    logic [CountW-1:0] ties_used;
    logic [15:0] index;
    logic keep;
    index = '0;
    kept_o = '0;
    ties_used = '0;
    dense_o = '0;
    list_o = '0;
    for (int unsigned i = 0; i < Lanes; i++) begin
      keep = 1'b0;
      if (NumW'(i) < num_i) begin
        if ($signed(val_i[8*i+:8]) > $signed(thr_i)) begin
          keep = 1'b1;
        end else if (val_i[8*i+:8] == thr_i && ties_used < ties_left_i) begin
          keep = 1'b1;
          ties_used = ties_used + CountW'(1);
        end
      end
      if (keep) begin
        index = index_i + 16'(i);
        dense_o[8*i+:8] = val_i[8*i+:8];
        // kept_o < Lanes here: the record's first byte is at 4 * kept_o (bit 32 * kept_o).
        list_o[{kept_o[LaneW-1:0], 5'd0}+:32] = {8'd0, val_i[8*i+:8], index[15:8], index[7:0]};
        kept_o = kept_o + NumW'(1);
      end
    end
    ties_used_o = ties_used;
  end

endmodule
