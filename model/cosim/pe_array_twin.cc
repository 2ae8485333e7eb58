#include "model/cosim/pe_array_twin.h"

#include <cstdint>
#include <limits>

#include "Vpe_array.h"
#include "model/base/error.h"
#include "model/cosim/fields.h"
#include "model/cosim/pe_array_counters.h"
#include "model/cosim/port_twin.h"
#include "model/cosim/verilated_twin.h"

namespace cssim {
namespace {

// The parameters rtl/pe/pe_array.f is Verilated with (the module's defaults: the default arch).
constexpr int kRows = 16;
constexpr int kCols = 16;
constexpr int kKpMax = 32;
constexpr int kBuffers = 2;

// A pass the RTL cannot represent is a SimError (the compiler never makes one).
void CheckCmd(const ArrayCmd& c) {
  auto bad = [&](const std::string& what) {
    throw SimError("pe_array twin: pass with " + what + ": the RTL takes rows_used 1.." +
                   std::to_string(kRows) + ", cols_used 1.." + std::to_string(kCols) + ", kp 1.." +
                   std::to_string(kKpMax) + ", pixels >= 1, k0 and k in int32, pixels in uint32");
  };
  if (c.dataflow != Dataflow::kWeightStationary) bad("dataflow os");
  if (c.rows_used < 1 || c.rows_used > kRows) bad("rows_used " + std::to_string(c.rows_used));
  if (c.cols_used < 1 || c.cols_used > kCols) bad("cols_used " + std::to_string(c.cols_used));
  if (c.kp < 1 || c.kp > kKpMax) bad("kp " + std::to_string(c.kp));
  if (c.pixels < 1 || c.pixels > int64_t(std::numeric_limits<uint32_t>::max()))
    bad("pixels " + std::to_string(c.pixels));
  for (int64_t k : {c.k0, c.k})
    if (k < std::numeric_limits<int32_t>::min() || k > std::numeric_limits<int32_t>::max())
      bad("k0/k " + std::to_string(k));
}

class PeArrayTwin : public VerilatedTwin<Vpe_array> {
 public:
  PeArrayTwin(PeArray& model, Link<Beat>& in, Link<Beat>& weight, Impl impl,
              const CosimOptions& options, const std::string& instance)
      : VerilatedTwin(instance, impl, model, model.stats(), counters::pe_array::kList, options),
        cmd_("cmd", model.cmd()),
        in_("in", in),
        weight_("weight", weight),
        out_(instance, model.out(), options.fault) {
    cmd_.Bind(rtl_);
    in_.Bind(rtl_.in_valid_i, rtl_.in_ready_o, rtl_.in_v_i);
    weight_.Bind(rtl_.weight_valid_i, rtl_.weight_ready_o, rtl_.weight_v_i);
    out_.Bind(rtl_);
  }

 protected:
  void DriveInputs() override {
    cmd_.Drive();
    if (cmd_.valid()) CheckCmd(cmd_.item());
    in_.Drive();
    weight_.Drive();
    out_.Drive();
  }

  void Transfer() override {
    cmd_.Transfer();
    in_.Transfer();
    weight_.Transfer();
    out_.Transfer();
  }

  void Compare(Cycle now) override {
    cmd_.Compare(scoreboard(), now);
    in_.Compare(scoreboard(), now);
    weight_.Compare(scoreboard(), now);
    out_.Compare(scoreboard(), now);
  }

 private:
  ArrayCmdIn<Vpe_array> cmd_;
  BeatIn<8 * kRows> in_;
  BeatIn<8 * kCols> weight_;
  SumOut<Vpe_array> out_;
};

}  // namespace

std::unique_ptr<Twin> MakePeArrayTwin(PeArray& model, Link<Beat>& in, Link<Beat>& weight, Impl impl,
                                      const CosimOptions& options, const std::string& instance) {
  if (model.rows() != kRows || model.cols() != kCols || model.kp_max() != kKpMax ||
      model.weight_buffers() != kBuffers || !model.weight_stationary())
    throw InputError("", "--impl",
                     "the PE array is " + std::to_string(model.rows()) + "x" +
                         std::to_string(model.cols()) + " " +
                         (model.weight_stationary() ? "ws" : "os") + " with " +
                         std::to_string(model.weight_buffers()) + " weight banks of " +
                         std::to_string(model.kp_max()) + " entries",
                     "the RTL is built for a 16x16 ws array with 2 weight banks of 32 entries "
                     "(pe.weight_rf_entries 64, pe.weight_buffers 2)");
  return std::make_unique<PeArrayTwin>(model, in, weight, impl, options, instance);
}

}  // namespace cssim
