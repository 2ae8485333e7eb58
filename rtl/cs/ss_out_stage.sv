// The PPU output stage of one element (ss_pkg::output_stage), a module so that synthesis builds
// it once for ss_drain's GlbLanes * WordBytes read ports.
module ss_out_stage (
  input  logic [31:0] x_i,
  input  logic        requant_i,
  input  logic [31:0] shift_i,
  input  logic        relu_i,
  output logic [31:0] y_o
);

  assign y_o = ss_pkg::output_stage(x_i, requant_i, shift_i, relu_i);

endmodule
