"""Planning pairs: recorded from the backend's own translate(), gold-verified, seen compositions only."""

from __future__ import annotations

import pytest

pytest.importorskip("unified_planning", reason="planning pairs need the planners package's dependencies")

from train.pairs import Pair, load_pairs, make_pairs, save_pairs  # noqa: E402
from train.sources.planning import PlanningPairs  # noqa: E402


@pytest.fixture(scope="module")
def source() -> PlanningPairs:
    return PlanningPairs()


@pytest.fixture(scope="module")
def seen_pairs(source: PlanningPairs) -> list[Pair]:
    return source.pairs(source.default_suite, 24, seed=3)


def test_pairs_come_only_from_seen_compositions(source: PlanningPairs, seen_pairs: list[Pair]) -> None:
    from planners.generators import MAX_SEEN_OBJECTS, SEEN_GOALS

    assert len(seen_pairs) == 24
    seen = set(source.seen_signatures(source.default_suite))
    for p in seen_pairs:
        assert p.signature in seen
        domain, rest = p.signature.split(":")
        combo, n = rest.split("/n")
        assert combo in SEEN_GOALS[domain] and int(n) <= MAX_SEEN_OBJECTS[domain]
    held = source.held_out_pairs(source.default_suite, 8, seed=3)
    assert held and not {p.signature for p in held} & seen


def test_every_target_passes_the_planning_parsers(seen_pairs: list[Pair]) -> None:
    from planners.backend import PlanningBackend
    from planners.lint import check_fact
    from planners.translation import parse_clause, parse_objects

    domains = {}
    for p in seen_pairs:
        name = p.signature.split(":")[0]
        if name not in domains:
            from nesy.types import Problem

            domains[name] = PlanningBackend().context(Problem(text="x", kind="planning", context={"domain": name})).data["domain"]
        if p.meta["step"] == "objects":
            assert parse_objects(p.target, domains[name])
        else:
            section, facts = parse_clause(p.target)
            assert section in ("init", "goal", "none")
            objects = dict(o.split(" (") for o in p.messages[0].content.split("Objects: ")[1].rstrip(")").split("), "))
            for f in facts:
                check_fact(f, domains[name], objects)


def test_prompts_are_the_backends_clause_prompts(seen_pairs: list[Pair]) -> None:
    """System prompt, alternating few-shot turns, and the clause last: what translate() sends."""
    for p in seen_pairs:
        roles = [m.role for m in p.messages]
        assert roles[0] == "system" and roles[-1] == "user" and p.messages[-1].content == p.source
        assert roles[1:-1] == ["user", "assistant"] * ((len(roles) - 2) // 2)
        assert p.request is not None and p.request.messages == p.messages
        if p.meta["step"] == "clause":
            assert p.messages[0].content.startswith("Translate the sentence into PDDL facts")
            assert p.request.constraint is not None and p.request.constraint.grammar  # replayed under its grammar


def test_pairs_are_deterministic_and_round_trip(tmp_path, seen_pairs: list[Pair]) -> None:
    again = make_pairs(["planning"], 24, seed=3)
    assert [(p.messages, p.target) for p in again] == [(p.messages, p.target) for p in seen_pairs]
    path = tmp_path / "pairs.jsonl"
    save_pairs(seen_pairs, path)
    back = load_pairs(path)
    assert back == seen_pairs and [p.request for p in back] == [p.request for p in seen_pairs]
