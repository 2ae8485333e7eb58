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

  ss_pkg::walk_t walk_q, walk_d;
  logic [31:0] resp_q, resp_base, resp_d;  // row words returned before this cycle
  logic [WordBytes*8-1:0] ring_q [RingDepth];

  assign resp_base = start_i ? '0 : resp_q;
  assign resp_d = resp_base + 32'(resp_count_i);

  // The walk at the start of the cycle (yosys 0.23 reads no struct declared in a procedural
  // block).
  ss_pkg::walk_t w0, w_init;
  ss_pkg::row_info_t r0;
  logic stop0;

  assign w_init = start_i ? ss_pkg::WalkInit : walk_q;
  assign w0 = !(w_init.fresh && front_valid_i) ? w_init :
              ss_pkg::walk_load(w_init.in_ptr, w_init.row_seq, front_i.value, front_i.nky,
                                front_i.nkx, front_i.lo, front_i.pix, w_init.rd);
  assign r0 = ss_pkg::row_info(w0.iy == 0 && w0.ix == 0, w0.lo, w0.rd.reads, w0.rd.v_word,
                               w0.rd.id_word, w0.rd.v_pos, w0.rd.id_pos, geom_i.row.groups,
                               geom_i.row.id_delta, geom_i.row.ids, WordLog2);
  assign stop0 = !(run_i && front_valid_i);

  // The oldest word the rows in the buffer still need: the front row's first words.
  logic [31:0] oldest;
  assign oldest = w0.fresh ? w0.rd.reads :
                  !geom_i.row.ids || r0.vpos0 < r0.ipos0 ? r0.vpos0 : r0.ipos0;
  assign ring_ok_o = resp_d - oldest <= RingDepth;

  // The walk: one ss_mac_slot per product, each continuing where the one before stopped. The
  // slots' accumulator updates are gathered in arrays and packed by one loop: connected to slices
  // of the packed outputs, Verilator would assemble the outputs by a chain of Multipliers
  // concatenations, each copying the vector so far (the harness ran 7x slower).
  logic            slot_en   [Multipliers];
  logic [AccAw-1:0] slot_addr [Multipliers];
  logic [31:0]      slot_val  [Multipliers];

  always_comb begin
    for (int unsigned s = 0; s < Multipliers; s++) begin
      add_en_o[s] = slot_en[s];
      add_addr_o[AccAw*s+:AccAw] = slot_addr[s];
      add_val_o[32*s+:32] = slot_val[s];
    end
  end

  for (genvar s = 0; s < Multipliers; s++) begin : g_slot
    ss_pkg::walk_t w_in, w_out;
    ss_pkg::row_info_t r_in, r_out;
    logic stop_in, stop_out, pop_in, pop_out, id_ok_in, id_ok_out;
    logic [31:0] rows_in, rows_out;
    logic [SlotW-1:0] slots_in, slots_out, macs_in, macs_out;
    logic [RingAw-1:0] v_slot, i_slot;
    logic [WordBytes*8-1:0] v_ring, i_ring;

    if (s == 0) begin : g_first
      assign w_in = w0;
      assign r_in = r0;
      assign stop_in = stop0;
      assign rows_in = '0;
      assign slots_in = '0;
      assign macs_in = '0;
      assign pop_in = 1'b0;
      assign id_ok_in = 1'b1;
    end else begin : g_next
      assign w_in = g_slot[s-1].w_out;
      assign r_in = g_slot[s-1].r_out;
      assign stop_in = g_slot[s-1].stop_out;
      assign rows_in = g_slot[s-1].rows_out;
      assign slots_in = g_slot[s-1].slots_out;
      assign macs_in = g_slot[s-1].macs_out;
      assign pop_in = g_slot[s-1].pop_out;
      assign id_ok_in = g_slot[s-1].id_ok_out;
    end

    assign v_ring = ring_q[v_slot];
    assign i_ring = ring_q[i_slot];

    ss_mac_slot #(
      .Multipliers (Multipliers),
      .GlbLanes    (GlbLanes),
      .WordBytes   (WordBytes),
      .Accumulators(Accumulators),
      .RingDepth   (RingDepth)
    ) u_slot (
      .geom_i     (geom_i),
      .n_i        (n_i),
      .channels_i (channels_i),
      .admitted_i (admitted_i),
      .resp_base_i(resp_base),
      .resp_d_i   (resp_d),
      .resp_data_i(resp_data_i),
      .v_slot_o   (v_slot),
      .i_slot_o   (i_slot),
      .v_ring_i   (v_ring),
      .i_ring_i   (i_ring),
      .w_i        (w_in),
      .r_i        (r_in),
      .stop_i     (stop_in),
      .rows_done_i(rows_in),
      .slots_i    (slots_in),
      .macs_i     (macs_in),
      .pop_i      (pop_in),
      .id_ok_i    (id_ok_in),
      .w_o        (w_out),
      .r_o        (r_out),
      .stop_o     (stop_out),
      .rows_done_o(rows_out),
      .slots_o    (slots_out),
      .macs_o     (macs_out),
      .pop_o      (pop_out),
      .id_ok_o    (id_ok_out),
      .add_en_o   (slot_en[s]),
      .add_addr_o (slot_addr[s]),
      .add_val_o  (slot_val[s])
    );
  end

  localparam int unsigned Last = Multipliers - 1;
  assign pop_o = g_slot[Last].pop_out;
  assign rows_done_o = g_slot[Last].rows_out;
  assign slots_o = g_slot[Last].slots_out;
  assign macs_o = g_slot[Last].macs_out;
  assign id_ok_o = g_slot[Last].id_ok_out;
  assign walk_d = run_i ? g_slot[Last].w_out : walk_q;

  logic unused_walk;  // the walk's end state: its last row and whether it stopped
  assign unused_walk = ^{g_slot[Last].r_out, g_slot[Last].stop_out};

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
