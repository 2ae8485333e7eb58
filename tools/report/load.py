"""Reading and checking what a report is made from (docs/report.md, "Sources").

Three kinds of source, told apart by what they hold:
  a result directory      stats.json (+ config.resolved.yaml), written by `cssim run --out`
  a comparison directory  dense/, sparse-dense/, sparse-sparse/, each a result directory
  a sweep                 a directory holding sweep.sqlite, or the .sqlite file itself
Anything else, a file that does not parse or a key that is missing or of the wrong type, is a
ReportInputError naming the file, the key and what is allowed.
"""

import atexit
import json
import os
import shutil
import sqlite3
import tempfile
import urllib.parse

MODES = ("dense", "sparse-dense", "sparse-sparse")

# The points table's result columns (model/sweep/store.cc) a report reads.
SWEEP_METRICS = ("cycles", "inferences_per_s", "energy_per_inference_pj", "pj_per_mac",
                 "mac_utilization", "dram_bytes", "multipliers", "sram_kib", "rtl_transistors")


class ReportInputError(Exception):
    """Bad input: the message is `file: key: problem; allowed: allowed`."""

    def __init__(self, file, key, problem, allowed=""):
        msg = f"{file}: " + (f"{key}: " if key else "") + problem
        if allowed:
            msg += f"; allowed: {allowed}"
        super().__init__(msg)


NUMBER = (int, float)
# stats.json keys a report reads, with their types (None: any JSON object).
RUN_KEYS = {
    "cycles": int, "clock_mhz": NUMBER, "inferences_per_s": NUMBER, "macs": int,
    "dense_macs": int, "pe_count": int, "mac_utilization": NUMBER,
    "packing_efficiency": NUMBER, "mode": str, "arch": str, "workload": str, "seed": int,
    "energy_table": str, "energy_unit": str, "output_check": str, "energy_pj": dict,
    "layers": list, "cssim_version": str, "peak": dict, "cycle_reasons": dict,
    "cycle_reason_descriptions": dict, "energy_actions": list,
}
ENERGY_KEYS = {"total": NUMBER, "by_component": dict, "by_datatype": dict, "per_mac": NUMBER}
PEAK_KEYS = {"macs_per_cycle": int, "macs_per_s": NUMBER, "dram_bytes_per_s": NUMBER,
             "dram_bytes_per_cycle": NUMBER, "dram_preset": str}
LAYER_KEYS = {"name": str, "kind": str, "engine": str, "cycles": int, "dense_macs": int,
              "macs": int, "mac_utilization": NUMBER, "pack_n": int,
              "packing_efficiency": NUMBER, "dram_bytes": int, "energy_pj": NUMBER,
              "energy_by_component": dict, "energy_by_datatype": dict, "cycle_reasons": dict}
ACTION_KEYS = {"counter": str, "component": str, "action": str, "data_type": str, "unit": str,
               "width_bits": NUMBER, "size_bytes": NUMBER, "count": int,
               "pj_per_action": NUMBER, "pj": NUMBER, "source": str}


def _type_name(t):
    if t is NUMBER:
        return "a number"
    return {int: "an integer", str: "a string", dict: "an object", list: "a list"}[t]


def _check(obj, keys, file, where):
    if not isinstance(obj, dict):
        raise ReportInputError(file, where or "(top level)", "is not an object",
                               "stats.json as cssim run --out writes it")
    for key, t in keys.items():
        path = f"{where}.{key}" if where else key
        if key not in obj:
            raise ReportInputError(file, path, "missing",
                                   "stats.json of cssim 0.2.0 or later (cssim run --out)")
        v = obj[key]
        ok = isinstance(v, t) and not isinstance(v, bool)
        if not ok:
            raise ReportInputError(file, path, f"is {json.dumps(v)[:40]}, not {_type_name(t)}")


class Run:
    """One result directory: its stats.json (checked), config text, and its path as the
    report's references name it (`rel`: "stats.json" or "dense/stats.json")."""

    def __init__(self, directory, rel):
        self.dir = directory
        self.rel = rel
        path = os.path.join(directory, "stats.json")
        try:
            with open(path, encoding="utf-8") as f:
                self.stats = json.load(f)
        except FileNotFoundError:
            raise ReportInputError(path, "", "missing",
                                   "a result directory (cssim run --out DIR)") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ReportInputError(path, "", f"not readable JSON ({e})") from None
        s = self.stats
        _check(s, RUN_KEYS, path, "")
        _check(s["energy_pj"], ENERGY_KEYS, path, "energy_pj")
        _check(s["peak"], PEAK_KEYS, path, "peak")
        if not s["layers"]:
            raise ReportInputError(path, "layers", "is empty", "one object per layer")
        for i, layer in enumerate(s["layers"]):
            _check(layer, LAYER_KEYS, path, f"layers[{i}]")
        for i, a in enumerate(s["energy_actions"]):
            _check(a, ACTION_KEYS, path, f"energy_actions[{i}]")
        if s["mode"] not in MODES:
            raise ReportInputError(path, "mode", f"'{s['mode']}'", ", ".join(MODES))
        config = os.path.join(directory, "config.resolved.yaml")
        try:
            with open(config, encoding="utf-8") as f:
                self.config = f.read()
        except FileNotFoundError:
            raise ReportInputError(config, "", "missing",
                                   "a result directory (cssim run --out DIR)") from None
        except (OSError, UnicodeDecodeError) as e:
            raise ReportInputError(config, "", f"not readable ({e})") from None

    def ref(self, pointer):
        """A reference to a value of this run's stats.json, for a cell's data-src."""
        return "{" + self.rel + "#" + pointer + "}"


