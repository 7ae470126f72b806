"""The HTML report in a real browser: Debian's headless Chromium driven by
Playwright (no browser download: we point Playwright at the system binary).

Runs in CI (scripts/setup.sh installs chromium).  Skipped only on a developer
machine without chromium; with CI set, a missing browser is a failure."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from provenance.report import html

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
from conftest import report_fixtures as fixtures  # noqa: E402


def find_chromium() -> str | None:
    # Debian's /usr/bin/chromium is a shell wrapper; the real binary is preferred.
    for candidate in (os.environ.get("PROVENANCE_CHROMIUM"), "/usr/lib/chromium/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _unavailable(why: str):
    if os.environ.get("CI"):
        pytest.fail(f"{why}; CI must run the browser tests (scripts/setup.sh installs them)")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser():
    exe = find_chromium()
    if exe is None:
        _unavailable("no chromium binary found")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--disable-gpu"])
        yield b
        b.close()


class Watch:
    """Everything a page does that we want to see: console, errors, dialogs, requests."""

    def __init__(self, page):
        self.console, self.errors, self.dialogs, self.requests = [], [], [], []
        page.on("console", lambda m: self.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)
        page.on("request", lambda r: self.requests.append(r.url))

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def _open(browser, tmp_path, report, name="report.html", **context):
    path = tmp_path / name
    path.write_text(html.render(report), encoding="utf-8")
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(path.as_uri())
    return page, watch, path


def _in_view(page, selector: str, container: str) -> bool:
    return page.evaluate(
        """([sel, cont]) => {
            const el = document.querySelector(sel), box = document.querySelector(cont);
            const r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
            return r.bottom > Math.max(b.top, 0) && r.top < Math.min(b.bottom, window.innerHeight);
        }""", [selector, container])


def test_click_statement_highlights_its_evidence(browser, tmp_path):
    report = fixtures.altered_report()
    page, watch, _ = _open(browser, tmp_path, report, viewport={"width": 1280, "height": 800})
    # The hedge statement's evidence is far down the source: it starts out of view.
    vi = 3
    e = report.verdicts[vi].evidence[0]
    best = f"#source-text .evb-{vi}"
    assert page.locator(best).count() >= 1
    assert page.locator(f"{best}.focus-best").count() == 0
    page.click(f"#s{vi + 1}")
    page.wait_for_function(
        "sel => { const el = document.querySelector(sel); const r = el.getBoundingClientRect();"
        " const b = document.querySelector('#source-text').getBoundingClientRect();"
        " return r.top >= b.top - 1 && r.bottom <= b.bottom + 1 && r.top >= 0 && r.bottom <= innerHeight; }",
        arg=best, timeout=5000)
    lit = page.eval_on_selector_all(".focus-best", "els => els.map(e => [e.dataset.start, e.dataset.end, e.textContent])")
    assert lit[0][0] == str(e.start) and lit[-1][1] == str(e.end)
    assert "".join(t for _, _, t in lit) == report.source.text[e.start:e.end]
    assert page.get_attribute(f"#s{vi + 1}", "aria-pressed") == "true"
    assert "Statement 4: altered." in page.text_content("#live")
    # Emphasis is visible, not just a class: the computed background changed.
    bg = page.eval_on_selector(".focus-best", "el => getComputedStyle(el).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")
    page.screenshot(path=str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").stat().st_size > 10_000
    # Selecting another statement moves the emphasis.
    page.click("#s2")
    assert page.locator(f"{best}.focus-best").count() == 0
    assert page.locator("#source-text .evb-1.focus-best").count() >= 1
    assert page.get_attribute(f"#s{vi + 1}", "aria-pressed") == "false"
    # Our CSP hashes match: the style applied and the script ran with no violation reported.
    assert not watch.errors
    assert not [t for kind, t in watch.console if kind == "error"], watch.console
    assert watch.requests == [page.url], "a self-contained report requests nothing but itself"


def test_keyboard_only(browser, tmp_path):
    page, watch, _ = _open(browser, tmp_path, fixtures.altered_report(), viewport={"width": 1280, "height": 800})
    # Tab from the top of the page until a statement has focus.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('stmt')"):
            break
    else:
        pytest.fail("no statement reachable with Tab")
    first = page.evaluate("document.activeElement.id")
    page.keyboard.press("Enter")
    n = int(first[1:]) - 1
    assert page.locator(f"#source-text .evb-{n}.focus-best").count() >= 1
    page.keyboard.press("Tab")
    second = page.evaluate("document.activeElement.id")
    assert second == f"s{n + 2}"
    page.keyboard.press(" ")
    assert page.locator(f"#source-text .evb-{n + 1}.focus-best").count() >= 1
    assert page.locator(f"#source-text .evb-{n}.focus-best").count() == 0
    # Space selected the statement instead of scrolling the page away.
    assert page.get_attribute(f"#{second}", "aria-pressed") == "true"
    focus_outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_outline != "none", "keyboard focus must be visible"
    assert not watch.errors


def test_phone_width(browser, tmp_path):
    page, watch, _ = _open(browser, tmp_path, fixtures.altered_report(), viewport={"width": 375, "height": 740},
                           is_mobile=True, has_touch=True, device_scale_factor=2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scrolling at phone width"
    summary = page.locator(".pane-summary").bounding_box()
    source = page.locator(".pane-source").bounding_box()
    assert source["y"] >= summary["y"] + summary["height"], "the columns stack on a phone"
    page.tap("#s2")
    page.wait_for_function("() => { const r = document.querySelector('.evb-1').getBoundingClientRect();"
                           " return r.top >= 0 && r.bottom <= innerHeight; }", timeout=5000)
    page.screenshot(path=str(tmp_path / "phone.png"))
    assert not watch.errors


def test_print_shows_everything(browser, tmp_path):
    page, _, _ = _open(browser, tmp_path, fixtures.altered_report())
    page.emulate_media(media="print")
    assert page.eval_on_selector("#source-text", "el => getComputedStyle(el).maxHeight") == "none"
    pdf = page.pdf(path=str(tmp_path / "report.pdf"))
    assert pdf[:4] == b"%PDF"


def test_the_watch_sees_script_that_does_run(browser, tmp_path):
    """Control for the hostile test: on a page without our escaping, the same
    observers do catch a dialog and a console marker, so silence means something."""
    path = tmp_path / "control.html"
    path.write_text("<!DOCTYPE html><p>x</p><script>console.log('PWNED-control');alert('PWNED-control')</script>",
                    encoding="utf-8")
    page = browser.new_page()
    watch = Watch(page)
    page.goto(path.as_uri())
    page.wait_for_timeout(200)
    assert watch.dialogs == ["PWNED-control"]
    assert ("log", "PWNED-control") in watch.console


def test_hostile_content_does_not_execute(browser, tmp_path):
    report = fixtures.hostile_report()
    page, watch, _ = _open(browser, tmp_path, report, viewport={"width": 1280, "height": 800})
    # Poke everything a reader might: select each statement, hover and press Enter on every link-like thing.
    for i in range(len(report.verdicts)):
        page.click(f"#s{i + 1}")
    for el in page.query_selector_all("#summary-text *, #source-text *, .facts *"):
        try:
            el.hover(timeout=200)
        except Exception:  # noqa: BLE001 - hidden anchors cannot be hovered; that is fine
            pass
    page.wait_for_timeout(300)
    assert watch.dialogs == []
    assert not [t for _, t in watch.console if "PWNED" in t], watch.console
    assert not watch.errors
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 1
    assert page.evaluate("document.querySelectorAll('img, svg, iframe, textarea, object, embed').length") == 0
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
    assert all(h.startswith("#") or h.startswith(("http://", "https://")) for h in hrefs), hrefs
    # The payloads are on the page, as text a reader can see.
    body = page.inner_text("body")
    assert "<script>window.__pwned=1;console.log('PWNED-script')</script>" in body
    assert "javascript:alert('PWNED-source-url')" in body
    assert watch.requests == [page.url]
    page.screenshot(path=str(tmp_path / "hostile.png"))
