#include "model/top/accelerator.h"

#include <algorithm>

#include "model/cosim/cs_engine_twin.h"
#include "model/cosim/factory.h"
#include "model/cosim/kwta_twin.h"
#include "model/cosim/pe_array_twin.h"
#include "model/cosim/sparse_accum_twin.h"
#include "model/pe/systolic_array.h"

namespace cssim {
namespace {
int Lanes(int bus_bytes, int word_bytes) { return std::max(1, bus_bytes / word_bytes); }
bool IsRs(const ArchSpec& a) { return a.array.dataflow == Dataflow::kRowStationary; }

std::unique_ptr<ArrayUnit> MakeArray(const ArchSpec& a, Link<Beat>& in, Link<Beat>& weight,
                                     StatGroup& root) {
  if (a.array.topology == Topology::kSystolic)
    return std::make_unique<SystolicArray>(a.array, a.pe, in, weight, root);
  if (IsRs(a)) return std::make_unique<RsArray>(a.array, a.pe, in, weight, root);
  return std::make_unique<PeArray>(a.array, a.pe, in, weight, root);
}

// Lanes of the array's input and weight buses: the multicast array takes inputs per row and
// weights per column; the systolic array's input-stationary passes preload inputs per column
// and stream weights per row, so either bus may need either width; row-stationary buses have a
// lane per filter row and group, and per input diagonal: at most one per PE
// (model/compile/compile_rs.cc keeps a pass within it).
int InputLanes(const ArchSpec& a) {
  const ArraySpec& s = a.array;
  if (IsRs(a)) return s.rows * s.cols;
  return s.topology == Topology::kSystolic ? std::max(s.rows, s.cols) : s.rows;
}
int WeightLanes(const ArchSpec& a) {
  const ArraySpec& s = a.array;
  if (IsRs(a)) return s.rows * s.cols;
  return s.topology == Topology::kSystolic ? std::max(s.rows, s.cols) : s.cols;
}
}  // namespace

Accelerator::Accelerator(const ArchSpec& a, const Program& program, Impl impl,
                         const CosimOptions& cosim)
    : Accelerator(a, program, nullptr, nullptr, "top") {
  impl_ = impl;
  cosim_ = cosim;
  for (const Op& op : program.ops) uses_[size_t(op.engine)] = true;
  AddTo(engine_, "");
}

void Accelerator::AddUnit(Engine& e, Unit* u, std::unique_ptr<Twin> t, const std::string& name) {
  if (!t) {
    e.AddUnit(u, name);
    return;
  }
  e.AddUnit(t.get(), name);
  twins_.push_back(std::move(t));
}

Accelerator::Accelerator(const ArchSpec& a, const Program& program, DramPort dram,
                         const std::string& stats_name)
    : Accelerator(a, program, nullptr, &dram, stats_name) {}

Accelerator::Accelerator(const ArchSpec& a, const Program& program, std::unique_ptr<Dram> own,
                         DramPort* port, const std::string& stats_name)
    : root_(nullptr, stats_name),
      dram_(port ? std::move(own) : std::make_unique<Dram>(a.dram, a.clock_mhz, root_)),
      glb_(a.glb, root_),
      dma_port_(glb_.AddPort("glb.dma", Lanes(kDramAtomBytes, a.glb.bank_width_bytes), 8)),
      input_port_(
          glb_.AddPort("glb.input_bus", Lanes(a.noc.input_bus_bytes, a.glb.bank_width_bytes), 4)),
      weight_port_(
          glb_.AddPort("glb.weight_bus", Lanes(a.noc.weight_bus_bytes, a.glb.bank_width_bytes), 4)),
      collect_port_(
          glb_.AddPort("glb.output_bus", Lanes(a.noc.output_bus_bytes, a.glb.bank_width_bytes), 4)),
      cs_input_port_(glb_.AddPort("glb.cs_input_bus",
                                  Lanes(a.noc.input_bus_bytes, a.glb.bank_width_bytes), 4)),
      cs_weight_port_(glb_.AddPort("glb.cs_weight_bus",
                                   Lanes(a.noc.weight_bus_bytes, a.glb.bank_width_bytes), 4)),
      cs_id_port_(
          glb_.AddPort("glb.cs_id_bus", Lanes(a.noc.weight_bus_bytes, a.glb.bank_width_bytes), 4)),
      cs_collect_port_(glb_.AddPort("glb.cs_output_bus",
                                    Lanes(a.noc.output_bus_bytes, a.glb.bank_width_bytes), 4)),
      ss_port_(glb_.AddPort("glb.ss", a.cs.ss_glb_words, size_t(2 * a.cs.ss_glb_words))),
      kwta_port_(glb_.AddPort("glb.kwta", Lanes(a.kwta.lanes, a.glb.bank_width_bytes), 4)),
      vector_port_(glb_.AddPort("glb.vector", Lanes(a.ppu.lanes, a.glb.bank_width_bytes), 4)),
      dma_(a.dma, port ? port->req : dram_->req(), port ? port->resp : dram_->resp(), dma_port_,
           a.glb.bank_width_bytes, root_),
      input_("input_bus", InputLanes(a), a.pe.input_rf_entries, a.noc.latency_cycles, input_port_,
             a.glb.bank_width_bytes, DataType::kInput, root_),
      weight_("weight_bus", WeightLanes(a), 2 * a.glb.bank_width_bytes, a.noc.latency_cycles,
              weight_port_, a.glb.bank_width_bytes, DataType::kWeight, root_),
      array_(MakeArray(a, input_.out(), weight_.out(), root_)),
      collector_("", a.ppu, a.noc.output_bus_bytes, array_->out(), collect_port_,
                 a.glb.bank_width_bytes, root_),
      cs_input_("cs_input_bus", a.cs.lanes, a.pe.input_rf_entries, a.noc.latency_cycles,
                cs_input_port_, a.glb.bank_width_bytes, DataType::kInput, root_),
      cs_weight_("cs_weight_bus", a.cs.engines, 2 * a.glb.bank_width_bytes, a.noc.latency_cycles,
                 cs_weight_port_, a.glb.bank_width_bytes, DataType::kWeight, root_),
      cs_id_("cs_id_bus", a.cs.engines, 2 * a.glb.bank_width_bytes, a.noc.latency_cycles,
             cs_id_port_, a.glb.bank_width_bytes, DataType::kKernelId, root_),
      cs_(a.cs, cs_input_.out(), cs_weight_.out(), cs_id_.out(), root_),
      cs_collector_("cs_", a.ppu, a.noc.output_bus_bytes, cs_.out(), cs_collect_port_,
                    a.glb.bank_width_bytes, root_),
      ss_(a.cs, a.ppu, ss_port_, a.glb.bank_width_bytes, root_),
      kwta_(a.kwta, kwta_port_, a.glb.bank_width_bytes, root_),
      vector_(a.ppu, vector_port_, a.glb.bank_width_bytes, root_),
      controller_(program,
                  ControllerPorts{dma_.cmd(), dma_.done(),
                                  EnginePorts{input_.cmd(), weight_.cmd(), nullptr, array_->cmd(),
                                              collector_.cmd(), collector_.done()},
                                  EnginePorts{cs_input_.cmd(), cs_weight_.cmd(), &cs_id_.cmd(),
                                              cs_.cmd(), cs_collector_.cmd(), cs_collector_.done()},
                                  vector_.cmd(), vector_.done(), kwta_.cmd(), kwta_.done(),
                                  ss_.cmd(), ss_.done()}) {}

void Accelerator::AddTo(Engine& e, const std::string& prefix) {
  e.AddUnit(&controller_, prefix + "controller");
  if (dram_) e.AddUnit(dram_.get(), prefix + "dram");
  e.AddUnit(&dma_, prefix + "dma");
  e.AddUnit(&glb_, prefix + "glb");
  e.AddUnit(&input_, prefix + "input_bus");
  e.AddUnit(&weight_, prefix + "weight_bus");
  const bool rtl = impl_ != Impl::kModel;
  auto twin = [&](OpEngine used) { return rtl && uses_[size_t(used)]; };
  const std::string inst = root_.name() + ".";
  // Only the multicast array has an RTL twin (run.cc refuses --impl rtl|both with systolic or
  // rs).
  auto* pe_array = dynamic_cast<PeArray*>(array_.get());
  AddUnit(e, array_.get(),
          twin(OpEngine::kArray) && pe_array ? TwinOf(kPeArrayTwin, *pe_array, input_.out(),
                                                      weight_.out(), impl_, cosim_, inst + "array")
                                             : nullptr,
          prefix + (dynamic_cast<RsArray*>(array_.get()) ? "rs_array" : "array"));
  e.AddUnit(&collector_, prefix + "collector");
  e.AddUnit(&cs_input_, prefix + "cs_input_bus");
  e.AddUnit(&cs_weight_, prefix + "cs_weight_bus");
  e.AddUnit(&cs_id_, prefix + "cs_id_bus");
  AddUnit(e, &cs_,
          twin(OpEngine::kCs) ? TwinOf(kCsEngineTwin, cs_, cs_input_.out(), cs_weight_.out(),
                                       cs_id_.out(), impl_, cosim_, inst + "cs")
                              : nullptr,
          prefix + "cs");
  e.AddUnit(&cs_collector_, prefix + "cs_collector");
  AddUnit(e, &ss_,
          twin(OpEngine::kSparseSparse)
              ? TwinOf(kSparseAccumTwin, ss_, ss_port_, impl_, cosim_, inst + "ss")
              : nullptr,
          prefix + "ss");
  AddUnit(e, &kwta_,
          twin(OpEngine::kKwta) ? TwinOf(kKwtaTwin, kwta_, kwta_port_, impl_, cosim_, inst + "kwta")
                                : nullptr,
          prefix + "kwta");
  e.AddUnit(&vector_, prefix + "vector");
  if (dram_)
    for (auto* l : dram_->links()) e.AddLink(l);
  for (const auto& p : glb_.ports()) {
    e.AddLink(&p->req);
    e.AddLink(&p->resp);
  }
  for (auto* l : dma_.links()) e.AddLink(l);
  for (auto* l : input_.links()) e.AddLink(l);
  for (auto* l : weight_.links()) e.AddLink(l);
  for (auto* l : array_->links()) e.AddLink(l);
  for (auto* l : collector_.links()) e.AddLink(l);
  for (auto* l : cs_input_.links()) e.AddLink(l);
  for (auto* l : cs_weight_.links()) e.AddLink(l);
  for (auto* l : cs_id_.links()) e.AddLink(l);
  for (auto* l : cs_.links()) e.AddLink(l);
  for (auto* l : cs_collector_.links()) e.AddLink(l);
  for (auto* l : ss_.links()) e.AddLink(l);
  for (auto* l : kwta_.links()) e.AddLink(l);
  for (auto* l : vector_.links()) e.AddLink(l);
}

Accelerator::EngineSignals Accelerator::Signals(OpEngine engine) {
  EngineSignals s;
  switch (engine) {
    case OpEngine::kArray:
      s.busy = array_->macs();
      s.last_lost = collect_port_.last_lost;
      s.conflict_wait = input_.ConflictDelayed() || weight_.ConflictDelayed();
      s.out_full = !array_->out().CanPush() || !collect_port_.req.CanPush();
      break;
    case OpEngine::kCs:
      s.busy = cs_.macs() + cs_.gated();
      s.last_lost = cs_collect_port_.last_lost;
      s.conflict_wait =
          cs_input_.ConflictDelayed() || cs_weight_.ConflictDelayed() || cs_id_.ConflictDelayed();
      s.out_full = !cs_.out().CanPush() || !cs_collect_port_.req.CanPush();
      break;
    case OpEngine::kSparseSparse:
      s.busy = ss_.macs() + ss_.gated();
      s.last_lost = ss_port_.last_lost;
      s.out_full = !ss_port_.req.CanPush();
      break;
    case OpEngine::kVector:
      s.busy = vector_.ops();
      s.last_lost = vector_port_.last_lost;
      s.out_full = !vector_port_.req.CanPush();
      break;
    case OpEngine::kKwta:
      s.last_lost = kwta_port_.last_lost;
      s.out_full = !kwta_port_.req.CanPush();
      break;
  }
  return s;
}

}  // namespace cssim
