"""Recording pipeline stages into a Trace: timing, tokens and errors."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from nesy.errors import NesyError
from nesy.llm.base import Completion
from nesy.types import Stage, Trace

__all__ = ["StageRecorder", "stage"]


class StageRecorder:
    """Collects a stage's output and token counts while it runs."""

    def __init__(self, name: str, input: Any) -> None:
        self.name = name
        self.input = input
        self.output: Any = None
        self.prompt_tokens = 0
        self.completion_tokens = 0

    def count(self, completion: Completion) -> None:
        self.prompt_tokens += completion.prompt_tokens
        self.completion_tokens += completion.completion_tokens


@contextmanager
def stage(trace: Trace, name: str, input: Any = None) -> Iterator[StageRecorder]:
    """Time a stage and append it to ``trace``, also when it raises."""
    rec = StageRecorder(name, input)
    start = time.perf_counter()
    error: dict[str, Any] | None = None
    try:
        yield rec
    except NesyError as e:
        error = e.to_dict()
        raise
    except Exception as e:
        # Foreign exception text may carry paths or library internals: name the type only;
        # the server logs the traceback.
        error = {"type": "internal_error", "message": f"internal error ({type(e).__name__})"}
        raise
    finally:
        trace.add(
            Stage(
                name=name,
                input=rec.input,
                output=rec.output,
                seconds=time.perf_counter() - start,
                prompt_tokens=rec.prompt_tokens,
                completion_tokens=rec.completion_tokens,
                error=error,
            )
        )
