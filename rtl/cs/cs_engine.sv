// CS engine: sparse weights x dense activations with complementary sparsity, the RTL twin of
// model/cs/cs_engine.h (the specification; its header comment gives the pass protocol, latency
// and counters). Lanes rows of multipliers by Engines group engines (cs_group_engine); engine e
// holds one combined kernel as a value and a kernel ID per entry.
//
// Passes (cmd): up to WeightBuffers accepted passes, in a ring whose slot index is the pass's
// weight bank (the model hands banks out round robin and retires passes in order). The oldest
// pass computes once loaded; the oldest pass not yet loaded takes one weight beat and, if n > 1,
// one id beat per cycle (both or neither), also in the cycle it is accepted. A pass that is
// computing sees its bank as it was at the start of the cycle, so it starts the cycle after its
// last entry is written.
// Compute (in): one input beat per cycle while the head pass is loaded; beat j of a pixel
// multiplies entry j. The beat that completes a pixel also needs a place for the pixel's sums:
// at most Depth = 1 + RouteLatency + AdderLatency pixels are between their last beat and the out
// link (counting the one that leaves this cycle as gone), so a full out link stalls it.
// Pipeline: multiply (1) + route (RouteLatency) + adder trees (AdderLatency, the last stage
// accumulating) cycles, never stalling; a tag pipeline beside it carries each beat's pixel
// bookkeeping. A pixel's last beat writes its sums, packed as sum e*n + j = accumulator j of
// engine e, into the output FIFO at the end of cycle t + Depth - 1 (t: the cycle it was
// consumed); they leave in order from cycle t + Depth when out is ready.
// busy_o: a beat is in the pipeline, or a sum can leave now.
// cnt_o: the action counters of rtl/cs/cs_engine.counters, updated in the cycle of the action.
module cs_engine #(
  parameter int unsigned Lanes           = 16,
  parameter int unsigned Engines         = 16,
  parameter int unsigned MaxN            = 32,
  parameter int unsigned WeightRfEntries = 256,
  parameter int unsigned WeightBuffers   = 2,
  parameter int unsigned RouteLatency    = 4,
  parameter int unsigned AdderLatency    = 4,
  // Derived: do not override.
  parameter int unsigned KpMax  = WeightRfEntries / WeightBuffers,
  parameter int unsigned RowsW  = $clog2(Lanes + 1),
  parameter int unsigned ColsW  = $clog2(Engines + 1),
  parameter int unsigned KpW    = $clog2(KpMax + 1),
  parameter int unsigned NW     = $clog2(MaxN + 1),
  parameter int unsigned Slots  = Engines * MaxN,
  parameter int unsigned SlotsW = $clog2(Slots + 1)
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  // cmd: ArrayCmd (weight-stationary; the fields the engine uses).
  input  logic                         cmd_valid_i,
  output logic                         cmd_ready_o,
  input  logic [RowsW-1:0]             cmd_rows_used_i,
  input  logic [ColsW-1:0]             cmd_cols_used_i,
  input  logic [63:0]                  cmd_k0_i,
  input  logic [63:0]                  cmd_k_i,
  input  logic [KpW-1:0]               cmd_kp_i,
  input  logic [63:0]                  cmd_pixels_i,
  input  logic [NW-1:0]                cmd_n_i,
  input  logic [SlotsW-1:0]            cmd_out_cols_i,
  // in: one activation per lane.
  input  logic                         in_valid_i,
  output logic                         in_ready_o,
  input  logic [Lanes*8-1:0]           in_v_i,    // lane r at [r * 8 +: 8]
  // weight: one combined-kernel value per engine.
  input  logic                         weight_valid_i,
  output logic                         weight_ready_o,
  input  logic [Engines*8-1:0]         weight_v_i,  // engine e at [e * 8 +: 8]
  // id: one kernel ID byte per engine.
  input  logic                         id_valid_i,
  output logic                         id_ready_o,
  input  logic [Engines*8-1:0]         id_v_i,
  // out: SumBeat; out_cols_o of the slots are valid.
  output logic                         out_valid_o,
  input  logic                         out_ready_i,
  output logic [63:0]                  out_pixel_o,
  output logic [SlotsW-1:0]            out_cols_o,
  output logic [Slots*32-1:0]          out_v_o,  // slot o at [o * 32 +: 32]
  // Common.
  output logic                         busy_o,
  output logic [cs_engine_counters_pkg::NumCounters*64-1:0] cnt_o  // counter i at [i * 64 +: 64]
);

  localparam int unsigned Buffers = WeightBuffers;
  localparam int unsigned Depth   = 1 + RouteLatency + AdderLatency;
  localparam int unsigned IdW     = (MaxN > 1) ? $clog2(MaxN) : 1;
  localparam int unsigned AddrW   = (Buffers * KpMax > 1) ? $clog2(Buffers * KpMax) : 1;
  localparam int unsigned LaneW   = (Lanes > 1) ? $clog2(Lanes) : 1;
  localparam int unsigned BufW    = (Buffers > 1) ? $clog2(Buffers) : 1;
  localparam int unsigned BufCntW = $clog2(Buffers + 1);
  localparam int unsigned DepthW  = $clog2(Depth + 1);
  localparam int unsigned PtrW    = $clog2(Depth);
  localparam int unsigned MacsW   = $clog2(Lanes + 1);
  localparam int unsigned TreesW  = $clog2(MaxN + 1);
  // Butterfly stages a product passes, for the hop count: max(1, ceil(log2 Lanes)).
  localparam int unsigned RouteStages = (Lanes > 2) ? $clog2(Lanes) : 1;
  localparam int unsigned NumCounters = cs_engine_counters_pkg::NumCounters;

  // ---------------------------------------------------------------------------------------------
  // Pass ring: slot b holds the pass that uses weight bank b.
  logic [RowsW-1:0]            slot_rows_q     [Buffers];
  logic [ColsW-1:0]            slot_cols_q     [Buffers];
  logic [KpW-1:0]              slot_kp_q       [Buffers];
  logic [63:0]                 slot_pixels_q   [Buffers];
  logic [NW-1:0]               slot_n_q        [Buffers];
  logic [SlotsW-1:0]           slot_out_cols_q [Buffers];
  logic [Lanes*KpW-1:0]        slot_kp_eff_q   [Buffers];  // valid entries per lane
  logic [BufW-1:0]             head_q, head_d;    // computing pass (the oldest)
  logic [BufCntW-1:0]          passes_q, passes_d;  // accepted passes
  logic [BufCntW-1:0]          loaded_q, loaded_d;  // of them fully loaded (a prefix from head)

  // (a + b) mod Buffers for a < Buffers, b <= Buffers.
  function automatic logic [BufW-1:0] wrap_slot(logic [BufW-1:0] a, logic [BufCntW-1:0] b);
    logic [31:0] x;
    x = 32'(a) + 32'(b);
    wrap_slot = BufW'((x >= Buffers) ? x - Buffers : x);
  endfunction

  // Accept.
  logic            cmd_fire;
  logic [BufW-1:0] tail;
  logic [Lanes*KpW-1:0] cmd_kp_eff;

  assign cmd_ready_o = passes_q < BufCntW'(Buffers);
  assign cmd_fire    = cmd_valid_i && cmd_ready_o;
  assign tail        = wrap_slot(head_q, passes_q);

  // kp_eff[r] = clamp(k - (k0 + r * kp), 0, kp) for r < rows_used, else 0 (lane never active).
  logic signed [63:0] kp_left;
  always_comb begin
    kp_left = '0;
    for (int r = 0; r < Lanes; r++) begin
      kp_left = $signed(cmd_k_i) - $signed(cmd_k0_i) - $signed(64'(r) * 64'(cmd_kp_i));
      if (RowsW'(r) >= cmd_rows_used_i || kp_left <= 0) begin
        cmd_kp_eff[r*KpW +: KpW] = '0;
      end else if (kp_left >= $signed(64'(cmd_kp_i))) begin
        cmd_kp_eff[r*KpW +: KpW] = cmd_kp_i;
      end else begin
        cmd_kp_eff[r*KpW +: KpW] = KpW'(kp_left);
      end
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Load: the oldest accepted pass that is not loaded yet, or the one accepted this cycle.
  logic              ld_pending, ld_any, ld_ids, ld_fire, ld_row_end, ld_done;
  logic [BufW-1:0]   ld_slot;
  logic [RowsW-1:0]  ld_rows;
  logic [ColsW-1:0]  ld_cols;
  logic [KpW-1:0]    ld_kp;
  logic [NW-1:0]     ld_n;
  logic [RowsW-1:0]  ld_r_q, ld_r_d;  // lane being loaded
  logic [KpW-1:0]    ld_j_q, ld_j_d;  // entry being loaded

  assign ld_pending = loaded_q < passes_q;
  assign ld_any     = ld_pending || cmd_fire;
  assign ld_slot    = wrap_slot(head_q, loaded_q);
  assign ld_rows    = ld_pending ? slot_rows_q[ld_slot] : cmd_rows_used_i;
  assign ld_cols    = ld_pending ? slot_cols_q[ld_slot] : cmd_cols_used_i;
  assign ld_kp      = ld_pending ? slot_kp_q[ld_slot]   : cmd_kp_i;
  assign ld_n       = ld_pending ? slot_n_q[ld_slot]    : cmd_n_i;
  // A pass with n = 1 has no IDs: every product goes to tree 0.
  assign ld_ids     = ld_n > NW'(1);

  assign weight_ready_o = ld_any && (!ld_ids || id_valid_i);
  assign id_ready_o     = ld_any && ld_ids && weight_valid_i;
  assign ld_fire        = weight_valid_i && weight_ready_o;
  assign ld_row_end     = ld_j_q + KpW'(1) == ld_kp;
  assign ld_done        = ld_fire && ld_row_end && (ld_r_q + RowsW'(1) == ld_rows);

  always_comb begin
    ld_r_d = ld_r_q;
    ld_j_d = ld_j_q;
    if (ld_fire) begin
      if (ld_row_end) begin
        ld_j_d = '0;
        ld_r_d = ld_done ? '0 : ld_r_q + RowsW'(1);
      end else begin
        ld_j_d = ld_j_q + KpW'(1);
      end
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Compute: the head pass, once loaded, consumes one input beat per cycle.
  logic              head_loaded, completes, room, in_fire, last_pixel, pass_done, out_fire;
  logic [KpW-1:0]    beat_q, beat_d;    // input beats of the current pixel consumed
  logic [63:0]       pixel_q, pixel_d;  // pass-local pixel
  logic [DepthW-1:0] pending_q, pending_d;  // pixels between their last beat and the out link
  logic [Lanes-1:0]  lane_active;
  logic [ColsW-1:0]  head_cols;

  assign head_loaded = loaded_q != '0;
  assign completes   = beat_q + KpW'(1) == slot_kp_q[head_q];
  assign room        = (pending_q - DepthW'(out_fire)) < DepthW'(Depth);
  assign in_ready_o  = head_loaded && (!completes || room);
  assign in_fire     = in_valid_i && in_ready_o;
  assign last_pixel  = pixel_q + 64'd1 == slot_pixels_q[head_q];
  assign pass_done   = in_fire && completes && last_pixel;
  assign head_cols   = slot_cols_q[head_q];

  always_comb begin
    for (int r = 0; r < Lanes; r++) begin
      lane_active[r] = beat_q < slot_kp_eff_q[head_q][r*KpW +: KpW];
    end
  end

  always_comb begin
    beat_d  = beat_q;
    pixel_d = pixel_q;
    if (in_fire) begin
      if (completes) begin
        beat_d  = '0;
        pixel_d = last_pixel ? '0 : pixel_q + 64'd1;
      end else begin
        beat_d = beat_q + KpW'(1);
      end
    end
  end

  assign head_d    = pass_done ? wrap_slot(head_q, BufCntW'(1)) : head_q;
  assign passes_d  = passes_q + BufCntW'(cmd_fire) - BufCntW'(pass_done);
  assign loaded_d  = loaded_q + BufCntW'(ld_done) - BufCntW'(pass_done);
  assign pending_d = pending_q + DepthW'(in_fire && completes) - DepthW'(out_fire);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      head_q    <= '0;
      passes_q  <= '0;
      loaded_q  <= '0;
      ld_r_q    <= '0;
      ld_j_q    <= '0;
      beat_q    <= '0;
      pixel_q   <= '0;
      pending_q <= '0;
      for (int b = 0; b < Buffers; b++) begin
        slot_rows_q[b]     <= '0;
        slot_cols_q[b]     <= '0;
        slot_kp_q[b]       <= '0;
        slot_pixels_q[b]   <= '0;
        slot_n_q[b]        <= '0;
        slot_out_cols_q[b] <= '0;
        slot_kp_eff_q[b]   <= '0;
      end
    end else begin
      head_q    <= head_d;
      passes_q  <= passes_d;
      loaded_q  <= loaded_d;
      ld_r_q    <= ld_r_d;
      ld_j_q    <= ld_j_d;
      beat_q    <= beat_d;
      pixel_q   <= pixel_d;
      pending_q <= pending_d;
      if (cmd_fire) begin
        slot_rows_q[tail]     <= cmd_rows_used_i;
        slot_cols_q[tail]     <= cmd_cols_used_i;
        slot_kp_q[tail]       <= cmd_kp_i;
        slot_pixels_q[tail]   <= cmd_pixels_i;
        slot_n_q[tail]        <= cmd_n_i;
        slot_out_cols_q[tail] <= cmd_out_cols_i;
        slot_kp_eff_q[tail]   <= cmd_kp_eff;
      end
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Tag pipeline: stage s (0-based) travels with the group engines' data s + 1 cycles after the
  // beat was consumed; stage Depth - 2 is at the accumulating adder stage.
  logic              tag_valid_q [Depth-1];
  logic              tag_first_q [Depth-1];
  logic              tag_last_q  [Depth-1];
  logic [63:0]       tag_pixel_q [Depth-1];
  logic [NW-1:0]     tag_n_q     [Depth-1];
  logic [SlotsW-1:0] tag_cols_q  [Depth-1];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int s = 0; s < Depth - 1; s++) begin
        tag_valid_q[s] <= 1'b0;
        tag_first_q[s] <= 1'b0;
        tag_last_q[s]  <= 1'b0;
        tag_pixel_q[s] <= '0;
        tag_n_q[s]     <= '0;
        tag_cols_q[s]  <= '0;
      end
    end else begin
      tag_valid_q[0] <= in_fire;
      tag_first_q[0] <= beat_q == '0;
      tag_last_q[0]  <= completes;
      tag_pixel_q[0] <= pixel_q;
      tag_n_q[0]     <= slot_n_q[head_q];
      tag_cols_q[0]  <= slot_out_cols_q[head_q];
      for (int s = 1; s < Depth - 1; s++) begin
        tag_valid_q[s] <= tag_valid_q[s-1];
        tag_first_q[s] <= tag_first_q[s-1];
        tag_last_q[s]  <= tag_last_q[s-1];
        tag_pixel_q[s] <= tag_pixel_q[s-1];
        tag_n_q[s]     <= tag_n_q[s-1];
        tag_cols_q[s]  <= tag_cols_q[s-1];
      end
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Group engines.
  logic [AddrW-1:0]      wr_addr, rd_addr;
  logic [MacsW-1:0]      eng_macs  [Engines];
  logic [TreesW-1:0]     eng_trees [Engines];
  logic [MaxN*32-1:0]    eng_sum   [Engines];
  logic                  acc_en, acc_first;

  assign wr_addr   = AddrW'(32'(ld_slot) * KpMax + 32'(ld_j_q));
  assign rd_addr   = AddrW'(32'(head_q) * KpMax + 32'(beat_q));
  assign acc_en    = tag_valid_q[Depth-2];
  assign acc_first = tag_first_q[Depth-2];

  for (genvar e = 0; e < Engines; e++) begin : g_engine
    logic [IdW-1:0] wr_id;
    // The ID byte is unsigned; only IDs < n <= MaxN are legal, so IdW bits hold every used one.
    assign wr_id = ld_ids ? id_v_i[e*8 +: IdW] : '0;
    if (IdW < 8) begin : g_unused_id
      logic unused_id_hi;
      assign unused_id_hi = ^id_v_i[e*8+IdW +: 8-IdW];
    end

    cs_group_engine #(
      .Lanes       (Lanes),
      .MaxN        (MaxN),
      .KpMax       (KpMax),
      .Buffers     (Buffers),
      .RouteLatency(RouteLatency),
      .AdderLatency(AdderLatency)
    ) u_group (
      .clk_i        (clk_i),
      .rst_ni       (rst_ni),
      .wr_en_i      (ld_fire && (ColsW'(e) < ld_cols)),
      .wr_addr_i    (wr_addr),
      .wr_lane_i    (LaneW'(ld_r_q)),
      .wr_value_i   (weight_v_i[e*8 +: 8]),
      .wr_id_i      (wr_id),
      .mul_en_i     (in_fire && (ColsW'(e) < head_cols)),
      .rd_addr_i    (rd_addr),
      .lane_active_i(lane_active),
      .act_i        (in_v_i),
      .macs_o       (eng_macs[e]),
      .trees_o      (eng_trees[e]),
      .acc_en_i     (acc_en),
      .acc_first_i  (acc_first),
      .sum_o        (eng_sum[e])
    );
  end

  // ---------------------------------------------------------------------------------------------
  // Output FIFO: finished pixels, packed (slot o = accumulator o % n of engine o / n), in order.
  logic [Slots*32-1:0]   fifo_v_q     [Depth];
  logic [63:0]            fifo_pixel_q [Depth];
  logic [SlotsW-1:0]      fifo_cols_q  [Depth];
  logic [PtrW-1:0]        rd_q, rd_d, wr_q, wr_d;
  logic [DepthW-1:0]      fill_q, fill_d;
  logic                   fifo_we;
  logic [Slots*32-1:0]   packed_sums;

  function automatic logic [PtrW-1:0] next_ptr(logic [PtrW-1:0] p);
    next_ptr = (32'(p) == Depth - 1) ? '0 : p + PtrW'(1);
  endfunction

  assign fifo_we = tag_valid_q[Depth-2] && tag_last_q[Depth-2];

  // Slot o = e * n + j holds accumulator j < n of engine e; slots from out_cols on are 0. Written
  // per value of n (1..MaxN: the model and the twin refuse any other), so that each slot is a
  // MaxN-way choice among fixed wires rather than a walk whose position depends on n.
  // Every index is made of loop variables only, so that yosys, which unrolls the loops, sees
  // fixed part-selects.
  always_comb begin
    // Slot by slot: Verilator warns of a '0 replication over 8k bits.
    for (int unsigned i = 0; i < Slots; i++) packed_sums[i*32 +: 32] = '0;
    for (int unsigned n = 1; n <= MaxN; n++) begin
      if (32'(tag_n_q[Depth-2]) == n) begin
        for (int unsigned e = 0; e < Engines; e++) begin
          for (int unsigned j = 0; j < n; j++) begin
            if (e * n + j < 32'(tag_cols_q[Depth-2])) begin
              packed_sums[(e * n + j) * 32 +: 32] = eng_sum[e][j*32 +: 32];
            end
          end
        end
      end
    end
  end

  assign out_valid_o = fill_q != '0;
  assign out_fire    = out_valid_o && out_ready_i;
  assign out_v_o     = fifo_v_q[rd_q];
  assign out_pixel_o = fifo_pixel_q[rd_q];
  assign out_cols_o  = fifo_cols_q[rd_q];
  assign rd_d        = out_fire ? next_ptr(rd_q) : rd_q;
  assign wr_d        = fifo_we ? next_ptr(wr_q) : wr_q;
  assign fill_d      = fill_q + DepthW'(fifo_we) - DepthW'(out_fire);

  always_ff @(posedge clk_i) begin
    if (fifo_we) begin
      fifo_v_q[wr_q]     <= packed_sums;
      fifo_pixel_q[wr_q] <= tag_pixel_q[Depth-2];
      fifo_cols_q[wr_q]  <= tag_cols_q[Depth-2];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_q   <= '0;
      wr_q   <= '0;
      fill_q <= '0;
    end else begin
      rd_q   <= rd_d;
      wr_q   <= wr_d;
      fill_q <= fill_d;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Counters (model/cs/cs_engine.h): per consumed beat, "active lanes" are the lanes whose
  // reduction range reaches the entry.
  logic [63:0] cnt_q [NumCounters];
  logic [63:0] cnt_d [NumCounters];

  // Kernel ID bits for n kernels: ceil(log2 n), 0 for n = 1.
  function automatic logic [31:0] id_bits(logic [NW-1:0] n);
    id_bits = '0;
    for (int b = 0; b < NW; b++) begin
      if ((32'd1 << b) < 32'(n)) begin
        id_bits = 32'(b + 1);
      end
    end
  endfunction

  logic [31:0] active, slots, macs, trees, gated, skipped;
  always_comb begin
    active = 0;
    macs   = 0;
    trees  = 0;
    for (int r = 0; r < Lanes; r++) begin
      active = active + 32'(lane_active[r]);
    end
    for (int e = 0; e < Engines; e++) begin
      macs  = macs + 32'(eng_macs[e]);
      trees = trees + 32'(eng_trees[e]);
    end
    slots   = active * 32'(head_cols);
    gated   = slots - macs;
    // Per engine e holding n_e = min(n, out_cols - e*n) kernels, a dense engine would do
    // active * n_e MACs: skipped = active * sum_e (n_e - 1) = active * (out_cols - cols_used).
    skipped = active * (32'(slot_out_cols_q[head_q]) - 32'(head_cols));
    for (int c = 0; c < NumCounters; c++) begin
      cnt_d[c] = cnt_q[c];
    end
    if (in_fire) begin
      cnt_d[cs_engine_counters_pkg::CntMacs] = cnt_q[cs_engine_counters_pkg::CntMacs] + 64'(macs);
      cnt_d[cs_engine_counters_pkg::CntGated] =
          cnt_q[cs_engine_counters_pkg::CntGated] + 64'(gated);
      cnt_d[cs_engine_counters_pkg::CntSkipped] =
          cnt_q[cs_engine_counters_pkg::CntSkipped] + 64'(skipped);
      cnt_d[cs_engine_counters_pkg::CntWeightRfReads] =
          cnt_q[cs_engine_counters_pkg::CntWeightRfReads] + 64'(slots);
      cnt_d[cs_engine_counters_pkg::CntInputRfReads] =
          cnt_q[cs_engine_counters_pkg::CntInputRfReads] + 64'(macs);
      cnt_d[cs_engine_counters_pkg::CntIdReadBits] = cnt_q[cs_engine_counters_pkg::CntIdReadBits] +
          64'(slots * id_bits(slot_n_q[head_q]));
      cnt_d[cs_engine_counters_pkg::CntRouteHops] =
          cnt_q[cs_engine_counters_pkg::CntRouteHops] + 64'(macs * RouteStages);
      cnt_d[cs_engine_counters_pkg::CntAccUpdates] =
          cnt_q[cs_engine_counters_pkg::CntAccUpdates] + 64'(trees);
    end
    if (ld_fire) begin
      cnt_d[cs_engine_counters_pkg::CntWeightRfWrites] =
          cnt_q[cs_engine_counters_pkg::CntWeightRfWrites] + 64'(ld_cols);
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int c = 0; c < NumCounters; c++) begin
        cnt_q[c] <= '0;
      end
    end else begin
      for (int c = 0; c < NumCounters; c++) begin
        cnt_q[c] <= cnt_d[c];
      end
    end
  end

  always_comb begin
    for (int c = 0; c < NumCounters; c++) begin
      cnt_o[c*64 +: 64] = cnt_q[c];
    end
  end

  // ---------------------------------------------------------------------------------------------
  // A clock edge with unchanged inputs changes something only while a beat is in the pipeline or
  // a finished pixel can leave; every other change is a transfer on a link.
  always_comb begin
    busy_o = fill_q != '0 && out_ready_i;
    for (int s = 0; s < Depth - 1; s++) begin
      busy_o = busy_o || tag_valid_q[s];
    end
  end

endmodule
