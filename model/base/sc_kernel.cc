#include "model/base/sc_kernel.h"

#include <exception>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "model/base/error.h"
#include "model/base/twin.h"

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
    for (Unit* u : engine.units())
      if (auto* t = dynamic_cast<TwinUnit*>(u)) twins_.push_back(t);
    SC_THREAD(Run);
  }

  sc_core::sc_event edge;
  Cycle now = 0;
  Cycle cycles = 0;

 private:
  // Lets the delta cycles run until no process is runnable: the Verilated twins have settled.
  void Settle() {
    do {
      wait(sc_core::SC_ZERO_TIME);
    } while (sc_core::sc_pending_activity_at_current_time());
  }

  // An asynchronous reset pulse for every RTL twin, before cycle 0.
  void ResetTwins() {
    for (TwinUnit* t : twins_) t->SetReset(false);
    Settle();
    for (TwinUnit* t : twins_) t->SetReset(true);
    Settle();
    for (TwinUnit* t : twins_) t->SetReset(false);
    Settle();
  }

  void Run() {
    try {
      if (!twins_.empty()) ResetTwins();
      for (;;) {
        for (TwinUnit* t : twins_) {
          t->Waves(now);
          t->Drive(now);
        }
        if (!twins_.empty()) Settle();
        edge.notify();  // immediate: the unit methods run in this evaluation phase
        wait(sc_core::SC_ZERO_TIME);
        if (g_error) return;
        if (!twins_.empty()) {
          for (TwinUnit* t : twins_) t->Edge(now);
          Settle();
          for (TwinUnit* t : twins_) t->Settled(now);
        }
        const Cycle next = engine_.EndCycle(now, done_);
        on_cycle_(now);
        if (done_()) {
          cycles = now + 1;
          for (TwinUnit* t : twins_) t->Finish(cycles);
          sc_core::sc_stop();
          return;
        }
        if (twins_.empty()) {
          wait(period_ * double(next - now));
        } else {
          // The falling edge half a period after the rising one, so that waves show a clock.
          wait(period_ * 0.5);
          for (TwinUnit* t : twins_) t->FallingEdge();
          Settle();
          wait(period_ * (double(next - now) - 0.5));
        }
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
  std::vector<TwinUnit*> twins_;
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
