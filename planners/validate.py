"""Check a plan against a problem in-process with UP's sequential plan validator (by name).

It simulates the actions state by state, so it follows what the planner handles too:
negative and disjunctive conditions, quantifiers, equality, conditional effects.

Used for scoring a plan against the *gold* problem. The default validator chosen by
problem kind can be Tamer, which says INVALID without a reason; the sequential one names
the inapplicable action and its unmet preconditions, or the unsatisfied goals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from nesy.errors import TranslationError

from planners.pddl import UP_LOCK, parse_fact, problem_renames, read_problem, rename_plan, up_environment

__all__ = ["PlanCheck", "validate_plan"]


@dataclass(frozen=True)
class PlanCheck:
    valid: bool
    message: str = ""
    failed_step: int | None = None  # 1-based


def _action_instance(problem: Any, step: str, i: int) -> Any:
    import unified_planning as up

    try:
        name, *args = parse_fact(step)
    except TranslationError:
        raise ValueError(f"step {i}: {step!r} is not an action like (name arg ...)") from None
    actions = {a.name.lower(): a for a in problem.actions}
    objects = {o.name.lower(): o for o in problem.all_objects}
    if name not in actions:
        raise ValueError(f"step {i}: unknown action {name!r}")
    action = actions[name]
    if len(args) != len(action.parameters):
        raise ValueError(f"step {i}: {name} takes {len(action.parameters)} argument(s), got {len(args)}")
    missing = [a for a in args if a not in objects]
    if missing:
        raise ValueError(f"step {i}: unknown object {missing[0]!r}")
    return up.plans.ActionInstance(action, tuple(objects[a] for a in args))


def validate_plan(domain: str, problem: str, plan: list[str]) -> PlanCheck:
    """Is ``plan`` (steps like "(stack a b)") a valid plan for the problem? Says why not."""
    import unified_planning as up
    from unified_planning.shortcuts import PlanValidator

    with UP_LOCK:
        # read as parse_problem reads it ((either ...) compiled, constants declared), which is what was solved
        p, read_domain, _, relax = read_problem(domain, problem)
    # objects the reading renamed (named like a predicate): the plan names them as the problem does
    plan = rename_plan(plan, problem_renames(read_domain, problem))
    with up_environment(relax_names=relax), UP_LOCK:
        try:
            steps = [_action_instance(p, s, i + 1) for i, s in enumerate(plan)]
        except ValueError as e:
            return PlanCheck(False, str(e), int(re.match(r"step (\d+)", str(e)).group(1)))  # type: ignore[union-attr]
        with PlanValidator(name="sequential_plan_validator") as v:
            r = v.validate(p, up.plans.SequentialPlan(steps))
    if r.status.name == "VALID":
        return PlanCheck(True)
    msg = "; ".join(m.message for m in r.log_messages or []) or str(r.reason)
    failed = None
    m = re.search(r"(\d+)-th action", msg)
    if m:
        failed = int(m.group(1))  # UP counts from 1
        msg = re.sub(r"(\d+)-th action instance", f"step {failed}", msg)
    return PlanCheck(False, msg, failed)
