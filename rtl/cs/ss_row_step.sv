// One step of ss_row_fetch's walk: the row the walker is at, loaded from the input ring if it is
// an input's first, and its next read if the budget allows, or the row passed when it has no more
// reads. ss_row_fetch chains Steps of these, each taking the walk state the one before leaves, so
// that synthesis builds one step and instances it. The step reads the input ring through
// ss_row_fetch (ring_slot_o out, the descriptor back).
module ss_row_step #(
  parameter int unsigned GlbLanes  = 16,
  parameter int unsigned WordBytes = 8,
  parameter int unsigned InDepth   = 1024,
  localparam int unsigned CntW     = $clog2(GlbLanes + 1),
  localparam int unsigned IdxW     = $clog2(GlbLanes),
  localparam int unsigned WordLog2 = $clog2(WordBytes),
  localparam int unsigned InAw     = $clog2(InDepth)
) (
  input  ss_pkg::walk_geom_t       geom_i,
  input  logic [CntW-1:0]          budget_i,
  input  logic [31:0]              admitted_i,
  output logic [InAw-1:0]          ring_slot_o,
  input  ss_pkg::in_desc_t         ring_desc_i,
  // The walk before this step, and after it.
  input  ss_pkg::walk_t            w_i,
  input  logic                     stop_i,
  input  logic [CntW-1:0]          count_i,
  input  logic [GlbLanes*32-1:0]   addr_i,
  input  logic [GlbLanes-1:0]      id_i,
  output ss_pkg::walk_t            w_o,
  output logic                     stop_o,
  output logic [CntW-1:0]          count_o,
  output logic [GlbLanes*32-1:0]   addr_o,
  output logic [GlbLanes-1:0]      id_o
);

  // Inlined into its parent. As a module of its own, every instance's object got from Verilator
  // 5.006 the temporaries of all the instances' functions, and constructing the 256 MAC steps
  // took a quarter of a short run.
  /*verilator inline_module*/

  assign ring_slot_o = InAw'(w_i.in_ptr);

  // Module variables: yosys 0.23 reads no struct declared in a procedural block.
  ss_pkg::walk_t w;
  ss_pkg::row_info_t r;

  // A step after the walk stopped, or at a row not admitted yet, passes the walk on unchanged;
  // the work is under that condition so that the Verilated step skips it (most of a cycle's
  // steps come after the stop).
  always_comb begin
    logic [31:0] total;
    logic stop;
    total = '0;
    w = w_i;
    r = '0;
    stop = 1'b1;
    count_o = count_i;
    addr_o = addr_i;
    id_o = id_i;
    if (!stop_i && w_i.row_seq < admitted_i) begin
      stop = 1'b0;
      if (w.fresh) begin
        w = ss_pkg::walk_load(w.in_ptr, w.row_seq, ring_desc_i.value, ring_desc_i.nky,
                              ring_desc_i.nkx, ring_desc_i.lo, ring_desc_i.pix, w.rd);
      end
      r = ss_pkg::row_info(w.iy == 0 && w.ix == 0, w.lo, w.rd.reads, w.rd.v_word,
                           w.rd.id_word, w.rd.v_pos, w.rd.id_pos, geom_i.row.groups,
                           geom_i.row.id_delta, geom_i.row.ids, WordLog2);
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
      if (!stop && w.j == total) begin
        w = ss_pkg::walk_next(w.fresh, w.in_ptr, w.row_seq, w.value, w.nky, w.nkx, w.iy, w.ix,
                              w.lo, w.lo_rs, w.pix, w.pix_rs, geom_i.step.x, geom_i.step.y,
                              geom_i.step.wo, r.next);
      end
    end
    stop_o = stop;
    w_o = w;
  end

  logic unused_positions;  // row fetch issues by address; positions are for the MAC
  assign unused_positions = ^{r.through, r.vpos0, r.vpos1, r.ipos0, r.ipos1};

endmodule
