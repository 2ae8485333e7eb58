// List fetch of sparse_accum: word reads of the active list, in order, while the words fetched
// and not yet decoded stay within the list buffer (2 * GlbLanes words, the model's IssueList);
// the returned words wait in a ring until the offset generator has decoded their records (one
// per cycle, usable in the cycle their last word arrives).
module ss_list_fetch #(
  parameter int unsigned GlbLanes  = 16,
  parameter int unsigned WordBytes = 8,
  localparam int unsigned CntW      = $clog2(GlbLanes + 1),
  localparam int unsigned IdxW      = $clog2(GlbLanes),
  localparam int unsigned WordLog2  = $clog2(WordBytes),
  // Words requested and not decoded: at most the buffer plus a partial word at each end.
  localparam int unsigned Depth     = 2 ** $clog2(2 * GlbLanes + 3),
  localparam int unsigned DepthLog2 = $clog2(Depth)
) (
  input  logic                                  clk_i,
  input  logic                                  rst_ni,
  input  logic                                  start_i,      // a command is accepted
  input  logic                                  en_i,         // the fetch stages run
  input  logic [31:0]                           list_base_i,
  input  logic [31:0]                           actives_i,
  input  logic [CntW-1:0]                       space_i,      // request slots free
  // List words returned this cycle, in order.
  input  logic [CntW-1:0]                       resp_count_i,
  input  logic [GlbLanes*WordBytes*8-1:0]       resp_data_i,  // [WordBytes*8*i +: WordBytes*8]
  // Requests: count_o words from next_addr_o on, one word apart.
  output logic [CntW-1:0]                       count_o,
  output logic [31:0]                           next_addr_o,
  // The next record's index (16 bits) and value, and whether the offset generator takes it.
  output logic                                  rec_valid_o,
  output logic [23:0]                           rec_o,
  input  logic                                  rec_take_i,
  output logic                                  all_decoded_o  // every record decoded
);

  localparam logic [31:0] WordMask = 32'(WordBytes - 1);

  logic [31:0] next_q, next_d;        // next word to request (aligned)
  logic [31:0] words_q, words_d;      // list words returned
  logic [31:0] decoded_q, decoded_d;  // records decoded
  logic [WordBytes*8-1:0] ring_q [Depth];

  logic [31:0] next, words, decoded;
  assign next = start_i ? list_base_i & ~WordMask : next_q;
  assign words = start_i ? '0 : words_q;
  assign decoded = start_i ? '0 : decoded_q;

  // Requests: in budget, in the list, and within the buffer (IssueList's `ahead` limit).
  always_comb begin
    logic [63:0] end_addr, limit, a;
    logic stop;
    end_addr = 64'(list_base_i) + 64'(actives_i) * 4;
    limit = 64'(list_base_i) + 64'(decoded) * 4 + 64'(2 * GlbLanes * WordBytes);
    count_o = '0;
    stop = !en_i;
    for (int unsigned i = 0; i < GlbLanes; i++) begin
      a = 64'(next) + 64'(i * WordBytes);
      if (!stop && CntW'(i) < space_i && a < end_addr && a + 64'(WordBytes) <= limit) begin
        count_o = CntW'(i + 1);
      end else begin
        stop = 1'b1;
      end
    end
  end
  assign next_addr_o = next;

  // A list word from the ring, or from this cycle's responses (usable in the cycle they arrive).
  function automatic logic [WordBytes*8-1:0] list_word(logic [31:0] m);
    logic [IdxW-1:0] k;
    logic [DepthLog2-1:0] slot;
    k = IdxW'(m - words);
    slot = DepthLog2'(m);
    list_word = m >= words ? resp_data_i[WordBytes*8*k+:WordBytes*8] : ring_q[slot];
  endfunction

  always_comb begin
    logic [31:0] off, b;
    logic [WordLog2-1:0] sel;
    logic [WordBytes*8-1:0] word;
    off = (list_base_i & WordMask) + decoded * 4;
    rec_o = '0;
    for (int unsigned i = 0; i < 3; i++) begin
      b = off + i;
      word = list_word(b >> WordLog2);
      sel = WordLog2'(b);
      rec_o[8*i+:8] = word[8*sel+:8];
    end
    rec_valid_o = decoded < actives_i && ((words + 32'(resp_count_i)) << WordLog2) >= off + 4;
  end
  assign all_decoded_o = decoded == actives_i;

  assign next_d = next + (32'(count_o) << WordLog2);
  assign words_d = words + 32'(resp_count_i);
  assign decoded_d = decoded + 32'(rec_take_i);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      next_q <= '0;
      words_q <= '0;
      decoded_q <= '0;
    end else begin
      next_q <= next_d;
      words_q <= words_d;
      decoded_q <= decoded_d;
    end
  end

  // The ring: one write port per response lane.
  for (genvar i = 0; i < GlbLanes; i++) begin : g_ring
    logic [DepthLog2-1:0] slot;
    assign slot = DepthLog2'(words + i);
    always_ff @(posedge clk_i) begin
      if (CntW'(i) < resp_count_i) ring_q[slot] <= resp_data_i[WordBytes*8*i+:WordBytes*8];
    end
  end

endmodule
