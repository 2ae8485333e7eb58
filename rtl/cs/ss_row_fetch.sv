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

  // The walk: one ss_row_step per step, each continuing where the one before stopped.
  ss_pkg::walk_t w0;
  assign w0 = start_i ? ss_pkg::WalkInit : walk_q;

  for (genvar s = 0; s < Steps; s++) begin : g_step
    ss_pkg::walk_t w_in, w_out;
    logic stop_in, stop_out;
    logic [CntW-1:0] count_in, count_out;
    logic [GlbLanes*32-1:0] addr_in, addr_out;
    logic [GlbLanes-1:0] id_in, id_out;
    logic [InAw-1:0] ring_slot;
    ss_pkg::in_desc_t ring_desc;

    if (s == 0) begin : g_first
      assign w_in = w0;
      assign stop_in = !en_i;
      assign count_in = '0;
      assign addr_in = '0;
      assign id_in = '0;
    end else begin : g_next
      assign w_in = g_step[s-1].w_out;
      assign stop_in = g_step[s-1].stop_out;
      assign count_in = g_step[s-1].count_out;
      assign addr_in = g_step[s-1].addr_out;
      assign id_in = g_step[s-1].id_out;
    end

    assign ring_desc = ring_q[ring_slot];

    ss_row_step #(
      .GlbLanes (GlbLanes),
      .WordBytes(WordBytes),
      .InDepth  (InDepth)
    ) u_step (
      .geom_i     (geom_i),
      .budget_i   (budget_i),
      .admitted_i (admitted_i),
      .ring_slot_o(ring_slot),
      .ring_desc_i(ring_desc),
      .w_i        (w_in),
      .stop_i     (stop_in),
      .count_i    (count_in),
      .addr_i     (addr_in),
      .id_i       (id_in),
      .w_o        (w_out),
      .stop_o     (stop_out),
      .count_o    (count_out),
      .addr_o     (addr_out),
      .id_o       (id_out)
    );
  end

  localparam int unsigned Last = Steps - 1;
  assign count_o = g_step[Last].count_out;
  assign addr_o = g_step[Last].addr_out;
  assign id_o = g_step[Last].id_out;
  assign exhausted_o = !g_step[Last].stop_out;
  assign walk_d = g_step[Last].w_out;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) walk_q <= ss_pkg::WalkInit;
    else walk_q <= walk_d;
  end

  always_ff @(posedge clk_i) begin
    if (push_i) ring_q[push_slot_i] <= push_desc_i;
  end
  assign front_o = ring_q[front_slot_i];

endmodule
