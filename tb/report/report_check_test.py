#!/usr/bin/python3
"""Checks a cssim report against its source, without the generator's code (docs/report.md,
"How the numbers are checked").

For every table of the HTML: each cell's data-src expression is evaluated here from the source
(stats.json files by JSON Pointer, the sweep database by SQL, Eyeriss's published costs), and
must equal the cell's data-value (integers and strings exactly, reals to 1e-12 relative); the
shown text must be that value formatted as data-fmt says (so a swapped column or a wrong
rounding fails); numeric cells without a source are allowed only as a row's key (first column);
the table's CSV in the plots directory must hold the same header and values. A table marked
data-pareto must list exactly the done points no other done point dominates. Every <img> must
be a decodable PNG identical to its figure's .png in the plots directory, which also has its
.svg; every file there must belong to a table or a figure.

usage: report_check_test.py --report FILE --src SOURCE --plots DIR [--self-test]
  --self-test: also corrupt copies (a shown number, a data-value, a CSV row, an image) and
  require each to fail.  Exit 0: pass; 1: the first difference, named.
"""

import argparse
import ast
import base64
import csv
import html.parser
import json
import math
import os
import re
import shutil
import sqlite3
import statistics
import struct
import sys
import tempfile
import urllib.parse

EYERISS = {"mac": 1, "rf": 1, "noc": 2, "glb": 6, "dram": 200}  # Chen et al., ISCA 2016


class Mismatch(Exception):
    pass


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.images, self.figures = [], [], []
        self._cell = None
        self._in_th = False
        self.ids = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "table":
            self.tables.append({"attrs": a, "head": [], "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag == "th":
            self._in_th = True
            self.tables[-1]["head"].append("")
        elif tag == "td":
            self._cell = {"attrs": a, "text": ""}
        elif tag == "img":
            self.images.append(a)
        elif tag == "figure":
            self.figures.append(a.get("id", ""))

    def handle_endtag(self, tag):
        if tag == "td":
            self.tables[-1]["rows"][-1].append(self._cell)
            self._cell = None
        elif tag == "th":
            self._in_th = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data
        elif self._in_th:
            self.tables[-1]["head"][-1] += data


def fmt(value, f):
    """The shown text, formatted independently of the generator."""
    if value is None:
        return "-"
    if f == "str":
        return str(value)
    if f == "int":
        return "{:,}".format(int(value))
    m = re.fullmatch(r"(f|e|pct)(\d+)", f)
    if not m:
        raise Mismatch(f"unknown data-fmt {f}")
    n = int(m.group(2))
    if m.group(1) == "f":
        return ("{:,.%df}" % n).format(float(value))
    if m.group(1) == "e":
        return ("{:.%de}" % n).format(float(value))
    return ("{:.%df} %%" % n).format(100 * float(value))


class Source:
    def __init__(self, src):
        self.root = src if os.path.isdir(src) else os.path.dirname(src)
        self.db_path = src if src.endswith(".sqlite") else os.path.join(src, "sweep.sqlite")
        self.json = {}
        self.db = None

    def pointer(self, ref):
        file, _, ptr = ref.partition("#")
        if file not in self.json:
            with open(os.path.join(self.root, file)) as f:
                self.json[file] = json.load(f)
        v = self.json[file]
        for part in ptr.split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            v = v[int(part)] if isinstance(v, list) else v[part]
        return v

    def sql(self, query):
        if self.db is None:
            # immutable: a read leaves no -shm/-wal beside the database (report_test.py checks
            # that the sweep directory is unchanged, so a WAL with unmerged commits is not
            # expected here).
            uri = "file:" + urllib.parse.quote(os.path.abspath(self.db_path)) + "?immutable=1"
            self.db = sqlite3.connect(uri, uri=True)
        rows = self.db.execute(query).fetchall()
        return rows[0][0] if len(rows) == 1 else [r[0] for r in rows]


def as_list(v):
    return v if isinstance(v, list) else [v]


FUNCS = {"min": lambda *a: min(a[0] if len(a) == 1 and isinstance(a[0], list) else a),
         "max": lambda *a: max(a[0] if len(a) == 1 and isinstance(a[0], list) else a),
         "median": lambda v: statistics.median(as_list(v)),
         "len": lambda v: len(as_list(v)), "sum": lambda v: sum(as_list(v))}


def evaluate(expr, source):
    """Resolves {refs} and eyeriss: tokens, then evaluates the arithmetic (no names but FUNCS)."""
    env = {}

    def ref(m):
        name = f"_r{len(env)}"
        body = m.group(1)
        env[name] = source.sql(body[4:]) if body.startswith("sql:") else source.pointer(body)
        return name

    text = re.sub(r"\{([^{}]*)\}", ref, expr)

    def eye(m):
        name = f"_r{len(env)}"
        env[name] = EYERISS[m.group(1)]
        return name

    text = re.sub(r"eyeriss:([a-z]+)", eye, text)
    tree = ast.parse(text, mode="eval")

    def ev(n):
        if isinstance(n, ast.Expression):
            return ev(n.body)
        if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)):
            return n.value
        if isinstance(n, ast.Name) and n.id in env:
            return env[n.id]
        if isinstance(n, ast.BinOp):
            a, b = ev(n.left), ev(n.right)
            ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                   ast.Div: lambda: a / b}
            return ops[type(n.op)]()
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in FUNCS:
            return FUNCS[n.func.id](*[ev(x) for x in n.args])
        raise Mismatch(f"data-src '{expr}': unsupported {ast.dump(n)[:60]}")

    return ev(tree)


