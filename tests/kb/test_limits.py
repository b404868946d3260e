"""Hostile clients: query size limits before any expansion, the engine's timeout and cancel
token, top_k caps, and no link-predictor training inside a server request."""

from __future__ import annotations

import contextvars
import itertools
import resource
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from nesy import cancel
from nesy.backend import load_backends
from nesy.errors import BackendUnavailableError, InputTooLargeError, TranslationError
from nesy.reasoner import Reasoner
from nesy.settings import Settings
from nesy.types import Problem, Status

from kb.backend import KGBackend
from kb.query import QueryLimits, dnf_size, parse_query
from kb.train import is_trained

UNION_BOMB = " & ".join(["(accusation(brazil,f) | accusation(burma,f))"] * 16)
# every pair of seven variables linked: FIT enumerates five of them, 14^5 branch evaluations on Nations
CLIQUE = " & ".join(f"embassy({a}, {b})" for a, b in itertools.combinations(["f", "e1", "e2", "e3", "e4", "e5", "e6"], 2))


def ctx_for(backend: KGBackend, **context):
    return backend.context(Problem(text="", kind="kg", context={"kb": "nations", **context}))


def rss_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize()


# -- size limits ------------------------------------------------------------------------


def test_the_union_bomb_is_refused_before_anything_expands_it(kg_backend):
    ctx = ctx_for(kg_backend)
    kg_backend.parse("accusation(brazil, f)", ctx)  # the parser is built once per process: not this query's cost
    assert len(UNION_BOMB) == 749
    rss = rss_bytes()
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(InputTooLargeError, match="the query has 65536 disjuncts in DNF; this server accepts at most 64") as e:
        kg_backend.parse(UNION_BOMB, ctx)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seconds < 1.0
    assert peak < 2 * 2**20 and rss_bytes() - rss < 5 * 2**20
    assert e.value.http_status == 413
    assert e.value.to_dict() == {"type": "input_too_large", "stage": "parse", "message": e.value.message,
                                 "measure": "branches", "value": 65536, "limit": 64}


async def test_the_union_bomb_is_a_413_through_the_reasoner(kg_backend):
    reasoner = Reasoner(backends=load_backends(only=[], extra={"kg": kg_backend}))
    try:
        with pytest.raises(InputTooLargeError, match="65536 disjuncts"):
            await reasoner.asolve_formal("kg", UNION_BOMB, {"kb": "nations"}, timeout=2)
    finally:
        await reasoner.aclose()


def test_branches_are_counted_not_expanded_and_the_count_saturates():
    q = parse_query(" & ".join(["(r(a, f) | r(b, f))"] * 6))
    assert dnf_size(q.formula, 10**9) == 64 == len(q.dnf())
    assert dnf_size(q.formula, 10) == 10
    assert dnf_size(parse_query("r(a, f) | r(b, f) & (r(c, f) | r(d, f) | r(e, f))").formula, 100) == 4


def test_atoms_variables_and_depth_each_have_a_limit(kg_backend):
    ctx = ctx_for(kg_backend)
    with pytest.raises(InputTooLargeError, match="33 atoms; this server accepts at most 32") as e:
        kg_backend.parse(" & ".join(["embassy(usa, f)"] * 33), ctx)  # counted before duplicates are dropped
    assert e.value.details["measure"] == "atoms"
    chain = " & ".join(f"embassy({a}, {b})" for a, b in zip(["usa", *[f"e{i}" for i in range(1, 9)]],
                                                          [*[f"e{i}" for i in range(1, 9)], "f"]))
    with pytest.raises(InputTooLargeError, match="9 distinct variables; this server accepts at most 8"):
        kg_backend.parse(chain, ctx)
    nested = "(" * 200 + "embassy(usa, f)" + ")" * 200
    with pytest.raises(InputTooLargeError, match="201 levels of nested parentheses; this server accepts at most 200"):
        kg_backend.parse(nested, ctx)
    assert parse_query("(" * 199 + "embassy(usa, f)" + ")" * 199).structure == "1p"
    assert parse_query('embassy("((((", f)', QueryLimits(depth=1)).constants() == ["(((("]  # quoted: not nesting


def test_the_limits_come_from_the_settings(kb_cache, nations_predictor):
    strict = KGBackend(Settings(cache_dir=kb_cache, kg_max_atoms=2, kg_max_variables=1, kg_max_branches=1,
                                max_formula_depth=2))
    ctx = ctx_for(strict)
    assert strict.parse("embassy(usa, f) & treaties(uk, f)", ctx).parsed.structure == "2i"
    for text, measure in [("embassy(usa, f) & treaties(uk, f) & embassy(uk, f)", "atoms"),
                          ("embassy(usa, e1) & treaties(e1, f)", "variables"),
                          ("embassy(usa, f) | treaties(uk, f)", "branches"),
                          ("((embassy(usa, f)))", "depth")]:
        with pytest.raises(InputTooLargeError) as e:
            strict.parse(text, ctx)
        assert e.value.details["measure"] == measure


