"""The formal engine: the catalogue's Coq proofs, compiled by ``coqc`` and audited.

:func:`prove` copies the ``.v`` sources into a temporary directory (never into the package),
refuses sources that contain ``Admitted``, ``admit``, ``Axiom`` or ``Parameter`` (outside
comments), compiles them in order under the logical root ``Kronconv``, then asks Coq for the
statement (``Check``) and the assumptions (``Print Assumptions``) of every ``Theorem``. The proof
holds for all values only if every theorem is "Closed under the global context".

coqc runs under a CPU-time limit (``RLIMIT_CPU``), not a wall-clock one, so that the verdict does
not depend on the machine's load. Coq and MathComp are optional: the core never needs them, and
without ``coqc`` :func:`prove` raises :class:`kronconv.errors.CheckSkipped`.
"""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kronconv.catalogue import COQ_SOURCES
from kronconv.errors import CheckSkipped, KronconvError

LOGICAL_ROOT = "Kronconv"
CPU_LIMIT_SECONDS = 600
CLOSED = "Closed under the global context"
FORBIDDEN = ("Admitted", "admit", "Axiom", "Axioms", "Parameter", "Parameters", "Conjecture",
             "give_up")
INSTALL_HINT = "install Coq and MathComp (Debian: apt-get install coq libcoq-mathcomp)"


class FormalError(KronconvError):
    """A Coq source was refused, failed to compile, or depends on an axiom."""


@dataclass(frozen=True)
class FormalResult:
    """What coqc established: each theorem's statement and assumptions, and at what cost."""

    theorems: dict[str, str]  # name -> statement, as Coq prints it (``Check``)
    print_assumptions: dict[str, str]  # name -> output of ``Print Assumptions``
    coqc_version: str
    cpu_seconds: float
    files: tuple[str, ...]

    @property
    def closed(self) -> bool:
        """Every theorem depends on no axiom, no admitted lemma and no parameter."""
        return all(text == CLOSED for text in self.print_assumptions.values())


def strip_comments(text: str) -> str:
    """Coq source without its (nested) comments ``(* ... *)``."""
    out, depth, i = [], 0, 0
    while i < len(text):
        pair = text[i:i + 2]
        if pair == "(*":
            depth, i = depth + 1, i + 2
        elif pair == "*)" and depth:
            depth, i = depth - 1, i + 2
        else:
            if not depth:
                out.append(text[i])
            i += 1
    return "".join(out)


THEOREM = re.compile(r"^Theorem\s+(\w+)(.*?)\.\s*$\s*^Proof\.", re.MULTILINE | re.DOTALL)


def theorems_in(text: str) -> dict[str, str]:
    """The ``Theorem`` declarations of a source: name -> its statement as written."""
    return {m.group(1): " ".join(f"Theorem {m.group(1)}{m.group(2)}.".split())
            for m in THEOREM.finditer(strip_comments(text))}


def check_source(name: str, text: str) -> None:
    """Refuse a source that admits or assumes anything (comments are ignored)."""
    for word in FORBIDDEN:
        if re.search(rf"(?<![\w'.]){word}(?![\w'])", strip_comments(text)):
            raise FormalError(f"{name} contains {word!r}: a formal proof may not admit or "
                              "assume anything (allowed: fully proved Lemma/Theorem only)")


def _sources_theorems() -> dict[str, str]:
    out: dict[str, str] = {}
    for path in COQ_SOURCES:
        out.update(theorems_in(path.read_text()))
    return out


THEOREMS: dict[str, str] = _sources_theorems()
IDENTITY_THEOREM = re.compile(r"cascade_kronecker_(\d+)d")


def dimensions(theorems: Iterable[str]) -> tuple[int, ...]:
    """The numbers of axes n for which the cascade identity is among ``theorems``
    (named ``cascade_kronecker_<n>d``), in increasing order."""
    found = (IDENTITY_THEOREM.fullmatch(name) for name in theorems)
    return tuple(sorted({int(m.group(1)) for m in found if m}))


def coqc_path() -> str | None:
    return shutil.which("coqc")


