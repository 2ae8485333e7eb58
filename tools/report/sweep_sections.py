"""The report's sections for a sweep database: the sweep, scatter plots of metric pairs with
the Pareto front, the front itself, and each swept axis's effect on energy and throughput.
Every cell names the SQL that gives it (tables.py)."""

import re
import statistics

from load import SWEEP_METRICS, ReportInputError, quote_ident, sql_literal
from run_sections import Section
from tables import Cell, Table, label
import figures

# Figures show energies in uJ (the tables keep the database's pJ).
PLOT_SCALE = {"energy_per_inference_pj": (1e-6, "energy per inference (uJ)")}
UNITS = {
    "cycles": "cycles", "inferences_per_s": "inferences per second (1/s)",
    "energy_per_inference_pj": "energy per inference (pJ)", "pj_per_mac": "energy per MAC (pJ)",
    "mac_utilization": "MAC utilisation (fraction)", "dram_bytes": "DRAM traffic (bytes)",
    "multipliers": "multipliers", "sram_kib": "on-chip SRAM (KiB)",
    "rtl_transistors": "RTL transistors",
}
DEFAULT_SCATTER = [("inferences_per_s", "energy_per_inference_pj"),
                   ("sram_kib", "energy_per_inference_pj")]
DEFAULT_OBJECTIVES = [("energy_per_inference_pj", False), ("inferences_per_s", True)]
DONE = "status = 'done'"


def allowed_metrics(sweep):
    return list(SWEEP_METRICS) + [c for c in sweep.columns if c != "mode"]


def parse_scatter(texts, sweep):
    allowed = allowed_metrics(sweep)
    pairs = []
    for t in texts:
        parts = t.split(":")
        if len(parts) != 2 or not all(p in allowed for p in parts):
            bad = next((p for p in parts if p not in allowed), t) if len(parts) == 2 else t
            raise ReportInputError("<input>", "--scatter", f"'{t}': unknown metric '{bad}'"
                                   if len(parts) == 2 else f"'{t}' is not X:Y",
                                   "X:Y with X, Y of " + ", ".join(allowed))
        pairs.append((parts[0], parts[1]))
    return pairs or DEFAULT_SCATTER


def parse_objectives(texts, sweep):
    allowed = allowed_metrics(sweep)
    out = []
    for t in texts:
        metric, _, direction = t.partition(":")
        if metric not in allowed or direction not in ("", "min", "max"):
            raise ReportInputError("<input>", "--metric", f"'{t}'",
                                   "METRIC[:min|:max] with METRIC of " + ", ".join(allowed))
        out.append((metric, direction == "max"))
    return out or DEFAULT_OBJECTIVES


def pareto_front(values, maximize):
    """Indices of the rows no other row dominates (a row with a None is never on the front and
    dominates nothing), as model/sweep/pareto.h defines it."""
    def better_eq(a, b, mx):
        return a >= b if mx else a <= b

    front = []
    for i, a in enumerate(values):
        if any(v is None for v in a):
            continue
        dominated = False
        for j, b in enumerate(values):
            if i == j or any(v is None for v in b):
                continue
            if all(better_eq(y, x, m) for x, y, m in zip(a, b, maximize)) and \
                    any(x != y for x, y in zip(a, b)):
                dominated = True
                break
        if not dominated:
            front.append(i)
    return front


def slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def sql_cell(sweep, column, point_id, fmt):
    sql = f"SELECT {quote_ident(column)} FROM points WHERE id = {sql_literal(point_id)}"
    return Cell(sweep.scalar(sql), fmt, "{sql:" + sql + "}")


def fmt_of(value):
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "e4" if abs(value) >= 1e5 else "f4"
    return "str"


