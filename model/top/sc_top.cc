#include "model/top/sc_top.h"

#include <exception>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "model/base/error.h"

namespace cssim {
namespace {

// Exceptions must not cross the SystemC kernel: keep the first one and stop the simulation.
std::exception_ptr g_error;

class UnitModule : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(UnitModule);
  UnitModule(sc_core::sc_module_name name, Unit* unit, const sc_core::sc_event& edge,
             const Cycle* now)
      : sc_core::sc_module(name), unit_(unit), now_(now) {
    SC_METHOD(Tick);
    sensitive << edge;
    dont_initialize();
  }

 private:
  void Tick() {
    if (g_error) return;
    try {
      unit_->Tick(*now_);
    } catch (...) {
      g_error = std::current_exception();
      sc_core::sc_stop();
    }
  }
  Unit* unit_;
  const Cycle* now_;
};

class ClockModule : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(ClockModule);
  ClockModule(sc_core::sc_module_name name, Engine& engine, double clock_mhz,
              const std::function<bool()>& done, const std::function<void(Cycle)>& on_cycle)
      : sc_core::sc_module(name),
        engine_(engine),
        period_(1000.0 / clock_mhz, sc_core::SC_NS),
        done_(done),
        on_cycle_(on_cycle) {
    SC_THREAD(Run);
  }

  sc_core::sc_event edge;
  Cycle now = 0;
  Cycle cycles = 0;

 private:
  void Run() {
    try {
      for (;;) {
        edge.notify();  // immediate: the unit methods run in this evaluation phase
        wait(sc_core::SC_ZERO_TIME);
        if (g_error) return;
        const Cycle next = engine_.EndCycle(now, done_);
        on_cycle_(now);
        if (done_()) {
          cycles = now + 1;
          sc_core::sc_stop();
          return;
        }
        wait(period_ * double(next - now));
        now = next;
      }
    } catch (...) {
      g_error = std::current_exception();
      sc_core::sc_stop();
    }
  }

  Engine& engine_;
  sc_core::sc_time period_;
  std::function<bool()> done_;
  std::function<void(Cycle)> on_cycle_;
};

}  // namespace

Cycle RunSystemC(Engine& engine, double clock_mhz, const std::function<bool()>& done,
                 const std::function<void(Cycle)>& on_cycle) {
  if (sc_core::sc_start_of_simulation_invoked())
    throw SimError("SystemC elaborates once per process: one SystemC run per process");
  g_error = nullptr;
  // sc_stop() is how a run ends, not news.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  ClockModule clock("clock", engine, clock_mhz, done, on_cycle);
  std::vector<std::unique_ptr<UnitModule>> modules;
  for (size_t i = 0; i < engine.units().size(); ++i)
    modules.push_back(std::make_unique<UnitModule>(engine.unit_names()[i].c_str(),
                                                   engine.units()[i], clock.edge, &clock.now));
  sc_core::sc_start();
  if (g_error) std::rethrow_exception(g_error);
  return clock.cycles;
}

}  // namespace cssim
