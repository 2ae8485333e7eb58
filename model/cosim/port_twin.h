// The RTL side of a twin's links (model/cosim/twin.h port conventions): an InPort or OutPort
// with the signals it drives and reads, bound to the Verilated module's ports. What the twins
// share: valid/ready links (HandshakeIn, HandshakeOut), Beat and SumBeat buses (BeatIn, SumOut),
// the ArrayCmd fields (ArrayCmdIn) and done indices (DoneOut); the GLB port is in
// model/cosim/glb_port_twin.h. Include only from a twin's .cc file (Verilated headers).
//
// Each port's Drive() begins its InPort/OutPort and writes the RTL inputs (drive phase),
// Transfer() moves what the settled RTL outputs say (rtl) and Compare() checks it against the
// model (both); a twin calls them in a fixed port order, which is the order the scoreboard
// reports mismatches of one cycle in.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/base/link.h"
#include "model/compile/program.h"
#include "model/cosim/twin.h"
#include "model/cosim/verilated_twin.h"
#include "model/noc/streamer.h"
#include "model/pe/pe_array.h"

namespace cssim {

// Bits [lo, lo + w) of a flattened packed array, w <= 64.
inline uint64_t Bits(uint64_t v, int lo, int w) {
  v >>= lo;
  return w == 64 ? v : v & ((uint64_t(1) << w) - 1);
}
template <int N>
uint64_t Bits(const sc_dt::sc_bv<N>& v, int lo, int w) {
  return v.range(lo + w - 1, lo).to_uint64();
}

// Sets bits [lo, lo + w) of a flattened packed array to x, w <= 32 for a uint32_t.
inline void SetBits(uint32_t* v, int lo, int w, uint64_t x) {
  const uint32_t mask = uint32_t(((uint64_t(1) << w) - 1) << lo);
  *v = (*v & ~mask) | (uint32_t(x << lo) & mask);
}
template <int N>
void SetBits(sc_dt::sc_bv<N>* v, int lo, int w, uint64_t x) {
  v->range(lo + w - 1, lo) = x;
}

// Bytes on a bus of W bits: value i in bits [8i + 7 : 8i]; lanes past the end of `v` are zero.
template <int W>
sc_dt::sc_bv<W> PackBytes(const std::vector<int8_t>& v) {
  sc_dt::sc_bv<W> bus;
  for (int word = 0; word < W / 32; ++word) {
    uint32_t w = 0;
    for (int b = 0; b < 4; ++b) {
      const size_t lane = size_t(4 * word + b);
      if (lane < v.size()) w |= uint32_t(uint8_t(v[lane])) << (8 * b);
    }
    bus.set_word(word, w);
  }
  return bus;
}

// A link the block consumes one item a cycle from: RTL <port>_valid_i / <port>_ready_o.
template <typename T>
class HandshakeIn {
 public:
  HandshakeIn(std::string name, Link<T>& link) : port_(std::move(name), link) {}
  void Bind(sc_core::sc_in<bool>& valid_i, sc_core::sc_out<bool>& ready_o) {
    valid_i(valid_);
    ready_o(ready_);
  }

  void Drive() {
    port_.Begin();
    valid_.write(port_.valid());
  }
  bool valid() const { return port_.valid(); }
  const T& item() const { return port_.item(); }
  // valid && the settled ready: the RTL takes the item this cycle.
  bool Taken() const { return port_.valid() && ready_.read(); }
  void Transfer() {
    if (Taken()) port_.Take(1);
  }
  void Compare(Scoreboard& sb, Cycle now) const { port_.Check(sb, now, Taken() ? 1 : 0); }

 private:
  InPort<T> port_;
  sc_core::sc_signal<bool> valid_, ready_;
};

// A link the block produces one item a cycle on: RTL <port>_valid_o / <port>_ready_i. Transfer
// and Compare take a function that reads the item off the port's data outputs.
template <typename T>
class HandshakeOut {
 public:
  HandshakeOut(const std::string& instance, std::string name, Link<T>& link, const Fault& fault)
      : port_(instance, std::move(name), link, fault) {}
  void Bind(sc_core::sc_out<bool>& valid_o, sc_core::sc_in<bool>& ready_i) {
    valid_o(valid_);
    ready_i(ready_);
  }

  void Drive() {
    port_.Begin();
    ready_.write(port_.ready());
  }
  // The settled valid && ready: the RTL puts an item out this cycle.
  bool Fired() const { return valid_.read() && port_.ready(); }
  template <typename MakeItem>
  void Transfer(MakeItem item) {
    if (Fired()) port_.Put(item());
  }
  template <typename MakeItem>
  void Compare(Scoreboard& sb, Cycle now, MakeItem item) {
    std::vector<T> items;
    if (Fired()) items.push_back(item());
    port_.Check(sb, now, std::move(items));
  }

