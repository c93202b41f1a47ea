"""The parity report as pictures and as a CI summary.

write_report(doc, path) writes the report of pytest's --pyts-report (or of
``python -m pyts check ... --report``) in the format its name asks for:

- ``*.html``: one self-contained page (no script, no external file): per
  check, the statistics of every output leaf, the localization, and an inline
  SVG chart of the relative error of every value along pyts's recorded run
  (log scale; the tolerance that judged each value as a dashed line; the
  first divergence marked);
- ``*.md``: a Markdown summary fit for a CI job summary ($GITHUB_STEP_SUMMARY);
- anything else: the JSON document itself.

doc is the JSON report: {"versions", "summary", "tests": [{"nodeid",
"outcome", "duration", "checks": [ParityResult.to_dict(), ...]}]}."""
import html
import json
import math
import os
from typing import Any, Dict, List

__all__ = ["write_report", "render_html", "render_markdown", "report_format"]


def report_format(path: str) -> str:
    """'html', 'md' or 'json', by the file's extension."""
    low = str(path).lower()
    if low.endswith((".html", ".htm")):
        return "html"
    if low.endswith((".md", ".markdown")):
        return "md"
    return "json"


def write_report(doc: Dict[str, Any], path: str) -> str:
    """Write doc to path in the format its extension names; returns it."""
    fmt = report_format(path)
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        if fmt == "html":
            f.write(render_html(doc))
        elif fmt == "md":
            f.write(render_markdown(doc))
        else:
            json.dump(doc, f, indent=1, sort_keys=False)
            f.write("\n")
    return fmt


