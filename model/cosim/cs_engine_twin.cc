#include "model/cosim/cs_engine_twin.h"

#include <Vcs_engine.h>

#include <cstdint>
#include <type_traits>

#include "model/base/error.h"
#include "model/cosim/cs_engine_counters.h"
#include "model/cosim/fields.h"
#include "model/cosim/port_twin.h"
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

// The sum bus holds n sums of every engine (BeatIn::Bind checks the byte buses' widths).
static_assert(
    std::is_same_v<PortData<decltype(Vcs_engine::out_v_o)>, sc_dt::sc_bv<32 * kEngines * kMaxN>>);

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
        out_(instance, model.out(), options.fault) {
    cmd_.Bind(rtl_);
    rtl_.cmd_n_i(cmd_n_);
    rtl_.cmd_out_cols_i(cmd_out_cols_);
    in_.Bind(rtl_.in_valid_i, rtl_.in_ready_o, rtl_.in_v_i);
    weight_.Bind(rtl_.weight_valid_i, rtl_.weight_ready_o, rtl_.weight_v_i);
    id_.Bind(rtl_.id_valid_i, rtl_.id_ready_o, rtl_.id_v_i);
    out_.Bind(rtl_);
  }

 protected:
  void DriveInputs() override {
    cmd_.Drive();
    if (cmd_.valid()) {
      cmd_n_.write(uint32_t(cmd_.item().n));
      cmd_out_cols_.write(uint32_t(cmd_.item().out_cols));
    }
    in_.Drive();
    weight_.Drive();
    id_.Drive();
    out_.Drive();
  }

  void Transfer() override {
    if (cmd_.Taken()) CheckCmd(cmd_.item());
    cmd_.Transfer();
    in_.Transfer();
    weight_.Transfer();
    id_.Transfer();
    out_.Transfer();
  }

  void Compare(Cycle now) override {
    cmd_.Compare(scoreboard(), now);
    in_.Compare(scoreboard(), now);
    weight_.Compare(scoreboard(), now);
    id_.Compare(scoreboard(), now);
    out_.Compare(scoreboard(), now);
  }

 private:
  ArrayCmdIn<Vcs_engine> cmd_;
  SignalOf<decltype(Vcs_engine::cmd_n_i)> cmd_n_;
  SignalOf<decltype(Vcs_engine::cmd_out_cols_i)> cmd_out_cols_;
  BeatIn<8 * kLanes> in_;
  BeatIn<8 * kEngines> weight_, id_;
  SumOut<Vcs_engine> out_;
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
