// The GLB port of a twin (k-WTA, sparse-sparse): the model's Glb::Port, which moves several
// requests and responses a cycle, as the RTL's count-style ports (model/cosim/twin.h):
//   glb_req_space_i     free request slots this cycle (capped at the port's lanes)
//   glb_req_count_o     requests the RTL puts out this cycle; lane l of
//   glb_req_{addr,tag}_o [32 l +: 32], glb_req_write_o [l], glb_req_mask_o [WordBytes l +:
//                       WordBytes] (write byte enables), glb_req_data_type_o [3 l +: 3],
//                       glb_req_data_o [8 WordBytes l +: 8 WordBytes] (byte b at bits 8 b)
//   glb_resp_avail_i    responses visible this cycle (capped at resp_slots); slot s of
//   glb_resp_write_i [s], glb_resp_data_i [8 WordBytes s +: 8 WordBytes]
//   glb_resp_taken_o    how many responses the RTL takes
// A block whose RTL also takes the response tags drives them itself from resp().
// GlbClientTwin is the twin of such a block but for its command fields and checks.
// Include only from a twin's .cc file (Verilated headers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/base/stats.h"
#include "model/cosim/port_twin.h"
#include "model/cosim/twin.h"
#include "model/cosim/verilated_twin.h"
#include "model/glb/glb.h"

namespace cssim {

template <typename V, int WordBytes>
class GlbPortTwin {
 public:
  GlbPortTwin(const std::string& instance, Glb::Port& glb, size_t lanes, size_t resp_slots,
              const Fault& fault)
      : resp_("glb_resp", glb.resp, resp_slots), req_(instance, "glb_req", glb.req, fault, lanes) {}

  void Bind(V& rtl) {
    rtl.glb_req_space_i(req_space_);
    rtl.glb_req_count_o(req_count_);
    rtl.glb_req_addr_o(req_addr_);
    rtl.glb_req_write_o(req_write_);
    rtl.glb_req_mask_o(req_mask_);
    rtl.glb_req_tag_o(req_tag_);
    rtl.glb_req_data_type_o(req_data_type_);
    rtl.glb_req_data_o(req_data_);
    rtl.glb_resp_avail_i(resp_avail_);
    rtl.glb_resp_write_i(resp_write_);
    rtl.glb_resp_data_i(resp_data_);
    rtl.glb_resp_taken_o(resp_taken_);
  }

  void Drive() {
    resp_.Begin();
    req_.Begin();
    req_space_.write(uint32_t(req_.space()));
    PortData<decltype(V::glb_resp_write_i)> write{};
    PortData<decltype(V::glb_resp_data_i)> data{};
    for (size_t i = 0; i < resp_.avail(); ++i) {
      const GlbResp& r = resp_.item(i);
      const int s = int(i);
      SetBits(&write, s, 1, r.write);
      for (int b = 0; b < WordBytes; ++b)
        SetBits(&data, 8 * (WordBytes * s + b), 8, r.data[size_t(b)]);
    }
    resp_avail_.write(uint32_t(resp_.avail()));
    resp_write_.write(write);
    resp_data_.write(data);
  }
  // The responses visible this cycle (after Drive).
  const InPort<GlbResp>& resp() const { return resp_; }

  void Transfer() {
    resp_.Take(resp_taken_.read());
    for (GlbReq& r : Requests()) req_.Put(r);
  }
  void Compare(Scoreboard& sb, Cycle now) {
    resp_.Check(sb, now, resp_taken_.read());
    req_.Check(sb, now, Requests());
  }