def same(got, exact):
    if isinstance(got, str):
        return got == exact
    if isinstance(got, bool):
        return str(got).lower() == exact
    want = float(exact)
    if isinstance(got, int) and re.fullmatch(r"-?\d+", exact):
        return got == int(exact)
    return math.isclose(float(got), want, rel_tol=1e-12, abs_tol=1e-300)


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise Mismatch("an image is not a PNG")
    return struct.unpack(">II", data[16:24])


def check(report, src, plots):
    with open(report, encoding="utf-8") as f:
        page = Page()
        page.feed(f.read())
    dup = sorted({i for i in page.ids if page.ids.count(i) > 1})
    if dup:
        raise Mismatch(f"the page has the id '{dup[0]}' more than once")
    source = Source(src)
    used = set()
    cells = 0
    if not page.tables:
        raise Mismatch("no tables")
    for t in page.tables:
        tid = t["attrs"].get("id", "?")
        rows = [row for row in t["rows"] if row]
        for r, row in enumerate(rows):
            if len(row) != len(t["head"]):
                raise Mismatch(f"{tid} row {r}: {len(row)} cells, {len(t['head'])} columns")
            for c, cell in enumerate(row):
                a, where = cell["attrs"], f"{tid} row {r} column '{t['head'][c]}'"
                f_ = a.get("data-fmt", "str")
                exact = a.get("data-value")
                if "data-src" in a:
                    got = evaluate(a["data-src"], source)
                    if not same(got, exact):
                        raise Mismatch(f"{where}: data-value {exact}, the source gives {got!r}")
                    if fmt(got, f_) != cell["text"]:
                        raise Mismatch(f"{where}: shows '{cell['text']}', the source gives "
                                       f"'{fmt(got, f_)}'")
                    cells += 1
                elif exact is not None:
                    if f_ != "str" and c != 0:
                        raise Mismatch(f"{where}: a number with no source")
                    if fmt(int(exact) if f_ == "int" else exact if f_ == "str" else float(exact),
                           f_) != cell["text"]:
                        raise Mismatch(f"{where}: shows '{cell['text']}' for {exact}")
        check_columns(tid, t["head"], rows)
        name = t["attrs"].get("data-csv")
        path = os.path.join(plots, name)
        used.add(name)
        with open(path, newline="") as f:
            got_rows = list(csv.reader(f))
        if got_rows[0] != t["head"]:
            raise Mismatch(f"{name}: header {got_rows[0]} != the table's {t['head']}")
        want_rows = [[cell["attrs"].get("data-value", "") for cell in row] for row in rows]
        if got_rows[1:] != want_rows:
            bad = next(i for i, (g, w) in enumerate(zip(got_rows[1:] + [[]] * len(want_rows),
                                                        want_rows)) if g != w)
            raise Mismatch(f"{name}: row {bad} differs from the table's")
        if "data-pareto" in t["attrs"]:
            check_pareto(t, rows, source)
    for img in page.images:
        src_ = img.get("src", "")
        if not src_.startswith("data:image/png;base64,"):
            raise Mismatch(f"image '{img.get('alt')}' is not an embedded PNG")
        w, h = png_size(base64.b64decode(src_.split(",", 1)[1]))
        if w == 0 or h == 0:
            raise Mismatch(f"image '{img.get('alt')}' is empty")
    if len(page.images) != len(page.figures):
        raise Mismatch(f"{len(page.images)} images in {len(page.figures)} figures")
    for fid, img in zip(page.figures, page.images):
        name = fid[len("fig-"):]
        with open(os.path.join(plots, name + ".png"), "rb") as f:
            if f.read() != base64.b64decode(img["src"].split(",", 1)[1]):
                raise Mismatch(f"{name}.png differs from the embedded figure")
        with open(os.path.join(plots, name + ".svg"), "rb") as f:
            if b"<svg" not in f.read(2000):
                raise Mismatch(f"{name}.svg is not an SVG")
        used |= {name + ".png", name + ".svg"}
    extra = sorted(set(os.listdir(plots)) - used)
    if extra:
        raise Mismatch(f"{plots} holds {extra[0]}, which no table or figure is")
    return cells, len(page.tables), len(page.images)


SINGLE_REF = re.compile(r"^\{[^{}#]+#(?:/[^{}]*)?/([^/{}]+)\}(?: \* [0-9.e+-]+)?$")


