"""`nesy plan`, `nesy prove`, `nesy query` (issue 17): real planners, real Z3, a real bundled KG.

Exit codes: 0 answered, 1 no answer (unsolvable, timeout), 2 bad input or configuration;
a parse error prints its line, column and symbol with the offending line; --json is the
HTTP formal endpoints' shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from nesy.backend import load_backends
from nesy.cli import app
from nesy.settings import Settings
from planners.solving import available_engines
from tests.logic.test_csp_smtlib import PUZZLE
from tests.server.problems import (
    BLOCKS_PROBLEM,
    KG_QUERY,
    LOGIC_BAD,
    LOGIC_PROGRAM,
    MALFORMED_PROBLEM,
    SMTLIB_UNSAT,
    pigeonhole,
    tower_reversal,
)

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "planners" / "domains" / "blocksworld.pddl"
# no NESY_* setting of the CI environment may change what these commands do
BASE_ENV = {"NESY_SOLVE_TIMEOUT": None, "NESY_MAX_TIMEOUT": None, "NESY_MAX_TOP_K": None}

UNSOLVABLE = """(define (problem cycle) (:domain blocksworld)
  (:objects a b - block)
  (:init (ontable a) (ontable b) (clear a) (clear b) (handempty))
  (:goal (and (on a b) (on b a))))"""



def nesy(*args: str, env: dict[str, Any] | None = None, input: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env={**BASE_ENV, **(env or {})}, input=input)


def as_json(r: Result) -> dict[str, Any]:
    return json.loads(r.stdout)


@pytest.fixture()
def write(tmp_path: Path):
    def write(name: str, text: str) -> str:
        p = tmp_path / name
        p.write_text(text)
        return str(p)

    return write


def _caret_column(output: str, source_line: str) -> int:
    """The 1-based column the caret under the quoted source line points at."""
    lines = output.splitlines()
    i = next(i for i, l in enumerate(lines) if l.endswith(f"| {source_line}"))
    quoted, caret = lines[i], lines[i + 1]
    return caret.index("^") - quoted.index("| ") - 1


# -- nesy plan -----------------------------------------------------------------------------


def test_plan_prints_the_validated_plan(write) -> None:
    r = nesy("plan", "blocksworld", write("p.pddl", BLOCKS_PROBLEM))
    assert r.exit_code == 0, r.output
    steps = [l for l in r.stdout.splitlines() if l[:1].isdigit()]
    assert [s.split(".")[0] for s in steps] == ["1", "2", "3", "4", "5", "6"], r.stdout
    assert "plan validator" in r.stdout and "SOLVED" in r.output


def test_plan_json_from_domain_and_problem_files(write) -> None:
    r = nesy("plan", str(DOMAIN), write("p.pddl", BLOCKS_PROBLEM), "--engine", "fd-opt", "--json")
    assert r.exit_code == 0, r.output
    body = as_json(r)
    sol = body["solution"]
    assert body["kind"] == "planning" and sol["status"] == "SOLVED_OPTIMALLY" and sol["engine"] == "fd-opt", sol
    assert len(sol["answer"]) == 6 and sol["certificate"]["validation"]["valid"] is True, sol
    assert body["timeout"] == 60.0 and [s["name"] for s in body["trace"]["stages"]][:2] == ["context", "parse"]


def test_plan_unsolvable_exits_1(write) -> None:
    r = nesy("plan", "blocksworld", write("u.pddl", UNSOLVABLE))
    assert r.exit_code == 1, r.output
    assert "UNSOLVABLE" in r.output and "cannot be reached" in r.stdout


def test_plan_timeout_is_clamped_by_settings_and_exits_1(write) -> None:
    r = nesy("plan", "blocksworld", write("big.pddl", tower_reversal(40)), "--timeout", "100", "--json",
             env={"NESY_MAX_TIMEOUT": "0.5"})
    assert r.exit_code == 1, r.output
    body = as_json(r)
    assert body["timeout"] == 0.5 and body["solution"]["status"] == "TIMEOUT", body["solution"]


def test_plan_parse_error_shows_line_column_and_symbol(write) -> None:
    path = write("bad.pddl", MALFORMED_PROBLEM)
    r = nesy("plan", "blocksworld", path)
    assert r.exit_code == 2, r.output
    assert f"at line 4, column 24 of {path}, symbol 'levitating'" in r.output, r.output
    bad_line = MALFORMED_PROBLEM.splitlines()[3]
    assert _caret_column(r.output, bad_line) == 24 and bad_line[23:].startswith("(levitating"), r.output
    err = as_json(nesy("plan", "blocksworld", path, "--json"))["error"]
    assert (err["type"], err["line"], err["col"], err["symbol"]) == ("translation_error", 4, 24, "levitating"), err


def test_a_broken_domain_file_is_a_parse_error_with_its_line(write) -> None:
    broken = DOMAIN.read_text().replace("(:predicates", "(:predicates (", 1)
    r = nesy("plan", write("domain.pddl", broken), write("p.pddl", BLOCKS_PROBLEM), "--json")
    assert r.exit_code == 2, r.output
    err = as_json(r)["error"]
    assert err["type"] == "translation_error" and isinstance(err["line"], int), err


def test_an_error_is_shown_in_the_file_it_names() -> None:
    """The planner reports which text (``part``) an error is in: its line is quoted from that file."""
    from io import StringIO

    from rich.console import Console

    from nesy.cli_formal import Source, fail
    from nesy.errors import TranslationError

    out = StringIO()
    sources = {"problem": Source("p.pddl", "(define (problem x)\n  (:init (on a b)))"),
               "domain": Source("d.pddl", "(define (domain d)\n  (:predicates (on ?x ?y) (foo)\n")}
    err = TranslationError("domain PDDL error: bad", line=2, col=28, symbol="foo", part="domain")
    assert fail(err, Console(file=out, width=200), as_json=False, sources=sources) == 2
    text = out.getvalue()
    assert "at line 2, column 28 of d.pddl, symbol 'foo'" in text, text
    assert _caret_column(text, "  (:predicates (on ?x ?y) (foo)") == 28, text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["blocksworld", "PROBLEM", "--engine", "foo"], "unknown planning engine 'foo'"),
        (["nosuchdomain", "PROBLEM"], "unknown planning domain 'nosuchdomain'"),
        (["missing/domain.pddl", "PROBLEM"], "domain file 'missing/domain.pddl' does not exist"),
        (["blocksworld", "missing.pddl"], "problem file 'missing.pddl' does not exist"),
        (["blocksworld", "PROBLEM", "--timeout", "0"], "Invalid value for '--timeout'"),
    ],
)
def test_plan_bad_configuration_exits_2(write, args: list[str], message: str) -> None:
    problem = write("p.pddl", BLOCKS_PROBLEM)
    r = nesy("plan", *[problem if a == "PROBLEM" else a for a in args])
    assert r.exit_code == 2 and message in r.output, r.output


def test_plan_with_an_engine_that_is_not_installed_exits_2(write) -> None:
    r = nesy("plan", "blocksworld", write("p.pddl", BLOCKS_PROBLEM), "--engine", "enhsp")
    if "enhsp" in available_engines():  # Java and up-enhsp present: it plans like any engine
        assert r.exit_code == 0, r.output
    else:
        assert r.exit_code == 2 and "UNSUPPORTED" in r.output and "not installed" in r.output, r.output


# -- nesy prove ----------------------------------------------------------------------------


def test_prove_fol_program_true_with_its_reasons(write) -> None:
    r = nesy("prove", write("cat.fol", LOGIC_PROGRAM))
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("True") and "Cat(x) -> Animal(x)" in r.stdout and "Cat(Tom)" in r.stdout, r.stdout


def test_prove_reads_the_constraint_form_from_stdin() -> None:
    r = nesy("prove", "-", "--json", input=PUZZLE)
    assert r.exit_code == 0, r.output
    sol = as_json(r)["solution"]
    assert sol["answer"] == "B" and "The plum is the rightmost." in sol["certificate"]["unsat_core"], sol


def test_prove_smtlib_gives_the_unsat_core(write) -> None:
    r = nesy("prove", write("x.smt2", SMTLIB_UNSAT), "--json")
    assert r.exit_code == 0, r.output
    sol = as_json(r)["solution"]
    core = " ".join(sol["certificate"]["unsat_core"])
    assert sol["answer"] == "unsat" and "big" in core and "small" in core and "nonneg" not in core, sol


def test_prove_parse_error_shows_line_and_column() -> None:
    r = nesy("prove", "-", input=LOGIC_BAD)
    assert r.exit_code == 2, r.output
    bad_line = LOGIC_BAD.splitlines()[2]
    assert f"at line 3, column {len(bad_line) + 1} of <stdin>" in r.output, r.output  # the line ends too early
    assert _caret_column(r.output, bad_line) == len(bad_line) + 1, r.output


def test_prove_timeout_exits_1(write) -> None:
    r = nesy("prove", write("ph.smt2", pigeonhole(12)), "--timeout", "0.5")
    assert r.exit_code == 1, r.output
    assert "TIMEOUT" in r.output and "0.5 s" in r.output, r.output


def test_prove_missing_file_exits_2() -> None:
    r = nesy("prove", "no/such/program.fol", "--json")
    assert r.exit_code == 2 and "program file 'no/such/program.fol' does not exist" in r.output, r.output
    assert as_json(r)["error"]["type"] == "config_error"


# -- nesy query ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kg_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An empty cache: the first query trains the Nations predictor (~10 s), as on a fresh clone."""
    return {"NESY_CACHE_DIR": str(tmp_path_factory.mktemp("kg-cache"))}


