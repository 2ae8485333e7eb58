// Accumulator SRAM of sparse_accum: int32 entries with one add port per multiplier (a
// read-modify-write of a distinct entry each) and asynchronous read ports for the drain. Clearing
// is free: `clear_i` invalidates every entry, and an invalid entry reads as 0 (the model clears
// the command's accumulators when it accepts the command).
//
// An entry is valid when it was written since the last clear (or reset). Each entry keeps, beside
// its value, the generation it was written in; `clear_i` and the first cycle after reset start a
// new generation, and an entry is valid when its generation is the current one. This replaces a
// valid flip-flop per entry, whose set logic (an Entries-output decoder per add port) and read
// multiplexers (Entries to 1 per port) would dwarf the rest of the block; the generations live in
// the memory. They cannot wrap: one starts at most once per cycle, and no run reaches 2^64
// cycles. The first generation matches no entry never written because the generations start at
// 0, entries and counter alike, as Verilator starts all state (a chip would zero the generation
// RAM at power-up); the counter is not reset, so that a later reset starts a new generation too.
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

  logic fresh_q;  // the first cycle after reset
  logic [63:0] gen_q, gen_d;
  logic [31:0] mem_q [Entries];
  logic [63:0] gen_mem_q [Entries];  // the generation each entry was written in

  function automatic logic [31:0] entry(logic [Aw-1:0] a);
    entry = !fresh_q && gen_mem_q[a] == gen_q ? mem_q[a] : '0;
  endfunction

  assign gen_d = gen_q + 64'(clear_i || fresh_q);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) fresh_q <= 1'b1;
    else fresh_q <= 1'b0;
  end

  always_ff @(posedge clk_i) gen_q <= gen_d;

  for (genvar i = 0; i < AddPorts; i++) begin : g_add
    // The call outside the always_ff, like every call in this block kept out of a condition (in
    // a combinational block yosys 0.23 makes a latch of a call under one).
    logic [Aw-1:0] addr;
    logic [31:0] sum;
    assign addr = add_addr_i[Aw*i+:Aw];
    assign sum = entry(addr) + add_val_i[32*i+:32];
    always_ff @(posedge clk_i) begin
      if (add_en_i[i]) begin
        mem_q[addr] <= sum;
        gen_mem_q[addr] <= gen_d;
      end
    end
  end

  for (genvar i = 0; i < RdPorts; i++) begin : g_rd
    assign rd_data_o[32*i+:32] = entry(rd_addr_i[Aw*i+:Aw]);
  end

endmodule
