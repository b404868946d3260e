"""A real Ray cluster on 127.0.0.1 (tests, ``benchmarks.ray_scaling``): a head and more nodes, each
its own ``ray start --block`` process group with private ports and temp dir, so a caller can kill
one node (SIGKILL to its group) and stop everything it started without touching any other Ray
cluster on the machine. Uses the ``ray`` executable next to this Python."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nesy.llm.llama_server import free_port

__all__ = ["RayCluster", "RayNode", "REPO", "RAY"]

REPO = Path(__file__).resolve().parents[2]
RAY = Path(sys.executable).parent / "ray"


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``. Ray's worker processes start their own sessions, so the node's
    process group does not hold them; the process tree does."""
    tree, out, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


class RayNode:
    """One ``ray start --block`` (head or joining node) and every process it starts."""

    def __init__(self, cmd: list[str], log: Path, env: dict[str, str]) -> None:
        self.log = log
        with open(log, "ab") as fh:
            self.proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=REPO,
                                         start_new_session=True)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> list[int]:
        """SIGKILL to the node's processes (raylet, agents, workers): a machine lost, as far as Ray
        can tell. Returns the pids it killed."""
        pids = descendants(self.proc.pid)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(20)
        return pids


class RayCluster:
    """``start()`` a head and one more node, 1 CPU each; ``stop()`` kills both groups and removes the temp dir."""

    def __init__(self, cpus_per_node: int = 1) -> None:
        # short: Ray puts unix sockets under it, and their paths may not exceed 107 bytes
        self.tmp = Path(tempfile.mkdtemp(prefix="nray", dir="/tmp"))
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.cpus = cpus_per_node
        self.nodes: list[RayNode] = []
        self.killed: list[int] = []  # every pid a kill() or stop() sent SIGKILL to
        # workers import the repository's packages (tests' helpers included) as the driver does
        self.env = {
            **os.environ, "PYTHONPATH": str(REPO), "RAY_USAGE_STATS_ENABLED": "0",
            # a killed node is declared dead in ~2 s instead of ~30 s, so node-loss tests stay short
            "RAY_health_check_period_ms": "500", "RAY_health_check_failure_threshold": "4",
        }

    def _common(self) -> list[str]:
        return [
            "--num-cpus", str(self.cpus), "--node-ip-address", "127.0.0.1", "--block", "--disable-usage-stats",
            "--object-store-memory", "100000000", "--temp-dir", str(self.tmp),
            # every fixed default port made private, so another cluster on this machine is never hit
            "--dashboard-agent-listen-port", str(free_port()), "--dashboard-agent-grpc-port", str(free_port()),
            "--runtime-env-agent-port", str(free_port()), "--metrics-export-port", str(free_port()),
        ]

    def start(self, nodes: int = 2) -> "RayCluster":
        """A head and ``nodes - 1`` more nodes."""
        head = [str(RAY), "start", "--head", "--port", str(self.port), "--include-dashboard=false",
                "--dashboard-port", str(free_port()), "--ray-client-server-port", str(free_port()), *self._common()]
        self.nodes.append(RayNode(head, self.tmp / "head.log", self.env))
        self.wait_nodes(1)
        for _ in range(nodes - 1):
            self.add_node()
        return self

    def add_node(self) -> RayNode:
        cmd = [str(RAY), "start", "--address", self.address, *self._common()]
        node = RayNode(cmd, self.tmp / f"node{len(self.nodes)}.log", self.env)
        self.nodes.append(node)
        self.wait_nodes(sum(1 for n in self.nodes if n.alive()))
        return node

    def node_ids(self) -> list[str]:
        """Ids of the nodes the GCS reports alive, asked from a separate process so this one never
        becomes a driver of this cluster."""
        code = ("import ray,sys; ray.init(address=sys.argv[1], logging_level='ERROR'); "
                "print(' '.join(n['NodeID'] for n in ray.nodes() if n['Alive']) or '-')")
        try:
            out = subprocess.run([sys.executable, "-c", code, self.address],
                                 capture_output=True, text=True, timeout=30, env=self.env)
        except subprocess.TimeoutExpired:  # the GCS is not up yet: the client keeps retrying
            return []
        lines = out.stdout.strip().splitlines()
        return [] if not lines or lines[-1] == "-" else lines[-1].split()

    def alive_nodes(self) -> int:
        return len(self.node_ids())

    def wait_nodes(self, n: int, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while self.alive_nodes() < n:
            dead = [node.log for node in self.nodes if not node.alive()]
            if dead or time.monotonic() > deadline:
                logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in self.tmp.glob("*.log"))
                raise RuntimeError(f"the Ray cluster at {self.address} did not reach {n} nodes\n{logs}")
            time.sleep(0.5)

    def processes(self) -> list[int]:
        """Live processes of this cluster: those killed that still run, and any whose command line
        names this cluster's temp dir (none after stop())."""
        pids = [p for p in self.killed if _alive(p)]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if str(self.tmp).encode() in (entry / "cmdline").read_bytes():
                        pids.append(int(entry.name))
                except OSError:
                    continue
        return pids

    def stop(self) -> None:
        for node in reversed(self.nodes):
            self.killed += node.kill()
        # a process that left its group (none observed) is still ours if it names our temp dir
        for pid in self.processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10  # SIGKILL is asynchronous: give the kernel a moment
        while self.processes() and time.monotonic() < deadline:
            time.sleep(0.1)
        shutil.rmtree(self.tmp, ignore_errors=True)
