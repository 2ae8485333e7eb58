"""The report's figures, drawn with Debian's matplotlib (Agg): sized for a paper column, 8 pt
text, axis labels with units, the Okabe-Ito colour-blind-safe palette, one colour per component,
data type or reason in every figure. Saved as PNG (200 dpi) and SVG, deterministically."""

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

plt.rcParams.update({
    "font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "legend.fontsize": 7,
    "xtick.labelsize": 7, "ytick.labelsize": 7, "font.family": "DejaVu Sans",
    "svg.hashsalt": "cssim", "svg.fonttype": "path", "axes.spines.top": False,
    "axes.spines.right": False, "figure.dpi": 100,
})

# Okabe & Ito, "Color Universal Design" (2008): distinguishable with any colour vision.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000", "#999999"]
ORDER = {
    "component": ["mac", "rf", "noc", "glb", "dram", "ppu", "cs", "kwta"],
    "datatype": ["weight", "input", "psum", "output", "kernel_id", "act_list", "none"],
    "mode": ["dense", "sparse-dense", "sparse-sparse"],
}
HATCHES = ["", "//", "..", "xx", "\\\\", "oo", "--", "++", "**"]

COLUMN_IN = 3.4  # a paper column
PAGE_IN = 7.0  # both columns


class Figure:
    """A named figure: `draw()` returns a matplotlib Figure."""

    def __init__(self, name, title, draw):
        self.name = name
        self.title = title
        self.draw = draw


def palette_for(kind, names, known=None):
    """name -> colour: fixed for the known names (`known`, or those of `kind`), then in order
    for the rest."""
    known = known if known is not None else ORDER.get(kind, [])
    out, spare = {}, [c for i, c in enumerate(OKABE_ITO) if i >= len(known)]
    for n in names:
        if n in known:
            out[n] = OKABE_ITO[known.index(n) % len(OKABE_ITO)]
        else:
            out[n] = spare.pop(0) if spare else "#999999"
    return out