DEEP_CHAIN = "embassy(usa, f) & (" * 2999 + "embassy(usa, f)" + ")" * 2999
DEEP_ALTERNATION = "embassy(usa, f) | (embassy(uk, f) & (" * 1500 + "embassy(usa, f)" + "))" * 1500
DEEP_PARENS = "(" * 3000 + "embassy(usa, f)" + ")" * 3000


@pytest.mark.parametrize("text", [DEEP_PARENS, DEEP_CHAIN, DEEP_ALTERNATION, "(" * 3000, ")" * 3000 + "("])
def test_deep_nesting_is_refused_never_a_recursion_error(kg_backend, text):
    with pytest.raises((InputTooLargeError, TranslationError)):
        kg_backend.parse(text, ctx_for(kg_backend))


@pytest.mark.parametrize("text", [DEEP_CHAIN, DEEP_ALTERNATION])
def test_a_3000_deep_tree_is_built_and_measured_without_recursion(text):
    with pytest.raises(InputTooLargeError) as e:
        parse_query(text, QueryLimits(depth=10**6))  # the depth limit lifted: lark and the size checks see it
    assert e.value.details["measure"] == "atoms"


def test_deep_parentheses_around_one_atom_parse_when_allowed():
    q = parse_query(DEEP_PARENS, QueryLimits(depth=10**6))
    assert q.structure == "1p" and str(q) == "embassy(usa, f)"


# -- top_k -------------------------------------------------------------------------------


def test_top_k_is_capped_by_the_server(kb_cache, nations_predictor):
    backend = KGBackend(Settings(cache_dir=kb_cache, max_top_k=5))
    ctx = ctx_for(backend, top_k=1000)
    sol = backend.solve(backend.parse("embassy(usa, f)", ctx), ctx, timeout=10)
    assert sol.status is Status.SOLVED and len(sol.answer) == 5


# -- the engine's timeout and cancel token -----------------------------------------------


def test_the_timeout_ends_a_long_query(kg_backend):
    ctx = ctx_for(kg_backend)
    f = kg_backend.parse(CLIQUE, ctx)
    start = time.perf_counter()
    sol = kg_backend.solve(f, ctx, timeout=0.5)
    assert sol.status is Status.TIMEOUT
    assert sol.message.startswith("the query ran past its 0.5 s timeout while ")
    assert time.perf_counter() - start < 10  # one step past the deadline, not the 14^5 evaluations


def test_the_cancel_token_ends_a_long_query(kg_backend):
    ctx = ctx_for(kg_backend)
    engine = ctx.data["resources"].engine
    q = kg_backend.parse(CLIQUE, ctx).parsed
    token = cancel.CancelToken()
    run_ctx = contextvars.copy_context()
    run_ctx.run(cancel.bind, token)  # how the Reasoner hands a request's token to its worker thread
    outcome: list[BaseException | None] = []

    def work() -> None:
        try:
            run_ctx.run(engine.run, q)  # no timeout: only the token can stop it
            outcome.append(None)
        except BaseException as e:  # noqa: BLE001 - the test inspects what ended the run
            outcome.append(e)

    worker = threading.Thread(target=work)
    worker.start()
    time.sleep(0.3)
    assert worker.is_alive()
    token.cancel("the client went away")
    worker.join(10)
    assert not worker.is_alive()
    assert isinstance(outcome[0], TimeoutError)
    assert "stopped while" in str(outcome[0]) and "the client went away" in str(outcome[0])
    assert not cancel.cancelled()  # the token belonged to that run's context only


# -- no training inside a request ----------------------------------------------------------


@pytest.mark.timeout(600)
def test_an_untrained_kg_answers_503_and_trains_once_in_the_background(tmp_path, nations):
    backend = KGBackend(Settings(cache_dir=tmp_path, kg_train_in_request=False))
    ctx = ctx_for(backend)
    f = backend.parse("embassy(usa, f)", ctx)  # parsing and lint need no predictor
    assert not is_trained(nations, tmp_path)
    trainers = set()
    for _ in range(3):
        start = time.perf_counter()
        with pytest.raises(BackendUnavailableError, match="the link predictor for KG 'nations' is being trained "
                                                          r"\(started \d+ s ago\); retry shortly") as e:
            backend.solve(f, ctx, timeout=10)
        assert time.perf_counter() - start < 1.0
        assert e.value.http_status == 503 and e.value.details["retry_after"] > 0
        trainers.add(ctx.data["resources"]._trainer)
    (trainer,) = trainers  # one thread however many requests asked
    trainer.join(540)
    sol = backend.solve(f, ctx, timeout=10)
    assert sol.status is Status.SOLVED and sol.answer
    assert is_trained(nations, tmp_path)
    # a fresh process (a new backend) finds the checkpoint and answers without training
    again = KGBackend(Settings(cache_dir=tmp_path, kg_train_in_request=False))
    assert again.solve(f, ctx_for(again), timeout=10).status is Status.SOLVED
