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
  input  logic [AddPorts*Aw-1:0]           add_addr_i,  // port i at [Aw*i +: Aw]
  input  logic [AddPorts*32-1:0]           add_val_i,   // port i at [32*i +: 32]
  input  logic [RdPorts*Aw-1:0]            rd_addr_i,   // port i at [Aw*i +: Aw]
  output logic [RdPorts*32-1:0]            rd_data_o    // port i at [32*i +: 32]
);

  logic [Entries-1:0] valid_q, valid_d;
  logic [31:0] mem_q [Entries];

  function automatic logic [31:0] entry(logic [Aw-1:0] a);
    entry = valid_q[a] ? mem_q[a] : '0;
  endfunction

  always_comb begin
    valid_d = clear_i ? '0 : valid_q;
    for (int unsigned i = 0; i < AddPorts; i++) begin
      if (add_en_i[i]) valid_d[add_addr_i[Aw*i+:Aw]] = 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) valid_q <= '0;
    else valid_q <= valid_d;
  end

  for (genvar i = 0; i < AddPorts; i++) begin : g_add
    // The call outside the always_ff, like every call in this block kept out of a condition (in
    // a combinational block yosys 0.23 makes a latch of a call under one).
    logic [Aw-1:0] addr;
    logic [31:0] sum;
    assign addr = add_addr_i[Aw*i+:Aw];
    assign sum = entry(addr) + add_val_i[32*i+:32];
    always_ff @(posedge clk_i) begin
      if (add_en_i[i]) mem_q[addr] <= sum;
    end
  end

  for (genvar i = 0; i < RdPorts; i++) begin : g_rd
    assign rd_data_o[32*i+:32] = entry(rd_addr_i[Aw*i+:Aw]);
  end

endmodule
