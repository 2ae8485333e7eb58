#include "model/report/results.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "model/base/error.h"
#include "model/base/text.h"
#include "model/base/version.h"
#include "model/config/config.h"
#include "model/report/scalesim.h"
#include "model/top/cycle_account.h"

namespace cssim {
// 13106400 -> "13,106,400", for the summary.
std::string Grouped(uint64_t v) {
  std::string digits = std::to_string(v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

namespace {

namespace fs = std::filesystem;
// Insertion-ordered, so that stats.json lists its keys in the order written here.
using Json = nlohmann::ordered_json;

constexpr const char* kStatsFile = "stats.json";
constexpr const char* kLayersFile = "layers.csv";
constexpr const char* kConfigFile = "config.resolved.yaml";
constexpr const char* kComputeReportFile = "COMPUTE_REPORT.csv";
// `cssim run --report` adds the report and its figures (tools/cssim/report_command.cc).
const char* const kResultFiles[] = {kStatsFile,         kLayersFile,   kConfigFile,
                                    kComputeReportFile, "report.html", "report-files"};

double PerMac(double pj, int64_t macs) { return macs > 0 ? pj / double(macs) : 0; }

// The stat group of a counter: its full name without the last component.
std::string GroupOf(const std::string& counter) {
  const size_t dot = counter.rfind('.');
  return dot == std::string::npos ? counter : counter.substr(0, dot);
}

// "<component>.<action>" -> pJ per action. Groups of one component may differ in width or size
// (an 8-bit weight RF and a 32-bit psum RF are both "rf"); one number for such a pair would be
// wrong for some of them, so it gets one entry per group instead: "<component>.<action>@<group>".
Json PerAccessJson(const EnergyReport& e) {
  std::map<std::string, std::map<std::string, double>> by_pair;  // pair -> group -> pJ
  for (const ActionEnergy& a : e.actions)
    by_pair[a.component + "." + a.action][GroupOf(a.counter)] = a.pj_per_action;
  Json out = Json::object();
  for (const auto& [pair, groups] : by_pair) {
    const double first = groups.begin()->second;
    const bool uniform =
        std::all_of(groups.begin(), groups.end(), [&](const auto& g) { return g.second == first; });
    if (uniform) {
      out[pair] = first;
    } else {
      for (const auto& [group, pj] : groups) out[pair + "@" + group] = pj;
    }
  }
  return out;
}

Json MapJson(const std::map<std::string, double>& m) {
  Json out = Json::object();
  for (const auto& [k, v] : m) out[k] = v;
  return out;
}

// The `top.cycles.<reason>` counters of `counters` as {reason: cycles}, in CycleReason order.
Json CycleReasons(const std::vector<CounterValue>& counters) {
  std::map<std::string, uint64_t> by_name;
  for (const CounterValue& c : counters)
    if (c.name.rfind("top.cycles.", 0) == 0) by_name[c.name.substr(11)] = c.value;
  Json out = Json::object();
  for (int i = 0; i < kCycleReasonCount; ++i) {
    const char* name = CycleReasonName(CycleReason(i));
    out[name] = by_name.count(name) ? by_name.at(name) : 0;
  }
  return out;
}

// The peaks a roofline needs: the mode engine's MACs per cycle and the DRAM's pin bandwidth
// (channels x bus bytes x 2 transfers per tCK).
Json PeakJson(const RunResult& r) {
  const DramSpec& d = r.arch.dram;
  const double dram_bytes_per_s = double(d.channels) * d.bus_bytes * 2 / (d.tck_ns * 1e-9);
  Json p;
  p["macs_per_cycle"] = r.pe_count;
  p["macs_per_s"] = double(r.pe_count) * r.arch.clock_mhz * 1e6;
  p["dram_bytes_per_s"] = dram_bytes_per_s;
  p["dram_bytes_per_cycle"] = dram_bytes_per_s / (r.arch.clock_mhz * 1e6);
  p["dram_preset"] = d.preset;
  return p;
}

Json ActionsJson(const EnergyReport& e) {
  Json out = Json::array();
  for (const ActionEnergy& a : e.actions)
    out.push_back({{"counter", a.counter},
                   {"component", a.component},
                   {"action", a.action},
                   {"data_type", a.data_type},
                   {"unit", a.unit},
                   {"width_bits", a.width_bits},
                   {"size_bytes", a.size_bytes},
                   {"count", a.count},
                   {"pj_per_action", a.pj_per_action},
                   {"pj", a.pj},
                   {"source", a.source}});
  return out;
}

std::string StatsJson(const RunResult& r) {
  Json j;
  j["cycles"] = r.cycles;
  j["clock_mhz"] = r.arch.clock_mhz;
  j["inferences_per_s"] = r.inferences_per_s;
  j["macs"] = r.macs;
  j["dense_macs"] = r.dense_macs;
  j["pe_count"] = r.pe_count;
  j["mac_utilization"] = r.mac_utilization;
  j["packing_efficiency"] = r.packing_efficiency;
  j["mode"] = r.mode;
  j["arch"] = r.arch.name;
  j["workload"] = r.workload.name;
  j["seed"] = r.workload.seed;
  j["energy_table"] = r.energy_table.name;
  j["energy_unit"] = r.energy_table.unit;
  j["output_check"] = r.output_check;
  Json& cosim = j["cosim"];
  cosim["impl"] = r.impl;
  cosim["rtl_units"] = r.rtl_units;
  cosim["transactions"] = r.cosim.transactions;
  cosim["counters_compared"] = r.cosim.counters;
  if (!r.rtl_area_json.empty()) j["rtl_area"] = Json::parse(r.rtl_area_json);
  Json& e = j["energy_pj"];
  e["total"] = r.energy.total_pj;
  e["by_component"] = MapJson(r.energy.by_component);
  e["by_datatype"] = MapJson(r.energy.by_datatype);
  e["per_mac"] = PerMac(r.energy.total_pj, r.macs);
  j["per_access_pj"] = PerAccessJson(r.energy);
  Json& actions = j["actions"] = Json::object();
  for (const ActionEnergy& a : r.energy.actions) actions[a.counter] = a.count;
  Json& counters = j["counters"] = Json::object();
  for (const CounterValue& c : r.counters)
    counters[c.name] = {{"value", c.value}, {"unit", c.unit}, {"description", c.description}};
  Json& layers = j["layers"] = Json::array();
  for (const LayerResult& l : r.layers) {
    Json row;
    row["name"] = l.name;
    row["kind"] = l.kind;
    row["engine"] = l.engine;
    row["cycles"] = l.cycles;
    row["dense_macs"] = l.dense_macs;
    row["macs"] = l.macs;
    row["pack_n"] = l.pack_n;
    row["packing_efficiency"] = l.packing_efficiency;
    row["mac_utilization"] = l.mac_utilization;
    row["dram_bytes"] = l.dram_bytes;
    row["energy_pj"] = l.energy.total_pj;
    Json& layer_counters = row["counters"] = Json::object();
    for (const CounterValue& c : l.counters) layer_counters[c.name] = c.value;
    row["energy_by_component"] = MapJson(l.energy.by_component);
    row["energy_by_datatype"] = MapJson(l.energy.by_datatype);
    row["cycle_reasons"] = CycleReasons(l.counters);
    layers.push_back(std::move(row));
  }
  j["cssim_version"] = kCssimVersion;
  j["peak"] = PeakJson(r);
  j["cycle_reasons"] = CycleReasons(r.counters);
  Json& descriptions = j["cycle_reason_descriptions"] = Json::object();
  for (int i = 0; i < kCycleReasonCount; ++i)
    descriptions[CycleReasonName(CycleReason(i))] = CycleReasonDescription(CycleReason(i));
  j["energy_actions"] = ActionsJson(r.energy);
  return j.dump(2) + "\n";
}

std::string LayersCsv(const RunResult& r) {
  // Every row has the same columns: the union of the components any layer or the run spent on.
  std::set<std::string> components;
  for (const auto& kv : r.energy.by_component) components.insert(kv.first);
  for (const LayerResult& l : r.layers)
    for (const auto& kv : l.energy.by_component) components.insert(kv.first);

  std::ostringstream os;
  os << "name,kind,engine,cycles,dense_macs,macs,mac_utilization,pack_n,packing_efficiency,"
        "dram_bytes,energy_pj";
  for (const std::string& c : components) os << "," << CsvField("energy_" + c + "_pj");
  os << "\n";
  for (const LayerResult& l : r.layers) {
    os << CsvField(l.name) << "," << CsvField(l.kind) << "," << l.engine << "," << l.cycles << ","
       << l.dense_macs << "," << l.macs << "," << ShortestDouble(l.mac_utilization) << ","
       << l.pack_n << "," << ShortestDouble(l.packing_efficiency) << "," << l.dram_bytes << ","
       << ShortestDouble(l.energy.total_pj);
    for (const std::string& c : components) {
      const auto it = l.energy.by_component.find(c);
      os << "," << ShortestDouble(it == l.energy.by_component.end() ? 0.0 : it->second);
    }
    os << "\n";
  }
  return os.str();
}

// Nests a complete YAML document under `key`, two spaces deeper.
std::string YamlSection(const std::string& key, const std::string& doc) {
  std::ostringstream os;
  os << key << ":\n";
  std::istringstream lines(doc);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) {
      os << "\n";
    } else {
      os << "  " << line << "\n";
    }
  }
  return os.str();
}

std::string ResolvedConfigYaml(const RunResult& r) {
  std::ostringstream os;
  os << "# cssim: the configuration this run resolved to (defaults and presets expanded).\n"
     << "# Each section is a complete file of its kind: arch, workload, energy table.\n"
     << "mode: " << r.mode << "\n"
     << "seed: " << r.workload.seed << "\n"
     << YamlSection("arch", ToYaml(r.arch)) << YamlSection("workload", ToYaml(r.workload))
     << YamlSection("energy", ToYaml(r.energy_table));
  return os.str();
}

fs::path OutPath(const std::string& dir) {
  if (dir.empty()) throw InputError("", "--out", "empty path", "a directory path");
  fs::path p = fs::path(dir).lexically_normal();
  // "results/" names the directory "results".
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();
  return p;
}

InputError OutError(const std::string& problem, const std::string& allowed = "a directory path") {
  return InputError("", "--out", problem, allowed);
}

void WriteOutFile(const fs::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  f.close();
  if (!f) throw OutError("cannot write '" + path.string() + "'", "a writable directory path");
}

std::string Fixed(double v, int precision) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(precision) << v;
  return os.str();
}

// Tables in pJ are shown in uJ per inference; a normalised table keeps its own unit.
struct EnergyUnit {
  double scale;       // multiplies a value in table units
  std::string label;  // unit of a scaled value
  std::string per_mac_label;
};

EnergyUnit UnitOf(const EnergyTable& t) {
  if (t.unit == "pJ") return {1e-6, "uJ", "pJ/MAC"};
  return {1.0, t.unit, t.unit + "/MAC"};
}

}  // namespace