def _nations(env: dict[str, str]) -> dict[str, Any]:
    """What `nesy backends` reports for Nations (the kg backend's inventory; the command is tested
    in test_backends_report.py)."""
    settings = Settings(cache_dir=Path(env["NESY_CACHE_DIR"]))
    inventory, problems = load_backends(["kg"], settings=settings).provide("inventory")
    assert not problems, problems
    return next(k for k in inventory["kg"]["kgs"] if k["name"] == "nations")


def test_query_trains_once_then_ranks_answers_with_their_edges(kg_env: dict[str, str]) -> None:
    assert _nations(kg_env)["trained"] is False
    r = nesy("query", "--kb", "nations", KG_QUERY, env=kg_env)
    assert r.exit_code == 0, r.output
    first = r.stdout.splitlines()[1]
    # netherlands militaryalliance uk / usa are observed edges: the top answers, with that edge
    assert first.startswith("1. ") and "observed" in first and "netherlands militaryalliance" in first, r.stdout
    assert _nations(kg_env)["trained"] is True  # `nesy backends` sees the cached predictor

    body = as_json(nesy("query", "--kb", "nations", "--top-k", "2", "--json", KG_QUERY, env=kg_env))
    answers = body["solution"]["answer"]
    assert len(answers) == 2 and answers[0]["truth"] >= answers[1]["truth"], answers
    assert answers[0]["entity"] in ("uk", "usa"), answers


