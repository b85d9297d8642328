"""The claims page: one self-contained HTML file that works offline (``kronconv report -o DIR``).

In the spirit of leanblueprint: every claim with its status colour, its statement as mathematics,
its evidence, its dependencies drawn as a graph, and counterexamples as small heatmaps. Nothing is
fetched: statements are pre-rendered to MathML (which browsers display natively), the graph and
the heatmaps are inline SVG, the figures inline PNG (``data:`` URLs), the style inline CSS. The
page has no script at all.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kronconv.claims.runner import ClaimResult
from kronconv.render.graph import STATUS_COLOURS

HEATMAP_LIMIT = 32  # arrays with more rows or columns are not drawn (the JSON report has them)
CELL = 9  # pixels per heatmap cell

CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; }
table.claims { border-collapse: collapse; width: 100%; }
table.claims th, table.claims td { border: 1px solid #bbb; padding: 0.3em 0.5em;
  vertical-align: top; text-align: left; }
td.status { font-weight: bold; white-space: nowrap; }
td.id { white-space: nowrap; }
div.statement { overflow-x: auto; overflow-y: hidden; max-width: 42em; }
section.claim math { overflow-x: auto; overflow-y: hidden; max-width: 100%; }
div.graph { overflow-x: auto; }
.legend span { display: inline-block; padding: 0.1em 0.5em; margin: 0.1em 0.3em 0.1em 0;
  border: 1px solid #999; }
section.claim { border-left: 0.5em solid #999; padding: 0.2em 1em; margin: 1.5em 0; }
ul.evidence li { margin: 0.3em 0; }
.meta { color: #555; font-size: 0.9em; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
svg.heatmap { border: 1px solid #999; margin: 0.3em 0.6em 0.3em 0; }
code { background: #f3f3f3; padding: 0 0.2em; }
"""


def mathml(latex: str, display: bool = True) -> str:
    """A LaTeX formula as MathML (pre-rendered; browsers show MathML without any script).
    A formula the converter cannot read is shown as LaTeX source, never dropped."""
    from latex2mathml.converter import convert

    try:
        return str(convert(latex, display="block" if display else "inline"))
    except Exception:  # the converter's errors are not typed; keep the source readable
        return f"<code>{html.escape(latex)}</code>"


def _colour(value: float, low: float, high: float) -> str:
    """Diverging blue-white-red for signed data, white-to-blue for non-negative data."""
    if high == low:
        return "#9ecae1"
    if low < 0 < high:
        t = value / max(-low, high)
        r, g, b = (255, int(255 * (1 - t)), int(255 * (1 - t))) if t > 0 else \
            (int(255 * (1 + t)), int(255 * (1 + t)), 255)
    else:
        t = (value - low) / (high - low)
        r, g, b = int(255 * (1 - t)), int(255 * (1 - 0.6 * t)), 255
    return f"#{r:02x}{g:02x}{b:02x}"


def integer_array(value: Any) -> np.ndarray | None:
    """``value`` as a 1-D or 2-D integer array small enough to draw, else None."""
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return None
    if array.dtype == object or array.ndim not in (1, 2) or array.size < 2:
        return None
    if not np.issubdtype(array.dtype, np.integer) and not np.issubdtype(array.dtype, np.bool_):
        return None
    array = np.atleast_2d(array.astype(np.int64))
    return array if max(array.shape) <= HEATMAP_LIMIT else None


def heatmap_svg(name: str, array: np.ndarray) -> str:
    """A small inline-SVG heatmap of an integer array, with its key (range) in the title."""
    rows, columns = array.shape
    low, high = int(array.min()), int(array.max())
    cells = "".join(
        f'<rect x="{j * CELL}" y="{i * CELL}" width="{CELL}" height="{CELL}" '
        f'fill="{_colour(int(array[i, j]), low, high)}"><title>{name}[{i},{j}] = '
        f'{int(array[i, j])}</title></rect>' for i in range(rows) for j in range(columns))
    key = f"{name}: {rows}×{columns}, " + (f"every entry {low}" if low == high else
                                           f"values {low} (blue) to {high} (red)"
                                           if low < 0 < high else
                                           f"values {low} (white) to {high} (blue)")
    return (f'<figure><svg class="heatmap" xmlns="http://www.w3.org/2000/svg" '
            f'width="{columns * CELL}" height="{rows * CELL}" role="img" '
            f'aria-label="{html.escape(key)}">{cells}</svg>'
            f"<figcaption class=\"meta\">{html.escape(key)}</figcaption></figure>")


