#!/usr/bin/python3
"""Opens a cssim report in headless Chromium and checks it renders (ctest label `browser`).

Checks, on a copy of the HTML in a fresh temporary directory (file:// URL, no network):
  - the page holds exactly --expect-images <img> elements; each one loaded (complete,
    naturalWidth/naturalHeight > 0) and is not blank (drawn on a canvas: not (nearly) one colour);
  - no window errors, unhandled rejections or console.error/console.warn calls (a probe script
    injected into the copy wraps them) and no console message at all in Chromium's own log of
    the UNMODIFIED page (see below);
  - no request outside the page itself: every resource-timing entry, and every src/href/srcset/
    poster/data attribute, must be a data:, blob: or about: URL or a fragment of the page;
  - a full-page screenshot of the unmodified page is not blank.
The probe writes its findings as JSON into <pre id="cssim-browser-probe">, read back through
--dump-dom. Exit 0 when everything passes, 1 with one line per problem, 2 for bad command-line
input, 77 (skipped) when Chromium is missing. `--self-test` builds good and bad pages itself and
checks each bad page fails for its reason and the good one passes.

Chromium, as found on Debian 12 (Chromium 156.0.8078.129 built on Debian GNU/Linux 12), as root:
  - `--headless` (used here, as the brief's flag list says), `--headless=new` and
    `--headless=old` all run and dump the same DOM; `--no-sandbox` is required as root.
  - `--enable-logging=stderr --v=0` prints every console message as `INFO:CONSOLE:<line>]
    "<text>", source: <url> (<line>)` whatever its level (log, warn and error look alike), so
    the unmodified page must log nothing at all; levels come from the injected probe instead.
  - `--virtual-time-budget=10000` lets load handlers and image decoding finish before
    `--dump-dom` / `--screenshot`; `--hide-scrollbars --force-device-scale-factor=1` make the
    screenshot exactly --window-size; the window height is the page's scrollHeight measured by
    the probe (capped at MAX_HEIGHT).
  - Image decoding is not governed by virtual time: a probe that awaited img.decode() was
    sometimes dumped before it wrote (1 run in 8), so it runs synchronously in the load handler
    (drawImage decodes on the spot); 20 runs in a row then all gave the result.
  - The launcher prints a harmless shell warning and many dbus errors on stderr; only CONSOLE
    lines are read.

usage: browser_test.py --report FILE --expect-images N [--screenshot OUT.png] [--timeout S]
       browser_test.py --self-test
"""

import argparse
import base64
import html
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from typing import List, Optional, Tuple

SKIP = 77
TIMEOUT_S = 60
WIDTH = 1280
MAX_HEIGHT = 16000
PROBE_ID = "cssim-browser-probe"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# --host-resolver-rules: even with --disable-background-networking Chromium itself looks up
# update and account hosts; resolving every name to nothing keeps the test off the network.
EXTRA = ["--hide-scrollbars", "--force-device-scale-factor=1", "--virtual-time-budget=10000",
         "--host-resolver-rules=MAP * ~NOTFOUND"]

