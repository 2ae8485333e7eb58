// Row fetch of sparse_accum: the admitted inputs (a ring of descriptors, written by the offset
// generator) and the walker that turns their rows into GLB word reads, in the model's order: per
// row its value words, then its ID words (none when n = 1), a first word shared with the previous
// row of the same input not read again. Up to `budget_i` reads per cycle, from rows admitted in
// earlier cycles only (the model issues from row_queue_ before it admits). A row with no word of
// its own costs no slot, so the walker passes any number of them in a cycle; there are at most
// WordBytes - 1 of them after each row that reads.
module ss_row_fetch #(
  parameter int unsigned GlbLanes   = 16,
  parameter int unsigned WordBytes  = 8,
  parameter int unsigned InDepth    = 1024,  // input ring (power of two)
  localparam int unsigned CntW      = $clog2(GlbLanes + 1),
  localparam int unsigned IdxW      = $clog2(GlbLanes),
  localparam int unsigned WordLog2  = $clog2(WordBytes),
  localparam int unsigned InAw      = $clog2(InDepth),
  // Walk steps per cycle: one per read, plus the rows without reads after each reading row.
  localparam int unsigned Steps     = GlbLanes + (WordBytes - 1) * (GlbLanes + 1) + 1
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         start_i,     // a command is accepted: walk from row 0
  input  logic                         en_i,        // the fetch stages run
  input  ss_pkg::walk_geom_t           geom_i,
  input  logic [CntW-1:0]              budget_i,    // request slots left for row reads
  input  logic [31:0]                  admitted_i,  // rows admitted before this cycle
  // Input ring: the offset generator appends, the MAC reads its front input.
  input  logic                         push_i,
  input  logic [InAw-1:0]              push_slot_i,  // ring slot of the appended input
  input  ss_pkg::in_desc_t             push_desc_i,
  input  logic [InAw-1:0]              front_slot_i,
  output ss_pkg::in_desc_t             front_o,
  // Reads: word addresses, and whether each is an ID word (else a value word).
  output logic [CntW-1:0]              count_o,
  output logic [GlbLanes*32-1:0]       addr_o,      // read i at [32*i +: 32]
  output logic [GlbLanes-1:0]          id_o,
  output logic                         exhausted_o  // walk steps ran out (never: asserted)
);

  ss_pkg::walk_t walk_q, walk_d;
  // The ring holds in_desc_t (yosys 0.23 miscompiles an unpacked array of a struct).
  logic [$bits(push_desc_i)-1:0] ring_q [InDepth];

  // The walk's variables (yosys 0.23 reads no struct declared in a procedural block). Every
  // function is called unconditionally: yosys 0.23 makes a latch of a call under a condition.
  ss_pkg::walk_t w, w_load, w_next;
  ss_pkg::in_desc_t d;
  ss_pkg::row_info_t r, r_cur;

  always_comb begin
    logic [31:0] total;
    logic stop;
    logic unused_positions;  // row fetch issues by address; positions are for the MAC
    r = '0;
    r_cur = '0;
    d = '0;
    w_load = '0;
    w_next = '0;
    total = '0;
    w = start_i ? ss_pkg::WalkInit : walk_q;
    count_o = '0;
    addr_o = '0;
    id_o = '0;
    stop = !en_i;
    for (int unsigned s = 0; s < Steps; s++) begin
      if (!stop && w.row_seq >= admitted_i) stop = 1'b1;
      d = ring_q[InAw'(w.in_ptr)];
      w_load = ss_pkg::walk_load(w.in_ptr, w.row_seq, d.value, d.nky, d.nkx, d.lo, d.pix, w.rd);
      if (!stop && w.fresh) w = w_load;
      r_cur = ss_pkg::row_info(w.iy == 0 && w.ix == 0, w.lo, w.rd.reads, w.rd.v_word,
                               w.rd.id_word, w.rd.v_pos, w.rd.id_pos, geom_i.row.groups,
                               geom_i.row.id_delta, geom_i.row.ids, WordLog2);
      if (!stop) begin
        r = r_cur;
        total = r.own_v + r.own_i;
        if (w.j < total) begin
          if (count_o == budget_i) begin
            stop = 1'b1;
          end else begin
            if (w.j < r.own_v) begin
              addr_o[32*IdxW'(count_o)+:32] = (r.v_word0 + 32'(r.sh_v) + w.j) << WordLog2;
            end else begin
              addr_o[32*IdxW'(count_o)+:32] = (r.i_word0 + 32'(r.sh_i) + w.j - r.own_v)
                                              << WordLog2;
              id_o[IdxW'(count_o)] = 1'b1;
            end
            count_o = count_o + 1'b1;
            w.j = w.j + 1;
          end
        end
      end
      w_next = ss_pkg::walk_next(w.fresh, w.in_ptr, w.row_seq, w.value, w.nky, w.nkx, w.iy, w.ix,
                                 w.lo, w.lo_rs, w.pix, w.pix_rs, geom_i.step.x, geom_i.step.y,
                                 geom_i.step.wo, r.next);
      if (!stop && w.j == total) w = w_next;
    end
    unused_positions = ^{r.through, r.vpos0, r.vpos1, r.ipos0, r.ipos1};
    exhausted_o = !stop;
    walk_d = w;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) walk_q <= ss_pkg::WalkInit;
    else walk_q <= walk_d;
  end

  always_ff @(posedge clk_i) begin
    if (push_i) ring_q[push_slot_i] <= push_desc_i;
  end
  assign front_o = ring_q[front_slot_i];

endmodule
