"""Run solver work where exceeding a limit ends only that request: a fork server per worker.

A worker process (``python -m <module>``, whose main calls ``serve_jobs``) starts once, does
its imports, and then serves one run at a time by forking a child for it. The child - not the
long-lived worker - gets everything the isolation needs: a private temporary working
directory (deleted afterwards), a session and process group of its own (one kill takes the
solver's children too), an address-space limit that the caller may lower but never raise
past the server's cap, and a wall-clock deadline. A fork costs milliseconds where an
interpreter start and the imports cost seconds; and since the worker itself never runs a
job, nothing one job does (module globals, files, memory) reaches the next: each child
starts from the same warm, untouched state. A child that hangs is killed at its deadline, one
that blows its memory limit dies alone; the worker stays and serves the next run. A worker
that misbehaves itself (it does not answer) is killed and replaced.

The clock starts when the child says it is ready, so a loaded machine's slow start does not
eat the solver's budget; a worker that does not get ready within ``start_timeout`` is killed.
While waiting, the parent polls ``nesy.cancel.cancelled()`` and has the child killed when the
request is cancelled. ``spares`` workers are started ahead of time; up to ``max_idle`` wait
between runs.

Protocol, one JSON object per line: the parent writes ``{"memory_mb", "cwd", "jobs"}`` to
the worker's stdin; the forked child prints ``{"ready": true, "pid"}`` once the limit is set,
then one line per job; the worker prints ``{"sandbox_exit": code}`` when the child is gone
(a negative code: killed by that signal). The parent may write ``{"kill": true}`` meanwhile:
the worker kills the child's group (it has not reaped it, so the id is still the child's).
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
_FINISH_S = 5.0  # how long a worker may take to report its child gone before it is replaced
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
            self.buf = bytearray()  # stdout read but not yet a whole line
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
        max_idle: int = 16,
    ) -> None:
        self.module = module
        self.spares = max(0, spares)
        self.max_idle = max(self.spares, max_idle)  # warm workers kept between runs
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
        """Run ``jobs`` in order in a fresh child of a warm worker; it is killed ``deadline_s`` after it is ready."""
        t0 = time.monotonic()
        run = SandboxRun()
        try:
            worker = self._take()
        except OSError as e:  # no process could be started (process or memory limits of the host)
            run.start_failed = f"the worker process could not be started: {e}"
            run.seconds = time.monotonic() - t0
            return run
        cwd = tempfile.mkdtemp(prefix=f"nesy-{self.module}-run-")
        payload = json.dumps({"memory_mb": self.memory_limit(memory_mb), "cwd": cwd, "jobs": jobs}).encode() + b"\n"
        reusable = False
        try:
            _drain(worker.proc.stderr)  # what an earlier run left there is not this run's
            reusable = self._exchange(worker, payload, len(jobs), deadline_s, run)
        finally:
            if reusable:
                self._give_back(worker)
            else:
                err = worker.discard()
                if run.returncode is None:
                    run.returncode = worker.proc.returncode
                run.stderr = (run.stderr + err)[-_STDERR_TAIL:]
            shutil.rmtree(cwd, ignore_errors=True)
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

    def _give_back(self, worker: _Worker) -> None:
        pool = self._pool
        with pool.lock:
            if not pool.closed and len(pool.idle) < self.max_idle:
                pool.idle.append(worker)
                return
        worker.discard()

    def _exchange(self, worker: _Worker, payload: bytes, n_jobs: int, deadline_s: float, run: SandboxRun) -> bool:
        """Write the request, read the answers, see the child gone; True if the worker can serve again."""
        proc = worker.proc
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        w_fd, out_fd, err_fd = proc.stdin.fileno(), proc.stdout.fileno(), proc.stderr.fileno()
        # non-blocking: a worker still importing must not stall the parent past start_timeout
        os.set_blocking(w_fd, False)
        pending = payload
        err = bytearray()
        ready, deadline = False, time.monotonic() + self.start_timeout
        finish_by: float | None = None  # the child is done or told to go: its exit is awaited until then
        while True:
            now = time.monotonic()
            if finish_by is None:
                stop = False
                if cancel.cancelled():
                    run.cancelled = stop = True
                elif now >= deadline:
                    if not ready:
                        run.start_failed = f"the worker process did not start within {self.start_timeout:g} s"
                        return False  # the worker itself is stuck (its warm-up, say): replace it
                    run.killed = stop = True
                if stop:
                    pending += b'{"kill": true}\n'
                    finish_by = now + _FINISH_S
            elif now >= finish_by:
                return False  # the worker does not say its child is gone: replace it
            left = (finish_by or deadline) - now
            writing = [w_fd] if pending else []
            readable, writable, _ = select.select([out_fd, err_fd], writing, [], max(0.0, min(left, _POLL_S)))
            if writable:
                try:
                    pending = pending[os.write(w_fd, pending[:65536]) :]
                except BrokenPipeError:
                    pending = b""  # the worker is gone; its EOF on stdout says the rest
            if err_fd in readable:
                err.extend(os.read(err_fd, 65536))
                del err[:-_STDERR_TAIL]
                run.stderr = err.decode(errors="replace")
            if out_fd not in readable:
                continue
            while True:
                line = _read_line(out_fd, worker)
                if line is None:  # EOF: the worker died
                    if not ready and not run.start_failed:
                        run.start_failed = _EXITED
                    return False
                if line == b"":
                    break
                try:
                    msg = json.loads(line)
                except ValueError:
                    msg = None
                if not isinstance(msg, dict):
                    msg = {"error": "ProtocolError", "message": f"the worker wrote {line[:200]!r}, not a JSON object"}
                if "sandbox_exit" in msg:
                    run.returncode = int(msg["sandbox_exit"])
                    if not ready and not run.start_failed:
                        run.start_failed = _EXITED
                    return True
                if not ready:
                    if finish_by is not None:
                        continue
                    if msg.get("ready") is not True:
                        run.start_failed = str(msg.get("message") or "the worker process failed to start")
                        finish_by = time.monotonic() + _FINISH_S  # the child exits by itself
                        continue
                    ready, deadline = True, time.monotonic() + deadline_s
                    continue
                if len(run.results) < n_jobs:
                    run.results.append(msg)
                if len(run.results) >= n_jobs and finish_by is None:
                    finish_by = time.monotonic() + _FINISH_S  # it exits by itself after its last answer


def _read_line(fd: int, worker: _Worker) -> bytes | None:
    """The next whole line from the worker's stdout; b'' if none is complete yet (reads once); None at EOF."""
    buf = worker.buf
    if b"\n" not in buf:
        if not select.select([fd], [], [], 0)[0]:
            return b""
        chunk = os.read(fd, 65536)
        if not chunk:
            return None
        buf.extend(chunk)
        if len(buf) > _MAX_OUTPUT:  # an answer this big is not read into the parent's memory
            buf.clear()
            return b'{"error": "OutputTooLarge", "message": "an answer exceeded the size limit"}'
        if b"\n" not in buf:
            return b""
    i = buf.index(b"\n")
    line = bytes(buf[:i])
    del buf[: i + 1]
    return line


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
    """A worker module's main loop: warm up, then fork one child per request line (see the module doc)."""
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
        warm()  # before any request: imports are paid once per worker, not per run
    lines = _Lines(sys.stdin.fileno())
    while True:
        raw = lines.next(None)
        if raw is None:  # the parent went away or closed the pool
            break
        if not raw.strip():
            continue
        request = json.loads(raw)
        if not _serve_one(handle, request, out, lines):
            break
    if sandboxed:
        shutil.rmtree(workdir, ignore_errors=True)


