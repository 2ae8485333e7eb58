// Drain of sparse_accum: from the cycle after the last MAC, PpuLanes accumulators per cycle pass
// the output stage into [pixel][channel] elements at out_base; a GLB word (write with byte
// enables) goes out in the cycle its last element is produced, up to GlbLanes words per cycle.
// `done_o` once every element is out, every write issued and acknowledged.
module ss_drain #(
  parameter int unsigned GlbLanes     = 16,
  parameter int unsigned WordBytes    = 8,
  parameter int unsigned PpuLanes     = 16,
  parameter int unsigned Accumulators = 8192,
  localparam int unsigned CntW        = $clog2(GlbLanes + 1),
  localparam int unsigned AccAw       = $clog2(Accumulators),
  localparam int unsigned PendW       = $clog2(4 * GlbLanes + 1)
) (
  input  logic                                        clk_i,
  input  logic                                        rst_ni,
  input  logic                                        start_i,  // last MAC cycle: drain next
  input  logic                                        run_i,    // the drain phase
  input  logic [31:0]                                 out_base_i,
  input  logic [31:0]                                 outputs_i,  // pixels * channels
  input  logic                                        int8_i,     // elements int8, else int32
  input  logic                                        requant_i,
  input  logic [31:0]                                 shift_i,
  input  logic                                        relu_i,
  input  logic [CntW-1:0]                             space_i,
  input  logic [CntW-1:0]                             ack_count_i,
  // Writes this cycle: count_o words from first_addr_o on.
  output logic [CntW-1:0]                             count_o,
  output logic [31:0]                                 first_addr_o,
  // Slot l: mask at [WordBytes*l +: WordBytes], data at [WordBytes*8*l +: WordBytes*8].
  output logic [GlbLanes*WordBytes-1:0]               mask_o,
  output logic [GlbLanes*WordBytes*8-1:0]             data_o,
  // Accumulator reads: byte b of write slot l reads port p = l * WordBytes + b, its address at
  // [AccAw*p +: AccAw], its data at [32*p +: 32].
  output logic [GlbLanes*WordBytes*AccAw-1:0]         rd_addr_o,
  input  logic [GlbLanes*WordBytes*32-1:0]            rd_data_i,
  output logic [31:0]                                 drains_o,  // elements out this cycle
  output logic                                        done_o
);

  localparam logic [31:0] WordMask = 32'(WordBytes - 1);

  logic [31:0] drained_q, drained_d;  // elements through the output stage
  logic [31:0] next_q, next_d;        // next byte to write
  logic [PendW-1:0] acks_q, acks_d;   // writes not acknowledged
  logic [1:0] elem_log2;
  logic [31:0] end_addr, word0;

  assign elem_log2 = int8_i ? 2'd0 : 2'd2;
  assign end_addr = out_base_i + (outputs_i << elem_log2);
  assign word0 = next_q & ~WordMask;
  assign first_addr_o = word0;

  // Byte b of slot l is output byte (word0 + l * WordBytes + b - out_base).
  always_comb begin
    logic [31:0] rel;
    for (int unsigned p = 0; p < GlbLanes * WordBytes; p++) begin
      rel = word0 + p - out_base_i;
      rd_addr_o[AccAw*p+:AccAw] = AccAw'(rel >> elem_log2);
    end
  end

  // The output stage of each read port's element (an array: connected to slices of one packed
  // vector, the outputs became a chain of wide concatenations in Verilator's C++).
  logic [31:0] stage_y [GlbLanes * WordBytes];
  for (genvar p = 0; p < GlbLanes * WordBytes; p++) begin : g_stage
    ss_out_stage u_stage (
      .x_i      (rd_data_i[32*p+:32]),
      .requant_i(requant_i),
      .shift_i  (shift_i),
      .relu_i   (relu_i),
      .y_o      (stage_y[p])
    );
  end

  always_comb begin
    logic [31:0] produced, word, lim, v, byte_addr;
    logic [1:0] sel;
    logic stop;
    v = '0;
    sel = '0;
    byte_addr = '0;
    drains_o = '0;
    if (run_i && drained_q < outputs_i) begin
      drains_o = outputs_i - drained_q < PpuLanes ? outputs_i - drained_q : PpuLanes;
    end
    drained_d = drained_q + drains_o;
    produced = out_base_i + (drained_d << elem_log2);
    count_o = '0;
    mask_o = '0;
    data_o = '0;
    next_d = next_q;
    stop = !run_i;
    for (int unsigned l = 0; l < GlbLanes; l++) begin
      word = word0 + l * WordBytes;
      lim = word + WordBytes < end_addr ? word + WordBytes : end_addr;
      if (!stop && CntW'(l) < space_i && next_d < end_addr && lim <= produced) begin
        for (int unsigned b = 0; b < WordBytes; b++) begin
          byte_addr = word + b;
          if (byte_addr >= next_d && byte_addr < lim) begin
            // The byte of its element: an int32 is little endian.
            sel = int8_i ? 2'd0 : 2'(byte_addr - out_base_i);
            v = stage_y[l*WordBytes+b];
            mask_o[l*WordBytes+b] = 1'b1;
            data_o[8*(l*WordBytes+b)+:8] = v[8*sel+:8];
          end
        end
        count_o = CntW'(l + 1);
        next_d = word + WordBytes;
      end else begin
        stop = 1'b1;
      end
    end
    acks_d = acks_q - PendW'(ack_count_i) + PendW'(count_o);
    done_o = run_i && drained_d == outputs_i && next_d >= end_addr && acks_d == 0;
    if (start_i) begin
      drained_d = '0;
      next_d = out_base_i;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      drained_q <= '0;
      next_q <= '0;
      acks_q <= '0;
    end else begin
      drained_q <= drained_d;
      next_q <= next_d;
      acks_q <= acks_d;
    end
  end

endmodule
