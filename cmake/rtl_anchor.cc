// Keeps cssim_rtl a valid library while no RTL block exists yet; the Verilated blocks add
// their sources through verilate() (cmake/rtl.cmake).
