"""Notebook display: `_repr_html_` and `_repr_latex_` of identity, rf and equivariance results
and of a claims report, against golden strings; escaping and status colours must be right."""

from __future__ import annotations

import pytest

from kronconv.claims import Claim, ClaimResult, Evidence
from kronconv.equivariance.results import EquivarianceResult, ShiftVerdict
from kronconv.kronecker.result import IdentityResult
from kronconv.receptive_field import rf_report
from kronconv.render.notebook import STATUS_COLOURS
from kronconv.render.report import ClaimsReport
from kronconv.specs import plain_stack

FAILED_IDENTITY = IdentityResult(False, "exact", "proof", "K <b> differs", (5,), (4,), 0.1,
                                 "1 of 5 entries differ")
SHIFTS = EquivarianceResult("net", (4,), (2,), "all-weights", "symbolic", 0, (2,), (
    ShiftVerdict((0,), "respected", (0,), "proof"),
    ShiftVerdict((1,), "not-respected", None, "counterexample"),
    ShiftVerdict((2,), "respected", (1,), "proof"),
    ShiftVerdict((3,), "unknown", None, "z3 unknown")), {(0,): (0,), (2,): (1,)})
CLAIMS = ClaimsReport((
    ClaimResult(Claim("tiny-claim", "T", "test", r"a \otimes b"), "confirmed", "confirmed",
                (Evidence("symbolic", "proof", "p"),), 0.5),
    ClaimResult(Claim("other-claim", "O", "test", "x = 1"), "failed", None, (), 0.25,
                "disproved: x")), "kronconv 0.2.0")

HTML = {
    "identity": (
        '<table class="kronconv"><caption>Kronecker identity does not hold</caption><thead><tr>'
        "<th>quantity</th><th>value</th></tr></thead><tbody><tr><td>verdict</td><td>does not "
        "hold</td></tr><tr><td>evidence</td><td>counterexample: K &lt;b&gt; differs</td></tr>"
        "<tr><td>engine</td><td>exact</td></tr><tr><td>composite extent</td><td>5</td></tr>"
        "<tr><td>Kronecker product extent</td><td>4</td></tr><tr><td>comparison</td><td>1 of 5 "
        "entries differ</td></tr></tbody></table>"),
    "rf": (
        '<table class="kronconv"><caption>output conv1: receptive field 9, effective stride 1, '
        "4 holes</caption><thead><tr><th>layer</th><th>op</th><th>rf</th><th>stride</th><th>"
        "padding</th><th>centre</th><th>holes</th><th>params</th></tr></thead><tbody><tr><td>"
        "conv0</td><td>conv</td><td>5</td><td>1</td><td>0</td><td>2</td><td>2</td><td>3</td>"
        "</tr><tr><td>conv1</td><td>conv</td><td>9</td><td>1</td><td>0</td><td>4</td><td>4</td>"
        "<td>6</td></tr></tbody></table>"),
    "equivariance": (
        '<table class="kronconv"><caption>net: 2 of 4 cyclic shifts respected (respected for '
        "every choice of weights)</caption><thead><tr><th>shift v</th>"
        "<th>status</th><th>output shift u</th><th>evidence</th></tr></thead><tbody>"
        '<tr style="background:#9cec8b"><td>0</td><td>respected</td><td>0</td><td>proof</td>'
        '</tr><tr style="background:#f4a7a7"><td>1</td><td>not-respected</td><td>-</td><td>'
        'counterexample</td></tr><tr style="background:#9cec8b"><td>2</td><td>respected</td>'
        '<td>1</td><td>proof</td></tr><tr style="background:#dddddd"><td>3</td><td>unknown'
        "</td><td>-</td><td>z3 unknown</td></tr></tbody></table>"),
    "claims": (
        '<table class="kronconv"><caption>2 claims: 1 confirmed, 1 failed</caption><thead><tr>'
        "<th>id</th><th>status</th><th>expected</th><th>evidence</th><th>seconds</th></tr>"
        '</thead><tbody><tr style="background:#9cec8b"><td>tiny-claim</td><td>confirmed</td>'
        "<td>confirmed</td><td>proof</td><td>0.50</td></tr><tr style=\"background:#f4a7a7\">"
        "<td>other-claim</td><td>failed</td><td>confirmed</td><td>-</td><td>0.25</td></tr>"
        "</tbody></table>"),
}
LATEX = {
    "identity": r"$$C \neq K_L \otimes \cdots \otimes K_0 \qquad 5 \text{ vs } 4 \qquad "
                r"\text{counterexample}$$",
    "rf": r"$$\begin{array}{llllll} \text{layer} & \text{op} & r & S & P & \text{holes} \\ "
          r"\text{conv0} & \text{conv} & 5 & 1 & 0 & 2 \\ \text{conv1} & \text{conv} & 9 & 1 "
          r"& 0 & 4 \end{array}$$",
    "equivariance": r"$$\{v \mapsto u : f(T_v x) = T_u f(x) \text{ for all } x\} = "
                    r"\{0 \mapsto 0, 2 \mapsto 1\}$$",
    "claims": r"$$\begin{array}{lll} \text{id} & \text{status} & \text{statement} \\ "
              r"\text{tiny-claim} & \text{confirmed} & a \otimes b \\ \text{other-claim} & "
              r"\text{failed} & x = 1 \end{array}$$",
}


def _values() -> dict[str, object]:
    return {"identity": FAILED_IDENTITY, "rf": rf_report(plain_stack([3, 3], [2, 2])),
            "equivariance": SHIFTS, "claims": CLAIMS}


@pytest.mark.parametrize("name", sorted(HTML))
def test_html_and_latex_reprs(name: str) -> None:
    value = _values()[name]
    assert value._repr_html_() == HTML[name]  # type: ignore[attr-defined]
    assert value._repr_latex_() == LATEX[name]  # type: ignore[attr-defined]


def test_html_escapes_and_colours_by_status() -> None:
    html = FAILED_IDENTITY._repr_html_()
    assert "<b>" not in html and "&lt;b&gt;" in html  # raw markup from a detail never leaks
    claims = CLAIMS._repr_html_()
    for result in CLAIMS.results:  # each row carries its own status's colour
        row = claims.split(f"<td>{result.claim.id}</td>")[0].rsplit("<tr", 1)[1]
        assert STATUS_COLOURS[result.status] in row


def test_identity_result_from_the_checker_displays() -> None:
    from kronconv import Cascade, check_identity

    result = check_identity(Cascade.exponential(2, 2, dims=1), "exact")
    assert "Kronecker identity holds" in result._repr_html_()
    assert result._repr_latex_().startswith("$$C = K_L")