@pytest.mark.parametrize(
    ("query", "message", "column"),
    [
        ("militaryalliance(netherlands f)", "unexpected 'f'", 30),
        ("militaryaliance(netherlands, f)", "did you mean 'militaryalliance'", 1),
    ],
)
def test_query_parse_error_shows_its_column(kg_env: dict[str, str], query: str, message: str, column: int) -> None:
    r = nesy("query", "--kb", "nations", query, env=kg_env)
    assert r.exit_code == 2 and message in r.output, r.output
    assert f"at line 1, column {column} of the query" in r.output and _caret_column(r.output, query) == column, r.output


def test_query_unknown_kb_exits_2(kg_env: dict[str, str]) -> None:
    r = nesy("query", "--kb", "atlantis", "--json", KG_QUERY, env=kg_env)
    assert r.exit_code == 2 and "unknown KG 'atlantis'" in r.output, r.output
    assert as_json(r)["error"]["type"] == "not_found"


CONTRAPOSITION = ("const Bob\npred Big/1\npred Red/1\n"
                  "premise: forall x. Big(x) -> Red(x)\npremise: not Red(Bob)\nconclusion: Big(Bob)\n")


@pytest.mark.parametrize("reading,answer", [("classical", "False"), ("forward", "Unknown"), ("closed-world", "False")])
def test_prove_reading_reaches_the_solver(reading: str, answer: str) -> None:
    r = nesy("prove", "-", "--json", "--reading", reading, input=CONTRAPOSITION)
    assert r.exit_code == 0, r.output
    assert as_json(r)["solution"]["answer"] == answer, r.stdout


def test_prove_unknown_reading_exits_2() -> None:
    r = nesy("prove", "-", "--reading", "fuzzy", input=CONTRAPOSITION)
    assert r.exit_code == 2 and "reading" in r.output and "closed-world" in r.output, r.output
