#include "tools/cssim/cosim.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "model/base/error.h"
#include "model/base/progress.h"
#include "model/config/config.h"
#include "model/cosim/factory.h"
#include "model/cosim/regress.h"
#include "model/top/run.h"
#include "tools/cssim/cli.h"

namespace cssim {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr char kMismatchHead[] = "cosim mismatch at cycle ";
constexpr Cycle kWavesBefore = 64;
constexpr Cycle kWavesAfter = 16;

std::string Grouped(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}

// One regression case: a block's random stimulus with one seed, or a workload in one mode.
struct Case {
  std::string name;                                     // "pe_array", "gsc-sparse"
  std::string what;                                     // "seed 3", "sparse-dense"
  std::function<std::string(const CosimOptions&)> run;  // returns "cycles transactions counters"
};

struct Outcome {
  int exit_code = kExitOk;
  std::string message;
  Cycle cycles = 0;
  uint64_t transactions = 0, counters = 0;
  double wall_s = 0;
};

// A case's outcome from its child's report.
Outcome Decode(const ChildResult& r, double wall_s) {
  Outcome o;
  o.wall_s = wall_s;
  o.exit_code = r.exit_code;
  if (r.exit_code != kExitOk) {
    o.message = r.text;
    if (IsMismatch(r.text)) o.exit_code = kExitMismatch;
    return o;
  }
  std::istringstream is(r.text);
  if (!(is >> o.cycles >> o.transactions >> o.counters)) {
    o.exit_code = kExitSim;
    o.message = "unreadable child report '" + r.text + "'";
  }
  return o;
}

// Runs the cases, up to `jobs` at once, each in a child process of its own (SystemC is not
// thread-safe and elaborates once per process). `progress` counts each case as it ends (passed
// or not as `passed` says), in any order, and ticks while they run; `report` gets the outcomes in
// case order, each as soon as it and every case before it have ended, so the output is that of a
// serial run.
void RunCases(const std::vector<Case>& cases, const CosimOptions& options, int jobs,
              Progress& progress, const std::function<bool(const Outcome&)>& passed,
              const std::function<void(const Case&, const Outcome&)>& report) {
  using Clock = std::chrono::steady_clock;
  struct Running {
    size_t index;
    Child child;
    Clock::time_point start;
  };
  std::vector<std::optional<Outcome>> outcomes(cases.size());
  std::vector<Running> running;
  size_t next = 0, reported = 0;
  auto finish = [&](Running& r) {
    const ChildResult c = FinishChild(r.child);
    outcomes[r.index] = Decode(c, std::chrono::duration<double>(Clock::now() - r.start).count());
    progress.Done(passed(*outcomes[r.index]));
  };
  while (reported < cases.size()) {
    while (running.size() < size_t(jobs) && next < cases.size()) {
      const size_t i = next++;
      Running r{i, {}, Clock::now()};
      r.child = StartChild([&cases, &options, i] { return cases[i].run(options); });
      if (r.child.fd < 0) {
        finish(r);  // could not start: its reason is the outcome
        continue;
      }
      running.push_back(std::move(r));
    }
    if (!running.empty()) {
      std::vector<pollfd> fds;
      for (const Running& r : running) fds.push_back({r.child.fd, POLLIN, 0});
      if (poll(fds.data(), fds.size(), 200) < 0 && errno != EINTR)
        throw std::runtime_error(std::string("regress: poll failed: ") + std::strerror(errno));
      for (size_t k = fds.size(); k-- > 0;) {
        if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))) continue;
        if (ReadChild(running[k].child)) continue;
        finish(running[k]);
        running.erase(running.begin() + long(k));
      }
    }
    for (; reported < cases.size() && outcomes[reported]; ++reported)
      report(cases[reported], *outcomes[reported]);
    progress.Tick();
  }
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

Impl ParseImpl(const std::string& s) {
  if (s == "model") return Impl::kModel;
  if (s == "rtl") return Impl::kRtl;
  if (s == "both") return Impl::kBoth;
  throw InputError("", "--impl", "unknown implementation '" + s + "'", "model, rtl, both");
}

