#include "model/cosim/cs_engine_twin.h"

#include <Vcs_engine.h>

#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "model/base/error.h"
#include "model/cosim/cs_engine_counters.h"
#include "model/cosim/fields.h"
#include "model/cosim/verilated_twin.h"

namespace cssim {
namespace {

// The configuration rtl/cs/cs_engine.sv is Verilated with: its parameter defaults, the default
// arch's CS engine (workloads/arch/default.yaml).
constexpr int kLanes = 16;
constexpr int kEngines = 16;
constexpr int kMaxN = 32;
constexpr int kBankEntries = 128;  // weight_rf_entries 256 / weight_buffers 2
constexpr int kBuffers = 2;
constexpr int kDepth = 1 + 4 + 4;  // multiplier + route_latency_cycles + adder_latency_cycles
constexpr const char* kRtlConfig =
    "the RTL is built for cs: lanes 16, engines 16, max_n 32, weight_rf_entries 256, "
    "weight_buffers 2, route_latency_cycles + adder_latency_cycles = 4 + 4";

// The SystemC type Verilator gave a port.
template <typename Port>
using PortData = typename std::remove_reference_t<Port>::data_type;
using ByteBus = PortData<decltype(std::declval<Vcs_engine&>().in_v_i)>;
using SumBus = PortData<decltype(std::declval<Vcs_engine&>().out_v_o)>;
static_assert(std::is_same_v<ByteBus, PortData<decltype(std::declval<Vcs_engine&>().weight_v_i)>>);
static_assert(std::is_same_v<ByteBus, PortData<decltype(std::declval<Vcs_engine&>().id_v_i)>>);
static_assert(std::is_same_v<ByteBus, sc_dt::sc_bv<8 * kLanes>> && kLanes == kEngines,
              "in, weight and id are 16 bytes wide");
static_assert(std::is_same_v<SumBus, sc_dt::sc_bv<32 * kEngines * kMaxN>>);

// A beat on a byte bus: value i in bits [8i + 7 : 8i]; lanes past the beat's end are zero.
ByteBus PackBytes(const std::vector<int8_t>& v) {
  ByteBus bus;
  for (int w = 0; w < 8 * kLanes / 32; ++w) {
    uint32_t word = 0;
    for (int b = 0; b < 4; ++b) {
      const size_t i = size_t(4 * w + b);
      if (i < v.size()) word |= uint32_t(uint8_t(v[i])) << (8 * b);
    }
    bus.set_word(w, word);
  }
  return bus;
}

// The model's own command checks (CsEngine::Accept), for rtl mode, where no model runs.
void CheckCmd(const ArrayCmd& c) {
  if (c.dataflow != Dataflow::kWeightStationary)
    throw SimError("cs (rtl): only weight-stationary passes run on the CS engine");
  if (c.rows_used < 1 || c.rows_used > kLanes || c.cols_used < 1 || c.cols_used > kEngines ||
      c.kp < 1 || c.kp > kBankEntries || c.pixels < 1)
    throw SimError("cs (rtl): pass of " + std::to_string(c.rows_used) + " lanes x " +
                   std::to_string(c.cols_used) + " engines x " + std::to_string(c.kp) +
                   " entries x " + std::to_string(c.pixels) + " pixels does not fit");
  if (c.n < 1 || c.n > kMaxN)
    throw SimError("cs (rtl): n = " + std::to_string(c.n) + " outside 1.." + std::to_string(kMaxN));
  if (c.out_cols <= (c.cols_used - 1) * c.n || c.out_cols > c.cols_used * c.n)
    throw SimError("cs (rtl): out_cols = " + std::to_string(c.out_cols) + " does not fit " +
                   std::to_string(c.cols_used) + " groups of " + std::to_string(c.n));
}

class CsEngineTwin : public VerilatedTwin<Vcs_engine> {
 public:
  CsEngineTwin(CsEngine& model, Link<Beat>& in, Link<Beat>& weight, Link<Beat>& id, Impl impl,
               const CosimOptions& options, const std::string& instance)
      : VerilatedTwin(instance, impl, model, model.stats(), counters::cs_engine::kList, options),
        cmd_("cmd", model.cmd()),
        in_("in", in),
        weight_("weight", weight),
        id_("id", id),
        out_(instance, "out", model.out(), options.fault) {
    rtl_.cmd_valid_i(cmd_valid_);
    rtl_.cmd_ready_o(cmd_ready_);
    rtl_.cmd_rows_used_i(cmd_rows_used_);
    rtl_.cmd_cols_used_i(cmd_cols_used_);
    rtl_.cmd_k0_i(cmd_k0_);
    rtl_.cmd_k_i(cmd_k_);
    rtl_.cmd_kp_i(cmd_kp_);
    rtl_.cmd_pixels_i(cmd_pixels_);
    rtl_.cmd_n_i(cmd_n_);
    rtl_.cmd_out_cols_i(cmd_out_cols_);
    rtl_.in_valid_i(in_valid_);
    rtl_.in_ready_o(in_ready_);
    rtl_.in_v_i(in_v_);
    rtl_.weight_valid_i(weight_valid_);
    rtl_.weight_ready_o(weight_ready_);
    rtl_.weight_v_i(weight_v_);
    rtl_.id_valid_i(id_valid_);
    rtl_.id_ready_o(id_ready_);
    rtl_.id_v_i(id_v_);
    rtl_.out_valid_o(out_valid_);
    rtl_.out_ready_i(out_ready_);
    rtl_.out_pixel_o(out_pixel_);
    rtl_.out_cols_o(out_cols_);
    rtl_.out_v_o(out_v_);
  }

