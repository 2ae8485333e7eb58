// Sparse-sparse accumulate unit: the RTL twin of model/cs/sparse_accum.h (read its header for the
// function, latency and throughput; this block reproduces its Tick cycle for cycle).
//
// One command at a time. The cycle that accepts a command already runs the fetch stages on it.
// Per cycle of the accumulate phase, in the model's order: all visible GLB responses are taken
// (ss_resp_route); the MAC runs on the front input (ss_mac, ss_acc_sram); if every record is
// decoded and every input MAC'd the drain starts (next cycle); else list words are requested
// (ss_list_fetch), then row words with the request slots left (ss_row_fetch), then rows are
// admitted and the next record decoded (ss_admit, ss_offset_gen). In the drain phase ss_drain
// writes the outputs; when every write is acknowledged the command's index goes on `done`.
//
// Ports (links of the model): cmd (SsCmd fields), done (the finished command's index), and one
// GLB port: glb_req (up to GlbLanes requests a cycle into glb_req_space_i free slots; tag 0, as
// the model's) and glb_resp (all glb_resp_avail_i visible responses taken every cycle; the unit
// needs no tag, responses come in request order).
// Limits beyond the model's own command checks: groups <= Accumulators (the row-word buffer is
// sized for it), out_elem_bytes 1 or 4, and the GLB port's request plus response link slots
// <= 4 * GlbLanes (the reads in flight the response router tracks).
module sparse_accum #(
  parameter int unsigned Multipliers  = 256,   // cs.lanes * cs.engines
  parameter int unsigned Accumulators = 8192,  // cs.accumulators (power of two)
  parameter int unsigned MaxN         = 32,    // cs.max_n
  parameter int unsigned GlbLanes     = 16,    // cs.ss_glb_words
  parameter int unsigned PpuLanes     = 16,    // ppu.lanes
  parameter int unsigned WordBytes    = 8,     // glb.bank_width_bytes (power of two)
  localparam int unsigned CntW        = $clog2(GlbLanes + 1),
  localparam int unsigned IdxW        = $clog2(GlbLanes),
  localparam int unsigned SlotW       = $clog2(Multipliers + 1),
  // The model's RowBufferProducts(): two MAC cycles plus four cycles of the port's read rate.
  localparam int unsigned RowBufProducts = 2 * Multipliers + 2 * GlbLanes * WordBytes,
  // Inputs in flight: at most one per buffered row, plus the newest.
  localparam int unsigned InDepth     = 2 ** $clog2(RowBufProducts + 2),
  // Row words in flight: per kind at most RowBufProducts (one-byte rows) or one row of
  // Accumulators groups, plus the words the front row shares with rows before it.
  localparam int unsigned RowWordsMax =
      RowBufProducts > (Accumulators + 2 * WordBytes - 2) / WordBytes ?
      RowBufProducts : (Accumulators + 2 * WordBytes - 2) / WordBytes,
  localparam int unsigned RingDepth   = 2 ** $clog2(2 * RowWordsMax + 2 * WordBytes + 1),
  localparam int unsigned PendDepth   = 2 ** $clog2(4 * GlbLanes)
) (
  input  logic                                    clk_i,
  input  logic                                    rst_ni,
  // cmd
  input  logic                                    cmd_valid_i,
  output logic                                    cmd_ready_o,
  input  logic [31:0]                             cmd_list_base_i,
  input  logic [31:0]                             cmd_actives_i,
  input  logic [31:0]                             cmd_c_i,
  input  logic [31:0]                             cmd_h_i,
  input  logic [31:0]                             cmd_w_i,
  input  logic [31:0]                             cmd_kh_i,
  input  logic [31:0]                             cmd_kw_i,
  input  logic [31:0]                             cmd_stride_i,
  input  logic [31:0]                             cmd_pad_i,
  input  logic [31:0]                             cmd_ho_i,
  input  logic [31:0]                             cmd_wo_i,
  input  logic [31:0]                             cmd_w_base_i,
  input  logic [31:0]                             cmd_id_base_i,
  input  logic                                    cmd_channel_major_i,
  input  logic [31:0]                             cmd_groups_i,
  input  logic [31:0]                             cmd_n_i,
  input  logic [31:0]                             cmd_channels_i,
  input  logic [31:0]                             cmd_out_base_i,
  input  logic                                    cmd_requant_i,
  input  logic [31:0]                             cmd_shift_i,
  input  logic                                    cmd_relu_i,
  input  logic [31:0]                             cmd_out_elem_bytes_i,
  // glb_req
  input  logic [CntW-1:0]                         glb_req_space_i,
  output logic [CntW-1:0]                         glb_req_count_o,
  // Per-lane fields flattened, lane i at [Width*i +: Width] (yosys 0.23 reads no
  // multi-dimensional packed array; Verilator gives the same port type and bit layout).
  output logic [GlbLanes*32-1:0]                  glb_req_addr_o,
  output logic [GlbLanes-1:0]                     glb_req_write_o,
  output logic [GlbLanes*WordBytes-1:0]           glb_req_mask_o,
  output logic [GlbLanes*32-1:0]                  glb_req_tag_o,
  output logic [GlbLanes*3-1:0]                   glb_req_data_type_o,
  output logic [GlbLanes*WordBytes*8-1:0]         glb_req_data_o,
  // glb_resp
  input  logic [CntW-1:0]                         glb_resp_avail_i,
  input  logic [GlbLanes-1:0]                     glb_resp_write_i,
  input  logic [GlbLanes*WordBytes*8-1:0]         glb_resp_data_i,
  output logic [CntW-1:0]                         glb_resp_taken_o,
  // done
  output logic                                    done_valid_o,
  input  logic                                    done_ready_i,
  output logic [31:0]                             done_index_o,
  output logic                                    busy_o,
  output logic [sparse_accum_counters_pkg::NumCounters*64-1:0] cnt_o  // counter i at [64*i +: 64]
);

  localparam int unsigned AccAw = $clog2(Accumulators);
  localparam int unsigned DrainPorts = GlbLanes * WordBytes;

  // Command and phase.
  ss_pkg::cmd_t cmd_in, cmd_q, c;
  logic active_q, active_d, draining_q, draining_d;
  logic accept, acc_phase, drain_phase, start_drain, fetch_en, done_fire;
  logic [31:0] index_q, index_d, outputs;
  ss_pkg::walk_geom_t geom;
  ss_pkg::conv_t conv;

  // Structs by concatenation in member order (yosys 0.23 reads no assignment pattern).
  assign cmd_in = {
    cmd_list_base_i,
    cmd_actives_i,
    cmd_c_i,
    cmd_h_i,
    cmd_w_i,
    cmd_kh_i,
    cmd_kw_i,
    cmd_stride_i,
    cmd_pad_i,
    cmd_ho_i,
    cmd_wo_i,
    cmd_w_base_i,
    cmd_id_base_i,
    cmd_channel_major_i,
    cmd_groups_i,
    cmd_n_i,
    cmd_channels_i,
    cmd_out_base_i,
    cmd_requant_i,
    cmd_shift_i,
    cmd_relu_i,
    cmd_out_elem_bytes_i
  };

  assign accept = !active_q && cmd_valid_i;
  assign cmd_ready_o = !active_q;
  assign c = accept ? cmd_in : cmd_q;
  assign acc_phase = accept || (active_q && !draining_q);
  assign drain_phase = active_q && draining_q;
  assign outputs = c.ho * c.wo * c.channels;

  assign geom.row.groups = c.groups;
  assign geom.row.id_delta = c.id_base - c.w_base;
  assign geom.row.ids = c.n != 1;
  assign geom.step.x = c.stride * (c.channel_major ? 32'd1 : c.c) * c.groups;
  assign geom.step.y = c.stride * (c.channel_major ? c.kw : c.kw * c.c) * c.groups;
  assign geom.step.wo = c.wo;

  assign conv.c = c.c;
  assign conv.h = c.h;
  assign conv.w = c.w;
  assign conv.kh = c.kh;
  assign conv.kw = c.kw;
  assign conv.stride = c.stride;
  assign conv.pad = c.pad;
  assign conv.ho = c.ho;
  assign conv.wo = c.wo;
  assign conv.w_base = c.w_base;
  assign conv.channel_major = c.channel_major;
  assign conv.groups = c.groups;

  // Responses.
  logic [CntW-1:0] list_count, row_count, read_count, lresp_count, rresp_count, ack_count;
  logic [GlbLanes*WordBytes*8-1:0] lresp_data, rresp_data;
  logic pend_fits;

  assign read_count = list_count + row_count;

  ss_resp_route #(
    .GlbLanes (GlbLanes),
    .WordBytes(WordBytes),
    .Depth    (PendDepth)
  ) u_resp_route (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .avail_i     (glb_resp_avail_i),
    .write_i     (glb_resp_write_i),
    .data_i      (glb_resp_data_i),
    .taken_o     (glb_resp_taken_o),
    .read_count_i(read_count),
    .list_count_i(list_count),
    .list_count_o(lresp_count),
    .list_data_o (lresp_data),
    .row_count_o (rresp_count),
    .row_data_o  (rresp_data),
    .ack_count_o (ack_count),
    .fits_o      (pend_fits)
  );

  // MAC and accumulators.
  logic [31:0] admitted, rows_done;
  logic front_valid, mac_pop, id_ok, ring_ok;
  ss_pkg::in_desc_t front;
  logic [SlotW-1:0] slots, macs;
  logic [Multipliers-1:0] add_en;
  logic [Multipliers*AccAw-1:0] add_addr;
  logic [Multipliers*32-1:0] add_val;
  logic [DrainPorts*AccAw-1:0] rd_addr;
  logic [DrainPorts*32-1:0] rd_data;

  ss_mac #(
    .Multipliers (Multipliers),
    .GlbLanes    (GlbLanes),
    .WordBytes   (WordBytes),
    .Accumulators(Accumulators),
    .RingDepth   (RingDepth)
  ) u_mac (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .start_i      (accept),
    .run_i        (acc_phase),
    .geom_i       (geom),
    .n_i          (c.n),
    .channels_i   (c.channels),
    .admitted_i   (admitted),
    .front_valid_i(front_valid),
    .front_i      (front),
    .resp_count_i (rresp_count),
    .resp_data_i  (rresp_data),
    .add_en_o     (add_en),
    .add_addr_o   (add_addr),
    .add_val_o    (add_val),
    .pop_o        (mac_pop),
    .rows_done_o  (rows_done),
    .slots_o      (slots),
    .macs_o       (macs),
    .ring_ok_o    (ring_ok),
    .id_ok_o      (id_ok)
  );

  ss_acc_sram #(
    .Entries (Accumulators),
    .AddPorts(Multipliers),
    .RdPorts (DrainPorts)
  ) u_acc_sram (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .clear_i   (accept),
    .add_en_i  (add_en),
    .add_addr_i(add_addr),
    .add_val_i (add_val),
    .rd_addr_i (rd_addr),
    .rd_data_o (rd_data)
  );

  // The drain starts after the MAC that empties the last input (or at once without inputs).
  logic all_decoded, inputs_empty;
  assign start_drain = acc_phase && all_decoded && inputs_empty;
  assign fetch_en = acc_phase && !start_drain;

  // List fetch, then row fetch with the request slots left, then admission and decode.
  logic [CntW-1:0] space, row_budget;
  logic [31:0] list_addr;
  logic rec_valid, rec_take, rec_in_map, push, row_exhausted;
  logic [23:0] rec;
  logic [31:0] admits;
  logic [$clog2(InDepth)-1:0] push_slot, front_slot;
  ss_pkg::in_desc_t push_desc;
  logic [GlbLanes*32-1:0] row_addr;
  logic [GlbLanes-1:0] row_id;

  assign space = glb_req_space_i < CntW'(GlbLanes) ? glb_req_space_i : CntW'(GlbLanes);
  assign row_budget = space - list_count;

  ss_list_fetch #(
    .GlbLanes (GlbLanes),
    .WordBytes(WordBytes)
  ) u_list_fetch (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .start_i      (accept),
    .en_i         (fetch_en),
    .list_base_i  (c.list_base),
    .actives_i    (c.actives),
    .space_i      (space),
    .resp_count_i (lresp_count),
    .resp_data_i  (lresp_data),
    .count_o      (list_count),
    .next_addr_o  (list_addr),
    .rec_valid_o  (rec_valid),
    .rec_o        (rec),
    .rec_take_i   (rec_take),
    .all_decoded_o(all_decoded)
  );

  ss_row_fetch #(
    .GlbLanes (GlbLanes),
    .WordBytes(WordBytes),
    .InDepth  (InDepth)
  ) u_row_fetch (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .start_i    (accept),
    .en_i       (fetch_en),
    .geom_i     (geom),
    .budget_i   (row_budget),
    .admitted_i (admitted),
    .push_i     (push),
    .push_slot_i (push_slot),
    .push_desc_i (push_desc),
    .front_slot_i(front_slot),
    .front_o    (front),
    .count_o    (row_count),
    .addr_o     (row_addr),
    .id_o       (row_id),
    .exhausted_o(row_exhausted)
  );

  ss_admit #(
    .RowBufProducts(RowBufProducts),
    .InDepth       (InDepth)
  ) u_admit (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .start_i        (accept),
    .en_i           (fetch_en),
    .conv_i         (conv),
    .rec_valid_i    (rec_valid),
    .rec_i          (rec),
    .rec_take_o     (rec_take),
    .rec_in_map_o   (rec_in_map),
    .mac_pop_i      (mac_pop),
    .mac_rows_done_i(rows_done),
    .push_o         (push),
    .push_slot_o    (push_slot),
    .push_desc_o    (push_desc),
    .front_slot_o   (front_slot),
    .front_valid_o  (front_valid),
    .empty_o        (inputs_empty),
    .admitted_o     (admitted),
    .admits_o       (admits)
  );

  // Drain.
  logic [CntW-1:0] write_count;
  logic [31:0] write_addr, drains;
  logic [GlbLanes*WordBytes-1:0] write_mask;
  logic [GlbLanes*WordBytes*8-1:0] write_data;
  logic drain_done;

  ss_drain #(
    .GlbLanes    (GlbLanes),
    .WordBytes   (WordBytes),
    .PpuLanes    (PpuLanes),
    .Accumulators(Accumulators)
  ) u_drain (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .start_i     (start_drain),
    .run_i       (drain_phase),
    .out_base_i  (c.out_base),
    .outputs_i   (outputs),
    .int8_i      (c.out_elem_bytes == 1),
    .requant_i   (c.requant),
    .shift_i     (c.shift),
    .relu_i      (c.relu),
    .space_i     (space),
    .ack_count_i (ack_count),
    .count_o     (write_count),
    .first_addr_o(write_addr),
    .mask_o      (write_mask),
    .data_o      (write_data),
    .rd_addr_o   (rd_addr),
    .rd_data_i   (rd_data),
    .drains_o    (drains),
    .done_o      (drain_done)
  );

  // GLB requests: drain writes, or list reads then row reads.
  always_comb begin
    glb_req_count_o = drain_phase ? write_count : read_count;
    glb_req_addr_o = '0;
    glb_req_write_o = '0;
    glb_req_mask_o = '0;
    glb_req_data_type_o = '0;
    glb_req_data_o = '0;
    for (int unsigned i = 0; i < GlbLanes; i++) begin
      if (CntW'(i) < glb_req_count_o) begin
        if (drain_phase) begin
          glb_req_addr_o[32*i+:32] = write_addr + i * WordBytes;
          glb_req_write_o[i] = 1'b1;
          glb_req_mask_o[WordBytes*i+:WordBytes] = write_mask[WordBytes*i+:WordBytes];
          glb_req_data_type_o[3*i+:3] = ss_pkg::DtOutput;
          glb_req_data_o[WordBytes*8*i+:WordBytes*8] = write_data[WordBytes*8*i+:WordBytes*8];
        end else if (CntW'(i) < list_count) begin
          glb_req_addr_o[32*i+:32] = list_addr + i * WordBytes;
          glb_req_data_type_o[3*i+:3] = ss_pkg::DtActList;
        end else begin
          glb_req_addr_o[32*i+:32] = row_addr[32*IdxW'(CntW'(i) - list_count)+:32];
          glb_req_data_type_o[3*i+:3] = row_id[IdxW'(CntW'(i) - list_count)] ?
                                        ss_pkg::DtKernelId : ss_pkg::DtWeight;
        end
      end
    end
  end

  assign glb_req_tag_o = '0;

  // Done, and the phase.
  assign done_valid_o = drain_done;
  assign done_index_o = index_q;
  assign done_fire = drain_done && done_ready_i;
  assign index_d = index_q + 32'(done_fire);
  assign active_d = accept || (active_q && !done_fire);
  assign draining_d = (start_drain || draining_q) && !done_fire;
  assign busy_o = active_q;

  // Counters.
  // The counter indices (yosys 0.23 reads no package import).
  localparam int unsigned CntMacs = sparse_accum_counters_pkg::CntMacs;
  localparam int unsigned CntGated = sparse_accum_counters_pkg::CntGated;
  localparam int unsigned CntSkipped = sparse_accum_counters_pkg::CntSkipped;
  localparam int unsigned CntIdReads = sparse_accum_counters_pkg::CntIdReads;
  localparam int unsigned CntUpdates = sparse_accum_counters_pkg::CntUpdates;
  localparam int unsigned CntDrains = sparse_accum_counters_pkg::CntDrains;
  localparam int unsigned CntListReads = sparse_accum_counters_pkg::CntListReads;
  localparam int unsigned CntRowReads = sparse_accum_counters_pkg::CntRowReads;
  logic [63:0] busy_q, busy_d, dense;
  logic [sparse_accum_counters_pkg::NumCounters*64-1:0] cnt_q, cnt_d;

  assign busy_d = (accept ? '0 : busy_q) + 64'(slots);
  assign dense = 64'(c.ho) * 64'(c.wo) * 64'(c.channels) * 64'(c.c) * 64'(c.kh) * 64'(c.kw);

  always_comb begin
    cnt_d = cnt_q;
    cnt_d[64*CntMacs+:64] = cnt_q[64*CntMacs+:64] + 64'(macs);
    cnt_d[64*CntGated+:64] = cnt_q[64*CntGated+:64] + 64'(slots) - 64'(macs);
    cnt_d[64*CntIdReads+:64] =
        cnt_q[64*CntIdReads+:64] + 64'(slots) * 64'(ss_pkg::ceil_log2(c.n));
    cnt_d[64*CntUpdates+:64] = cnt_q[64*CntUpdates+:64] + 64'(macs);
    cnt_d[64*CntListReads+:64] = cnt_q[64*CntListReads+:64] + 64'(rec_take);
    cnt_d[64*CntRowReads+:64] = cnt_q[64*CntRowReads+:64] + 64'(admits);
    cnt_d[64*CntDrains+:64] = cnt_q[64*CntDrains+:64] + 64'(drains);
    if (start_drain && dense > busy_d) begin
      cnt_d[64*CntSkipped+:64] = cnt_q[64*CntSkipped+:64] + dense - busy_d;
    end
  end
  assign cnt_o = cnt_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cmd_q <= '0;
      active_q <= 1'b0;
      draining_q <= 1'b0;
      index_q <= '0;
      busy_q <= '0;
      cnt_q <= '0;
    end else begin
      cmd_q <= c;
      active_q <= active_d;
      draining_q <= draining_d;
      index_q <= index_d;
      busy_q <= busy_d;
      cnt_q <= cnt_d;
    end
  end

`ifndef SYNTHESIS
  // The model's command checks (SimError there), and this block's own limits.
  CmdFits: assert property (@(posedge clk_i)
      !accept || (outputs <= Accumulators && c.n >= 1 && c.n <= MaxN && c.groups >= 1 &&
                  c.groups <= Accumulators && c.channels >= 1 && c.channels <= c.groups * c.n &&
                  c.stride >= 1 && (c.out_elem_bytes == 1 || c.out_elem_bytes == 4)));
  RecInMap: assert property (@(posedge clk_i) !rec_take || rec_in_map);
  KernelIdsInRange: assert property (@(posedge clk_i) id_ok);
  RowWalkBounded: assert property (@(posedge clk_i) !row_exhausted);
  RowWordsFit: assert property (@(posedge clk_i) ring_ok);
  ReadsInFlightFit: assert property (@(posedge clk_i) pend_fits);
  ResponsesExpected: assert property (@(posedge clk_i)
      32'(lresp_count) + 32'(rresp_count) == 0 || active_q);
`endif

endmodule
