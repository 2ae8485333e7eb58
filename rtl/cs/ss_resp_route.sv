// Response routing of sparse_accum: the GLB answers a port in request order, so a FIFO of the
// kinds of the reads in flight (list or row word) tells where each read response goes; a write
// response is a drain acknowledgement. Every visible response is taken in the cycle it appears
// (the model pops them all at the start of its Tick).
module ss_resp_route #(
  parameter int unsigned GlbLanes  = 16,
  parameter int unsigned WordBytes = 8,
  parameter int unsigned Depth     = 64,  // reads in flight: request + response link slots
  localparam int unsigned CntW     = $clog2(GlbLanes + 1),
  localparam int unsigned Aw       = $clog2(Depth)
) (
  input  logic                                  clk_i,
  input  logic                                  rst_ni,
  input  logic [CntW-1:0]                       avail_i,
  input  logic [GlbLanes-1:0]                   write_i,
  input  logic [GlbLanes*WordBytes*8-1:0]       data_i,  // lane i at [WordBytes*8*i +: WordBytes*8]
  output logic [CntW-1:0]                       taken_o,
  // Reads issued this cycle: list_count_i list words, then row words up to read_count_i.
  input  logic [CntW-1:0]                       read_count_i,
  input  logic [CntW-1:0]                       list_count_i,
  // This cycle's responses, by destination, in order.
  output logic [CntW-1:0]                       list_count_o,
  output logic [GlbLanes*WordBytes*8-1:0]       list_data_o,  // as data_i
  output logic [CntW-1:0]                       row_count_o,
  output logic [GlbLanes*WordBytes*8-1:0]       row_data_o,
  output logic [CntW-1:0]                       ack_count_o,
  output logic                                  fits_o  // reads in flight <= Depth (asserted)
);

  logic [31:0] head_q, head_d, tail_q, tail_d;
  logic is_list_q [Depth];  // kind of each read in flight: 1 list word, 0 row word

  assign taken_o = avail_i;

  // Each read response's destination and its position among those of this cycle.
  logic [GlbLanes-1:0] to_list, to_row;
  logic [GlbLanes*CntW-1:0] rank;  // lane i at [CntW*i +: CntW]
  always_comb begin
    logic [31:0] r;
    list_count_o = '0;
    row_count_o = '0;
    ack_count_o = '0;
    to_list = '0;
    to_row = '0;
    rank = '0;
    r = head_q;
    for (int unsigned i = 0; i < GlbLanes; i++) begin
      if (CntW'(i) < avail_i) begin
        if (write_i[i]) begin
          ack_count_o = ack_count_o + 1'b1;
        end else begin
          if (is_list_q[Aw'(r)]) begin
            to_list[i] = 1'b1;
            rank[CntW*i+:CntW] = list_count_o;
            list_count_o = list_count_o + 1'b1;
          end else begin
            to_row[i] = 1'b1;
            rank[CntW*i+:CntW] = row_count_o;
            row_count_o = row_count_o + 1'b1;
          end
          r = r + 1;
        end
      end
    end
    head_d = r;
  end

  // Output word k is the response of rank k: a multiplexer per word (a write at the moving
  // offset of the count so far synthesizes to a shifter of the whole vector per lane).
  always_comb begin
    list_data_o = '0;
    row_data_o = '0;
    for (int unsigned k = 0; k < GlbLanes; k++) begin
      for (int unsigned i = 0; i < GlbLanes; i++) begin
        if (to_list[i] && rank[CntW*i+:CntW] == CntW'(k)) begin
          list_data_o[WordBytes*8*k+:WordBytes*8] = data_i[WordBytes*8*i+:WordBytes*8];
        end
        if (to_row[i] && rank[CntW*i+:CntW] == CntW'(k)) begin
          row_data_o[WordBytes*8*k+:WordBytes*8] = data_i[WordBytes*8*i+:WordBytes*8];
        end
      end
    end
  end

  // Separate from the routing: the reads issued this cycle depend on the responses routed.
  assign tail_d = tail_q + 32'(read_count_i);
  assign fits_o = tail_d - head_d <= Depth;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      head_q <= '0;
      tail_q <= '0;
    end else begin
      head_q <= head_d;
      tail_q <= tail_d;
    end
  end

  for (genvar i = 0; i < GlbLanes; i++) begin : g_push
    logic [Aw-1:0] slot;
    assign slot = Aw'(tail_q + i);
    always_ff @(posedge clk_i) begin
      if (CntW'(i) < read_count_i) is_list_q[slot] <= CntW'(i) < list_count_i;
    end
  end

endmodule