std::string ReadAreaJson(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(path, "", "cannot read the file", "the JSON of tools/rtl-area --json");
  std::ostringstream os;
  os << f.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(os.str());
  } catch (const nlohmann::json::exception&) {
    throw InputError(path, "", "is not valid JSON", "the JSON of tools/rtl-area --json");
  }
  if (!j.is_object() || !j.contains("blocks") || !j["blocks"].is_object())
    throw InputError(path, "blocks", "is missing", "the JSON of tools/rtl-area --json");
  return os.str();
}

RunOptions WithWaves(RunOptions options, const CosimOptions& waves) {
  options.cosim.wave_prefix = waves.wave_prefix;
  options.cosim.wave_from = waves.wave_from;
  options.cosim.wave_to = waves.wave_to;
  options.cosim.run_on_cycles = waves.run_on_cycles;
  return options;
}

bool IsMismatch(const std::string& text) { return text.rfind(kMismatchHead, 0) == 0; }

int HandleMismatch(const std::string& text, const std::function<void(const CosimOptions&)>& replay,
                   const std::string& dir) {
  std::cerr << "cssim: " << OneLine(text) << std::endl;
  const Cycle cycle = std::stoull(text.substr(sizeof(kMismatchHead) - 1));
  CosimOptions waves;
  waves.wave_from = cycle > kWavesBefore ? cycle - kWavesBefore : 0;
  waves.wave_to = cycle + kWavesAfter;
  waves.run_on_cycles = kWavesAfter;
  // Staged next to the target and moved in file by file: a waveform appears whole or not at all.
  const fs::path stage = dir + ".tmp-" + std::to_string(getpid());
  std::error_code ec;
  fs::remove_all(stage, ec);
  fs::create_directories(stage, ec);
  if (ec) {
    std::cerr << "cssim: error: cannot create '" << stage.string() << "' for the waveform"
              << std::endl;
    return kExitMismatch;
  }
  waves.wave_prefix = (stage / "").string();
  const ChildResult again = InChild([&] {
    replay(waves);
    return std::string("the replay ran to the end");
  });
  {
    std::ofstream note(stage / "mismatch.txt");
    note << OneLine(text) << "\n";
    if (again.text != text) note << "replay (with waves): " << OneLine(again.text) << "\n";
    note << "waves: cycles " << waves.wave_from << ".." << waves.wave_to << "\n";
  }
  fs::create_directories(dir, ec);
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(stage, ec)) {
    fs::rename(e.path(), fs::path(dir) / e.path().filename(), ec);
    if (ec) break;
    files.push_back(e.path().filename().string());
  }
  fs::remove_all(stage, ec);
  std::sort(files.begin(), files.end());
  if (again.text != text)
    std::cerr << "cssim: the replay with waves did not reproduce it: " << OneLine(again.text)
              << std::endl;
  for (const std::string& f : files)
    if (f.size() > 4 && f.substr(f.size() - 4) == ".fst")
      std::cerr << "cssim: waveform " << (fs::path(dir) / f).string() << " (cycles "
                << waves.wave_from << ".." << waves.wave_to << ")" << std::endl;
  return kExitMismatch;
}

