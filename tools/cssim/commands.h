// The cssim commands (main.cc keeps the table that names them), one file each:
// run_command.cc, list_command.cc, list_params_command.cc, bench_command.cc, sweep_command.cc,
// report_command.cc, and regress in cosim.cc. Each takes the arguments after the command word and
// returns the exit status; bad input is thrown as InputError (or a boost::program_options error)
// for main.cc to report.
#pragma once

#include <string>
#include <vector>

#include "model/compile/program.h"

namespace cssim {

int RunCommand(const std::vector<std::string>& args);
int ListCommand(const std::vector<std::string>& args);
int ListParamsCommand(const std::vector<std::string>& args);
int BenchCommand(const std::vector<std::string>& args);
// `cssim bench --sweep` (bench_sweep.cc); BenchCommand hands it every argument.
int BenchSweepCommand(const std::vector<std::string>& args);
int SweepCommand(const std::vector<std::string>& args);
// `cssim sweep export` and `cssim sweep pareto` (sweep_results_command.cc).
int SweepExportCommand(const std::vector<std::string>& args);
int SweepParetoCommand(const std::vector<std::string>& args);
// `cssim sweep status`, and the Slurm backend's `sweep task` and `sweep collect`
// (sweep_slurm_command.cc).
int SweepStatusCommand(const std::vector<std::string>& args);
int SweepTaskCommand(const std::vector<std::string>& args);
int SweepCollectCommand(const std::vector<std::string>& args);

// `cssim report` (report_command.cc), and the report `cssim run --report` writes.
int ReportCommand(const std::vector<std::string>& args);
struct ReportRequest {
  std::string source;  // result directory, comparison directory, sweep directory or database
  std::string out;     // the HTML file
  std::string plots;   // the figures' and tables' directory
  std::vector<std::string> scatter, metrics;
};
// Throws InputError when the interpreter the report needs is missing (before a long run).
void CheckReportPython();
// Runs the generator; returns its exit status (0, or 2 after its one-line message on bad input).
int MakeReport(const ReportRequest& req);
// The report's name with "-files", beside it: its figures' and tables' directory.
std::string DefaultPlotsDir(const std::string& report);

// The default job ('cssim run' with neither --mode nor --workload, and 'cssim bench
// --default-job'): the dense GSC network on the PE array, and the sparse one on the CS
// datapath with dense and with sparse activations.
struct Job {
  std::string workload;
  Mode mode;
};
inline const Job kComparison[] = {{"gsc-dense", Mode::kDense},
                                  {"gsc-sparse", Mode::kSparseDense},
                                  {"gsc-sparse", Mode::kSparseSparse}};

}  // namespace cssim
