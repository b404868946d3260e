"""Hostile clients: SMT-LIB commands that reach files or Z3's global state, runaway solves, deep formulas.

Everything runs through the backend as the server calls it: real Z3, real worker subprocesses.
"""

from __future__ import annotations

import contextvars
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import z3

from logic.backend import LogicBackend, parse_any
from nesy import cancel
from nesy.backend import Context
from nesy.errors import TranslationError
from nesy.settings import Settings
from nesy.types import Formalization, Problem, Solution, Status

Solve = Callable[..., Solution]

DECIDABLE = """(declare-const a Bool)
(declare-const b Bool)
(assert (! (=> a b) :named rule))
(assert (! a :named fact))
(assert (! b :named conclusion))
"""
# No small solution, and Z3 finds none: x^3 + y^3 + z^3 = 33 (its least solution has 16 digits).
CUBES = """(declare-const x Int)(declare-const y Int)(declare-const z Int)
(assert (= (+ (* x x x) (* y y y) (* z z z)) 33))
"""


@pytest.fixture(scope="module")
def ctx(logic_backend: LogicBackend) -> Context:
    return logic_backend.context(Problem(text="x"))


def _refused(backend: LogicBackend, ctx: Context, text: str) -> TranslationError:
    """Refused by parse and by solve alike (a client may send a formalization straight to solve)."""
    with pytest.raises(TranslationError) as parsed:
        backend.parse(text, ctx)
    with pytest.raises(TranslationError) as solved:
        backend.solve(Formalization(kind="logic", text=text), ctx, timeout=5)
    assert solved.value.message == parsed.value.message
    return parsed.value


def _timed(backend: LogicBackend, ctx: Context, text: str, timeout: float) -> tuple[Solution, float]:
    start = time.monotonic()
    s = backend.solve(backend.parse(text, ctx), ctx, timeout=timeout)
    return s, time.monotonic() - start


