"""The report's sections for one run (a result directory, or one mode of a comparison) and the
mode comparison: tables whose cells name their source (tables.py) and the figures drawn from
the same numbers (figures.py). docs/report.md describes each."""

from load import json_pointer as jp
from tables import Cell, Table, label
import figures

# Eyeriss's normalised energy per 16-bit access (Chen et al., ISCA 2016, Fig. 1; docs/report.md):
# the cost of moving a word from each level to the ALU, relative to one MAC.
EYERISS = {"mac": 1, "rf": 1, "noc": 2, "glb": 6, "dram": 200}
LEVELS = ("mac", "rf", "noc", "glb", "dram")
REASON_LABELS = {
    "compute": "computing", "kwta": "k-WTA", "glb_conflict": "GLB bank conflicts",
    "backpressure": "back-pressure", "fill_drain": "fill and drain",
    "dram_wait": "waiting for DRAM", "other": "other",
}


class Section:
    """A heading, a paragraph and items: Table or figures.Figure, in page order."""

    def __init__(self, anchor, title, intro=""):
        self.anchor = anchor
        self.title = title
        self.intro = intro
        self.items = []
        self.pre = None  # (caption, text) shown verbatim


def energy_scale(stats):
    """(factor, unit) for showing energies: uJ for a pJ table, else the table's own unit."""
    if stats["energy_unit"] == "pJ":
        return 1e-6, "uJ"
    return 1.0, stats["energy_unit"]


def scaled(run, pointer, factor):
    """The source of a value shown scaled by `factor`."""
    return run.ref(pointer) + (f" * {factor!r}" if factor != 1.0 else "")


def summary_table(run, prefix):
    s = run.stats
    factor, unit = energy_scale(s)
    t = Table(f"{prefix}-summary", "Headline figures", ["figure", "value", "unit"])

    def row(name, key, fmt, unit_text=""):
        t.add([label(name), Cell(s[key], fmt, run.ref(jp(key))), label(unit_text)])

    for name, key in (("arch", "arch"), ("workload", "workload"), ("mode", "mode"),
                      ("energy table", "energy_table"), ("cssim version", "cssim_version"),
                      ("output check", "output_check")):
        row(name, key, "str")
    row("seed", "seed", "int")
    row("cycles", "cycles", "int", "cycles")
    row("clock", "clock_mhz", "f1", "MHz")
    row("inferences per second", "inferences_per_s", "f1", "1/s")
    t.add([label("energy per inference"),
           Cell(s["energy_pj"]["total"] * factor, "f3",
                scaled(run, jp("energy_pj", "total"), factor)), label(unit)])
    t.add([label("energy per MAC"),
           Cell(s["energy_pj"]["per_mac"], "f4", run.ref(jp("energy_pj", "per_mac"))),
           label(s["energy_unit"] + "/MAC")])
    row("MACs performed", "macs", "int", "MACs")
    row("MACs of the dense network", "dense_macs", "int", "MACs")
    row("multipliers", "pe_count", "int", "")
    row("MAC utilisation", "mac_utilization", "pct2", "")
    if s["packing_efficiency"] > 0:
        row("packing efficiency", "packing_efficiency", "pct1", "")
    return t


def breakdown(run, prefix, key, run_key, title, what):
    """Per-layer x (component | data type) energy: a table and a stacked bar figure."""
    s = run.stats
    factor, unit = energy_scale(s)
    names = sorted(s["energy_pj"][run_key])
    t = Table(f"{prefix}-energy-by-{what}", title,
              ["layer", "engine"] + [f"{n} [{unit}]" for n in names] + [f"total [{unit}]"],
              caption=f"Energy of one inference per layer and {what.replace('type', ' type')}; "
                      "the last row is the whole run. Each row sums to its total.")
    for i, layer in enumerate(s["layers"]):
        cells = [Cell(layer["name"], "str", run.ref(jp("layers", i, "name"))),
                 Cell(layer["engine"], "str", run.ref(jp("layers", i, "engine")))]
        for n in names:
            v = layer[key].get(n, 0.0)
            src = scaled(run, jp("layers", i, key, n), factor) if n in layer[key] else None
            cells.append(Cell(v * factor, "f4", src if src else "0"))
        cells.append(Cell(layer["energy_pj"] * factor, "f4",
                          scaled(run, jp("layers", i, "energy_pj"), factor)))
        t.add(cells)
    total = [label("total"), label("")]
    for n in names:
        total.append(Cell(s["energy_pj"][run_key][n] * factor, "f4",
                          scaled(run, jp("energy_pj", run_key, n), factor)))
    total.append(Cell(s["energy_pj"]["total"] * factor, "f4",
                      scaled(run, jp("energy_pj", "total"), factor)))
    t.add(total)
    layers = [layer["name"] for layer in s["layers"]]
    stacks = {n: [layer[key].get(n, 0.0) * factor for layer in s["layers"]] for n in names}
    fig = figures.Figure(
        f"{prefix}-energy-by-{what}", f"Energy per layer, by {what.replace('type', ' type')}",
        lambda: figures.stacked_bars(layers, stacks, f"energy per inference ({unit})",
                                     figures.palette_for(what, names)))
    return t, fig


