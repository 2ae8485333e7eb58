// The progress display of cssim's long jobs (sweep, regress, bench, run --chip), on stderr: on a
// terminal one line redrawn in place (done/total, failed, rate, ETA); otherwise a plain line at
// most every few seconds, and a final line. The clock and the output are injectable, so that
// tests can hand-work every line.
#pragma once

#include <functional>
#include <string>

namespace cssim {

struct ProgressOptions {
  bool tty = false;               // one line redrawn with '\r'; else plain lines
  double tty_interval_s = 0.2;    // tty: redraw at most this often
  double plain_interval_s = 5.0;  // plain: a line at most this often, the first after this long
  // Plain: the final line even when no line came before. Off, a job shorter than the interval
  // prints nothing at all (for commands whose stderr is otherwise empty).
  bool always_final = true;
  std::string unit = "points";                    // what is counted: "<unit>/s"
  std::function<double()> now;                    // monotonic seconds; default steady_clock
  std::function<void(const std::string&)> write;  // default: to stderr, flushed
};

// Options for stderr: tty when stderr is a terminal.
ProgressOptions StderrProgress(const std::string& unit, bool always_final);

class Progress {
 public:
  // label: the line's head, e.g. "cssim sweep gsc-small"; total: every item, including those
  // Before() counts.
  Progress(std::string label, int total, ProgressOptions options);
  ~Progress() { Clear(); }  // tty: a job that ends early (an error) leaves no stale line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Items an earlier run finished: counted in done/failed, not in the rate or the ETA.
  void Before(int done, int failed);
  // One item ended; prints when due.
  void Done(bool ok);
  // Prints when due (call it now and then while items run).
  void Tick();
  // Tty: erases the line, so that other output to the terminal starts on a clean line; the next
  // Tick redraws it. Plain: nothing.
  void Clear();
  // The final line, if always_final or a line came before. Once.
  void Finish();

  // The text of the line at the current time: "<label>: D/T done, F failed, R <unit>/s" and
  // ", ETA S s" (not final, rate > 0, items left) or ", W s" (final: the wall time so far).
  std::string Line(bool final) const;
  int done() const { return done_; }
  int failed() const { return failed_; }

 private:
  void Print(bool final);

  std::string label_;
  int total_;
  ProgressOptions o_;
  double start_, last_;
  int done_ = 0, failed_ = 0, ended_ = 0;                    // ended_: this run's items
  bool printed_ = false, shown_ = false, finished_ = false;  // shown_: tty line on screen
};

}  // namespace cssim