def test_output_channel_writes_no_file(logic_backend: LogicBackend, ctx: Context, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for target in ("pwned.txt", str(tmp_path / "abs.txt")):
        text = f'(declare-const a Bool)\n(set-option :regular-output-channel "{target}")\n(echo "x")\n(assert a)\n'
        err = _refused(logic_backend, ctx, text)
        assert (err.line, err.col, err.symbol) == (2, 2, "set-option")
        assert "the SMT-LIB command 'set-option' is not accepted" in err.message
    assert list(tmp_path.iterdir()) == []


def test_diagnostic_channel_does_not_truncate(logic_backend: LogicBackend, ctx: Context, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    err = _refused(logic_backend, ctx, f'(set-option :diagnostic-output-channel "{victim}")\n(declare-const a Bool)')
    assert err.symbol == "set-option" and victim.read_text() == "precious\n"


def test_include_is_refused_without_a_probe(logic_backend: LogicBackend, ctx: Context, tmp_path: Path) -> None:
    present = tmp_path / "present.smt2"
    present.write_text("(declare-const secret Bool)\n")
    missing = tmp_path / "missing.smt2"
    errors = [_refused(logic_backend, ctx, f'(declare-const a Bool)\n(include "{p}")\n(assert a)') for p in (present, missing)]
    assert errors[0].symbol == "include" and errors[0].message == errors[1].message
    assert str(tmp_path) not in errors[0].message


@pytest.mark.parametrize("attack", ["(set-option :memory_max_size 1)", "(set-option :rlimit 1)",
                                    "( set-option :timeout 1)", "(\n; hidden\nset-option :rlimit 1)"])
def test_global_options_are_refused_and_change_nothing(logic_backend: LogicBackend, ctx: Context, solve: Solve,
                                                       attack: str) -> None:
    before = solve(DECIDABLE)
    err = _refused(logic_backend, ctx, attack + "\n" + DECIDABLE)
    assert err.symbol == "set-option" and err.line == (3 if "hidden" in attack else 1)
    after = solve(DECIDABLE)
    assert (before.status, before.answer) == (after.status, after.answer) == (Status.SOLVED, "True")


@pytest.mark.parametrize("command", ["echo", "include", "eval", "simplify", "display", "reset", "reset-assertions",
                                     "push", "pop", "get-info", "get-option", "set-param", "check-sat-using",
                                     "declare-anything"])
def test_every_other_command_is_refused_by_name(logic_backend: LogicBackend, ctx: Context, command: str) -> None:
    err = _refused(logic_backend, ctx, f"(declare-const a Bool)\n(assert a)\n  ({command} a)\n")
    assert (err.line, err.col, err.symbol) == (3, 4, command)
    assert f"'{command}' is not accepted" in err.message


def test_redundant_commands_are_dropped_and_odd_names_are_data(solve: Solve) -> None:
    text = ('(set-logic ALL)\n(set-info :status sat)\n; (set-option :rlimit 1)\n'
            '(declare-const |set-option| Bool)\n(declare-const s String)\n(assert (= s "a "" ) (echo"))\n'
            '(assert (! |set-option| :named conclusion))\n(check-sat)\n(get-model)\n(get-value (s))\n(exit)\n')
    s = solve(text)
    assert (s.status, s.answer) == (Status.SOLVED, "Unknown")


@pytest.mark.parametrize("text,fragment,where", [
    ("(declare-const a Bool)\n(assert a))", "unbalanced ')' at column 11", (2, 11)),
    ("(declare-const a Bool)\n(assert (and a", "the command opened at column 1 is never closed", (2, 1)),
    ("(declare-const a Bool) junk (assert a)", "text outside a command: 'junk'", (1, 24)),
    ('(declare-const a Bool)\n(assert "a)', "a string opened at column 9 is never closed", (2, 9)),
    ("(declare-const a Bool)\n((assert a))", "a command starts with its name", (2, 2)),
    ("(declare-const a Bool)\n()", "a command starts with its name", (2, 2)),
])
def test_malformed_smtlib_is_a_clear_error(text: str, fragment: str, where: tuple[int, int]) -> None:
    with pytest.raises(TranslationError) as e:
        parse_any(text)
    assert fragment in e.value.message and (e.value.line, e.value.col) == where


def test_solving_never_sets_z3_params_in_this_process(solve: Solve) -> None:
    names = ("smt.qi.eager_threshold", "memory_max_size")
    before = {n: z3.get_param(n) for n in names}
    chain = "\n".join(["const c", *(f"pred P{i}/1" for i in range(101)),
                       *(f"premise: forall x. P{i}(x) -> P{i + 1}(x)" for i in range(100)), "premise: P0(c)",
                       "conclusion: P100(c)"])
    assert solve(chain).answer == "True"  # needs the worker's eager instantiation
    solve(DECIDABLE)
    assert {n: z3.get_param(n) for n in names} == before


def _worker_children(parents: set[int] | None = None) -> set[int]:
    """Live ``logic.worker`` processes whose parent is in ``parents`` (default: this process)."""
    parents = {os.getpid()} if parents is None else parents
    found = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (proc / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid in parents and b"logic.worker" in cmd:
            found.add(int(proc.name))
    return found


def test_a_hard_problem_times_out_on_time_and_its_worker_is_gone(ctx: Context) -> None:
    backend = LogicBackend(Settings(sandbox_spares=0))  # no spares: every worker alive is the run's own
    before = _worker_children()
    s, took = _timed(backend, ctx, CUBES + "(assert (! (> x 0) :named conclusion))", timeout=2)
    assert s.status == Status.TIMEOUT and "within 2 s" in s.message
    assert took < 2 + 1 + 4  # the budget, the kill grace, a fresh worker's start
    workers = _worker_children()
    # the forked child that ran the job is gone; the warm worker that forked it may stay (one at most)
    assert not _worker_children(workers)
    assert len(workers - before) <= 1


def test_warm_timeout_takes_about_the_budget(logic_backend: LogicBackend, ctx: Context, solve: Solve) -> None:
    solve(DECIDABLE)  # spares are started and warm
    s, took = _timed(logic_backend, ctx, CUBES + "(assert (! (> x 0) :named conclusion))", timeout=2)
    assert s.status == Status.TIMEOUT and 1.8 < took < 4


def test_multiple_choice_shares_one_budget(logic_backend: LogicBackend, ctx: Context, solve: Solve) -> None:
    options = "".join(f"(assert (! ({op} {v} 0) :named option_{k}))\n"
                      for k, op, v in [("A", ">", "x"), ("B", "<", "y"), ("C", ">", "z"), ("D", "<", "x")])
    solve(DECIDABLE)
    s, took = _timed(logic_backend, ctx, CUBES + options, timeout=2)
    assert s.status == Status.TIMEOUT and took < 4  # four checks of 2 s each would take 8
    checks = s.certificate["checks"]
    assert len(checks) == 4 and sum(c["seconds"] for c in checks.values()) < 2.5


def test_a_cancelled_request_stops_z3(logic_backend: LogicBackend, ctx: Context, solve: Solve) -> None:
    solve(DECIDABLE)
    f = logic_backend.parse(CUBES + "(assert (! (> x 0) :named conclusion))", ctx)
    token = cancel.CancelToken()

    def run() -> Solution:
        cancel.bind(token)
        return logic_backend.solve(f, ctx, timeout=60)

    timer = threading.Timer(0.5, token.cancel, args=("the client went away",))
    timer.start()
    start = time.monotonic()
    s = contextvars.copy_context().run(run)
    assert s.status == Status.ERROR and "the client went away; Z3 was stopped" in s.message
    assert time.monotonic() - start < 5


DEEP = 3000


@pytest.mark.parametrize("text,line", [
    ("const c\npred P/1\npremise: " + "(" * DEEP + "P(c)" + ")" * DEEP, 3),
    ("const c\npred P/1\npremise: " + "not " * DEEP + "P(c)", 3),
    ("const c\npred P/1\npremise: " + "not (" * DEEP + "P(c)" + ")" * DEEP, 3),
    ("const c\npred P/1\npremise: " + "P(c) and " * DEEP + "P(c)", 3),
    ("const c\npred P/1\npremise: " + "P(c) or " * DEEP + "P(c)", 3),
    ("const c\npred P/1\npremise: " + "P(c) -> " * DEEP + "P(c)", 3),
    ("const c\npred P/1\nconclusion: " + "P(c) <-> " * DEEP + "P(c)", 3),
    ("domain d = 1..3\nvar v : d\nconstraint: " + "(" * DEEP + "v == 1" + ")" * DEEP, 3),
    ("domain d = 1..3\nvar v : d\nconstraint: " + "not " * DEEP + "v == 1", 3),
    ("domain d = 1..3\nvar v : d\nconstraint: " + "v == 1 and " * DEEP + "v == 1", 3),
    ("domain d = 1..3\nvar v : d\nconstraint: " + "v == 1 -> " * DEEP + "v == 1", 3),
    ("domain d = 1..3\nvar v : d\nconstraint: v == " + "v + " * DEEP + "1", 3),
    ("domain d = 1..3\nvar v : d\nconstraint: v == " + "abs(" * DEEP + "1" + ")" * DEEP, 3),
    ("(declare-const a Bool)\n(assert " + "(not " * DEEP + "a" + ")" * DEEP + ")", 2),
    ("(declare-const a Bool)\n(assert (let ((b a)) " + "(let ((b b)) " * DEEP + "b" + ")" * DEEP + "))", 2),
])
def test_deep_formulas_are_translation_errors(logic_backend: LogicBackend, ctx: Context, text: str, line: int) -> None:
    err = _refused(logic_backend, ctx, text)
    assert err.message == f"formula nested more than 200 levels (line {line})" and err.line == line


@pytest.mark.parametrize("text", [
    "const c\npred P/1\npremise: " + "not " * DEEP + "P(c)",
    "domain d = 1..3\nvar v : d\nconstraint: " + "not " * DEEP + "v == 1",
])
def test_recursion_past_the_checks_is_still_a_translation_error(text: str) -> None:
    with pytest.raises(TranslationError, match="formula nested more than"):
        parse_any(text, max_depth=10 * DEEP)


def test_nesting_within_the_limit_is_decided(solve: Solve) -> None:
    s = solve("const c\npred P/1\npremise: P(c)\nconclusion: " + "not " * 150 + "P(c)")
    assert (s.status, s.answer) == (Status.SOLVED, "True")
    s = solve("(declare-const a Bool)\n(assert a)\n(assert (! " + "(not " * 150 + "a" + ")" * 150 + " :named conclusion))")
    assert (s.status, s.answer) == (Status.SOLVED, "True")


def test_running_out_of_memory_is_memout_not_a_timeout(ctx: Context) -> None:
    backend = LogicBackend(Settings(solve_memory_mb=400, sandbox_spares=0))
    bits = 2048  # factoring a 2048-bit number by bit-blasting needs far more than 400 MB
    text = (f"(declare-const x (_ BitVec {bits}))(declare-const y (_ BitVec {bits}))\n"
            f"(assert (= (bvmul x y) (_ bv{2 ** (bits - 1) + 12345} {bits})))\n"
            f"(assert (not (= x (_ bv1 {bits}))))(assert (not (= y (_ bv1 {bits}))))")
    s = backend.solve(backend.parse(text, ctx), ctx, timeout=60)
    assert s.status == Status.MEMOUT and s.message.startswith("Z3 stopped: out of memory after")
    assert s.certificate["checks"]["premises"]["seconds"] < 60