int BenchCosim(int runs, const std::vector<std::string>& blocks) {
  struct Row {
    std::string name, what;
    std::function<std::string(Impl)> run;  // "cycles wall_s"
  };
  std::vector<Row> rows;
  for (const std::string& b : blocks) {
    const BlockRegress* r = FindBlockRegress(b);
    if (!r) continue;
    rows.push_back(
        {b, "seed 1", [r](Impl impl) {
           const auto t0 = std::chrono::steady_clock::now();
           const RegressResult res = r->run(1, impl, CosimOptions{});
           const double s =
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
           std::ostringstream m;
           m.precision(9);
           m << res.cycles << ' ' << s;
           return m.str();
         }});
  }
  const ArchSpec arch = LoadArch("default");
  const EnergyTable table = LoadEnergyTable("45nm");
  const std::pair<const char*, Mode> jobs[] = {{"gsc-dense", Mode::kDense},
                                               {"gsc-sparse", Mode::kSparseDense},
                                               {"gsc-sparse", Mode::kSparseSparse}};
  for (const auto& [name, mode] : jobs) {
    const Workload w = LoadWorkload(name);
    const Mode m = mode;
    rows.push_back({name, ModeName(m), [=](Impl impl) {
                      RunOptions ro;
                      ro.mode = m;
                      ro.impl = impl;
                      ro.check = false;
                      const RunResult r = Run(arch, w, table, ro);
                      std::ostringstream o;
                      o.precision(9);
                      o << r.cycles << ' ' << r.wall_seconds;
                      return o.str();
                    }});
  }
  std::cout << std::left << std::setw(16) << "case" << std::setw(15) << "stimulus" << std::setw(7)
            << "impl" << std::right << std::setw(11) << "cycles" << std::setw(11) << "median s"
            << std::setw(13) << "cycles/s" << std::setw(16) << "vs model" << std::endl;
  Progress progress("cssim bench", int(rows.size()) * 3 * runs, StderrProgress("runs", false));
  for (const Row& row : rows) {
    double model_rate = 0;
    for (Impl impl : {Impl::kModel, Impl::kRtl, Impl::kBoth}) {
      std::vector<double> walls;
      Cycle cycles = 0;
      for (int i = 0; i < runs; ++i) {
        const ChildResult c = InChild([&] { return row.run(impl); });
        if (c.exit_code != kExitOk)
          return ReportSimError("bench: " + row.name + " " + ImplName(impl) + ": " + c.text);
        std::istringstream is(c.text);
        double wall = 0;
        if (!(is >> cycles >> wall)) return ReportSimError("unreadable child report " + c.text);
        walls.push_back(wall);
        progress.Done(true);
      }
      std::sort(walls.begin(), walls.end());
      const double median = walls[walls.size() / 2];
      const double rate = median > 0 ? double(cycles) / median : 0;
      if (impl == Impl::kModel) model_rate = rate;
      std::ostringstream ratio;
      ratio << std::fixed << std::setprecision(1)
            << (impl == Impl::kModel || rate == 0 ? 1.0 : model_rate / rate) << "x slower";
      progress.Clear();
      std::cout << std::left << std::setw(16) << row.name << std::setw(15) << row.what
                << std::setw(7) << ImplName(impl) << std::right << std::setw(11) << cycles
                << std::setw(11) << std::fixed << std::setprecision(3) << median << std::setw(13)
                << std::setprecision(0) << rate << std::setw(16)
                << (impl == Impl::kModel ? "-" : ratio.str()) << std::endl;
    }
  }
  progress.Finish();
  return kExitOk;
}

