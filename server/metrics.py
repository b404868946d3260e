"""Prometheus metrics in a per-app CollectorRegistry (no global state, so apps can coexist)."""

from __future__ import annotations

import re

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from server.schemas import TraceOut

__all__ = ["Metrics", "CONTENT_TYPE_LATEST", "STAGES", "stage_label"]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)

# Every stage label the server exports. Stage names carry per-clause indexes, repair rounds
# and statement labels ("translate.clause3.repair1", "translate.option B"), so labelling by
# the raw name would let one long text add a series per clause.
STAGES = frozenset({
    "detect", "context", "parse", "solve", "verbalize", "polish", "link",
    "translate", "translate.whole", "translate.objects", "translate.clause", "translate.assemble",
    "translate.program", "translate.declarations", "translate.form", "translate.premise",
    "translate.conclusion", "translate.constraint", "translate.option",
    "other",
})
_VARIANT = re.compile(r"(\.repair\d+)+$|\d+$|\s.*$")


def stage_label(name: str) -> str:
    """The base name of a stage ("translate.clause3.repair1" -> "translate.clause"); unknown -> "other"."""
    base = name
    while (stripped := _VARIANT.sub("", base, count=1)) != base:
        base = stripped
    return base if base in STAGES else "other"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("nesy_http_requests", "HTTP requests by route and status", ["method", "route", "status"], registry=r)
        self.latency = Histogram(
            "nesy_http_request_seconds", "HTTP request latency by route", ["route"], buckets=_LATENCY_BUCKETS, registry=r
        )
        self.in_flight = Gauge("nesy_http_in_flight", "requests being served now", registry=r)
        self.rejected = Counter("nesy_http_rejected", "requests refused before running", ["reason"], registry=r)
        self.stage_seconds = Histogram(
            "nesy_stage_seconds", "pipeline stage latency", ["stage"], buckets=_LATENCY_BUCKETS, registry=r
        )
        self.solver_outcomes = Counter("nesy_solver_outcomes", "solver outcomes by backend and status", ["kind", "status"], registry=r)
        self.llm_tokens = Counter("nesy_llm_tokens", "LLM tokens by direction", ["direction"], registry=r)
        self.job_items = Counter("nesy_job_items", "batch job items finished", ["outcome"], registry=r)
        # executor "local" (this process) or "ray" (a cluster; node: the Ray node id's first 8 hex digits)
        self.jobs = Counter("nesy_jobs", "batch jobs started (or resumed) by executor", ["executor"], registry=r)
        self.job_items_by_executor = Counter(
            "nesy_job_items_by_executor", "batch job items finished, by executor and node", ["executor", "node"], registry=r
        )
        self.job_item_retries = Counter(
            "nesy_job_item_retries", "job item attempts repeated because their worker was lost", ["executor"], registry=r
        )

    def observe_trace(self, trace: TraceOut) -> None:
        for s in trace.stages:
            self.stage_seconds.labels(stage_label(s.name)).observe(s.seconds)
        if trace.prompt_tokens:
            self.llm_tokens.labels("prompt").inc(trace.prompt_tokens)
        if trace.completion_tokens:
            self.llm_tokens.labels("completion").inc(trace.completion_tokens)

    def observe_outcome(self, kind: str | None, status: str) -> None:
        self.solver_outcomes.labels(kind or "unknown", status).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