# Runs first in <head>: wraps the console and error hooks, then after load (and every image's
# decode) records each image and every request, and writes JSON into #cssim-browser-probe.
PROBE_JS = r"""
(function () {
  var errors = [];
  ['error', 'warn'].forEach(function (level) {
    var orig = console[level];
    console[level] = function () {
      var text = Array.prototype.map.call(arguments, String).join(' ');
      errors.push('console.' + level + ': ' + text);
      return orig.apply(console, arguments);
    };
  });
  window.addEventListener('error', function (e) {
    if (e.target && e.target !== window && e.target.tagName) {
      errors.push('failed to load <' + e.target.tagName.toLowerCase() + '> ' +
                  String(e.target.src || e.target.href || '').slice(0, 80));
    } else {
      errors.push('window error: ' + e.message);
    }
  }, true);
  window.addEventListener('unhandledrejection', function (e) {
    errors.push('unhandled rejection: ' + String(e.reason));
  });
  var requests = [];
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (en) { requests.push(en.name); });
    }).observe({type: 'resource', buffered: true});
  } catch (e) { errors.push('PerformanceObserver: ' + e); }

  function blankness(img) {
    var w = img.naturalWidth, h = img.naturalHeight;
    var c = document.createElement('canvas');
    c.width = w; c.height = h;
    var ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    var d = ctx.getImageData(0, 0, w, h).data;
    var counts = new Map();
    for (var i = 0; i < d.length; i += 4) {
      var k = (d[i] << 24 | d[i + 1] << 16 | d[i + 2] << 8 | d[i + 3]) >>> 0;
      counts.set(k, (counts.get(k) || 0) + 1);
    }
    var top = 0, topKey = 0;
    counts.forEach(function (n, k) { if (n > top) { top = n; topKey = k; } });
    var br = topKey >>> 24, bg = (topKey >>> 16) & 255, bb = (topKey >>> 8) & 255,
        ba = topKey & 255, off = 0;
    for (var j = 0; j < d.length; j += 4) {
      if (Math.abs(d[j] - br) > 16 || Math.abs(d[j + 1] - bg) > 16 ||
          Math.abs(d[j + 2] - bb) > 16 || Math.abs(d[j + 3] - ba) > 16) off++;
    }
    return {colours: counts.size, off_pixels: off, pixels: w * h};
  }

  function attrs() {
    var out = [];
    document.querySelectorAll('[src],[href],[srcset],[poster],object[data]').forEach(
      function (el) {
        if (el.tagName === 'A') return;  // a link is not a request
        ['src', 'href', 'poster', 'data'].forEach(function (a) {
          if (el.hasAttribute(a) && !(a === 'data' && el.tagName !== 'OBJECT')) {
            out.push(String(el[a] || el.getAttribute(a)).slice(0, 200));
          }
        });
        if (el.hasAttribute('srcset')) {
          el.getAttribute('srcset').split(',').forEach(function (s) {
            if (s.trim()) out.push(new URL(s.trim().split(/\s+/)[0], document.baseURI).href);
          });
        }
      });
    return out;
  }

  function finish() {
    var imgs = Array.prototype.slice.call(document.images);
    var res = imgs.map(function (img, i) {
      var r = {index: i + 1, alt: img.getAttribute('alt') || '', complete: img.complete,
               width: img.naturalWidth, height: img.naturalHeight,
               src: String(img.getAttribute('src') || '').slice(0, 60)};
      if (img.complete && img.naturalWidth > 0 && img.naturalHeight > 0) {
        try { r.blank = blankness(img); } catch (e) { r.pixel_error = String(e); }
      }
      return r;
    });
    performance.getEntriesByType('resource').forEach(function (en) { requests.push(en.name); });
    requests = requests.map(function (u) { return String(u).slice(0, 200); });
    var pre = document.createElement('pre');
    pre.id = 'PROBE_ID';
    pre.style.display = 'none';
    pre.textContent = JSON.stringify({
      images: res, errors: errors, requests: requests.concat(attrs()),
      page: location.href, height: Math.max(document.documentElement.scrollHeight,
                                            document.body ? document.body.scrollHeight : 0)});
    (document.body || document.documentElement).appendChild(pre);
  }

  // Synchronously in the load handler: by then every image has loaded or failed, and
  // drawImage decodes on the spot. (Waiting for img.decode() raced with --dump-dom: decoding
  // runs outside virtual time, so the DOM was sometimes dumped first.)
  window.addEventListener('load', finish);
})();
""".replace("PROBE_ID", PROBE_ID)


class BadInput(Exception):
    """A command-line or input-file problem: one line, exit 2."""