def available() -> bool:
    return coqc_path() is not None


def _limit_cpu() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_SECONDS, CPU_LIMIT_SECONDS))


def _coqc(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    executable = coqc_path()
    if executable is None:
        raise CheckSkipped(f"coqc not found: {INSTALL_HINT}")
    return subprocess.run([executable, "-q", "-Q", ".", LOGICAL_ROOT, *args], cwd=workdir,
                          capture_output=True, text=True, preexec_fn=_limit_cpu, check=False)


def _first_error(output: str) -> str:
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("Error"):
            where = next((lines[j] for j in range(index - 1, -1, -1)
                          if lines[j].startswith("File ")), "")
            return f"{where.strip()} {' '.join(lines[index:index + 4])}".strip()
    return " ".join(lines[-3:]) or "coqc failed without a message"


def compile_sources(sources: Sequence[Path], workdir: Path) -> None:
    """Check, copy and compile ``sources`` in order in ``workdir``; raise on the first failure."""
    for source in sources:
        check_source(source.name, source.read_text())
    for source in sources:
        shutil.copy(source, workdir / source.name)
        done = _coqc(workdir, source.name)
        if done.returncode != 0:
            raise FormalError(f"coqc rejected {source.name}: "
                              f"{_first_error(done.stdout + done.stderr)}")


def query(workdir: Path, modules: Sequence[str], commands: Sequence[str]) -> list[str]:
    """Run Coq ``commands`` (e.g. ``Compute ...``) after importing the compiled ``modules``;
    return each command's output (Coq's ``Redirect`` keeps them apart)."""
    lines = ["From mathcomp Require Import all_ssreflect all_algebra.",
             f"From {LOGICAL_ROOT} Require Import {' '.join(modules)}.",
             "Local Open Scope ring_scope."]
    lines += [f'Redirect "query_{i}" {command.rstrip(".")}.' for i, command in enumerate(commands)]
    (workdir / "Query.v").write_text("\n".join(lines) + "\n")
    done = _coqc(workdir, "Query.v")
    if done.returncode != 0:
        raise FormalError(f"coqc rejected the query: {_first_error(done.stdout + done.stderr)}")
    return [(workdir / f"query_{i}.out").read_text().strip() for i in range(len(commands))]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def version() -> str:
    executable = coqc_path()
    if executable is None:
        raise CheckSkipped(f"coqc not found: {INSTALL_HINT}")
    done = subprocess.run([executable, "--version"], capture_output=True, text=True, check=False)
    return " ".join(done.stdout.split("\n")[0].split()) or "unknown coqc"


def prove(sources: Sequence[Path] = COQ_SOURCES) -> FormalResult:
    """Compile ``sources`` and audit every ``Theorem`` in them (see the module docstring)."""
    coqc_version = version()
    names = [name for source in sources for name in theorems_in(source.read_text())]
    if not names:
        raise FormalError("the Coq sources declare no Theorem to audit")
    start = _children_cpu()
    with tempfile.TemporaryDirectory(prefix="kronconv-coq-") as tmp:
        workdir = Path(tmp)
        compile_sources(sources, workdir)
        commands = [c for name in names for c in (f"Check {name}", f"Print Assumptions {name}")]
        outputs = query(workdir, [s.stem for s in sources], commands)
    return FormalResult(
        theorems={name: " ".join(outputs[2 * i].split()) for i, name in enumerate(names)},
        print_assumptions={name: " ".join(outputs[2 * i + 1].split())
                           for i, name in enumerate(names)},
        coqc_version=coqc_version, cpu_seconds=_children_cpu() - start,
        files=tuple(s.name for s in sources))


def evaluate(commands: Sequence[str], sources: Sequence[Path] = COQ_SOURCES) -> list[str]:
    """Compile ``sources`` and run ``commands`` (``Compute``...) on their definitions."""
    with tempfile.TemporaryDirectory(prefix="kronconv-coq-") as tmp:
        workdir = Path(tmp)
        compile_sources(sources, workdir)
        return query(workdir, [s.stem for s in sources], commands)
