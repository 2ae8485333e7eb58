#include "model/cosim/kwta_twin.h"

#include <Vkwta.h>

#include <cstdint>
#include <string>

#include "model/base/error.h"
#include "model/cosim/fields.h"
#include "model/cosim/glb_port_twin.h"
#include "model/cosim/kwta_counters.h"
#include "model/cosim/port_twin.h"
#include "model/cosim/verilated_twin.h"

namespace cssim {
namespace {

// The parameters rtl/kwta/kwta.sv is Verilated with (its defaults).
constexpr int kLanes = 16;
constexpr int kScanBinsPerCycle = 8;
constexpr int kWordBytes = 8;
constexpr int kGlbLanes = 2;
constexpr int kRespSlots = 4;

class KwtaTwin : public GlbClientTwin<Vkwta, KwtaCmd, kWordBytes> {
 public:
  KwtaTwin(Kwta& model, Glb::Port& glb, Impl impl, const CosimOptions& options,
           const std::string& instance)
      : GlbClientTwin(instance, impl, model, model.stats(), counters::kwta::kList, options,
                      model.cmd(), glb, kGlbLanes, kRespSlots, model.done()) {
    rtl_.cmd_in_base_i(cmd_in_base_);
    rtl_.cmd_n_i(cmd_n_);
    rtl_.cmd_k_i(cmd_k_);
    rtl_.cmd_write_dense_i(cmd_write_dense_);
    rtl_.cmd_dense_base_i(cmd_dense_base_);
    rtl_.cmd_write_list_i(cmd_write_list_);
    rtl_.cmd_list_base_i(cmd_list_base_);
    rtl_.glb_resp_tag_i(resp_tag_);
  }

 protected:
  void WriteCmd(const KwtaCmd& c) override {
    // The RTL counts in 32 bits; a GLB map never holds 2^32 values. (A k outside 1..n is
    // refused when the command is taken, by the model or by CheckTaken.)
    if (c.n > int64_t(UINT32_MAX))
      throw SimError("kwta (rtl): a command of n = " + std::to_string(c.n) +
                     " values does not fit the RTL's 32-bit counts");
    cmd_in_base_.write(c.in_base);
    cmd_n_.write(uint32_t(c.n));
    cmd_k_.write(uint32_t(c.k));
    cmd_write_dense_.write(c.write_dense);
    cmd_dense_base_.write(c.dense_base);
    cmd_write_list_.write(c.write_list);
    cmd_list_base_.write(c.list_base);
  }

  // The model's command check (Kwta::Start).
  void CheckTaken(const KwtaCmd& c) override {
    if (c.n < 1 || c.k < 1 || c.k > c.n)
      throw SimError("kwta: command " + std::to_string(commands_) +
                     " keeps k = " + std::to_string(c.k) + " of n = " + std::to_string(c.n) +
                     " values; needs 1 <= k <= n");
    ++commands_;
  }

  void DriveInputs() override {
    GlbClientTwin::DriveInputs();
    PortData<decltype(Vkwta::glb_resp_tag_i)> tag;
    for (size_t i = 0; i < glb_.resp().avail(); ++i)
      SetBits(&tag, 32 * int(i), 32, glb_.resp().item(i).tag);
    resp_tag_.write(tag);
  }

 private:
  uint64_t commands_ = 0;

  SignalOf<decltype(Vkwta::cmd_in_base_i)> cmd_in_base_;
  SignalOf<decltype(Vkwta::cmd_n_i)> cmd_n_;
  SignalOf<decltype(Vkwta::cmd_k_i)> cmd_k_;
  SignalOf<decltype(Vkwta::cmd_write_dense_i)> cmd_write_dense_;
  SignalOf<decltype(Vkwta::cmd_dense_base_i)> cmd_dense_base_;
  SignalOf<decltype(Vkwta::cmd_write_list_i)> cmd_write_list_;
  SignalOf<decltype(Vkwta::cmd_list_base_i)> cmd_list_base_;
  SignalOf<decltype(Vkwta::glb_resp_tag_i)> resp_tag_;  // the sparse-sparse RTL has none
};

}  // namespace

std::unique_ptr<Twin> MakeKwtaTwin(Kwta& model, Glb::Port& glb, Impl impl,
                                   const CosimOptions& options, const std::string& instance) {
  const KwtaSpec& s = model.spec();
  if (s.lanes != kLanes || s.scan_bins_per_cycle != kScanBinsPerCycle ||
      model.word_bytes() != kWordBytes || glb.lanes != kGlbLanes ||
      glb.resp.capacity() > size_t(kRespSlots))
    throw InputError("", "--impl",
                     "the k-WTA unit has lanes " + std::to_string(s.lanes) +
                         ", scan_bins_per_cycle " + std::to_string(s.scan_bins_per_cycle) +
                         ", GLB words of " + std::to_string(model.word_bytes()) +
                         " bytes and a port of " + std::to_string(glb.lanes) + " lanes",
                     "the RTL is built for kwta.lanes 16, kwta.scan_bins_per_cycle 8, "
                     "glb.bank_width_bytes 8 (a GLB port of 2 lanes, responses 4 deep)");
  return std::make_unique<KwtaTwin>(model, glb, impl, options, instance);
}

}  // namespace cssim