void CheckOutDir(const std::string& dir) {
  const fs::path out = OutPath(dir);
  std::error_code ec;
  fs::file_status st = fs::status(out, ec);
  if (fs::exists(st)) {
    if (!fs::is_directory(st)) throw OutError("'" + dir + "' exists and is not a directory");
    std::vector<std::string> foreign;
    for (const fs::directory_entry& e : fs::directory_iterator(out, ec)) {
      const std::string name = e.path().filename().string();
      if (std::find(std::begin(kResultFiles), std::end(kResultFiles), name) ==
          std::end(kResultFiles))
        foreign.push_back(name);
    }
    if (!foreign.empty()) {
      std::sort(foreign.begin(), foreign.end());
      throw OutError("'" + dir + "' holds '" + foreign.front() +
                         "', which cssim did not write; not replacing it",
                     "a new path or an earlier cssim result directory");
    }
    return;
  }
  // The nearest existing ancestor must be a directory, or the output can never be created.
  for (fs::path a = out.parent_path(); !a.empty(); a = a.parent_path()) {
    st = fs::status(a, ec);
    if (fs::exists(st)) {
      if (!fs::is_directory(st)) throw OutError("'" + a.string() + "' is not a directory");
      return;
    }
    if (a == a.parent_path()) return;  // the root
  }
}

