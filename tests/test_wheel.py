"""The package ships its catalogue: a wheel built from the project holds the proof scripts and
the example architectures, so that a pip user can run `kronconv verify` and name examples."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kronconv.catalogue import ARCHITECTURES, PROOFS

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_wheel_contains_the_catalogue(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", str(ROOT),
                    "-w", str(tmp_path)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("kronconv-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"kronconv/catalogue/proofs/{p.name}" for p in PROOFS.glob("*.py")}
    shipped |= {f"kronconv/catalogue/architectures/{p.name}" for p in ARCHITECTURES.glob("*.json")}
    assert {"kronconv/catalogue/proofs/group_a.py",
            "kronconv/catalogue/architectures/vgg16.json"} <= shipped  # the probe sees files
    assert shipped <= names, sorted(shipped - names)
