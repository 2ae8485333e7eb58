gen:cs_engine_counters_pkg.sv
cs/cs_route.sv
cs/cs_adder_tree.sv
cs/cs_group_engine.sv
cs/cs_engine.sv