def find_chromium() -> Optional[str]:
    """/usr/bin/chromium, else `chromium` on PATH, else None."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def run_chromium(chromium: str, url: str, extra: List[str],
                 timeout: float = TIMEOUT_S) -> Tuple[str, str]:
    """Runs Chromium once on `url` with a fresh profile; returns (stdout, stderr).

    Kills the whole process group after `timeout` seconds (RuntimeError) and always removes
    the profile directory.
    """
    profile = tempfile.mkdtemp(prefix="cssim-chromium-profile-")
    argv = [chromium] + FLAGS + [f"--user-data-dir={profile}"] + EXTRA + extra + [url]
    try:
        # HOME and the XDG folders inside the profile: Chromium writes crash-report and cache
        # folders there, not in the user's home.
        env = dict(os.environ, HOME=profile, XDG_CONFIG_HOME=os.path.join(profile, "config"),
                   XDG_CACHE_HOME=os.path.join(profile, "cache"))
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, start_new_session=True, env=env)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            raise RuntimeError(f"chromium timed out after {timeout:g} s")
        if p.returncode != 0:
            raise RuntimeError(f"chromium exited {p.returncode}: "
                               f"{err.decode(errors='replace')[-500:]}")
        return out.decode(errors="replace"), err.decode(errors="replace")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def inject_probe(text: str) -> str:
    """The page with PROBE_JS as the first script (right after <head>, else at the start)."""
    tag = f"<script>{PROBE_JS}</script>"
    m = re.search(r"<head(\s[^>]*)?>", text, re.IGNORECASE)
    if m:
        return text[:m.end()] + tag + text[m.end():]
    m = re.search(r"<html(\s[^>]*)?>", text, re.IGNORECASE)
    if m:
        return text[:m.end()] + tag + text[m.end():]
    return tag + text


def read_probe(dom: str) -> dict:
    """The probe's JSON out of a --dump-dom."""
    m = re.search(rf'<pre id="{PROBE_ID}"[^>]*>(.*?)</pre>', dom, re.DOTALL)
    if not m:
        raise RuntimeError("the probe script wrote no result (did the page's load event fire?)")
    return json.loads(html.unescape(m.group(1)))


def is_external(url: str, page: str) -> bool:
    """True for any URL but data:, blob:, about: and the page itself (with or without #...)."""
    if url.startswith(("data:", "blob:", "about:")):
        return False
    return url.split("#")[0] != page.split("#")[0]


def image_name(img: dict) -> str:
    return f"image {img['index']}" + (f" (alt '{img['alt']}')" if img["alt"] else " (no alt)")


