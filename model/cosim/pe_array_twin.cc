#include "model/cosim/pe_array_twin.h"

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "Vpe_array.h"
#include "model/base/error.h"
#include "model/cosim/fields.h"
#include "model/cosim/pe_array_counters.h"
#include "model/cosim/verilated_twin.h"

namespace cssim {
namespace {

// The parameters rtl/pe/pe_array.f is Verilated with (the module's defaults: the default arch).
constexpr int kRows = 16;
constexpr int kCols = 16;
constexpr int kKpMax = 32;
constexpr int kBuffers = 2;

using LaneBits = sc_dt::sc_bv<8 * kRows>;
using WeightBits = sc_dt::sc_bv<8 * kCols>;
using SumBits = sc_dt::sc_bv<32 * kCols>;

// Lane i of `v` at bits [8i + 7, 8i]; lanes the beat does not carry are zero.
template <int W>
sc_dt::sc_bv<W> PackBytes(const std::vector<int8_t>& v) {
  sc_dt::sc_bv<W> bits;
  for (int word = 0; word < W / 32; ++word) {
    uint32_t w = 0;
    for (int i = 0; i < 4; ++i) {
      const size_t lane = size_t(word) * 4 + size_t(i);
      if (lane < v.size()) w |= uint32_t(uint8_t(v[lane])) << (8 * i);
    }
    bits.set_word(word, w);
  }
  return bits;
}

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
        out_(instance, "out", model.out(), options.fault) {
    rtl_.cmd_valid_i(cmd_valid_);
    rtl_.cmd_ready_o(cmd_ready_);
    rtl_.cmd_rows_used_i(cmd_rows_used_);
    rtl_.cmd_cols_used_i(cmd_cols_used_);
    rtl_.cmd_k0_i(cmd_k0_);
    rtl_.cmd_k_i(cmd_k_);
    rtl_.cmd_kp_i(cmd_kp_);
    rtl_.cmd_pixels_i(cmd_pixels_);
    rtl_.in_valid_i(in_valid_);
    rtl_.in_ready_o(in_ready_);
    rtl_.in_v_i(in_v_);
    rtl_.weight_valid_i(weight_valid_);
    rtl_.weight_ready_o(weight_ready_);
    rtl_.weight_v_i(weight_v_);
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
    out_.Begin();
    cmd_valid_.write(cmd_.valid());
    if (cmd_.valid()) {
      const ArrayCmd& c = cmd_.item();
      CheckCmd(c);
      cmd_rows_used_.write(uint32_t(c.rows_used));
      cmd_cols_used_.write(uint32_t(c.cols_used));
      cmd_k0_.write(uint32_t(int32_t(c.k0)));
      cmd_k_.write(uint32_t(int32_t(c.k)));
      cmd_kp_.write(uint32_t(c.kp));
      cmd_pixels_.write(uint32_t(c.pixels));
    }
    in_valid_.write(in_.valid());
    if (in_.valid()) in_v_.write(PackBytes<8 * kRows>(in_.item().v));
    weight_valid_.write(weight_.valid());
    if (weight_.valid()) weight_v_.write(PackBytes<8 * kCols>(weight_.item().v));
    out_ready_.write(out_.ready());
  }

  void Transfer() override {
    if (cmd_.valid() && cmd_ready_.read()) cmd_.Take(1);
    if (in_.valid() && in_ready_.read()) in_.Take(1);
    if (weight_.valid() && weight_ready_.read()) weight_.Take(1);
    if (out_valid_.read() && out_.ready()) out_.Put(OutBeat());
  }

  void Compare(Cycle now) override {
    cmd_.Check(scoreboard(), now, cmd_.valid() && cmd_ready_.read());
    in_.Check(scoreboard(), now, in_.valid() && in_ready_.read());
    weight_.Check(scoreboard(), now, weight_.valid() && weight_ready_.read());
    std::vector<SumBeat> out;
    if (out_valid_.read() && out_.ready()) out.push_back(OutBeat());
    out_.Check(scoreboard(), now, std::move(out));
  }

 private:
  SumBeat OutBeat() const {
    SumBeat s;
    s.pixel = int64_t(out_pixel_.read());
    const SumBits& bits = out_v_.read();
    const uint32_t cols = out_cols_.read();
    for (uint32_t c = 0; c < cols && c < uint32_t(kCols); ++c)
      s.v.push_back(int32_t(bits.get_word(int(c))));
    return s;
  }

  InPort<ArrayCmd> cmd_;
  InPort<Beat> in_, weight_;
  OutPort<SumBeat> out_;
  sc_core::sc_signal<bool> cmd_valid_, cmd_ready_, in_valid_, in_ready_, weight_valid_,
      weight_ready_, out_valid_, out_ready_;
  sc_core::sc_signal<uint32_t> cmd_rows_used_, cmd_cols_used_, cmd_k0_, cmd_k_, cmd_kp_,
      cmd_pixels_, out_pixel_, out_cols_;
  sc_core::sc_signal<LaneBits> in_v_;
  sc_core::sc_signal<WeightBits> weight_v_;
  sc_core::sc_signal<SumBits> out_v_;
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