int RegressCommand(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("seeds", po::value<int>()->default_value(3),
                                                 "random-stimulus seeds per block (1..N)")(
      "blocks", po::value<std::string>(),
      "comma-separated blocks (default: every block "
      "with RTL; see the table's first column)")(
      "long", po::bool_switch(),
      "nightly mode: every built-in workload in every mode (not only the GSC networks in their "
      "own modes)")("no-workloads", po::bool_switch(), "random stimulus only")(
      "inject", po::value<std::string>(),
      "inject a fault into the RTL path of every case (KIND:BLOCK:PORT:N, KIND "
      "flip|delay|drop): each case must then FAIL; proves the scoreboard catches it")(
      "jobs,j", po::value<int>()->default_value(1),
      "cases run at once, each in its own process (the table stays in case order)");
  const po::variables_map vm = Parse(args, desc, "regress");
  if (WantsHelp(vm,
                "usage: cssim regress [options]\n\nRuns every RTL block against its model in "
                "lockstep (--impl both): random stimulus with random back-pressure, one case "
                "per block and seed, then the built-in workloads through the whole "
                "accelerator. Prints a summary table; exit 0 only if every case passed.",
                desc))
    return kExitOk;
  const int seeds = vm["seeds"].as<int>();
  if (seeds < 0 || seeds > 100000)
    throw InputError("", "--seeds", std::to_string(seeds) + " is out of range", "0..100000");
  const std::vector<std::string> all = RtlBlocks();
  std::vector<std::string> blocks = all;
  if (vm.count("blocks")) {
    blocks = SplitList(vm["blocks"].as<std::string>());
    for (const std::string& b : blocks)
      if (std::find(all.begin(), all.end(), b) == all.end()) {
        std::string allowed;
        for (const std::string& a : all) allowed += (allowed.empty() ? "" : ", ") + a;
        throw InputError("", "--blocks", "no RTL block '" + b + "'", allowed);
      }
  }
  const int jobs = vm["jobs"].as<int>();
  if (jobs < 1 || jobs > 256)
    throw InputError("", "--jobs", std::to_string(jobs) + " is out of range", "1..256");
  CosimOptions options;
  if (vm.count("inject")) options.fault = ParseFault(vm["inject"].as<std::string>());
  const bool expect_fail = vm.count("inject") > 0;

  std::vector<Case> cases;
  for (const std::string& b : blocks) {
    const BlockRegress* r = FindBlockRegress(b);
    if (!r) continue;
    for (int s = 1; s <= seeds; ++s)
      cases.push_back({b, "seed " + std::to_string(s), [r, s](const CosimOptions& o) {
                         const RegressResult res = r->run(uint64_t(s), Impl::kBoth, o);
                         std::ostringstream m;
                         m << res.cycles << ' ' << res.transactions << ' ' << Tally().counters;
                         return m.str();
                       }});
  }
  if (!vm["no-workloads"].as<bool>()) {
    struct Job {
      std::string workload;
      Mode mode;
    };
    std::vector<Job> jobs;
    if (vm["long"].as<bool>()) {
      for (const std::string& w : BuiltinNames("workload"))
        for (Mode m : {Mode::kDense, Mode::kSparseDense, Mode::kSparseSparse})
          jobs.push_back({w, m});
    } else {
      jobs = {{"gsc-dense", Mode::kDense},
              {"gsc-sparse", Mode::kSparseDense},
              {"gsc-sparse", Mode::kSparseSparse},
              {"gsc-supersparse", Mode::kSparseDense},
              {"gsc-supersparse", Mode::kSparseSparse}};
    }
    const ArchSpec arch = LoadArch("default");
    const EnergyTable table = LoadEnergyTable("45nm");
    for (const Job& j : jobs) {
      const Workload w = LoadWorkload(j.workload);
      cases.push_back({j.workload, ModeName(j.mode), [=](const CosimOptions& o) {
                         RunOptions ro;
                         ro.mode = j.mode;
                         ro.impl = Impl::kBoth;
                         ro.cosim = o;
                         const RunResult r = Run(arch, w, table, ro);
                         std::ostringstream m;
                         m << r.cycles << ' ' << r.cosim.transactions << ' ' << r.cosim.counters;
                         return m.str();
                       }});
    }
  }

  std::cout << std::left << std::setw(18) << "case" << std::setw(15) << "stimulus" << std::right
            << std::setw(12) << "cycles" << std::setw(14) << "transactions" << std::setw(10)
            << "counters" << std::setw(9) << "wall s"
            << "  result" << std::endl;
  int failed = 0;
  auto passed = [expect_fail](const Outcome& o) {
    return expect_fail ? o.exit_code == kExitMismatch : o.exit_code == kExitOk;
  };
  Progress progress("cssim regress", int(cases.size()), StderrProgress("cases", false));
  auto report = [&](const Case& c, const Outcome& o) {
    const bool pass = passed(o);
    if (!pass) ++failed;
    std::ostringstream wall;
    wall << std::fixed << std::setprecision(1) << o.wall_s;
    progress.Clear();
    std::cout << std::left << std::setw(18) << c.name << std::setw(15) << c.what << std::right
              << std::setw(12) << (o.exit_code == kExitOk ? Grouped(o.cycles) : "-")
              << std::setw(14) << (o.exit_code == kExitOk ? Grouped(o.transactions) : "-")
              << std::setw(10) << (o.exit_code == kExitOk ? Grouped(o.counters) : "-")
              << std::setw(9) << wall.str() << "  "
              << (pass ? (expect_fail ? "PASS (fault caught)" : "PASS")
                       : (expect_fail && o.exit_code == kExitOk ? "FAIL (fault not caught)"
                                                                : "FAIL"))
              << std::endl;
    if (!o.message.empty() && !(pass && expect_fail))
      std::cout << "    " << OneLine(o.message) << std::endl;
    else if (!o.message.empty())
      std::cout << "    caught: " << OneLine(o.message) << std::endl;
  };
  RunCases(cases, options, jobs, progress, passed, report);
  progress.Finish();
  std::cout << "\n"
            << cases.size() - size_t(failed) << " passed, " << failed << " failed" << std::endl;
  if (cases.empty()) {
    std::cerr << "cssim: error: no regression case (no RTL block built?)" << std::endl;
    return kExitInput;
  }
  return failed == 0 ? kExitOk : kExitMismatch;
}

}  // namespace cssim
