// Weight-stationary dense PE array: the RTL twin of model/pe/pe_array.h (PeArray), which is its
// specification, cycle for cycle.
//
// Ports (named after the model's links): cmd (ArrayCmd: one pass), in (input beats: one int8 per
// row), weight (weight beats: one int8 per column), out (SumBeat: a pass-local pixel index and
// that pixel's column sums; out_cols_o of the Cols values are valid).
// A pass loads rows_used * kp weight beats, one per cycle, into its weight bank (PE(r, c) entry
// j gets beat r * kp + j, lane c), then streams pixels x kp input beats. WeightBuffers banks:
// the next pass's weights load while the current pass computes. The array holds one pass per
// bank (cmd_ready_o while a bank is free).
// Datapath: an input beat taken in cycle t reaches row r in cycle t + r (the input skew), each
// PE multiplies it one cycle later, and on a pixel's last beat the psums run down the column: row
// r adds its psum to the sum from the row above in cycle t + 1 + r (a psum hop per row), so row
// rows_used - 1 has the pixel's column sums in cycle t + rows_used, the model's reduction latency.
// There the sums leave the column into their slot of the reduction buffer (Rows slots, allocated
// in order when the pixel's last beat is taken), and the oldest slot goes out when it has its sums
// and out is ready (already in the cycle they arrive). A full buffer stops the input (after this
// cycle's out transfer), as in the model.
// Throughput: Rows x Cols MACs per cycle while beats arrive. busy_o while a beat or a sum is in
// flight. Supported passes: 1 <= rows_used <= Rows, 1 <= cols_used <= Cols, 1 <= kp <= KpMax,
// pixels >= 1 (a k range shorter than rows_used * kp leaves the last rows' entries unused).
// Written in the SystemVerilog subset yosys 0.23 reads (tools/rtl-area): flat vectors instead of
// multi-dimensional packed arrays, no structs, no package import, element-wise array copies.
module pe_array #(
  parameter int unsigned Rows = 16,
  parameter int unsigned Cols = 16,
  parameter int unsigned WeightRfEntries = 64,  // int8 weights per PE, all banks
  parameter int unsigned WeightBuffers = 2,     // banks
  parameter int unsigned KWidth = 32,           // bits of the signed cmd k0 and k
  parameter int unsigned PixelWidth = 32,       // bits of cmd pixels and of the pixel index
  localparam int unsigned KpMax = WeightRfEntries / WeightBuffers,
  localparam int unsigned RowW = $clog2(Rows + 1),
  localparam int unsigned ColW = $clog2(Cols + 1),
  localparam int unsigned KpW = $clog2(KpMax + 1),
  localparam int unsigned NumCounters = pe_array_counters_pkg::NumCounters
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  // cmd: one pass.
  input  logic                         cmd_valid_i,
  output logic                         cmd_ready_o,
  input  logic [RowW-1:0]              cmd_rows_used_i,
  input  logic [ColW-1:0]              cmd_cols_used_i,
  input  logic signed [KWidth-1:0]     cmd_k0_i,
  input  logic signed [KWidth-1:0]     cmd_k_i,
  input  logic [KpW-1:0]               cmd_kp_i,
  input  logic [PixelWidth-1:0]        cmd_pixels_i,
  // in: one input beat, lane r (bits [8r +: 8]) for row r.
  input  logic                         in_valid_i,
  output logic                         in_ready_o,
  input  logic [8*Rows-1:0]            in_v_i,
  // weight: one weight beat, lane c (bits [8c +: 8]) for column c.
  input  logic                         weight_valid_i,
  output logic                         weight_ready_o,
  input  logic [8*Cols-1:0]            weight_v_i,
  // out: one pixel's column sums, column c at bits [32c +: 32].
  output logic                         out_valid_o,
  input  logic                         out_ready_i,
  output logic [PixelWidth-1:0]        out_pixel_o,
  output logic [ColW-1:0]              out_cols_o,
  output logic [32*Cols-1:0]           out_v_o,
  output logic                         busy_o,
  output logic [64*NumCounters-1:0]    cnt_o
);

  localparam int unsigned BankW = WeightBuffers > 1 ? $clog2(WeightBuffers) : 1;
  localparam int unsigned EntryW = KpMax > 1 ? $clog2(KpMax) : 1;
  localparam int unsigned RowIdxW = Rows > 1 ? $clog2(Rows) : 1;
  localparam int unsigned SlotW = RowIdxW;  // a reduction slot per row
  localparam int unsigned PassW = $clog2(WeightBuffers + 1);
  localparam int unsigned RemW = KWidth + 2 + RowIdxW + KpW;  // k - k0 - r * kp, no overflow

  `ifndef SYNTHESIS
  if (Rows < 2 || Cols < 1 || KpMax < 1 || WeightBuffers < 1) begin : g_bad_params
    $error("pe_array: needs Rows >= 2, Cols >= 1, KpMax >= 1, WeightBuffers >= 1");
  end
  `endif

  function automatic logic [BankW-1:0] next_bank(logic [BankW-1:0] b);
    next_bank = b == BankW'(WeightBuffers - 1) ? '0 : b + 1'b1;
  endfunction

  // ---------------------------------------------------------------------------------------------
  // Passes: one per weight bank, in acceptance order from head_q (the computing pass).
  logic [WeightBuffers-1:0] pq_loaded_d, pq_loaded_q;
  logic [RowW-1:0] pq_rows_d [WeightBuffers], pq_rows_q [WeightBuffers];
  logic [ColW-1:0] pq_cols_d [WeightBuffers], pq_cols_q [WeightBuffers];
  logic [KpW-1:0] pq_kp_d [WeightBuffers], pq_kp_q [WeightBuffers];
  logic [PixelWidth-1:0] pq_pixels_d [WeightBuffers], pq_pixels_q [WeightBuffers];
  // Weight entries row r holds (kp_eff, bits [KpW r +: KpW]): fewer than kp in the last rows of
  // a ragged k range, none in rows the pass does not use.
  logic [KpW*Rows-1:0] pq_kpeff_d [WeightBuffers], pq_kpeff_q [WeightBuffers];
  logic [RowIdxW-1:0] pq_lrow_d [WeightBuffers], pq_lrow_q [WeightBuffers];  // next load
  logic [EntryW-1:0] pq_lent_d [WeightBuffers], pq_lent_q [WeightBuffers];
  logic [BankW-1:0] head_d, head_q, tail_d, tail_q;
  logic [PassW-1:0] pcount_d, pcount_q;

  logic accept;
  logic [KpW*Rows-1:0] cmd_kpeff;
  logic signed [RemW-1:0] cmd_k, cmd_k0, cmd_kp, cmd_rem;

  assign cmd_ready_o = pcount_q < PassW'(WeightBuffers);
  assign accept = cmd_valid_i && cmd_ready_o;

  // kp_eff[r] = clamp(k - (k0 + r * kp), 0, kp), as the model computes it.
  always_comb begin
    cmd_k = {{(RemW - KWidth){cmd_k_i[KWidth-1]}}, cmd_k_i};
    cmd_k0 = {{(RemW - KWidth){cmd_k0_i[KWidth-1]}}, cmd_k0_i};
    cmd_kp = RemW'(cmd_kp_i);
    cmd_rem = '0;
    cmd_kpeff = '0;
    for (int unsigned r = 0; r < Rows; r++) begin
      cmd_rem = cmd_k - cmd_k0 - RemW'(r) * cmd_kp;
      if (RowW'(r) >= cmd_rows_used_i || cmd_rem <= 0) cmd_kpeff[KpW*r +: KpW] = '0;
      else if (cmd_rem >= cmd_kp) cmd_kpeff[KpW*r +: KpW] = cmd_kp_i;
      else cmd_kpeff[KpW*r +: KpW] = cmd_rem[KpW-1:0];
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Weight load: one beat per cycle into the first pass (in order) still lacking weights, which
  // may be the pass accepted in this very cycle.
  logic load_any;
  logic [BankW-1:0] load_bank, load_scan;
  logic [RowIdxW-1:0] load_row;
  logic [EntryW-1:0] load_ent;
  logic [KpW-1:0] load_kp;
  logic [RowW-1:0] load_rows;
  logic [ColW-1:0] load_cols;
  logic load_fire;

  always_comb begin
    load_any = 1'b0;
    load_bank = '0;
    load_row = '0;
    load_ent = '0;
    load_kp = '0;
    load_rows = '0;
    load_cols = '0;
    load_scan = head_q;
    for (int unsigned i = 0; i < WeightBuffers; i++) begin
      if (!load_any) begin
        if (PassW'(i) < pcount_q && !pq_loaded_q[load_scan]) begin
          load_any = 1'b1;
          load_bank = load_scan;
          load_row = pq_lrow_q[load_scan];
          load_ent = pq_lent_q[load_scan];
          load_kp = pq_kp_q[load_scan];
          load_rows = pq_rows_q[load_scan];
          load_cols = pq_cols_q[load_scan];
        end else if (PassW'(i) == pcount_q && accept) begin
          load_any = 1'b1;
          load_bank = load_scan;
          load_kp = cmd_kp_i;
          load_rows = cmd_rows_used_i;
          load_cols = cmd_cols_used_i;
        end
      end
      load_scan = next_bank(load_scan);
    end
  end

  assign weight_ready_o = load_any;
  assign load_fire = weight_valid_i && load_any;

  // ---------------------------------------------------------------------------------------------
  // Compute: one input beat per cycle for the head pass once its weights are in (registered:
  // a pass starts the cycle after its last weight is written) and the reduction has room.
  logic [PixelWidth-1:0] pixel_d, pixel_q;  // pass-local pixel
  logic [EntryW-1:0] beat_d, beat_q;        // beat within the pixel (weight entry j)
  logic [RowW-1:0] rcount_d, rcount_q;      // reduction slots in use
  logic [SlotW-1:0] rhead_d, rhead_q, rtail_d, rtail_q;
  logic out_fire;
  logic go, go_last, pass_done;
  logic [RowW-1:0] head_rows;
  logic [ColW-1:0] head_cols;
  logic [KpW*Rows-1:0] head_kpeff;
  logic [RowIdxW-1:0] head_exit;  // rows_used - 1: the row whose sum is the column sum
  logic [Rows-1:0] row_mac;       // rows that multiply this beat (j < kp_eff[r])
  logic [RowW-1:0] row_macs;

  assign head_rows = pq_rows_q[head_q];
  assign head_cols = pq_cols_q[head_q];
  assign head_kpeff = pq_kpeff_q[head_q];
  assign head_exit = RowIdxW'(head_rows - 1'b1);
  assign in_ready_o = pcount_q != '0 && pq_loaded_q[head_q] &&
                      (rcount_q < RowW'(Rows) || out_fire);
  assign go = in_valid_i && in_ready_o;
  assign go_last = go && KpW'(beat_q) + KpW'(1) == pq_kp_q[head_q];
  assign pass_done = go_last && pixel_q + 1'b1 == pq_pixels_q[head_q];

  always_comb begin
    row_macs = '0;
    for (int unsigned r = 0; r < Rows; r++) begin
      row_mac[r] = KpW'(beat_q) < head_kpeff[KpW*r +: KpW];
      row_macs = row_macs + RowW'(row_mac[r]);
    end
  end

  // Pass bookkeeping.
  always_comb begin
    pq_loaded_d = pq_loaded_q;
    for (int unsigned b = 0; b < WeightBuffers; b++) begin
      pq_rows_d[b] = pq_rows_q[b];
      pq_cols_d[b] = pq_cols_q[b];
      pq_kp_d[b] = pq_kp_q[b];
      pq_pixels_d[b] = pq_pixels_q[b];
      pq_kpeff_d[b] = pq_kpeff_q[b];
      pq_lrow_d[b] = pq_lrow_q[b];
      pq_lent_d[b] = pq_lent_q[b];
    end
    head_d = head_q;
    tail_d = tail_q;
    if (accept) begin
      pq_loaded_d[tail_q] = 1'b0;
      pq_rows_d[tail_q] = cmd_rows_used_i;
      pq_cols_d[tail_q] = cmd_cols_used_i;
      pq_kp_d[tail_q] = cmd_kp_i;
      pq_pixels_d[tail_q] = cmd_pixels_i;
      pq_kpeff_d[tail_q] = cmd_kpeff;
      pq_lrow_d[tail_q] = '0;
      pq_lent_d[tail_q] = '0;
      tail_d = next_bank(tail_q);
    end
    if (load_fire) begin
      if (KpW'(load_ent) + KpW'(1) == load_kp) begin
        pq_lent_d[load_bank] = '0;
        pq_lrow_d[load_bank] = load_row + 1'b1;
        if (RowW'(load_row) + 1'b1 == load_rows) pq_loaded_d[load_bank] = 1'b1;
      end else begin
        pq_lent_d[load_bank] = load_ent + 1'b1;
      end
    end
    if (pass_done) head_d = next_bank(head_q);
    pcount_d = pcount_q + PassW'(accept) - PassW'(pass_done);
  end

  always_comb begin
    beat_d = beat_q;
    pixel_d = pixel_q;
    if (go) beat_d = go_last ? '0 : beat_q + 1'b1;
    if (go_last) pixel_d = pass_done ? '0 : pixel_q + 1'b1;
  end

  // ---------------------------------------------------------------------------------------------
  // Input skew: row r registers the beat taken r cycles ago and its PEs act on it one cycle
  // later. skew_*_q[i]: the beat taken i + 1 cycles ago (the part of it every row uses).
  logic [Rows-1:0] skew_valid_q, skew_last_q;  // last: ends a pixel, the psums go down
  logic [BankW-1:0] skew_bank_q [Rows];
  logic [EntryW-1:0] skew_entry_q [Rows];
  logic [ColW-1:0] skew_cols_q [Rows];
  logic [SlotW-1:0] skew_slot_q [Rows];        // the pixel's reduction slot
  logic [RowIdxW-1:0] skew_exit_q [Rows];      // rows_used - 1
  logic [Rows-1:0] feed_valid, feed_last;      // what row r's PEs register this cycle
  logic [BankW-1:0] feed_bank [Rows];
  logic [EntryW-1:0] feed_entry [Rows];
  logic [ColW-1:0] feed_cols [Rows];
  logic [Rows-1:0] row_end;                    // a pixel's sums pass row r this cycle
  logic [Rows-1:0] row_exit;                   // ... and row r is its last row
  logic [Rows-1:0] row_mac_skew;               // row r's mac bit, delayed r cycles
  logic [8*Rows-1:0] row_in;                   // row r's input lane, delayed r cycles

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      skew_valid_q <= '0;
      skew_last_q <= '0;
      for (int unsigned i = 0; i < Rows; i++) begin
        skew_bank_q[i] <= '0;
        skew_entry_q[i] <= '0;
        skew_cols_q[i] <= '0;
        skew_slot_q[i] <= '0;
        skew_exit_q[i] <= '0;
      end
    end else begin
      skew_valid_q <= {skew_valid_q[Rows-2:0], go};
      skew_last_q <= {skew_last_q[Rows-2:0], go_last};
      skew_bank_q[0] <= head_q;
      skew_entry_q[0] <= beat_q;
      skew_cols_q[0] <= head_cols;
      skew_slot_q[0] <= rtail_q;
      skew_exit_q[0] <= head_exit;
      for (int unsigned i = 1; i < Rows; i++) begin
        skew_bank_q[i] <= skew_bank_q[i-1];
        skew_entry_q[i] <= skew_entry_q[i-1];
        skew_cols_q[i] <= skew_cols_q[i-1];
        skew_slot_q[i] <= skew_slot_q[i-1];
        skew_exit_q[i] <= skew_exit_q[i-1];
      end
    end
  end

  always_comb begin
    for (int unsigned r = 0; r < Rows; r++) begin
      if (r == 0) begin
        feed_valid[r] = go;
        feed_last[r] = go_last;
        feed_bank[r] = head_q;
        feed_entry[r] = beat_q;
        feed_cols[r] = head_cols;
      end else begin
        feed_valid[r] = skew_valid_q[r-1];
        feed_last[r] = skew_last_q[r-1];
        feed_bank[r] = skew_bank_q[r-1];
        feed_entry[r] = skew_entry_q[r-1];
        feed_cols[r] = skew_cols_q[r-1];
      end
      row_end[r] = skew_valid_q[r] && skew_last_q[r];
      row_exit[r] = row_end[r] && skew_exit_q[r] == RowIdxW'(r);
    end
  end

  assign row_mac_skew[0] = row_mac[0];
  assign row_in[7:0] = in_v_i[7:0];
  for (genvar r = 1; r < Rows; r++) begin : g_lane_skew
    logic [r-1:0] mac_q;
    logic [7:0] in_q [r];
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        mac_q <= '0;
      end else begin
        mac_q[0] <= row_mac[r];
        for (int unsigned d = 1; d < r; d++) mac_q[d] <= mac_q[d-1];
      end
    end
    always_ff @(posedge clk_i) begin
      in_q[0] <= in_v_i[8*r +: 8];
      for (int unsigned d = 1; d < r; d++) in_q[d] <= in_q[d-1];
    end
    assign row_mac_skew[r] = mac_q[r-1];
    assign row_in[8*r +: 8] = in_q[r-1];
  end

  // ---------------------------------------------------------------------------------------------
  // The PEs, and the psum links down each column. psum_out / hop_q: PE (r, c) at bits
  // [32 (r Cols + c) +: 32].
  logic [32*Rows*Cols-1:0] psum_out;
  logic [32*(Rows-1)*Cols-1:0] hop_q;  // row r's sums on the link to row r + 1
  logic [Rows-1:0] hop_en;

  for (genvar r = 0; r < Rows; r++) begin : g_row
    logic load_row_hit;
    assign load_row_hit = load_fire && load_row == RowIdxW'(r);
    for (genvar c = 0; c < Cols; c++) begin : g_col
      logic col_used, col_loaded;
      logic [31:0] psum_in;
      assign col_used = ColW'(c) < feed_cols[r];
      assign col_loaded = ColW'(c) < load_cols;
      if (r == 0) begin : g_top
        assign psum_in = '0;
      end else begin : g_below
        assign psum_in = hop_q[32*((r-1)*Cols+c) +: 32];
      end
      pe #(
        .Buffers (WeightBuffers),
        .KpMax   (KpMax)
      ) u_pe (
        .clk_i      (clk_i),
        .rst_ni     (rst_ni),
        .w_we_i     (load_row_hit && col_loaded),
        .w_bank_i   (load_bank),
        .w_entry_i  (load_ent),
        .w_data_i   (weight_v_i[8*c +: 8]),
        .mac_i      (feed_valid[r] && row_mac_skew[r] && col_used),
        .last_i     (feed_last[r]),
        .in_data_i  (row_in[8*r +: 8]),
        .rd_bank_i  (feed_bank[r]),
        .rd_entry_i (feed_entry[r]),
        .psum_i     (psum_in),
        .psum_o     (psum_out[32*(r*Cols+c) +: 32])
      );
    end
  end

  // A pixel's sums hop to the next row until they reach row rows_used - 1.
  assign hop_en = row_end & ~row_exit;

  always_ff @(posedge clk_i) begin
    for (int unsigned r = 0; r + 1 < Rows; r++)
      if (hop_en[r]) hop_q[32*Cols*r +: 32*Cols] <= psum_out[32*Cols*r +: 32*Cols];
  end

  // ---------------------------------------------------------------------------------------------
  // Reduction buffer: slot s holds the pixel whose last beat allocated it, in order; red_sum_q
  // and arrive_sum hold slot s's column sums at bits [32 (s Cols + c) +: 32].
  logic [PixelWidth-1:0] red_pixel_d [Rows], red_pixel_q [Rows];
  logic [ColW-1:0] red_cols_d [Rows], red_cols_q [Rows];
  logic [Rows-1:0] red_done_d, red_done_q;  // its sums have left the column
  logic [32*Rows*Cols-1:0] red_sum_q;
  logic [Rows-1:0] arrive;                  // its sums leave the column this cycle
  logic [32*Rows*Cols-1:0] arrive_sum;

  // Sums leaving the column: at most one pixel per row, several rows at once when a pass with
  // fewer rows follows one with more.
  always_comb begin
    arrive = '0;
    arrive_sum = '0;
    for (int unsigned s = 0; s < Rows; s++) begin
      for (int unsigned r = 0; r < Rows; r++) begin
        if (row_exit[r] && skew_slot_q[r] == SlotW'(s)) begin
          arrive[s] = 1'b1;
          arrive_sum[32*Cols*s +: 32*Cols] =
              arrive_sum[32*Cols*s +: 32*Cols] | psum_out[32*Cols*r +: 32*Cols];
        end
      end
    end
  end

  assign out_valid_o = rcount_q != '0 && (red_done_q[rhead_q] || arrive[rhead_q]);
  assign out_fire = out_valid_o && out_ready_i;
  assign out_pixel_o = red_pixel_q[rhead_q];
  assign out_cols_o = red_cols_q[rhead_q];
  assign out_v_o = red_done_q[rhead_q] ? red_sum_q[32*Cols*rhead_q +: 32*Cols]
                                       : arrive_sum[32*Cols*rhead_q +: 32*Cols];

  always_comb begin
    for (int unsigned s = 0; s < Rows; s++) begin
      red_pixel_d[s] = red_pixel_q[s];
      red_cols_d[s] = red_cols_q[s];
    end
    red_done_d = red_done_q | arrive;
    rhead_d = rhead_q;
    rtail_d = rtail_q;
    if (out_fire) begin
      red_done_d[rhead_q] = 1'b0;
      rhead_d = rhead_q + 1'b1;
    end
    if (go_last) begin
      red_pixel_d[rtail_q] = pixel_q;
      red_cols_d[rtail_q] = head_cols;
      rtail_d = rtail_q + 1'b1;
    end
    rcount_d = rcount_q + RowW'(go_last) - RowW'(out_fire);
  end

  always_ff @(posedge clk_i) begin
    for (int unsigned s = 0; s < Rows; s++)
      if (arrive[s]) red_sum_q[32*Cols*s +: 32*Cols] <= arrive_sum[32*Cols*s +: 32*Cols];
  end

  // ---------------------------------------------------------------------------------------------
  // Counters (model/pe/pe_array.cc counts the same actions in the same cycles).
  logic [63:0] cnt_d [NumCounters], cnt_q [NumCounters];
  logic [63:0] macs, weight_writes, hops;

  always_comb begin
    macs = go ? 64'(row_macs) * 64'(head_cols) : '0;
    weight_writes = load_fire ? 64'(load_cols) : '0;
    hops = go_last ? 64'(head_exit) * 64'(head_cols) : '0;
    cnt_d[pe_array_counters_pkg::CntMacs] = cnt_q[pe_array_counters_pkg::CntMacs] + macs;
    cnt_d[pe_array_counters_pkg::CntWeightRfReads] =
        cnt_q[pe_array_counters_pkg::CntWeightRfReads] + macs;
    cnt_d[pe_array_counters_pkg::CntWeightRfWrites] =
        cnt_q[pe_array_counters_pkg::CntWeightRfWrites] + weight_writes;
    cnt_d[pe_array_counters_pkg::CntInputRfReads] =
        cnt_q[pe_array_counters_pkg::CntInputRfReads] + macs;
    cnt_d[pe_array_counters_pkg::CntInputRfWrites] =
        cnt_q[pe_array_counters_pkg::CntInputRfWrites] + macs;
    cnt_d[pe_array_counters_pkg::CntPsumRfReads] =
        cnt_q[pe_array_counters_pkg::CntPsumRfReads] + macs;
    cnt_d[pe_array_counters_pkg::CntPsumRfWrites] =
        cnt_q[pe_array_counters_pkg::CntPsumRfWrites] + macs;
    cnt_d[pe_array_counters_pkg::CntPsumLinksHops] =
        cnt_q[pe_array_counters_pkg::CntPsumLinksHops] + hops;
    for (int unsigned i = 0; i < NumCounters; i++) cnt_o[64*i +: 64] = cnt_q[i];
  end

  assign busy_o = rcount_q != '0 || skew_valid_q != '0;

  // ---------------------------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pq_loaded_q <= '0;
      for (int unsigned b = 0; b < WeightBuffers; b++) begin
        pq_rows_q[b] <= '0;
        pq_cols_q[b] <= '0;
        pq_kp_q[b] <= '0;
        pq_pixels_q[b] <= '0;
        pq_kpeff_q[b] <= '0;
        pq_lrow_q[b] <= '0;
        pq_lent_q[b] <= '0;
      end
      head_q <= '0;
      tail_q <= '0;
      pcount_q <= '0;
      beat_q <= '0;
      pixel_q <= '0;
      rcount_q <= '0;
      rhead_q <= '0;
      rtail_q <= '0;
      red_done_q <= '0;
      for (int unsigned s = 0; s < Rows; s++) begin
        red_pixel_q[s] <= '0;
        red_cols_q[s] <= '0;
      end
      for (int unsigned i = 0; i < NumCounters; i++) cnt_q[i] <= '0;
    end else begin
      pq_loaded_q <= pq_loaded_d;
      for (int unsigned b = 0; b < WeightBuffers; b++) begin
        pq_rows_q[b] <= pq_rows_d[b];
        pq_cols_q[b] <= pq_cols_d[b];
        pq_kp_q[b] <= pq_kp_d[b];
        pq_pixels_q[b] <= pq_pixels_d[b];
        pq_kpeff_q[b] <= pq_kpeff_d[b];
        pq_lrow_q[b] <= pq_lrow_d[b];
        pq_lent_q[b] <= pq_lent_d[b];
      end
      head_q <= head_d;
      tail_q <= tail_d;
      pcount_q <= pcount_d;
      beat_q <= beat_d;
      pixel_q <= pixel_d;
      rcount_q <= rcount_d;
      rhead_q <= rhead_d;
      rtail_q <= rtail_d;
      red_done_q <= red_done_d;
      for (int unsigned s = 0; s < Rows; s++) begin
        red_pixel_q[s] <= red_pixel_d[s];
        red_cols_q[s] <= red_cols_d[s];
      end
      for (int unsigned i = 0; i < NumCounters; i++) cnt_q[i] <= cnt_d[i];
    end
  end

  `ifndef SYNTHESIS
  // The model throws SimError on the larger passes (array: pass larger than the array or its
  // weight bank); it never gets the empty ones from the compiler.
  always_ff @(posedge clk_i) begin
    if (rst_ni && accept) begin
      assert (cmd_rows_used_i >= 1 && cmd_rows_used_i <= RowW'(Rows))
      else $error("pe_array: rows_used %0d", cmd_rows_used_i);
      assert (cmd_cols_used_i >= 1 && cmd_cols_used_i <= ColW'(Cols))
      else $error("pe_array: cols_used %0d", cmd_cols_used_i);
      assert (cmd_kp_i >= 1 && cmd_kp_i <= KpW'(KpMax))
      else $error("pe_array: kp %0d", cmd_kp_i);
      assert (cmd_pixels_i >= 1)
      else $error("pe_array: pixels 0");
    end
  end
  `endif

endmodule
