// One step of ss_mac's product walk: the product (row, group) the walker is at, if the walk has
// not stopped. ss_mac chains Multipliers of these, each taking the walk state the one before
// leaves, so that synthesis builds one step and instances it (the walk as one loop unrolled into
// a single netlist is far too big to synthesize). The step reads its two row bytes from the
// row-word buffer through ss_mac's ports (v_slot_o/i_slot_o in, the words back) or from this
// cycle's responses.
module ss_mac_slot #(
  parameter int unsigned Multipliers  = 256,
  parameter int unsigned GlbLanes     = 16,
  parameter int unsigned WordBytes    = 8,
  parameter int unsigned Accumulators = 8192,
  parameter int unsigned RingDepth    = 4096,
  localparam int unsigned IdxW        = $clog2(GlbLanes),
  localparam int unsigned WordLog2    = $clog2(WordBytes),
  localparam int unsigned AccAw       = $clog2(Accumulators),
  localparam int unsigned RingAw      = $clog2(RingDepth),
  localparam int unsigned SlotW       = $clog2(Multipliers + 1)
) (
  // The cycle's constants (ss_mac's).
  input  ss_pkg::walk_geom_t              geom_i,
  input  logic [31:0]                     n_i,
  input  logic [31:0]                     channels_i,
  input  logic [31:0]                     admitted_i,
  input  logic [31:0]                     resp_base_i,  // row words returned before this cycle
  input  logic [31:0]                     resp_d_i,     // ... and up to the end of it
  input  logic [GlbLanes*WordBytes*8-1:0] resp_data_i,
  // Buffer reads: the slots of the value and ID words this step reads.
  output logic [RingAw-1:0]               v_slot_o,
  output logic [RingAw-1:0]               i_slot_o,
  input  logic [WordBytes*8-1:0]          v_ring_i,
  input  logic [WordBytes*8-1:0]          i_ring_i,
  // The walk before this step, and after it.
  input  ss_pkg::walk_t                   w_i,
  input  ss_pkg::row_info_t               r_i,          // w_i's row
  input  logic                            stop_i,
  input  logic [31:0]                     rows_done_i,
  input  logic [SlotW-1:0]                slots_i,
  input  logic [SlotW-1:0]                macs_i,
  input  logic                            pop_i,
  input  logic                            id_ok_i,
  output ss_pkg::walk_t                   w_o,
  output ss_pkg::row_info_t               r_o,
  output logic                            stop_o,
  output logic [31:0]                     rows_done_o,
  output logic [SlotW-1:0]                slots_o,
  output logic [SlotW-1:0]                macs_o,
  output logic                            pop_o,
  output logic                            id_ok_o,
  // This step's accumulator update.
  output logic                            add_en_o,
  output logic [AccAw-1:0]                add_addr_o,
  output logic [31:0]                     add_val_o
);

  // Inlined into its parent. As a module of its own, every instance's object got from Verilator
  // 5.006 the temporaries of all the instances' functions, and constructing the 256 MAC steps
  // took a quarter of a short run.
  /*verilator inline_module*/

  localparam logic [31:0] WordMask = 32'(WordBytes - 1);

  // The read positions of this step's value and ID bytes.
  logic [31:0] v_off, v_pos, i_off, i_pos;
  always_comb begin
    logic [31:0] word;
    v_off = (w_i.lo & WordMask) + w_i.j;
    word = v_off >> WordLog2;
    v_pos = word == 0 ? r_i.vpos0 : r_i.vpos1 + word - 1;
    i_off = ((w_i.lo + geom_i.row.id_delta) & WordMask) + w_i.j;
    word = i_off >> WordLog2;
    i_pos = word == 0 ? r_i.ipos0 : r_i.ipos1 + word - 1;
  end
  assign v_slot_o = RingAw'(v_pos);
  assign i_slot_o = RingAw'(i_pos);

  // Byte `b` of the row word at read position `pos`, `ring` being its buffer slot's word.
  function automatic logic [7:0] row_byte(logic [31:0] pos, logic [WordLog2-1:0] b,
                                          logic [WordBytes*8-1:0] ring);
    logic [IdxW-1:0] k;
    logic [WordBytes*8-1:0] word;
    k = IdxW'(pos - resp_base_i);
    word = pos >= resp_base_i ? resp_data_i[WordBytes*8*k+:WordBytes*8] : ring;
    row_byte = word[8*b+:8];
  endfunction

  // A module variable: yosys 0.23 reads no struct declared in a procedural block.
  ss_pkg::walk_t w;

  // A step after the walk stopped passes the walk on unchanged; the work is under `!stop_i` so
  // that the Verilated step skips it (most of a cycle's steps come after the stop), and the next
  // row is computed only when the step ends a row.
  always_comb begin
    logic stop, take, last;
    logic [31:0] id, ch;
    logic [7:0] wt, wt_byte, id_byte;
    id = '0;
    ch = '0;
    wt = '0;
    take = 1'b0;
    last = 1'b0;
    wt_byte = '0;
    id_byte = '0;
    w = w_i;
    r_o = r_i;
    stop = stop_i;
    rows_done_o = rows_done_i;
    slots_o = slots_i;
    macs_o = macs_i;
    pop_o = pop_i;
    id_ok_o = id_ok_i;
    add_en_o = 1'b0;
    add_addr_o = '0;
    add_val_o = '0;
    if (!stop_i) begin
      take = !(w.row_seq >= admitted_i || resp_d_i < r_i.through);
      if (!take) stop = 1'b1;
      wt_byte = row_byte(v_pos, WordLog2'(v_off), v_ring_i);
      id_byte = row_byte(i_pos, WordLog2'(i_off), i_ring_i);
      if (take) begin
        wt = wt_byte;
        id = geom_i.row.ids ? 32'(id_byte) : '0;
        if (wt != 0) begin
          ch = w.j * n_i + id;
          if (id >= n_i || ch >= channels_i) id_ok_o = 1'b0;
          add_en_o = 1'b1;
          add_addr_o = AccAw'(w.pix * channels_i + ch);
          add_val_o = 32'($signed(w.value)) * 32'($signed(wt));
          macs_o = macs_o + 1'b1;
        end
        slots_o = slots_o + 1'b1;
        w.j = w.j + 1;
      end
      last = ss_pkg::walk_last_row(w.iy, w.ix, w.nky, w.nkx);
      if (take && w.j == geom_i.row.groups) begin
        rows_done_o = rows_done_o + 1;
        if (last) begin
          pop_o = 1'b1;
          stop = 1'b1;
        end
        w = ss_pkg::walk_next(w.fresh, w.in_ptr, w.row_seq, w.value, w.nky, w.nkx, w.iy, w.ix,
                              w.lo, w.lo_rs, w.pix, w.pix_rs, geom_i.step.x, geom_i.step.y,
                              geom_i.step.wo, r_i.next);
        r_o = ss_pkg::row_info(w.iy == 0 && w.ix == 0, w.lo, w.rd.reads, w.rd.v_word,
                               w.rd.id_word, w.rd.v_pos, w.rd.id_pos, geom_i.row.groups,
                               geom_i.row.id_delta, geom_i.row.ids, WordLog2);
      end
    end
    stop_o = stop;
    w_o = w;
  end

  logic unused_row;  // the step finds its words by position, not address
  assign unused_row = ^{r_i.v_word0, r_i.i_word0, r_i.sh_v, r_i.sh_i, r_i.own_v, r_i.own_i};

endmodule