def per_access(run, prefix):
    """pJ per action per component beside Eyeriss's normalised costs."""
    s = run.stats
    unit = s["energy_unit"]
    actions = s["energy_actions"]
    mac = next((i for i, a in enumerate(actions) if a["component"] == "mac"
                and a["action"] == "mac"), None)
    t = Table(f"{prefix}-per-access", "Energy per access",
              ["component", "action", "counter group", "width [bit]", f"per action [{unit}]",
               f"per 16-bit word [{unit}]", "per 16-bit word / MAC", "Eyeriss / MAC", "source"],
              caption="One row per counter group and action (the data types a group counts "
                      "share one energy). Per 16-bit word = per action x 16 / width (a MAC: per "
                      "operation); Eyeriss: "
                      "normalised costs of Chen et al., ISCA 2016 (MAC 1 : RF 1 : NoC 2 : GLB 6 "
                      ": DRAM 200).")
    seen = set()
    level_value = {}
    for i, a in enumerate(actions):
        group = a["counter"].rsplit(".", 1)[0]
        if (group, a["action"]) in seen:
            continue
        seen.add((group, a["action"]))
        ref = lambda k: run.ref(jp("energy_actions", i, k))  # noqa: E731
        word = word_src = norm = norm_src = None
        if a["component"] == "mac":  # one operation, whatever its operands' width
            word, word_src = a["pj_per_action"], ref("pj_per_action")
        elif a["width_bits"] > 0:
            word = a["pj_per_action"] * 16 / a["width_bits"]
            word_src = f"{ref('pj_per_action')} * 16 / {ref('width_bits')}"
        mac_pj = actions[mac]["pj_per_action"] if mac is not None else 0
        if word is not None and mac_pj > 0:
            norm = word / mac_pj
            norm_src = f"({word_src}) / {run.ref(jp('energy_actions', mac, 'pj_per_action'))}"
            if a["component"] in EYERISS and a["component"] not in level_value and \
                    a["action"] in ("mac", "read", "transfer"):
                level_value[a["component"]] = norm
        eye = EYERISS.get(a["component"]) if a["action"] in ("mac", "read", "write",
                                                             "transfer", "hop") else None
        t.add([Cell(a["component"], "str", ref("component")),
               Cell(a["action"], "str", ref("action")), label(group),
               Cell(int(a["width_bits"]), "int", ref("width_bits")),
               Cell(a["pj_per_action"], "f4", ref("pj_per_action")),
               Cell(word, "f4", word_src), Cell(norm, "f2", norm_src),
               Cell(eye, "int", f"eyeriss:{a['component']}" if eye is not None else None),
               Cell(a["source"], "str", ref("source"))])
    levels = [lv for lv in LEVELS if lv in level_value]
    fig = figures.Figure(
        f"{prefix}-per-access", "Energy per 16-bit access relative to a MAC: cssim vs Eyeriss",
        lambda: figures.paired_bars(levels, {"cssim (this table)": [level_value[lv]
                                                                    for lv in levels],
                                             "Eyeriss": [EYERISS[lv] for lv in levels]},
                                    "energy per 16-bit access / MAC", log=True))
    return t, fig