def blank_png(path: str) -> Optional[str]:
    """Why the PNG at `path` is blank ((nearly) one colour), or None when it is not."""
    import matplotlib.image  # Debian's python3-matplotlib
    import numpy
    a = matplotlib.image.imread(path)
    if a.ndim == 2:
        a = a[:, :, None]
    if a.dtype != numpy.uint8:
        a = (a * 255 + 0.5).astype(numpy.uint8)
    flat = a.reshape(-1, a.shape[2])
    # The background: the most common colour of every 97th pixel (a full sort of a tall
    # screenshot takes seconds); then every pixel is compared with it.
    sample = flat[::97].astype(numpy.int64)
    packed = numpy.zeros(sample.shape[0], dtype=numpy.int64)
    for c in range(sample.shape[1]):
        packed = packed * 256 + sample[:, c]
    colours, counts = numpy.unique(packed, return_counts=True)
    top = sample[numpy.flatnonzero(packed == colours[counts.argmax()])[0]].astype(numpy.int16)
    off = int((numpy.abs(flat.astype(numpy.int16) - top) > 16).any(axis=1).sum())
    if off < max(10, flat.shape[0] // 1000):
        return f"{off} of {flat.shape[0]} pixels off the background colour {tuple(top)}"
    return None


def check_page(chromium: str, report: str, expect_images: int, screenshot: Optional[str],
               timeout: float = TIMEOUT_S) -> Tuple[List[str], int]:
    """Problems found with `report` (empty when it passes) and the number of images."""
    with open(report, encoding="utf-8", errors="strict") as f:
        text = f.read()
    problems: List[str] = []
    tmp = tempfile.mkdtemp(prefix="cssim-browser-")
    try:
        plain = os.path.join(tmp, "report.html")
        probed = os.path.join(tmp, "probed.html")
        with open(plain, "w", encoding="utf-8") as f:
            f.write(text)
        with open(probed, "w", encoding="utf-8") as f:
            f.write(inject_probe(text))
        # 1. The probed copy: images, errors, requests.
        dom, _ = run_chromium(chromium, "file://" + probed, ["--dump-dom"], timeout)
        probe = read_probe(dom)
        images = probe["images"]
        if len(images) != expect_images:
            problems.append(f"{len(images)} images on the page, expected {expect_images}")
        for img in images:
            name = image_name(img)
            if not img["complete"] or img["width"] <= 0 or img["height"] <= 0:
                problems.append(f"{name}: did not load (complete={img['complete']}, "
                                f"{img['width']}x{img['height']}, src {img['src']!r})")
            elif "pixel_error" in img:
                problems.append(f"{name}: its pixels cannot be read: {img['pixel_error']}")
            else:
                b = img["blank"]
                if b["off_pixels"] < max(10, b["pixels"] // 1000):
                    problems.append(f"{name}: blank ({b['colours']} colour(s), "
                                    f"{b['off_pixels']} of {b['pixels']} pixels off the "
                                    "background)")
        for e in probe["errors"]:
            problems.append(f"page error: {e}")
        for url in sorted(set(probe["requests"])):
            if is_external(url, probe["page"]):
                problems.append(f"external request: {url[:120]}")
        # 2. The unmodified copy: Chromium's console log and the screenshot.
        shot = os.path.join(tmp, "screenshot.png")
        height = max(200, min(MAX_HEIGHT, int(probe["height"]) + 20))
        _, err = run_chromium(chromium, "file://" + plain,
                              ["--enable-logging=stderr", "--v=0",
                               f"--window-size={WIDTH},{height}", f"--screenshot={shot}"],
                              timeout)
        for line in err.splitlines():
            m = re.search(r":CONSOLE[^\]]*\] (.*)$", line)
            if m:
                problems.append(f"console (unmodified page): {m.group(1)[:200]}")
        if not os.path.isfile(shot):
            problems.append("chromium wrote no screenshot")
        else:
            why = blank_png(shot)
            if why:
                problems.append(f"screenshot is blank: {why}")
            if screenshot:
                part = screenshot + ".part"
                shutil.copyfile(shot, part)
                os.replace(part, screenshot)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # Name the copy's files relative to its (random) directory, so messages do not vary.
    return [p.replace(f"file://{tmp}/", "<page dir>/") for p in problems], len(images)


# ---------------------------------------------------------------------------------------------
# --self-test: pages built here, each bad one must fail for its reason, the good one must pass.

def png_data_uri(kind: str) -> str:
    """A PNG as a data: URI: 'plot' (a line plot), 'bars' (a bar chart) or 'white' (blank)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(4, 3), dpi=80)
    if kind == "plot":
        ax.plot([0, 1, 2, 3], [1, 3, 2, 4], marker="o")
        ax.set_title("cycles")
    elif kind == "bars":
        ax.bar(["a", "b", "c"], [3, 1, 2])
        ax.set_title("energy")
    else:
        ax.set_axis_off()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def page(body: str) -> str:
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>t</title></head>"
            f"<body><h1>cssim report</h1><p>Some text.</p>{body}</body></html>\n")


def self_test(chromium: str) -> int:
    """Runs check_page on built pages; returns the exit status."""
    plot, bars, white = png_data_uri("plot"), png_data_uri("bars"), png_data_uri("white")
    cases = [
        # (name, html, expect_images, words every one of which some problem must contain)
        ("good", page(f'<img alt="cycles" src="{plot}"><img alt="energy" src="{bars}">'),
         2, []),
        ("count", page(f'<img alt="cycles" src="{plot}"><img alt="energy" src="{bars}">'),
         3, ["2 images on the page, expected 3"]),
        ("blank", page(f'<img alt="cycles" src="{plot}"><img alt="empty" src="{white}">'),
         2, ["alt 'empty'", "blank"]),
        ("broken", page(f'<img alt="cycles" src="{plot}">'
                        '<img alt="broken" src="data:image/png;base64,iVBORw0KGgoAAAAbad==">'),
         2, ["alt 'broken'", "did not load"]),
        ("throws", page(f'<img alt="cycles" src="{plot}">'
                        '<script>throw new Error("boom in report");</script>'),
         1, ["boom in report"]),
        ("console", page(f'<img alt="cycles" src="{plot}"><script>console.error("oops")'
                         '</script>'), 1, ["console.error: oops"]),
        ("warn", page(f'<img alt="cycles" src="{plot}"><script>console.warn("hmm")</script>'),
         1, ["console.warn: hmm", "console (unmodified page): \"hmm\""]),
        ("external", page(f'<img alt="cycles" src="{plot}">'
                          '<img alt="remote" src="http://example.invalid/x.png">'),
         2, ["external request: http://example.invalid/x.png", "alt 'remote'"]),
        ("css-external", page(f'<img alt="cycles" src="{plot}">'
                              '<div style="width:50px;height:50px;'
                              'background:url(http://example.invalid/bg.png)"></div>'),
         1, ["external request: http://example.invalid/bg.png"]),
        ("other-file", page(f'<img alt="cycles" src="{plot}">'
                            '<img alt="beside" src="report-files/cycles.png">'),
         2, ["external request: <page dir>/report-files/cycles.png", "alt 'beside'",
             "did not load"]),
        ("empty", "<!DOCTYPE html>\n<html><head></head><body></body></html>\n", 0,
         ["screenshot is blank"]),
        ("hang", page(f'<img alt="cycles" src="{plot}"><script>for (;;) {{}}</script>'), 1,
         ["chromium timed out after 10 s"]),
    ]
    failed = 0
    tmp = tempfile.mkdtemp(prefix="cssim-browser-self-test-")
    try:
        for name, text, n, words in cases:
            path = os.path.join(tmp, f"{name}.html")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            try:
                problems, _ = check_page(chromium, path, n, None, 10 if name == "hang" else
                                         TIMEOUT_S)
            except RuntimeError as e:
                problems = [str(e)]
            if not words:
                ok = not problems
                why = "passes" if ok else f"fails: {problems}"
            else:
                missing = [w for w in words if not any(w in p for p in problems)]
                ok = bool(problems) and not missing
                why = (f"fails as it should ({len(problems)} problem(s))" if ok else
                       f"does not fail for {missing}: {problems}")
            print(f"self-test: {name}: {why}")
            for p in problems:
                print(f"    {p}")
            failed += not ok
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failed:
        print(f"FAIL: self-test: {failed} of {len(cases)} cases wrong")
        return 1
    print(f"self-test: all {len(cases)} cases right (the good page passes, each bad one fails)")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", help="the report's HTML file")
    ap.add_argument("--expect-images", type=int, help="how many <img> the page must hold")
    ap.add_argument("--screenshot", help="write the full-page screenshot here (PNG)")
    ap.add_argument("--timeout", type=float, default=TIMEOUT_S,
                    help=f"seconds per Chromium run (default {TIMEOUT_S})")
    ap.add_argument("--self-test", action="store_true", help="check the checker on built pages")
    args = ap.parse_args()
    if not args.self_test:
        if not args.report or args.expect_images is None:
            print("browser_test.py: --report FILE and --expect-images N are required "
                  "(or --self-test)", file=sys.stderr)
            return 2
        if args.expect_images < 0:
            print(f"browser_test.py: --expect-images: {args.expect_images}: must be >= 0",
                  file=sys.stderr)
            return 2
        if not os.path.isfile(args.report):
            print(f"browser_test.py: --report: {args.report}: no such file", file=sys.stderr)
            return 2
    chromium = find_chromium()
    if not chromium:
        print("SKIPPED: chromium is not installed (tools/setup installs it)")
        return SKIP
    if args.self_test:
        return self_test(chromium)
    try:
        problems, n = check_page(chromium, args.report, args.expect_images, args.screenshot,
                                 args.timeout)
    except UnicodeDecodeError as e:
        print(f"browser_test.py: --report: {args.report}: not UTF-8 ({e.reason})",
              file=sys.stderr)
        return 2
    except RuntimeError as e:
        print(f"FAIL: browser: {args.report}: {e}")
        return 1
    if problems:
        for p in problems:
            print(f"FAIL: browser: {args.report}: {p}")
        return 1
    shot = f"; screenshot {args.screenshot}" if args.screenshot else ""
    print(f"browser: {n} images rendered, none blank, no console errors{shot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
