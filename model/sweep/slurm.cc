#include "model/sweep/slurm.h"

#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "model/base/error.h"
#include "model/base/text.h"
#include "model/sweep/runner.h"
#include "model/sweep/store.h"

namespace cssim::sweep {
namespace {

namespace fs = std::filesystem;

// Most clusters keep Slurm's default MaxArraySize (1001: indices 0..1000).
constexpr int kMaxArrayTasks = 1000;

const char* const kBackendAllowed = "local, or slurm with Slurm's sbatch and squeue on PATH";

// `name` found on PATH, or "" when it is not there.
std::string OnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    const std::string f = (dir.empty() ? "." : dir) + "/" + name;
    if (access(f.c_str(), X_OK) == 0) return f;
  }
  return "";
}

// Runs argv (argv[0] a full path) with stdin from /dev/null and its stderr ours; sets *out to its
// stdout and returns its exit code (-1 when it could not run or was killed).
int Capture(const std::vector<std::string>& args, std::string* out) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], 1);
    std::freopen("/dev/null", "r", stdin);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  out->clear();
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof(buf));
    if (n > 0) {
      out->append(buf, size_t(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// A word for sh: single-quoted.
std::string ShellWord(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string ReadText(const fs::path& path, bool* ok) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  *ok = bool(f);
  return ss.str();
}

// The ids of a manifest-<n>.txt, in order.
std::vector<std::string> ReadIds(const std::string& manifest) {
  std::ifstream f(manifest);
  if (!f) throw InputError(manifest, "", "cannot read the manifest");
  std::vector<std::string> ids;
  std::string line;
  while (std::getline(f, line))
    if (!Trim(line).empty()) ids.push_back(Trim(line));
  return ids;
}

// manifest-<n>.txt -> manifest-<n>.yaml.
std::string PointsFile(const std::string& manifest) {
  fs::path p(manifest);
  return p.replace_extension(".yaml").string();
}

std::string PointsYaml(const SweepManifest& m, const std::vector<int>& todo) {
  YAML::Emitter e;
  e << YAML::BeginMap << YAML::Key << "name" << YAML::Value << m.name;
  e << YAML::Key << "columns" << YAML::Value << YAML::BeginSeq;
  for (const std::string& c : m.columns) e << c;
  e << YAML::EndSeq << YAML::Key << "points" << YAML::Value << YAML::BeginSeq;
  for (int i : todo) {
    const SweepPoint& p = m.points[size_t(i)];
    e << YAML::BeginMap << YAML::Key << "index" << YAML::Value << p.index;
    e << YAML::Key << "id" << YAML::Value << p.id;
    e << YAML::Key << "mode" << YAML::Value << p.mode;
    e << YAML::Key << "seed" << YAML::Value << std::to_string(p.seed);
    e << YAML::Key << "values" << YAML::Value << YAML::BeginSeq;
    for (const auto& [key, value] : p.values)
      e << YAML::Flow << YAML::BeginSeq << key << value << YAML::EndSeq;
    e << YAML::EndSeq << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

// The sweep of a manifest-<n>.yaml: its name, columns and points (without their config texts).
SweepManifest ReadPointsYaml(const std::string& file) {
  SweepManifest m;
  try {
    const YAML::Node root = YAML::LoadFile(file);
    m.spec_file = file;
    m.name = root["name"].as<std::string>();
    for (const YAML::Node& c : root["columns"]) m.columns.push_back(c.as<std::string>());
    for (const YAML::Node& n : root["points"]) {
      SweepPoint p;
      p.index = n["index"].as<int>();
      p.id = n["id"].as<std::string>();
      p.mode = n["mode"].as<std::string>();
      p.seed = std::stoull(n["seed"].as<std::string>());
      for (const YAML::Node& v : n["values"])
        p.values.emplace_back(v[0].as<std::string>(), v[1].as<std::string>());
      m.points.push_back(std::move(p));
    }
  } catch (const std::exception& e) {
    throw InputError(file, "", std::string("not a sweep's Slurm manifest: ") + e.what());
  }
  return m;
}

// The submission number of the next manifest: one more than the largest there.
int NextSubmission(const fs::path& slurm_dir) {
  int n = 0;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(slurm_dir, ec)) {
    const std::string f = e.path().filename().string();
    int k = 0;
    if (std::sscanf(f.c_str(), "manifest-%d.txt", &k) == 1 && k >= n) n = k + 1;
  }
  return n;
}

// Submits a batch script; returns the job id (sbatch --parsable prints "id" or "id;cluster").
std::string Sbatch(const std::string& sbatch, const std::vector<std::string>& options,
                   const fs::path& script) {
  std::vector<std::string> args = {sbatch, "--parsable"};
  args.insert(args.end(), options.begin(), options.end());
  args.push_back(script.string());
  std::string out;
  const int rc = Capture(args, &out);
  const std::string id = Trim(out).substr(0, Trim(out).find(';'));
  if (rc != 0 || id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
    throw InputError(script.string(), "--backend",
                     "sbatch refused the job (exit " + std::to_string(rc) + ")", kBackendAllowed);
  return id;
}

// Whether Slurm still lists job `id` as pending, running or completing.
bool JobActive(const std::string& squeue, const std::string& id) {
  std::string out;
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int rc = Capture({squeue, "-h", "-j", id, "-o", "%T", "-t",
                            "PENDING,RUNNING,SUSPENDED,COMPLETING,CONFIGURING,REQUEUED,RESIZING"},
                           &out);
    if (rc == 0) return !Trim(out).empty();
    std::this_thread::sleep_for(std::chrono::seconds(1));  // a controller busy for a moment
  }
  return false;  // unknown to squeue: ended long ago
}

std::string Plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

int SubmitSlurm(const SweepManifest& m, const SweepOptions& o, const SlurmOptions& s) {
  const std::string sbatch = OnPath("sbatch"), squeue = OnPath("squeue");
  if (sbatch.empty())
    throw InputError("", "--backend", "slurm needs sbatch, which is not on PATH", kBackendAllowed);
  if (access(o.cssim_bin.c_str(), X_OK) != 0)
    throw InputError(o.cssim_bin, "", "cannot run it: " + std::string(std::strerror(errno)),
                     "the cssim binary");
  const fs::path out = fs::absolute(o.out_dir), slurm_dir = out / "slurm";
  std::error_code ec;
  fs::create_directories(out / "points", ec);
  if (!ec) fs::create_directories(slurm_dir, ec);
  if (ec) throw InputError(o.out_dir, "", "cannot create the sweep's directory: " + ec.message());

  std::vector<int> todo;
  {
    Store store((out / "sweep.sqlite").string(), m.name, m.columns);
    store.SetIndices(m);
    todo = PointsToRun(m, store.Statuses(), out.string(), o.retry_failed);
    if (todo.empty()) {
      std::fprintf(stderr, "cssim sweep %s: nothing to run\n", m.name.c_str());
      return PointsToRun(m, store.Statuses(), out.string(), true).empty() ? 0 : 3;
    }
  }
  SweepOptions po = o;
  po.out_dir = out.string();
  for (int i : todo) PreparePointDir(m.points[size_t(i)], po.out_dir);

  const int n = NextSubmission(slurm_dir);
  const std::string tag = std::to_string(n);
  const fs::path manifest = slurm_dir / ("manifest-" + tag + ".txt");
  const fs::path task_sh = slurm_dir / ("task-" + tag + ".sh");
  const fs::path collect_sh = slurm_dir / ("collect-" + tag + ".sh");
  std::string ids;
  for (int i : todo) ids += m.points[size_t(i)].id + "\n";
  WriteFileAtomically(PointsFile(manifest.string()), PointsYaml(m, todo));
  WriteFileAtomically(manifest, ids);

  int per_task = s.per_task;
  if ((todo.size() + per_task - 1) / per_task > size_t(kMaxArrayTasks)) {
    per_task = int((todo.size() + kMaxArrayTasks - 1) / kMaxArrayTasks);
    std::fprintf(stderr, "cssim sweep %s: %d points per task, to stay within %d array tasks\n",
                 m.name.c_str(), per_task, kMaxArrayTasks);
  }
  const size_t tasks = (todo.size() + per_task - 1) / per_task;
  const std::string bin = ShellWord(fs::absolute(o.cssim_bin).string());
  std::string run = bin + " sweep task " + ShellWord(out.string()) + " --manifest " +
                    ShellWord(manifest.string()) + " --task \"$SLURM_ARRAY_TASK_ID\" --per-task " +
                    std::to_string(per_task);
  if (o.timeout_s > 0) {
    char t[64];
    std::snprintf(t, sizeof(t), "%.17g", o.timeout_s);
    run += std::string(" --timeout ") + t;
  }
  if (o.mem_limit_mib > 0) run += " --mem-limit " + std::to_string(o.mem_limit_mib);
  if (!o.area_file.empty()) run += " --area " + ShellWord(o.area_file);
  WriteFileAtomically(task_sh, "#!/bin/sh\n# cssim sweep " + m.name + ", submission " + tag +
                                   ": array task i runs points [i*" + std::to_string(per_task) +
                                   ", (i+1)*" + std::to_string(per_task) + ") of manifest-" + tag +
                                   ".txt.\nexec " + run + "\n");
  WriteFileAtomically(collect_sh, "#!/bin/sh\n# cssim sweep " + m.name + ", submission " + tag +
                                      ": records the array's results in sweep.sqlite.\nexec " +
                                      bin + " sweep collect " + ShellWord(out.string()) +
                                      " --manifest " + ShellWord(manifest.string()) + "\n");

  std::vector<std::string> common = {"--chdir=" + slurm_dir.string()};
  if (!s.partition.empty()) common.push_back("--partition=" + s.partition);
  std::vector<std::string> array_opts = common;
  array_opts.push_back("--job-name=cssim-" + m.name);
  array_opts.push_back("--array=0-" + std::to_string(tasks - 1) +
                       (s.throttle > 0 ? "%" + std::to_string(s.throttle) : ""));
  array_opts.push_back("--output=" + (slurm_dir / ("task-" + tag + "-%a.out")).string());
  const std::string array_id = Sbatch(sbatch, array_opts, task_sh);
  std::vector<std::string> collect_opts = common;
  collect_opts.push_back("--job-name=cssim-" + m.name + "-collect");
  collect_opts.push_back("--dependency=afterany:" + array_id);
  collect_opts.push_back("--output=" + (slurm_dir / ("collect-" + tag + ".out")).string());
  const std::string collect_id = Sbatch(sbatch, collect_opts, collect_sh);

  std::printf(
      "cssim sweep %s: submitted %s as Slurm job array %s (%s of up to %d), collect job %s\n"
      "watch: cssim sweep status %s\n",
      m.name.c_str(), Plural(todo.size(), "point").c_str(), array_id.c_str(),
      Plural(tasks, "task").c_str(), per_task, collect_id.c_str(), ShellWord(o.out_dir).c_str());
  std::fflush(stdout);
  if (!s.wait) return 0;
  if (squeue.empty())
    throw InputError("", "--wait", "needs squeue, which is not on PATH", kBackendAllowed);
  while (JobActive(squeue, collect_id)) std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Store store((out / "sweep.sqlite").string(), m.name, m.columns);
  return PointsToRun(m, store.Statuses(), out.string(), true).empty() ? 0 : 3;
}

int RunSlurmTask(const std::string& manifest, int task, int per_task, const SweepOptions& o) {
  const std::vector<std::string> ids = ReadIds(manifest);
  const SweepManifest m = ReadPointsYaml(PointsFile(manifest));
  std::map<std::string, const SweepPoint*> by_id;
  for (const SweepPoint& p : m.points) by_id[p.id] = &p;
  const fs::path points = fs::path(o.out_dir) / "points";
  int rc = 0;
  const size_t first = size_t(task) * size_t(per_task);
  for (size_t k = first; k < ids.size() && k < first + size_t(per_task); ++k) {
    const auto it = by_id.find(ids[k]);
    try {
      if (it == by_id.end()) throw InputError(PointsFile(manifest), "", "has no point " + ids[k]);
      const PointRecord rec = RunPointInDir(*it->second, o);
      char wall[64];
      std::snprintf(wall, sizeof(wall), "%.17g\n", rec.wall_s);
      const fs::path dir = points / (rec.done ? ids[k] : ids[k] + ".tmp");
      WriteFileAtomically(dir / kWallFile, wall);
      if (!rec.done) WriteFileAtomically(dir / kFailedFile, rec.error);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "cssim sweep task: point %s: %s\n", ids[k].c_str(), e.what());
      rc = 1;
    }
  }
  return rc;
}

int CollectSlurm(const std::string& out_dir, const std::string& manifest) {
  const std::vector<std::string> ids = ReadIds(manifest);
  const SweepManifest m = ReadPointsYaml(PointsFile(manifest));
  std::map<std::string, const SweepPoint*> by_id;
  for (const SweepPoint& p : m.points) by_id[p.id] = &p;
  const fs::path points = fs::path(out_dir) / "points";
  Store store((fs::path(out_dir) / "sweep.sqlite").string(), m.name, m.columns);
  const std::map<std::string, bool> before = store.Statuses();
  size_t done = 0, failed = 0, missing = 0;
  for (const std::string& id : ids) {
    const auto it = by_id.find(id);
    if (it == by_id.end()) throw InputError(PointsFile(manifest), "", "has no point " + id);
    const fs::path final = points / id, tmp = points / (id + ".tmp");
    PointRecord rec;
    bool ok = false;
    std::error_code ec;
    if (fs::is_directory(final, ec)) {
      const auto b = before.find(id);
      if (b != before.end() && b->second) {  // recorded by an earlier collect
        ++done;
        continue;
      }
      try {
        rec.metrics = ReadMetrics((final / kResultDir).string());
        rec.done = true;
      } catch (const std::runtime_error& e) {
        rec.error = e.what();
      }
      rec.wall_s = std::atof(ReadText(final / kWallFile, &ok).c_str());
    } else {
      rec.error = ReadText(tmp / kFailedFile, &ok);
      if (!ok) {
        ++missing;
        continue;
      }
      rec.wall_s = std::atof(ReadText(tmp / kWallFile, &ok).c_str());
    }
    store.Record(*it->second, rec);
    ++(rec.done ? done : failed);
  }
  std::fprintf(stderr, "cssim sweep %s: collected %zu done, %zu failed, %zu without a result%s\n",
               m.name.c_str(), done, failed, missing,
               missing ? " (their task did not finish them; run the sweep again to resume)" : "");
  return done == ids.size() ? 0 : 3;
}

void PrintSlurmStatus(const std::string& out_dir, std::ostream& os) {
  const fs::path out(out_dir), slurm_dir = out / "slurm", db = out / "sweep.sqlite";
  std::error_code ec;
  std::vector<std::string> order;
  std::set<std::string> seen;
  std::vector<std::pair<int, fs::path>> manifests;
  for (const fs::directory_entry& e : fs::directory_iterator(slurm_dir, ec)) {
    int k = 0;
    const std::string f = e.path().filename().string();
    if (std::sscanf(f.c_str(), "manifest-%d", &k) == 1 &&
        f == "manifest-" + std::to_string(k) + ".txt")
      manifests.emplace_back(k, e.path());
  }
  std::sort(manifests.begin(), manifests.end());
  for (const auto& [k, path] : manifests)
    for (const std::string& id : ReadIds(path.string()))
      if (seen.insert(id).second) order.push_back(id);
  std::map<std::string, std::string> recorded;  // id -> status
  const bool have_db = fs::exists(db, ec);
  if (have_db) {
    const PointsTable t = ReadPoints(db.string());
    const int id_col = t.Column("id"), status_col = t.Column("status");
    for (const auto& row : t.rows) {
      const std::string& id = row[size_t(id_col)].text;
      recorded[id] = row[size_t(status_col)].text;
      if (seen.insert(id).second) order.push_back(id);
    }
  }
  if (!have_db && manifests.empty())
    throw InputError(out_dir, "", "not a sweep's directory (no sweep.sqlite, no slurm/manifest)",
                     "the --out directory of a sweep");
  size_t f_done = 0, f_failed = 0, f_pending = 0, d_done = 0, d_failed = 0, d_none = 0;
  for (const std::string& id : order) {
    const fs::path final = out / "points" / id;
    if (fs::is_directory(final, ec)) {
      ++f_done;
    } else if (fs::exists(out / "points" / (id + ".tmp") / kFailedFile, ec) ||
               (recorded.count(id) && recorded[id] != "done" &&
                fs::is_directory(out / "points" / (id + ".tmp"), ec))) {
      ++f_failed;  // a Slurm task's failure file, or a local failure's kept <id>.tmp/
    } else {
      ++f_pending;
    }
    const auto it = recorded.find(id);
    if (it == recorded.end()) {
      ++d_none;
    } else {
      ++(it->second == "done" ? d_done : d_failed);
    }
  }
  os << out_dir << ": " << Plural(order.size(), "point") << "\n"
     << "  result files: " << f_done << " done, " << f_failed << " failed, " << f_pending
     << " pending\n"
     << "  sweep.sqlite: " << d_done << " done, " << d_failed << " failed, " << d_none
     << " not recorded\n";
}

}  // namespace cssim::sweep
