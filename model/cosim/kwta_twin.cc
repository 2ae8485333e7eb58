#include "model/cosim/kwta_twin.h"

#include <Vkwta.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "model/base/error.h"
#include "model/cosim/fields.h"
#include "model/cosim/kwta_counters.h"
#include "model/cosim/verilated_twin.h"

namespace cssim {
namespace {

// The parameters rtl/kwta/kwta.sv is Verilated with (its defaults).
constexpr int kLanes = 16;
constexpr int kScanBinsPerCycle = 8;
constexpr int kWordBytes = 8;
constexpr int kGlbLanes = 2;
constexpr int kRespSlots = 4;

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
inline void SetBits(uint32_t* v, int lo, int w, uint64_t x) {
  const uint32_t mask = uint32_t(((uint64_t(1) << w) - 1) << lo);
  *v = (*v & ~mask) | (uint32_t(x << lo) & mask);
}
template <int N>
void SetBits(sc_dt::sc_bv<N>* v, int lo, int w, uint64_t x) {
  v->range(lo + w - 1, lo) = x;
}

class KwtaTwin : public VerilatedTwin<Vkwta> {
 public:
  KwtaTwin(Kwta& model, Glb::Port& glb, Impl impl, const CosimOptions& options,
           const std::string& instance)
      : VerilatedTwin(instance, impl, model, model.stats(), counters::kwta::kList, options),
        cmd_("cmd", model.cmd()),
        resp_("glb_resp", glb.resp, kRespSlots),
        req_(instance, "glb_req", glb.req, options.fault, kGlbLanes),
        done_(instance, "done", model.done(), options.fault) {
    rtl_.cmd_valid_i(cmd_valid_);
    rtl_.cmd_ready_o(cmd_ready_);
    rtl_.cmd_in_base_i(cmd_in_base_);
    rtl_.cmd_n_i(cmd_n_);
    rtl_.cmd_k_i(cmd_k_);
    rtl_.cmd_write_dense_i(cmd_write_dense_);
    rtl_.cmd_dense_base_i(cmd_dense_base_);
    rtl_.cmd_write_list_i(cmd_write_list_);
    rtl_.cmd_list_base_i(cmd_list_base_);
    rtl_.glb_req_space_i(req_space_);
    rtl_.glb_req_count_o(req_count_);
    rtl_.glb_req_addr_o(req_addr_);
    rtl_.glb_req_write_o(req_write_);
    rtl_.glb_req_mask_o(req_mask_);
    rtl_.glb_req_tag_o(req_tag_);
    rtl_.glb_req_data_type_o(req_data_type_);
    rtl_.glb_req_data_o(req_data_);
    rtl_.glb_resp_avail_i(resp_avail_);
    rtl_.glb_resp_tag_i(resp_tag_);
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
      const KwtaCmd& c = cmd_.item();
      // The RTL counts in 32 bits; a GLB map never holds 2^32 values. (A k outside 1..n is
      // refused when the command is taken, by the model or by Transfer.)
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

    req_space_.write(uint32_t(req_.space()));

    RespTag tag;
    RespData data;
    uint32_t write = 0;
    for (size_t i = 0; i < resp_.avail(); ++i) {
      const GlbResp& r = resp_.item(i);
      const int s = int(i);
      SetBits(&tag, 32 * s, 32, r.tag);
      SetBits(&write, s, 1, r.write);
      for (int b = 0; b < kWordBytes; ++b) SetBits(&data, 64 * s + 8 * b, 8, r.data[size_t(b)]);
    }
    resp_avail_.write(uint32_t(resp_.avail()));
    resp_tag_.write(tag);
    resp_write_.write(write);
    resp_data_.write(data);

    done_ready_.write(done_.ready());
  }

