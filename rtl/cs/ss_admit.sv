// Decode and admission of sparse_accum (the model's Admit and Decode). The row buffer holds the
// rows admitted (their words requested) and not yet MAC'd; a row of `groups` products is
// admitted while the buffer then holds at most RowBufProducts products, or any row when it is
// empty, i.e. while it holds fewer than max(1, RowBufProducts / groups) rows. The newest input's
// remaining rows are admitted first; when all are, the offset generator decodes the next record
// (one per cycle) and its rows are admitted in the same cycle.
module ss_admit #(
  parameter int unsigned RowBufProducts = 768,
  parameter int unsigned InDepth        = 1024,  // input ring (power of two)
  localparam int unsigned InAw          = $clog2(InDepth)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              start_i,       // a command is accepted
  input  logic              en_i,          // the fetch stages run
  input  ss_pkg::conv_t     conv_i,
  // The next record from list fetch.
  input  logic              rec_valid_i,
  input  logic [23:0]       rec_i,
  output logic              rec_take_o,    // decoded this cycle
  output logic              rec_in_map_o,  // its index lies in the map (asserted)
  // The MAC this cycle.
  input  logic              mac_pop_i,
  input  logic [31:0]       mac_rows_done_i,
  // The input ring (kept by row fetch) and the rows admitted.
  output logic              push_o,
  output logic [InAw-1:0]   push_slot_o,
  output ss_pkg::in_desc_t  push_desc_o,
  output logic [InAw-1:0]   front_slot_o,
  output logic              front_valid_o,  // an input is in the ring
  output logic              empty_o,        // none after this cycle's MAC
  output logic [31:0]       admitted_o,     // rows admitted before this cycle
  output logic [31:0]       admits_o        // rows admitted this cycle
);

  typedef struct packed {
    logic        open;      // the newest input has rows not admitted (admit_row_ != kNone)
    logic [31:0] row;       // its rows admitted
    logic [31:0] rows;      // its rows
    logic [31:0] buffered;  // rows in the buffer
    logic [31:0] admitted;  // rows admitted in the command
    logic [31:0] head;      // inputs popped by the MAC
    logic [31:0] tail;      // inputs pushed
  } state_t;

  state_t st_q, st_d, st;
  ss_pkg::in_desc_t desc;
  logic [31:0] rows_new, cap;

  assign st = start_i ? '0 : st_q;

  ss_offset_gen u_offset_gen (
    .conv_i  (conv_i),
    .rec_i   (rec_i),
    .desc_o  (desc),
    .rows_o  (rows_new),
    .in_map_o(rec_in_map_o)
  );

  // Rows the buffer holds at most.
  assign cap = conv_i.groups > RowBufProducts || conv_i.groups == 0 ? 32'd1 :
               RowBufProducts / conv_i.groups;

  function automatic logic [31:0] room(logic [31:0] buffered);
    room = buffered < cap ? cap - buffered : '0;
  endfunction

  function automatic logic [31:0] min32(logic [31:0] a, logic [31:0] b);
    min32 = a < b ? a : b;
  endfunction

  always_comb begin
    logic [31:0] buffered, n1, n2, n1_all, n2_all;
    st_d = st;
    buffered = st.buffered - mac_rows_done_i;
    n1 = '0;
    n2 = '0;
    // The calls outside the conditions: yosys 0.23 makes a latch of a call under one.
    n1_all = min32(st.rows - st.row, room(buffered));
    if (en_i && st.open) begin
      n1 = n1_all;
      st_d.row = st.row + n1;
      st_d.open = st_d.row != st.rows;
    end
    rec_take_o = en_i && !st_d.open && rec_valid_i;
    push_o = rec_take_o && rows_new != 0;
    n2_all = min32(rows_new, room(buffered + n1));
    if (push_o) begin
      n2 = n2_all;
      st_d.rows = rows_new;
      st_d.row = n2;
      st_d.open = n2 != rows_new;
      st_d.tail = st.tail + 1;
    end
    st_d.buffered = buffered + n1 + n2;
    st_d.admitted = st.admitted + n1 + n2;
    st_d.head = st.head + 32'(mac_pop_i);
    admits_o = n1 + n2;
  end

  assign push_slot_o = InAw'(st.tail);
  assign push_desc_o = desc;
  assign front_slot_o = InAw'(st.head);
  assign front_valid_o = st.tail != st.head;
  assign empty_o = st.tail == st.head + 32'(mac_pop_i);
  assign admitted_o = st.admitted;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) st_q <= '0;
    else st_q <= st_d;
  end

endmodule
