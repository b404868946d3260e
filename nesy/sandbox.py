"""Run solver work where exceeding a limit ends only that request: one-shot subprocesses.

Every ``Sandbox.run`` gets a fresh ``python -m <module>`` process of its own: a private
temporary working directory (deleted afterwards), its own process group (one kill takes the
solver's children too), an address-space limit that the caller may lower but never raise
past the server's cap, and a wall-clock deadline. The clock starts when the worker says it
is ready (imports done), so a loaded machine's slow start does not eat the solver's budget;
a worker that does not get ready within ``start_timeout`` is killed too. While waiting, the
parent polls ``nesy.cancel.cancelled()`` and kills the worker when the request is cancelled.

Interpreter start and imports take seconds, so ``spares`` workers are started ahead of time;
they wait, warm, on stdin. Each still serves exactly one run and is then discarded.

Protocol: the parent writes ``{"memory_mb": int, "jobs": [...]}`` to stdin and closes it; the
worker (``serve_jobs``) prints ``{"ready": true}`` once the limit is set, then one JSON line
per job.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nesy import cancel

__all__ = ["Sandbox", "SandboxRun", "serve_jobs"]

_ROOT = Path(__file__).resolve().parents[1]
_POLL_S = 0.1  # how often a waiting run looks at its cancel token
_STDERR_TAIL = 4000
_MAX_OUTPUT = 64 * 1024 * 1024  # a worker's answers are read into the parent's memory: bound them
_EXITED = "the worker process exited before it was ready"
_DIR_VAR = "NESY_SANDBOX_DIR"  # tells a worker it runs in a sandbox, and which directory is its own


@dataclass
class SandboxRun:
    results: list[dict[str, Any]] = field(default_factory=list)  # one JSON object per job, in order
    killed: bool = False  # the deadline passed
    cancelled: bool = False  # nesy.cancel.cancelled() became true while waiting
    start_failed: str = ""
    returncode: int | None = None
    stderr: str = ""
    seconds: float = 0.0


class _Worker:
    """One started worker process and its private directory."""

    def __init__(self, module: str) -> None:
        self.cwd = tempfile.mkdtemp(prefix=f"nesy-{module}-")
        path = [str(_ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", _DIR_VAR: self.cwd}
        env["PYTHONPATH"] = os.pathsep.join(path)
        try:
            self.proc = subprocess.Popen(
                # -P: the working directory (which jobs write into) never lands on sys.path
                [sys.executable, "-P", "-m", module],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=self.cwd,
                env=env,
                start_new_session=True,
            )
        except BaseException:
            shutil.rmtree(self.cwd, ignore_errors=True)
            raise

    def alive(self) -> bool:
        # WNOWAIT: look without reaping, so the pid (= the process group id) cannot be reused before discard()
        return os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None

    def discard(self) -> str:
        """Kill the whole process group, reap, delete the directory; the tail of stderr."""
        if self.proc.returncode is None:  # not reaped yet, so the group id is still ours
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.proc.wait()
        err = _drain(self.proc.stderr)
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe is not None and not pipe.closed:
                pipe.close()
        shutil.rmtree(self.cwd, ignore_errors=True)
        return err


def _drain(pipe: Any) -> str:
    """What is left in a dead worker's stderr (a grandchild that escaped the group may hold it open)."""
    if pipe is None or pipe.closed:
        return ""
    fd, chunks = pipe.fileno(), bytearray()
    while select.select([fd], [], [], 0)[0]:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        chunks.extend(chunk)
        del chunks[:-_STDERR_TAIL]
    return chunks.decode(errors="replace")


