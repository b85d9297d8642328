"""The offline claims page (``kronconv report``): its parts as golden strings, and the whole page
loaded from file:// by a real browser (Debian's chromium, headless) that must make no network
request and show one row per claim."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import numpy as np
import pytest
from optional import missing

from kronconv.cli import main
from kronconv.render import site

SCRIPT = textwrap.dedent('''
    import numpy as np
    from kronconv import Evidence, claim

    holds = claim("sum-of-squares", title="A sum of squares", source="algebra",
                  statement=r"\\forall x \\in \\mathbb{Z}:\\ x^2 \\geq 0", uses=[])

    @holds.check("symbolic")
    def square():
        return Evidence("symbolic", "proof", "a square is non-negative")

    wrong = claim("source-overstates", title="A source overstates", source="folklore",
                  statement=r"K_1 \\otimes K_0 = K_0 \\otimes K_1", expected="refuted")

    @wrong.check("numeric")
    def swap():
        return Evidence("numeric", "counterexample", "the factors do not commute",
                        verdict="refutes", rechecked_by="an independent engine",
                        recheck=lambda: True,
                        data={"left": np.kron([1, 2], [1, -1]).reshape(2, 2).tolist(),
                              "right": [[1, 2], [-1, -2]]})
    ''').replace(", uses=[]", "")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    missing("chromium", ".ci/run installs Debian's chromium")


@pytest.fixture(scope="module")
def page_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    (root / "mine.py").write_text(SCRIPT)
    assert main(["report", str(root / "mine.py"), "-o", str(root / "out"), "-q"]) == 0
    return root / "out"


def test_heatmap_is_a_keyed_svg() -> None:
    svg = site.heatmap_svg("K", np.array([[1, -2], [0, 3]]))
    assert svg.count("<rect") == 4 and "values -2 (blue) to 3 (red)" in svg
    assert "every entry 1" in site.heatmap_svg("ones", np.ones((2, 2), dtype=int))


@pytest.mark.parametrize(("value", "drawn"), [
    ([[1, 2], [3, 4]], True), ([1, 2, 3], True), (np.zeros((40, 3), dtype=int), False),
    ([[0.5, 1.0]], False), ("text", False), ([[1, 2], [3]], False), (7, False)])
def test_only_small_integer_arrays_become_heatmaps(value: object, drawn: bool) -> None:
    assert (site.integer_array(value) is not None) == drawn


def test_statements_are_mathml_not_source() -> None:
    assert site.mathml(r"K_1 \otimes K_0").startswith("<math")
    assert "&#x02297;" in site.mathml(r"K_1 \otimes K_0")  # the otimes sign itself


def test_page_is_self_contained(page_dir: Path) -> None:
    text = (page_dir / "index.html").read_text()
    assert "<script" not in text and "<link" not in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert text.count('class="claim-row"') == 2
    assert "<math" in text and "<svg" in text  # statements and the counterexample heatmaps


def test_a_bad_output_is_refused_before_the_claims_run(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "file").write_text("")
    assert main(["report", "-o", str(tmp_path / "file"), "-q"]) == 2
    assert "--output=" in capsys.readouterr().err


FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--disable-background-networking", "--no-first-run", "--disable-component-update",
         "--disable-sync", "--disable-features=NetworkTimeServiceQuerying",
         "--window-size=1200,1400")


def load(page: Path, scratch: Path, *extra: str) -> tuple[str, list[str]]:
    """Load a page from file:// in headless chromium: its DOM, and every URL the PAGE asked for
    that is not a file: or data: URL (from Chromium's net log; requests whose initiator is "not
    an origin" are the browser's own, such as its update checks, not the page's)."""
    netlog = scratch / "net.json"
    done = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={scratch / 'profile'}",
                           f"--log-net-log={netlog}", *extra, page.resolve().as_uri()],
                          capture_output=True, text=True, timeout=120, check=True)
    remote = sorted({event["params"]["url"] for event in json.loads(netlog.read_text())["events"]
                     if event.get("params", {}).get("initiator", "not an origin")
                     != "not an origin" and "url" in event["params"]
                     and not event["params"]["url"].startswith(("file:", "data:"))})
    return done.stdout, remote


@pytest.mark.browser
def test_chromium_renders_the_page_offline(page_dir: Path, tmp_path: Path) -> None:
    dom, remote = load(page_dir / "index.html", tmp_path, "--dump-dom")
    assert dom.count('class="claim-row"') == 2
    assert "source-overstates" in dom and "<math" in dom
    assert not remote, remote
    shot = page_dir / "screenshot.png"
    load(page_dir / "index.html", tmp_path, f"--screenshot={shot}")
    assert shot.stat().st_size > 10_000  # a real picture, not a blank page


@pytest.mark.browser
def test_the_network_check_catches_a_page_that_fetches(tmp_path: Path) -> None:
    # The wrong twin: an image from a loopback port where nothing listens (no traffic leaves).
    page = tmp_path / "fetches.html"
    page.write_text('<html><body><img src="http://127.0.0.1:9/x.png"></body></html>')
    _, remote = load(page, tmp_path, "--dump-dom")
    assert remote == ["http://127.0.0.1:9/x.png"]
