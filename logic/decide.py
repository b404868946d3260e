"""Entailment by two satisfiability checks that our code builds (never the model).

premises ∧ ¬C unsat → True; premises ∧ C unsat → False; both sat → Unknown (the logical
answer); both unsat → the premises are inconsistent. Z3's own ``unknown`` (incomplete
quantifier reasoning, a timeout) is *undetermined*, never the logical Unknown.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import z3

from logic.encoded import Encoded
from nesy.types import Status

__all__ = ["Decision", "decide", "configure_z3"]

# Long chains of universally quantified implications (ProntoQA depth 5 and far beyond) make
# Z3's default E-matching give up with "incomplete quantifiers" (measured: 80 steps). Eager
# instantiation up to a higher generation decides 1000-step chains in milliseconds. Z3 reads
# this parameter only from its global table (a per-solver ``set`` has no effect, measured).
_Z3_GLOBAL = {"smt.qi.eager_threshold": 1000}
MAX_MODEL_ENTRIES = 60


def configure_z3(memory_mb: int | None = None) -> None:
    """Idempotent: set the quantifier-instantiation threshold (and a memory cap) process-wide."""
    for k, v in _Z3_GLOBAL.items():
        z3.set_param(k, v)
    if memory_mb:
        z3.set_param("memory_max_size", int(memory_mb))


@dataclass
class Check:
    result: str  # "sat" | "unsat" | "unknown"
    core: list[str] = field(default_factory=list)  # premise names in an unsat core
    model: dict[str, str] = field(default_factory=dict)
    reason: str = ""
    seconds: float = 0.0


@dataclass
class Decision:
    status: Status
    answer: Any
    message: str
    certificate: dict[str, Any]
    seconds: float


def _check(enc: Encoded, extra: z3.BoolRef | None, timeout: float) -> Check:
    s = z3.Solver(ctx=enc.ctx)
    s.set("timeout", max(1, int(timeout * 1000)))
    s.set("unsat_core", True)
    trackers: dict[str, str] = {}
    for i, p in enumerate(enc.premises):
        tracker = z3.Bool(f"__premise_{i}", enc.ctx)
        trackers[str(tracker)] = p.name
        s.assert_and_track(p.expr, tracker)
    for b in enc.background:
        s.add(b)
    if extra is not None:
        s.add(extra)
    start = time.perf_counter()
    r = s.check()
    took = time.perf_counter() - start
    if r == z3.unsat:
        order = {p.name: i for i, p in enumerate(enc.premises)}
        core = sorted((trackers[str(t)] for t in s.unsat_core() if str(t) in trackers), key=order.__getitem__)
        return Check("unsat", core, seconds=took)
    if r == z3.sat:
        return Check("sat", model=_model(s.model()), seconds=took)
    return Check("unknown", reason=s.reason_unknown(), seconds=took)


def _model(m: z3.ModelRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in sorted(m.decls(), key=lambda d: d.name()):
        if d.name().startswith("__premise_"):
            continue
        out[d.name()] = str(m[d])[:200]
        if len(out) >= MAX_MODEL_ENTRIES:
            break
    return out


def _entails(enc: Encoded, goal: z3.BoolRef, timeout: float) -> tuple[Check, Check]:
    return _check(enc, z3.Not(goal), timeout), _check(enc, goal, timeout)


def _undetermined(checks: dict[str, Check], what: str) -> tuple[Status, str]:
    reasons = sorted({c.reason for c in checks.values() if c.result == "unknown"})
    timed_out = any(r in ("timeout", "canceled") for r in reasons)
    msg = f"Z3 could not decide {what} ({'; '.join(reasons) or 'unknown'}): the answer is undetermined"
    return (Status.TIMEOUT if timed_out else Status.UNKNOWN), msg


def _premise_texts(enc: Encoded, names: list[str]) -> list[str]:
    by_name = {p.name: p.text for p in enc.premises}
    return [by_name[n] for n in names]


def decide(enc: Encoded, *, timeout: float = 10.0) -> Decision:
    """Decide the conclusion (True/False/Unknown) or the options; plain satisfiability otherwise."""
    configure_z3()
    start = time.perf_counter()
    if enc.conclusion is not None:
        d = _decide_conclusion(enc, enc.conclusion, timeout)
    elif enc.options:
        d = _decide_options(enc, timeout)
    else:
        d = _decide_sat(enc, timeout)
    d.seconds = time.perf_counter() - start
    return d


def _cert(enc: Encoded, checks: dict[str, Check], core: list[str] | None = None, model: dict | None = None) -> dict:
    cert: dict[str, Any] = {
        "checks": {k: {"result": c.result, "seconds": round(c.seconds, 4), **({"reason": c.reason} if c.reason else {})}
                   for k, c in checks.items()},
        "language": enc.language,
    }
    if core is not None:
        cert["unsat_core"] = _premise_texts(enc, core)
        cert["unsat_core_names"] = core
    if model is not None:
        cert["model"] = model
    return cert


def _decide_conclusion(enc: Encoded, goal: z3.BoolRef, timeout: float) -> Decision:
    neg, pos = _entails(enc, goal, timeout)
    checks = {"premises_and_not_conclusion": neg, "premises_and_conclusion": pos}
    if neg.result == "unsat" and pos.result == "unsat":
        base = _check(enc, None, timeout)
        core = base.core if base.result == "unsat" else neg.core
        return Decision(Status.UNSOLVABLE, None, "the premises are inconsistent: they contradict each other",
                        _cert(enc, checks, core), 0.0)
    if neg.result == "unsat" and pos.result != "unknown":
        return Decision(Status.SOLVED, "True", "", _cert(enc, checks, neg.core, pos.model), 0.0)
    if pos.result == "unsat" and neg.result != "unknown":
        return Decision(Status.SOLVED, "False", "", _cert(enc, checks, pos.core, neg.model), 0.0)
    if neg.result == "sat" and pos.result == "sat":
        cert = _cert(enc, checks)
        cert["model"] = pos.model
        cert["countermodel"] = neg.model
        return Decision(Status.SOLVED, "Unknown", "", cert, 0.0)
    status, msg = _undetermined(checks, "the conclusion")
    return Decision(status, None, msg, _cert(enc, checks), 0.0)


def _decide_options(enc: Encoded, timeout: float) -> Decision:
    checks: dict[str, Check] = {}
    entailed: list[str] = []
    cores: dict[str, list[str]] = {}
    for letter, goal in enc.options.items():
        c = _check(enc, z3.Not(goal), timeout)
        checks[f"premises_and_not_option_{letter}"] = c
        if c.result == "unsat":
            entailed.append(letter)
            cores[letter] = c.core
    undecided = [k for k, c in checks.items() if c.result == "unknown"]
    cert = _cert(enc, checks)
    cert["entailed"] = entailed
    if len(entailed) == 1 and not undecided:
        letter = entailed[0]
        cert["unsat_core"] = _premise_texts(enc, cores[letter])
        cert["unsat_core_names"] = cores[letter]
        return Decision(Status.SOLVED, letter, "", cert, 0.0)
    if undecided:
        status, msg = _undetermined({k: checks[k] for k in undecided}, "every option")
        return Decision(status, None, msg + f"; entailed so far: {', '.join(entailed) or 'none'}", cert, 0.0)
    base = _check(enc, None, timeout)
    if base.result == "unsat":
        cert["unsat_core"] = _premise_texts(enc, base.core)
        return Decision(Status.UNSOLVABLE, None, "the premises are inconsistent: every option follows", cert, 0.0)
    if not entailed:
        return Decision(Status.UNKNOWN, None, "no option follows from the premises", cert, 0.0)
    return Decision(Status.UNKNOWN, None, f"several options follow from the premises: {', '.join(entailed)}", cert, 0.0)


def _decide_sat(enc: Encoded, timeout: float) -> Decision:
    c = _check(enc, None, timeout)
    checks = {"premises": c}
    if c.result == "sat":
        return Decision(Status.SOLVED, "sat", "", _cert(enc, checks, model=c.model), 0.0)
    if c.result == "unsat":
        return Decision(Status.SOLVED, "unsat", "", _cert(enc, checks, c.core), 0.0)
    status, msg = _undetermined(checks, "satisfiability")
    return Decision(status, None, msg, _cert(enc, checks), 0.0)
