// Streamer: one GLB -> PE-array bus of the NoC (the input bus, or the weight bus).
//
// Function: for each StreamCmd it walks the address pattern lane by lane (a lane feeds one array
// row or column), fetches GLB words (up to `lanes` words per cycle through its GLB port, so the
// bus width is glb_lanes * word bytes per cycle), keeps a per-lane buffer of `buffer_bytes`
// values (the row's input register file), and emits one Beat per cycle when every active lane
// has its next value: the beat is multicast to all PEs of that row or column. One word read
// serves every lane whose next values lie in that word (consecutive beats of one lane, and
// neighbouring lanes alike). Zero-padding values cost no GLB read. Latency: GLB read (2 cycles)
// + noc.latency_cycles bus pipeline stages (latency_cycles beats in flight, so the bus keeps
// one beat per cycle) + beat link (1 cycle).
//
// Word register: each lane keeps the last GLB word delivered to it (address + data: one word of
// storage per lane, plus the address of the lane's newest read still in flight). A lane whose
// next value lies in that word takes it from the register at once, with no GLB read and no bus
// transfer (counted as `reg_hits`); a value in the word the lane is still waiting for joins that
// read. It hits whenever a lane's addresses stay in one word across beats that its buffer could
// not hold at the time of the read: a conv's sliding window (pixel ox+1 reads the byte after
// pixel ox) reads each word once per lane instead of once per value popped from a full buffer. A
// lane whose values alternate between two words (a reduction run that crosses a kernel row) gains
// little. The register is cleared at every StreamCmd, since the GLB may be rewritten between
// commands.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "model/base/link.h"
#include "model/base/stats.h"
#include "model/base/unit.h"
#include "model/compile/program.h"
#include "model/glb/glb.h"

namespace cssim {

struct Beat {
  std::vector<int8_t> v;  // one value per lane
};

class Streamer : public Unit {
 public:
  Streamer(const std::string& name, int max_lanes, int buffer_bytes, int latency_cycles,
           Glb::Port& glb, int word_bytes, DataType data_type, StatGroup& parent);

  Link<StreamCmd>& cmd() { return cmd_; }
  Link<Beat>& out() { return out_; }
  std::vector<LinkBase*> links() { return {&cmd_, &out_}; }

  void Tick(Cycle now) override;
  Cycle NextEvent(Cycle now) const override;
  std::string DebugState() const override;

  // A command is active, some lane's next value has not arrived, and the port has lost a GLB
  // bank arbitration since the oldest outstanding read was queued: the streamer waits on a bank
  // conflict (docs/design.md, "Where the cycles go"). A function of the state only, so that it
  // does not depend on which idle cycles the engine skips.
  bool ConflictDelayed() const;

 private:
  // The lanes' buffers: one ring of slots, addressed by a slot's serial within its lane (slots
  // pushed to the lane before it). Emit pops one slot from every lane at once, so every lane's
  // front is slot emitted_, and a row of the ring (one serial, every lane) is contiguous: a
  // beat is formed from one row. A row's flags are cleared when it is popped.
  size_t RowOf(uint64_t serial) const { return size_t(serial & ring_mask_) * size_t(max_lanes_); }
  struct Lane {
    uint64_t tail = 0;       // serial one past the lane's newest slot
    uint64_t next_beat = 0;  // next beat whose value is still to be requested
    StreamWalk walk;         // at next_beat: walk.addr() is its address
    // The word register: the last word delivered to this lane.
    bool reg_valid = false;
    uint32_t reg_word = 0;
    std::array<uint8_t, kMaxGlbWordBytes> reg_data{};
    // This lane's newest read not yet back, by its serial in pending_ order.
    bool in_flight = false;
    uint32_t in_flight_word = 0;
    uint64_t in_flight_serial = 0;
  };
  size_t Size(const Lane& lane) const { return size_t(lane.tail - emitted_); }
  // Appends a slot to lane l: its value, whether it is ready, put on the bus, a register hit,
  // and (waiting for a read) its byte in the word.
  void Push(int l, int8_t value, bool ready, bool bus, bool hit, uint8_t offset) {
    const size_t i = RowOf(lanes_[size_t(l)].tail++) + size_t(l);
    value_[i] = value;
    ready_[i] = ready;
    bus_[i] = bus;
    hit_[i] = hit;
    offset_[i] = offset;
  }
  bool FrontsReady() const;  // every active lane's front slot holds its value
  struct SlotRun {           // consecutive slots of one lane served by a word read
    // Built in place (emplace_back): a copy from the stack stalls on store forwarding.
    SlotRun(uint32_t f, uint16_t l) : first(f), lane(l) {}
    uint32_t first;  // serial of the first slot, modulo 2^32 (the ring is far smaller)
    uint16_t lane;
    uint16_t count = 1;
  };
  struct Pending {  // one GLB word read and every slot it serves
    uint32_t word = 0;
    std::vector<SlotRun> runs;
    Cycle queued = 0;  // the cycle the read was pushed to the GLB port
  };
  void Advance(int lane) {  // to the lane's next beat
    ++lanes_[size_t(lane)].next_beat;
    lanes_[size_t(lane)].walk.Next();
  }
  // Takes the lane's next values that need no new read: padding / idle, values in its in-flight
  // word (joining that read) and values in its register.
  void Serve(int lane);
  void Issue(Cycle now);
  void Fill();
  void Emit(Cycle now);

  std::string name_;
  int latency_;
  int max_lanes_;
  size_t buffer_bytes_;
  Glb::Port& glb_;
  uint32_t word_;  // bytes, a power of two
  DataType data_type_;
  Link<StreamCmd> cmd_;
  Link<Beat> out_;

  bool active_ = false;
  StreamCmd c_;
  uint64_t emitted_ = 0;
  std::vector<Lane> lanes_;  // max_lanes_ of them, the first c_.lanes in use
  uint64_t ring_mask_ = 0;   // rows - 1 (rows: a power of two >= buffer_bytes_)
  std::vector<int8_t> value_;
  std::vector<uint8_t> ready_, bus_, hit_, offset_;
  // Reads in flight, a ring addressed by serial like a lane's slots (the fill lists keep their
  // capacity from one read to the next): pending_head_ = reads answered so far.
  std::vector<Pending> pending_;
  uint64_t pending_head_ = 0, pending_tail_ = 0;
  Pending& PendingAt(uint64_t serial) { return pending_[serial & (pending_.size() - 1)]; }
  const Pending& PendingAt(uint64_t serial) const {
    return pending_[serial & (pending_.size() - 1)];
  }
  Pending& PushPending(uint32_t word, Cycle now);
  std::deque<std::pair<Cycle, Beat>> pipe_;  // formed beats on their way down the bus
  bool progress_ = false;

  StatGroup stats_;
  Counter transfers_;
  Counter reg_hits_;
  Counter beats_;
  Counter starved_;
};

}  // namespace cssim
