// MAC stage of sparse_accum and its row-word buffer. Row words are stored by read position (the
// order row fetch issued them, which is the order they come back); a word is usable in the cycle
// its response arrives. Each cycle the MAC walks the products (row, group) of the front input in
// order, at most Multipliers of them, stopping at a row that is not admitted or whose words have
// not all arrived, and after the input's last row (one input per cycle, so every product of a
// cycle hits its own accumulator). A zero weight is gated: it takes a slot and adds nothing.
module ss_mac #(
  parameter int unsigned Multipliers  = 256,
  parameter int unsigned GlbLanes     = 16,
  parameter int unsigned WordBytes    = 8,
  parameter int unsigned Accumulators = 8192,
  parameter int unsigned RingDepth    = 4096,  // row words (power of two)
  localparam int unsigned CntW        = $clog2(GlbLanes + 1),
  localparam int unsigned IdxW        = $clog2(GlbLanes),
  localparam int unsigned WordLog2    = $clog2(WordBytes),
  localparam int unsigned AccAw       = $clog2(Accumulators),
  localparam int unsigned RingAw      = $clog2(RingDepth),
  localparam int unsigned SlotW       = $clog2(Multipliers + 1)
) (
  input  logic                                  clk_i,
  input  logic                                  rst_ni,
  input  logic                                  start_i,       // a command is accepted
  input  logic                                  run_i,         // the accumulate phase
  input  ss_pkg::walk_geom_t                    geom_i,
  input  logic [31:0]                           n_i,           // kernels per group
  input  logic [31:0]                           channels_i,
  input  logic [31:0]                           admitted_i,    // rows admitted before this cycle
  input  logic                                  front_valid_i, // an input waits
  input  ss_pkg::in_desc_t                      front_i,
  // Row words returned this cycle, in order.
  input  logic [CntW-1:0]                       resp_count_i,
  // Word i at [WordBytes*8*i +: WordBytes*8].
  input  logic [GlbLanes*WordBytes*8-1:0]       resp_data_i,
  // Accumulator updates (distinct entries).
  output logic [Multipliers-1:0]                add_en_o,
  output logic [Multipliers*AccAw-1:0]          add_addr_o,   // port i at [AccAw*i +: AccAw]
  output logic [Multipliers*32-1:0]             add_val_o,    // port i at [32*i +: 32]
  output logic                                  pop_o,         // the front input is done
  output logic [31:0]                           rows_done_o,
  output logic [SlotW-1:0]                      slots_o,       // products (MACs + gated)
  output logic [SlotW-1:0]                      macs_o,
  output logic                                  ring_ok_o,     // no word still needed overwritten
  output logic                                  id_ok_o        // every kernel ID < n, < channels
);

  localparam logic [31:0] WordMask = 32'(WordBytes - 1);

  ss_pkg::walk_t walk_q, walk_d;
  logic [31:0] resp_q, resp_base, resp_d;  // row words returned before this cycle
  logic [WordBytes*8-1:0] ring_q [RingDepth];

  assign resp_base = start_i ? '0 : resp_q;
  assign resp_d = resp_base + 32'(resp_count_i);

  // Byte `b` of the row word at read position `pos`.
  function automatic logic [7:0] row_byte(logic [31:0] pos, logic [WordLog2-1:0] b);
    logic [IdxW-1:0] k;
    logic [RingAw-1:0] slot;
    logic [WordBytes*8-1:0] word;
    k = IdxW'(pos - resp_base);
    slot = RingAw'(pos);
    word = pos >= resp_base ? resp_data_i[WordBytes*8*k+:WordBytes*8] : ring_q[slot];
    row_byte = word[8*b+:8];
  endfunction

  // The walk's variables (yosys 0.23 reads no struct declared in a procedural block). Every
  // function is called unconditionally: yosys 0.23 makes a latch of a call under a condition.
  ss_pkg::walk_t w, w_load, w_next;
  ss_pkg::row_info_t r, r_next;

  always_comb begin
    logic stop, take, last;
    logic [31:0] off, word, pos, id, ch, oldest;
    logic unused_words;  // the MAC finds a row's words by position, not address
    logic [7:0] wt, wt_byte, id_byte;
    off = '0;
    word = '0;
    pos = '0;
    id = '0;
    ch = '0;
    wt = '0;
    w = start_i ? ss_pkg::WalkInit : walk_q;
    w_load = ss_pkg::walk_load(w.in_ptr, w.row_seq, front_i.value, front_i.nky, front_i.nkx,
                               front_i.lo, front_i.pix, w.rd);
    if (w.fresh && front_valid_i) w = w_load;
    r = ss_pkg::row_info(w.iy == 0 && w.ix == 0, w.lo, w.rd.reads, w.rd.v_word, w.rd.id_word,
                         w.rd.v_pos, w.rd.id_pos, geom_i.row.groups, geom_i.row.id_delta,
                         geom_i.row.ids, WordLog2);
    w_next = '0;
    r_next = '0;
    add_en_o = '0;
    add_addr_o = '0;
    add_val_o = '0;
    pop_o = 1'b0;
    rows_done_o = '0;
    slots_o = '0;
    macs_o = '0;
    id_ok_o = 1'b1;
    // The oldest word the rows in the buffer still need: the front row's first words.
    oldest = w.fresh ? w.rd.reads : !geom_i.row.ids || r.vpos0 < r.ipos0 ? r.vpos0 : r.ipos0;
    ring_ok_o = resp_d - oldest <= RingDepth;
    stop = !(run_i && front_valid_i);
    for (int unsigned s = 0; s < Multipliers; s++) begin
      take = !stop && !(w.row_seq >= admitted_i || resp_d < r.through);
      if (!stop && !take) stop = 1'b1;
      off = (w.lo & WordMask) + w.j;
      word = off >> WordLog2;
      pos = word == 0 ? r.vpos0 : r.vpos1 + word - 1;
      wt_byte = row_byte(pos, WordLog2'(off));
      off = ((w.lo + geom_i.row.id_delta) & WordMask) + w.j;
      word = off >> WordLog2;
      pos = word == 0 ? r.ipos0 : r.ipos1 + word - 1;
      id_byte = row_byte(pos, WordLog2'(off));
      if (take) begin
        wt = wt_byte;
        id = geom_i.row.ids ? 32'(id_byte) : '0;
        if (wt != 0) begin
          ch = w.j * n_i + id;
          if (id >= n_i || ch >= channels_i) id_ok_o = 1'b0;
          add_en_o[s] = 1'b1;
          add_addr_o[AccAw*s+:AccAw] = AccAw'(w.pix * channels_i + ch);
          add_val_o[32*s+:32] = 32'($signed(w.value)) * 32'($signed(wt));
          macs_o = macs_o + 1'b1;
        end
        slots_o = slots_o + 1'b1;
        w.j = w.j + 1;
      end
      last = ss_pkg::walk_last_row(w.iy, w.ix, w.nky, w.nkx);
      w_next = ss_pkg::walk_next(w.fresh, w.in_ptr, w.row_seq, w.value, w.nky, w.nkx, w.iy, w.ix,
                                 w.lo, w.lo_rs, w.pix, w.pix_rs, geom_i.step.x, geom_i.step.y,
                                 geom_i.step.wo, r.next);
      r_next = ss_pkg::row_info(w_next.iy == 0 && w_next.ix == 0, w_next.lo, w_next.rd.reads,
                                w_next.rd.v_word, w_next.rd.id_word, w_next.rd.v_pos,
                                w_next.rd.id_pos, geom_i.row.groups, geom_i.row.id_delta,
                                geom_i.row.ids, WordLog2);
      if (take && w.j == geom_i.row.groups) begin
        rows_done_o = rows_done_o + 1;
        if (last) begin
          pop_o = 1'b1;
          stop = 1'b1;
        end
        w = w_next;
        r = r_next;
      end
    end
    unused_words = ^{r.v_word0, r.i_word0, r.sh_v, r.sh_i, r.own_v, r.own_i};
    walk_d = run_i ? w : walk_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      walk_q <= ss_pkg::WalkInit;
      resp_q <= '0;
    end else begin
      walk_q <= walk_d;
      resp_q <= resp_d;
    end
  end

  // The row-word buffer: one write port per response lane.
  for (genvar i = 0; i < GlbLanes; i++) begin : g_ring
    logic [RingAw-1:0] slot;
    assign slot = RingAw'(resp_base + i);
    always_ff @(posedge clk_i) begin
      if (CntW'(i) < resp_count_i) ring_q[slot] <= resp_data_i[WordBytes*8*i+:WordBytes*8];
    end
  end

endmodule