class _Pool:
    """The idle spares; separate from Sandbox so that the finalizer holds no reference to it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: list[_Worker] = []
        self.starting = 0
        self.closed = False

    def close(self) -> None:
        with self.lock:
            self.closed = True
            idle, self.idle = self.idle, []
        for w in idle:
            w.discard()


class Sandbox:
    """Isolated one-shot runs of ``python -m <module>`` (a module whose main calls ``serve_jobs``)."""

    def __init__(
        self,
        module: str,
        *,
        spares: int = 2,
        memory_mb: int = 4096,
        start_timeout: float = 120.0,
        min_memory_mb: int = 256,
    ) -> None:
        self.module = module
        self.spares = max(0, spares)
        self.memory_mb = memory_mb  # the cap: a run may ask for less, never more
        self.min_memory_mb = min_memory_mb
        self.start_timeout = start_timeout
        self._pool = _Pool()
        # runs at exit too (atexit), or when the Sandbox is garbage
        self._finalizer = weakref.finalize(self, self._pool.close)

    def memory_limit(self, requested: int | None) -> int:
        """The limit a run asking for ``requested`` MB gets: at most the cap; 0, negative or None mean the cap."""
        if requested is None or requested <= 0:
            return self.memory_mb
        return min(self.memory_mb, max(self.min_memory_mb, requested))

    def run(self, jobs: list[dict[str, Any]], *, deadline_s: float, memory_mb: int | None = None) -> SandboxRun:
        """Run ``jobs`` in order in one fresh worker; it is killed ``deadline_s`` after it is ready."""
        payload = json.dumps({"memory_mb": self.memory_limit(memory_mb), "jobs": jobs}).encode()
        t0 = time.monotonic()
        run = SandboxRun()
        try:
            worker = self._take()
        except OSError as e:  # no process could be started (process or memory limits of the host)
            run.start_failed = f"the worker process could not be started: {e}"
            run.seconds = time.monotonic() - t0
            return run
        try:
            self._exchange(worker, payload, len(jobs), deadline_s, run)
        finally:
            err = worker.discard()
            run.returncode = worker.proc.returncode
            run.stderr = (run.stderr + err)[-_STDERR_TAIL:]
        if run.start_failed == _EXITED:  # the cause is in its exit code and last words
            last = run.stderr.strip().splitlines()
            run.start_failed += f" (exit code {run.returncode}" + (f": {last[-1][:500]})" if last else ")")
        run.seconds = time.monotonic() - t0
        return run

    def close(self) -> None:
        """Stop the idle spares; later runs still work, each with a worker of its own."""
        self._finalizer()

    # -- internals ------------------------------------------------------------------------

    def _take(self) -> _Worker:
        """An idle live spare, or a fresh worker; tops the spares up for the runs after this one."""
        pool = self._pool
        dead: list[_Worker] = []
        worker: _Worker | None = None
        with pool.lock:
            while pool.idle and worker is None:
                w = pool.idle.pop(0)
                if w.alive():
                    worker = w
                else:
                    dead.append(w)
            refill = 0 if pool.closed else max(0, self.spares - len(pool.idle) - pool.starting)
            pool.starting += refill
        for w in dead:
            w.discard()
        if worker is None:
            try:
                worker = _Worker(self.module)
            except OSError:
                with pool.lock:
                    pool.starting -= refill  # none of them will be started
                raise
        for _ in range(refill):  # started outside the lock: concurrent runs do not queue behind Popen
            try:
                spare: _Worker | None = _Worker(self.module)
            except OSError:
                spare = None  # a spare is an optimisation; the run itself already has its worker
            with pool.lock:
                pool.starting -= 1
                if spare is not None and not pool.closed:
                    pool.idle.append(spare)
                    spare = None
            if spare is not None:
                spare.discard()
        return worker

    def _exchange(self, worker: _Worker, payload: bytes, n_jobs: int, deadline_s: float, run: SandboxRun) -> None:
        """Write the request, read the answers; return when all are in or the worker must go."""
        proc = worker.proc
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        w_fd, out_fd, err_fd = proc.stdin.fileno(), proc.stdout.fileno(), proc.stderr.fileno()
        # non-blocking: a worker still importing must not stall the parent past start_timeout
        os.set_blocking(w_fd, False)
        sent, buf, err, reading = 0, bytearray(), bytearray(), [out_fd, err_fd]
        ready, deadline = False, time.monotonic() + self.start_timeout
        while True:
            if cancel.cancelled():
                run.cancelled = True
                return
            left = deadline - time.monotonic()
            if left <= 0:
                if ready:
                    run.killed = True
                else:
                    run.start_failed = f"the worker process did not start within {self.start_timeout:g} s"
                return
            writing = [w_fd] if not proc.stdin.closed else []
            readable, writable, _ = select.select(reading, writing, [], min(left, _POLL_S))
            if writable:
                try:
                    sent += os.write(w_fd, payload[sent : sent + 65536])
                except BrokenPipeError:
                    sent = len(payload)  # the worker is gone; its EOF on stdout says the rest
                if sent >= len(payload):
                    proc.stdin.close()
            if err_fd in readable:
                chunk = os.read(err_fd, 65536)
                if not chunk:
                    reading.remove(err_fd)
                err.extend(chunk)
                del err[:-_STDERR_TAIL]
                run.stderr = err.decode(errors="replace")
            if out_fd not in readable:
                continue
            chunk = os.read(out_fd, 65536)
            if not chunk:
                if not ready:
                    run.start_failed = _EXITED
                return
            buf.extend(chunk)
            if len(buf) > _MAX_OUTPUT:
                run.results.append({"error": "OutputTooLarge", "message": f"an answer exceeded {_MAX_OUTPUT} bytes"})
                return
            while b"\n" in buf:
                i = buf.index(b"\n")
                line, buf = bytes(buf[:i]), buf[i + 1 :]
                try:
                    msg = json.loads(line)
                except ValueError:
                    msg = None
                if not isinstance(msg, dict):
                    msg = {"error": "ProtocolError", "message": f"the worker wrote {line[:200]!r}, not a JSON object"}
                if not ready:
                    if msg.get("ready") is not True:
                        run.start_failed = str(msg.get("message") or "the worker process failed to start")
                        return
                    ready, deadline = True, time.monotonic() + deadline_s
                    continue
                run.results.append(msg)
                if len(run.results) >= n_jobs:
                    return


# -- the worker side ---------------------------------------------------------------------------


def _limit_memory(mb: int) -> None:
    limit = mb * 1024 * 1024
    # the hard limit too: neither the job nor the solver processes it starts can raise it
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _mapped_mb() -> int:
    """This process's address space now (Linux); 0 where it cannot be read."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)
    except (OSError, ValueError, IndexError):
        return 0


