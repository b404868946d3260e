"""Entailment by two satisfiability checks that our code builds (never the model).

premises ∧ ¬C unsat → True; premises ∧ C unsat → False; both sat → Unknown (the logical
answer); both unsat → the premises are inconsistent. Z3's own ``unknown`` (incomplete
quantifier reasoning, a timeout) is *undetermined*, never the logical Unknown.

One budget covers the whole decision: every check gets the time that is left, so a
conclusion (2-3 checks) or five options (one each) take the request's timeout in total.
This runs in the solver worker (logic.worker), which owns Z3's global parameters.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import z3

from logic.encoded import Encoded
from nesy.types import Status

__all__ = ["Decision", "decide", "decide_text"]

MAX_MODEL_ENTRIES = 60
_NO_TIME = "no time left"  # a check skipped because earlier ones used the budget


@dataclass
class Check:
    result: str  # "sat" | "unsat" | "unknown"
    core: list[str] = field(default_factory=list)  # premise names in an unsat core
    model: dict[str, str] = field(default_factory=dict)
    reason: str = ""
    seconds: float = 0.0
    allotted: float = 0.0  # the budget left when it started


@dataclass
class Decision:
    status: Status
    answer: Any
    message: str
    certificate: dict[str, Any]
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status.value}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Decision:
        return cls(Status(d["status"]), d["answer"], d["message"], d["certificate"], float(d["seconds"]))


class _Budget:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()


def _check(enc: Encoded, extra: z3.BoolRef | None, budget: _Budget) -> Check:
    left = budget.left()
    if left < 0.001:
        return Check("unknown", reason=_NO_TIME)
    s = z3.Solver(ctx=enc.ctx)
    s.set("timeout", max(1, int(left * 1000)))
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
    try:
        r = s.check()
        took = time.perf_counter() - start
        if r == z3.unsat:
            order = {p.name: i for i, p in enumerate(enc.premises)}
            core = sorted((trackers[str(t)] for t in s.unsat_core() if str(t) in trackers), key=order.__getitem__)
            return Check("unsat", core, seconds=took, allotted=left)
        if r == z3.sat:
            return Check("sat", model=_model(s.model()), seconds=took, allotted=left)
        return Check("unknown", reason=s.reason_unknown(), seconds=took, allotted=left)
    except z3.Z3Exception as e:  # e.g. "out of memory" at the worker's limit: this check's outcome, not a crash
        reason = e.value.decode(errors="replace") if isinstance(e.value, bytes) else str(e.value)
        return Check("unknown", reason=reason, seconds=time.perf_counter() - start, allotted=left)


def _model(m: z3.ModelRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in sorted(m.decls(), key=lambda d: d.name()):
        if d.name().startswith("__premise_"):
            continue
        out[d.name()] = str(m[d])[:200]
        if len(out) >= MAX_MODEL_ENTRIES:
            break
    return out


def _timed_out(c: Check) -> bool:
    """Z3 says "canceled" for its own timer too; only a check that used its whole allotment timed out."""
    return c.reason in ("timeout", _NO_TIME) or (c.reason == "canceled" and c.seconds >= 0.9 * c.allotted)


def _undetermined(checks: dict[str, Check], what: str, budget: _Budget) -> tuple[Status, str]:
    unknown = [c for c in checks.values() if c.result == "unknown"]
    memout = next((c for c in unknown if "memory" in c.reason), None)  # Z3 says "out of memory"
    if memout is not None:
        return Status.MEMOUT, (f"Z3 stopped: {memout.reason} after {memout.seconds:.1f} s; "
                               f"the answer to {what} is undetermined")
    if any(_timed_out(c) for c in unknown):
        return Status.TIMEOUT, (f"Z3 could not decide {what} within {budget.seconds:g} s: "
                                "the answer is undetermined")
    stopped = next((c for c in unknown if c.reason == "canceled"), None)
    if stopped is not None:  # stopped early, so not by the clock: say what happened
        return Status.UNKNOWN, (f"Z3 stopped: canceled (memory limit?) after {stopped.seconds:.1f} s; "
                                f"the answer to {what} is undetermined")
    reasons = sorted({c.reason for c in unknown})
    return Status.UNKNOWN, f"Z3 could not decide {what} ({'; '.join(reasons) or 'unknown'}): the answer is undetermined"


def _premise_texts(enc: Encoded, names: list[str]) -> list[str]:
    by_name = {p.name: p.text for p in enc.premises}
    return [by_name[n] for n in names]


def decide(enc: Encoded, *, timeout: float = 10.0) -> Decision:
    """Decide the conclusion (True/False/Unknown) or the options; plain satisfiability otherwise."""
    start = time.perf_counter()
    budget = _Budget(timeout)
    if enc.conclusion is not None:
        d = _decide_conclusion(enc, enc.conclusion, budget)
    elif enc.options:
        d = _decide_options(enc, budget)
    else:
        d = _decide_sat(enc, budget)
    d.certificate["goal_texts"] = enc.goal_texts
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


def _decide_conclusion(enc: Encoded, goal: z3.BoolRef, budget: _Budget) -> Decision:
    neg, pos = _check(enc, z3.Not(goal), budget), _check(enc, goal, budget)
    checks = {"premises_and_not_conclusion": neg, "premises_and_conclusion": pos}
    if neg.result == "unsat" and pos.result == "unsat":
        base = _check(enc, None, budget)
        core = base.core if base.result == "unsat" else neg.core
        return Decision(Status.UNSOLVABLE, None, "the premises are inconsistent: they contradict each other",
                        _cert(enc, checks, core))
    if neg.result == "unsat" and pos.result != "unknown":
        return Decision(Status.SOLVED, "True", "", _cert(enc, checks, neg.core, pos.model))
    if pos.result == "unsat" and neg.result != "unknown":
        return Decision(Status.SOLVED, "False", "", _cert(enc, checks, pos.core, neg.model))
    if neg.result == "sat" and pos.result == "sat":
        cert = _cert(enc, checks)
        cert["model"] = pos.model
        cert["countermodel"] = neg.model
        return Decision(Status.SOLVED, "Unknown", "", cert)
    status, msg = _undetermined(checks, "the conclusion", budget)
    return Decision(status, None, msg, _cert(enc, checks))


def _decide_options(enc: Encoded, budget: _Budget) -> Decision:
    checks: dict[str, Check] = {}
    entailed: list[str] = []
    cores: dict[str, list[str]] = {}
    for letter, goal in enc.options.items():
        c = _check(enc, z3.Not(goal), budget)
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
        return Decision(Status.SOLVED, letter, "", cert)
    if undecided:
        status, msg = _undetermined({k: checks[k] for k in undecided}, "every option", budget)
        return Decision(status, None, msg + f"; entailed so far: {', '.join(entailed) or 'none'}", cert)
    base = _check(enc, None, budget)
    if base.result == "unsat":
        cert["unsat_core"] = _premise_texts(enc, base.core)
        return Decision(Status.UNSOLVABLE, None, "the premises are inconsistent: every option follows", cert)
    if not entailed:
        return Decision(Status.UNKNOWN, None, "no option follows from the premises", cert)
    return Decision(Status.UNKNOWN, None, f"several options follow from the premises: {', '.join(entailed)}", cert)


def _decide_sat(enc: Encoded, budget: _Budget) -> Decision:
    c = _check(enc, None, budget)
    checks = {"premises": c}
    if c.result == "sat":
        return Decision(Status.SOLVED, "sat", "", _cert(enc, checks, model=c.model))
    if c.result == "unsat":
        return Decision(Status.SOLVED, "unsat", "", _cert(enc, checks, c.core))
    status, msg = _undetermined(checks, "satisfiability", budget)
    return Decision(status, None, msg, _cert(enc, checks))


def decide_text(text: str, *, timeout: float, max_depth: int, reading: str = "classical") -> Decision:
    """Parse, lint and decide a formal text under a reading (``logic.forward.READINGS``).

    ``forward`` and ``closed-world`` read the Horn part of a first-order program by forward
    chaining; a program or question outside it is decided classically, and the certificate
    and message say so. The default, ``classical``, is the two Z3 checks above.
    """
    from logic.fol import parse_program
    from logic.forward import READINGS, NotHorn, forward_decide
    from logic.language import parse_any

    if reading not in READINGS:
        raise ValueError(f"unknown reading {reading!r}; known: {', '.join(READINGS)}")
    enc, _, language = parse_any(text, max_depth)
    if reading == "classical":
        return decide(enc, timeout=timeout)
    start = time.perf_counter()
    why = f"only first-order programs have a {reading} reading"
    if language == "fol":
        try:
            answer, cert = forward_decide(parse_program(text, max_depth), reading, timeout)
        except NotHorn as e:
            why = f"the {reading} reading does not apply: {e}"
        except TimeoutError:
            return Decision(Status.TIMEOUT, None, f"forward chaining did not finish within {timeout:g} s",
                            {"reading": reading}, time.perf_counter() - start)
        else:
            cert["goal_texts"] = enc.goal_texts
            cert["language"] = language
            return Decision(Status.SOLVED, answer, "", cert, time.perf_counter() - start)
    d = decide(enc, timeout=max(0.001, timeout - (time.perf_counter() - start)))
    d.certificate["reading"] = "classical"
    d.certificate["reading_refused"] = why
    d.message = (d.message + "; " if d.message else "") + why + ", decided classically"
    return d
