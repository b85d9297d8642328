"""Evidence values in the Markdown report: arrays as small tables, never as reprs."""

from __future__ import annotations

import pytest

from kronconv.claims import Claim, ClaimResult, Evidence
from kronconv.render.report import report_markdown
from kronconv.render.values import markdown_data, markdown_table, numeric_rows


@pytest.mark.parametrize(("value", "rows"), [
    ([[1, 2], [3, 4]], [["1", "2"], ["3", "4"]]),
    ([1, "1/2", -3], [["1", "1/2", "-3"]]),
    ([[1, 2], [3]], None),                 # ragged
    ([[1, True]], None),                   # a bool is no number
    (["a", "b"], None),                    # words
    ({"x": 1}, None),
    ([], None),
])
def test_numeric_rows(value: object, rows: list[list[str]] | None) -> None:
    assert numeric_rows(value) == rows


def test_a_large_array_is_cut_to_a_corner_with_a_note() -> None:
    rows = [[str(i * 15 + j) for j in range(15)] for i in range(15)]
    lines = markdown_table(rows)
    assert lines[0].count("|") == 12 + 3  # 12 columns, the index column and the ellipsis
    assert "first 12×12 entries shown" in lines[-1] and "224" not in "\n".join(lines)


def test_the_markdown_report_shows_arrays_as_tables() -> None:
    claim = Claim(id="toy", title="t", source="s", statement="x", expected="refuted")
    big = [[i + j for j in range(9)] for i in range(9)]
    evidence = Evidence("numeric", "counterexample", f"differs at {big}", verdict="refutes",
                        rechecked_by="reference", recheck=lambda: True,
                        data={"composite": big, "note": "see"})
    text = report_markdown([ClaimResult(claim, "refuted", "refuted", (evidence,), 0.1)])
    assert str(big) not in text and str(big[0]) not in text  # no repr, not even of one row
    assert "| **8** | 8 | 9 | 10 |" in text and "`note`: `see`" in text
    assert markdown_data({"a": [[1, 2], [3, 4]]})[-1] == "| **1** | 3 | 4 |"
    assert markdown_data({"shape": [15, 15]})[-1] == "`shape`: 15, 15"  # short rows inline
    nested = "\n".join(markdown_data({"kernels": [[[1, 0], [0, 2]], [[3]]], "in": {"x": [[5]]}}))
    assert "`kernels[1]`:" in nested and "`in.x`:" in nested and "[[" not in nested
    proof = Evidence("smt", "proof", "z3", data={"obligations": ["q"]})
    supported = report_markdown([ClaimResult(claim, "failed", "confirmed", (proof,), 0.1)])
    assert "obligations" not in supported  # only counterexamples show their data
