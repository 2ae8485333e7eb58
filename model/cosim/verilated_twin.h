// VerilatedTwin<V>: the half of a twin every Verilated block shares. Include only from a twin's
// .cc file: the Verilated headers pull `systemc.h` (global-namespace names) in.
//
// Every RTL block has these ports (docs/style.md, section 5):
//   clk_i, rst_ni     clock, asynchronous active-low reset
//   busy_o            1 while the block holds work in flight: a clock edge with unchanged inputs
//                     could change its state or its outputs (the engine then ticks every cycle;
//                     an idle block only reacts to its links, so idle cycles may be skipped)
//   cnt_o             the counters of rtl/<unit>/<module>.counters, 64 bits each, index i at
//                     bits [64 i + 63 : 64 i]
// A block's twin derives from VerilatedTwin<Vmodule>, binds its own port signals to rtl_ in its
// constructor, and implements DriveInputs / Transfer / Compare with InPort and OutPort.
#pragma once

#include <verilated.h>
#include <verilated_fst_sc.h>

#include <memory>
#include <string>
#include <systemc>
#include <type_traits>
#include <utility>
#include <vector>

#include "model/cosim/twin.h"

namespace cssim {

// A SystemC module name for a twin instance ("top.array" -> "top_array_rtl").
inline std::string RtlModuleName(const std::string& instance, const CosimOptions& options) {
  // Tracing must be switched on before the Verilated module is built.
  if (!options.wave_prefix.empty()) Verilated::traceEverOn(true);
  std::string s = instance;
  for (char& c : s)
    if (c == '.') c = '_';
  return s + "_rtl";
}

// The SystemC type Verilator gave a port (bool, uint32_t, uint64_t or sc_bv<N> by its width),
// and a signal of that type to bind to it.
template <typename Port>
using PortData = typename std::remove_reference_t<Port>::data_type;
template <typename Port>
using SignalOf = sc_core::sc_signal<PortData<Port>>;

inline uint64_t Slice64(uint64_t v, size_t i) { return i == 0 ? v : 0; }
inline uint64_t Slice64(uint32_t v, size_t i) { return i == 0 ? v : 0; }
template <int W>
uint64_t Slice64(const sc_dt::sc_bv<W>& v, size_t i) {
  return v.range(int(64 * i + 63), int(64 * i)).to_uint64();
}

template <typename V>
class VerilatedTwin : public Twin {
 public:
  VerilatedTwin(std::string instance, Impl impl, Unit& model, StatGroup& stats,
                std::vector<CounterSpec> counters, const CosimOptions& options)
      : Twin(instance, impl, model, stats, std::move(counters), options),
        rtl_(RtlModuleName(instance, options).c_str()) {
    rtl_.clk_i(clk_);
    rtl_.rst_ni(rst_n_);
    rtl_.busy_o(busy_);
    rtl_.cnt_o(cnt_);
  }

  void SetReset(bool active) override { rst_n_.write(!active); }
  void Waves(Cycle now) override {
    if (options().wave_prefix.empty()) return;
    const bool in = now >= options().wave_from && now <= options().wave_to;
    // The trace file is made when the window opens: Verilator adds a module's signals only
    // after elaboration, and only to a file that has not dumped yet.
    if (in && !waves_) {
      waves_ = std::make_unique<VerilatedFstSc>();
      rtl_.trace(waves_.get(), 99);
      waves_->open((options().wave_prefix + instance() + ".fst").c_str());
    }
    if (!in && waves_ && waves_->isOpen()) waves_->close();
  }
  void Finish(Cycle end) override {
    if (waves_ && waves_->isOpen()) waves_->close();
    Twin::Finish(end);
  }

 protected:
  void SetClock(bool high) override { clk_.write(high); }
  bool Busy() const override { return busy_.read(); }
  uint64_t RtlCounter(size_t i) const override { return Slice64(cnt_.read(), i); }

  using CntT = typename std::remove_reference_t<decltype(std::declval<V&>().cnt_o)>::data_type;
  V rtl_;
  sc_core::sc_signal<bool> clk_, rst_n_, busy_;
  sc_core::sc_signal<CntT> cnt_;
  std::unique_ptr<VerilatedFstSc> waves_;
};

}  // namespace cssim
