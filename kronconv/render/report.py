"""Claims reports: the :class:`ClaimsReport` value (JSON for CI through
:mod:`kronconv.serialize`, HTML and LaTeX in a notebook), Markdown for docs, the terminal table."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kronconv.claims.runner import ClaimResult
from kronconv.errors import KronconvError
from kronconv.render.values import elide_literals, markdown_data


def _generated_by() -> str:
    from kronconv import __version__

    return f"kronconv {__version__}"


@dataclass(frozen=True)
class ClaimsReport:
    """The results of a run of claims; displays itself in a notebook as the claims table."""

    results: tuple[ClaimResult, ...]
    generated_by: str = ""

    @classmethod
    def of(cls, results: Sequence[ClaimResult]) -> ClaimsReport:
        return cls(tuple(results), _generated_by())

    def summary(self) -> dict[str, int]:
        return summary(self.results)

    def _repr_html_(self) -> str:
        from kronconv.render.notebook import claims_html

        return claims_html(self)

    def _repr_latex_(self) -> str:
        from kronconv.render.notebook import claims_latex

        return claims_latex(self)


def summary(results: Sequence[ClaimResult]) -> dict[str, int]:
    counts = Counter(r.status for r in results)
    return {"total": len(results), **dict(sorted(counts.items()))}


def report_json(results: Sequence[ClaimResult]) -> dict[str, Any]:
    from kronconv.serialize import to_json

    data: dict[str, Any] = to_json(ClaimsReport.of(results))
    return data


def _evidence_text(result: ClaimResult) -> str:
    kinds = sorted({e.kind for e in result.evidence})
    return ", ".join(kinds) if kinds else "-"


def table(results: Sequence[ClaimResult]) -> str:
    """A fixed-width table: id, status, evidence kinds, seconds."""
    rows = [("id", "status", "evidence", "seconds")]
    rows += [(r.claim.id, r.status, _evidence_text(r), f"{r.seconds:.2f}") for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def backing(result: ClaimResult) -> str:
    """Which tiers back the claim (with their evidence kinds) and what it rests on."""
    kinds = {tier: sorted({e.kind for e in result.evidence if e.tier == tier})
             for tier in result.tiers}
    tiers = ", ".join(f"{tier} ({', '.join(names)})" for tier, names in kinds.items()) or "-"
    rests = "; ".join(result.rests_on) or "no cited theorem and no unchecked step"
    return f"*Backed by:* {tiers}. *Rests on:* {rests}."


def report_markdown(results: Sequence[ClaimResult]) -> str:
    lines = ["# kronconv claims report", "",
             "Status: `confirmed`, `refuted` (a source's statement shown false by a re-checked "
             "counterexample), `qualified` (holds only under the stated conditions), `failed` "
             "(outcome differs from the expected one), `error`.", "",
             "| id | group | status | expected | evidence | seconds |",
             "|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| `{r.claim.id}` | {r.claim.group} | **{r.status}** | {r.claim.expected}"
                     f" | {_evidence_text(r)} | {r.seconds:.2f} |")
    for r in results:
        c = r.claim
        lines += ["", f"## `{c.id}`: {c.title}", "", f"*Source:* {c.source}. "
                  f"*Status:* **{r.status}** (expected {c.expected}).", "",
                  f"Statement: $${c.statement}$$", ""]
        if c.conditions:
            lines += [f"Precise statement: {c.conditions}", ""]
        if r.error:
            lines += [f"Error: `{_cell(r.error)}`", ""]
        lines += [backing(r), ""]
        lines += ["| tier | kind | verdict | detail | seconds |", "|---|---|---|---|---|"]
        for e in r.evidence:
            detail = e.detail
            for key in ("domain", "count", "seed", "error_bound", "rechecked_by", "rests_on"):
                value = getattr(e, key)
                if value not in ("", None, ()):
                    text = "; ".join(value) if isinstance(value, tuple) else value
                    detail += f"; {key.replace('_', ' ')}: {text}"
            lines.append(f"| {e.tier} | {e.kind} | {e.verdict} | "
                         f"{_cell(elide_literals(detail)[0])} | {e.seconds:.3f} |")
        for e in r.evidence:  # counterexample arrays as small tables, not reprs
            if e.data and (e.kind == "counterexample" or e.verdict != "supports"):
                lines += ["", f"Data of the {e.tier} {e.kind}:", *markdown_data(e.data)]
    return "\n".join(lines) + "\n"


def write_text(path: str | Path, text: str) -> Path:
    """Write a report, creating parent directories; one clear error if that is impossible."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise KronconvError(f"output={str(path)!r} cannot be written: {exc.strerror}") from exc
    return target


def write_reports(results: Sequence[ClaimResult], json_path: str | Path | None,
                  markdown_path: str | Path | None) -> None:
    if json_path:
        write_text(json_path, json.dumps(report_json(results), indent=2) + "\n")
    if markdown_path:
        write_text(markdown_path, report_markdown(results))
