// Link<T>: a latency-insensitive valid/ready channel of finite depth between two units.
//
// Timing contract (the same as a registered FIFO in RTL, so an RTL twin can mirror it):
// - An item pushed in cycle t is visible to the consumer from cycle t+1 (valid is registered).
// - A slot freed by a pop in cycle t can be pushed again from cycle t+1 (ready is registered).
// - At most `capacity` items are in flight; CanPush() is the ready signal, CanPop() the valid.
// The engine calls Commit() once at the end of every cycle, after all units have ticked, so the
// order in which units tick within a cycle never changes the result.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cssim {

class LinkBase {
 public:
  virtual ~LinkBase() = default;
  // Makes this cycle's pushes visible and this cycle's pops free. Returns true if anything
  // moved this cycle (the engine must then tick the next cycle).
  virtual bool Commit() = 0;
  virtual const std::string& name() const = 0;
  virtual size_t occupancy() const = 0;
};

template <typename T>
class Link : public LinkBase {
 public:
  Link(std::string name, size_t capacity)
      : name_(std::move(name)), slots_(capacity == 0 ? 1 : capacity) {}

  // ready: a push this cycle will be accepted.
  bool CanPush() const { return count_ + popped_ < slots_.size(); }
  // valid: an item pushed in an earlier cycle is waiting.
  bool CanPop() const { return visible_ > 0; }

  void Push(T item) {
    assert(CanPush());
    slots_[(head_ + count_) % slots_.size()] = std::move(item);
    ++count_;
    ++pending_;
    ++pushes_;
  }
  const T& Front() const {
    assert(CanPop());
    return slots_[head_];
  }
  T Pop() {
    assert(CanPop());
    T item = std::move(slots_[head_]);
    head_ = (head_ + 1) % slots_.size();
    --count_;
    --visible_;
    ++popped_;
    ++pops_;
    return item;
  }

  // Observation for co-simulation (model/cosim): what the two ends see and did this cycle.
  // Items the consumer may pop this cycle (the i-th of them: Peek(i)).
  size_t visible() const { return visible_; }
  const T& Peek(size_t i) const {
    assert(i < visible_);
    return slots_[(head_ + i) % slots_.size()];
  }
  // Pushes that would be accepted this cycle if no push happened yet (stable within a cycle).
  size_t free_slots() const { return slots_.size() - (count_ - pending_) - popped_; }
  // The i-th item pushed this cycle.
  const T& PushedThisCycle(size_t i) const {
    assert(i < pending_);
    return slots_[(head_ + count_ - pending_ + i) % slots_.size()];
  }

  bool Commit() override {
    const bool moved = pending_ > 0 || popped_ > 0;
    visible_ += pending_;
    pending_ = 0;
    popped_ = 0;
    return moved;
  }

  const std::string& name() const override { return name_; }
  size_t occupancy() const override { return count_; }
  size_t capacity() const { return slots_.size(); }
  bool Empty() const { return count_ == 0; }
  uint64_t pushes() const { return pushes_; }
  uint64_t pops() const { return pops_; }

 private:
  std::string name_;
  std::vector<T> slots_;
  size_t head_ = 0;
  size_t count_ = 0;    // items stored, visible or not
  size_t visible_ = 0;  // items the consumer may pop this cycle
  size_t pending_ = 0;  // pushed this cycle
  size_t popped_ = 0;   // popped this cycle; their slots free up at Commit()
  uint64_t pushes_ = 0;
  uint64_t pops_ = 0;
};

}  // namespace cssim