def json_pointer(*parts):
    """RFC 6901: "/" joins the parts; "~" and "/" inside a part are escaped."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def open_untouched(path):
    """Opens a SQLite database without writing anything beside it. Even read-only, SQLite
    creates `-shm` and `-wal` files next to a WAL-mode database; `immutable=1` avoids that when
    every commit is in the main file. A non-empty `-wal` holds commits not yet merged, so then
    the database and its WAL are copied into a private temporary directory and the copy is
    opened (removed at exit)."""
    wal = path + "-wal"
    if os.path.exists(wal) and os.path.getsize(wal) > 0:
        tmp = tempfile.mkdtemp(prefix="cssim-report-db-")
        atexit.register(shutil.rmtree, tmp, True)
        copy = os.path.join(tmp, "sweep.sqlite")
        shutil.copyfile(path, copy)
        shutil.copyfile(wal, copy + "-wal")
        return sqlite3.connect(copy)
    uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?immutable=1"
    return sqlite3.connect(uri, uri=True)


class Sweep:
    """A sweep database, opened read-only: its name, swept columns and done points."""

    def __init__(self, path):
        self.path = path
        if not os.path.isfile(path):
            raise ReportInputError(path, "", "missing", "a sweep's sweep.sqlite")
        try:
            self.db = open_untouched(path)
            meta = dict(self.db.execute("SELECT key, value FROM sweep").fetchall())
            cols = [r[1] for r in self.db.execute("PRAGMA table_info(points)")]
        except sqlite3.Error as e:
            raise ReportInputError(path, "sweep", f"not a cssim sweep database ({e})",
                                   "the sweep.sqlite that cssim sweep writes") from None
        if not cols:
            raise ReportInputError(path, "points", "no such table",
                                   "the sweep.sqlite that cssim sweep writes")
        for key in ("name", "columns"):
            if key not in meta:
                raise ReportInputError(path, f"sweep.{key}", "missing",
                                       "the sweep.sqlite that cssim sweep writes")
        self.name = meta["name"]
        try:
            self.columns = json.loads(meta["columns"])
        except json.JSONDecodeError:
            raise ReportInputError(path, "sweep.columns", "not a JSON list") from None
        for c in ("id", "status", "mode") + SWEEP_METRICS + tuple(
                c for c in self.columns if c != "mode"):
            if c not in cols:
                raise ReportInputError(path, f"points.{c}", "missing column",
                                       "the sweep.sqlite that cssim sweep writes")
        self.total = self.scalar("SELECT COUNT(*) FROM points")
        self.done = self.scalar("SELECT COUNT(*) FROM points WHERE status = 'done'")

    def scalar(self, sql):
        return self.db.execute(sql).fetchone()[0]

    def rows(self, sql):
        return self.db.execute(sql).fetchall()


def quote_ident(name):
    return '"' + name.replace('"', '""') + '"'


def sql_literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def load(source):
    """("run", Run) | ("comparison", [Run, ...]) | ("sweep", Sweep), or ReportInputError."""
    if not os.path.exists(source):
        raise ReportInputError(source, "", "does not exist",
                               "a result directory, a comparison directory or a sweep database")
    if os.path.isfile(source):
        if source.endswith((".sqlite", ".db")):
            return "sweep", Sweep(source)
        raise ReportInputError(source, "", "is a file but not a sweep database",
                               "a result directory, a comparison directory or sweep.sqlite")
    if os.path.exists(os.path.join(source, "sweep.sqlite")):
        return "sweep", Sweep(os.path.join(source, "sweep.sqlite"))
    if os.path.exists(os.path.join(source, "stats.json")):
        return "run", Run(source, "stats.json")
    present = [m for m in MODES if os.path.isdir(os.path.join(source, m))]
    if present:
        return "comparison", [Run(os.path.join(source, m), f"{m}/stats.json") for m in present]
    raise ReportInputError(source, "", "holds no stats.json, mode directories or sweep.sqlite",
                           "a result directory (cssim run --out), a comparison directory (the "
                           "default job's --out) or a sweep directory")