class _Lines:
    """Lines from a file descriptor, with a timeout; None at EOF."""

    def __init__(self, fd: int) -> None:
        self.fd, self.buf, self.eof = fd, bytearray(), False

    def next(self, timeout: float | None) -> bytes | None:
        while b"\n" not in self.buf:
            if self.eof:
                return None
            if not select.select([self.fd], [], [], timeout)[0]:
                return b""
            chunk = os.read(self.fd, 65536)
            if not chunk:
                self.eof = True
                if not self.buf:
                    return None
                self.buf.extend(b"\n")
            self.buf.extend(chunk)
        i = self.buf.index(b"\n")
        line = bytes(self.buf[:i])
        del self.buf[: i + 1]
        return line


def _serve_one(handle: Callable[[dict[str, Any]], dict[str, Any]], request: dict[str, Any], out: Any, lines: _Lines) -> bool:
    """Fork the run's child, wait for it (or a kill), and report its exit; False once the parent is gone."""
    out.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            _child(handle, request, out)
        except BaseException:  # noqa: BLE001 - a child must not fall back into the worker's loop
            code = 1
        finally:
            try:
                out.flush()
            finally:
                os._exit(code)
    pidfd = os.pidfd_open(pid)
    parent_gone = False
    try:
        while True:
            readable = select.select([pidfd, lines.fd] if not lines.eof else [pidfd], [], [])[0]
            if pidfd in readable:
                break
            msg = lines.next(0)
            if msg is None or msg.strip():  # a kill (the only request while a child runs), or the parent is gone
                parent_gone = msg is None
                _kill_group(pid)
                break
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):  # the run is reported once what it started is gone too
            _await_group_gone(pid)
    finally:
        os.close(pidfd)
    if parent_gone:  # nobody will delete the run's directory: its parent died before its cleanup
        shutil.rmtree(str(request["cwd"]), ignore_errors=True)
        return False
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    try:
        print(json.dumps({"sandbox_exit": code}), file=out, flush=True)
    except BrokenPipeError:
        return False
    return True


def _kill_group(pid: int) -> None:
    """The child leads its own group once it has called setsid; before that, it is the only member."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        os.kill(pid, signal.SIGKILL)


def _await_group_gone(pgid: int, timeout_s: float = 5.0) -> None:
    """Return once no live process of the group is left (a killed solver grandchild dies a moment
    after the signal; on a loaded machine, after the run was reported), or after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return  # no member at all, zombies included: the usual case
        live = False
        for d in os.listdir("/proc"):
            try:
                with open(f"/proc/{d}/stat", encoding="utf-8", errors="replace") as f:
                    stat = f.read() if d.isdigit() else ""
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[-1].split()
            if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":  # zombies hold nothing
                live = True
                break
        if not live:
            return
        time.sleep(0.01)


def _child(handle: Callable[[dict[str, Any]], dict[str, Any]], request: dict[str, Any], out: Any) -> None:
    os.setsid()  # a session and group of its own: one kill takes the solver processes it starts
    cwd = str(request["cwd"])
    os.chdir(cwd)
    os.environ[_DIR_VAR] = cwd
    # a worker killed before it could kill this child: the child ends its own group
    threading.Thread(target=_outlive_no_parent, args=(os.getppid(), cwd), daemon=True).start()
    mb = int(request["memory_mb"])
    if mb <= _mapped_mb():  # the limit would fail the very next allocation: say so rather than crash
        why = f"memory limit of {mb} MB is below what the worker needs to start"
        print(json.dumps({"ready": False, "error": "MemoryError", "message": why}), file=out, flush=True)
        return
    _limit_memory(mb)
    print(json.dumps({"ready": True, "pid": os.getpid()}), file=out, flush=True)
    for job in request["jobs"]:
        print(_answer(handle, job), file=out, flush=True)
