// cssim sweep export DIR --csv and cssim sweep pareto DIR --metric M[:min|:max] ...: reading a
// sweep's results database (model/sweep/store.h) back, as CSV or as its Pareto front.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "model/base/error.h"
#include "model/base/text.h"
#include "model/sweep/pareto.h"
#include "model/sweep/store.h"
#include "tools/cssim/cli.h"
#include "tools/cssim/commands.h"

namespace cssim {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

// DIR (a sweep's --out directory) or the sweep.sqlite in it, which must exist.
std::string DatabasePath(const po::variables_map& vm) {
  if (!vm.count("dir")) throw InputError("", "DIR", "missing", "a sweep's output directory");
  const fs::path dir = vm["dir"].as<std::string>();
  const fs::path db = fs::is_directory(dir) ? dir / "sweep.sqlite" : dir;
  if (!fs::is_regular_file(db))
    throw InputError(db.string(), "", "no sweep database",
                     "a sweep's output directory (cssim sweep SPEC --out DIR)");
  return db.string();
}

// `text` to stdout, or to `file` whole: written beside it and renamed into place.
void Emit(const std::string& text, const po::variables_map& vm) {
  if (!vm.count("output") || vm["output"].as<std::string>() == "-") {
    std::cout << text;
    return;
  }
  WriteFileAtomically(vm["output"].as<std::string>(), text);
}

}  // namespace

int SweepExportCommand(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("csv", po::bool_switch(),
                                                 "write the points table as CSV (required)")(
      "output,o", po::value<std::string>(), "write to this file instead of stdout");
  const po::variables_map vm = Parse(args, desc, "sweep export", "DIR");
  if (WantsHelp(vm,
                "usage: cssim sweep export DIR --csv [-o FILE]\n\nWrites the points table of "
                "the sweep in DIR (one row per point: status, error, wall time, every swept key, "
                "the headline metrics), in index order, as CSV.",
                desc))
    return kExitOk;
  const std::string db = DatabasePath(vm);
  if (!vm["csv"].as<bool>()) throw InputError("", "--csv", "missing", "--csv (the only format)");
  std::ostringstream os;
  sweep::ExportCsv(db, os);
  Emit(os.str(), vm);
  return kExitOk;
}

int SweepParetoCommand(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")(
      "metric,m", po::value<std::vector<std::string>>()->composing(),
      "a column of the points table to optimise, METRIC[:min|:max] (min when not said); two or "
      "more")("csv", po::bool_switch(), "print the front as CSV instead of a table")(
      "output,o", po::value<std::string>(), "write to this file instead of stdout");
  const po::variables_map vm = Parse(args, desc, "sweep pareto", "DIR");
  if (WantsHelp(vm,
                "usage: cssim sweep pareto DIR --metric M[:min|:max] --metric ... [--csv] "
                "[-o FILE]\n\nPrints the points of the sweep in DIR that no other done point "
                "beats on every metric at once, best first by the first metric.",
                desc))
    return kExitOk;
  const std::string db = DatabasePath(vm);
  const std::vector<std::string> texts =
      vm.count("metric") ? vm["metric"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (texts.size() < 2)
    throw InputError("", "--metric", std::to_string(texts.size()) + " given",
                     "two or more, e.g. --metric energy_per_inference_pj:min --metric "
                     "inferences_per_s:max");
  const sweep::PointsTable t = sweep::ReadPoints(db);
  std::vector<int> cols;
  std::vector<bool> maximize;
  for (const std::string& text : texts) {
    const sweep::Objective o = sweep::ParseObjective(text, "--metric");
    const int c = t.Column(o.metric);
    auto is_text = [](const std::string& name) {
      return name == "id" || name == "status" || name == "error" || name == "mode";
    };
    if (c < 0 || is_text(o.metric)) {
      std::string allowed;
      for (const std::string& name : t.columns)
        if (!is_text(name)) allowed += (allowed.empty() ? "" : ", ") + name;
      throw InputError("", "--metric", "'" + o.metric + "' is not a numeric column of " + db,
                       allowed);
    }
    cols.push_back(c);
    maximize.push_back(o.maximize);
  }
  // Done points only; a metric a point lacks (NULL) is NaN and keeps it off the front.
  const int status = t.Column("status");
  std::vector<size_t> rows;
  std::vector<std::vector<double>> values;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (status >= 0 && t.rows[r][size_t(status)].text != "done") continue;
    rows.push_back(r);
    std::vector<double>& v = values.emplace_back();
    for (int c : cols) v.push_back(t.rows[r][size_t(c)].Number());
  }
  std::vector<size_t> front = sweep::ParetoFront(values, maximize);
  std::stable_sort(front.begin(), front.end(), [&](size_t a, size_t b) {
    return maximize[0] ? values[a][0] > values[b][0] : values[a][0] < values[b][0];
  });

  // The front's rows: every column but error and wall time (the only non-deterministic one).
  sweep::PointsTable out;
  std::vector<int> keep;
  for (size_t c = 0; c < t.columns.size(); ++c)
    if (t.columns[c] != "error" && t.columns[c] != "wall_s" && t.columns[c] != "status") {
      keep.push_back(int(c));
      out.columns.push_back(t.columns[c]);
    }
  for (size_t f : front) {
    std::vector<sweep::PointsTable::Cell>& row = out.rows.emplace_back();
    for (int c : keep) row.push_back(t.rows[rows[f]][size_t(c)]);
  }
  std::ostringstream os;
  if (vm["csv"].as<bool>()) {
    sweep::WriteCsv(out, os);
  } else {
    os << "Pareto front of " << db << ": " << front.size() << " of " << rows.size()
       << " done points over";
    for (const std::string& text : texts) os << " " << text;
    os << "\n";
    std::vector<size_t> width(out.columns.size());
    for (size_t c = 0; c < out.columns.size(); ++c) {
      width[c] = out.columns[c].size();
      for (const auto& row : out.rows) width[c] = std::max(width[c], row[c].Csv().size());
    }
    for (size_t c = 0; c < out.columns.size(); ++c)
      os << (c ? "  " : "") << std::left << std::setw(int(width[c])) << out.columns[c];
    os << "\n";
    for (const auto& row : out.rows) {
      for (size_t c = 0; c < row.size(); ++c)
        os << (c ? "  " : "") << std::left << std::setw(int(width[c])) << row[c].Csv();
      os << "\n";
    }
  }
  Emit(os.str(), vm);
  return kExitOk;
}

}  // namespace cssim
