// Shared pieces of the cssim command line (tools/cssim/*.cc): exit codes, one-line error
// reports, strict option parsing, and running work in a child process.
#pragma once

#include <sys/types.h>

#include <boost/program_options.hpp>
#include <functional>
#include <string>
#include <vector>

#include "model/top/run.h"

namespace cssim {

constexpr int kExitOk = 0;
constexpr int kExitInput = 2;
constexpr int kExitSim = 3;

// The most simulations a command runs at a time (-j of sweep and bench --sweep).
constexpr int kMaxJobs = 1024;

// Messages leave as one line, whatever the exception text holds.
// The median of `v` (the mean of the middle two for an even count); v must not be empty.
double Median(std::vector<double> v);

std::string OneLine(std::string s);
int ReportInputError(const std::string& what);
int ReportSimError(const std::string& what);

// Parses a subcommand's arguments. Long options must be spelled out in full: a guessed
// abbreviation would make a typo silently mean another option. With an `operand` ("SPEC",
// "DIR"), the first positional word is stored under its lower-case name ("spec", "dir"); any
// other positional word is an error.
boost::program_options::variables_map Parse(const std::vector<std::string>& args,
                                            const boost::program_options::options_description& desc,
                                            const std::string& command,
                                            const std::string& operand = "");
bool WantsHelp(const boost::program_options::variables_map& vm, const std::string& usage,
               const boost::program_options::options_description& desc);

// --kernel: "systemc" or "direct"; throws InputError.
Kernel ParseKernel(const std::string& s);
const char* KernelName(Kernel k);

// Work done in a child process: SystemC elaborates once per process, so every simulation after
// the first (the comparison's modes, bench runs, regress cases) gets a fresh process forked
// before any SystemC object exists. The child sends one line back through a pipe: "ok <payload>"
// or "<exit code> <message>"; it may print to stdout itself (the parent waits for it).
struct ChildResult {
  int exit_code = kExitOk;
  std::string text;  // the payload, or the error message
};
ChildResult InChild(const std::function<std::string()>& body);

// InChild in two halves, for several children at once (regress -j): StartChild forks the child
// (pid -1 and the reason in text if it could not); ReadChild reads what the pipe (fd) has, false
// once it is at its end (poll fd first, or it blocks); FinishChild reads the rest, reaps the
// child and decodes its line.
struct Child {
  pid_t pid = -1;
  int fd = -1;
  std::string text;
};
Child StartChild(const std::function<std::string()>& body);
bool ReadChild(Child& c);
ChildResult FinishChild(Child& c);

}  // namespace cssim
