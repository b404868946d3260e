"""The suite registry: discovery, names, errors, and the quick mix of every formalism."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks import registry
from benchmarks.registry import list_suites, load_suite, quick_suite, suite_problems
from nesy.backend import BackendInfo, Registry
from nesy.errors import ConfigError, UnknownResourceError
from nesy.suite import Item, Suite
from nesy.types import Gold, Problem


def _suite(kind: str, name: str, size: int, seed: int) -> Suite:
    items = [
        Item(
            id=f"{name}-{seed}-{i}",
            problem=Problem(text=f"q{i}"),
            gold=Gold(answer=i),
            signature=f"sig{i % 4}",
            split="seen" if i % 4 < 2 else "held_out",
        )
        for i in range(size)
    ]
    return Suite(name=name, kind=kind, items=items, seen=["sig0", "sig1"], held_out=["sig2", "sig3"])


class _FakeBackend:
    """Just what the suite registry asks of the object behind a ``nesy.backends`` entry point."""

    def __init__(self, name: str, suites: dict) -> None:
        self.name, self._suites = name, suites

    def available(self) -> tuple[bool, str]:
        return True, ""

    def suites(self) -> dict:
        return self._suites


@pytest.fixture
def fake_formalisms(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two fake backends (one with a path-only public loader) and one entry point that fails to load."""

    def gen_a(size: int = 8, seed: int = 0) -> Suite:
        """Generated logic items."""
        return _suite("logic", "gen", size, seed)

    def public(path: str) -> Suite:
        return _suite("logic", f"public:{path}", 2, 0)

    a = _FakeBackend("logic", {"gen": gen_a, "public": public})
    b = _FakeBackend("kg", {"gen": lambda size=8, seed=0: _suite("kg", "gen", size, seed),
                            "kgonly": lambda size=4, seed=0: _suite("kg", "k", size, seed)})
    reg = Registry(
        {"logic": a, "kg": b},  # type: ignore[dict-item]
        [BackendInfo("logic", True, "", "fake:a"), BackendInfo("kg", True, "", "fake:b"),
         BackendInfo("planning", False, "ModuleNotFoundError: No module named 'no_such_module_xyz'", "no_such_module_xyz:B")],
    )
    monkeypatch.setattr(registry, "load_backends", lambda *a, **kw: reg)


def test_names_errors_and_parameters(fake_formalisms: None) -> None:
    names = list_suites()
    assert names[0] == "quick"
    assert {"logic/gen", "kg/gen", "public", "kgonly"} <= set(names)  # a shared key is qualified
    assert "no_such_module_xyz" in suite_problems()["planning"]
    assert len(load_suite("kgonly", size=3).items) == 3
    assert load_suite("logic/gen", size=4, seed=7).items[0].id == "gen-7-0"
    with pytest.raises(UnknownResourceError, match="unknown suite 'nope'.*quick"):
        load_suite("nope")
    with pytest.raises(ConfigError, match="path"):
        load_suite("public")
    assert load_suite("public", path="/data/x").name == "public:/data/x"
    with pytest.raises(ConfigError, match="takes no path"):
        load_suite("kgonly", path="/x")


def test_quick_mixes_formalisms_interleaved_with_both_splits(fake_formalisms: None) -> None:
    q = quick_suite(seed=1)
    kinds = [it.problem.kind for it in q.items]
    assert Counter(kinds) == {"logic": 3, "kg": 3}
    assert set(kinds[:2]) == {"logic", "kg"}  # --limit 2 still covers both
    for kind in ("logic", "kg"):
        assert {it.split for it in q.items if it.problem.kind == kind} == {"seen", "held_out"}
    assert len({it.id for it in q.items}) == len(q.items)
    assert "planning" in q.description  # says what is missing


def test_real_quick_suite_mixes_all_three_formalisms() -> None:
    """The shipped formalism packages all provide suites, and quick draws from each of them."""
    assert suite_problems() == {}, suite_problems()
    q = load_suite("quick", seed=0)
    by_kind = Counter(it.problem.kind for it in q.items)
    assert set(by_kind) == {"planning", "logic", "kg"}
    assert all(2 <= n <= 3 for n in by_kind.values()), by_kind
    for kind in by_kind:
        assert {it.split for it in q.items if it.problem.kind == kind} == {"seen", "held_out"}, kind
    assert {it.problem.kind for it in q.items[:3]} == {"planning", "logic", "kg"}
    assert len({it.id for it in q.items}) == len(q.items)


def test_a_backend_whose_suites_fail_is_reported_and_the_others_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken(_FakeBackend):
        def suites(self) -> dict:
            raise ImportError("No module named 'broken_suites_dep'")

    class NoSuites:  # a backend without the optional capability provides none, and is no problem
        def available(self) -> tuple[bool, str]:
            return True, ""

    ok = _FakeBackend("kg", {"kgonly": lambda size=4, seed=0: _suite("kg", "k", size, seed)})
    reg = Registry({"kg": ok, "logic": Broken("logic", {}), "other": NoSuites()},  # type: ignore[dict-item]
                   [BackendInfo(n, True, "", n) for n in ("kg", "logic", "other")])
    monkeypatch.setattr(registry, "load_backends", lambda *a, **kw: reg)
    assert suite_problems() == {"logic": "ImportError: No module named 'broken_suites_dep'"}
    assert "kgonly" in list_suites()
