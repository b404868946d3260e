"""A tiny worker for tests of nesy.sandbox: ``python -m tests.nesy.sandbox_worker``.

Jobs: {"op": "echo", "value": x}; {"op": "limits"} (its RLIMIT_AS in MB, -1 if unlimited, pid,
process group, cwd); {"op": "sleep", "s": n}; {"op": "allocate", "mb": n}; {"op": "write"}
(a file in its cwd); {"op": "child"} (a ``sleep`` process in its group); {"op": "print"}
(stray stdout); {"op": "set", "value": x} / {"op": "get"} (a module global); {"op": "die"}
(the process kills itself); any other op raises ValueError.
"""

from __future__ import annotations

import os
import resource
import subprocess
import time
from typing import Any

from nesy.sandbox import serve_jobs

_STATE: dict[str, Any] = {}  # what a job leaves behind: no later run may see it


def handle(job: dict[str, Any]) -> dict[str, Any]:
    op = job["op"]
    if op == "echo":
        return {"value": job["value"]}
    if op == "limits":
        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        mb = -1 if soft == resource.RLIM_INFINITY else soft // (1024 * 1024)
        return {"memory_mb": mb, "pid": os.getpid(), "pgid": os.getpgid(0), "cwd": os.getcwd(), "ppid": os.getppid()}
    if op == "set":
        _STATE["value"] = job["value"]
        return {"set": job["value"]}
    if op == "get":
        return {"value": _STATE.get("value"), "files": sorted(os.listdir("."))}
    if op == "die":
        os.kill(os.getpid(), 9)
    if op == "sleep":
        time.sleep(float(job["s"]))
        return {"slept": job["s"]}
    if op == "allocate":
        block = bytearray(int(job["mb"]) * 1024 * 1024)
        return {"allocated": len(block) // (1024 * 1024)}
    if op == "write":
        with open("scratch.txt", "w") as f:
            f.write("x" * 1000)
        return {"path": os.path.abspath("scratch.txt")}
    if op == "child":
        return {"pid": subprocess.Popen(["sleep", "600"]).pid}
    if op == "print":
        print("stray output a library might write")  # must not corrupt the protocol
        return {"printed": True}
    raise ValueError(f"unknown op {op!r}")


if __name__ == "__main__":
    serve_jobs(handle)
