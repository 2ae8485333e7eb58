// k-WTA unit, the RTL twin of model/kwta (the model is the specification; read its header).
//
// Function: per command (KwtaCmd, model/compile/program.h) it keeps the k largest int8 values
// of the n-value map at in_base (ties: lowest index) and writes them as a dense map and/or an
// active list, in two passes over the map through one GLB port:
//  1. histogram pass: the map's words are read in order and up to Lanes values per cycle are
//     counted in 256 bins (kwta_hist);
//  2. threshold search: ScanBinsPerCycle bins per cycle from 127 down until k is reached
//     (kwta_hist), one cycle after the last count;
//  3. select pass: the map is read again, Lanes values per cycle are compared with the
//     threshold (kwta_select) and their dense bytes / list records are cut into word writes
//     (kwta_stream) that queue (kwta_wr_queue) for the port.
// The command's index goes out on done when its last write is acknowledged.
//
// Cycle by cycle it does what Kwta::Tick does, in the same order: take GLB responses (write
// acknowledgements always, read data while fewer than Lanes values are staged), start a command
// (Idle), count / search / compare, then issue up to GlbLanes requests (queued writes first,
// then reads), then push done. Ports follow the model's links: cmd and done (valid/ready),
// glb_req (up to GlbLanes per cycle: space in, count out) and glb_resp (up to RespSlots visible:
// avail in, taken out); a request's or response's word is WordBytes bytes, byte i at bits
// [8i+7:8i]. glb_req_count_o, glb_resp_taken_o, cmd_ready_o and done_valid_o depend on the
// same cycle's inputs where the model's Tick does (a command's first reads go out in the cycle
// it is taken). busy_o: a command is in progress.
// Counters (kwta.counters): as the model's, except that `compare` adds the bins the search
// examines in the cycles it examines them (the model adds them all in the last histogram
// cycle), so it equals the model's from the first select cycle on.
module kwta #(
  parameter int unsigned Lanes = 16,
  parameter int unsigned ScanBinsPerCycle = 8,
  parameter int unsigned WordBytes = 8,
  parameter int unsigned GlbLanes = 2,
  parameter int unsigned RespSlots = 4,
  // A power of two.
  parameter int unsigned WrDepth = 64,
  localparam int unsigned ReqCntW = $clog2(GlbLanes + 1),
  localparam int unsigned RespCntW = $clog2(RespSlots + 1)
) (
  input  logic                                    clk_i,
  input  logic                                    rst_ni,

  input  logic                                    cmd_valid_i,
  output logic                                    cmd_ready_o,
  input  logic [31:0]                             cmd_in_base_i,
  input  logic [31:0]                             cmd_n_i,
  input  logic [31:0]                             cmd_k_i,
  input  logic                                    cmd_write_dense_i,
  input  logic [31:0]                             cmd_dense_base_i,
  input  logic                                    cmd_write_list_i,
  input  logic [31:0]                             cmd_list_base_i,

  input  logic [ReqCntW-1:0]                      glb_req_space_i,
  output logic [ReqCntW-1:0]                      glb_req_count_o,
  // Per-lane fields are flat: lane l's field of width W at [W*l +: W].
  output logic [GlbLanes*32-1:0]                  glb_req_addr_o,
  output logic [GlbLanes-1:0]                     glb_req_write_o,
  output logic [GlbLanes*WordBytes-1:0]           glb_req_mask_o,
  output logic [GlbLanes*32-1:0]                  glb_req_tag_o,
  output logic [GlbLanes*3-1:0]                   glb_req_data_type_o,
  output logic [GlbLanes*8*WordBytes-1:0]         glb_req_data_o,

  input  logic [RespCntW-1:0]                     glb_resp_avail_i,
  input  logic [RespSlots*32-1:0]                 glb_resp_tag_i,
  input  logic [RespSlots-1:0]                    glb_resp_write_i,
  input  logic [RespSlots*8*WordBytes-1:0]        glb_resp_data_i,
  output logic [RespCntW-1:0]                     glb_resp_taken_o,

  output logic                                    done_valid_o,
  input  logic                                    done_ready_i,
  output logic [31:0]                             done_index_o,

  output logic                                    busy_o,
  output logic [kwta_counters_pkg::NumCounters*64-1:0] cnt_o  // counter i at [64*i +: 64]
);

  // The counters' positions in cnt_o (kwta_counters_pkg).
  localparam int unsigned CntHistUpdate = kwta_counters_pkg::CntHistUpdate;
  localparam int unsigned CntCompare = kwta_counters_pkg::CntCompare;
  localparam int unsigned CntWinner = kwta_counters_pkg::CntWinner;
  localparam int unsigned CntListWrite = kwta_counters_pkg::CntListWrite;
  localparam int unsigned CntBusyCycle = kwta_counters_pkg::CntBusyCycle;
  localparam int unsigned Lg = $clog2(WordBytes);
  localparam int unsigned NumW = $clog2(Lanes + 1);
  // Values staged: fewer than Lanes when a read is taken, plus that word.
  localparam int unsigned StgBytes = Lanes + WordBytes - 1;
  localparam int unsigned StgW = $clog2(StgBytes + 1);
  localparam int unsigned StgIdxW = $clog2(StgBytes);
  localparam int unsigned ListBytes = 4 * Lanes;
  localparam int unsigned ListNumW = $clog2(ListBytes + 1);
  localparam int unsigned BinsW = $clog2(ScanBinsPerCycle + 1);
  // Words a stream writes per cycle (kwta_stream's MaxWords).
  localparam int unsigned DenseWords = (2 * WordBytes - 2 + Lanes) / WordBytes;
  localparam int unsigned ListWords = (2 * WordBytes - 2 + ListBytes) / WordBytes;
  localparam int unsigned DenseWordsW = $clog2(DenseWords + 1);
  localparam int unsigned ListWordsW = $clog2(ListWords + 1);
  localparam int unsigned PushMax = DenseWords + ListWords;
  localparam int unsigned PushW = $clog2(PushMax + 1);
  localparam int unsigned AvailW = $clog2(WrDepth + PushMax + 1);
  // A queued write: {active list (else dense), word address, byte enables, data}.
  localparam int unsigned WaddrW = 32 - Lg;
  localparam int unsigned EntryW = 1 + WaddrW + WordBytes + 8 * WordBytes;
  // model/base/stats.h DataType.
  localparam logic [2:0] DtInput = 3'd2;
  localparam logic [2:0] DtActList = 3'd6;

  typedef enum logic [1:0] {
    PhIdle,
    PhHist,
    PhScan,
    PhSelect
  } phase_e;

  phase_e phase_q, phase_d;
  // The command.
  logic [31:0] in_base_q, in_base_d, n_q, n_d, k_q, k_d;
  logic        write_dense_q, write_dense_d, write_list_q, write_list_d;
  logic [31:0] index_q, index_d;  // the command's index (done)
  logic [31:0] cycles_q, cycles_d;  // cycles since the command was taken
  // The pass: words [next_read, read_end) still to read, next_resp the next response's word.
  logic [31:0] next_read_q, next_read_d, read_end_q, read_end_d, next_resp_q, next_resp_d;
  logic [8*StgBytes-1:0]    stg_q, stg_d;  // values read, not yet counted / compared; i at [8i+:8]
  logic [StgW-1:0]          stg_num_q, stg_num_d;
  logic [31:0]              consumed_q, consumed_d;  // values counted / compared in this pass
  // The search's result.
  logic [7:0]  thr_q, thr_d;
  logic [31:0] ties_left_q, ties_left_d;
  logic [31:0] acks_q, acks_d;  // writes issued, not acknowledged
  logic [kwta_counters_pkg::NumCounters*64-1:0] cnt_q, cnt_d;  // as cnt_o

  logic start;
  logic [31:0] in_end;
  // Byte vectors and per-word vectors below are flat, element i of width W at [W*i +: W].
  // The values of this cycle: the first `num` staged ones.
  logic [8*Lanes-1:0]    val;
  logic [NumW-1:0]       num;
  logic [31:0]           acks_in;
  logic [31:0]           resp_word;  // the word of the first response not taken
  logic                  hist_end, all_done;
  logic                  found;
  logic [7:0]            found_thr;
  logic [31:0]           found_ties;
  logic [BinsW-1:0]      scan_bins;
  logic [NumW-1:0]       kept;
  logic [31:0]           ties_used;
  logic [8*Lanes-1:0]    dense_bytes;
  logic [8*ListBytes-1:0] list_bytes;
  logic                  dense_en, list_en;
  logic [DenseWordsW-1:0] dense_words;
  logic [DenseWords*32-1:0] dense_addr;
  logic [DenseWords*WordBytes-1:0] dense_mask;
  logic [DenseWords*8*WordBytes-1:0] dense_data;
  logic [ListWordsW-1:0] list_words;
  logic [ListWords*32-1:0] list_addr;
  logic [ListWords*WordBytes-1:0] list_mask;
  logic [ListWords*8*WordBytes-1:0] list_data;
  logic [PushMax*EntryW-1:0] push;
  logic [PushW-1:0]      push_num;
  logic [GlbLanes*EntryW-1:0] wr_head;
  logic [AvailW-1:0]     wr_avail;
  logic [ReqCntW-1:0]    n_wr, n_rd;
  logic [31:0]           rd_ptr, rd_end;
  logic                  done_fire;

  assign start = phase_q == PhIdle && cmd_valid_i;
  assign cmd_ready_o = phase_q == PhIdle;
  assign in_end = in_base_q + n_q;
  assign busy_o = phase_q != PhIdle;
  assign cnt_o = cnt_q;
  assign done_index_o = index_q;

  // Responses (Kwta::TakeResponses), then this cycle's values.
  always_comb begin
    logic [8*StgBytes-1:0] stg;
    logic [StgW-1:0] stg_num;
    logic [31:0] word, addr;
    logic stop;
    addr = '0;
    stg = stg_q;
    stg_num = stg_num_q;
    word = next_resp_q;
    stop = 1'b0;
    glb_resp_taken_o = '0;
    acks_in = '0;
    for (int unsigned i = 0; i < RespSlots; i++) begin
      if (!stop && RespCntW'(i) < glb_resp_avail_i) begin
        if (glb_resp_write_i[i]) begin
          glb_resp_taken_o = glb_resp_taken_o + RespCntW'(1);
          acks_in = acks_in + 32'd1;
        end else if (stg_num >= StgW'(Lanes)) begin
          stop = 1'b1;
        end else begin
          // The bytes of the word that belong to the map.
          for (int unsigned b = 0; b < WordBytes; b++) begin
            addr = word + 32'(b);
            if (addr >= in_base_q && addr < in_end) begin
              stg[{stg_num[StgIdxW-1:0], 3'd0}+:8] = glb_resp_data_i[8*(WordBytes*i+b)+:8];
              stg_num = stg_num + StgW'(1);
            end
          end
          word = word + 32'(WordBytes);
          glb_resp_taken_o = glb_resp_taken_o + RespCntW'(1);
        end
      end
    end
    resp_word = word;
    num = '0;
    if (phase_q == PhHist || phase_q == PhSelect) begin
      num = stg_num >= StgW'(Lanes) ? NumW'(Lanes) : NumW'(stg_num);
    end
    val = stg[8*Lanes-1:0];
    stg_num_d = stg_num - StgW'(num);
    for (int unsigned j = 0; j < StgBytes; j++) begin
      stg_d[8*j+:8] = (StgW'(j) + StgW'(num) < StgW'(StgBytes)) ?
                      stg[{StgIdxW'(j) + StgIdxW'(num), 3'd0}+:8] : '0;
    end
  end

  kwta_hist #(
    .Lanes(Lanes),
    .ScanBinsPerCycle(ScanBinsPerCycle),
    .CountW(32)
  ) u_hist (
    .clk_i,
    .rst_ni,
    .clear_i     (start),
    .val_i       (val),
    .num_i       (phase_q == PhHist ? num : '0),
    .scan_start_i(hist_end),
    .scan_i      (phase_q == PhScan),
    .k_i         (k_q),
    .found_o     (found),
    .thr_o       (found_thr),
    .ties_o      (found_ties),
    .bins_o      (scan_bins)
  );

  kwta_select #(
    .Lanes(Lanes),
    .CountW(32)
  ) u_select (
    .val_i      (val),
    .num_i      (phase_q == PhSelect ? num : '0),
    .thr_i      (thr_q),
    .ties_left_i(ties_left_q),
    .index_i    (consumed_q[15:0]),
    .kept_o     (kept),
    .ties_used_o(ties_used),
    .dense_o    (dense_bytes),
    .list_o     (list_bytes)
  );

  assign hist_end = phase_q == PhHist && consumed_q + 32'(num) >= n_q;
  assign all_done = consumed_q + 32'(num) == n_q;
  assign dense_en = phase_q == PhSelect && write_dense_q;
  assign list_en = phase_q == PhSelect && write_list_q;

  kwta_stream #(
    .WordBytes(WordBytes),
    .MaxNew(Lanes),
    .AddrW(32)
  ) u_dense (
    .clk_i,
    .rst_ni,
    .start_i(start),
    .base_i (cmd_dense_base_i),
    .en_i   (dense_en),
    .new_i  (dense_bytes),
    .num_i  (num),
    .all_i  (all_done),
    .words_o(dense_words),
    .addr_o (dense_addr),
    .mask_o (dense_mask),
    .data_o (dense_data)
  );

  kwta_stream #(
    .WordBytes(WordBytes),
    .MaxNew(ListBytes),
    .AddrW(32)
  ) u_list (
    .clk_i,
    .rst_ni,
    .start_i(start),
    .base_i (cmd_list_base_i),
    .en_i   (list_en),
    .new_i  (list_bytes),
    .num_i  (ListNumW'({kept, 2'd0})),
    .all_i  (all_done),
    .words_o(list_words),
    .addr_o (list_addr),
    .mask_o (list_mask),
    .data_o (list_data)
  );

  // This cycle's writes: the dense words, then the list words (Kwta::Select's Flush order).
  always_comb begin
    logic [PushW-1:0] at;
    at = '0;
    push = '0;
    for (int unsigned i = 0; i < DenseWords; i++) begin
      push[EntryW*i+:EntryW] = {1'b0, dense_addr[32*i+Lg+:WaddrW],
                                dense_mask[WordBytes*i+:WordBytes],
                                dense_data[8*WordBytes*i+:8*WordBytes]};
    end
    for (int unsigned i = 0; i < ListWords; i++) begin
      if (ListWordsW'(i) < list_words) begin
        at = PushW'(dense_words) + PushW'(i);
        push[EntryW*at+:EntryW] = {1'b1, list_addr[32*i+Lg+:WaddrW],
                                   list_mask[WordBytes*i+:WordBytes],
                                   list_data[8*WordBytes*i+:8*WordBytes]};
      end
    end
    push_num = PushW'(dense_words) + PushW'(list_words);
  end

  kwta_wr_queue #(
    .Depth  (WrDepth),
    .PushMax(PushMax),
    .PopMax (GlbLanes),
    .EntryW (EntryW)
  ) u_wr_queue (
    .clk_i,
    .rst_ni,
    .push_i    (push),
    .push_num_i(push_num),
    .pop_num_i (n_wr),
    .head_o    (wr_head),
    .avail_o   (wr_avail)
  );

  // Requests (Kwta::IssueRequests): queued writes first, then reads, up to the port's space. A
  // command's reads start in the cycle it is taken.
  assign rd_ptr = start ? {cmd_in_base_i[31:Lg], Lg'(0)} : next_read_q;
  assign rd_end = start ? cmd_in_base_i + cmd_n_i : read_end_q;

  always_comb begin
    logic [31:0] addr;
    addr = rd_ptr;
    n_wr = AvailW'(glb_req_space_i) < wr_avail ? glb_req_space_i : ReqCntW'(wr_avail);
    n_rd = '0;
    glb_req_addr_o = '0;
    glb_req_write_o = '0;
    glb_req_mask_o = '0;
    glb_req_tag_o = '0;
    glb_req_data_type_o = '0;
    glb_req_data_o = '0;
    for (int unsigned l = 0; l < GlbLanes; l++) begin
      if (ReqCntW'(l) < n_wr) begin
        glb_req_addr_o[32*l+:32] = {wr_head[EntryW*l+EntryW-2-:WaddrW], Lg'(0)};
        glb_req_write_o[l] = 1'b1;
        glb_req_mask_o[WordBytes*l+:WordBytes] = wr_head[EntryW*l+8*WordBytes+:WordBytes];
        glb_req_data_type_o[3*l+:3] = wr_head[EntryW*l+EntryW-1] ? DtActList : DtInput;
        glb_req_data_o[8*WordBytes*l+:8*WordBytes] = wr_head[EntryW*l+:8*WordBytes];
      end else if (ReqCntW'(l) < glb_req_space_i && addr < rd_end) begin
        glb_req_addr_o[32*l+:32] = addr;
        glb_req_mask_o[WordBytes*l+:WordBytes] = '1;
        glb_req_data_type_o[3*l+:3] = DtInput;
        addr = addr + 32'(WordBytes);
        n_rd = n_rd + ReqCntW'(1);
      end
    end
    glb_req_count_o = n_wr + n_rd;
  end

  // Done: the pass has compared every value and every write is acknowledged.
  assign done_valid_o = phase_q == PhSelect && all_done && wr_avail == AvailW'(n_wr) &&
                        acks_q - acks_in + 32'(n_wr) == '0;
  assign done_fire = done_valid_o && done_ready_i;

  always_comb begin
    phase_d = phase_q;
    in_base_d = in_base_q;
    n_d = n_q;
    k_d = k_q;
    write_dense_d = write_dense_q;
    write_list_d = write_list_q;
    index_d = index_q;
    cycles_d = phase_q == PhIdle ? cycles_q : cycles_q + 32'd1;
    next_read_d = rd_ptr + 32'(n_rd) * 32'(WordBytes);
    read_end_d = rd_end;
    next_resp_d = resp_word;
    consumed_d = consumed_q + 32'(num);
    thr_d = thr_q;
    ties_left_d = ties_left_q;
    acks_d = acks_q - acks_in + 32'(n_wr);
    cnt_d = cnt_q;
    unique case (phase_q)
      PhIdle: begin
        if (start) begin
          phase_d = PhHist;
          in_base_d = cmd_in_base_i;
          n_d = cmd_n_i;
          k_d = cmd_k_i;
          write_dense_d = cmd_write_dense_i;
          write_list_d = cmd_write_list_i;
          cycles_d = 32'd1;
          next_resp_d = rd_ptr;
          consumed_d = '0;
        end
      end
      PhHist: begin
        cnt_d[64*CntHistUpdate+:64] = cnt_q[64*CntHistUpdate+:64] + 64'(num);
        if (hist_end) phase_d = PhScan;
      end
      PhScan: begin
        cnt_d[64*CntCompare+:64] = cnt_q[64*CntCompare+:64] + 64'(scan_bins);
        if (found) begin
          // The select pass starts next cycle: its reads go out then (Kwta::StartReads).
          phase_d = PhSelect;
          thr_d = found_thr;
          ties_left_d = found_ties;
          next_read_d = {in_base_q[31:Lg], Lg'(0)};
          next_resp_d = {in_base_q[31:Lg], Lg'(0)};
          consumed_d = '0;
        end
      end
      PhSelect: begin
        ties_left_d = ties_left_q - ties_used;
        cnt_d[64*CntCompare+:64] = cnt_q[64*CntCompare+:64] + 64'(num);
        cnt_d[64*CntWinner+:64] = cnt_q[64*CntWinner+:64] + 64'(kept);
        if (write_list_q) cnt_d[64*CntListWrite+:64] = cnt_q[64*CntListWrite+:64] + 64'(kept);
        if (done_fire) begin
          phase_d = PhIdle;
          index_d = index_q + 32'd1;
          cnt_d[64*CntBusyCycle+:64] = cnt_q[64*CntBusyCycle+:64] + 64'(cycles_q) + 64'd1;
        end
      end
      default: phase_d = PhIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      phase_q <= PhIdle;
      in_base_q <= '0;
      n_q <= '0;
      k_q <= '0;
      write_dense_q <= 1'b0;
      write_list_q <= 1'b0;
      index_q <= '0;
      cycles_q <= '0;
      next_read_q <= '0;
      read_end_q <= '0;
      next_resp_q <= '0;
      stg_q <= '0;
      stg_num_q <= '0;
      consumed_q <= '0;
      thr_q <= '0;
      ties_left_q <= '0;
      acks_q <= '0;
      cnt_q <= '0;
    end else begin
      phase_q <= phase_d;
      in_base_q <= in_base_d;
      n_q <= n_d;
      k_q <= k_d;
      write_dense_q <= write_dense_d;
      write_list_q <= write_list_d;
      index_q <= index_d;
      cycles_q <= cycles_d;
      next_read_q <= next_read_d;
      read_end_q <= read_end_d;
      next_resp_q <= next_resp_d;
      stg_q <= stg_d;
      stg_num_q <= stg_num_d;
      consumed_q <= consumed_d;
      thr_q <= thr_d;
      ties_left_q <= ties_left_d;
      acks_q <= acks_d;
      cnt_q <= cnt_d;
    end
  end

  logic unused_resp_tag;
  assign unused_resp_tag = ^glb_resp_tag_i;

endmodule
