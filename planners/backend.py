"""The planning backend: natural language -> PDDL problem -> plan from a real planner -> sentences.

Domains come from the bundled library (``context["domain"]``) or as text
(``context["domain_pddl"]``). Solving runs in subprocesses (see ``solving``); parsing and
validation use unified-planning in-process under one lock.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import threading
from collections import OrderedDict

from pydantic import BaseModel, Field

from nesy.backend import Context
from nesy.settings import Settings
from nesy.errors import ConfigError
from nesy.llm.base import BaseLLM
from nesy.pairs import PairSource
from nesy.sandbox import Sandbox
from nesy.suite import SuiteFactory
from nesy.types import Formalization, Gold, Problem, Solution, Status, Trace, TranslateOptions

from nesy.translate import tokens
from planners.derived import NOTE as DERIVED_NOTE
from planners.domains import DOMAINS, BundledDomain, bundled_domain
from planners.grammar import problem_grammar
from planners.lint import check_contradictions, check_fact, check_goal_not_true
from planners.pddl import DomainModel, ParsedProblem, parse_domain, parse_problem, split_domain_and_problem
from planners.solving import ENGINE_NAMES, WORKER_MODULE, goal_already_holds, solve_pddl
from planners.translation import PlanningTask, translate_baseline, translate_ours
from planners.validate import validate_plan
from planners.verbalize import verbalize_plan

__all__ = ["PlanningBackend"]

_CUES = re.compile(
    r"\b(blocks?|stack(ed)?|unstack|gripper|truck|airplane|packages?|deliver|robot|plan|goal is|your goal|pddl)\b",
    re.IGNORECASE,
)


class PlanningContext(BaseModel):
    """What a planning request's ``context`` may hold; other keys are ignored."""

    domain: str | None = Field(None, max_length=200)
    domain_pddl: str | None = None
    example_nl: str | None = None
    example_pddl: str | None = None
    engine: str | None = Field(None, max_length=40)
    memory_mb: int | None = Field(None, ge=1, description="solver memory (MB), capped by the server's solve_memory_mb")


