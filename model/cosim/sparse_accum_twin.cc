#include "model/cosim/sparse_accum_twin.h"

#include <Vsparse_accum.h>

#include <cstdint>
#include <string>

#include "model/base/error.h"
#include "model/cosim/fields.h"
#include "model/cosim/glb_port_twin.h"
#include "model/cosim/port_twin.h"
#include "model/cosim/sparse_accum_counters.h"
#include "model/cosim/verilated_twin.h"

namespace cssim {
namespace {

// The parameters rtl/cs/sparse_accum.sv is Verilated with (its defaults).
constexpr int kMultipliers = 256;
constexpr int kAccumulators = 8192;
constexpr int kMaxN = 32;
constexpr int kGlbLanes = 16;
constexpr int kPpuLanes = 16;
constexpr int kWordBytes = 8;
constexpr size_t kReadsInFlight = 4 * kGlbLanes;  // the RTL's response-router FIFO
constexpr int kMaxGroups = kAccumulators;         // the RTL's row-word buffer is sized for it

std::string Params() {
  return "the RTL is built for " + std::to_string(kMultipliers) + " multipliers, " +
         std::to_string(kAccumulators) + " accumulators, max_n " + std::to_string(kMaxN) +
         ", ppu.lanes " + std::to_string(kPpuLanes) + ", a GLB port of " +
         std::to_string(kGlbLanes) + " lanes with at most " + std::to_string(kReadsInFlight) +
         " request + response slots, " + std::to_string(kWordBytes) + "-byte GLB words";
}

class SparseAccumTwin : public GlbClientTwin<Vsparse_accum, SsCmd, kWordBytes> {
 public:
  SparseAccumTwin(SparseAccum& model, Glb::Port& glb, Impl impl, const CosimOptions& options,
                  const std::string& instance)
      : GlbClientTwin(instance, impl, model, model.stats(), counters::sparse_accum::kList, options,
                      model.cmd(), glb, kGlbLanes, kGlbLanes, model.done()),
        model_(model) {
    if (model.multipliers() != kMultipliers || model.accumulators() != kAccumulators ||
        model.max_n() != kMaxN || model.ppu_lanes() != kPpuLanes ||
        model.word_bytes() != uint32_t(kWordBytes) || glb.lanes != kGlbLanes ||
        glb.req.capacity() + glb.resp.capacity() > kReadsInFlight)
      throw InputError("", "--impl",
                       instance + " has " + std::to_string(model.multipliers()) + " multipliers, " +
                           std::to_string(model.accumulators()) + " accumulators, max_n " +
                           std::to_string(model.max_n()) + ", ppu.lanes " +
                           std::to_string(model.ppu_lanes()) + ", a GLB port of " +
                           std::to_string(glb.lanes) + " lanes with " +
                           std::to_string(glb.req.capacity() + glb.resp.capacity()) + " slots, " +
                           std::to_string(model.word_bytes()) + "-byte words",
                       Params());
    rtl_.cmd_list_base_i(cmd_list_base_);
    rtl_.cmd_actives_i(cmd_actives_);
    rtl_.cmd_c_i(cmd_c_);
    rtl_.cmd_h_i(cmd_h_);
    rtl_.cmd_w_i(cmd_w_);
    rtl_.cmd_kh_i(cmd_kh_);
    rtl_.cmd_kw_i(cmd_kw_);
    rtl_.cmd_stride_i(cmd_stride_);
    rtl_.cmd_pad_i(cmd_pad_);
    rtl_.cmd_ho_i(cmd_ho_);
    rtl_.cmd_wo_i(cmd_wo_);
    rtl_.cmd_w_base_i(cmd_w_base_);
    rtl_.cmd_id_base_i(cmd_id_base_);
    rtl_.cmd_channel_major_i(cmd_channel_major_);
    rtl_.cmd_groups_i(cmd_groups_);
    rtl_.cmd_n_i(cmd_n_);
    rtl_.cmd_channels_i(cmd_channels_);
    rtl_.cmd_out_base_i(cmd_out_base_);
    rtl_.cmd_requant_i(cmd_requant_);
    rtl_.cmd_shift_i(cmd_shift_);
    rtl_.cmd_relu_i(cmd_relu_);
    rtl_.cmd_out_elem_bytes_i(cmd_out_elem_bytes_);
  }

