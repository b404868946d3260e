"""A worker that never gets ready (its warm-up hangs): for the start timeout test."""

from __future__ import annotations

import time

from nesy.sandbox import serve_jobs

if __name__ == "__main__":
    serve_jobs(lambda job: job, warm=lambda: time.sleep(600))