void WriteResults(const std::string& dir, const RunResult& r) {
  CheckOutDir(dir);
  // Everything that can fail without touching the disk happens first.
  const std::pair<const char*, std::string> files[] = {
      {kStatsFile, StatsJson(r)},
      {kLayersFile, LayersCsv(r)},
      {kConfigFile, ResolvedConfigYaml(r)},
      {kComputeReportFile, ComputeReportCsv(r)},
  };

  const fs::path out = OutPath(dir);
  const std::string pid = std::to_string(getpid());
  std::error_code ec;
  if (out.has_parent_path()) {
    fs::create_directories(out.parent_path(), ec);
    if (ec) throw OutError("cannot create '" + out.parent_path().string() + "': " + ec.message());
  }
  fs::path tmp = out;
  tmp += ".tmp-" + pid;
  fs::remove_all(tmp, ec);  // left over by an earlier process that had the same pid
  RemoveTreeOnExit tmp_guard(tmp);
  if (!fs::create_directory(tmp, ec) || ec)
    throw OutError("cannot create '" + tmp.string() + "': " + ec.message());
  for (const auto& [name, text] : files) WriteOutFile(tmp / name, text);

  if (!fs::exists(out)) {
    fs::rename(tmp, out, ec);
    if (ec) throw OutError("cannot rename '" + tmp.string() + "': " + ec.message());
  } else {
    fs::path old = out;
    old += ".old-" + pid;
    fs::remove_all(old, ec);
    fs::rename(out, old, ec);
    if (ec) throw OutError("cannot move the earlier '" + dir + "' aside: " + ec.message());
    fs::rename(tmp, out, ec);
    if (ec) {
      std::error_code restore;
      fs::rename(old, out, restore);
      throw OutError("cannot rename '" + tmp.string() + "': " + ec.message());
    }
    fs::remove_all(old, ec);
  }
  tmp_guard.Release();
}

