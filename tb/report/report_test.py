#!/usr/bin/python3
"""End-to-end test of `cssim report` (docs/report.md), run by ctest.

Makes the three kinds of source a report is written from -- the default job's comparison
directory (through `cssim run --out DIR --report`), one run's result directory and a sweep's
database -- reports each, and checks:
  - every table cell against its source, every table's CSV and every figure's PNG and SVG
    (tb/report/report_check_test.py, which recomputes each number from stats.json or the database
    without the generator's code);
  - determinism: the same source reported twice gives byte-identical files;
  - bad input: one line naming the file and key, exit 2, and nothing written.
With --browser, each report is also opened in headless Chromium (tb/report/browser_test.py):
every figure rendered, none blank, no console errors (ctest label `browser`; exit 77, skipped,
where Chromium is missing).

usage: report_test.py --cssim BIN [--browser] [--keep DIR]
"""

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PYTHON = "/usr/bin/python3"


class Failure(Exception):
    pass


def run(argv, want_rc=0, cwd=None):
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600)
    if p.returncode != want_rc:
        raise Failure(f"{' '.join(argv)}: exit {p.returncode}, wanted {want_rc}\n"
                      f"stdout: {p.stdout[-2000:]}\nstderr: {p.stderr[-2000:]}")
    return p


def check(cond, what):
    if not cond:
        raise Failure(what)


def all_files(top):
    out = []
    for d, _, files in os.walk(top):
        out += [os.path.relpath(os.path.join(d, f), top) for f in files]
    return sorted(out)


def make_sources(cssim, tmp):
    """The three kinds of source, and their reports: (label, report, source, plots dir)."""
    compare = os.path.join(tmp, "compare")
    run([cssim, "run", "--out", compare, "--report"])
    one = os.path.join(tmp, "one")
    run([cssim, "run", "--mode", "sparse-sparse", "--out", one])
    run([cssim, "report", one, "-o", os.path.join(tmp, "one.html"),
         "--plots", os.path.join(tmp, "one-files")])
    sweep = os.path.join(tmp, "sweep")
    run([cssim, "sweep", os.path.join(ROOT, "workloads/sweeps/gsc-small.yaml"), "--out", sweep,
         "-j", "2"])
    run([cssim, "report", sweep])  # defaults: sweep/report.html, sweep/report-files/
    return [
        ("comparison", os.path.join(compare, "report.html"), compare,
         os.path.join(compare, "report-files")),
        ("run", os.path.join(tmp, "one.html"), one, os.path.join(tmp, "one-files")),
        ("sweep", os.path.join(sweep, "report.html"), os.path.join(sweep, "sweep.sqlite"),
         os.path.join(sweep, "report-files")),
    ]


def check_tables(reports):
    for label, report, src, plots in reports:
        check(os.path.isfile(report), f"{label}: no {report}")
        check(os.path.isdir(plots), f"{label}: no {plots}")
        p = run([PYTHON, os.path.join(HERE, "report_check_test.py"), "--report", report, "--src",
                 src, "--plots", plots] + (["--self-test"] if label == "run" else []))
        sys.stdout.write(p.stdout)
        print(f"report: {label}: every table cell, CSV and figure matches its source")


def check_pareto_matches_cssim(cssim, tmp, sweep_dir):
    """The report's Pareto table lists the points `cssim sweep pareto` prints, for three
    objectives (a front of more than one point)."""
    metrics = ["energy_per_inference_pj:min", "inferences_per_s:max", "sram_kib:min"]
    args = sum((["--metric", m] for m in metrics), [])
    html = os.path.join(tmp, "pareto.html")
    plots = os.path.join(tmp, "pareto-files")
    before = all_files(sweep_dir)
    run([cssim, "report", sweep_dir, "-o", html, "--plots", plots] + args)
    check(all_files(sweep_dir) == before,
          f"reading the sweep wrote beside it: {sorted(set(all_files(sweep_dir)) - set(before))}")
    with open(os.path.join(plots, "sweep-pareto.csv")) as f:
        reported = sorted(line.split(",")[0] for line in f.read().splitlines()[1:])
    out = run([cssim, "sweep", "pareto", sweep_dir] + args).stdout
    printed = sorted(line.split()[0] for line in out.splitlines()
                     if line and len(line.split()[0]) == 16 and line.split()[0] != "id")
    check(reported == printed and len(printed) > 1,
          f"Pareto front: the report lists {reported}, cssim sweep pareto {printed}")
    run([PYTHON, os.path.join(HERE, "report_check_test.py"), "--report", html, "--src",
         sweep_dir, "--plots", plots])
    print(f"report: the Pareto table lists the {len(printed)} points cssim sweep pareto prints")