def cycle_reasons(run, prefix):
    s = run.stats
    reasons = list(s["cycle_reasons"])
    t = Table(f"{prefix}-cycles", "Where the cycles go",
              ["layer", "engine", "cycles"] + [REASON_LABELS.get(r, r) for r in reasons],
              caption="Every cycle of each layer charged to one reason while the clock ran "
                      "(stats.json cycle_reasons); each row sums to its cycles.")
    for i, layer in enumerate(s["layers"]):
        t.add([Cell(layer["name"], "str", run.ref(jp("layers", i, "name"))),
               Cell(layer["engine"], "str", run.ref(jp("layers", i, "engine"))),
               Cell(layer["cycles"], "int", run.ref(jp("layers", i, "cycles")))] +
              [Cell(layer["cycle_reasons"][r], "int", run.ref(jp("layers", i, "cycle_reasons", r)))
               for r in reasons])
    t.add([label("total"), label(""), Cell(s["cycles"], "int", run.ref(jp("cycles")))] +
          [Cell(s["cycle_reasons"][r], "int", run.ref(jp("cycle_reasons", r))) for r in reasons])
    d = Table(f"{prefix}-cycle-reasons", "The cycle reasons", ["reason", "key", "meaning"])
    for r in reasons:
        d.add([label(REASON_LABELS.get(r, r)), label(r),
               Cell(s["cycle_reason_descriptions"][r], "str",
                    run.ref(jp("cycle_reason_descriptions", r)))])
    layers = [layer["name"] for layer in s["layers"]]
    stacks = {REASON_LABELS.get(r, r): [layer["cycle_reasons"][r] for layer in s["layers"]]
              for r in reasons}
    fig = figures.Figure(
        f"{prefix}-cycles", "Where the cycles go, per layer",
        lambda: figures.reasons_bars(layers, stacks,
                                     figures.palette_for("reason", list(stacks),
                                                         list(REASON_LABELS.values()))))
    return t, d, fig


def roofline(run, prefix):
    s = run.stats
    clock = s["clock_mhz"] * 1e6
    peak = s["peak"]
    t = Table(f"{prefix}-roofline", "Roofline",
              ["layer", "engine", "MACs", "DRAM bytes", "intensity [MAC/B]", "achieved [MAC/s]",
               "attainable [MAC/s]", "achieved / attainable"],
              caption=f"Peak {peak['macs_per_s']:.4g} MAC/s ({peak['macs_per_cycle']} "
                      f"multipliers at {s['clock_mhz']:g} MHz); DRAM {peak['dram_bytes_per_s']:.4g}"
                      f" B/s ({peak['dram_preset']} pins). Layers without MACs or DRAM traffic "
                      "are left out.")
    points = []
    clock_src = f"({run.ref(jp('clock_mhz'))} * 1000000.0)"
    for i, layer in enumerate(s["layers"]):
        if layer["macs"] <= 0 or layer["dram_bytes"] <= 0:
            continue
        ref = lambda k: run.ref(jp("layers", i, k))  # noqa: E731
        oi = layer["macs"] / layer["dram_bytes"]
        oi_src = f"{ref('macs')} / {ref('dram_bytes')}"
        achieved = layer["macs"] / (layer["cycles"] / clock)
        achieved_src = f"{ref('macs')} / ({ref('cycles')} / {clock_src})"
        attainable = min(peak["macs_per_s"], oi * peak["dram_bytes_per_s"])
        att_src = (f"min({run.ref(jp('peak', 'macs_per_s'))}, ({oi_src}) * "
                   f"{run.ref(jp('peak', 'dram_bytes_per_s'))})")
        t.add([Cell(layer["name"], "str", ref("name")), Cell(layer["engine"], "str", ref("engine")),
               Cell(layer["macs"], "int", ref("macs")),
               Cell(layer["dram_bytes"], "int", ref("dram_bytes")),
               Cell(oi, "f2", oi_src), Cell(achieved, "e3", achieved_src),
               Cell(attainable, "e3", att_src),
               Cell(achieved / attainable, "pct1", f"({achieved_src}) / ({att_src})")])
        points.append((layer["name"], oi, achieved))
    fig = figures.Figure(
        f"{prefix}-roofline", "Roofline: each layer where its run landed",
        lambda: figures.roofline(points, peak["macs_per_s"], peak["dram_bytes_per_s"]))
    return t, fig


