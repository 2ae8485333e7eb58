"""Tables of the cssim report: cells that carry their exact value and where it came from.

Every cell of a report table is written as
    <td data-value="EXACT" data-fmt="FMT" data-src="SRC">SHOWN</td>
so that a reader, and tb/report/report_check_test.py, can recompute it from the source without
this code (docs/report.md, "How the numbers are checked"):
  EXACT  the value before formatting: repr() of a float, str() of an int or a string
  FMT    how SHOWN was made from EXACT (format_value below): int, fN, eN, pctN, str
  SRC    an expression over references to the source:
           {dense/stats.json#/layers/3/energy_pj}   a JSON Pointer (RFC 6901) into a file,
                                                     relative to the report's source directory
           {sql:SELECT cycles FROM points WHERE ...}  a query on the sweep database: one value,
                                                     or a list of the rows' first column
           eyeriss:glb                               the Eyeriss normalised cost of a level
         combined with numbers, + - * / ( ) and the functions min, max, median, len, sum.
A cell with no SRC is a label the report itself chose (a row name such as "total").
"""

import csv
import html
import io
import math


def format_value(value, fmt):
    """SHOWN text of `value` under `fmt`: int (thousands separated), fN (N decimals, thousands
    separated), eN (scientific, N decimals), pctN (a fraction as a percentage, N decimals), str."""
    if value is None:
        return "-"
    if fmt == "str":
        return str(value)
    if fmt == "int":
        return f"{int(value):,}"
    if fmt.startswith("f"):
        return f"{float(value):,.{int(fmt[1:])}f}"
    if fmt.startswith("e"):
        return f"{float(value):.{int(fmt[1:])}e}"
    if fmt.startswith("pct"):
        return f"{100 * float(value):.{int(fmt[3:])}f} %"
    raise ValueError(f"unknown format {fmt}")


def exact(value):
    """The EXACT attribute: repr of a float keeps every digit; ints and strings as they are."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return repr(value)
    return str(value)


class Cell:
    """One table cell: its value, how it is shown, and the source expression it came from."""

    def __init__(self, value, fmt="str", src=None):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"non-finite value {value} from {src}")
        self.value = value
        self.fmt = fmt
        self.src = src

    @property
    def shown(self):
        return format_value(self.value, self.fmt)


def label(text):
    """A cell the report wrote itself (a row or group name)."""
    return Cell(text, "str", None)


class Table:
    """A titled table with a CSV twin. `columns`: header texts (units in brackets)."""

    def __init__(self, name, title, columns, caption=""):
        self.name = name  # file stem of its CSV and its HTML id
        self.title = title
        self.columns = list(columns)
        self.caption = caption
        self.rows = []
        self.attrs = {}  # more attributes of the <table> element

    def add(self, cells):
        if len(cells) != len(self.columns):
            raise ValueError(f"table {self.name}: {len(cells)} cells for {len(self.columns)} "
                             "columns")
        self.rows.append(list(cells))

    def csv_text(self):
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(self.columns)
        for row in self.rows:
            w.writerow(["" if c.value is None else exact(c.value) for c in row])
        return out.getvalue()

    def html(self):
        e = html.escape
        more = "".join(f' {k}="{e(v)}"' for k, v in sorted(self.attrs.items()))
        parts = [f'<table id="{e(self.name)}" data-csv="{e(self.name)}.csv"{more}>',
                 f"<caption>{e(self.title)}</caption>", "<thead><tr>"]
        parts += [f"<th>{e(c)}</th>" for c in self.columns]
        parts.append("</tr></thead><tbody>")
        for row in self.rows:
            parts.append("<tr>")
            for c in row:
                numeric = c.fmt != "str"
                attrs = f' data-fmt="{e(c.fmt)}"'
                if c.value is not None:
                    attrs += f' data-value="{e(exact(c.value))}"'
                if c.src is not None:
                    attrs += f' data-src="{e(c.src)}"'
                cls = ' class="num"' if numeric else ""
                parts.append(f"<td{cls}{attrs}>{e(c.shown)}</td>")
            parts.append("</tr>")
        parts.append("</tbody></table>")
        if self.caption:
            parts.append(f'<p class="caption">{e(self.caption)}</p>')
        return "".join(parts)
