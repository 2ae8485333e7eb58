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
  struct Slot {
    int8_t value = 0;
    bool ready = false;
    bool hit = false;  // served by the word register (no bus transfer)
  };
  struct Lane {
    std::deque<Slot> buf;
    uint64_t next_beat = 0;  // next beat whose value is still to be requested
    int64_t next_addr = 0;   // its address (Addr(lane, next_beat)), cached
    // The word register: the last word delivered to this lane.
    bool reg_valid = false;
    uint32_t reg_word = 0;
    std::array<uint8_t, kMaxGlbWordBytes> reg_data{};
    // This lane's newest read not yet back, by its serial in pending_ order.
    bool in_flight = false;
    uint32_t in_flight_word = 0;
    uint64_t in_flight_serial = 0;
  };
  struct SlotFill {  // one slot served by a word read
    int lane;
    size_t slot_serial;
    uint16_t offset;  // byte in the word
  };
  struct Pending {  // one GLB word read and every slot it serves
    uint32_t word = 0;
    std::vector<SlotFill> fills;
    Cycle queued = 0;  // the cycle the read was pushed to the GLB port
  };
  void Advance(int lane);  // next_beat++ and refresh next_addr
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
  uint32_t word_;
  DataType data_type_;
  Link<StreamCmd> cmd_;
  Link<Beat> out_;

  bool active_ = false;
  StreamCmd c_;
  uint64_t emitted_ = 0;
  std::vector<Lane> lanes_;
  std::vector<size_t> popped_;  // slots popped per lane (serial of buf.front())
  std::deque<Pending> pending_;
  uint64_t pending_popped_ = 0;              // reads answered so far (serial of pending_.front())
  std::deque<std::pair<Cycle, Beat>> pipe_;  // formed beats on their way down the bus
  bool progress_ = false;

  StatGroup stats_;
  Counter transfers_;
  Counter reg_hits_;
  Counter beats_;
  Counter starved_;
};

}  // namespace cssim
