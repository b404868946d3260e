"""``nesy mcp`` spoken to line by line, so that a test can send what no MCP client library would."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

PROTOCOL = "2025-06-18"


class McpStdio:
    """A ``nesy mcp`` subprocess in ``cwd``; its stderr goes to ``cwd/mcp.log``."""

    def __init__(self, cwd: Path, llm: str) -> None:
        self.cwd = cwd
        self.log = cwd / "mcp.log"
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "nesy.cli", "mcp", "--llm", llm],
                cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
            )
        self._lines: queue.Queue[str] = queue.Queue()
        self._ids = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            self._lines.put(raw.decode("utf-8", errors="replace"))

    def send_line(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.send_line(json.dumps(message))

    def recv(self, timeout: float = 60.0) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no reply within {timeout:g} s; log:\n{self.log_text()[-3000:]}") from None
        return json.loads(line)

    def request(self, method: str, params: dict[str, Any] | None = None, timeout: float = 120.0) -> dict[str, Any]:
        """Send a request and return its response (notifications in between are skipped)."""
        self._ids += 1
        self.send({"jsonrpc": "2.0", "id": self._ids, "method": method, **({"params": params} if params is not None else {})})
        while True:
            reply = self.recv(timeout)
            if reply.get("id") == self._ids:
                return reply

    def initialize(self) -> "McpStdio":
        reply = self.request(
            "initialize", {"protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": {"name": "hostile", "version": "0"}}
        )
        assert "result" in reply, reply
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return self

    def call_tool(self, name: str, arguments: Any) -> dict[str, Any]:
        return self.request("tools/call", {"name": name, "arguments": arguments})

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()  # EOF: the server ends on its own
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def tool_error(reply: dict[str, Any]) -> dict[str, Any]:
    """The nesy error inside an ``is_error`` tool result."""
    result = reply["result"]
    assert result.get("isError") is True, reply
    return json.loads(result["content"][0]["text"])["error"]
