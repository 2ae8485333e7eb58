// cssim report: a self-contained HTML energy and performance report, with every figure as PNG
// and SVG and every table as CSV, of a result directory, a comparison directory (the default
// job's three modes) or a sweep database. The generator is Python with Debian's matplotlib
// (tools/report/, embedded in this binary by cmake/report_scripts.cmake): this file writes it
// into a private temporary directory, runs it with /usr/bin/python3 and passes its exit status
// on. What the report holds and how its numbers are checked: docs/report.md.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/base/text.h"
#include "model/base/version.h"
#include "tools/cssim/cli.h"
#include "tools/cssim/commands.h"

namespace cssim {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

struct Script {
  const char* name;
  const char* text;
};
const Script kScripts[] = {
#include "tools/cssim/report_scripts.inc"
    {nullptr, nullptr}};

// The interpreter: Debian's python3, which sees python3-matplotlib (a python3 earlier on PATH
// may not). CSSIM_PYTHON overrides it, for tests of the message below.
std::string Python() {
  const char* env = std::getenv("CSSIM_PYTHON");
  return env && *env ? env : "/usr/bin/python3";
}

// Runs `argv` and waits for it. Everything the child needs (arguments, environment) is built
// before fork: after it, only exec-safe calls.
int Exec(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_text = {"MPLBACKEND=Agg", "PYTHONDONTWRITEBYTECODE=1"};
  for (char** e = environ; *e; ++e) {
    const std::string var = *e;
    if (var.rfind("MPLBACKEND=", 0) != 0 && var.rfind("PYTHONDONTWRITEBYTECODE=", 0) != 0)
      env_text.push_back(var);
  }
  std::vector<char*> env;
  for (std::string& e : env_text) env.push_back(e.data());
  env.push_back(nullptr);
  std::cout.flush();
  const pid_t pid = fork();
  if (pid < 0) return ReportSimError("report: cannot start " + argv[0]);
  if (pid == 0) {
    execve(args[0], args.data(), env.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return ReportSimError("report: lost the generator process");
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return ReportSimError("report: the generator died of signal " + std::to_string(WTERMSIG(status)));
}

// report.html in the source's directory (beside a database file).
std::string DefaultReportPath(const std::string& source) {
  const fs::path src(source);
  std::error_code ec;
  const fs::path dir = fs::is_directory(src, ec) ? src : src.parent_path();
  return (dir / "report.html").string();
}

}  // namespace

std::string DefaultPlotsDir(const std::string& report) {
  fs::path p(report);
  return (p.parent_path() / (p.stem().string() + "-files")).string();
}

void CheckReportPython() {
  const std::string python = Python();
  if (access(python.c_str(), X_OK) != 0)
    throw InputError(python, "", "not found (cssim report plots with Debian's python3)",
                     "python3 and python3-matplotlib, which tools/setup installs");
}

int MakeReport(const ReportRequest& req) {
  CheckReportPython();
  const std::string python = Python();
  const RemoveTreeOnExit tmp(MakeTempDir("cssim-report-"));
  for (const Script& s : kScripts) {
    if (!s.name) break;
    std::ofstream f(tmp.path() / s.name, std::ios::binary);
    f << s.text;
    if (!f) return ReportSimError("report: cannot write " + (tmp.path() / s.name).string());
  }
  std::vector<std::string> argv = {python,       (tmp.path() / "cssim_report.py").string(),
                                   req.source,   "--out",
                                   req.out,      "--plots",
                                   req.plots,    "--cssim-version",
                                   kCssimVersion};
  for (const std::string& s : req.scatter) argv.insert(argv.end(), {"--scatter", s});
  for (const std::string& m : req.metrics) argv.insert(argv.end(), {"--metric", m});
  const int rc = Exec(argv);
  if (rc == 127) throw InputError(python, "", "cannot be run", "Debian's python3");
  return rc;
}

int ReportCommand(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")(
      "out,o", po::value<std::string>(),
      "the HTML file to write (default: report.html in the source's directory)")(
      "plots", po::value<std::string>(),
      "the directory for every figure (PNG, SVG) and table (CSV) (default: the report's name "
      "with -files, beside it)")(
      "scatter", po::value<std::vector<std::string>>()->composing(),
      "sweeps: a scatter plot of two metrics, X:Y (repeatable; replaces the default pairs)")(
      "metric", po::value<std::vector<std::string>>()->composing(),
      "sweeps: a Pareto objective, METRIC[:min|:max] (repeatable; default "
      "energy_per_inference_pj:min and inferences_per_s:max)");
  const po::variables_map vm = Parse(args, desc, "report", "source");
  if (WantsHelp(vm,
                "usage: cssim report SOURCE [-o report.html] [--plots DIR] [--scatter X:Y]... "
                "[--metric M[:min|:max]]...\n\nWrites one self-contained HTML report (figures "
                "embedded) of a run, the default job's three modes or a sweep, plus every "
                "figure as PNG and SVG and every table as CSV (docs/report.md). SOURCE: a result "
                "directory (cssim run --out), a comparison directory (the default job's --out), "
                "or a sweep (its --out directory, or its sweep.sqlite).",
                desc))
    return kExitOk;
  if (!vm.count("source"))
    throw InputError("", "SOURCE", "missing",
                     "a result directory, a comparison directory or a sweep database");
  ReportRequest req;
  req.source = vm["source"].as<std::string>();
  req.out = vm.count("out") ? vm["out"].as<std::string>() : DefaultReportPath(req.source);
  req.plots = vm.count("plots") ? vm["plots"].as<std::string>() : DefaultPlotsDir(req.out);
  if (vm.count("scatter")) req.scatter = vm["scatter"].as<std::vector<std::string>>();
  if (vm.count("metric")) req.metrics = vm["metric"].as<std::vector<std::string>>();
  return MakeReport(req);
}

}  // namespace cssim