void PrintSummary(std::ostream& os, const RunResult& r) {
  const EnergyUnit u = UnitOf(r.energy_table);
  const double us_per_inference = r.arch.clock_mhz > 0 ? double(r.cycles) / r.arch.clock_mhz : 0;
  const double total = r.energy.total_pj;

  os << "cssim: " << r.workload.name << " on " << r.arch.name << " (" << r.mode << ", seed "
     << r.workload.seed << ", energy table " << r.energy_table.name << ")\n";
  const auto row = [&](const std::string& label, const std::string& value) {
    os << "  " << std::left << std::setw(24) << label << value << "\n";
  };
  row("cycles", Grouped(r.cycles));
  row("time per inference",
      Fixed(us_per_inference, 3) + " us at " + ShortestDouble(r.arch.clock_mhz) + " MHz");
  row("inferences/s", Fixed(r.inferences_per_s, 1));
  row("MACs (dense work)", Grouped(uint64_t(r.dense_macs)));
  row("MACs (performed)", Grouped(uint64_t(r.macs)));
  row(r.mode == "dense" ? "PEs" : "CS multipliers", Grouped(uint64_t(r.pe_count)));
  row("MAC utilisation", Fixed(100 * r.mac_utilization, 2) + " %");
  if (r.packing_efficiency > 0)
    row("packing efficiency", Fixed(100 * r.packing_efficiency, 1) + " %");
  row("energy per inference", Fixed(total * u.scale, 3) + " " + u.label);
  row("energy per MAC", Fixed(PerMac(total, r.macs), 4) + " " + u.per_mac_label);
  row("output check", r.output_check);
  if (r.impl != "model") {
    std::string units;
    for (const std::string& u : r.rtl_units) units += (units.empty() ? "" : ", ") + u;
    if (units.empty()) units = "none (no unit this run uses has RTL)";
    row("RTL twins", units);
    if (r.impl == "both")
      row("lockstep", Grouped(r.cosim.transactions) + " transactions and " +
                          Grouped(r.cosim.counters) + " counters equal (model vs RTL)");
    else
      row("RTL", Grouped(r.cosim.transactions) + " transactions by the Verilated RTL");
  }
  row("wall time", Fixed(r.wall_seconds, 3) + " s");

  os << "\nenergy by component (" << u.label << ")\n";
  for (const auto& [component, value] : r.energy.by_component) {
    os << "  " << std::left << std::setw(14) << component << std::right << std::setw(14)
       << Fixed(value * u.scale, 3) << std::setw(9) << Fixed(total > 0 ? 100 * value / total : 0, 1)
       << " %\n";
  }

  // Where the cycles went (model/top/cycle_account.h), when the run counted it.
  const Json reasons = CycleReasons(r.counters);
  uint64_t counted = 0;
  for (const auto& kv : reasons.items()) counted += kv.value().get<uint64_t>();
  if (counted > 0) {
    os << "\nwhere the cycles go (cycles)\n";
    for (const auto& kv : reasons.items()) {
      const uint64_t v = kv.value().get<uint64_t>();
      os << "  " << std::left << std::setw(14) << kv.key() << std::right << std::setw(14)
         << Grouped(v) << std::setw(9) << Fixed(100.0 * double(v) / double(counted), 1) << " %\n";
    }
  }

  size_t name_w = 5, kind_w = 4;
  for (const LayerResult& l : r.layers) {
    name_w = std::max(name_w, l.name.size());
    kind_w = std::max(kind_w, l.kind.size());
  }
  os << "\n  " << std::left << std::setw(int(name_w)) << "layer"
     << "  " << std::setw(int(kind_w)) << "kind"
     << "  " << std::setw(7) << "engine" << std::right << std::setw(12) << "cycles" << std::setw(13)
     << "MACs" << std::setw(8) << "util %" << std::setw(4) << "N" << std::setw(8) << "pack %"
     << std::setw(14) << ("energy " + u.label) << "\n";
  for (const LayerResult& l : r.layers) {
    os << "  " << std::left << std::setw(int(name_w)) << l.name << "  " << std::setw(int(kind_w))
       << l.kind << "  " << std::setw(7) << l.engine << std::right << std::setw(12)
       << Grouped(l.cycles) << std::setw(13) << Grouped(uint64_t(l.macs)) << std::setw(8)
       << Fixed(100 * l.mac_utilization, 1) << std::setw(4)
       << (l.pack_n ? std::to_string(l.pack_n) : "-") << std::setw(8)
       << (l.pack_n ? Fixed(100 * l.packing_efficiency, 1) : "-") << std::setw(14)
       << Fixed(l.energy.total_pj * u.scale, 3) << "\n";
  }
  os << std::flush;
}