def check_unmerged_wal(cssim, tmp, sweep_db):
    """A database whose WAL still holds a commit (a sweep killed mid-write, or still running):
    the report reads that commit and still writes nothing beside the database."""
    d = os.path.join(tmp, "wal")
    os.mkdir(d)
    db = os.path.join(d, "sweep.sqlite")
    shutil.copyfile(sweep_db, db)
    # A child process commits in WAL mode with checkpoints off and exits without closing, so
    # the commit stays in sweep.sqlite-wal.
    code = ("import os, sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA wal_autocheckpoint=0')\n"
            "c.execute(\"UPDATE sweep SET value = 'renamed-in-wal' WHERE key = 'name'\")\n"
            "os._exit(0)\n")
    run([PYTHON, "-c", code, db])
    check(os.path.getsize(db + "-wal") > 0, "the test could not leave a commit in the WAL")
    before = all_files(d)
    html = os.path.join(tmp, "wal.html")
    run([cssim, "report", db, "-o", html, "--plots", os.path.join(tmp, "wal-files")])
    check(all_files(d) == before, f"reading a WAL database changed {d}")
    with open(html, encoding="utf-8") as f:
        check("renamed-in-wal" in f.read(), "the report missed the commit still in the WAL")
    print("report: a commit still in the WAL is read, and nothing is written beside the database")


def check_determinism(cssim, tmp, one):
    outs = []
    for k in ("a", "b"):
        html = os.path.join(tmp, f"det-{k}", "r.html")
        run([cssim, "report", one, "-o", html, "--plots", os.path.join(tmp, f"det-{k}", "files")])
        outs.append(os.path.join(tmp, f"det-{k}"))
    files = all_files(outs[0])
    check(files == all_files(outs[1]), "two reports of one source hold different files")
    for f in files:
        check(filecmp.cmp(os.path.join(outs[0], f), os.path.join(outs[1], f), shallow=False),
              f"two reports of one source differ in {f}")
    print(f"report: the same source reported twice gives {len(files)} byte-identical files")


def expect_input_error(cssim, argv, want, absent, tmp):
    """Exit 2, one line holding every `want`, and none of `absent` created (nor a temp)."""
    before = set(os.listdir(tmp))
    p = run([cssim, "report"] + argv, want_rc=2)
    lines = p.stderr.strip().splitlines()
    check(len(lines) == 1, f"report {argv}: {len(lines)} lines on stderr: {p.stderr}")
    for w in want:
        check(w in lines[0], f"report {argv}: '{w}' not in: {lines[0]}")
    for a in absent:
        check(not os.path.exists(a), f"report {argv}: left {a} behind")
    check(set(os.listdir(tmp)) == before,
          f"report {argv}: left {sorted(set(os.listdir(tmp)) - before)} behind")


