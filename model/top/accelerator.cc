#include "model/top/accelerator.h"

#include <algorithm>

namespace cssim {
namespace {
int Lanes(int bus_bytes, int word_bytes) { return std::max(1, bus_bytes / word_bytes); }
}  // namespace

Accelerator::Accelerator(const ArchSpec& a, const Program& program)
    : root_(nullptr, "top"),
      dram_(a.dram, a.clock_mhz, root_),
      glb_(a.glb, root_),
      dma_port_(glb_.AddPort("glb.dma", Lanes(kDramAtomBytes, a.glb.bank_width_bytes), 8)),
      input_port_(
          glb_.AddPort("glb.input_bus", Lanes(a.noc.input_bus_bytes, a.glb.bank_width_bytes), 4)),
      weight_port_(
          glb_.AddPort("glb.weight_bus", Lanes(a.noc.weight_bus_bytes, a.glb.bank_width_bytes), 4)),
      collect_port_(
          glb_.AddPort("glb.output_bus", Lanes(a.noc.output_bus_bytes, a.glb.bank_width_bytes), 4)),
      vector_port_(glb_.AddPort("glb.vector", Lanes(a.ppu.lanes, a.glb.bank_width_bytes), 4)),
      dma_(a.dma, dram_.req(), dram_.resp(), dma_port_, a.glb.bank_width_bytes, root_),
      input_("input_bus", a.array.rows, a.pe.input_rf_entries, a.noc.latency_cycles, input_port_,
             a.glb.bank_width_bytes, DataType::kInput, root_),
      weight_("weight_bus", a.array.cols, 2 * a.glb.bank_width_bytes, a.noc.latency_cycles,
              weight_port_, a.glb.bank_width_bytes, DataType::kWeight, root_),
      array_(a.array, a.pe, input_.out(), weight_.out(), root_),
      collector_(a.ppu, a.noc.output_bus_bytes, array_.out(), collect_port_, a.glb.bank_width_bytes,
                 root_),
      vector_(a.ppu, vector_port_, a.glb.bank_width_bytes, root_),
      controller_(program, ControllerPorts{dma_.cmd(), dma_.done(), input_.cmd(), weight_.cmd(),
                                           array_.cmd(), collector_.cmd(), collector_.done(),
                                           vector_.cmd(), vector_.done()}) {
  engine_.AddUnit(&controller_, "controller");
  engine_.AddUnit(&dram_, "dram");
  engine_.AddUnit(&dma_, "dma");
  engine_.AddUnit(&glb_, "glb");
  engine_.AddUnit(&input_, "input_bus");
  engine_.AddUnit(&weight_, "weight_bus");
  engine_.AddUnit(&array_, "array");
  engine_.AddUnit(&collector_, "collector");
  engine_.AddUnit(&vector_, "vector");
  for (auto* l : dram_.links()) engine_.AddLink(l);
  for (const auto& p : glb_.ports()) {
    engine_.AddLink(&p->req);
    engine_.AddLink(&p->resp);
  }
  for (auto* l : dma_.links()) engine_.AddLink(l);
  for (auto* l : input_.links()) engine_.AddLink(l);
  for (auto* l : weight_.links()) engine_.AddLink(l);
  for (auto* l : array_.links()) engine_.AddLink(l);
  for (auto* l : collector_.links()) engine_.AddLink(l);
  for (auto* l : vector_.links()) engine_.AddLink(l);
}

}  // namespace cssim
