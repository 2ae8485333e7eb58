// One output stream of the k-WTA select pass (the dense map or the active list, Kwta::Flush in
// model/kwta/kwta.cc): appends bytes at consecutive GLB addresses from a base and cuts them
// into word writes with byte enables as soon as a word is complete.
//
// Function: `start_i` points the stream at `base_i` (a command starts). In a cycle with `en_i`
// the first `num_i` bytes of `new_i` are appended; then every byte up to the last word boundary
// (every byte, with `all_i`: the stream ends) that is not written yet goes out as words_o word
// writes, lowest address first, each covering only its new bytes (a partial word at either end
// has byte enables). The bytes after the last boundary wait in a one-word register.
// Invariant: the unwritten bytes [ptr_q, end_q) lie in one word.
module kwta_stream #(
  parameter int unsigned WordBytes = 8,
  parameter int unsigned MaxNew = 16,
  parameter int unsigned AddrW = 32,
  localparam int unsigned NumW = $clog2(MaxNew + 1),
  // Words one cycle can write: up to WordBytes - 1 waiting bytes and MaxNew new ones.
  localparam int unsigned MaxWords = (2 * WordBytes - 2 + MaxNew) / WordBytes,
  localparam int unsigned WordsW = $clog2(MaxWords + 1)
) (
  input  logic                                    clk_i,
  input  logic                                    rst_ni,
  input  logic                                    start_i,
  input  logic [AddrW-1:0]                        base_i,
  input  logic                                    en_i,
  input  logic [8*MaxNew-1:0]                     new_i,  // byte i at [8i+7:8i]
  input  logic [NumW-1:0]                         num_i,
  input  logic                                    all_i,
  output logic [WordsW-1:0]                       words_o,
  // Word k: address at [AddrW*k +: AddrW], byte enables at [WordBytes*k +: WordBytes], data at
  // [8*WordBytes*k +: 8*WordBytes] (byte b of the word at its [8b+7:8b]).
  output logic [MaxWords*AddrW-1:0]               addr_o,
  output logic [MaxWords*WordBytes-1:0]           mask_o,
  output logic [8*MaxWords*WordBytes-1:0]         data_o
);

  localparam int unsigned Lg = $clog2(WordBytes);
  localparam int unsigned WinBytes = MaxWords * WordBytes;
  // Offsets into the window: up to WinBytes.
  localparam int unsigned OffW = $clog2(WinBytes + 1);
  localparam int unsigned NewIdxW = $clog2(MaxNew);
  localparam int unsigned WinIdxW = $clog2(WinBytes);
  localparam int unsigned WordIdxW = $clog2(MaxWords);

  logic [AddrW-1:0]                ptr_q, ptr_d;  // first byte not written yet
  logic [AddrW-1:0]                end_q, end_d;  // one past the last byte appended
  logic [8*WordBytes-1:0]          cur_q, cur_d;  // the word holding [ptr_q, end_q)

  // The window: the word at `wa` and the words after it, holding the waiting and the new bytes.
  logic [AddrW-1:0]                wa;
  logic [OffW-1:0]                 ps, o, tot, stop, floor_tot;
  logic [8*WinBytes-1:0]           win;
  logic [WordsW-1:0]               words;

  assign wa = {ptr_q[AddrW-1:Lg], Lg'(0)};
  assign ps = OffW'(ptr_q[Lg-1:0]);
  assign o = OffW'(end_q - wa);
  assign tot = o + OffW'(num_i);
  assign floor_tot = {tot[OffW-1:Lg], Lg'(0)};
  assign stop = all_i ? tot : (floor_tot > ps ? floor_tot : ps);
  // Words [0, words) of the window hold bytes [ps, stop); none if stop == ps.
  assign words = stop > ps ? WordsW'((stop + OffW'(WordBytes - 1)) >> Lg) : '0;
  assign words_o = en_i ? words : '0;

  always_comb begin
    logic [OffW-1:0] rel;
    for (int unsigned j = 0; j < WinBytes; j++) begin
      rel = OffW'(j) - o;
      if (OffW'(j) < o) begin
        win[8*j+:8] = cur_q[{Lg'(j), 3'd0}+:8];
      end else if (rel < OffW'(num_i)) begin
        win[8*j+:8] = new_i[{rel[NewIdxW-1:0], 3'd0}+:8];
      end else begin
        win[8*j+:8] = '0;
      end
    end
  end

  always_comb begin
    logic [OffW-1:0] pos;
    for (int unsigned k = 0; k < MaxWords; k++) begin
      addr_o[AddrW*k+:AddrW] = wa + AddrW'(k * WordBytes);
      for (int unsigned b = 0; b < WordBytes; b++) begin
        pos = OffW'(k * WordBytes + b);
        mask_o[WordBytes*k+b] = pos >= ps && pos < stop;
        data_o[8*(WordBytes*k+b)+:8] =
            mask_o[WordBytes*k+b] ? win[{pos[WinIdxW-1:0], 3'd0}+:8] : '0;
      end
    end
  end

  always_comb begin
    ptr_d = ptr_q;
    end_d = end_q;
    cur_d = cur_q;
    if (start_i) begin
      ptr_d = base_i;
      end_d = base_i;
    end else if (en_i) begin
      ptr_d = wa + AddrW'(stop);
      end_d = wa + AddrW'(tot);
      cur_d = win[{tot[Lg+WordIdxW-1:Lg], Lg'(0), 3'd0}+:8*WordBytes];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ptr_q <= '0;
      end_q <= '0;
      cur_q <= '0;
    end else begin
      ptr_q <= ptr_d;
      end_q <= end_d;
      cur_q <= cur_d;
    end
  end

`ifndef SYNTHESIS
  // Checked at the clock edge, outside reset (Verilator: only with --assert).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (rst_ni && en_i) assert (end_q - wa < AddrW'(WordBytes))
    else $error("kwta_stream: the waiting bytes span more than one word");
  end
`endif

endmodule
