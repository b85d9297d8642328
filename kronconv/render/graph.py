"""The dependency graph of claims, as Graphviz DOT, rendered by ``dot`` at build time.

Nodes are claims (one cluster per group); an edge ``u -> c`` says claim ``c`` uses claim ``u``
(``claim(..., uses=[...])``). Ids that a claim uses but that are not among the claims drawn (for
instance catalogue lemmas cited by a user's script) are external nodes, dashed. With results,
each node is filled with its status colour and a key lists the colours that occur.

    source = dependency_dot(claims, results)   # DOT text, no Graphviz needed
    svg = render(source, "svg")                # bytes; needs Debian's graphviz (``dot``)
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence

from kronconv.claims import Claim, ClaimResult
from kronconv.errors import KronconvError, check_choice

FORMATS = ("svg", "pdf", "png")
STATUS_COLOURS = {  # fill colour, and what it means (the key)
    "confirmed": ("#b7e1a1", "confirmed: the statement holds"),
    "qualified": ("#fde68a", "qualified: holds under the stated conditions"),
    "refuted": ("#bfdbfe", "refuted: the source's statement is false (a finding)"),
    "failed": ("#fca5a5", "failed: the outcome differs from the expected one"),
    "error": ("#d4d4d4", "error: a check crashed"),
}
NOT_RUN = ("#ffffff", "not run")
DOT_TIMEOUT = 60.0  # seconds: a catalogue of ~25 claims lays out in well under one


def _quote(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _attributes(**values: str) -> str:
    return "[" + ", ".join(f"{key}={_quote(value)}" for key, value in values.items()) + "]"


def _by_id(results: Mapping[str, ClaimResult] | Iterable[ClaimResult] | None
           ) -> dict[str, ClaimResult]:
    if results is None:
        return {}
    if isinstance(results, Mapping):
        return dict(results)
    return {r.claim.id: r for r in results}


def _node(claim: Claim, result: ClaimResult | None, coloured: bool) -> str:
    fill, _ = STATUS_COLOURS.get(result.status, NOT_RUN) if result else NOT_RUN
    status = result.status if result else "not run"
    return f"    {_quote(claim.id)} " + _attributes(
        label=claim.id, tooltip=f"{claim.title} ({status})",
        style="filled,rounded" if coloured else "rounded", fillcolor=fill)


def _key(statuses: Sequence[str]) -> list[str]:
    """A cluster with one node per status that occurs: what each colour means."""
    lines = ["  subgraph cluster_key {", '    label="key"; style="dashed";']
    for status in statuses:
        fill, meaning = STATUS_COLOURS.get(status, NOT_RUN)
        lines.append(f"    {_quote('key:' + status)} " + _attributes(
            label=meaning, style="filled,rounded", fillcolor=fill))
    lines += [f"    {_quote('key:' + a)} -> {_quote('key:' + b)} [style=invis];"
              for a, b in itertools.pairwise(statuses)]
    return [*lines, "  }"]


def dependency_dot(claims: Sequence[Claim],
                   results: Mapping[str, ClaimResult] | Iterable[ClaimResult] | None = None
                   ) -> str:
    """The DOT source of the graph of ``claims`` (edges from a used claim to its user)."""
    known = {c.id for c in claims}
    by_id = _by_id(results)
    coloured = bool(by_id)
    lines = ["digraph claims {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica", '
             'fontsize=10];', '  edge [color="#555555"];']
    groups: dict[str, list[Claim]] = {}
    for item in claims:
        groups.setdefault(item.group, []).append(item)
    for index, (group, members) in enumerate(groups.items()):
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    label={_quote('group ' + group if group else 'other claims')};")
        lines += [_node(item, by_id.get(item.id), coloured) for item in members]
        lines.append("  }")
    external = sorted({u for c in claims for u in c.uses} - known)
    lines += [f"  {_quote(u)} " + _attributes(label=u, style="dashed,rounded",
                                               tooltip="not among these claims")
              for u in external]
    lines += [f"  {_quote(used)} -> {_quote(c.id)};" for c in claims for used in c.uses]
    if coloured:
        lines += _key([s for s in STATUS_COLOURS
                       if any(r.status == s for r in by_id.values())])
    return "\n".join([*lines, "}"]) + "\n"


def dot_available() -> bool:
    return shutil.which("dot") is not None


def render(dot_source: str, fmt: str) -> bytes:
    """Lay out and draw DOT source with Graphviz's ``dot`` (``svg``, ``pdf`` or ``png``)."""
    check_choice("fmt", fmt, FORMATS)
    if not dot_available():
        raise KronconvError("dot not found: the dependency graph needs Graphviz (Debian's "
                            "graphviz package, as .ci/run installs)")
    try:
        done = subprocess.run(["dot", f"-T{fmt}"], input=dot_source.encode(),
                              capture_output=True, timeout=DOT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise KronconvError(f"dot took over {DOT_TIMEOUT:g} s to lay out the graph") from None
    if done.returncode:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise KronconvError(f"dot failed: {message[0] if message else 'no message'}")
    return done.stdout
