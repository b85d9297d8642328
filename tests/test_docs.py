"""The README and every page of docs/ run as written.

- Python blocks (```python) of a page run in order in one namespace, as a reader would paste
  them into one session, from the project root.
- Shell blocks (```sh) run line by line (bash, comments stripped) in a scratch directory that
  sees the repository's ``proofs/`` and ``kronconv/`` (read-only use) and this virtualenv's
  ``kronconv`` as both ``kronconv`` and ``.venv/bin/kronconv``; every line must exit 0.
- A block that is not quick (the whole catalogue, ``make``) is marked on the line above its
  fence with ``<!-- not run: REASON -->``; the reason is required, and such a block is listed
  as skipped with it.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^(?:<!-- not run: (?P<reason>[^>]*?) -->\n)?```(?P<lang>[a-z]*)\n"
                   r"(?P<code>.*?)^```$", re.DOTALL | re.MULTILINE)
SHELL_TIMEOUT = 300  # seconds per command: a guard against a hang, not a performance target


def blocks(page: Path, lang: str) -> list[tuple[str, str, str]]:
    """(name, code, reason-not-run) of each block of ``lang`` on ``page``."""
    found = [m for m in FENCE.finditer(page.read_text()) if m.group("lang") == lang]
    return [(f"{page.name}#{index}", m.group("code"), m.group("reason") or "")
            for index, m in enumerate(found)]


def shell_blocks() -> list[tuple[str, str, str]]:
    return [block for page in PAGES for block in blocks(page, "sh")]


@pytest.mark.parametrize("page", [p for p in PAGES if blocks(p, "python")],
                         ids=lambda p: p.name)
def test_python_blocks_run_in_order(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "__doc_example__"}
    for where, code, reason in blocks(page, "python"):
        assert not reason, f"{where}: every Python block runs; it may not be marked 'not run'"
        exec(compile(code, where, "exec"), namespace)


def commands(code: str) -> list[str]:
    """The commands of a shell block: comments and blank lines dropped, one per line."""
    lines = (re.sub(r"(^|\s)#.*$", "", line).strip() for line in code.splitlines())
    return [line for line in lines if line]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory laid out like the project root, writes going to the scratch copy."""
    where = tmp_path_factory.mktemp("docs")
    for name in ("proofs", "kronconv", "examples"):
        (where / name).symlink_to(ROOT / name)
    (where / ".venv").symlink_to(Path(sys.executable).parent.parent)
    return where


@pytest.mark.parametrize(("where", "code", "reason"), shell_blocks(),
                         ids=[w for w, _, _ in shell_blocks()])
def test_shell_blocks_run(where: str, code: str, reason: str, scratch: Path) -> None:
    if reason:
        pytest.skip(f"{where} is marked not run: {reason}")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for line in commands(code):
        if "--pdf" in line and shutil.which("pdflatex") is None and os.environ.get("CI") != "true":
            continue  # needs pdflatex, which CI installs
        if ("--torch" in line or "kronconv import" in line or "deeplabv3.json" in line) \
                and importlib.util.find_spec("torch") is None and os.environ.get("CI") != "true":
            continue  # needs the kronconv[torch] extra, which CI installs
        done = subprocess.run(["bash", "-c", line], cwd=scratch, env=env, capture_output=True,
                              text=True, timeout=SHELL_TIMEOUT, check=False)
        assert done.returncode == 0, f"{where}: `{line}` exited {done.returncode}: {done.stderr}"


def test_the_marker_needs_a_reason_and_a_fence() -> None:
    """The convention itself: a marked block is skipped with its reason; an unmarked one runs."""
    page = "<!-- not run: takes minutes -->\n```sh\nmake verify\n```\n\n```sh\nkronconv x\n```\n"
    found = [(m.group("lang"), m.group("reason")) for m in FENCE.finditer(page)]
    assert found == [("sh", "takes minutes"), ("sh", None)]
    assert commands("a --b   # note\n\n# only a comment\nc 'd'") == ["a --b", "c 'd'"]
