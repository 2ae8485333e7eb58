// One dense processing element of the weight-stationary PE array (rtl/pe/pe_array.sv): an
// int8 x int8 -> int32 MAC with its weight register file (Buffers banks x KpMax entries), its
// input register, its psum register and the control registers that say what it does next.
//
// Weight bus: w_we_i writes w_data_i into entry w_entry_i of bank w_bank_i at the clock edge, one
// entry per cycle. The write is registered: a read in the same cycle sees the old entry.
// Operands: in the cycle a beat reaches the PE's row, the array drives mac_i (this PE multiplies
// it), last_i (the beat ends a pixel) and the weight entry to use; the PE registers them with the
// input value and acts in the next cycle: psum += input * weight (if mac), and psum_o =
// psum_i + psum, the column sum so far plus this PE's share. On a pixel's last beat psum_o is the
// value the array passes down the column, and the psum register clears for the next pixel.
// Latency: one cycle from operand to psum_o. Throughput: one MAC per cycle.
module pe #(
  parameter int unsigned Buffers = 2,
  parameter int unsigned KpMax = 32,
  localparam int unsigned BankW = Buffers > 1 ? $clog2(Buffers) : 1,
  localparam int unsigned EntryW = KpMax > 1 ? $clog2(KpMax) : 1
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // Weight bus (column multicast).
  input  logic                     w_we_i,
  input  logic [BankW-1:0]         w_bank_i,
  input  logic [EntryW-1:0]        w_entry_i,
  input  logic signed [7:0]        w_data_i,
  // Input beat (row multicast) and its control.
  input  logic                     mac_i,
  input  logic                     last_i,
  input  logic signed [7:0]        in_data_i,
  input  logic [BankW-1:0]         rd_bank_i,
  input  logic [EntryW-1:0]        rd_entry_i,
  // Column reduction.
  input  logic signed [31:0]       psum_i,
  output logic signed [31:0]       psum_o
);

  logic signed [7:0] wrf_q [Buffers][KpMax];
  logic signed [7:0] in_q;
  logic [BankW-1:0] bank_q;
  logic [EntryW-1:0] entry_q;
  logic mac_q, last_q;
  logic signed [31:0] psum_d, psum_q;

  logic signed [7:0] weight;
  logic signed [15:0] product;
  logic signed [31:0] acc;

  always_comb begin
    weight = wrf_q[bank_q][entry_q];
    product = in_q * weight;
    acc = mac_q ? psum_q + 32'(product) : psum_q;
    psum_o = psum_i + acc;
    psum_d = last_q ? '0 : acc;
  end

  // Weight RF, input register and entry select: datapath, loaded only when used (no reset).
  always_ff @(posedge clk_i) begin
    if (w_we_i) wrf_q[w_bank_i][w_entry_i] <= w_data_i;
    if (mac_i) begin
      in_q <= in_data_i;
      bank_q <= rd_bank_i;
      entry_q <= rd_entry_i;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mac_q <= 1'b0;
      last_q <= 1'b0;
      psum_q <= '0;
    end else begin
      mac_q <= mac_i;
      last_q <= last_i;
      psum_q <= psum_d;
    end
  end

endmodule