def heatmaps(data: Mapping[str, Any]) -> str:
    """Every drawable integer array in an evidence's data, as heatmaps."""
    out = []
    for name, value in data.items():
        array = integer_array(value)
        if array is not None:
            out.append(heatmap_svg(str(name), array))
    return "".join(out)


def _evidence_item(evidence: Any) -> str:
    labels = [f"{key.replace('_', ' ')}: {html.escape(str(getattr(evidence, key)))}"
              for key in ("domain", "count", "seed", "error_bound", "rechecked_by")
              if getattr(evidence, key, "") not in ("", None)]
    meta = f'<div class="meta">{"; ".join(labels)}</div>' if labels else ""
    pictures = heatmaps(evidence.data) if evidence.verdict != "supports" else ""
    return (f"<li><b>{html.escape(evidence.tier)} / {html.escape(evidence.kind)}</b> "
            f"({html.escape(evidence.verdict)}): {html.escape(evidence.detail)}{meta}"
            f"{pictures}</li>")


def claim_section(result: ClaimResult) -> str:
    claim = result.claim
    colour = STATUS_COLOURS.get(result.status, ("#ddd", ""))[0]
    uses = getattr(claim, "uses", ())
    parts = [f'<section class="claim" id="{claim.id}" style="border-color: {colour}">',
             f"<h3><code>{claim.id}</code>: {html.escape(claim.title)}</h3>",
             f'<p class="meta">group {html.escape(claim.group)}; source '
             f"{html.escape(claim.source)}; status <b>{result.status}</b> (expected "
             f"{claim.expected})</p>", mathml(claim.statement)]
    if claim.conditions:
        parts.append(f"<p><b>Precise statement.</b> {html.escape(claim.conditions)}</p>")
    if uses:
        links = ", ".join(f'<a href="#{u}"><code>{u}</code></a>' for u in uses)
        parts.append(f"<p>Uses {links}.</p>")
    if result.error:
        parts.append(f"<p><b>Error.</b> <code>{html.escape(result.error)}</code></p>")
    parts.append('<ul class="evidence">' + "".join(_evidence_item(e) for e in result.evidence)
                 + "</ul></section>")
    return "\n".join(parts)


def claims_table(results: Sequence[ClaimResult]) -> str:
    rows = []
    for result in results:
        claim = result.claim
        colour = STATUS_COLOURS.get(result.status, ("#ddd", ""))[0]
        kinds = ", ".join(sorted({e.kind for e in result.evidence})) or "-"
        rows.append(f'<tr class="claim-row" data-status="{result.status}">'
                    f'<td class="id"><a href="#{claim.id}"><code>{claim.id}</code></a></td>'
                    f"<td>{html.escape(claim.group)}</td>"
                    f'<td class="status" style="background: {colour}">{result.status}</td>'
                    f'<td><div class="statement">{mathml(claim.statement, display=False)}'
                    "</div></td>"
                    f"<td>{html.escape(kinds)}</td></tr>")
    legend = "".join(f'<span style="background: {colour}">{html.escape(text)}</span>'
                     for colour, text in STATUS_COLOURS.values())
    return (f'<p class="legend">{legend}</p><table class="claims"><thead><tr><th>claim</th>'
            "<th>group</th><th>status</th><th>statement</th><th>evidence</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def figure_block(name: str, png: bytes, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def page(results: Sequence[ClaimResult], *, title: str = "kronconv claims",
         graph_svg: str | None = None, graph_note: str = "",
         figures: Sequence[tuple[str, bytes, str]] = ()) -> str:
    """The whole page as one string: nothing in it refers to another file or to the network."""
    from kronconv import __version__

    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    graph = (f'<div class="graph">{graph_svg}</div>' if graph_svg
             else f"<p>{html.escape(graph_note or 'No graph.')}</p>")
    body = [f"<h1>{html.escape(title)}</h1>",
            f'<p class="meta">{len(results)} claims: {summary}. Generated by kronconv '
            f"{__version__}.</p>", "<h2>Claims</h2>", claims_table(results),
            "<h2>Dependencies</h2>", graph, "<h2>Statements and evidence</h2>",
            *(claim_section(r) for r in results)]
    if figures:
        body += ["<h2>Figures</h2>", *(figure_block(*f) for f in figures)]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
