// The k-WTA unit's queue of GLB word writes waiting for a port lane (writes_ in
// model/kwta/kwta.h): in order, several pushed and several popped per cycle.
//
// Function: `push_num_i` entries of `push_i` join the tail in a cycle, and `pop_num_i` leave the
// head in the same cycle. The entries pushed this cycle count as already queued: `head_o` shows
// the first PopMax entries of (stored, then pushed this cycle) and `avail_o` how many there are,
// so that a write can go out in the cycle it is made, as in the model.
// Depth: the model's queue holds at most ~60 words (the outputs of the values in flight when
// the reads stop: 8 words in the port's links plus the staged values), under Depth = 64.
module kwta_wr_queue #(
  parameter int unsigned Depth = 64,
  parameter int unsigned PushMax = 12,
  parameter int unsigned PopMax = 2,
  parameter int unsigned EntryW = 102,
  localparam int unsigned PushW = $clog2(PushMax + 1),
  localparam int unsigned PopW = $clog2(PopMax + 1),
  localparam int unsigned AvailW = $clog2(Depth + PushMax + 1)
) (
  input  logic                            clk_i,
  input  logic                            rst_ni,
  input  logic [PushMax*EntryW-1:0]       push_i,  // entry i at [EntryW*i +: EntryW]
  input  logic [PushW-1:0]                push_num_i,
  input  logic [PopW-1:0]                 pop_num_i,
  output logic [PopMax*EntryW-1:0]        head_o,  // entry l at [EntryW*l +: EntryW]
  output logic [AvailW-1:0]               avail_o
);

  localparam int unsigned PtrW = $clog2(Depth);

  logic [EntryW-1:0] mem_q[Depth];
  logic [EntryW-1:0] mem_d[Depth];
  logic [PtrW-1:0]   head_q, head_d;
  logic [PtrW:0]     count_q, count_d;

  assign avail_o = AvailW'(count_q) + AvailW'(push_num_i);

  always_comb begin
    logic [AvailW-1:0] pushed;
    for (int unsigned l = 0; l < PopMax; l++) begin
      pushed = AvailW'(l) - AvailW'(count_q);
      if (AvailW'(l) < AvailW'(count_q)) begin
        head_o[EntryW*l+:EntryW] = mem_q[head_q + PtrW'(l)];
      end else if (pushed < AvailW'(PushMax)) begin
        head_o[EntryW*l+:EntryW] = push_i[EntryW*pushed[PushW-1:0]+:EntryW];
      end else begin
        head_o[EntryW*l+:EntryW] = '0;
      end
    end
  end

  always_comb begin
    for (int unsigned e = 0; e < Depth; e++) mem_d[e] = mem_q[e];
    for (int unsigned i = 0; i < PushMax; i++) begin
      if (PushW'(i) < push_num_i) begin
        mem_d[head_q + PtrW'(count_q) + PtrW'(i)] = push_i[EntryW*i+:EntryW];
      end
    end
    head_d = head_q + PtrW'(pop_num_i);
    count_d = count_q + (PtrW + 1)'(push_num_i) - (PtrW + 1)'(pop_num_i);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned e = 0; e < Depth; e++) mem_q[e] <= '0;
      head_q <= '0;
      count_q <= '0;
    end else begin
      for (int unsigned e = 0; e < Depth; e++) mem_q[e] <= mem_d[e];
      head_q <= head_d;
      count_q <= count_d;
    end
  end

`ifndef SYNTHESIS
  // Checked at the clock edge, outside reset (Verilator: only with --assert).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (rst_ni) begin
      assert (avail_o <= AvailW'(Depth))
      else $error("kwta_wr_queue: %0d writes waiting, over the depth %0d", avail_o, Depth);
      assert (AvailW'(pop_num_i) <= avail_o)
      else $error("kwta_wr_queue: popped more than it holds");
    end
  end
`endif

endmodule
