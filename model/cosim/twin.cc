#include "model/cosim/twin.h"

#include <sstream>

namespace cssim {

const char* ImplName(Impl impl) {
  switch (impl) {
    case Impl::kRtl:
      return "rtl";
    case Impl::kBoth:
      return "both";
    case Impl::kModel:
      break;
  }
  return "model";
}

Fault ParseFault(const std::string& spec) {
  const char* kAllowed = "KIND:BLOCK:PORT:N with KIND flip|delay|drop, e.g. flip:array:out:3";
  std::vector<std::string> parts;
  std::stringstream ss(spec);
  for (std::string p; std::getline(ss, p, ':');) parts.push_back(p);
  if (parts.size() != 4) throw InputError("", "--inject", "'" + spec + "' is malformed", kAllowed);
  Fault f;
  if (parts[0] == "flip")
    f.kind = Fault::Kind::kFlipBit;
  else if (parts[0] == "delay")
    f.kind = Fault::Kind::kDelayValid;
  else if (parts[0] == "drop")
    f.kind = Fault::Kind::kDrop;
  else
    throw InputError("", "--inject", "unknown fault kind '" + parts[0] + "'", kAllowed);
  f.block = parts[1];
  f.port = parts[2];
  try {
    size_t used = 0;
    f.transaction = std::stoull(parts[3], &used);
    if (used != parts[3].size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw InputError("", "--inject", "transaction '" + parts[3] + "' is not a number", kAllowed);
  }
  return f;
}

CosimMismatch::CosimMismatch(Cycle c, std::string inst, std::string f, std::string e, std::string a)
    : SimError("cosim mismatch at cycle " + std::to_string(c) + ": " + inst + ": " + f +
               ": expected " + e + ", actual " + a),
      cycle(c),
      instance(std::move(inst)),
      field(std::move(f)),
      expected(std::move(e)),
      actual(std::move(a)) {}

CosimTally& Tally() {
  static CosimTally tally;
  return tally;
}

void Scoreboard::Mismatch(Cycle now, const std::string& field, const std::string& expected,
                          const std::string& actual) {
  if (!first_) first_ = std::make_unique<CosimMismatch>(now, instance_, field, expected, actual);
  Poll(now);
}

void Scoreboard::Compare(Cycle now, const std::string& what, const Fields& expected,
                         const Fields& actual) {
  for (size_t i = 0; i < expected.size() || i < actual.size(); ++i) {
    if (i >= expected.size() || i >= actual.size()) {
      Mismatch(now, what + ".fields", int64_t(expected.size()), int64_t(actual.size()));
      return;
    }
    if (expected[i].value != actual[i].value) {
      Mismatch(now, what + "." + expected[i].name, expected[i].value, actual[i].value);
      return;
    }
  }
}

void Scoreboard::Poll(Cycle now, bool force) const {
  if (first_ && (force || now >= first_->cycle + run_on_)) throw *first_;
}

Twin::Twin(std::string instance, Impl impl, Unit& model, StatGroup& stats,
           std::vector<CounterSpec> counters, const CosimOptions& options)
    : instance_(std::move(instance)),
      impl_(impl),
      model_(model),
      options_(options),
      scoreboard_(instance_, options.run_on_cycles) {
  if (impl_ == Impl::kModel) throw SimError(instance_ + ": a twin needs --impl rtl or both");
  for (const CounterSpec& c : counters) {
    Counter* m = stats.Find(c.model);
    if (!m)
      throw SimError(instance_ + ": RTL counter " + c.rtl + " names model counter " + c.model +
                     ", which " + stats.full_name() + " does not have");
    counters_.emplace_back(c, m);
  }
}

void Twin::Tick(Cycle now) {
  if (impl_ == Impl::kBoth)
    model_.Tick(now);
  else
    Transfer();
}

Cycle Twin::NextEvent(Cycle now) const {
  const Cycle model = impl_ == Impl::kBoth ? model_.NextEvent(now) : kNever;
  return Busy() ? now + 1 : model;
}

std::string Twin::DebugState() const {
  std::string s = instance_ + " (" + ImplName(impl_) + ", rtl " + (Busy() ? "busy" : "idle") + ")";
  if (impl_ == Impl::kBoth) s += ": " + model_.DebugState();
  return s;
}

void Twin::Drive(Cycle now) {
  SetClock(false);  // no change if FallingEdge lowered it
  DriveInputs();
}

void Twin::Edge(Cycle now) {
  if (impl_ == Impl::kBoth) {
    Compare(now);
    scoreboard_.Poll(now);
  }
  SetClock(true);
}

void Twin::Settled(Cycle now) {
  if (impl_ != Impl::kRtl) return;
  for (size_t i = 0; i < counters_.size(); ++i) counters_[i].second->Set(RtlCounter(i));
}

void Twin::Finish(Cycle end) {
  scoreboard_.Poll(end, true);
  for (size_t i = 0; i < counters_.size(); ++i) {
    const uint64_t rtl = RtlCounter(i);
    if (impl_ == Impl::kRtl) {
      counters_[i].second->Set(rtl);
      continue;
    }
    const uint64_t model = counters_[i].second->value();
    ++Tally().counters;
    if (model != rtl)
      scoreboard_.Mismatch(end,
                           std::string("counter ") + counters_[i].first.rtl + " (" +
                               counters_[i].second->full_name() + ")",
                           std::to_string(model), std::to_string(rtl));
  }
  scoreboard_.Poll(end, true);
}

}  // namespace cssim