def _answer(handle: Callable[[dict[str, Any]], dict[str, Any]], job: dict[str, Any]) -> str:
    """One job's JSON line; what goes wrong is reported as a value, never lost."""
    try:
        return json.dumps(handle(job))
    except MemoryError:
        return json.dumps({"error": "MemoryError", "message": "memory limit reached"})
    except OSError as e:
        kind = "MemoryError" if e.errno == errno.ENOMEM else type(e).__name__
        return json.dumps({"error": kind, "message": str(e)[:2000]})
    except Exception as e:  # noqa: BLE001 - reported to the parent as a result
        return json.dumps({"error": type(e).__name__, "message": str(e)[:2000]})


def _outlive_no_parent(parent: int, workdir: str) -> None:
    """A parent killed before its cleanup no longer enforces the deadline: end the whole group."""
    while os.getppid() == parent:
        time.sleep(1.0)
    shutil.rmtree(workdir, ignore_errors=True)
    os.killpg(0, signal.SIGKILL)


def serve_jobs(handle: Callable[[dict[str, Any]], dict[str, Any]], warm: Callable[[], None] | None = None) -> None:
    """A worker module's main loop: warm up, read one request, set the memory limit, answer each job."""
    # The protocol gets a private copy of stdout; fd 1 becomes stderr, so stray prints of a
    # library or of a solver process cannot corrupt the answers.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    workdir = os.environ.get(_DIR_VAR, "")
    # only a process the Sandbox started (in that directory, leading its own group) cleans up after itself
    sandboxed = bool(workdir) and os.path.realpath(workdir) == os.getcwd() and os.getpgid(0) == os.getpid()
    if sandboxed:
        threading.Thread(target=_outlive_no_parent, args=(os.getppid(), workdir), daemon=True).start()
    if warm is not None:
        warm()  # before the request: a spare does its imports while it waits
    raw = sys.stdin.buffer.read()
    if not raw.strip():  # the parent went away (a spare at its exit)
        if sandboxed:
            shutil.rmtree(workdir, ignore_errors=True)
        return
    request = json.loads(raw)
    mb = int(request["memory_mb"])
    if mb <= _mapped_mb():  # the limit would fail the very next allocation: say so rather than crash
        why = f"memory limit of {mb} MB is below what the worker needs to start"
        print(json.dumps({"ready": False, "error": "MemoryError", "message": why}), file=out, flush=True)
        return
    _limit_memory(mb)
    print(json.dumps({"ready": True}), file=out, flush=True)
    for job in request["jobs"]:
        print(_answer(handle, job), file=out, flush=True)
