#include "model/cosim/sparse_accum_twin.h"

#include <Vsparse_accum.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "model/base/error.h"
#include "model/cosim/fields.h"
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

// The signal type of a Verilated port (bool, uint32_t, uint64_t or sc_bv<N> by its width).
template <typename Port>
using SignalOf = sc_core::sc_signal<typename std::remove_reference_t<Port>::data_type>;

// Bits [lo, lo + w) of a flattened packed array, w <= 64.
inline uint64_t Bits(uint64_t v, int lo, int w) {
  v >>= lo;
  return w == 64 ? v : v & ((uint64_t(1) << w) - 1);
}
template <int N>
uint64_t Bits(const sc_dt::sc_bv<N>& v, int lo, int w) {
  return v.range(lo + w - 1, lo).to_uint64();
}

std::string Params() {
  return "the RTL is built for " + std::to_string(kMultipliers) + " multipliers, " +
         std::to_string(kAccumulators) + " accumulators, max_n " + std::to_string(kMaxN) +
         ", ppu.lanes " + std::to_string(kPpuLanes) + ", a GLB port of " +
         std::to_string(kGlbLanes) + " lanes with at most " + std::to_string(kReadsInFlight) +
         " request + response slots, " + std::to_string(kWordBytes) + "-byte GLB words";
}

class SparseAccumTwin : public VerilatedTwin<Vsparse_accum> {
 public:
  SparseAccumTwin(SparseAccum& model, Glb::Port& glb, Impl impl, const CosimOptions& options,
                  const std::string& instance)
      : VerilatedTwin(instance, impl, model, model.stats(), counters::sparse_accum::kList, options),
        model_(model),
        cmd_("cmd", model.cmd()),
        resp_("glb_resp", glb.resp, kGlbLanes),
        req_(instance, "glb_req", glb.req, options.fault, kGlbLanes),
        done_(instance, "done", model.done(), options.fault) {
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
    rtl_.cmd_valid_i(cmd_valid_);
    rtl_.cmd_ready_o(cmd_ready_);
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
    rtl_.glb_req_space_i(req_space_);
    rtl_.glb_req_count_o(req_count_);
    rtl_.glb_req_addr_o(req_addr_);
    rtl_.glb_req_write_o(req_write_);
    rtl_.glb_req_mask_o(req_mask_);
    rtl_.glb_req_tag_o(req_tag_);
    rtl_.glb_req_data_type_o(req_data_type_);
    rtl_.glb_req_data_o(req_data_);
    rtl_.glb_resp_avail_i(resp_avail_);
    rtl_.glb_resp_write_i(resp_write_);
    rtl_.glb_resp_data_i(resp_data_);
    rtl_.glb_resp_taken_o(resp_taken_);
    rtl_.done_valid_o(done_valid_);
    rtl_.done_ready_i(done_ready_);
    rtl_.done_index_o(done_index_);
  }