def run_sections(run, prefix, heading):
    """The sections of one run, anchors and file names starting with `prefix`."""
    s = run.stats
    out = []
    sec = Section(prefix, heading,
                  f"{s['workload']} on {s['arch']}, {s['mode']}, seed {s['seed']}, energy table "
                  f"{s['energy_table']} ({s['energy_unit']}), cssim {s['cssim_version']}; "
                  f"source: {run.rel}.")
    sec.items.append(summary_table(run, prefix))
    out.append(sec)
    sec = Section(f"{prefix}-energy", "Energy by layer, component and data type")
    t, f = breakdown(run, prefix, "energy_by_component", "by_component",
                     "Energy per layer and component", "component")
    sec.items += [f, t]
    t, f = breakdown(run, prefix, "energy_by_datatype", "by_datatype",
                     "Energy per layer and data type", "datatype")
    sec.items += [f, t]
    out.append(sec)
    sec = Section(f"{prefix}-access", "Energy per access",
                  f"The energy table {s['energy_table']}: every action the run counted, with the "
                  "entry's source, beside the Eyeriss normalised costs.")
    t, f = per_access(run, prefix)
    sec.items += [f, t]
    out.append(sec)
    sec = Section(f"{prefix}-cycles", "Where the cycles go")
    t, d, f = cycle_reasons(run, prefix)
    sec.items += [f, t, d]
    out.append(sec)
    sec = Section(f"{prefix}-roofline", "Roofline")
    t, f = roofline(run, prefix)
    sec.items += [f, t]
    out.append(sec)
    sec = Section(f"{prefix}-config", "Configuration",
                  "The arch, workload and energy table as the run resolved them "
                  "(config.resolved.yaml, verbatim).")
    sec.pre = ("config.resolved.yaml", run.config)
    out.append(sec)
    return out


def comparison_section(runs):
    """Dense vs sparse-dense vs sparse-sparse: a table (ratios against the first mode) and a
    three-panel figure."""
    base = runs[0]
    b = base.stats
    factor, unit = energy_scale(b)
    t = Table("compare-modes", "The modes side by side",
              ["mode", "workload", "cycles", "inferences/s", f"speed-up vs {b['mode']}",
               f"energy per inference [{unit}]", f"energy ratio {b['mode']} / mode",
               "MAC utilisation", "packing efficiency", "output check"],
              caption="Same arch, energy table and seed; speed-up = cycles of the first mode / "
                      "cycles; energy ratio = its energy / energy.")
    for r in runs:
        s = r.stats
        t.add([Cell(s["mode"], "str", r.ref(jp("mode"))),
               Cell(s["workload"], "str", r.ref(jp("workload"))),
               Cell(s["cycles"], "int", r.ref(jp("cycles"))),
               Cell(s["inferences_per_s"], "f1", r.ref(jp("inferences_per_s"))),
               Cell(b["cycles"] / s["cycles"], "f2",
                    f"{base.ref(jp('cycles'))} / {r.ref(jp('cycles'))}"),
               Cell(s["energy_pj"]["total"] * factor, "f3",
                    scaled(r, jp("energy_pj", "total"), factor)),
               Cell(b["energy_pj"]["total"] / s["energy_pj"]["total"], "f2",
                    f"{base.ref(jp('energy_pj', 'total'))} / {r.ref(jp('energy_pj', 'total'))}"),
               Cell(s["mac_utilization"], "pct2", r.ref(jp("mac_utilization"))),
               Cell(s["packing_efficiency"], "pct1", r.ref(jp("packing_efficiency"))),
               Cell(s["output_check"], "str", r.ref(jp("output_check")))])
    modes = [r.stats["mode"] for r in runs]
    panels = [("inferences per second (1/s)", [r.stats["inferences_per_s"] for r in runs]),
              (f"energy per inference ({unit})",
               [r.stats["energy_pj"]["total"] * factor for r in runs]),
              ("MAC utilisation (%)", [100 * r.stats["mac_utilization"] for r in runs])]
    fig = figures.Figure("compare-modes", "Dense vs sparse-dense vs sparse-sparse",
                         lambda: figures.mode_panels(modes, panels))
    sec = Section("compare", "Dense, sparse-dense and sparse-sparse",
                  f"The default job's three modes on {b['arch']} (energy table "
                  f"{b['energy_table']}, seed {b['seed']}).")
    sec.items += [fig, t]
    return sec
