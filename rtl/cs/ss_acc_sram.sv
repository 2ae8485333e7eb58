// Accumulator SRAM of sparse_accum: int32 entries with one add port per multiplier (a
// read-modify-write of a distinct entry each) and asynchronous read ports for the drain. A valid
// bit per entry makes clearing free: `clear_i` invalidates every entry, and an invalid entry reads
// as 0 (the model clears the command's accumulators when it accepts the command).
module ss_acc_sram #(
  parameter int unsigned Entries = 8192,
  parameter int unsigned AddPorts = 256,
  parameter int unsigned RdPorts = 128,
  localparam int unsigned Aw = $clog2(Entries)
) (
  input  logic                             clk_i,
  input  logic                             rst_ni,
  input  logic                             clear_i,
  input  logic [AddPorts-1:0]              add_en_i,
  input  logic [AddPorts-1:0][Aw-1:0]      add_addr_i,
  input  logic [AddPorts-1:0][31:0]        add_val_i,
  input  logic [RdPorts-1:0][Aw-1:0]       rd_addr_i,
  output logic [RdPorts-1:0][31:0]         rd_data_o
);

  logic [Entries-1:0] valid_q, valid_d;
  logic [31:0] mem_q [Entries];

  function automatic logic [31:0] entry(logic [Aw-1:0] a);
    return valid_q[a] ? mem_q[a] : '0;
  endfunction

  always_comb begin
    valid_d = clear_i ? '0 : valid_q;
    for (int unsigned i = 0; i < AddPorts; i++) begin
      if (add_en_i[i]) valid_d[add_addr_i[i]] = 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) valid_q <= '0;
    else valid_q <= valid_d;
  end

  for (genvar i = 0; i < AddPorts; i++) begin : g_add
    always_ff @(posedge clk_i) begin
      if (add_en_i[i]) mem_q[add_addr_i[i]] <= entry(add_addr_i[i]) + add_val_i[i];
    end
  end

  for (genvar i = 0; i < RdPorts; i++) begin : g_rd
    assign rd_data_o[i] = entry(rd_addr_i[i]);
  end

endmodule