class PlanningBackend:
    name = "planning"
    context_schema = PlanningContext

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.memory_mb = self.settings.solve_memory_mb  # the server's cap; a request may ask for less
        # builds no process until the first solve
        self.sandbox = Sandbox(WORKER_MODULE, spares=self.settings.sandbox_spares, memory_mb=self.memory_mb)
        # parsed domains by content hash, least recently used first: clients can send any number of domains
        self._domains: OrderedDict[str, DomainModel] = OrderedDict()
        self._domains_lock = threading.Lock()

    # -- contract ----------------------------------------------------------------------

    def available(self) -> tuple[bool, str]:
        missing = [m for m in ("unified_planning", "up_fast_downward") if importlib.util.find_spec(m) is None]
        if missing:
            return False, f"missing packages: {', '.join(missing)} (pip install unified-planning up-fast-downward)"
        return True, ""

    def detect(self, problem: Problem) -> float:
        if "domain" in problem.context or "domain_pddl" in problem.context:
            return 1.0
        hits = len(_CUES.findall(problem.text))
        return min(0.8, 0.25 * hits)

    def context(self, problem: Problem) -> Context:
        c = problem.context
        bundled: BundledDomain | None = None
        example_nl, example_pddl = c.get("example_nl"), c.get("example_pddl")
        if c.get("domain_pddl"):
            text = str(c["domain_pddl"])
        elif c.get("domain"):
            bundled = bundled_domain(str(c["domain"]))
            text = bundled.pddl
        else:
            bundled = choose_domain(problem.text)
            if bundled is None:
                raise ConfigError(
                    "planning needs a domain and none of the bundled ones fits the text: context['domain'] = "
                    f"one of {', '.join(sorted(DOMAINS))}, or context['domain_pddl'] = the domain's PDDL text",
                    stage="context",
                )
            text = bundled.pddl
        domain = self._domain(text)
        if bundled is not None and example_nl is None:
            example_nl, example_pddl = _bundled_example(bundled.name)
        engine = str(c.get("engine", "auto"))
        if engine not in ENGINE_NAMES:
            raise ConfigError(f"unknown planning engine {engine!r}; choose one of {', '.join(ENGINE_NAMES)}", stage="context")
        return Context(
            kind="planning",
            problem=problem,
            data={
                "domain": domain,
                "bundled": bundled,
                "example_nl": example_nl,
                "example_pddl": example_pddl,
                "engine": engine,
                "memory_mb": self.sandbox.memory_limit(c.get("memory_mb")),
            },
            vocabulary={
                "predicates": sorted(domain.predicates),
                "types": sorted(domain.types),
                "actions": sorted(domain.actions),
                "constants": sorted(domain.constants),
            },
        )

    def grammar(self, ctx: Context) -> str:
        return problem_grammar(ctx.data["domain"])

    def parse(self, text: str, ctx: Context, *, formal: bool = True) -> Formalization:
        domain: DomainModel = ctx.data["domain"]
        inline_domain, problem_text = split_domain_and_problem(text)
        if inline_domain is not None:  # a whole domain + problem pasted as one text
            domain = self._domain(inline_domain)
        # formal input is read as written: the lints about what a model wrote run in _parse_model
        parsed = parse_problem(domain, problem_text, formal=formal)
        return Formalization(
            kind="planning",
            text=problem_text.strip(),
            parsed=parsed,
            language="pddl",
            notes=[*domain.notes, *parsed.notes],
        )

    def _parse_model(self, text: str, ctx: Context) -> Formalization:
        """What a model wrote: parsed, then linted (contradictions, goal already true, ...)."""
        f = self.parse(text, ctx, formal=False)
        inline = split_domain_and_problem(text)[0] is not None
        self._lint(f.parsed, ctx.data.get("bundled") if not inline else None)
        return f

    async def translate(self, ctx: Context, llm: BaseLLM, options: TranslateOptions, trace: Trace) -> Formalization:
        task = self._task(ctx)
        if options.mode == "baseline":
            return await translate_baseline(task, llm, options, trace)
        if options.mode == "ours":
            return await translate_ours(task, llm, options, trace)
        raise ConfigError(f"unknown translation mode {options.mode!r}; use 'ours' or 'baseline'", stage="translate")

    def solve(self, f: Formalization, ctx: Context, *, timeout: float) -> Solution:
        parsed: ParsedProblem = f.parsed if isinstance(f.parsed, ParsedProblem) else self.parse(f.text, ctx).parsed
        if parsed.goal_holds_initially():
            return goal_already_holds(ctx.data.get("engine", "auto"))
        sol = solve_pddl(
            parsed.domain.text,
            parsed.text,
            engine=ctx.data.get("engine", "auto"),
            timeout=timeout,
            memory_mb=ctx.data.get("memory_mb"),
            relax_names=parsed.domain.relax_names or parsed.relax_names,
            sandbox=self.sandbox,
        )
        if sol.status == Status.SOLVED_OPTIMALLY and any(n.startswith(DERIVED_NOTE) for n in parsed.domain.notes):
            # optimal counting derive steps, which the original domain does not have
            sol = sol.model_copy(update={"status": Status.SOLVED, "certificate": {**sol.certificate, "optimal": False}})
        if parsed.renamed and isinstance(sol.answer, list):
            # the planner saw renamed objects (an object named like a predicate); the user sees theirs
            sol = sol.model_copy(update={"answer": parsed.plan_in_problem_names(sol.answer)})
        return sol

    def verbalize(self, s: Solution, ctx: Context) -> str:
        return verbalize_plan(s, ctx.data.get("domain"), ctx.data.get("bundled"))

    def score(self, f: Formalization | None, s: Solution | None, gold: Gold, ctx: Context) -> dict[str, float]:
        """translation_exact, facts_f1, solved, plan_valid (against the gold problem), plan_optimal."""
        domain: DomainModel = ctx.data["domain"]
        scores = {"translation_exact": 0.0, "facts_f1": 0.0, "solved": 0.0, "plan_valid": 0.0, "plan_optimal": 0.0}
        gold_parsed = parse_problem(domain, gold.formal, formal=True) if gold.formal else None
        if gold_parsed is not None and f is not None and isinstance(f.parsed, ParsedProblem):
            mine, ref = f.parsed, gold_parsed
            scores["translation_exact"] = float(mine.init == ref.init and mine.goal == ref.goal)
            got = {("i", *x) for x in mine.init} | {("g", *x) for x in mine.goal}
            want = {("i", *x) for x in ref.init} | {("g", *x) for x in ref.goal}
            tp = len(got & want)
            scores["facts_f1"] = 2 * tp / (len(got) + len(want)) if got or want else 1.0
        if s is not None and s.status.solved and isinstance(s.answer, list):
            scores["solved"] = 1.0
            if gold_parsed is not None:
                check = validate_plan(domain.text, gold_parsed.text, s.answer)
                scores["plan_valid"] = float(check.valid)
                optimum = gold.answer if gold.answer is not None else gold.extra.get("optimal_length")
                if check.valid and optimum is not None:
                    scores["plan_optimal"] = float(len(s.answer) == int(optimum))
        return scores

    # -- helpers ---------------------------------------------------------------------------

    def _domain(self, text: str) -> DomainModel:
        key = hashlib.sha256(text.encode()).hexdigest()
        with self._domains_lock:
            if key in self._domains:
                self._domains.move_to_end(key)
                return self._domains[key]
        domain = parse_domain(text)  # outside the lock: a slow parse does not hold up other requests
        with self._domains_lock:
            self._domains[key] = domain
            self._domains.move_to_end(key)
            while len(self._domains) > max(0, self.settings.domain_cache_size):
                self._domains.popitem(last=False)
        return domain

    def _lint(self, parsed: ParsedProblem, bundled: BundledDomain | None) -> None:
        for f in [*parsed.init, *parsed.goal]:
            check_fact(f, parsed.domain, parsed.objects)
        check_contradictions(parsed.init, bundled, "initial state")
        check_contradictions(parsed.goal, bundled, "goal")
        check_goal_not_true(parsed.init, parsed.goal)

    def _task(self, ctx: Context) -> PlanningTask:
        from planners.generators import clause_exemplars, object_exemplars

        bundled: BundledDomain | None = ctx.data.get("bundled")
        name = bundled.name if bundled else None
        return PlanningTask(
            text=ctx.problem.text,
            domain=ctx.data["domain"],
            bundled=bundled,
            parse=lambda text: self._parse_model(text, ctx),
            clause_pool=clause_exemplars(name) if name else [],
            object_pool=object_exemplars(name) if name else [],
            example_nl=ctx.data.get("example_nl"),
            example_pddl=ctx.data.get("example_pddl"),
        )

    # -- what else the entry point provides (optional capabilities of nesy.backend.Backend) ---

    def suites(self) -> dict[str, SuiteFactory]:
        """The planning suites (``planners.suites.SUITES``): generated, and LLM+P's."""
        from planners.suites import SUITES

        return dict(SUITES)

    def pair_source(self) -> PairSource:
        """Training pairs recorded from this backend's translate() (``nesy train``)."""
        from train.sources.planning import PlanningPairs

        return PlanningPairs(backend=self)

    def inventory(self) -> dict[str, list[dict[str, object]]]:
        """For ``nesy backends``: each engine as unified-planning's factory reports it (and whether
        it can run here), and the bundled domains. Imports unified-planning; starts no planner."""
        import shutil

        from unified_planning.shortcuts import get_environment

        from planners.solving import available_engines
        from planners.worker import ENGINES

        registered, usable = set(get_environment().factory.engines), set(available_engines())
        engines: list[dict[str, object]] = []
        for name, (up_name, optimal) in ENGINES.items():
            package = "up-" + up_name.removesuffix("-opt")
            java = "" if not name.startswith("enhsp") else (
                "; it also needs Java (found)" if shutil.which("java") else "; it also needs Java, and no `java` is on PATH")
            if up_name not in registered:
                why = f"unified-planning has no engine {up_name!r}: pip install {package}{java}"
            elif java.endswith("PATH"):
                why = "ENHSP runs on Java and there is no `java` on PATH"
            else:
                why = "" if name in usable else f"{package} is registered but not importable here"
            detail = why or f"{up_name} via unified-planning ({'optimal' if optimal else 'satisficing'})"
            engines.append({"name": name, "available": not why, "detail": detail, "up_engine": up_name})
        fd = all(e["available"] for e in engines if e["name"] in ("fd-opt", "fd-sat"))
        engines.insert(0, {"name": "auto", "available": fd, "detail": "Fast Downward: optimal search for half "
                           "the time, then satisficing" if fd else "needs fd-opt and fd-sat (pip install up-fast-downward)"})
        domains = [
            {"name": d.name, "available": True, "file": d.file,
             "detail": f"{d.file}, {d.pddl.count('(:action')} actions"}
            for d in DOMAINS.values()
        ]
        return {"engines": engines, "domains": domains}


def choose_domain(text: str) -> BundledDomain | None:
    """The bundled domain whose vocabulary (names in its PDDL and action templates) the text uses most."""
    words = set(tokens(text)) | {w.rstrip("s") for w in tokens(text)}
    best, best_hits = None, 0
    for d in DOMAINS.values():
        vocab = set(tokens(re.sub(r"[-_?]", " ", d.pddl + " " + " ".join(d.templates.values()))))
        vocab -= _PDDL_WORDS
        hits = len(words & vocab)
        if hits > best_hits:
            best, best_hits = d, hits
    return best


_PDDL_WORDS = {"define", "domain", "requirements", "strips", "typing", "types", "predicates", "action",
               "parameters", "precondition", "effect", "and", "not", "object", "the", "from", "to", "on", "of", "a"}


def _bundled_example(domain: str) -> tuple[str, str]:
    """The one NL/PDDL example pair the baseline shows: a small seen-composition problem."""
    from planners.generators import SEEN_GOALS, generate

    combo = sorted(SEEN_GOALS[domain])[0]
    p = generate(domain, 3 if domain == "blocksworld" else 2, combo, 99_999, name="example")
    return p.text, p.pddl


