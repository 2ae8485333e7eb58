"""cssim report: one self-contained HTML report (figures embedded as PNG data URIs, no script,
no network), every figure as PNG and SVG and every table as CSV (docs/report.md).

Run by `cssim report` (tools/cssim/report_command.cc), which writes these files into a private
directory and calls:
    /usr/bin/python3 cssim_report.py SOURCE --out FILE --plots DIR [--scatter X:Y]...
        [--metric M[:min|:max]]... --cssim-version V
Exit 0; 2 after one line "cssim: error: FILE: KEY: problem; allowed: ..." for bad input, with
nothing written; 3 for an internal error.
"""

import argparse
import base64
import html
import os
import shutil
import sys

from load import ReportInputError, load
import figures
from run_sections import comparison_section, run_sections
from sweep_sections import sweep_sections
from tables import Table

OWN_SUFFIXES = (".png", ".svg", ".csv")

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 14px; max-width: 1100px;
       margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 18px; border-bottom: 1px solid #ccc; margin-top: 2em; }
h3 { font-size: 15px; margin-top: 1.5em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 12px; }
caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
th, td { border: 1px solid #ccc; padding: 2px 6px; vertical-align: top; }
th { background: #f2f2f2; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
p.caption { font-size: 12px; color: #555; margin-top: 0; }
figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #555; }
pre { background: #f7f7f7; padding: 0.8em; font-size: 11px; overflow-x: auto; }
nav li { margin: 0.1em 0; }
"""


def build(kind, src, args):
    """(title, intro, [(heading or None, [Section])])"""
    if kind == "run":
        s = src.stats
        return (f"cssim report: {s['workload']} on {s['arch']} ({s['mode']})",
                [(None, run_sections(src, "run", "The run"))])
    if kind == "comparison":
        groups = [(None, [comparison_section(src)])] if len(src) > 1 else []
        for r in src:
            m = r.stats["mode"]
            groups.append((f"Mode {m}", run_sections(r, m, "Headline figures")))
        b = src[0].stats
        return f"cssim report: {b['arch']}, {', '.join(r.stats['mode'] for r in src)}", groups
    return f"cssim report: sweep {src.name}", [(None, sweep_sections(src, args.scatter,
                                                                     args.metric))]


def render_page(title, groups, args, source_name, images):
    e = html.escape
    body = [f"<h1>{e(title)}</h1>",
            f"<p>Made by cssim {e(args.cssim_version)} from <code>{e(source_name)}</code>. Every "
            "number below comes from the source's stats.json or sweep database; each table "
            "cell names where (its data-src attribute; docs/report.md in the cssim repository), "
            "and each table and figure is also in the plots directory as CSV, PNG and SVG.</p>",
            "<nav><ul>"]
    for heading, sections in groups:
        for sec in sections:
            body.append(f'<li><a href="#sec-{e(sec.anchor)}">'
                        f"{e((heading + ': ') if heading else '')}{e(sec.title)}</a></li>")
    body.append("</ul></nav>")
    for heading, sections in groups:
        if heading:
            body.append(f"<h2>{e(heading)}</h2>")
        for sec in sections:
            tag = "h3" if heading else "h2"
            body.append(f'<{tag} id="sec-{e(sec.anchor)}">{e(sec.title)}</{tag}>')
            if sec.intro:
                body.append(f"<p>{e(sec.intro)}</p>")
            for item in sec.items:
                if isinstance(item, Table):
                    body.append(item.html())
                else:
                    png = images[item.name]
                    data = base64.b64encode(png).decode("ascii")
                    # Shown at about 110 px per inch of the figure (it is drawn at 200 dpi).
                    width = int.from_bytes(png[16:20], "big") * 110 // 200
                    body.append(f'<figure id="fig-{e(item.name)}"><img alt="{e(item.title)}" '
                                f'width="{width}" src="data:image/png;base64,{data}"><figcaption>'
                                f"{e(item.title)} ({e(item.name)}.png, {e(item.name)}.svg)"
                                "</figcaption></figure>")
            if sec.pre:
                body.append(f"<p>{e(sec.pre[0])}:</p><pre>{e(sec.pre[1])}</pre>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{e(title)}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def check_outputs(out, plots):
    if os.path.isdir(out):
        raise ReportInputError(out, "-o", "is a directory", "an HTML file path")
    if os.path.exists(plots):
        if not os.path.isdir(plots):
            raise ReportInputError(plots, "--plots", "exists and is not a directory",
                                   "a new directory or an earlier report's")
        foreign = sorted(f for f in os.listdir(plots) if not f.endswith(OWN_SUFFIXES))
        if foreign:
            raise ReportInputError(plots, "--plots", f"holds '{foreign[0]}', which the report "
                                   "did not write; not replacing it",
                                   "a new directory or an earlier report's")


def write(out, plots, page, files):
    """Both outputs appear whole or not at all; an earlier report is replaced."""
    pid = os.getpid()
    parent = os.path.dirname(os.path.abspath(out))
    created = []
    for d in (parent, os.path.dirname(os.path.abspath(plots))):
        if not os.path.isdir(d):
            os.makedirs(d)
            created.append(d)
    tmp_plots, tmp_out = f"{plots}.tmp-{pid}", f"{out}.tmp-{pid}"
    old_plots = f"{plots}.old-{pid}"
    try:
        shutil.rmtree(tmp_plots, ignore_errors=True)
        os.mkdir(tmp_plots)
        for name, data in sorted(files.items()):
            with open(os.path.join(tmp_plots, name), "wb") as f:
                f.write(data)
        with open(tmp_out, "w", encoding="utf-8") as f:
            f.write(page)
        had = os.path.exists(plots)
        if had:
            os.rename(plots, old_plots)
        os.rename(tmp_plots, plots)
        os.replace(tmp_out, out)
        if had:
            shutil.rmtree(old_plots)
    except BaseException:
        shutil.rmtree(tmp_plots, ignore_errors=True)
        if os.path.exists(tmp_out):
            os.remove(tmp_out)
        if os.path.exists(old_plots) and not os.path.exists(plots):
            os.rename(old_plots, plots)
        for d in reversed(created):  # directories made for this report, if still empty
            try:
                os.rmdir(d)
            except OSError:
                pass
        raise


def main(argv):
    ap = argparse.ArgumentParser(prog="cssim report")
    ap.add_argument("source")
    ap.add_argument("--out", required=True)
    ap.add_argument("--plots", required=True)
    ap.add_argument("--scatter", action="append", default=[])
    ap.add_argument("--metric", action="append", default=[])
    ap.add_argument("--cssim-version", required=True)
    args = ap.parse_args(argv)
    try:
        kind, src = load(args.source)
        if kind != "sweep" and (args.scatter or args.metric):
            raise ReportInputError("<input>", "--scatter" if args.scatter else "--metric",
                                   f"applies to sweeps; {args.source} is a {kind}",
                                   "a sweep database as SOURCE")
        check_outputs(args.out, args.plots)
        title, groups = build(kind, src, args)
        images, files = {}, {}
        for _, sections in groups:
            for sec in sections:
                for item in sec.items:
                    if isinstance(item, Table):
                        files[item.name + ".csv"] = item.csv_text().encode("utf-8")
                    else:
                        png, svg = figures.render(item)
                        images[item.name] = png
                        files[item.name + ".png"] = png
                        files[item.name + ".svg"] = svg
        name = os.path.basename(os.path.normpath(args.source))
        page = render_page(title, groups, args, name, images)
        write(args.out, args.plots, page, files)
    except ReportInputError as e:
        print(f"cssim: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"cssim: error: {e.filename or args.out}: cannot write ({e.strerror})",
              file=sys.stderr)
        return 2
    print(f"report written to {args.out} ({len(images)} figures; figures and tables in "
          f"{args.plots}/)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except SystemExit:
        raise
    except BaseException as e:  # an internal error: one line, never a traceback
        print(f"cssim: error: report: internal error: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(3)