def check_bad_input(cssim, tmp, one, sweep_db):
    bad = os.path.join(tmp, "bad")
    os.mkdir(bad)
    out = os.path.join(bad, "r.html")
    plots = os.path.join(bad, "r-files")
    # A directory that is not a result.
    empty = os.path.join(bad, "empty")
    os.mkdir(empty)
    expect_input_error(cssim, [empty, "-o", out], [empty], [out, plots], bad)
    # A missing source.
    expect_input_error(cssim, [os.path.join(bad, "missing"), "-o", out], ["missing"],
                       [out, plots], bad)
    # A stats.json that is not JSON, and one that lacks a key.
    broken = os.path.join(bad, "broken")
    shutil.copytree(one, broken)
    with open(os.path.join(broken, "stats.json"), "w") as f:
        f.write("{ not json")
    expect_input_error(cssim, [broken, "-o", out], ["stats.json"], [out, plots], bad)
    with open(os.path.join(one, "stats.json")) as f:
        text = f.read()
    with open(os.path.join(broken, "stats.json"), "w") as f:
        f.write(text.replace('"cycle_reasons"', '"cycle_reasonz"'))
    expect_input_error(cssim, [broken, "-o", out], ["stats.json", "cycle_reasons"], [out, plots],
                       bad)
    # An unknown metric for a sweep's scatter plot and Pareto front.
    expect_input_error(cssim, [sweep_db, "-o", out, "--scatter", "foo:cycles"],
                       ["--scatter", "foo"], [out, plots], bad)
    expect_input_error(cssim, [sweep_db, "-o", out, "--metric", "cycles:up"], ["--metric"],
                       [out, plots], bad)
    # A plots directory holding files the report did not write is not replaced.
    foreign = os.path.join(bad, "foreign")
    os.mkdir(foreign)
    with open(os.path.join(foreign, "notes.txt"), "w") as f:
        f.write("mine\n")
    expect_input_error(cssim, [one, "-o", out, "--plots", foreign], ["notes.txt"], [out], bad)
    check(os.listdir(foreign) == ["notes.txt"], "the foreign plots directory was touched")
    # cssim run --report needs --out; a missing interpreter is named before any simulation.
    p = run([cssim, "run", "--mode", "dense", "--report"], want_rc=2)
    check("--report" in p.stderr and "--out" in p.stderr, p.stderr)
    env = dict(os.environ, CSSIM_PYTHON=os.path.join(bad, "no-python"))
    p = subprocess.run([cssim, "run", "--mode", "dense", "--out", os.path.join(bad, "r"),
                        "--report"], env=env, capture_output=True, text=True, timeout=60)
    check(p.returncode == 2 and "no-python" in p.stderr and p.stdout == "",
          f"a missing python: exit {p.returncode}: {p.stderr}")
    check(not os.path.exists(os.path.join(bad, "r")), "a run without its report's python ran")
    print("report: bad input gives one line naming the file and key, exit 2, nothing written")


def check_browser(reports):
    for label, report, _, plots in reports:
        pngs = [f for f in os.listdir(plots) if f.endswith(".png")]
        p = subprocess.run([PYTHON, os.path.join(HERE, "browser_test.py"), "--report", report,
                            "--expect-images", str(len(pngs)), "--screenshot",
                            os.path.join(os.path.dirname(report), f"screenshot-{label}.png")],
                           capture_output=True, text=True, timeout=300)
        sys.stdout.write(p.stdout)
        if p.returncode == 77:  # browser_test.py printed its SKIPPED line
            sys.exit(77)
        if p.returncode != 0:
            raise Failure(f"browser: {label}: {p.stdout}{p.stderr}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cssim", required=True)
    ap.add_argument("--browser", action="store_true")
    ap.add_argument("--keep", help="make the sources and reports here and keep them")
    args = ap.parse_args()
    cssim = os.path.abspath(args.cssim)
    tmp = args.keep or tempfile.mkdtemp(prefix="cssim-report-test-")
    os.makedirs(tmp, exist_ok=True)
    try:
        reports = make_sources(cssim, tmp)
        if args.browser:
            check_browser(reports)
        else:
            check_tables(reports)
            check_pareto_matches_cssim(cssim, tmp, os.path.dirname(reports[2][2]))
            check_unmerged_wal(cssim, tmp, reports[2][2])
            check_determinism(cssim, tmp, reports[1][2])
            check_bad_input(cssim, tmp, reports[1][2], reports[2][2])
    except Failure as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