 protected:
  void DriveInputs() override {
    cmd_.Begin();
    resp_.Begin();
    req_.Begin();
    done_.Begin();

    cmd_valid_.write(cmd_.valid());
    if (cmd_.valid()) {
      const SsCmd& c = cmd_.item();
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

    req_space_.write(uint32_t(req_.space()));

    RespData data;
    uint32_t write = 0;
    for (size_t i = 0; i < resp_.avail(); ++i) {
      const GlbResp& r = resp_.item(i);
      write |= uint32_t(r.write) << i;
      uint64_t word = 0;
      for (int b = 0; b < kWordBytes; ++b) word |= uint64_t(r.data[size_t(b)]) << (8 * b);
      data.range(int(64 * i + 63), int(64 * i)) = word;
    }
    resp_avail_.write(uint32_t(resp_.avail()));
    resp_write_.write(write);
    resp_data_.write(data);

    done_ready_.write(done_.ready());
  }

  void Transfer() override {
    if (CmdTaken()) {
      CheckModelLimits(cmd_.item());
      cmd_.Take(1);
    }
    resp_.Take(resp_taken_.read());
    for (GlbReq& r : Requests()) req_.Put(r);
    if (DoneFired()) done_.Put(done_index_.read());
  }

  void Compare(Cycle now) override {
    cmd_.Check(scoreboard(), now, CmdTaken() ? 1 : 0);
    resp_.Check(scoreboard(), now, resp_taken_.read());
    req_.Check(scoreboard(), now, Requests());
    std::vector<uint32_t> done;
    if (DoneFired()) done.push_back(done_index_.read());
    done_.Check(scoreboard(), now, done);
  }

 private:
  using RespData =
      typename std::remove_reference_t<decltype(Vsparse_accum::glb_resp_data_i)>::data_type;

  bool CmdTaken() const { return cmd_valid_.read() && cmd_ready_.read(); }
  bool DoneFired() const { return done_valid_.read() && done_ready_.read(); }

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

  // The model's command checks (SparseAccum::Accept), which the RTL does not make (rtl).
  void CheckModelLimits(const SsCmd& c) const {
    const int64_t outputs = int64_t(c.ho) * c.wo * c.channels;
    if (outputs > model_.accumulators() || c.n < 1 || c.n > model_.max_n() || c.groups < 1 ||
        c.channels < 1 || c.channels > int64_t(c.groups) * c.n || c.stride < 1 || c.actives < 0)
      throw SimError(instance() + ": command beyond the unit (" + std::to_string(outputs) +
                     " accumulators, n " + std::to_string(c.n) + ", groups " +
                     std::to_string(c.groups) + ", channels " + std::to_string(c.channels) +
                     ", stride " + std::to_string(c.stride) + ", actives " +
                     std::to_string(c.actives) + ")");
  }

  // The requests the RTL puts out this cycle.
  std::vector<GlbReq> Requests() const {
    std::vector<GlbReq> out(req_count_.read());
    const auto addr = req_addr_.read();
    const auto mask = req_mask_.read();
    const auto tag = req_tag_.read();
    const auto data = req_data_.read();
    const uint32_t write = req_write_.read();
    const uint64_t data_type = req_data_type_.read();
    for (size_t i = 0; i < out.size(); ++i) {
      const int l = int(i);
      GlbReq& r = out[i];
      r.addr = uint32_t(Bits(addr, 32 * l, 32));
      r.write = Bits(write, l, 1) != 0;
      // A read's byte enables are the model's default (all).
      if (r.write) r.mask = Bits(mask, kWordBytes * l, kWordBytes);
      r.tag = uint32_t(Bits(tag, 32 * l, 32));
      r.data_type = DataType(Bits(data_type, 3 * l, 3));
      const uint64_t word = Bits(data, 64 * l, 64);
      for (int b = 0; b < kWordBytes; ++b) r.data[size_t(b)] = uint8_t(word >> (8 * b));
    }
    return out;
  }

  SparseAccum& model_;
  InPort<SsCmd> cmd_;
  InPort<GlbResp> resp_;
  OutPort<GlbReq> req_;
  OutPort<uint32_t> done_;

  SignalOf<decltype(Vsparse_accum::cmd_valid_i)> cmd_valid_;
  SignalOf<decltype(Vsparse_accum::cmd_ready_o)> cmd_ready_;
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
  SignalOf<decltype(Vsparse_accum::glb_req_space_i)> req_space_;
  SignalOf<decltype(Vsparse_accum::glb_req_count_o)> req_count_;
  SignalOf<decltype(Vsparse_accum::glb_req_addr_o)> req_addr_;
  SignalOf<decltype(Vsparse_accum::glb_req_write_o)> req_write_;
  SignalOf<decltype(Vsparse_accum::glb_req_mask_o)> req_mask_;
  SignalOf<decltype(Vsparse_accum::glb_req_tag_o)> req_tag_;
  SignalOf<decltype(Vsparse_accum::glb_req_data_type_o)> req_data_type_;
  SignalOf<decltype(Vsparse_accum::glb_req_data_o)> req_data_;
  SignalOf<decltype(Vsparse_accum::glb_resp_avail_i)> resp_avail_;
  SignalOf<decltype(Vsparse_accum::glb_resp_write_i)> resp_write_;
  SignalOf<decltype(Vsparse_accum::glb_resp_data_i)> resp_data_;
  SignalOf<decltype(Vsparse_accum::glb_resp_taken_o)> resp_taken_;
  SignalOf<decltype(Vsparse_accum::done_valid_o)> done_valid_;
  SignalOf<decltype(Vsparse_accum::done_ready_i)> done_ready_;
  SignalOf<decltype(Vsparse_accum::done_index_o)> done_index_;
};

}  // namespace

std::unique_ptr<Twin> MakeSparseAccumTwin(SparseAccum& model, Glb::Port& glb, Impl impl,
                                          const CosimOptions& options,
                                          const std::string& instance) {
  return std::make_unique<SparseAccumTwin>(model, glb, impl, options, instance);
}

}  // namespace cssim