def _num(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if x == 0 or (1e-3 <= abs(x) < 1e5):
            return "%.6g" % x
        return "%.3e" % x
    return str(x)


def _checks(doc):
    for t in doc.get("tests") or []:
        for i, c in enumerate(t.get("checks") or []):
            yield t, i, c


def _first(c) -> str:
    """One line: where the check's first divergence is."""
    loc = c.get("localization") or {}
    run = (loc.get("pyts_run") or {}).get("first_difference")
    fd = c.get("first_diverging_op") or loc.get("first_diverging_op")
    if fd:
        return "%s at %s" % (fd.get("op"), fd.get("location") or "%s:%s" % (fd.get("code_file"), fd.get("code_line")))
    if run:
        what = run.get("op") + (" .%s" % run["attribute"] if run.get("attribute") else "")
        return "%s (execution #%s) at %s:%s" % (what, run.get("execution"), run.get("code_file"), run.get("code_line"))
    return ""


# ---- the chart -----------------------------------------------------------------------------

def _chart(series: List[list], first_index, cid: str) -> str:
    """An inline SVG: relative error (log10) of every compared value along
    the run, the tolerance dashed, the first divergence marked."""
    W, H, ml, mr, mt, mb = 900, 280, 64, 16, 16, 40
    n = len(series)
    vals = [p[3] for p in series] + [p[4] for p in series]
    pos = [v for v in vals if isinstance(v, (int, float)) and v > 0 and math.isfinite(v)]
    lo = math.floor(math.log10(min(pos))) if pos else -12
    hi = math.ceil(math.log10(max(pos))) if pos else 0
    lo = max(lo, -20)
    hi = max(hi, lo + 1)

    def x(i):
        return ml + (W - ml - mr) * (i / (n - 1) if n > 1 else 0.5)

    def y(v):
        if not isinstance(v, (int, float)) or v != v:
            v = 10.0 ** lo
        if v == float("inf"):
            v = 10.0 ** hi
        lv = math.log10(v) if v > 0 else lo
        lv = min(max(lv, lo), hi)
        return mt + (H - mt - mb) * (hi - lv) / (hi - lo)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="%s" width="%d" height="%d" '
           'viewBox="0 0 %d %d" role="img" aria-label="relative error of every value along the run">' %
           (cid, W, H, W, H)]
    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="#fff" stroke="#999"/>' % (
        ml, mt, W - ml - mr, H - mt - mb))
    step = max(1, (hi - lo + 7) // 8)
    for d in range(lo, hi + 1, step):
        yy = y(10.0 ** d)
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#eee"/>' % (ml, W - mr, yy, yy))
        out.append('<text x="%d" y="%.1f" font-size="11" text-anchor="end" class="tick">1e%d</text>' % (
            ml - 4, yy + 4, d))
    out.append('<text x="%d" y="%d" font-size="12" text-anchor="middle">values compared, in execution order '
               '(%d)</text>' % ((W + ml) // 2, H - 8, n))
    out.append('<text x="14" y="%d" font-size="12" text-anchor="middle" transform="rotate(-90 14 %d)">'
               'relative error</text>' % ((H - mb + mt) // 2, (H - mb + mt) // 2))
    tol = " ".join("%.1f,%.1f" % (x(i), y(p[4])) for i, p in enumerate(series))
    err = " ".join("%.1f,%.1f" % (x(i), y(p[3])) for i, p in enumerate(series))
    out.append('<polyline class="tolerance" points="%s" fill="none" stroke="#d08000" stroke-dasharray="5,3" '
               'stroke-width="1.5"/>' % tol)
    out.append('<polyline class="error" points="%s" fill="none" stroke="#2060c0" stroke-width="1.2"/>' % err)
    if n <= 400:
        for i, p in enumerate(series):
            out.append('<circle cx="%.1f" cy="%.1f" r="2" fill="#2060c0"><title>#%d %s at %s (execution #%s): '
                       'relative error %s, tolerance %s</title></circle>' % (
                           x(i), y(p[3]), i + 1, html.escape(str(p[0])), html.escape(str(p[1])), p[2],
                           _num(p[3]), _num(p[4])))
    if first_index is not None and 0 <= first_index < n:
        p = series[first_index]
        fx, fy = x(first_index), y(p[3])
        label = "first divergence: %s at %s" % (p[0], p[1])
        anchor = "end" if fx > W / 2 else "start"
        out.append('<g class="first-divergence" id="%s-first">' % cid)
        out.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#c00000" stroke-width="2"/>' % (
            fx, fx, mt, H - mb))
        out.append('<circle cx="%.1f" cy="%.1f" r="6" fill="none" stroke="#c00000" stroke-width="2"/>' % (fx, fy))
        out.append('<text x="%.1f" y="%d" font-size="12" fill="#c00000" text-anchor="%s">%s</text>' % (
            fx + (-6 if anchor == "end" else 6), mt + 14, anchor, html.escape(label)))
        out.append('</g>')
    out.append('</svg>')
    return "\n".join(out)


# ---- HTML ------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px} h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0;font-size:13px} td,th{border:1px solid #ccc;padding:3px 7px;text-align:left}
th{background:#f3f3f3} .PASS{color:#0a7a0a;font-weight:bold} .FAIL{color:#c00000;font-weight:bold}
pre{background:#f7f7f7;padding:8px;overflow-x:auto;font-size:12px} .legend span{margin-right:16px;font-size:12px}
"""

_LEAF_COLS = [("path", "leaf"), ("passed", "passed"), ("torch_shape", "shape"), ("torch_dtype", "dtype"),
              ("numel", "numel"),
              ("mismatched", "mismatched"), ("max_abs", "max |Δ|"), ("max_rel", "max rel"),
              ("rtol", "rtol"), ("atol", "atol"), ("rule", "rule")]


def render_html(doc: Dict[str, Any]) -> str:
    """The report as one self-contained HTML page."""
    e = html.escape
    checks = list(_checks(doc))
    n_fail = sum(1 for _, _, c in checks if not c.get("ok"))
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>pyts parity report</title>", "<style>%s</style></head><body>" % _CSS,
           "<h1>pyts parity report</h1>"]
    vers = doc.get("versions") or {}
    out.append("<p>%d checks, %d failed. %s</p>" % (
        len(checks), n_fail, e(", ".join("%s %s" % kv for kv in sorted(vers.items())))))
    out.append('<table class="summary"><tr><th>test</th><th>check</th><th>verdict</th><th>model</th>'
               '<th>worst abs</th><th>worst rel</th><th>first divergence</th></tr>')
    for k, (t, i, c) in enumerate(checks):
        v = c.get("verdict") or ("PASS" if c.get("ok") else "FAIL")
        out.append('<tr><td>%s</td><td><a href="#check-%d">#%d</a></td><td class="%s">%s</td><td>%s</td>'
                   '<td>%s</td><td>%s</td><td>%s</td></tr>' % (
                       e(str(t.get("nodeid"))), k, i + 1, e(v), e(v), e("%s.%s" % (c.get("model"), c.get("method"))),
                       _num(c.get("worst_abs")), _num(c.get("worst_rel")), e(_first(c))))
    out.append("</table>")
    for k, (t, i, c) in enumerate(checks):
        v = c.get("verdict") or ("PASS" if c.get("ok") else "FAIL")
        out.append('<h2 id="check-%d">%s — check #%d: %s.%s <span class="%s">%s</span></h2>' % (
            k, e(str(t.get("nodeid"))), i + 1, e(str(c.get("model"))), e(str(c.get("method"))), e(v), e(v)))
        if c.get("stage"):
            out.append("<p>pyts could not %s the model: %s: %s</p>" % (
                e(c["stage"]), e(str(c.get("error_type"))), e(str(c.get("error")))))
        leaves = c.get("leaves") or []
        if leaves:
            out.append('<h3>output leaves</h3><table class="leaves"><tr>%s</tr>' % "".join(
                "<th>%s</th>" % e(h) for _, h in _LEAF_COLS))
            for l in leaves:
                out.append("<tr>%s</tr>" % "".join("<td>%s</td>" % e(_num(l.get(key))) for key, _ in _LEAF_COLS))
            out.append("</table>")
        loc = c.get("localization")
        if loc:
            out.append("<h3>localization</h3>")
            fd = loc.get("first_diverging_op")
            if fd:
                out.append("<p>First diverging op (lockstep, torch's inputs): <b>%s</b> at %s<br><code>%s</code></p>"
                           % (e(str(fd.get("op"))), e("%s:%s" % (fd.get("code_file"), fd.get("code_line"))),
                              e(str(fd.get("code_text") or ""))))
            run = loc.get("pyts_run") or {}
            rf = run.get("first_difference")
            if rf:
                out.append("<p>First difference in pyts's own run: <b>%s</b> (execution #%s, %s) at %s<br>"
                           "<code>%s</code></p>" % (
                               e(str(rf.get("op")) + (" .%s" % rf["attribute"] if rf.get("attribute") else "")),
                               e(str(rf.get("execution"))), e(str(rf.get("kind"))),
                               e("%s:%s" % (rf.get("code_file"), rf.get("code_line"))), e(str(rf.get("code_text") or ""))))
            out.append("<p>%s values of pyts's run recorded, %s compared with torch's; %s lockstep op executions.</p>"
                       % (_num(run.get("values_recorded")), _num(run.get("values_compared")),
                          _num(loc.get("ops_checked"))))
            if loc.get("note"):
                out.append("<p>Note: %s</p>" % e(str(loc["note"])))
            if run.get("note"):
                out.append("<p>Not compared: %s</p>" % e(str(run["note"])))
            series = run.get("series") or []
            if series:
                out.append('<h3>relative error along the run</h3><div class="legend"><span style="color:#2060c0">'
                           '&#9473; relative error (max |pyts − torch| / max |torch|)</span><span style="color:#d08000">'
                           '&#9476; tolerance</span><span style="color:#c00000">| first divergence</span></div>')
                out.append(_chart(series, run.get("first_index"), "chart-%d" % k))
        out.append("<details><summary>JSON of this check</summary><pre>%s</pre></details>" % e(
            json.dumps({kk: vv for kk, vv in c.items() if kk != "localization"}, indent=1)[:20000]))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# ---- Markdown --------------------------------------------------------------------------------

def _md(s: Any) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def render_markdown(doc: Dict[str, Any]) -> str:
    """A Markdown summary (a CI job summary)."""
    checks = list(_checks(doc))
    n_fail = sum(1 for _, _, c in checks if not c.get("ok"))
    lines = ["# pyts parity report", "",
             "%d checks, %d failed." % (len(checks), n_fail), "",
             "| test | verdict | model | leaves failing | worst abs | worst rel | first divergence |",
             "|---|---|---|---|---|---|---|"]
    for t, i, c in checks:
        v = c.get("verdict") or ("PASS" if c.get("ok") else "FAIL")
        leaves = c.get("leaves") or []
        bad = sum(1 for l in leaves if not l.get("passed"))
        lines.append("| %s | %s | %s | %d / %d | %s | %s | %s |" % (
            _md(t.get("nodeid")), "✅ PASS" if v == "PASS" else "❌ " + v, _md("%s.%s" % (c.get("model"), c.get("method"))),
            bad, len(leaves), _num(c.get("worst_abs")), _num(c.get("worst_rel")), _md(_first(c) or "-")))
    lines.append("")
    return "\n".join(lines)