 private:
  // The requests the RTL puts out this cycle.
  std::vector<GlbReq> Requests() const {
    std::vector<GlbReq> out(req_count_.read());
    const auto addr = req_addr_.read();
    const auto write = req_write_.read();
    const auto mask = req_mask_.read();
    const auto tag = req_tag_.read();
    const auto data_type = req_data_type_.read();
    const auto data = req_data_.read();
    for (size_t i = 0; i < out.size(); ++i) {
      const int l = int(i);
      GlbReq& r = out[i];
      r.addr = uint32_t(Bits(addr, 32 * l, 32));
      r.write = Bits(write, l, 1) != 0;
      // A read's byte enables are the model's default (all): the GLB and the scoreboard use
      // them for writes only.
      if (r.write) r.mask = Bits(mask, WordBytes * l, WordBytes);
      r.tag = uint32_t(Bits(tag, 32 * l, 32));
      r.data_type = DataType(Bits(data_type, 3 * l, 3));
      for (int b = 0; b < WordBytes; ++b)
        r.data[size_t(b)] = uint8_t(Bits(data, 8 * (WordBytes * l + b), 8));
    }
    return out;
  }

  InPort<GlbResp> resp_;
  OutPort<GlbReq> req_;
  SignalOf<decltype(V::glb_req_space_i)> req_space_;
  SignalOf<decltype(V::glb_req_count_o)> req_count_;
  SignalOf<decltype(V::glb_req_addr_o)> req_addr_;
  SignalOf<decltype(V::glb_req_write_o)> req_write_;
  SignalOf<decltype(V::glb_req_mask_o)> req_mask_;
  SignalOf<decltype(V::glb_req_tag_o)> req_tag_;
  SignalOf<decltype(V::glb_req_data_type_o)> req_data_type_;
  SignalOf<decltype(V::glb_req_data_o)> req_data_;
  SignalOf<decltype(V::glb_resp_avail_i)> resp_avail_;
  SignalOf<decltype(V::glb_resp_write_i)> resp_write_;
  SignalOf<decltype(V::glb_resp_data_i)> resp_data_;
  SignalOf<decltype(V::glb_resp_taken_o)> resp_taken_;
};

// The twin of a block that takes commands, works on the GLB and reports each command done
// (k-WTA, sparse-sparse): cmd (valid/ready, and the command's fields, which the block's twin
// binds and writes), its GLB port and done, checked in that order.
template <typename V, typename Cmd, int WordBytes>
class GlbClientTwin : public VerilatedTwin<V> {
 protected:
  // glb: the port the model was built with; lanes requests and resp_slots responses a cycle.
  GlbClientTwin(const std::string& instance, Impl impl, Unit& model, StatGroup& stats,
                std::vector<CounterSpec> counters, const CosimOptions& options, Link<Cmd>& cmd,
                Glb::Port& glb, size_t lanes, size_t resp_slots, Link<uint32_t>& done)
      : VerilatedTwin<V>(instance, impl, model, stats, std::move(counters), options),
        cmd_("cmd", cmd),
        glb_(instance, glb, lanes, resp_slots, options.fault),
        done_(instance, done, options.fault) {
    cmd_.Bind(this->rtl_.cmd_valid_i, this->rtl_.cmd_ready_o);
    glb_.Bind(this->rtl_);
    done_.Bind(this->rtl_);
  }

  // Drive phase: the visible command's fields on the RTL's inputs.
  virtual void WriteCmd(const Cmd& c) = 0;
  // rtl: the model's checks of a command, which the RTL does not make, when the RTL takes it.
  virtual void CheckTaken(const Cmd& c) = 0;

  void DriveInputs() override {
    cmd_.Drive();
    if (cmd_.valid()) WriteCmd(cmd_.item());
    glb_.Drive();
    done_.Drive();
  }
  void Transfer() override {
    if (cmd_.Taken()) CheckTaken(cmd_.item());
    cmd_.Transfer();
    glb_.Transfer();
    done_.Transfer();
  }
  void Compare(Cycle now) override {
    cmd_.Compare(this->scoreboard(), now);
    glb_.Compare(this->scoreboard(), now);
    done_.Compare(this->scoreboard(), now);
  }

  HandshakeIn<Cmd> cmd_;
  GlbPortTwin<V, WordBytes> glb_;
  DoneOut<V> done_;
};

}  // namespace cssim
