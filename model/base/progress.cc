#include "model/base/progress.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

namespace cssim {

ProgressOptions StderrProgress(const std::string& unit, bool always_final) {
  ProgressOptions o;
  o.tty = isatty(STDERR_FILENO) == 1;
  o.unit = unit;
  o.always_final = always_final;
  return o;
}

Progress::Progress(std::string label, int total, ProgressOptions options)
    : label_(std::move(label)), total_(total), o_(std::move(options)) {
  if (!o_.now) {
    o_.now = [] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
  }
  if (!o_.write) {
    o_.write = [](const std::string& s) {
      std::fputs(s.c_str(), stderr);
      std::fflush(stderr);
    };
  }
  start_ = last_ = o_.now();
}

void Progress::Before(int done, int failed) {
  done_ += done;
  failed_ += failed;
}

void Progress::Done(bool ok) {
  ++ended_;
  ++(ok ? done_ : failed_);
  Tick();
}

void Progress::Tick() {
  if (finished_) return;
  const double now = o_.now();
  // A tty line is drawn at once the first time and after Clear(); then at most every interval.
  const bool due =
      o_.tty ? !shown_ || now - last_ >= o_.tty_interval_s : now - last_ >= o_.plain_interval_s;
  if (!due) return;
  last_ = now;
  Print(false);
}

void Progress::Clear() {
  if (!o_.tty || !shown_ || finished_) return;
  o_.write("\r\x1b[K");
  shown_ = false;
}

void Progress::Finish() {
  if (finished_) return;
  if (o_.always_final || printed_) Print(true);
  finished_ = true;
}

std::string Progress::Line(bool final) const {
  const double s = o_.now() - start_;
  const double rate = s > 0 ? ended_ / s : 0;
  char buf[512];
  std::snprintf(buf, sizeof(buf), "%s: %d/%d done, %d failed, %.2f %s/s", label_.c_str(), done_,
                total_, failed_, rate, o_.unit.c_str());
  std::string text = buf;
  if (final) {
    std::snprintf(buf, sizeof(buf), ", %.1f s", s);
    text += buf;
  } else if (const int left = std::max(0, total_ - done_ - failed_); rate > 0 && left > 0) {
    std::snprintf(buf, sizeof(buf), ", ETA %.0f s", left / rate);
    text += buf;
  }
  return text;
}

void Progress::Print(bool final) {
  const std::string text = Line(final);
  if (o_.tty) {
    o_.write("\r" + text + "\x1b[K" + (final ? "\n" : ""));
    shown_ = !final;
  } else {
    o_.write(text + "\n");
  }
  printed_ = true;
}

}  // namespace cssim
