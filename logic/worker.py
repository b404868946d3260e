"""The Z3 worker: run by ``nesy.sandbox`` as ``python -m logic.worker``, one request per process.

Z3 objects cannot cross processes, so the job carries the formal text; the worker parses it
again (the server already did, for its line/column errors) and decides it in a fresh context.
Z3's global parameters are set here and only here: the server's own Z3 is never touched.
"""

from __future__ import annotations

import resource
from typing import Any

import z3

from logic.decide import decide_text
from logic.language import parse_any
from nesy.sandbox import serve_jobs

__all__ = ["handle", "warm", "main"]

# Long chains of universally quantified implications (ProntoQA depth 5 and far beyond) make
# Z3's default E-matching give up with "incomplete quantifiers" (measured: 80 steps). Eager
# instantiation up to a higher generation decides 1000-step chains in milliseconds. Z3 reads
# this parameter only from its global table (a per-solver ``set`` has no effect, measured).
_EAGER_THRESHOLD = 1000


def warm() -> None:
    """Imports and grammars load while a spare waits, not on the request's clock."""
    z3.set_param("smt.qi.eager_threshold", _EAGER_THRESHOLD)
    parse_any("domain d = 1..2\nvar v : d\nconstraint: v == 1\n")
    parse_any("const c\npred P/1\npremise: P(c)\nconclusion: P(c)\n")


def handle(job: dict[str, Any]) -> dict[str, Any]:
    """``{"text", "timeout", "max_depth", "reading"}`` -> a Decision as JSON."""
    # Z3 weighs its own allocations against the sandbox's limit too; either way a check ends
    # with "out of memory" (a MEMOUT), not a crash.
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        z3.set_param("memory_max_size", soft // (1024 * 1024))
    return decide_text(job["text"], timeout=float(job["timeout"]), max_depth=int(job["max_depth"]),
                       reading=str(job.get("reading", "classical"))).to_json()


def main() -> None:
    serve_jobs(handle, warm)


if __name__ == "__main__":
    main()
