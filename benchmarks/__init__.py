"""Batch benchmark runs, suites, held-out composition scoring and reports."""
