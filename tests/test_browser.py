"""The reader's report in a real browser: Debian's headless Chromium, network cut off.

No browser automation library: Chromium's own ``--dump-dom`` (the DOM after scripts ran),
``--screenshot`` and ``--log-net-log`` (every request the network stack saw). Requests the *page*
made are told apart from Chromium's own background calls by their initiator: the page's carry
the file:// origin, the browser's say "not an origin". A control page that does load a remote
image proves the check can fail.

The screenshot is saved as ``screenshot.png`` in the seed run folder and copied to
``reports/test-artifacts/browser/screenshot.png`` (git-ignored); its path is printed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from analysis import report

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PROJECT = Path(__file__).resolve().parents[1]
ARTIFACT_DIR = PROJECT / "reports" / "test-artifacts" / "browser"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason="Debian chromium is not installed (/usr/bin/chromium); `make system-deps` installs it"),
]


def _chromium(url: str, tmp: Path, *extra: str, timeout_s: int = 90) -> tuple[str, list[dict]]:
    """Run headless Chromium offline on ``url``; return (stdout, URL_REQUEST_START_JOB params)."""
    profile, netlog = tmp / "profile", tmp / "netlog.json"
    cmd = [CHROMIUM, *report.chromium_flags(str(profile)),
           "--proxy-server=127.0.0.1:9",  # belt and braces: a request that escaped DNS still goes nowhere
           f"--log-net-log={netlog}", "--net-log-capture-mode=Everything",
           "--virtual-time-budget=5000", *extra, url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    assert proc.returncode == 0, proc.stderr[-2000:]
    log = json.loads(netlog.read_text(encoding="utf-8"))
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    starts = [e.get("params", {}) for e in log["events"] if names.get(e["type"]) == "URL_REQUEST_START_JOB"]
    return proc.stdout, [p for p in starts if "url" in p]


def page_requests(starts: list[dict]) -> list[str]:
    """URLs off the file that the page itself asked for (not Chromium's own background calls)."""
    return sorted(p["url"] for p in starts
                  if (p.get("initiator") != "not an origin" or "file://" in p.get("network_isolation_key", ""))
                  and not p["url"].startswith(("file:", "data:", "blob:", "about:", "chrome:")))


def test_network_check_catches_a_page_that_loads_something(tmp_path: Path) -> None:
    page = tmp_path / "leaky.html"
    page.write_text('<html><body><img src="https://leak.invalid/pixel.png">'
                    '<script>fetch("https://leak.invalid/beacon")</script></body></html>', encoding="utf-8")
    _, starts = _chromium(page.as_uri(), tmp_path, "--dump-dom")
    assert page_requests(starts) == ["https://leak.invalid/beacon", "https://leak.invalid/pixel.png"]


@pytest.mark.slow
def test_report_renders_offline_without_a_single_request(seed_run: Path, tmp_path: Path) -> None:
    from selectolax.lexbor import LexborHTMLParser

    dom, starts = _chromium((seed_run / "report.html").as_uri(), tmp_path, "--dump-dom")
    assert page_requests(starts) == []
    tree = LexborHTMLParser(dom)
    assert "nr-js" in (tree.css_first("html").attributes.get("class") or "")  # our script ran
    ids = {n.attributes.get("id") for n in tree.css("[id]")}
    for anchor, title in report.SECTIONS:
        heading = tree.css_first(f"#{anchor}")
        assert anchor in ids and heading is not None and heading.text().strip() == title
    headers = tree.css("table.nr-sortable thead th")
    assert headers and all(h.attributes.get("tabindex") == "0" for h in headers)
    assert tree.css("figure.nr-figure img") and tree.css("details.nr-evidence")


@pytest.mark.slow
def test_reviewer_page_renders_offline_without_a_single_request(seed_run: Path, tmp_path: Path) -> None:
    """Every page the product writes is checked, not only the reader's (issue #16 item 2)."""
    dom, starts = _chromium((seed_run / "report-reviewer.html").as_uri(), tmp_path, "--dump-dom")
    assert page_requests(starts) == []
    assert "(reviewer)" in dom and dom.count("jp-CodeCell") >= 5  # the notebooks with their code


_PROBE = r"""
<script>
window.addEventListener('load', function () {
  var out = {};
  var table = document.getElementById('articles-table');
  var heads = table.tHead.rows[0].cells, idx = -1;
  for (var i = 0; i < heads.length; i++) { if (heads[i].textContent.trim() === 'words') { idx = i; } }
  function column() {
    return Array.prototype.map.call(table.tBodies[0].rows, function (r) { return Number(r.cells[idx].textContent); });
  }
  out.before = column();
  heads[idx].click(); out.asc = column(); out.ariaAsc = heads[idx].getAttribute('aria-sort');
  heads[idx].click(); out.desc = column(); out.ariaDesc = heads[idx].getAttribute('aria-sort');
  var box = document.querySelector('input.nr-filter');
  if (box) {
    var rows = document.getElementById(box.getAttribute('data-table')).tBodies[0].rows;
    function visible() { return Array.prototype.filter.call(rows, function (r) { return r.style.display !== 'none'; }).length; }
    out.total = rows.length;
    box.value = 'zzqq-no-such-text'; box.dispatchEvent(new Event('input')); out.none = visible();
    out.counter = document.getElementById(box.getAttribute('data-count')).textContent;
    box.value = rows[0].cells[0].textContent.trim(); box.dispatchEvent(new Event('input')); out.some = visible();
    box.value = ''; box.dispatchEvent(new Event('input')); out.all = visible();
  }
  var pre = document.createElement('pre'); pre.id = 'nr-probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


@pytest.mark.slow
def test_tables_sort_and_filter_in_the_browser(seed_run: Path, tmp_path: Path) -> None:
    from selectolax.lexbor import LexborHTMLParser

    page = tmp_path / "probe.html"
    page.write_text((seed_run / "report.html").read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"),
                    encoding="utf-8")
    dom, starts = _chromium(page.as_uri(), tmp_path, "--dump-dom")
    assert page_requests(starts) == []
    out = json.loads(LexborHTMLParser(dom).css_first("#nr-probe").text())
    assert out["asc"] == sorted(out["before"]) and out["desc"] == sorted(out["before"], reverse=True)
    assert (out["ariaAsc"], out["ariaDesc"]) == ("ascending", "descending")
    assert out["none"] == 0 and out["counter"] == f"0 of {out['total']} rows"
    assert 1 <= out["some"] <= out["total"] and out["all"] == out["total"]


@pytest.mark.slow
def test_screenshot_of_the_report(seed_run: Path, tmp_path: Path) -> None:
    from PIL import Image

    shot = seed_run / "screenshot.png"
    _, starts = _chromium((seed_run / "report.html").as_uri(), tmp_path, f"--screenshot={shot}",
                          "--window-size=1280,2200", "--hide-scrollbars")
    assert page_requests(starts) == []
    with Image.open(shot) as img:
        assert img.size == (1280, 2200)
        colours = img.convert("RGB").resize((64, 110)).getcolors(64 * 110)
    assert colours is not None and len(colours) > 20  # a rendered page, not a blank one
    ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
    kept = ARTIFACT_DIR / "screenshot.png"
    shutil.copy(shot, kept)
    print(f"browser screenshot: {kept}")


def _phone_frame(report_html: str, width_px: int = 390) -> str:
    """A page holding the report in a ``width_px``-wide frame: headless Chromium will not make its window
    narrower than 500 px, but a frame is a viewport of its own (its media queries see ``width_px``). The
    frame's ``srcdoc`` keeps the parent's origin, so the probe can measure inside it."""
    import html as _html

    return (f'<html><body style="margin:0"><iframe id="phone" style="border:0;width:{width_px}px;height:844px" '
            f'srcdoc="{_html.escape(report_html, quote=True)}"></iframe>' + _PHONE_PROBE + "</body></html>")


_PHONE_PROBE = r"""
<script>
window.addEventListener('load', function () {
  var frame = document.getElementById('phone'), win = frame.contentWindow, doc = win.document.documentElement;
  var wide = [];
  Array.prototype.forEach.call(win.document.querySelectorAll('main *, body > *'), function (n) {
    var r = n.getBoundingClientRect();
    if (r.right > win.innerWidth + 1 && !n.closest('.nr-tablewrap') && win.getComputedStyle(n).display !== 'none') {
      wide.push(n.tagName + '.' + n.className + ' ' + Math.round(r.right));
    }
  });
  var pre = document.createElement('pre'); pre.id = 'nr-probe';
  pre.textContent = JSON.stringify({scrollWidth: doc.scrollWidth, innerWidth: win.innerWidth, wide: wide.slice(0, 10),
                                    js: doc.classList.contains('nr-js')});
  document.body.appendChild(pre);
});
</script>
"""


@pytest.mark.slow
def test_report_fits_a_phone_screen(seed_run: Path, tmp_path: Path) -> None:
    """At 390 px (a phone) the page never scrolls sideways: wide tables scroll inside their own box."""
    from PIL import Image
    from selectolax.lexbor import LexborHTMLParser

    page = tmp_path / "phone.html"
    page.write_text(_phone_frame((seed_run / "report.html").read_text(encoding="utf-8")), encoding="utf-8")
    dom, starts = _chromium(page.as_uri(), tmp_path, "--dump-dom")
    assert page_requests(starts) == []
    out = json.loads(LexborHTMLParser(dom).css_first("#nr-probe").text())
    assert out["innerWidth"] == 390 and out["js"]
    assert out["scrollWidth"] <= out["innerWidth"], out["wide"]
    shot = tmp_path / "phone.png"
    _chromium(page.as_uri(), tmp_path / "shot", f"--screenshot={shot}", "--window-size=500,844", "--hide-scrollbars")
    ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
    with Image.open(shot) as img:
        phone = img.crop((0, 0, 390, 844))
        colours = phone.convert("RGB").resize((39, 84)).getcolors(39 * 84)
        assert colours is not None and len(colours) > 10
        phone.save(ARTIFACT_DIR / "phone.png")
    print(f"phone screenshot: {ARTIFACT_DIR / 'phone.png'}")


_SIDE_BY_SIDE_PROBE = r"""
<script>
window.addEventListener('load', function () {
  var a = document.getElementById('nr-sbs-a'), b = document.getElementById('nr-sbs-b');
  var body = document.getElementById('nr-sbs-table').tBodies[0], out = {first: body.rows.length};
  function kinds() { return Array.prototype.map.call(body.rows, function (r) { return r.className; }); }
  a.value = '1'; a.dispatchEvent(new Event('change'));
  b.value = '0'; b.dispatchEvent(new Event('change'));
  out.swapped = kinds();
  out.cells = Array.prototype.map.call(body.rows, function (r) { return [r.cells[0].textContent, r.cells[2].textContent]; });
  out.diffs = body.querySelectorAll('del.qd-del, ins.qd-ins').length;
  out.links = body.querySelectorAll('a[href="#coverage"]').length;
  b.value = '1'; b.dispatchEvent(new Event('change'));
  out.same = body.rows.length; out.message = document.getElementById('nr-sbs-count').textContent;
  var pre = document.createElement('pre'); pre.id = 'nr-probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


@pytest.mark.slow
def test_side_by_side_picks_any_two_articles(seed_run: Path, tmp_path: Path) -> None:
    """Choosing two articles in the selects lays their sentences side by side in each article's order."""
    from selectolax.lexbor import LexborHTMLParser

    html = (seed_run / "report.html").read_text(encoding="utf-8")
    page = tmp_path / "sbs.html"
    page.write_text(html.replace("</body>", _SIDE_BY_SIDE_PROBE + "</body>"), encoding="utf-8")
    dom, starts = _chromium(page.as_uri(), tmp_path, "--dump-dom")
    assert page_requests(starts) == []
    out = json.loads(LexborHTMLParser(dom).css_first("#nr-probe").text())
    assert out["first"] > 0  # the default pair is drawn on load
    data = json.loads(LexborHTMLParser(html).css_first("#nr-sbs-data").text())
    a_sents, b_sents = data["articles"][1]["sents"], data["articles"][0]["sents"]
    kinds = set(out["swapped"])
    assert {"nr-sbs-same", "nr-sbs-a", "nr-sbs-b"} <= kinds and out["links"] > 0
    # every sentence of each article appears once, in the article's own order
    left = [a for a, _ in out["cells"] if a]
    right = [b for _, b in out["cells"] if b]
    assert left == a_sents and right == b_sents
    assert out["same"] == 0 and out["message"] == "Pick two different articles."


@pytest.mark.slow
def test_screenshots_of_the_new_views(seed_run: Path, tmp_path: Path) -> None:
    """Screenshots of "Outlets at a glance" and "Side by side" (for the README; kept in the artifacts folder)."""
    from PIL import Image

    html = (seed_run / "report.html").read_text(encoding="utf-8")
    ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
    for anchor, size in (("overview", "1100,1300"), ("side-by-side", "1100,1100")):
        page = tmp_path / f"{anchor}.html"
        # everything before the section's heading is removed (a headless screenshot does not follow a scroll)
        page.write_text(html.replace("</body>", "<script>window.addEventListener('load', function () {"
                                                f"var n = document.getElementById('{anchor}');"
                                                "while (n && n !== document.body) {"
                                                "  while (n.previousElementSibling && n.previousElementSibling.tagName !== 'STYLE') {"
                                                "    n.parentNode.removeChild(n.previousElementSibling); }"
                                                "  n = n.parentNode; }"
                                                "});</script></body>"), encoding="utf-8")
        shot = tmp_path / f"{anchor}.png"
        _, starts = _chromium(page.as_uri(), tmp_path / anchor, f"--screenshot={shot}", f"--window-size={size}",
                              "--hide-scrollbars")
        assert page_requests(starts) == []
        with Image.open(shot) as img:
            colours = img.convert("RGB").resize((55, 65)).getcolors(55 * 65)
        assert colours is not None and len(colours) > 20
        shutil.copy(shot, ARTIFACT_DIR / f"{anchor}.png")
        print(f"screenshot: {ARTIFACT_DIR / f'{anchor}.png'}")


_PRINT_LINES_PROBE = r"""
<script>
window.addEventListener('load', function () {
  var out = [];
  document.querySelectorAll('table.nr-table tbody tr').forEach(function (tr) {
    var cell = tr.cells[0], range = document.createRange();
    range.selectNodeContents(cell);
    var tops = {};
    Array.prototype.forEach.call(range.getClientRects(), function (r) { tops[Math.round(r.top)] = 1; });
    out.push([cell.textContent, Object.keys(tops).length]);
  });
  var pre = document.createElement('pre'); pre.id = 'nr-probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def test_printed_outlet_names_are_not_broken_inside_words(tmp_path: Path) -> None:
    """The per-actor table (seven columns) as printed on A4: an outlet name breaks only between words,
    never "Kyiv / Indep / enden / t (via / SOFX)" (the seeds PDF did, five lines a row)."""
    from selectolax.lexbor import LexborHTMLParser

    from analysis.report.stance_measures import measures_table_html

    outlets = ["Kyiv Independent (via SOFX)", "US republisher (unknown)", "The National", "AAP"]
    measures = pd.DataFrame({"target": "Vladimir Putin", "outlet": outlets, "framing": [0.34, 0.31, 0.53, 0.46],
                             "framing_low": -0.03, "framing_high": 0.56, "framing_sentences": 11,
                             "framing_label": "supportive", "portrayal": -0.01, "portrayal_low": -0.28,
                             "portrayal_high": 0.3, "portrayal_sentences": 10, "portrayal_label": "neutral"})
    page = (f"<html><head><style>{report.READER_CSS}</style></head><body><main>"
            + measures_table_html(measures, "Vladimir Putin", "stance-measures-0") + "</main></body></html>")
    # the print rules applied on screen, in a window as wide as A4's printable width (186 mm)
    printed = report.print_version(page, evidence="top").replace("@media print", "@media all")
    path = tmp_path / "printed.html"
    path.write_text(printed.replace("</body>", _PRINT_LINES_PROBE + "</body>"), encoding="utf-8")
    dom, _ = _chromium(path.as_uri(), tmp_path, "--dump-dom", "--window-size=703,1000")
    lines = dict(json.loads(LexborHTMLParser(dom).css_first("#nr-probe").text()))
    assert set(lines) == set(outlets)
    assert all(n <= len(name.split()) for name, n in lines.items()), lines  # a line break only between words


_ROW_HEIGHTS_PROBE = r"""
<script>
window.addEventListener('load', function () {
  var cells = document.querySelector('table.nr-sbs tbody tr').cells;
  var out = Array.prototype.map.call(cells, function (c) { return c.firstElementChild.getBoundingClientRect().height; });
  var pre = document.createElement('pre'); pre.id = 'nr-probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def test_printed_side_by_side_gives_a_reworded_quote_room(tmp_path: Path) -> None:
    """On paper a reworded quote's word diff sits in the middle column; at a sixth of the width it ran
    to twenty lines beside two-line sentences (the seeds' side-by-side took 2.5 of 12 pages)."""
    from selectolax.lexbor import LexborHTMLParser

    a = "We agree with the proposals to cease hostilities, Putin told reporters at a news conference."
    b = "We agree with the proposal to cease hostilities but we have to bear in mind that this ceasefire must last."
    diff = report.word_diff_html(a, b)
    row = (f'<tr class="nr-sbs-quote"><td><div>{report.esc(a)}</div></td><td class="nr-sbs-kind"><div>reworded quote '
           f'{diff}</div></td><td><div>{report.esc(b)}</div></td></tr>')
    page = (f"<html><head><style>{report.READER_CSS}</style></head><body><main><table class=\"nr-table nr-sbs\">"
            f"<tbody>{row}</tbody></table></main></body></html>")
    printed = report.print_version(page, evidence="top").replace("@media print", "@media all")
    path = tmp_path / "sbs.html"
    path.write_text(printed.replace("</body>", _ROW_HEIGHTS_PROBE + "</body>"), encoding="utf-8")
    dom, _ = _chromium(path.as_uri(), tmp_path, "--dump-dom", "--window-size=703,1000")
    left, middle, right = json.loads(LexborHTMLParser(dom).css_first("#nr-probe").text())
    assert middle <= 2.5 * max(left, right), (left, middle, right)
