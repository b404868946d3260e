"""The pddlgym parse/solve table: PDDL written by others through ``Reasoner.solve_formal``.

    python -m benchmarks.pddlgym_table [--timeout 60] [--per-domain N] [--shard K/N] [--out FILE]

The ``pddlgym`` wheel (installed ``--no-deps`` as data; never imported: its files are found
with ``importlib.util.find_spec``) ships domains as ``pddl/<name>.pddl`` and their problems in
``pddl/<name>/`` and ``pddl/<name>_test/``. Every problem is solved satisficing with Fast
Downward (``fd-sat``) under ``--timeout``. A refusal (our reader says no) is checked against
unified-planning's own reader on the original text and against Fast Downward run directly on
the original files: a refusal that either of them handles is *avoidable* and counts as ours.
The first time-out of each domain gets the same direct Fast Downward run, so that a time-out
caused by our rewriting of the text would show.

A domain whose problems keep timing out would take hours of a 3,000-file run: once a domain
has ``--quick-after`` time-outs at the full limit, its remaining problems are solved under
``--quick-timeout`` instead, and their rows and the table say so. Refusals do not depend on
the limit, so the refusal column covers every file either way; ``--parse-only`` gives that
column alone, for every file in tens of minutes (our reader, then unified-planning's reader on the text
we would hand the planner), where solving all of them takes hours. ``--shard K/N`` runs every
N-th problem from the K-th, so that N processes share the run; each writes its own rows
(``FILE.jsonl.K``) and every table is built from all of them.

Rows go to ``FILE.jsonl`` (or its shard's file) one per problem as they finish, so a stopped run resumes where it
was (done rows are skipped); the table is written to ``FILE`` (markdown) and ``FILE.json``
atomically after every domain.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nesy.errors import NesyError

__all__ = ["Item", "pddlgym_root", "items", "solve_item", "table", "main"]


def pddlgym_root() -> Path:
    spec = importlib.util.find_spec("pddlgym")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pddlgym is not installed: pip install --no-deps pddlgym==0.0.7")
    return Path(next(iter(spec.submodule_search_locations))) / "pddl"


@dataclass(frozen=True)
class Item:
    domain: str  # the table's row: the folder's name without _test
    domain_file: Path
    problem_file: Path

    @property
    def key(self) -> str:
        return f"{self.problem_file.parent.name}/{self.problem_file.name}"


def _natural(p: Path) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", p.name)]


def items(root: Path, per_domain: int | None = None) -> list[Item]:
    """Problems by domain; a folder without ``<folder>.pddl`` takes the longest domain name it starts with."""
    domains = {p.stem: p for p in root.glob("*.pddl")}
    by_domain: dict[str, list[Item]] = defaultdict(list)
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        base = folder.name.removesuffix("_test")
        name = base if base in domains else max((d for d in domains if base.startswith(d)), key=len, default=None)
        if name is None:
            continue
        for f in sorted(folder.glob("*.pddl"), key=_natural):
            by_domain[base].append(Item(base, domains[name], f))
    out: list[Item] = []
    for name in sorted(by_domain):
        # train and test folders alternate so that a small sample sees both
        rows = sorted(by_domain[name], key=lambda i: (_natural(i.problem_file), i.problem_file.parent.name))
        out += rows[:per_domain] if per_domain else rows
    return out


# -- what unified-planning and Fast Downward make of the original text ------------------------------


def up_reads(domain: str, problem: str, relax_names: bool = False) -> str:
    """'' when UP's own reader parses the text, else its first error line (``relax_names``: a name
    may be used for two kinds of thing, as our solve path allows where the text does that)."""
    import warnings

    from unified_planning.io import PDDLReader

    from planners.pddl import up_environment

    with up_environment(relax_names), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            PDDLReader().parse_problem_string(domain, problem)
            return ""
        except Exception as e:  # noqa: BLE001 - the answer is the message
            return (str(e).splitlines() or [type(e).__name__])[0][:300]


def fd_solves(domain_file: Path, problem_file: Path, timeout: float) -> str:
    """Fast Downward run directly on the original files: 'solved', 'unsolvable', or why it failed.

    The limit covers FD's translator too (``--overall-time-limit``), as ours covers the whole solve:
    with ``--search-time-limit`` FD got unlimited grounding time and "solved" a footwear problem
    that took it 21 s under a 20 s limit."""
    spec = importlib.util.find_spec("up_fast_downward")
    if spec is None or spec.origin is None:
        return "not installed"
    fd = Path(spec.origin).parent / "downward" / "fast-downward.py"
    with tempfile.TemporaryDirectory(prefix="nesy-fd-") as tmp:
        # its own process group: on a time-out the driver's translate/search children go too
        proc = subprocess.Popen(
            [sys.executable, str(fd), "--plan-file", "plan", "--overall-time-limit", f"{int(timeout)}s",
             "--alias", "lama-first", str(domain_file), str(problem_file)],
            cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )
        try:
            out, err = proc.communicate(timeout=timeout + 30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return "timeout"
        r = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    # the driver's exit codes (driver/returncodes.py): 0-3 a plan was found; 10/11 proven
    # unsolvable; 12 the search gave up incomplete; 21/23/24 out of time; 20/22 out of memory
    if r.returncode in (0, 1, 2, 3):
        return "solved"
    if r.returncode in (10, 11):
        return "unsolvable"
    if r.returncode in (21, 23, 24):
        return "timeout"
    lines = [ln for ln in (r.stdout + r.stderr).splitlines() if ln.strip() and not ln.startswith(("INFO", "["))]
    return f"exit {r.returncode}: " + (lines[-1][:300] if lines else "")


# -- one problem -------------------------------------------------------------------------------


def read_item(reasoner: Any, domain: str, problem: str) -> None:
    """What ``solve_formal`` does before it plans: our reader, then unified-planning's reader on
    the text we hand the planner. Raises the NesyError a refusal would."""
    from nesy.types import Problem

    context = {"domain_pddl": domain, "engine": "fd-sat"}
    backend = reasoner.backend("planning")
    reasoner.check_context("planning", context)
    parsed = backend.parse(problem, backend.context(Problem(text="", kind="planning", context=context))).parsed
    why = up_reads(parsed.domain.text, parsed.text, parsed.domain.relax_names or parsed.relax_names)
    if why:
        raise NesyError(f"unified-planning cannot read the rewritten problem: {why}")


def solve_item(reasoner: Any, item: Item, timeout: float, fd_checks: dict[str, str],
               parse_only: bool = False) -> dict[str, Any]:
    from nesy.types import Status

    domain, problem = item.domain_file.read_text(), item.problem_file.read_text()
    row: dict[str, Any] = {"domain": item.domain, "file": item.key, "domain_file": item.domain_file.name}
    start = time.perf_counter()
    try:
        if parse_only:
            read_item(reasoner, domain, problem)
            row.update(parsed=True, status="PARSED", seconds=round(time.perf_counter() - start, 2))
            return row
        sol, _ = reasoner.solve_formal("planning", problem, {"domain_pddl": domain, "engine": "fd-sat"}, timeout=timeout)
    except NesyError as e:
        row.update(parsed=False, status="REFUSED", cause=str(e), seconds=round(time.perf_counter() - start, 2))
        row["up_reader"] = up_reads(domain, problem) or "parses"
        # one direct Fast Downward run per domain and cause: the answer hardly differs by problem
        key = item.domain + "|" + re.sub(r"line \d+.*", "", str(e))
        if key not in fd_checks:
            fd_checks[key] = fd_solves(item.domain_file, item.problem_file, timeout)
        row["fast_downward"] = fd_checks[key]
        row["avoidable"] = row["up_reader"] == "parses" or fd_checks[key] in ("solved", "unsolvable")
        return row
    status = sol.status.value if hasattr(sol.status, "value") else str(sol.status)
    if sol.status == Status.UNSOLVABLE:
        # "no plan" is a claim about the problem: Fast Downward alone must agree
        row["fast_downward"] = fd_solves(item.domain_file, item.problem_file, timeout)
    if sol.status == Status.TIMEOUT and f"{item.domain}|timeout" not in fd_checks:
        # the domain's first time-out: is it the problem's, or did our rewriting make it harder?
        fd_checks[f"{item.domain}|timeout"] = row["fast_downward"] = fd_solves(item.domain_file, item.problem_file, timeout)
    row.update(
        parsed=True,
        status=status,
        timeout_s=timeout,
        solved=sol.status in (Status.SOLVED, Status.SOLVED_OPTIMALLY),
        plan_length=len(sol.answer) if isinstance(sol.answer, list) else None,
        plan=sol.answer if isinstance(sol.answer, list) else None,
        message=sol.message[:300],
        seconds=round(time.perf_counter() - start, 2),
    )
    return row


# -- the table -------------------------------------------------------------------------------------


def table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    per: dict[str, dict[str, Any]] = {}
    for r in rows:
        d = per.setdefault(r["domain"], {"files": 0, "parsed": 0, "solved": 0, "other": defaultdict(int), "refusals": defaultdict(int)})
        d["files"] += 1
        d["parsed"] += int(r["parsed"])
        d["solved"] += int(bool(r.get("solved")))
        if not r["parsed"]:
            cause = re.sub(r" \(line \d+, column \d+\)", "", r["cause"])
            tag = "AVOIDABLE" if r.get("avoidable") else "also UP/FD"
            d["refusals"][f"{cause} [{tag}: UP reader {r['up_reader'][:80]!r}; FD {r['fast_downward'][:80]!r}]"] += 1
        elif not r.get("solved"):
            limit = r.get("timeout_s")
            d["other"][f"{r['status']} ({limit:g} s)" if r["status"] == "TIMEOUT" and limit else r["status"]] += 1
            if r["status"] == "TIMEOUT" and "fast_downward" in r:
                d["fd_on_timeout"] = r["fast_downward"]
    total = {k: sum(d[k] for d in per.values()) for k in ("files", "parsed", "solved")}
    total["avoidable_refusals"] = sum(1 for r in rows if not r["parsed"] and r.get("avoidable"))
    # a time-out that Fast Downward alone solves under the same limit is ours too
    total["timeouts_fd_solves"] = sum(1 for r in rows if r.get("status") == "TIMEOUT" and r.get("fast_downward") == "solved")
    total["unsolvable_fd_solves"] = sum(1 for r in rows if r.get("status") == "UNSOLVABLE"
                                        and r.get("fast_downward") == "solved")
    return {"domains": {k: {**v, "other": dict(v["other"]), "refusals": dict(v["refusals"])} for k, v in per.items()}, "total": total}


def markdown(t: dict[str, Any], args: argparse.Namespace) -> str:
    out = [
        (f"# pddlgym read as solve_formal reads it (parse only: nothing solved; per domain: {args.per_domain or 'all'})"
         if args.parse_only else
         f"# pddlgym through solve_formal (fd-sat, {args.timeout:g} s; {args.quick_timeout:g} s in a domain after "
         f"{args.quick_after} time-outs; per domain: {args.per_domain or 'all'})"), "",
        "| domain | files | parsed | solved | not solved (status) | refusals (cause) |", "|---|---|---|---|---|---|",
    ]
    for name, d in sorted(t["domains"].items()):
        other = ", ".join(f"{k} {v}" for k, v in d["other"].items())
        if "fd_on_timeout" in d:
            other += f" (FD alone on the first: {d['fd_on_timeout'][:60]})"
        refused = "; ".join(f"{v}× {k}" for k, v in d["refusals"].items())
        out.append(f"| {name} | {d['files']} | {d['parsed']} | {d['solved']} | {other} | {refused} |")
    tot = t["total"]
    if t.get("skipped_over_max_bytes"):
        out += ["", f"Not run, over {args.max_bytes:,} bytes: " + ", ".join(
            f"{d} {n}" for d, n in sorted(t["skipped_over_max_bytes"].items()))]
    out += ["", f"**total**: {tot['files']} files, {tot['parsed']} parsed, {tot['solved']} solved, "
            f"{tot['avoidable_refusals']} avoidable refusals, {tot['timeouts_fd_solves']} time-outs and "
            f"{tot['unsolvable_fd_solves']} 'unsolvable' that Fast Downward alone solves"]
    return "\n".join(out) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per solve (and per direct FD check)")
    ap.add_argument("--per-domain", type=int, default=None, help="the first N problems of each domain (default: all)")
    ap.add_argument("--domains", default="", help="comma-separated domains (default: all)")
    ap.add_argument("--quick-after", type=int, default=3, help="time-outs in a domain after which --quick-timeout applies")
    ap.add_argument("--quick-timeout", type=float, default=10.0, help="seconds per solve in a domain that keeps timing out")
    ap.add_argument("--max-bytes", type=int, default=0,
                    help="leave out problem files over this size (listed in the table; default: none left out)")
    ap.add_argument("--parse-only", action="store_true",
                    help="read every file as solve_formal does before it plans (refusals), solve none")
    ap.add_argument("--shard", default="0/1", help="K/N: every N-th problem from the K-th (N processes share a run)")
    ap.add_argument("--out", type=Path, default=Path("runs/pddlgym_table.md"))
    args = ap.parse_args(argv)
    try:
        shard, shards = (int(x) for x in args.shard.split("/"))
        assert 0 <= shard < shards
    except (ValueError, AssertionError):
        ap.error(f"--shard: K/N with 0 <= K < N, not {args.shard!r}")

    from nesy.reasoner import Reasoner
    from nesy.settings import Settings

    args.out.parent.mkdir(parents=True, exist_ok=True)
    jsonl = args.out.with_name(args.out.name + ".jsonl")
    mine = jsonl if shards == 1 else jsonl.with_name(f"{jsonl.name}.{shard}")

    def all_rows() -> list[dict[str, Any]]:
        """Every shard's rows (a shard's last line may be cut while it is written)."""
        out = []
        for f in sorted(args.out.parent.glob(jsonl.name + "*")):
            for ln in f.read_text().splitlines():
                try:
                    out.append(json.loads(ln))
                except json.JSONDecodeError:
                    continue
        return out

    todo = items(pddlgym_root(), args.per_domain)
    if args.domains:
        todo = [i for i in todo if i.domain in set(args.domains.split(","))]
    skipped: dict[str, int] = defaultdict(int)  # over --max-bytes: said in the table, not run
    if args.max_bytes:
        for i in todo:
            if i.problem_file.stat().st_size > args.max_bytes:
                skipped[i.domain] += 1
        todo = [i for i in todo if i.problem_file.stat().st_size <= args.max_bytes]
    keys = {i.key for i in todo}
    rows = all_rows()
    done = {r["file"] for r in rows}
    timeouts: dict[str, int] = defaultdict(int)  # full-limit time-outs per domain
    for r in rows:
        if r.get("status") == "TIMEOUT" and r.get("timeout_s", args.timeout) >= args.timeout:
            timeouts[r["domain"]] += 1
    left = [i for n, i in enumerate(todo) if n % shards == shard and i.key not in done]
    reasoner = Reasoner(backends=["planning"], settings=Settings(sandbox_spares=1))
    fd_checks: dict[str, str] = {f"{d}|timeout": "" for d in timeouts}  # one direct check per domain, done before
    print(f"{len(todo)} problems, {len(done & keys)} done before, {len(left)} to run in shard {shard}/{shards}", flush=True)

    def write_table() -> dict[str, Any]:
        t = table([r for r in all_rows() if r["file"] in keys])
        t["skipped_over_max_bytes"] = dict(skipped)
        _write_atomic(args.out, markdown(t, args))
        _write_atomic(args.out.with_name(args.out.name + ".json"), json.dumps(t, indent=1))
        return t

    with mine.open("a") as f:
        for n, item in enumerate(left, 1):
            limit = args.timeout if timeouts[item.domain] < args.quick_after else args.quick_timeout
            row = solve_item(reasoner, item, limit, fd_checks, args.parse_only)
            if row.get("status") == "TIMEOUT" and limit >= args.timeout:
                timeouts[item.domain] += 1
            f.write(json.dumps(row) + "\n")
            f.flush()
            print(f"[{n}/{len(left)}] {item.key}: {row['status']} ({row['seconds']} s) {row.get('cause', '')[:120]}",
                  flush=True)
            if n == len(left) or left[n].domain != item.domain:
                write_table()
    print(markdown(write_table(), args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