void PrintComparison(std::ostream& os, const std::vector<RunResult>& runs) {
  if (runs.empty()) return;
  const RunResult& base = runs.front();
  const EnergyUnit u = UnitOf(base.energy_table);
  size_t wl_w = 8;
  for (const RunResult& r : runs) wl_w = std::max(wl_w, r.workload.name.size());
  os << "cssim: dense vs complementary sparsity on " << base.arch.name << " (seed "
     << base.workload.seed << ", energy table " << base.energy_table.name << "; ratios vs the "
     << "first row)\n\n";
  os << "  " << std::left << std::setw(14) << "mode" << std::setw(int(wl_w) + 2) << "workload"
     << std::right << std::setw(10) << "cycles" << std::setw(12) << "inf/s" << std::setw(10)
     << "speed-up" << std::setw(16) << ("energy/inf " + u.label) << std::setw(14) << "energy ratio"
     << std::setw(11) << "MAC util" << std::setw(10) << "packing" << std::setw(8) << "check"
     << "\n";
  for (const RunResult& r : runs) {
    const double speedup = double(base.cycles) / double(r.cycles);
    const double ratio = base.energy.total_pj / r.energy.total_pj;
    os << "  " << std::left << std::setw(14) << r.mode << std::setw(int(wl_w) + 2)
       << r.workload.name << std::right << std::setw(10) << Grouped(r.cycles) << std::setw(12)
       << Fixed(r.inferences_per_s, 0) << std::setw(9) << Fixed(speedup, 2) << "x" << std::setw(16)
       << Fixed(r.energy.total_pj * u.scale, 2) << std::setw(13) << Fixed(ratio, 2) << "x"
       << std::setw(9) << Fixed(100 * r.mac_utilization, 1) << " %" << std::setw(8)
       << (r.packing_efficiency > 0 ? Fixed(100 * r.packing_efficiency, 1) + " %"
                                    : std::string("-"))
       << std::setw(8) << (r.output_check == "bit-exact" ? "exact" : r.output_check) << "\n";
  }
  os << "\n  speed-up = dense cycles / cycles (same clock); energy ratio = dense energy / "
        "energy; packing = non-zero weights / packed slots\n"
     << std::flush;
}