def check_columns(tid, head, rows):
    """A column holds one quantity: every number that is one stats.json value must name the same
    key (a cell moved to another column, or a mis-keyed column, fails). Key-value tables (first
    column "figure") hold one quantity per row instead."""
    if head and head[0] == "figure":
        return
    for c, title in enumerate(head):
        keys = {}
        for r, row in enumerate(rows):
            if "data-src" not in row[0]["attrs"] and row[0]["text"] == "total":
                continue  # the run's totals, under the layers' column
            if row[c]["attrs"].get("data-fmt", "str") == "str":
                continue  # text: a description per row key is fine
            m = SINGLE_REF.match(row[c]["attrs"].get("data-src", ""))
            if m:
                keys.setdefault(m.group(1), r)
        if len(keys) > 1:
            raise Mismatch(f"{tid} column '{title}' mixes quantities: {sorted(keys)}")


def check_pareto(t, rows, source):
    objectives = [o.split(":") for o in t["attrs"]["data-pareto"].split(",")]
    cols = ", ".join('"' + m + '"' for m, _ in objectives)
    points = source.db.execute(f"SELECT id, {cols} FROM points WHERE status = 'done'").fetchall()
    front = set()
    for p in points:
        if None in p[1:]:
            continue
        beaten = False
        for q in points:
            if q is p or None in q[1:]:
                continue
            ge = all((b >= a) if d == "max" else (b <= a)
                     for (m, d), a, b in zip(objectives, p[1:], q[1:]))
            if ge and tuple(q[1:]) != tuple(p[1:]):
                beaten = True
                break
        if not beaten:
            front.add(p[0])
    listed = {row[0]["text"] for row in rows}
    if listed != front:
        raise Mismatch(f"Pareto table lists {sorted(listed)}, the database's front is "
                       f"{sorted(front)}")


def corrupt_and_expect_failure(report, src, plots):
    """Each corruption of a copy must make the check fail."""
    with open(report, encoding="utf-8") as f:
        text = f.read()

    def variant(name, new_text=None, csv_edit=None, drop_file=None):
        d = tempfile.mkdtemp(prefix="cssim-check-")
        try:
            shutil.copytree(plots, os.path.join(d, "p"))
            with open(os.path.join(d, "r.html"), "w", encoding="utf-8") as f:
                f.write(new_text if new_text is not None else text)
            if csv_edit:
                path = os.path.join(d, "p", csv_edit)
                with open(path) as f:
                    lines = f.read().splitlines()
                lines[1] = lines[1].replace("1", "2", 1) if "1" in lines[1] else lines[1] + "x"
                with open(path, "w") as f:
                    f.write("\n".join(lines) + "\n")
            if drop_file:
                os.remove(os.path.join(d, "p", drop_file))
            try:
                check(os.path.join(d, "r.html"), src, os.path.join(d, "p"))
            except (Mismatch, OSError, KeyError, ValueError) as e:
                print(f"self-test: {name}: fails as it must ({str(e)[:90]})")
                return
            raise Mismatch(f"self-test: {name}: the check passed a corrupted report")
        finally:
            shutil.rmtree(d)

    m = re.search(r'(data-fmt="int" data-value="(\d+)" data-src="[^"]*">)([\d,]+)<', text)
    shown = m.group(3)
    variant("a shown integer changed",
            text[:m.start(3)] + ("9" + shown) + text[m.end(3):])
    m = re.search(r'data-fmt="f4" data-value="([^"]+)" data-src', text)
    v = float(m.group(1)) * 1.001 + 1e-9
    variant("a data-value changed", text[:m.start(1)] + repr(v) + text[m.end(1):])
    m = re.search(r'data-csv="([^"]+)"', text)
    variant("a CSV row changed", csv_edit=m.group(1))
    m = re.search(r'<figure id="fig-([^"]+)"', text)
    variant("a figure's SVG missing", drop_file=m.group(1) + ".svg")
    # Two numeric columns of one table swapped in the HTML (values and text).
    m = re.search(r"(<td class=\"num\"[^>]*>[^<]*</td>)(<td class=\"num\"[^>]*>[^<]*</td>)", text)
    variant("two cells of a row swapped",
            text[:m.start()] + m.group(2) + m.group(1) + text[m.end():])
    # A cell whose source is another column's quantity (value and text consistent with it).
    rows = [[{"attrs": {}, "text": "conv1"},
             {"attrs": {"data-fmt": "f4",
                        "data-src": "{stats.json#/layers/0/energy_by_component/glb} * 1e-06"}}],
            [{"attrs": {}, "text": "fc1"},
             {"attrs": {"data-fmt": "f4",
                        "data-src": "{stats.json#/layers/1/energy_by_component/dram} * 1e-06"}}]]
    try:
        check_columns("synthetic", ["layer", "glb [uJ]"], rows)
    except Mismatch as e:
        print(f"self-test: a cell sourced from another column: fails as it must ({e})")
    else:
        raise Mismatch("self-test: a cell sourced from another column passed")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--plots", required=True)
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    try:
        cells, tables, images = check(args.report, args.src, args.plots)
        print(f"report check: {cells} cells in {tables} tables equal their source; "
              f"{images} figures embedded, each with its PNG and SVG")
        if args.self_test:
            corrupt_and_expect_failure(args.report, args.src, args.plots)
    except Mismatch as e:
        print(f"FAIL: {args.report}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
