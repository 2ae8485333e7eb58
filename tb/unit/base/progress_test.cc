// Progress (model/base/progress.h) on a hand-driven clock: the rate and ETA worked by hand, the
// plain mode's throttling, the final line, and the tty mode's in-place redraws.
#include "model/base/progress.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cssim {
namespace {

class ProgressTest : public ::testing::Test {
 protected:
  ProgressOptions Options(bool tty, bool always_final) {
    ProgressOptions o;
    o.tty = tty;
    o.always_final = always_final;
    o.unit = "points";
    o.now = [this] { return t_; };
    o.write = [this](const std::string& s) { out_.push_back(s); };
    return o;
  }
  double t_ = 100;  // an arbitrary start: only differences count
  std::vector<std::string> out_;
};

TEST_F(ProgressTest, RateAndEtaWorkedByHand) {
  Progress p("cssim sweep s", 10, Options(false, true));
  p.Before(2, 1);  // 7 left, none run yet: no rate, no ETA
  EXPECT_EQ(p.Line(false), "cssim sweep s: 2/10 done, 1 failed, 0.00 points/s");
  t_ = 104;
  p.Done(true);
  t_ = 108;
  p.Done(false);
  // 2 ended in 8 s: 0.25/s; 10 - 3 done - 2 failed = 5 left: 5 / 0.25 = 20 s.
  EXPECT_EQ(p.Line(false), "cssim sweep s: 3/10 done, 2 failed, 0.25 points/s, ETA 20 s");
  EXPECT_EQ(p.Line(true), "cssim sweep s: 3/10 done, 2 failed, 0.25 points/s, 8.0 s");
}

TEST_F(ProgressTest, PlainModeThrottlesToOneLinePerInterval) {
  Progress p("cssim regress", 8, Options(false, true));
  t_ = 101;
  p.Done(true);  // 1 s in: before the first interval
  t_ = 104.9;
  p.Tick();
  EXPECT_TRUE(out_.empty());
  t_ = 105;  // 5 s: due. 1 ended in 5 s: 0.2/s, 7 left: 35 s.
  p.Tick();
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(out_[0], "cssim regress: 1/8 done, 0 failed, 0.20 points/s, ETA 35 s\n");
  t_ = 107;
  p.Done(true);
  p.Done(true);  // within 5 s of the last line: quiet
  t_ = 109.99;
  p.Tick();
  EXPECT_EQ(out_.size(), 1u);
  t_ = 110;  // 3 ended in 10 s: 0.3/s, 5 left: 16.67 s
  p.Tick();
  ASSERT_EQ(out_.size(), 2u);
  EXPECT_EQ(out_[1], "cssim regress: 3/8 done, 0 failed, 0.30 points/s, ETA 17 s\n");
  t_ = 112;
  p.Finish();
  ASSERT_EQ(out_.size(), 3u);
  EXPECT_EQ(out_[2], "cssim regress: 3/8 done, 0 failed, 0.25 points/s, 12.0 s\n");
  p.Finish();  // once
  p.Tick();
  EXPECT_EQ(out_.size(), 3u);
}

TEST_F(ProgressTest, FinalLineOnlyAfterAnEarlierOneUnlessAlways) {
  {
    Progress quiet("cssim bench", 2, Options(false, false));
    t_ = 102;
    quiet.Done(true);
    quiet.Done(true);
    quiet.Finish();
    EXPECT_TRUE(out_.empty()) << out_[0];  // shorter than the interval: nothing at all
  }
  {
    Progress always("cssim sweep s", 2, Options(false, true));
    always.Done(true);
    always.Finish();
    ASSERT_EQ(out_.size(), 1u);
    EXPECT_EQ(out_[0], "cssim sweep s: 1/2 done, 0 failed, 0.00 points/s, 0.0 s\n");
  }
  out_.clear();
  {
    Progress late("cssim bench", 3, Options(false, false));
    t_ = 108;
    late.Done(true);  // 6 s after start: a line, so the final one follows
    t_ = 110;
    late.Done(false);
    late.Finish();
    ASSERT_EQ(out_.size(), 2u);
    EXPECT_EQ(out_[0], "cssim bench: 1/3 done, 0 failed, 0.17 points/s, ETA 12 s\n");
    EXPECT_EQ(out_[1], "cssim bench: 1/3 done, 1 failed, 0.25 points/s, 8.0 s\n");
  }
}

TEST_F(ProgressTest, TtyRedrawsOneLineInPlace) {
  Progress p("cssim sweep s", 4, Options(true, false));
  p.Tick();  // the first draw is at once
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(out_[0], "\rcssim sweep s: 0/4 done, 0 failed, 0.00 points/s\x1b[K");
  t_ = 100.1;
  p.Done(true);  // within 0.2 s: no redraw
  EXPECT_EQ(out_.size(), 1u);
  t_ = 102;
  p.Done(true);  // 2 in 2 s: 1/s, 2 left
  ASSERT_EQ(out_.size(), 2u);
  EXPECT_EQ(out_[1], "\rcssim sweep s: 2/4 done, 0 failed, 1.00 points/s, ETA 2 s\x1b[K");
  p.Clear();  // before other output: the line goes; the next Tick draws it at once
  ASSERT_EQ(out_.size(), 3u);
  EXPECT_EQ(out_[2], "\r\x1b[K");
  p.Clear();  // nothing on screen: nothing to erase
  EXPECT_EQ(out_.size(), 3u);
  p.Tick();
  EXPECT_EQ(out_.size(), 4u);
  t_ = 104;
  p.Done(true);
  p.Done(true);
  p.Finish();  // always on a tty, ended by a newline
  EXPECT_EQ(out_.back(), "\rcssim sweep s: 4/4 done, 0 failed, 1.00 points/s, 4.0 s\x1b[K\n");
}

}  // namespace
}  // namespace cssim
