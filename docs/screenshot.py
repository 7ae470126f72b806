"""Make docs/report.png, the README's picture of a real HTML report.

    python docs/screenshot.py [SAMPLE] [STATEMENT]

Runs ``cli.py compare`` on samples/SAMPLE with the real model, opens the
report in Debian's headless chromium (through Playwright, as the browser tests
do), selects statement STATEMENT so its evidence is emphasised, and saves the
top of the page.  Re-run it when the engine's labels change.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main(sample: str = "council-budget", statement: int = 2) -> None:
    from test_browser import find_chromium
    from playwright.sync_api import sync_playwright

    d = Path("samples") / sample  # relative, so the picture does not show this machine's paths
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        subprocess.run([sys.executable, str(ROOT / "cli.py"), "compare", str(d / "summary.txt"),
                        str(d / "source.txt"), "--format", "html", "-o", str(out)], check=True, cwd=ROOT)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium())
            page = browser.new_page(viewport={"width": 1280, "height": 1180})
            page.goto(out.as_uri())
            page.click(f"#s{statement}")
            page.wait_for_timeout(800)  # the smooth scroll inside the source pane
            page.evaluate("window.scrollTo(0, 0)")  # keep the header in the picture
            page.screenshot(path=str(ROOT / "docs" / "report.png"))
            browser.close()
    print("wrote docs/report.png")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["council-budget"]), *(int(a) for a in sys.argv[2:3]))
