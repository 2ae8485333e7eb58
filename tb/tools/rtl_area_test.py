#!/usr/bin/python3
# Tests of tools/rtl-area on small designs made here (the real blocks take minutes to hours):
# memory macros and their pricing, the flip-flop alternative, hierarchy multiplication, bad input.
# Run by ctest as cosim.rtl_area; needs yosys.
import json
import os
import subprocess
import sys
import tempfile
import unittest

TOOL = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    "tools", "rtl-area")

# A leaf with a 16 x 8 memory (one write port, two asynchronous read ports), instanced twice
# under a middle module, and a 4-bit register with a reset in the top.
DESIGN = """
module leaf (
  input  logic       clk_i,
  input  logic       we_i,
  input  logic [3:0] wa_i,
  input  logic [7:0] wd_i,
  input  logic [3:0] ra_i,
  output logic [7:0] rd_o,
  output logic [7:0] rd2_o
);
  logic [7:0] mem [16];
  always_ff @(posedge clk_i) begin
    if (we_i) mem[wa_i] <= wd_i;
  end
  assign rd_o  = mem[ra_i];
  assign rd2_o = mem[ra_i + 4'd1];
endmodule

module top (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        we_i,
  input  logic [3:0]  wa_i,
  input  logic [7:0]  wd_i,
  input  logic [3:0]  ra_i,
  output logic [31:0] rd_o,
  output logic [3:0]  cnt_o
);
  // A level between the top and the leaves: yosys 0.23's stat -json then prints its hierarchy
  // table into the JSON.
  mid u_mid (
    .clk_i (clk_i),
    .we_i  (we_i),
    .wa_i  (wa_i),
    .wd_i  (wd_i),
    .ra_i  (ra_i),
    .rd_o  (rd_o)
  );
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) cnt_o <= '0;
    else cnt_o <= cnt_o + 4'(we_i);
  end
endmodule

module mid (
  input  logic        clk_i,
  input  logic        we_i,
  input  logic [3:0]  wa_i,
  input  logic [7:0]  wd_i,
  input  logic [3:0]  ra_i,
  output logic [31:0] rd_o
);
  for (genvar i = 0; i < 2; i++) begin : g_leaf
    leaf u_leaf (
      .clk_i (clk_i),
      .we_i  (we_i),
      .wa_i  (wa_i ^ 4'(i)),
      .wd_i  (wd_i + 8'(i)),  // different contents, or flat synthesis merges the two
      .ra_i  (ra_i),
      .rd_o  (rd_o[16*i +: 8]),
      .rd2_o (rd_o[16*i+8 +: 8])
    );
  end
endmodule
"""


class RtlArea(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="rtl_area_test.")
        self.rtl = os.path.join(self.dir.name, "rtl")
        os.makedirs(os.path.join(self.rtl, "t"))
        self.write("t/top.sv", DESIGN)
        self.write("t/top.f", "# the test top\nt/top.sv\n")

    def tearDown(self):
        self.dir.cleanup()

    def write(self, name, text):
        with open(os.path.join(self.rtl, name), "w") as f:
            f.write(text)

    def run_tool(self, *args):
        return subprocess.run([TOOL, "--rtl-dir", self.rtl, *args],
                              capture_output=True,
                              text=True,
                              timeout=300)

    def area(self, *args):
        out = os.path.join(self.dir.name, "area.json")
        r = self.run_tool("--json", out, *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as f:
            return json.load(f)["blocks"]["top"]

    def test_memories_are_macros_priced_per_bit_and_port(self):
        for mode in ("hier", "flat"):
            with self.subTest(mode=mode):
                b = self.area("--mode", mode)
                self.assertEqual(b["memories_as"], "macro")
                self.assertEqual(b["memories"], 2)
                self.assertEqual(b["memory_bits"], 2 * 16 * 8)
                macros = b["memory_macros"]
                self.assertEqual(sum(m["instances"] for m in macros), 2)
                for m in macros:
                    self.assertEqual((m["words"], m["width"]), (16, 8))
                    self.assertEqual((m["read_ports"], m["write_ports"]), (2, 1))
                    self.assertEqual(m["transistors_per_bit"], 10)  # 6 + 2 x 2 further ports
                    self.assertEqual(m["transistors"], m["instances"] * 128 * 10)
                self.assertEqual(b["flip_flops"], 4)  # only the counter
                self.assertTrue(b["transistors_complete"])
                self.assertGreater(b["transistors"], 2 * 128 * 10)  # + the logic's

    def test_hier_mode_multiplies_a_module_by_its_instances(self):
        macros = self.area("--mode", "hier")["memory_macros"]
        self.assertEqual([(m["module"], m["instances"]) for m in macros], [("leaf", 2)])

    def test_flops_mode_maps_memories_to_flip_flops(self):
        b = self.area("--memories", "flops")
        self.assertEqual(b["memories_as"], "flops")
        self.assertEqual(b["memories"], 0)
        self.assertEqual(b["memory_bits"], 0)
        self.assertEqual(b["memory_macros"], [])
        self.assertEqual(b["flip_flops"], 2 * 128 + 4)
        self.assertGreater(b["muxes"], 0)  # the read ports

    def test_no_counters_drops_the_counter_port(self):
        b = self.area("--no-counters")
        self.assertEqual(b["flip_flops"], 0)

    def test_unknown_block_is_a_usage_error(self):
        r = self.run_tool("--blocks", "nope")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown block 'nope'; known: top", r.stderr)

    def test_unsupported_construct_names_the_line_and_writes_nothing(self):
        self.write("t/top.sv", "package p; localparam int X = 1; endpackage\n" +
                   DESIGN.replace("module leaf (", "module leaf import p::*; ("))
        out = os.path.join(self.dir.name, "area.json")
        r = self.run_tool("--json", out)
        self.assertEqual(r.returncode, 1)
        self.assertIn("package import", r.stderr)
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
