"""The ``kg`` backend: questions over a bundled KG → EFO-1 query → fuzzy answers with support."""

from __future__ import annotations

import importlib.util
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from nesy.backend import Context
from nesy.errors import BackendError, BackendUnavailableError, UnknownResourceError
from nesy.llm.base import BaseLLM, Constraint
from nesy.pairs import PairSource
from nesy.settings import Settings
from nesy.suite import SuiteFactory
from nesy.tracing import stage
from nesy.steps import Engine, Step
from nesy.translate import Exemplar, few_shot_messages, select_exemplars
from nesy.types import Formalization, Gold, Problem, Solution, Status, Trace, TranslateOptions

from kb.engine import EngineResult, QueryEngine
from kb.grammar import query_grammar
from kb.linking import link_entities
from kb.metrics import ranking_metrics
from kb.query import SEEN_STRUCTURES, Query, QueryLimits, dedupe, lint_query, parse_query, structure_candidates
from kb.sampler import QuerySampler
from kb.store import BUNDLED, KG, load_bundled, readable
from kb.templates import render_question
from kb.train import LinkPredictor, get_predictor, is_trained
from kb.truth import CalibratedTruth, ObservedTruth

__all__ = ["KGBackend", "KGResources"]

log = logging.getLogger("nesy.kb")

TOP_K = 10
RETRY_AFTER_S = 5  # the wait a 503 for a KG in training suggests; the bundled KGs train in seconds to minutes
SYSTEM = (
    "You translate a question about a knowledge graph into a query. A query is a list of atoms "
    "relation(head, tail) joined by & (and), | (or), with ! (not) before an atom. f is the answer; "
    "e1, e2 are unknown entities in between. Use only these relations: {relations}. "
    "Write only the query."
)
BASELINE_SYSTEM = (
    "Translate the question into a first-order query over the knowledge graph, like the examples. "
    "Write only the query."
)


@dataclass
class KGResources:
    """One KG with its predictor and engine, built lazily and kept for the process.

    With ``train_in_request`` off (the server), a KG whose predictor is not cached is never
    trained inside a request, which would run far past the request's timeout: the first
    request starts one background thread, and requests answer 503 until it is done.
    """

    kg: KG
    cache_dir: Any
    train_in_request: bool = True
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pred: LinkPredictor | None = None
    _engine: QueryEngine | None = None
    _exemplars: list[Exemplar] | None = None
    _trainer: threading.Thread | None = None
    _train_started: float = 0.0
    _train_error: Exception | None = None

    @property
    def engine(self) -> QueryEngine:
        with self._lock:
            if self._engine is None:
                if self._pred is None:
                    if not (self.train_in_request or is_trained(self.kg, self.cache_dir)):
                        raise self._not_ready()
                    self._pred = get_predictor(self.kg, self.cache_dir, progress=True)
                self._engine = QueryEngine(
                    self.kg, CalibratedTruth(self.kg, self._pred), observed=ObservedTruth(self.kg),
                    max_candidates=None if self.kg.num_entities <= 4096 else 256,
                )
            return self._engine

    def _not_ready(self) -> BackendError:
        """Start this KG's one background training if none has started (lock held); the error to answer."""
        name = self.kg.name
        if self._train_error is not None:
            return BackendError(f"training the link predictor for KG {name!r} failed: {self._train_error}",
                                stage="solve", kb=name)
        if self._trainer is None:
            self._train_started = time.monotonic()
            self._trainer = threading.Thread(target=self._train, name=f"nesy-kg-train-{name}", daemon=True)
            self._trainer.start()
        waited = time.monotonic() - self._train_started
        return BackendUnavailableError(
            f"the link predictor for KG {name!r} is being trained (started {waited:.0f} s ago); retry shortly",
            stage="solve", reason="training", kb=name, retry_after=RETRY_AFTER_S,
        )

    def _train(self) -> None:
        try:
            pred = get_predictor(self.kg, self.cache_dir, progress=False)
        except Exception as e:  # no caller to raise to: kept for the next request, and logged
            log.exception("training the link predictor for KG %r failed", self.kg.name)
            with self._lock:
                self._train_error = e
            return
        with self._lock:
            self._pred = pred

    def exemplars(self) -> list[Exemplar]:
        """Question → query pairs of the *seen* structures, grounded on train edges only."""
        with self._lock:
            if self._exemplars is None:
                sampler = QuerySampler(self.kg, full_splits=("train",), require_hard=False)
                rng = random.Random(f"exemplars/{self.kg.name}")
                pool = []
                for st in SEEN_STRUCTURES:
                    for sq in sampler.sample_many(st, 8, seed=10_000):
                        pool.append(Exemplar(_user_message(render_question(st, dict(sq.grounding), rng),
                                                           [v for k, v in sq.grounding if k.startswith("s")]),
                                             sq.text, st))
                self._exemplars = pool
            return self._exemplars


def _user_message(question: str, entities: list[str]) -> str:
    return f"Question: {question}\nEntities: {', '.join(entities) if entities else 'none found'}"


