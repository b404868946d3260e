"""Planner micro-benchmarks that print numbers (speed targets live here, not in tests).

    python -m planners.bench planners --sizes 4,6,8 --engines fd-opt,fd-sat,pyperplan,auto --timeout 60
    python -m planners.bench overhead --repeats 3

No LLM here. The pipeline (an LLM translating, the planner solving, scores per split) is
``nesy bench``, which loads the embedded model with the shipped adapter, saves a resumable
run folder and writes a report::

    nesy bench --suite planning --size 4 --mode baseline --llm embedded   # LLM+P prompting
    nesy bench --suite planning --size 4 --mode ours --llm embedded

(``--suite blocksworld|gripper|logistics`` for one domain; ``NESY_EMBEDDED_LORA=none`` plus
its own ``--out`` for the base model without the adapter.)
"""

from __future__ import annotations

import statistics
import time

import typer

from planners.domains import bundled_domain
from planners.generators import GOAL_COMBOS, generate

app = typer.Typer(help="Planner micro-benchmarks (the LLM pipeline: nesy bench).", no_args_is_help=True)


def _csv(s: str) -> list[str]:
    return [x.strip() for x in s.split(",") if x.strip()]


@app.command()
def planners(
    domains: str = typer.Option("blocksworld,gripper,logistics"),
    sizes: str = typer.Option("4,6,8", help="Main-object counts (blocks, balls, packages)."),
    per_size: int = typer.Option(1, help="Problems per size."),
    engines: str = typer.Option("fd-opt,fd-sat,pyperplan,auto"),
    timeout: float = typer.Option(60.0),
    memory_mb: int = typer.Option(4096),
) -> None:
    """Solved count, median and max solve time per engine and domain (our subprocess wrapper)."""
    from planners.solving import solve_pddl

    print(f"{'domain':<12} {'engine':<10} {'solved':>7} {'optimal':>8} {'med s':>7} {'max s':>7} {'med wall':>9}")
    for d in _csv(domains):
        probs = [generate(d, int(n), GOAL_COMBOS[d][0], s) for n in _csv(sizes) for s in range(per_size)]
        for e in _csv(engines):
            times, walls, solved, optimal = [], [], 0, 0
            for p in probs:
                sol = solve_pddl(bundled_domain(d).pddl, p.pddl, engine=e, timeout=timeout, memory_mb=memory_mb)
                walls.append(sol.metrics.get("wall_seconds", 0.0))
                if sol.status.solved:
                    solved += 1
                    optimal += sol.status.value == "SOLVED_OPTIMALLY"
                    times.append(sol.metrics.get("solve_seconds", 0.0))
                else:
                    times.append(timeout)  # unsolved counts as the limit for median/max
            print(
                f"{d:<12} {e:<10} {solved:>3}/{len(probs):<3} {optimal:>8} {statistics.median(times):>7.2f} "
                f"{max(times):>7.2f} {statistics.median(walls):>9.2f}",
                flush=True,
            )


@app.command()
def overhead(repeats: int = typer.Option(3), engine: str = typer.Option("fd-opt")) -> None:
    """Our wrapper (fresh process, temp dir, validation) versus calling UP in-process."""
    import unified_planning as up
    from unified_planning.io import PDDLReader
    from unified_planning.shortcuts import OneshotPlanner, get_environment

    from planners.solving import solve_pddl
    from planners.worker import ENGINES

    get_environment().credits_stream = None
    probs = [generate("blocksworld", 4, "on", 1), generate("gripper", 3, "at", 2), generate("logistics", 2, "at", 3)]
    direct, wrapped = [], []
    for _ in range(repeats):
        for p in probs:
            dom = bundled_domain(p.domain).pddl
            t = time.perf_counter()
            prob = PDDLReader().parse_problem_string(dom, p.pddl)
            if ENGINES[engine][1]:
                prob.add_quality_metric(up.model.metrics.MinimizeSequentialPlanLength())
            with OneshotPlanner(name=ENGINES[engine][0]) as pl:
                res = pl.solve(prob, timeout=60)
            assert res.plan is not None
            direct.append(time.perf_counter() - t)
            t = time.perf_counter()
            sol = solve_pddl(dom, p.pddl, engine=engine, timeout=60)
            assert sol.status.solved
            wrapped.append(time.perf_counter() - t)
    md, mw = statistics.median(direct), statistics.median(wrapped)
    print(f"engine {engine}, {len(direct)} solves of 3 small problems")
    print(f"UP in-process (parse + solve):             median {md:.3f} s  max {max(direct):.3f} s")
    print(f"nesy wrapper (process + validate + parse): median {mw:.3f} s  max {max(wrapped):.3f} s")
    print(f"overhead: median {mw - md:+.3f} s per solve")


if __name__ == "__main__":
    app()
