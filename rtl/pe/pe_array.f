gen:pe_array_counters_pkg.sv
pe/pe.sv
pe/pe_array.sv
