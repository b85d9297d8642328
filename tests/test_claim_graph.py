"""Claims declare what they use; derivations travel with their claims; the dependency graph.

Each validation has its deliberately wrong input here: an unknown used id, a cycle, a sibling
that the loader would run as a proof script, a derivation with an instance but no sizes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from optional import missing

from kronconv.catalogue import PROOFS as CATALOGUE_PROOFS
from kronconv.claims import (
    Claim,
    ClaimResult,
    Derivation,
    Evidence,
    SizeSpec,
    load_claims,
    load_sibling,
    run_claim,
)
from kronconv.errors import InvalidParameterError, KronconvError
from kronconv.evidence import TIERS
from kronconv.render import graph
from kronconv.serialize import to_json

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "proofs" / "examples" / "my_first_claim.py"


def script(tmp_path: Path, body: str, name: str = "claims.py") -> Path:
    path = tmp_path / name
    path.write_text("from kronconv import Evidence, claim\n" + body)
    return path


def declare(id_: str, uses: list[str]) -> str:
    return (f"c_{id_.replace('-', '_')} = claim({id_!r}, title='t', source='test', "
            f"statement='x', uses={uses!r})\n")


@pytest.fixture(scope="module")
def catalogue() -> list[Claim]:
    return load_claims([CATALOGUE_PROOFS])


# -- uses -----------------------------------------------------------------------------------------
def test_the_catalogue_declares_its_real_dependencies(catalogue: list[Claim]) -> None:
    uses = {c.id: set(c.uses) for c in catalogue}
    assert {"index-lemma", "block-lemma", "cascade-extent"} <= uses["cascade-kronecker-identity"]
    assert "cascade-kronecker-identity" in uses["convention-independence"]
    assert all(set(u) <= set(uses) for u in uses.values())  # all internal to the catalogue


def test_every_cross_reference_of_a_derivation_is_a_declared_use(catalogue: list[Claim]) -> None:
    """A derivation that cites a claim relies on it: the citation must be in ``uses``."""
    from kronconv.claims import Context
    from kronconv.render.derivation import claim_key

    everything = Context(frozenset(c.id for c in catalogue))
    for item in catalogue:
        assert item.derivation is not None
        steps = item.derivation.steps(everything).source
        cited = set(re.findall(r"\\ref\{claim:([a-z0-9-]+)\}", steps)) - {item.id}
        assert cited <= set(item.uses), (item.id, cited - set(item.uses))
        assert claim_key(item.id) == f"claim:{item.id}"


def test_an_unknown_used_id_is_one_clear_error(tmp_path: Path) -> None:
    path = script(tmp_path, declare("mine", ["no-such-claim"]))
    with pytest.raises(InvalidParameterError, match=r"uses='no-such-claim'.*used by 'mine'"):
        load_claims([path])


def test_a_catalogue_claim_may_be_used_from_outside_it(tmp_path: Path) -> None:
    (mine,) = load_claims([script(tmp_path, declare("mine", ["block-lemma"]))])
    assert mine.uses == ("block-lemma",)


def test_a_cycle_is_refused(tmp_path: Path) -> None:
    path = script(tmp_path, declare("p", ["q"]) + declare("q", ["r"]) + declare("r", ["p"]))
    with pytest.raises(InvalidParameterError, match="p -> q -> r -> p"):
        load_claims([path])


@pytest.mark.parametrize(("uses", "message"), [
    ("block-lemma", "a list of claim ids, not one string"),
    (["Block Lemma"], "lower-case words"),
    (["mine"], "not 'mine' itself"),
])
def test_malformed_uses_are_refused(tmp_path: Path, uses: object, message: str) -> None:
    path = script(tmp_path, f"claim('mine', title='t', source='s', statement='x', uses={uses!r})\n")
    with pytest.raises(KronconvError, match=re.escape(message)):
        load_claims([path])


def test_the_json_report_carries_uses(catalogue: list[Claim]) -> None:
    item = next(c for c in catalogue if c.id == "block-lemma")
    result = ClaimResult(item, "confirmed", "confirmed", (), 0.0)
    assert json.loads(json.dumps(to_json(result)))["uses"] == ["index-lemma"]


# -- derivations travel with their claims ----------------------------------------------------------
def test_a_users_claim_carries_its_own_derivation() -> None:
    from kronconv.render.derivation import claim_document

    (example,) = load_claims([EXAMPLE])
    assert example.derivation is not None and example.uses == ("block-lemma",)
    source = claim_document(example, run_claim(example)).source
    assert r"\texttt{block-\allowbreak{}lemma}" in source and "A small instance" in source
    assert "all 6 entries equal" in source and "No step-by-step derivation" not in source


def test_a_sibling_is_loaded_once_and_must_start_with_an_underscore(tmp_path: Path) -> None:
    group_a = CATALOGUE_PROOFS / "group_a.py"
    assert load_sibling(group_a, "_derivations_a") is load_sibling(group_a, "_derivations_a.py")
    with pytest.raises(InvalidParameterError, match="starts with '_'"):
        load_sibling(group_a, "group_b")
    with pytest.raises(InvalidParameterError, match="not found"):
        load_sibling(group_a, "_missing")


def test_a_derivation_with_an_instance_needs_its_sizes() -> None:
    from kronconv.latex import EMPTY

    with pytest.raises(InvalidParameterError, match=r"Derivation\.sizes"):
        Derivation(lambda context: EMPTY, lambda sizes: EMPTY)
    spec = SizeSpec(("n",), (2,), (4,))
    assert Derivation(lambda context: EMPTY, lambda sizes: EMPTY, spec).check_sizes([3]) == (3,)
    with pytest.raises(InvalidParameterError, match="no small instance"):
        Derivation(lambda context: EMPTY).check_sizes([1])


# -- the graph -------------------------------------------------------------------------------------
def test_dot_has_one_node_per_claim_and_one_edge_per_use(catalogue: list[Claim]) -> None:
    source = graph.dependency_dot(catalogue)
    for item in catalogue:
        assert source.count(f'  "{item.id}" [') == 1
        for used in item.uses:
            assert f'"{used}" -> "{item.id}";' in source
    assert source.count(" -> ") == sum(len(c.uses) for c in catalogue)
    assert "cluster_key" not in source  # no results: no colours, so no key


def test_status_colours_have_a_key_and_external_ids_are_dashed(tmp_path: Path) -> None:
    (mine,) = load_claims([script(tmp_path, declare("mine", ["block-lemma"]))])
    wrong = Evidence("numeric", "counterexample", "x", verdict="refutes", rechecked_by="y",
                     recheck=lambda: True)
    source = graph.dependency_dot([mine], [ClaimResult(mine, "failed", "refuted", (wrong,), 0)])
    fill, meaning = graph.STATUS_COLOURS["failed"]
    assert f'fillcolor="{fill}"' in source and meaning in source
    assert graph.STATUS_COLOURS["confirmed"][1] not in source  # only the colours that occur
    assert '"block-lemma" [label="block-lemma", style="dashed,rounded"' in source


def test_render_needs_dot_and_says_so(monkeypatch) -> None:
    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    with pytest.raises(KronconvError, match=r"dot not found: .*graphviz"):
        graph.render("digraph {}", "svg")
    with pytest.raises(InvalidParameterError, match="fmt='jpeg'"):
        graph.render("digraph {}", "jpeg")


def test_render_draws_svg_and_pdf(catalogue: list[Claim]) -> None:
    if not graph.dot_available():
        missing("Graphviz's dot", ".ci/run installs graphviz")
    source = graph.dependency_dot(catalogue)
    svg = graph.render(source, "svg").decode()
    assert svg.count('class="node"') == len(catalogue) and "<svg" in svg
    assert graph.render(source, "pdf").startswith(b"%PDF")
    with pytest.raises(KronconvError, match="dot failed"):
        graph.render("digraph { this is not dot", "svg")


def test_docs_claims_md_lists_exactly_the_catalogue(catalogue: list[Claim]) -> None:
    """docs/claims.md describes every catalogue claim once, with its group and expected outcome."""
    text = (ROOT / "docs" / "claims.md").read_text()
    rows = re.findall(r"^\| `([a-z0-9-]+)` \|.*\| (confirmed|qualified|refuted) \|$", text, re.M)
    assert sorted(rows) == sorted((c.id, c.expected) for c in catalogue)
    for item in catalogue:
        section = text[text.index(f"## Group {item.group}:"):]
        assert f"| `{item.id}` |" in section.split("\n## ")[0]


def test_the_catalogue_page_names_the_tiers_of_every_claim(catalogue: list[Claim]) -> None:
    # docs/claims.md's table of what backs each claim lists the tiers of the evidence (every
    # tier a check is declared at, and a tier some check's evidence reports besides).
    text = (Path(__file__).resolve().parent.parent / "docs" / "claims.md").read_text()
    section = text.split("## What backs each claim", 1)[1].split("\n## ", 1)[0]
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([a-z0-9-]+)` \| ([^|]+) \|",
                                                         section, re.MULTILINE)}
    assert set(rows) == {c.id for c in catalogue}
    for item in catalogue:
        listed = rows[item.id].strip().split(", ")
        assert listed == [t for t in TIERS if t in listed], item.id  # known tiers, in order
        assert {check.tier for check in item.checks} <= set(listed), item.id
