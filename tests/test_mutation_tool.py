"""The pure parts of ``make mutation`` (tools/mutation.py): the allocation of the sample, the
exact binomial interval, test ids, and the notes' matching. The run itself needs cosmic-ray and
minutes per mutant, so it is not run here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parent.parent / "tools" / "mutation.py"
spec = importlib.util.spec_from_file_location("kronconv_mutation_tool", TOOL)
assert spec is not None and spec.loader is not None
mutation = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = mutation  # its dataclasses look their module up
spec.loader.exec_module(mutation)


@pytest.mark.parametrize(("successes", "trials", "low", "high"), [
    (179, 217, 0.768, 0.873),   # docs/mutation.md of the second sample
    (0, 10, 0.0, 0.3085),       # the rule of three's exact form: 1 - 0.025 ** (1 / 10)
    (10, 10, 0.6915, 1.0),
    (5, 10, 0.1871, 0.8129),    # symmetric about 1/2
])
def test_clopper_pearson_matches_the_exact_binomial_interval(successes, trials, low, high):
    lower, upper = mutation.clopper_pearson(successes, trials)
    assert lower == pytest.approx(low, abs=5e-4)
    assert upper == pytest.approx(high, abs=5e-4)


def test_clopper_pearson_wrong_twin_a_normal_interval_is_told_apart():
    lower, _ = mutation.clopper_pearson(10, 10)
    assert lower != pytest.approx(1.0, abs=1e-3)  # the Wald interval would collapse to [1, 1]


@pytest.mark.parametrize(("counts", "total", "expected"), [
    ({"a": 50, "b": 30, "c": 20}, 10, {"a": 5, "b": 3, "c": 2}),
    ({"a": 1000, "b": 1}, 10, {"a": 10, "b": 1}),           # at least one each
    ({"a": 2, "b": 98}, 300, {"a": 2, "b": 98}),             # never more than a module has
    ({"a": 10, "b": 10, "c": 10}, 4, {"a": 2, "b": 1, "c": 1}),  # largest remainder, then name
])
def test_allocate_is_proportional_with_largest_remainders(counts, total, expected):
    assert mutation.allocate(counts, total) == expected


@pytest.mark.parametrize(("classname", "name", "node"), [
    ("tests.test_x", "test_z", "tests/test_x.py::test_z"),
    ("tests.test_x", "test_z[3-exact]", "tests/test_x.py::test_z"),
    ("tests.test_x.TestY", "test_z[a]", "tests/test_x.py::TestY::test_z"),
])
def test_junit_names_map_to_the_coverage_contexts_node_ids(classname, name, node):
    assert mutation._junit_node_id(classname, name) == node


def test_coverage_contexts_map_to_node_ids():
    assert mutation._node_id("test_x.TestY.test_z") == "tests/test_x.py::TestY::test_z"
    assert mutation._node_id("test_x.test_z") == "tests/test_x.py::test_z"


def test_limit_counts_the_listed_tests_and_every_function_of_a_listed_file():
    seconds = {"tests/test_a.py::test_1": 2.0, "tests/test_a.py::test_2": 3.0,
               "tests/test_b.py::test_1": 7.0, "tests/test_ab.py::test_1": 100.0}
    assert mutation._limit(["tests/test_a.py"], seconds) == 120.0 + 5.0 * 5.0
    assert mutation._limit(["tests/test_b.py::test_1"], seconds) == 120.0 + 5.0 * 7.0
    assert mutation._limit([], seconds) == 120.0


def test_a_note_matches_only_the_mutant_with_the_same_changed_lines():
    diff = ("--- mutation diff ---\n--- a/m.py\n+++ b/m.py\n@@ -1 +1 @@\n"
            "-    x = a + b\n+    x = a - b\n")
    assert mutation.changed(diff) == "x = a - b"
    assert mutation.changed(diff.replace("a - b", "a * b")) != mutation.changed(diff)