 protected:
  void WriteCmd(const SsCmd& c) override {
    CheckRtlLimits(c);
    cmd_list_base_.write(c.list_base);
    cmd_actives_.write(uint32_t(c.actives));
    cmd_c_.write(uint32_t(c.c));
    cmd_h_.write(uint32_t(c.h));
    cmd_w_.write(uint32_t(c.w));
    cmd_kh_.write(uint32_t(c.kh));
    cmd_kw_.write(uint32_t(c.kw));
    cmd_stride_.write(uint32_t(c.stride));
    cmd_pad_.write(uint32_t(c.pad));
    cmd_ho_.write(uint32_t(c.ho));
    cmd_wo_.write(uint32_t(c.wo));
    cmd_w_base_.write(c.w_base);
    cmd_id_base_.write(c.id_base);
    cmd_channel_major_.write(c.channel_major);
    cmd_groups_.write(uint32_t(c.groups));
    cmd_n_.write(uint32_t(c.n));
    cmd_channels_.write(uint32_t(c.channels));
    cmd_out_base_.write(c.out_base);
    cmd_requant_.write(c.requant);
    cmd_shift_.write(uint32_t(c.shift));
    cmd_relu_.write(c.relu);
    cmd_out_elem_bytes_.write(uint32_t(c.out_elem_bytes));
  }

  // The model's command checks (SparseAccum::Accept), which the RTL does not make.
  void CheckTaken(const SsCmd& c) override {
    const int64_t outputs = int64_t(c.ho) * c.wo * c.channels;
    if (outputs > model_.accumulators() || c.n < 1 || c.n > model_.max_n() || c.groups < 1 ||
        c.channels < 1 || c.channels > int64_t(c.groups) * c.n || c.stride < 1 || c.actives < 0)
      throw SimError(instance() + ": command beyond the unit (" + std::to_string(outputs) +
                     " accumulators, n " + std::to_string(c.n) + ", groups " +
                     std::to_string(c.groups) + ", channels " + std::to_string(c.channels) +
                     ", stride " + std::to_string(c.stride) + ", actives " +
                     std::to_string(c.actives) + ")");
  }

 private:
  // Commands the RTL has no room for (the model takes them).
  void CheckRtlLimits(const SsCmd& c) const {
    auto refuse = [&](const std::string& what) {
      throw SimError(instance() + " (rtl): command with " + what +
                     "; the RTL takes groups <= " + std::to_string(kMaxGroups) +
                     ", out_elem_bytes 1 or 4, shift <= 63, actives < 2^32");
    };
    if (c.groups > kMaxGroups) refuse("groups " + std::to_string(c.groups));
    if (c.out_elem_bytes != 1 && c.out_elem_bytes != 4)
      refuse("out_elem_bytes " + std::to_string(c.out_elem_bytes));
    if (c.shift > 63) refuse("shift " + std::to_string(c.shift));
    if (c.actives > int64_t(UINT32_MAX)) refuse("actives " + std::to_string(c.actives));
  }

  SparseAccum& model_;

  SignalOf<decltype(Vsparse_accum::cmd_list_base_i)> cmd_list_base_;
  SignalOf<decltype(Vsparse_accum::cmd_actives_i)> cmd_actives_;
  SignalOf<decltype(Vsparse_accum::cmd_c_i)> cmd_c_;
  SignalOf<decltype(Vsparse_accum::cmd_h_i)> cmd_h_;
  SignalOf<decltype(Vsparse_accum::cmd_w_i)> cmd_w_;
  SignalOf<decltype(Vsparse_accum::cmd_kh_i)> cmd_kh_;
  SignalOf<decltype(Vsparse_accum::cmd_kw_i)> cmd_kw_;
  SignalOf<decltype(Vsparse_accum::cmd_stride_i)> cmd_stride_;
  SignalOf<decltype(Vsparse_accum::cmd_pad_i)> cmd_pad_;
  SignalOf<decltype(Vsparse_accum::cmd_ho_i)> cmd_ho_;
  SignalOf<decltype(Vsparse_accum::cmd_wo_i)> cmd_wo_;
  SignalOf<decltype(Vsparse_accum::cmd_w_base_i)> cmd_w_base_;
  SignalOf<decltype(Vsparse_accum::cmd_id_base_i)> cmd_id_base_;
  SignalOf<decltype(Vsparse_accum::cmd_channel_major_i)> cmd_channel_major_;
  SignalOf<decltype(Vsparse_accum::cmd_groups_i)> cmd_groups_;
  SignalOf<decltype(Vsparse_accum::cmd_n_i)> cmd_n_;
  SignalOf<decltype(Vsparse_accum::cmd_channels_i)> cmd_channels_;
  SignalOf<decltype(Vsparse_accum::cmd_out_base_i)> cmd_out_base_;
  SignalOf<decltype(Vsparse_accum::cmd_requant_i)> cmd_requant_;
  SignalOf<decltype(Vsparse_accum::cmd_shift_i)> cmd_shift_;
  SignalOf<decltype(Vsparse_accum::cmd_relu_i)> cmd_relu_;
  SignalOf<decltype(Vsparse_accum::cmd_out_elem_bytes_i)> cmd_out_elem_bytes_;
};

}  // namespace

std::unique_ptr<Twin> MakeSparseAccumTwin(SparseAccum& model, Glb::Port& glb, Impl impl,
                                          const CosimOptions& options,
                                          const std::string& instance) {
  return std::make_unique<SparseAccumTwin>(model, glb, impl, options, instance);
}

}  // namespace cssim