def sweep_sections(sweep, scatter_texts, objective_texts):
    pairs = parse_scatter(scatter_texts, sweep)
    objectives = parse_objectives(objective_texts, sweep)
    out = []
    sec = Section("sweep", f"Sweep {sweep.name}",
                  f"{sweep.done} of {sweep.total} points done"
                  + (f", {sweep.total - sweep.done} failed (left out of every figure and table)"
                     if sweep.total > sweep.done else "") + ".")
    t = Table("sweep-summary", "The sweep", ["figure", "value"])
    t.add([label("name"), Cell(sweep.name, "str",
                               "{sql:SELECT value FROM sweep WHERE key = 'name'}")])
    t.add([label("swept columns"), Cell(", ".join(sweep.columns), "str", None)])
    t.add([label("points"), Cell(sweep.total, "int", "{sql:SELECT COUNT(*) FROM points}")])
    t.add([label("done"), Cell(sweep.done, "int",
                               f"{{sql:SELECT COUNT(*) FROM points WHERE {DONE}}}")])
    t.add([label("failed"), Cell(sweep.total - sweep.done, "int",
                                 f"{{sql:SELECT COUNT(*) FROM points WHERE NOT {DONE}}}")])
    sec.items.append(t)
    out.append(sec)

    metric_names = sorted({m for p in pairs for m in p} | {m for m, _ in objectives})
    cols = ", ".join(quote_ident(c) for c in ["id", "mode"] + metric_names)
    rows = sweep.rows(f"SELECT {cols} FROM points WHERE {DONE} ORDER BY idx")
    ids = [r[0] for r in rows]
    modes = [r[1] for r in rows]
    value = {m: [r[2 + k] for r in rows] for k, m in enumerate(metric_names)}
    front = pareto_front([[value[m][i] for m, _ in objectives] for i in range(len(rows))],
                         [mx for _, mx in objectives])

    sec = Section("sweep-scatter", "Metrics against each other",
                  "Every done point, by mode; circled: the Pareto front over "
                  + ", ".join(f"{m} ({'max' if mx else 'min'})" for m, mx in objectives) + ".")
    if not rows:
        sec.intro = "No point is done: nothing to plot."
        pairs = []
    for x, y in pairs:
        sx, lx = PLOT_SCALE.get(x, (1.0, UNITS.get(x, x)))
        sy, ly = PLOT_SCALE.get(y, (1.0, UNITS.get(y, y)))
        pts = [(value[x][i] * sx, value[y][i] * sy, modes[i]) for i in range(len(rows))
               if value[x][i] is not None and value[y][i] is not None]
        keep = [i for i in range(len(rows))
                if value[x][i] is not None and value[y][i] is not None]
        fr = [keep.index(i) for i in front if i in keep]

        def wide(vs):
            vs = [v for v in vs if v and v > 0]
            return bool(vs) and max(vs) / min(vs) > 20

        log = (wide([p[0] for p in pts]), wide([p[1] for p in pts]))
        sec.items.append(figures.Figure(
            f"sweep-scatter-{slug(x)}-{slug(y)}", f"{y} against {x}",
            lambda pts=pts, lx=lx, ly=ly, fr=fr, log=log: figures.scatter(pts, lx, ly, fr, log)))
    out.append(sec)

    sec = Section("sweep-pareto", "The Pareto front")
    swept = [c for c in sweep.columns if c != "mode"]
    t = Table("sweep-pareto", "Points on the Pareto front",
              ["id", "mode"] + swept + [m for m, _ in objectives],
              caption="No other done point is at least as good on every objective and strictly "
                      "better on one ("
                      + ", ".join(f"{m}:{'max' if mx else 'min'}" for m, mx in objectives)
                      + "); cssim sweep pareto gives the same points.")
    t.attrs = {"data-pareto": ",".join(f"{m}:{'max' if mx else 'min'}" for m, mx in objectives)}
    for i in front:
        cells = [sql_cell(sweep, "id", ids[i], "str"), sql_cell(sweep, "mode", ids[i], "str")]
        for c in swept:
            v = sweep.scalar(f"SELECT {quote_ident(c)} FROM points WHERE id = "
                             f"{sql_literal(ids[i])}")
            cells.append(sql_cell(sweep, c, ids[i], fmt_of(v)))
        for m, _ in objectives:
            cells.append(sql_cell(sweep, m, ids[i], fmt_of(value[m][i])))
        t.add(cells)
    sec.items.append(t)
    out.append(sec)

    sec = Section("sweep-axes", "Each swept axis's effect",
                  "For each value of an axis: the median, minimum and maximum over the done "
                  "points with that value (so over every other axis).")
    for c in sweep.columns:
        vals = [r[0] for r in sweep.rows(f"SELECT DISTINCT {quote_ident(c)} FROM points WHERE "
                                         f"{DONE} ORDER BY {quote_ident(c)}")]
        if len(vals) < 2:
            continue
        t = Table(f"sweep-axis-{slug(c)}", f"Effect of {c}",
                  [c, "points", "energy per inference median [pJ]", "min [pJ]", "max [pJ]",
                   "inferences/s median", "min", "max"])
        series = {"energy_per_inference_pj": [], "inferences_per_s": []}
        for v in vals:
            where = f"{DONE} AND {quote_ident(c)} IS {sql_literal(v)}"
            cells = [Cell(v, fmt_of(v), None),
                     Cell(sweep.scalar(f"SELECT COUNT(*) FROM points WHERE {where}"), "int",
                          f"{{sql:SELECT COUNT(*) FROM points WHERE {where}}}")]
            for m in series:
                sql = f"SELECT {m} FROM points WHERE {where} AND {m} IS NOT NULL"
                got = [r[0] for r in sweep.rows(sql)]
                stats = (statistics.median(got), min(got), max(got))
                series[m].append(stats)
                for fn, s in zip(("median", "min", "max"), stats):
                    cells.append(Cell(float(s), "e4", f"{fn}({{sql:{sql}}})"))
            t.add(cells)
        sec.items.append(figures.Figure(
            f"sweep-axis-{slug(c)}", f"Effect of {c} on energy and throughput",
            lambda vals=vals, series=series, c=c: figures.axis_effect(
                vals, c, [("energy per inference (uJ)",
                           [tuple(v * 1e-6 for v in st) for st in series["energy_per_inference_pj"]]),
                          ("inferences per second (1/s)", series["inferences_per_s"])])))
        sec.items.append(t)
    out.append(sec)
    return out