 private:
  OutPort<T> port_;
  sc_core::sc_signal<bool> valid_, ready_;
};

// A Beat link: <port>_valid_i, <port>_ready_o and the bytes <port>_v_i of W bits.
template <int W>
class BeatIn : public HandshakeIn<Beat> {
 public:
  using HandshakeIn::HandshakeIn;
  void Bind(sc_core::sc_in<bool>& valid_i, sc_core::sc_out<bool>& ready_o,
            sc_core::sc_in<sc_dt::sc_bv<W>>& v_i) {
    HandshakeIn::Bind(valid_i, ready_o);
    v_i(v_);
  }
  void Drive() {
    HandshakeIn::Drive();
    if (valid()) v_.write(PackBytes<W>(item().v));
  }

 private:
  sc_core::sc_signal<sc_dt::sc_bv<W>> v_;
};

// The ArrayCmd fields the PE array and the CS engine share (cmd_rows_used_i, cmd_cols_used_i,
// cmd_k0_i, cmd_k_i, cmd_kp_i, cmd_pixels_i), at the widths the RTL of V gives them; signed
// fields keep their low bits.
template <typename V>
class ArrayCmdIn : public HandshakeIn<ArrayCmd> {
 public:
  using HandshakeIn::HandshakeIn;
  void Bind(V& rtl) {
    HandshakeIn::Bind(rtl.cmd_valid_i, rtl.cmd_ready_o);
    rtl.cmd_rows_used_i(rows_used_);
    rtl.cmd_cols_used_i(cols_used_);
    rtl.cmd_k0_i(k0_);
    rtl.cmd_k_i(k_);
    rtl.cmd_kp_i(kp_);
    rtl.cmd_pixels_i(pixels_);
  }
  void Drive() {
    HandshakeIn::Drive();
    if (!valid()) return;
    const ArrayCmd& c = item();
    Write(rows_used_, c.rows_used);
    Write(cols_used_, c.cols_used);
    Write(k0_, c.k0);
    Write(k_, c.k);
    Write(kp_, c.kp);
    Write(pixels_, c.pixels);
  }

 private:
  template <typename D>
  static void Write(sc_core::sc_signal<D>& s, int64_t v) {
    s.write(D(v));
  }

  SignalOf<decltype(V::cmd_rows_used_i)> rows_used_;
  SignalOf<decltype(V::cmd_cols_used_i)> cols_used_;
  SignalOf<decltype(V::cmd_k0_i)> k0_;
  SignalOf<decltype(V::cmd_k_i)> k_;
  SignalOf<decltype(V::cmd_kp_i)> kp_;
  SignalOf<decltype(V::cmd_pixels_i)> pixels_;
};

// The SumBeat link `out`: out_valid_o, out_ready_i, out_pixel_o, out_cols_o (how many sums) and
// out_v_o (sum i in 32-bit word i).
template <typename V>
class SumOut : public HandshakeOut<SumBeat> {
 public:
  SumOut(const std::string& instance, Link<SumBeat>& link, const Fault& fault)
      : HandshakeOut(instance, "out", link, fault) {}
  void Bind(V& rtl) {
    HandshakeOut::Bind(rtl.out_valid_o, rtl.out_ready_i);
    rtl.out_pixel_o(pixel_);
    rtl.out_cols_o(cols_);
    rtl.out_v_o(v_);
  }
  void Transfer() {
    HandshakeOut::Transfer([this] { return Item(); });
  }
  void Compare(Scoreboard& sb, Cycle now) {
    HandshakeOut::Compare(sb, now, [this] { return Item(); });
  }

 private:
  using Bus = PortData<decltype(V::out_v_o)>;
  SumBeat Item() const {
    SumBeat s;
    s.pixel = int64_t(pixel_.read());
    const Bus& bus = v_.read();
    const uint32_t cols = cols_.read();
    for (uint32_t c = 0; c < cols && c < uint32_t(Bus().length() / 32); ++c)
      s.v.push_back(int32_t(bus.get_word(int(c))));
    return s;
  }

  SignalOf<decltype(V::out_pixel_o)> pixel_;
  SignalOf<decltype(V::out_cols_o)> cols_;
  sc_core::sc_signal<Bus> v_;
};

// The done link: done_valid_o, done_ready_i and done_index_o (a finished command's index).
template <typename V>
class DoneOut : public HandshakeOut<uint32_t> {
 public:
  DoneOut(const std::string& instance, Link<uint32_t>& link, const Fault& fault)
      : HandshakeOut(instance, "done", link, fault) {}
  void Bind(V& rtl) {
    HandshakeOut::Bind(rtl.done_valid_o, rtl.done_ready_i);
    rtl.done_index_o(index_);
  }
  void Transfer() {
    HandshakeOut::Transfer([this] { return uint32_t(index_.read()); });
  }
  void Compare(Scoreboard& sb, Cycle now) {
    HandshakeOut::Compare(sb, now, [this] { return uint32_t(index_.read()); });
  }

 private:
  SignalOf<decltype(V::done_index_o)> index_;
};

}  // namespace cssim