class KGContext(BaseModel):
    """What a KG request's ``context`` may hold; other keys are ignored."""

    kb: str | None = Field(None, max_length=200)
    top_k: int | None = Field(None, ge=1, description="answers to return, capped by the server's max_top_k")


class KGBackend:
    name = "kg"
    context_schema = KGContext

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._resources: dict[str, KGResources] = {}
        self._lock = threading.Lock()
        self._limits = QueryLimits.from_settings(self.settings)

    def available(self) -> tuple[bool, str]:
        # find_spec: checking must not pay for importing torch
        missing = [m for m in ("torch", "networkx", "scipy") if importlib.util.find_spec(m) is None]
        if missing:
            return False, f"missing dependency: {', '.join(missing)} (install nesy[kg])"
        return True, ""

    def detect(self, problem: Problem) -> float:
        return 1.0 if "kb" in problem.context else 0.0

    def resources(self, name: str) -> KGResources:
        key = str(name).lower()
        with self._lock:
            if key not in self._resources:
                if key not in BUNDLED:
                    raise UnknownResourceError(f"unknown KG {name!r}; bundled: {', '.join(BUNDLED)}", stage="context")
                self._resources[key] = KGResources(load_bundled(key), self.settings.cache_dir,
                                                   train_in_request=self.settings.kg_train_in_request)
            return self._resources[key]

    def context(self, problem: Problem) -> Context:
        name = problem.context.get("kb")
        if not name:
            raise UnknownResourceError(
                f"a kg problem needs context['kb'] naming a KG (one of {', '.join(BUNDLED)})", stage="context"
            )
        res = self.resources(name)
        return Context(
            kind="kg",
            problem=problem,
            data={"kb": res.kg.name, "resources": res},
            vocabulary={"relations": list(res.kg.relations), "entities": list(res.kg.entities)},
        )

    @staticmethod
    def _kg(ctx: Context) -> KG:
        return ctx.data["resources"].kg

    def grammar(self, ctx: Context) -> str:
        kg = self._kg(ctx)
        ents = ctx.data.get("linked") or kg.entities
        return query_grammar(kg.relations, ents).gbnf()

    def parse(self, text: str, ctx: Context) -> Formalization:
        kg = self._kg(ctx)
        q, dropped = dedupe(parse_query(text, self._limits))
        lint_query(q, kg.relation_id.keys(), kg.entity_id.keys())
        notes = [f"structure: {q.structure}"] + ([f"dropped {dropped} repeated atom(s)"] if dropped else [])
        return Formalization(kind="kg", text=str(q), parsed=q, language="efo1", notes=notes)

    async def translate(
        self, ctx: Context, llm: BaseLLM, options: TranslateOptions, trace: Trace
    ) -> Formalization:
        kg = self._kg(ctx)
        res: KGResources = ctx.data["resources"]
        question = ctx.problem.text
        pool = res.exemplars()
        parse = lambda text: self.parse(text, ctx)  # noqa: E731
        if options.mode == "baseline":
            shots = random.Random(0).sample(pool, min(options.exemplars, len(pool)))
            shots = [Exemplar(e.input.split("\n")[0], e.output, e.signature) for e in shots]
            messages = few_shot_messages(BASELINE_SYSTEM, shots, f"Question: {question}")
            constraint = None  # the baseline writes free text; its repairs are the same option as ours
            candidates: tuple[str, ...] = ()
        else:
            with stage(trace, "link", question) as rec:
                mentions = link_entities(question, kg.entities)
                linked = [m.entity for m in mentions]
                # relations named in the question narrow the grammar further; none named: all
                rel_mentions = link_entities(question, kg.relations)
                rels = [m.entity for m in rel_mentions] or list(kg.relations)
                rec.output = {"entities": [{"entity": m.entity, "score": m.score} for m in mentions],
                              "relations": [{"relation": m.entity, "score": m.score} for m in rel_mentions]}
            ctx.data["linked"] = linked
            user = _user_message(question, linked)
            shots = select_exemplars(user, pool, options.exemplars)
            system = SYSTEM.format(relations=", ".join(kg.relations))
            messages = few_shot_messages(system, shots, user)
            constraint = Constraint(grammar=query_grammar(rels, linked or kg.entities, unions=True).gbnf())
            # the finite choice of a query structure over the named anchors and relations
            candidates = tuple(structure_candidates(linked, [m.entity for m in rel_mentions], question=question))
        engine = Engine(llm, options, trace)
        got = await engine.run(Step("kg.query", messages, parse, constraint=constraint, candidates=candidates,
                                    stop=("\n",),
                                    max_tokens=min(options.max_tokens, 120), label="translate", source=question))
        return got.value.model_copy(update={"repairs": engine.repairs})

    def _query(self, f: Formalization, ctx: Context) -> Query:
        return f.parsed if isinstance(f.parsed, Query) else self.parse(f.text, ctx).parsed

    def run(self, f: Formalization, ctx: Context) -> EngineResult:
        return ctx.data["resources"].engine.run(self._query(f, ctx))

    def solve(self, f: Formalization, ctx: Context, *, timeout: float) -> Solution:
        kg = self._kg(ctx)
        engine: QueryEngine = ctx.data["resources"].engine
        q = self._query(f, ctx)
        start = time.perf_counter()
        try:
            result = engine.run(q, timeout=timeout)
        except TimeoutError as e:
            return Solution(status=Status.TIMEOUT, backend="kg", message=str(e),
                            metrics={"seconds": time.perf_counter() - start})
        seconds = time.perf_counter() - start
        top_k = max(1, min(int(ctx.problem.context.get("top_k") or TOP_K), self.settings.max_top_k))
        top = result.top(top_k)
        answers = [{"entity": kg.entities[i], "truth": round(t, 4)} for i, t in top]
        support = [
            {"entity": kg.entities[i], "truth": round(t, 4), "edges": engine.explain(result, i)} for i, t in top[:5]
        ]
        return Solution(
            status=Status.SOLVED,
            answer=answers,
            certificate={"query": str(q), "structure": q.structure, "support": support,
                         "answers_with_truth": int(np.sum(result.vector > 0))},
            backend="kg",
            engine="complex-n3+calibrated-fuzzy",
            metrics={"seconds": seconds},
            message="" if answers else "no entity satisfies the query with truth above 0",
        )

    def verbalize(self, s: Solution, ctx: Context) -> str:
        if not s.answer:
            return f"No answer: {s.message or s.status.value}."
        lines = [f"Top answers ({s.certificate.get('structure', '?')} query {s.certificate.get('query', '')}):"]
        support = {x["entity"]: x["edges"] for x in s.certificate.get("support", [])}
        for rank, a in enumerate(s.answer, 1):
            line = f"{rank}. {readable(a['entity'])} (truth {a['truth']:.2f})"
            edges = support.get(a["entity"])
            if edges:
                line += " because " + "; ".join(_edge_text(e) for e in edges)
            lines.append(line)
        return "\n".join(lines)

    def score(self, f: Formalization | None, s: Solution | None, gold: Gold, ctx: Context) -> dict[str, float]:
        kg = self._kg(ctx)
        out: dict[str, float] = {}
        gold_q = parse_query(gold.formal, self._limits) if gold.formal else None
        hard = [kg.entity(a) for a in (gold.answer or [])]
        easy = [kg.entity(a) for a in gold.extra.get("easy", [])]
        if gold_q is not None:
            out["exact_match"] = float(f is not None and self._query(f, ctx).canonical() == gold_q.canonical())
        if hard:
            if f is None or s is None or not s.status.solved:
                out.update({"mrr": 0.0, "hits@1": 0.0, "hits@3": 0.0, "hits@10": 0.0})
            else:
                out.update(ranking_metrics(self.run(f, ctx).vector, hard, easy))
        return out

    # -- what else the entry point provides (optional capabilities of nesy.backend.Backend) ---

    def suites(self) -> dict[str, SuiteFactory]:
        """The KG query suites (``kb.suites.SUITES``), one per bundled KG."""
        from kb.suites import SUITES

        return dict(SUITES)

    def pair_source(self) -> PairSource:
        """kg has no training-pair source yet: ``nesy train`` draws from planning and logic."""
        from nesy.errors import ConfigError

        raise ConfigError("kg has no training-pair source yet: train on planning and logic (--formalism)")

    def inventory(self) -> dict[str, list[dict[str, object]]]:
        """For ``nesy backends``: the query engine, and each bundled KG with whether its link
        predictor is trained and cached (one stat; nothing is trained or loaded but the triples)."""
        from nesy.errors import NesyError

        from kb.train import DEFAULT_CONFIGS, TrainConfig, checkpoint_path

        engines = [{"name": "complex-n3+calibrated-fuzzy", "available": True,
                    "detail": "ComplEx-N3 link predictor with calibrated fuzzy truth values (torch)"}]
        kgs: list[dict[str, object]] = []
        for name in BUNDLED:
            try:
                kg = load_bundled(name)
            except NesyError as e:  # pykeen's files are missing: the error says where
                kgs.append({"name": name, "available": False, "trained": False, "detail": str(e)})
                continue
            trained = is_trained(kg, self.settings.cache_dir)
            path = checkpoint_path(kg, DEFAULT_CONFIGS.get(name, TrainConfig()), self.settings.cache_dir)
            size = f"{kg.num_entities} entities, {kg.num_relations} relations, {len(kg.triples())} triples"
            state = f"link predictor trained, cached at {path}" if trained else (
                "link predictor not trained yet: the first query trains it")
            kgs.append({"name": name, "available": True, "trained": trained, "checkpoint": str(path),
                        "detail": f"{size}; {state}"})
        return {"engines": engines, "kgs": kgs}


def _edge_text(e: dict[str, Any]) -> str:
    fact = f"{readable(e['head'])} {readable(e['relation'])} {readable(e['tail'])}"
    if e["negated"]:
        return f"not ({fact}) [{'observed as true, so false' if e['observed'] else 'predicted absent'}, truth {e['truth']:.2f}]"
    return f"{fact} [{'observed' if e['observed'] else 'predicted'}, truth {e['truth']:.2f}]"
