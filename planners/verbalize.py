"""Plans as numbered sentences from action-name templates; every outcome gets a sentence. No LLM."""

from __future__ import annotations

from nesy.types import Solution, Status

from planners.domains import BundledDomain
from planners.pddl import DomainModel, parse_fact

__all__ = ["verbalize_plan", "step_sentence"]


def step_sentence(step: str, domain: DomainModel | None, bundled: BundledDomain | None) -> str:
    """One action as a sentence: a bundled template, else one derived from the action's parameters."""
    name, *args = parse_fact(step)
    params = domain.actions.get(name) if domain else None
    if params is not None and len(params) == len(args):
        names = [p for p, _ in params]
        if bundled and name in bundled.templates:
            try:
                return bundled.templates[name].format(**dict(zip(names, args)))
            except (KeyError, IndexError):
                pass
        parts = [f"{t} {a}" if t != "object" else a for (_, t), a in zip(params, args)]
        verb = name.replace("-", " ").replace("_", " ")
        return f"{verb[:1].upper()}{verb[1:]}" + (f": {', '.join(parts)}." if parts else ".")
    verb = name.replace("-", " ").replace("_", " ")
    return f"{verb[:1].upper()}{verb[1:]} {' '.join(args)}.".replace(" .", ".")


def verbalize_plan(s: Solution, domain: DomainModel | None = None, bundled: BundledDomain | None = None) -> str:
    plan = s.answer if isinstance(s.answer, list) else None
    if s.status.solved and plan is not None:
        if not plan:
            return "The goal already holds: nothing needs to be done."
        lines = [f"{i}. {step_sentence(step, domain, bundled)}" for i, step in enumerate(plan, 1)]
        quality = "This plan is optimal" if s.status == Status.SOLVED_OPTIMALLY else "This plan is valid but may not be the shortest"
        return "\n".join(lines) + f"\n{quality} ({len(plan)} step{'s' if len(plan) != 1 else ''}, checked by the plan validator)."
    if s.status == Status.UNSOLVABLE:
        proven = s.certificate.get("unsolvable_proven")
        return "The goal cannot be reached from the initial state" + (
            " (the planner proved it)." if proven else " (the planner's search found no plan, without a proof)."
        )
    if s.status == Status.TIMEOUT:
        return f"No plan was found within the time limit. {s.message}".strip()
    if s.status == Status.MEMOUT:
        return "The planner ran out of memory before finding a plan."
    if s.status == Status.UNSUPPORTED:
        return f"This problem needs features the chosen planner does not support. {s.message}".strip()
    return f"Planning failed: {s.message or s.status.value}"
