"""nesy.sandbox with a real worker process: answers, deadline, memory cap, cancellation, cleanup."""

from __future__ import annotations

import contextvars
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from nesy import cancel
from nesy.sandbox import Sandbox

WORKER = "tests.nesy.sandbox_worker"


def _procs(match: str) -> list[tuple[int, int, int]]:
    """(pid, parent pid, process group) of live (not zombie) processes whose command line holds ``match``."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
            cmd = Path(f"/proc/{d}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        state, ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if state != "Z" and match in cmd:
            out.append((int(d), int(ppid), int(pgrp)))
    return out


def _group(pgid: int) -> list[int]:
    """Live members of a process group."""
    return [pid for pid, _, pgrp in _procs("") if pgrp == pgid]


@pytest.fixture
def box() -> Sandbox:
    b = Sandbox(WORKER, spares=1, memory_mb=512, start_timeout=60)
    yield b
    b.close()


def test_results_come_back_in_order_and_errors_are_values(box: Sandbox) -> None:
    jobs = [{"op": "echo", "value": 1}, {"op": "print"}, {"op": "nope"}, {"op": "echo", "value": "two"}]
    run = box.run(jobs, deadline_s=30)
    assert not (run.killed or run.cancelled or run.start_failed), run.stderr
    assert run.results[0] == {"value": 1}
    assert run.results[1] == {"printed": True}  # a stray print went to stderr, not into the answers
    assert run.results[2]["error"] == "ValueError" and "nope" in run.results[2]["message"]
    assert run.results[3] == {"value": "two"}
    assert "stray output" in run.stderr


def test_deadline_kills_the_whole_process_group(box: Sandbox) -> None:
    run = box.run([{"op": "limits"}, {"op": "child"}, {"op": "sleep", "s": 600}], deadline_s=1)
    assert run.killed and len(run.results) == 2, run.stderr
    pgid, child = run.results[0]["pgid"], run.results[1]["pid"]
    assert pgid == run.results[0]["pid"] != os.getpgid(0)  # a group of its own, not ours
    assert _group(pgid) == [] and not any(pid == child for pid, _, _ in _procs("sleep"))
    assert run.seconds < 60


@pytest.mark.parametrize(("asked", "gets"), [(0, 512), (-5, 512), (None, 512), (999_999, 512), (100, 256), (300, 300)])
def test_memory_is_clamped_to_the_cap_never_unlimited(box: Sandbox, asked: int | None, gets: int) -> None:
    assert box.memory_limit(asked) == gets
    run = box.run([{"op": "limits"}], deadline_s=30, memory_mb=asked)
    assert run.results[0]["memory_mb"] == gets, run.stderr


def test_allocation_past_the_limit_is_a_memory_error_of_that_job_only(box: Sandbox) -> None:
    run = box.run([{"op": "allocate", "mb": 2048}, {"op": "echo", "value": "still here"}], deadline_s=30)
    assert run.results[0]["error"] == "MemoryError", run.results
    assert run.results[1] == {"value": "still here"}


def test_a_cancelled_request_kills_its_worker_at_once(box: Sandbox) -> None:
    token = cancel.CancelToken()
    ctx = contextvars.copy_context()
    ctx.run(cancel.bind, token)
    box.run([{"op": "echo", "value": 0}], deadline_s=30)  # so that a warm spare takes the next run
    cancelled_at: list[float] = []

    def cancel_later() -> None:
        time.sleep(1.0)
        cancelled_at.append(time.monotonic())
        token.cancel("the client went away")

    threading.Thread(target=cancel_later).start()
    run = ctx.run(box.run, [{"op": "limits"}, {"op": "sleep", "s": 600}], deadline_s=600)
    stopped = time.monotonic()
    assert run.cancelled and not run.killed
    assert stopped - cancelled_at[0] < 2.0  # polled every 0.1 s; the rest is the kill and the cleanup
    if run.results:  # it was cancelled while sleeping: its group is gone
        assert _group(run.results[0]["pgid"]) == []


def test_files_written_in_the_working_directory_are_deleted(box: Sandbox) -> None:
    run = box.run([{"op": "write"}, {"op": "limits"}], deadline_s=30)
    path, cwd = Path(run.results[0]["path"]), Path(run.results[1]["cwd"])
    assert path.parent == cwd and cwd != Path.cwd()
    assert not path.exists() and not cwd.exists()


def test_a_worker_that_never_gets_ready_is_killed_at_the_start_timeout() -> None:
    stuck = Sandbox("tests.nesy.sandbox_stuck_worker", spares=0, start_timeout=2)
    run = stuck.run([{"op": "echo"}], deadline_s=600)
    assert "did not start within 2 s" in run.start_failed and not run.results
    assert run.seconds < 60
    assert not _procs("tests.nesy.sandbox_stuck_worker")


def test_concurrent_runs_each_get_their_own_answer_and_close_stops_the_spares() -> None:
    box = Sandbox(WORKER, spares=2)
    with ThreadPoolExecutor(max_workers=8) as pool:
        runs = list(pool.map(lambda i: box.run([{"op": "echo", "value": i}, {"op": "limits"}], deadline_s=60), range(16)))
    assert [r.results[0]["value"] for r in runs] == list(range(16))
    assert len({r.results[1]["pid"] for r in runs}) == 16  # a fresh process per run
    assert len({r.results[1]["ppid"] for r in runs}) <= 8 + 2  # forked by at most one warm worker per concurrent run
    spares = [p for p in _procs(WORKER) if p[1] == os.getpid()]
    assert 2 <= len(spares) <= box.max_idle  # the warm workers wait for the next runs
    box.close()
    assert not [p for p in _procs(WORKER) if p[1] == os.getpid()]
    assert box.run([{"op": "echo", "value": "after close"}], deadline_s=30).results == [{"value": "after close"}]
    assert not [p for p in _procs(WORKER) if p[1] == os.getpid()]  # a closed sandbox keeps no spares


_PARENT = f"""
import threading, time
from nesy.sandbox import Sandbox
box = Sandbox({WORKER!r}, spares=1)
box.run([{{"op": "echo", "value": 0}}], deadline_s=30)
threading.Thread(target=box.run, args=([{{"op": "child"}}, {{"op": "sleep", "s": 600}}],), kwargs={{"deadline_s": 600}}).start()
time.sleep(600)
"""


def test_workers_of_a_killed_parent_end_and_clean_up() -> None:
    """A server killed before its cleanup: its warm workers, and the running child with its own
    child, must not run on unbounded; their directories go too."""
    parent = subprocess.Popen([sys.executable, "-c", _PARENT], cwd=Path(__file__).resolve().parents[2])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # a worker's forked child runs `sleep`, a spare waits
            workers = [p for p in _procs(WORKER) if p[1] == parent.pid]
            children = [p for p in _procs(WORKER) if p[1] in {w[0] for w in workers}]
            groups = {pgrp for _, _, pgrp in workers + children}
            try:
                dirs = [Path(os.readlink(f"/proc/{pid}/cwd")) for pid, _, _ in workers + children]
            except OSError:
                continue
            if len(workers) == 2 and len(children) == 1 and len(_group(children[0][2])) == 2:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the parent did not start its workers")
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (any(_group(g) for g in groups) or any(d.exists() for d in dirs)):
        time.sleep(0.2)
    assert not any(_group(g) for g in groups)
    assert not [d for d in dirs if d.exists()]


def test_one_warm_worker_serves_run_after_run_and_nothing_leaks_between_them() -> None:
    box = Sandbox(WORKER, spares=0, memory_mb=512, max_idle=1)
    try:
        first = box.run([{"op": "set", "value": "secret"}, {"op": "write"}, {"op": "limits"}], deadline_s=30)
        second = box.run([{"op": "get"}, {"op": "limits"}], deadline_s=30)
        assert second.results[0] == {"value": None, "files": []}  # module globals and files of the first are gone
        assert first.results[2]["ppid"] == second.results[1]["ppid"]  # the same warm worker forked both
        assert first.results[2]["pid"] != second.results[1]["pid"]
        assert first.results[2]["cwd"] != second.results[1]["cwd"]
    finally:
        box.close()


def test_a_killed_or_crashed_child_leaves_its_worker_serving() -> None:
    box = Sandbox(WORKER, spares=0, memory_mb=512, max_idle=1)
    try:
        hung = box.run([{"op": "limits"}, {"op": "child"}, {"op": "sleep", "s": 600}], deadline_s=1)
        assert hung.killed and _group(hung.results[0]["pgid"]) == []
        died = box.run([{"op": "die"}, {"op": "echo", "value": 1}], deadline_s=30)
        assert died.results == [] and died.returncode == -9
        blown = box.run([{"op": "allocate", "mb": 2048}], deadline_s=30)
        assert blown.results[0]["error"] == "MemoryError"
        after = box.run([{"op": "echo", "value": "next"}, {"op": "limits"}], deadline_s=30)
        assert after.results[0] == {"value": "next"} and after.results[1]["memory_mb"] == 512
        assert after.results[1]["ppid"] == hung.results[0]["ppid"]  # no new interpreter was started
        assert after.seconds < 5  # a fork, not an interpreter start and imports
    finally:
        box.close()
