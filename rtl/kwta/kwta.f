gen:kwta_counters_pkg.sv
kwta/kwta_hist.sv
kwta/kwta_select.sv
kwta/kwta_stream.sv
kwta/kwta_wr_queue.sv
kwta/kwta.sv