void PrintChipComparison(std::ostream& os, const ArchSpec& arch, const EnergyTable& table,
                         const std::vector<ChipResult>& runs) {
  if (runs.empty()) return;
  const ChipSpec& chip = runs.front().chip;
  const EnergyUnit u = UnitOf(table);
  os << "cssim: full chip " << chip.name << " (" << Grouped(uint64_t(chip.multipliers))
     << " multipliers, " << Grouped(uint64_t(chip.sram_kib)) << " KiB SRAM, DRAM "
     << chip.dram.preset << " x" << chip.dram.channels << "), instances of " << arch.name
     << "\n  budget source: " << chip.datasheet << "\n\n";
  const ChipResult* base = nullptr;
  for (const ChipResult& r : runs)
    if (r.fit.instances > 0) {
      base = &r;
      break;
    }
  os << "  " << std::left << std::setw(14) << "mode" << std::setw(17) << "workload" << std::right
     << std::setw(12) << "mults/inst" << std::setw(15) << "SRAM KiB/inst" << std::setw(11)
     << "instances" << std::setw(13) << "limited by" << std::setw(11) << "cycles" << std::setw(13)
     << "chip inf/s" << std::setw(10) << "vs first" << std::setw(16) << ("energy/inf " + u.label)
     << std::setw(8) << "check"
     << "\n";
  for (const ChipResult& r : runs) {
    os << "  " << std::left << std::setw(14) << r.mode << std::setw(17) << r.workload << std::right
       << std::setw(12) << Grouped(uint64_t(r.needs.multipliers)) << std::setw(15)
       << Grouped(uint64_t((r.needs.sram_bytes + 1023) / 1024)) << std::setw(11) << r.fit.instances
       << std::setw(13) << r.fit.limit;
    if (r.fit.instances == 0) {
      os << "   does not fit: one instance needs more " << r.fit.limit << " than the chip has\n";
      continue;
    }
    const double per_inf = r.energy.total_pj / r.fit.instances;
    os << std::setw(11) << Grouped(r.cycles) << std::setw(13) << Fixed(r.inferences_per_s, 0)
       << std::setw(9) << Fixed(r.inferences_per_s / base->inferences_per_s, 2) << "x"
       << std::setw(16) << Fixed(per_inf * u.scale, 2) << std::setw(8)
       << (r.output_check == "bit-exact" ? "exact" : r.output_check) << "\n";
  }
  os << "\n  each instance runs one inference from cycle 0; cycles = until the last finishes; "
        "chip inf/s = instances / that time\n"
     << std::flush;
}

void PrintCounters(std::ostream& os, const RunResult& r) {
  size_t name_w = 7, value_w = 5;
  for (const CounterValue& c : r.counters) {
    if (c.value == 0) continue;
    name_w = std::max(name_w, c.name.size());
    value_w = std::max(value_w, Grouped(c.value).size());
  }
  os << "\ncounters (non-zero)\n  " << std::left << std::setw(int(name_w)) << "counter"
     << "  " << std::right << std::setw(int(value_w)) << "value"
     << "  unit\n";
  for (const CounterValue& c : r.counters) {
    if (c.value == 0) continue;
    os << "  " << std::left << std::setw(int(name_w)) << c.name << "  " << std::right
       << std::setw(int(value_w)) << Grouped(c.value) << "  " << c.unit << "\n";
  }
  os << std::flush;
}

}  // namespace cssim