  void Transfer() override {
    if (CmdTaken()) {
      // The model's command check (Kwta::Start), which the RTL does not make.
      const KwtaCmd& c = cmd_.item();
      if (c.n < 1 || c.k < 1 || c.k > c.n)
        throw SimError("kwta: command " + std::to_string(commands_) +
                       " keeps k = " + std::to_string(c.k) + " of n = " + std::to_string(c.n) +
                       " values; needs 1 <= k <= n");
      ++commands_;
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
  using RespTag = typename std::remove_reference_t<decltype(Vkwta::glb_resp_tag_i)>::data_type;
  using RespData = typename std::remove_reference_t<decltype(Vkwta::glb_resp_data_i)>::data_type;

  bool CmdTaken() const { return cmd_valid_.read() && cmd_ready_.read(); }
  bool DoneFired() const { return done_valid_.read() && done_ready_.read(); }

  // The requests the RTL puts out this cycle.
  std::vector<GlbReq> Requests() const {
    std::vector<GlbReq> out(req_count_.read());
    for (size_t i = 0; i < out.size(); ++i) {
      const int l = int(i);
      GlbReq& r = out[i];
      r.addr = uint32_t(Bits(req_addr_.read(), 32 * l, 32));
      r.write = Bits(req_write_.read(), l, 1) != 0;
      r.mask = Bits(req_mask_.read(), kWordBytes * l, kWordBytes);
      r.tag = uint32_t(Bits(req_tag_.read(), 32 * l, 32));
      r.data_type = DataType(Bits(req_data_type_.read(), 3 * l, 3));
      for (int b = 0; b < kWordBytes; ++b)
        r.data[size_t(b)] = uint8_t(Bits(req_data_.read(), 64 * l + 8 * b, 8));
    }
    return out;
  }

  InPort<KwtaCmd> cmd_;
  InPort<GlbResp> resp_;
  OutPort<GlbReq> req_;
  OutPort<uint32_t> done_;
  uint64_t commands_ = 0;

  SignalOf<decltype(Vkwta::cmd_valid_i)> cmd_valid_;
  SignalOf<decltype(Vkwta::cmd_ready_o)> cmd_ready_;
  SignalOf<decltype(Vkwta::cmd_in_base_i)> cmd_in_base_;
  SignalOf<decltype(Vkwta::cmd_n_i)> cmd_n_;
  SignalOf<decltype(Vkwta::cmd_k_i)> cmd_k_;
  SignalOf<decltype(Vkwta::cmd_write_dense_i)> cmd_write_dense_;
  SignalOf<decltype(Vkwta::cmd_dense_base_i)> cmd_dense_base_;
  SignalOf<decltype(Vkwta::cmd_write_list_i)> cmd_write_list_;
  SignalOf<decltype(Vkwta::cmd_list_base_i)> cmd_list_base_;
  SignalOf<decltype(Vkwta::glb_req_space_i)> req_space_;
  SignalOf<decltype(Vkwta::glb_req_count_o)> req_count_;
  SignalOf<decltype(Vkwta::glb_req_addr_o)> req_addr_;
  SignalOf<decltype(Vkwta::glb_req_write_o)> req_write_;
  SignalOf<decltype(Vkwta::glb_req_mask_o)> req_mask_;
  SignalOf<decltype(Vkwta::glb_req_tag_o)> req_tag_;
  SignalOf<decltype(Vkwta::glb_req_data_type_o)> req_data_type_;
  SignalOf<decltype(Vkwta::glb_req_data_o)> req_data_;
  SignalOf<decltype(Vkwta::glb_resp_avail_i)> resp_avail_;
  SignalOf<decltype(Vkwta::glb_resp_tag_i)> resp_tag_;
  SignalOf<decltype(Vkwta::glb_resp_write_i)> resp_write_;
  SignalOf<decltype(Vkwta::glb_resp_data_i)> resp_data_;
  SignalOf<decltype(Vkwta::glb_resp_taken_o)> resp_taken_;
  SignalOf<decltype(Vkwta::done_valid_o)> done_valid_;
  SignalOf<decltype(Vkwta::done_ready_i)> done_ready_;
  SignalOf<decltype(Vkwta::done_index_o)> done_index_;
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
