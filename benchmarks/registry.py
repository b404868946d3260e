"""The suite registry: every formalism's suites plus ``quick``, a small mix of all of them.

The object behind each ``nesy.backends`` entry point provides its formalism's suites
(``Backend.suites()``: a ``dict[str, SuiteFactory]``). A backend that fails to load, is
unavailable, or whose suites fail to import is recorded with the reason
(``suite_problems()``) instead of breaking the other suites. Names are the backends' own
keys; a key two backends share is reachable as ``kind/key``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import zip_longest

from nesy.backend import load_backends
from nesy.errors import ConfigError, UnknownResourceError
from nesy.suite import Item, Suite, SuiteFactory

__all__ = [
    "SuiteInfo",
    "list_suites",
    "describe_suites",
    "load_suite",
    "suite_problems",
    "quick_suite",
]

QUICK = "quick"
QUICK_PER_FORMALISM = 3  # items per formalism in `quick`: seen, held-out, seen
# The generated suite `quick` draws from per formalism, and the size to generate so that both
# splits and several compositions are there to pick from (small: planning computes gold plans).
QUICK_SOURCES: dict[str, tuple[str, int]] = {"planning": ("blocksworld", 4), "logic": ("logic", 6), "kg": ("kg-nations", 16)}


@dataclass(frozen=True)
class SuiteInfo:
    name: str
    kind: str  # planning | logic | kg | mixed
    factory: SuiteFactory
    needs_path: bool
    description: str


def _needs_path(factory: Callable[..., Suite]) -> bool:
    """A factory for a public dataset takes a required ``path``; generated ones take size/seed."""
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return False
    p = params.get("path")
    return p is not None and p.default is inspect.Parameter.empty


def _formalism_suites() -> tuple[dict[str, dict[str, SuiteFactory]], dict[str, str]]:
    """Suites by backend name, and why each other backend contributes none (the others are kept)."""
    found, problems = load_backends().provide("suites")
    return {kind: dict(suites) for kind, suites in sorted(found.items())}, problems


def suite_problems() -> dict[str, str]:
    """Why a formalism contributes no suites (its backend failed to load or is unavailable, or its suites failed)."""
    return _formalism_suites()[1]


def describe_suites() -> list[SuiteInfo]:
    found, _ = _formalism_suites()
    counts: dict[str, int] = {}
    for suites in found.values():
        for key in suites:
            counts[key] = counts.get(key, 0) + 1
    infos = [
        SuiteInfo(
            QUICK,
            "mixed",
            quick_suite,
            False,
            f"{QUICK_PER_FORMALISM} small generated items per formalism (seen and held-out): "
            + ", ".join(sorted(found)),
        )
    ]
    for kind, suites in found.items():
        for key, factory in suites.items():
            name = key if counts[key] == 1 and key != QUICK else f"{kind}/{key}"
            target = factory.func if isinstance(factory, partial) else factory
            doc = (inspect.getdoc(target) or "").split("\n")[0]
            infos.append(SuiteInfo(name, kind, factory, _needs_path(factory), doc))
    return infos


def list_suites() -> list[str]:
    """Names ``load_suite`` accepts (``kind/key`` is accepted for every key as well)."""
    return [i.name for i in describe_suites()]


def _find(name: str) -> SuiteInfo:
    infos = describe_suites()
    for info in infos:
        if info.name == name or (info.kind != "mixed" and f"{info.kind}/{name.split('/')[-1]}" == name):
            return info
    raise UnknownResourceError(
        f"unknown suite {name!r}; available: {', '.join(i.name for i in infos)}"
        + (f" (unavailable formalisms: {suite_problems()})" if suite_problems() else ""),
        resource="suite",
        name=name,
    )


def load_suite(name: str, *, size: int | None = None, seed: int = 0, path: str | None = None) -> Suite:
    """Build the named suite. ``size`` bounds generated suites; ``path`` points at a public dataset."""
    info = _find(name)
    if info.needs_path and path is None:
        raise ConfigError(f"suite {name!r} loads a public dataset: pass path=... (--path on the command line)")
    kwargs: dict[str, object] = {}
    params = _params(info.factory)
    if path is not None:
        if "path" not in params:
            raise ConfigError(f"suite {name!r} is generated and takes no path")
        kwargs["path"] = path
    if size is not None and "size" in params:
        kwargs["size"] = size
    if "seed" in params:
        kwargs["seed"] = seed
    suite = info.factory(**kwargs)
    if not isinstance(suite, Suite):
        raise ConfigError(f"suite factory for {name!r} returned {type(suite).__name__}, not a nesy.suite.Suite")
    _check_unique(suite)
    return suite


def _params(factory: Callable[..., object]) -> set[str]:
    try:
        ps = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return {"size", "seed", "path"}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in ps.values()):
        return {"size", "seed", "path"}
    return set(ps)


def _check_unique(suite: Suite) -> None:
    seen: set[str] = set()
    for item in suite.items:
        if item.id in seen:
            raise ConfigError(f"suite {suite.name!r} has two items with id {item.id!r}: results are keyed by id")
        seen.add(item.id)


def _pick(items: list[Item], n: int) -> list[Item]:
    """n items alternating seen / held-out, each split in a different composition where possible."""
    by_split: dict[str, list[Item]] = {"seen": [], "held_out": []}
    for it in items:
        if it.split in by_split:
            by_split[it.split].append(it)
    for split, lst in by_split.items():  # different compositions first
        first: dict[str, Item] = {}
        for it in lst:
            first.setdefault(it.signature, it)
        rest = [it for it in lst if first.get(it.signature) is not it]
        by_split[split] = list(first.values()) + rest
    out: list[Item] = []
    for pair in zip_longest(by_split["seen"], by_split["held_out"]):
        out.extend(it for it in pair if it is not None)
    return out[:n] if out else items[:n]


def quick_suite(size: int | None = None, seed: int = 0) -> Suite:
    """A few small generated items of every available formalism, both splits, interleaved by kind.

    Interleaving makes ``--limit 3`` still cover every formalism.
    """
    per = size or QUICK_PER_FORMALISM
    found, problems = _formalism_suites()
    per_kind: list[list[Item]] = []
    seen: list[str] = []
    held: list[str] = []
    kinds: list[str] = []
    for kind, suites in found.items():
        preferred, gen_size = QUICK_SOURCES.get(kind, ("", 0))
        factory = suites.get(preferred) or next((f for f in suites.values() if not _needs_path(f)), None)
        if factory is None:
            continue
        params = _params(factory)
        kw: dict[str, object] = {}
        if "size" in params:
            kw["size"] = max(gen_size, 2 * per) if factory is suites.get(preferred) else max(4 * per, 8)
        if "seed" in params:
            kw["seed"] = seed
        suite = factory(**kw)
        picked = _pick(list(suite.items), per)
        per_kind.append(
            [
                it.model_copy(
                    update={
                        "id": f"{kind}/{it.id}",
                        "problem": it.problem.model_copy(update={"kind": it.problem.kind or kind}),
                        "meta": {**it.meta, "source_suite": suite.name},
                    }
                )
                for it in picked
            ]
        )
        seen += [f"{kind}:{s}" for s in suite.seen]
        held += [f"{kind}:{s}" for s in suite.held_out]
        kinds.append(kind)
    if not per_kind:
        raise ConfigError(f"the quick suite needs at least one formalism suite; none loaded: {problems}")
    items = [it for group in zip_longest(*per_kind) for it in group if it is not None]
    return Suite(
        name=QUICK,
        kind="mixed",
        items=items,
        seen=seen,
        held_out=held,
        description=f"quick mix of {', '.join(kinds)}"
        + (f"; missing: {', '.join(sorted(problems))}" if problems else ""),
    )