 protected:
  void DriveInputs() override {
    cmd_.Begin();
    in_.Begin();
    weight_.Begin();
    id_.Begin();
    out_.Begin();
    cmd_valid_.write(cmd_.valid());
    if (cmd_.valid()) {
      const ArrayCmd& c = cmd_.item();
      cmd_rows_used_.write(uint32_t(c.rows_used));
      cmd_cols_used_.write(uint32_t(c.cols_used));
      cmd_k0_.write(uint64_t(c.k0));
      cmd_k_.write(uint64_t(c.k));
      cmd_kp_.write(uint32_t(c.kp));
      cmd_pixels_.write(uint64_t(c.pixels));
      cmd_n_.write(uint32_t(c.n));
      cmd_out_cols_.write(uint32_t(c.out_cols));
    }
    DriveBeat(in_, in_valid_, in_v_);
    DriveBeat(weight_, weight_valid_, weight_v_);
    DriveBeat(id_, id_valid_, id_v_);
    out_ready_.write(out_.ready());
  }

  void Transfer() override {
    if (cmd_.valid() && cmd_ready_.read()) {
      CheckCmd(cmd_.item());
      cmd_.Take(1);
    }
    if (in_.valid() && in_ready_.read()) in_.Take(1);
    if (weight_.valid() && weight_ready_.read()) weight_.Take(1);
    if (id_.valid() && id_ready_.read()) id_.Take(1);
    if (out_valid_.read() && out_.ready()) out_.Put(RtlSum());
  }

  void Compare(Cycle now) override {
    cmd_.Check(scoreboard(), now, cmd_.valid() && cmd_ready_.read());
    in_.Check(scoreboard(), now, in_.valid() && in_ready_.read());
    weight_.Check(scoreboard(), now, weight_.valid() && weight_ready_.read());
    id_.Check(scoreboard(), now, id_.valid() && id_ready_.read());
    std::vector<SumBeat> sums;
    if (out_valid_.read() && out_.ready()) sums.push_back(RtlSum());
    out_.Check(scoreboard(), now, std::move(sums));
  }

 private:
  static void DriveBeat(const InPort<Beat>& port, sc_core::sc_signal<bool>& valid,
                        sc_core::sc_signal<ByteBus>& data) {
    valid.write(port.valid());
    if (port.valid()) data.write(PackBytes(port.item().v));
  }

  // The SumBeat the RTL puts out: out_cols of its slots.
  SumBeat RtlSum() const {
    SumBeat s;
    s.pixel = int64_t(out_pixel_.read());
    const SumBus& bus = out_v_.read();
    s.v.resize(size_t(out_cols_.read()));
    for (size_t i = 0; i < s.v.size(); ++i) s.v[i] = int32_t(bus.get_word(int(i)));
    return s;
  }

  InPort<ArrayCmd> cmd_;
  InPort<Beat> in_, weight_, id_;
  OutPort<SumBeat> out_;

  sc_core::sc_signal<bool> cmd_valid_, cmd_ready_, in_valid_, in_ready_, weight_valid_,
      weight_ready_, id_valid_, id_ready_, out_valid_, out_ready_;
  sc_core::sc_signal<uint32_t> cmd_rows_used_, cmd_cols_used_, cmd_kp_, cmd_n_, cmd_out_cols_,
      out_cols_;
  sc_core::sc_signal<uint64_t> cmd_k0_, cmd_k_, cmd_pixels_, out_pixel_;
  sc_core::sc_signal<ByteBus> in_v_, weight_v_, id_v_;
  sc_core::sc_signal<SumBus> out_v_;
};

}  // namespace

std::unique_ptr<Twin> MakeCsEngineTwin(CsEngine& model, Link<Beat>& in, Link<Beat>& weight,
                                       Link<Beat>& id, Impl impl, const CosimOptions& options,
                                       const std::string& instance) {
  if (model.lanes() != kLanes || model.engines() != kEngines || model.max_n() != kMaxN ||
      model.bank_entries() != kBankEntries || model.weight_buffers() != kBuffers ||
      model.pipeline_depth() != kDepth)
    throw InputError("", "--impl",
                     "the CS engine has lanes " + std::to_string(model.lanes()) + ", engines " +
                         std::to_string(model.engines()) + ", max_n " +
                         std::to_string(model.max_n()) + ", " +
                         std::to_string(model.bank_entries()) + " entries x " +
                         std::to_string(model.weight_buffers()) + " buffers, pipeline depth " +
                         std::to_string(model.pipeline_depth()),
                     kRtlConfig);
  return std::make_unique<CsEngineTwin>(model, in, weight, id, impl, options, instance);
}

}  // namespace cssim