def render(fig_obj):
    """(png bytes, svg bytes) of a Figure."""
    fig = fig_obj.draw()
    png, svg = io.BytesIO(), io.BytesIO()
    fig.savefig(png, format="png", dpi=200, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(svg, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return png.getvalue(), svg.getvalue()


def _height(n):
    return max(1.6, 0.5 + 0.22 * n)


def stacked_bars(labels, stacks, xlabel, colours):
    """Horizontal bars, one per label (top to bottom), stacked by the keys of `stacks`."""
    fig, ax = plt.subplots(figsize=(COLUMN_IN, _height(len(labels))))
    y = list(range(len(labels)))[::-1]
    left = [0.0] * len(labels)
    for k, (name, values) in enumerate(stacks.items()):
        if not any(values):
            continue
        ax.barh(y, values, left=left, color=colours[name], label=name, height=0.7,
                hatch=HATCHES[k % len(HATCHES)], edgecolor="white", linewidth=0.3)
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(y)
    ax.set_yticklabels(labels)
    ax.set_xlabel(xlabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


def reasons_bars(labels, stacks, colours):
    """Where the cycles go: absolute cycles (left) and each layer's shares (right)."""
    fig, axes = plt.subplots(1, 2, figsize=(PAGE_IN, _height(len(labels))), sharey=True)
    y = list(range(len(labels)))[::-1]
    totals = [sum(v[i] for v in stacks.values()) for i in range(len(labels))]
    for ax, share in zip(axes, (False, True)):
        left = [0.0] * len(labels)
        for k, (name, values) in enumerate(stacks.items()):
            if not any(values):
                continue
            vals = [100 * v / t if t else 0 for v, t in zip(values, totals)] if share else values
            ax.barh(y, vals, left=left, color=colours[name], height=0.7,
                    label=name if not share else None, hatch=HATCHES[k % len(HATCHES)],
                    edgecolor="white", linewidth=0.3)
            left = [a + b for a, b in zip(left, vals)]
        ax.set_xlabel("share of the layer's cycles (%)" if share else "cycles")
    axes[0].set_yticks(y)
    axes[0].set_yticklabels(labels)
    axes[1].set_xlim(0, 100)
    fig.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, frameon=False)
    fig.tight_layout()
    return fig


def paired_bars(groups, series, ylabel, log=False):
    """Bars of each series side by side per group."""
    fig, ax = plt.subplots(figsize=(COLUMN_IN, 2.3))
    n = len(series)
    width = 0.8 / max(n, 1)
    colours = palette_for("series", list(series))
    for k, (name, values) in enumerate(series.items()):
        xs = [i - 0.4 + width * (k + 0.5) for i in range(len(groups))]
        ax.bar(xs, values, width=width, label=name, color=colours[name],
               hatch=HATCHES[k % len(HATCHES)], edgecolor="white", linewidth=0.3)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels([g.upper() if len(g) <= 4 else g for g in groups])
    if log:
        ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False)
    return fig


def roofline(points, peak_macs, dram_bytes_per_s):
    """Attainable MAC/s = min(peak, intensity x bandwidth), with each layer's point."""
    fig, ax = plt.subplots(figsize=(COLUMN_IN, 2.6))
    ridge = peak_macs / dram_bytes_per_s
    xs = [p[1] for p in points] + [ridge]
    lo, hi = min(xs) / 4, max(xs) * 4
    roof_x = [lo, ridge, hi]
    ax.plot(roof_x, [min(peak_macs, x * dram_bytes_per_s) for x in roof_x], color="#000000",
            linewidth=1.0, label="roof")
    markers = "os^Dv<>ph*"
    for k, (name, oi, achieved) in enumerate(points):
        ax.plot([oi], [achieved], marker=markers[k % len(markers)], linestyle="none",
                color=OKABE_ITO[k % len(OKABE_ITO)], label=name, markersize=5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("operational intensity (MAC per DRAM byte)")
    ax.set_ylabel("MAC/s")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


def mode_panels(modes, panels):
    """One bar panel per (label, values), a bar per mode."""
    fig, axes = plt.subplots(1, len(panels), figsize=(PAGE_IN, 2.2))
    colours = palette_for("mode", modes)
    for ax, (ylabel, values) in zip(axes, panels):
        bars = ax.bar(range(len(modes)), values, color=[colours[m] for m in modes],
                      edgecolor="white")
        for i, bar in enumerate(bars):
            bar.set_hatch(HATCHES[i % len(HATCHES)])
        ax.set_xticks(range(len(modes)))
        ax.set_xticklabels(modes, rotation=20)
        ax.set_ylabel(ylabel)
    fig.tight_layout()
    return fig


def scatter(points, xlabel, ylabel, front, log=(False, False)):
    """points: (x, y, mode) for every done point; front: the indices on the Pareto front."""
    fig, ax = plt.subplots(figsize=(COLUMN_IN, 2.6))
    modes = sorted({p[2] for p in points}, key=lambda m: (ORDER["mode"] + [m]).index(m))
    colours = palette_for("mode", modes)
    markers = "os^Dv"
    for k, m in enumerate(modes):
        sel = [p for p in points if p[2] == m]
        ax.scatter([p[0] for p in sel], [p[1] for p in sel], s=14, color=colours[m], label=m,
                   marker=markers[k % len(markers)], linewidths=0)
    if front:
        ax.scatter([points[i][0] for i in front], [points[i][1] for i in front], s=60,
                   facecolors="none", edgecolors="#000000", linewidths=0.8,
                   label="Pareto front")
    if log[0]:
        ax.set_xscale("log")
    if log[1]:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


def axis_effect(values, xlabel, series):
    """One panel per metric: the median over the other axes at each value, with min-max bars.
    series: [(ylabel, [(median, min, max) per value])]."""
    fig, axes = plt.subplots(1, len(series), figsize=(PAGE_IN, 1.9))
    labels = [str(v) for v in values]
    for k, (ax, (ylabel, stats)) in enumerate(zip(axes, series)):
        med = [s[0] for s in stats]
        lo = [s[0] - s[1] for s in stats]
        hi = [s[2] - s[0] for s in stats]
        ax.errorbar(range(len(values)), med, yerr=[lo, hi], color=OKABE_ITO[k], marker="o",
                    markersize=4, capsize=3, linewidth=1.0)
        ax.set_xticks(range(len(values)))
        ax.set_xticklabels(labels)
        ax.set_ylabel(ylabel)
        ax.set_xlabel(xlabel)
        ax.set_yscale("log")
    fig.tight_layout()
    return fig
