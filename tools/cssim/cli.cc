#include "tools/cssim/cli.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <iostream>

#include "model/base/error.h"

namespace cssim {

namespace po = boost::program_options;

// Messages leave as one line, whatever the exception text holds.
double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string OneLine(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

int ReportInputError(const std::string& what) {
  std::cerr << "cssim: error: " << OneLine(what) << std::endl;
  return kExitInput;
}

int ReportSimError(const std::string& what) {
  std::cerr << "cssim: simulation error: " << OneLine(what) << std::endl;
  return kExitSim;
}

po::variables_map Parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const std::string& command, const std::string& operand) {
  std::string key = operand;
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  po::options_description all;
  all.add(desc);
  if (!operand.empty()) all.add_options()(key.c_str(), po::value<std::string>());
  all.add_options()("unexpected-argument", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  if (!operand.empty()) positional.add(key.c_str(), 1);
  positional.add("unexpected-argument", -1);
  po::variables_map vm;
  po::store(
      po::command_line_parser(args)
          .options(all)
          .positional(positional)
          .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing)
          .run(),
      vm);
  po::notify(vm);
  if (vm.count("unexpected-argument"))
    throw InputError(
        "", "",
        "unexpected argument '" + vm["unexpected-argument"].as<std::vector<std::string>>()[0] + "'",
        (operand.empty() ? std::string("options only") : "one " + operand + " and options") +
            " (see 'cssim " + command + " --help')");
  return vm;
}

bool WantsHelp(const po::variables_map& vm, const std::string& usage,
               const po::options_description& desc) {
  if (!vm.count("help")) return false;
  std::cout << usage << "\n\n" << desc;
  return true;
}

Kernel ParseKernel(const std::string& s) {
  if (s == "systemc") return Kernel::kSystemC;
  if (s == "direct") return Kernel::kDirect;
  throw InputError("", "--kernel", "unknown kernel '" + s + "'", "systemc, direct");
}

const char* KernelName(Kernel k) { return k == Kernel::kSystemC ? "systemc" : "direct"; }

Child StartChild(const std::function<std::string()>& body) {
  Child c;
  int fds[2];
  if (pipe(fds) != 0) {
    c.text = "pipe() failed";
    return c;
  }
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    c.text = "fork() failed";
    return c;
  }
  if (pid == 0) {
    close(fds[0]);
    std::string text;
    try {
      text = "ok " + body();
    } catch (const InputError& e) {
      text = std::to_string(kExitInput) + " " + OneLine(e.what());
    } catch (const std::exception& e) {
      text = std::to_string(kExitSim) + " " + OneLine(e.what());
    }
    for (size_t done = 0; done < text.size();) {
      const ssize_t n = write(fds[1], text.data() + done, text.size() - done);
      if (n <= 0) break;
      done += size_t(n);
    }
    close(fds[1]);
    std::cout.flush();
    std::cerr.flush();
    // No static destructors: they belong to the parent. Called through a plain function
    // pointer: a direct call to a [[noreturn]] function makes ASan check the stack bounds, which
    // the SystemC kernel's coroutine stacks (QuickThreads, not annotated for ASan) have left
    // stale, and ASan then prints a false-positive warning (google/sanitizers issue 189).
    void (*const volatile quit)(int) = _exit;
    quit(0);
    return c;  // not reached: quit() does not return
  }
  close(fds[1]);
  c.pid = pid;
  c.fd = fds[0];
  return c;
}

bool ReadChild(Child& c) {
  if (c.fd < 0) return false;
  char buf[4096];
  ssize_t n;
  while ((n = read(c.fd, buf, sizeof(buf))) < 0 && errno == EINTR) {
  }
  if (n > 0) {
    c.text.append(buf, size_t(n));
    return true;
  }
  close(c.fd);
  c.fd = -1;
  return false;
}

ChildResult FinishChild(Child& c) {
  if (c.pid < 0) return {kExitSim, c.text};
  while (ReadChild(c)) {
  }
  int status = 0;
  while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
  }
  c.pid = -1;
  const std::string& text = c.text;
  const size_t space = text.find(' ');
  const std::string head = text.substr(0, space);
  const std::string rest = space == std::string::npos ? "" : text.substr(space + 1);
  if (head == "ok") return {kExitOk, rest};
  if (head == std::to_string(kExitInput) || head == std::to_string(kExitSim))
    return {std::stoi(head), rest};
  return {kExitSim, "the run process died (status " + std::to_string(status) + ")"};
}

ChildResult InChild(const std::function<std::string()>& body) {
  Child c = StartChild(body);
  return FinishChild(c);
}

}  // namespace cssim
