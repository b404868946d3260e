"""Scoring summaries and reports: per formalism, per split, per composition, with bootstrap CIs.

Every rate comes with a percentile-bootstrap 95% confidence interval; the seen-minus-
held-out gap gets one too (the two splits resampled independently). An item whose
backend gave no score for a metric (its translation failed, its solver timed out)
counts as 0 for that metric: a failure is a miss, not a missing value.
"""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.store import atomic_write_text

__all__ = [
    "bootstrap_ci",
    "gap_ci",
    "summarize",
    "summary_table",
    "markdown_report",
    "write_report",
    "versions",
    "PIPELINE_METRICS",
]

SPLITS = ("seen", "held_out", "public")
PIPELINE_METRICS = ("translated", "solved")  # measured by the runner for every formalism
# The headline metric of a formalism: the first of these its backend reports, else its first metric.
PRIMARY_PREFERENCE = ("accuracy", "plan_valid", "mrr", "hits@1")
N_BOOT = 2000
ALPHA = 0.05


def bootstrap_ci(
    values: Sequence[float], *, n_boot: int = N_BOOT, alpha: float = ALPHA, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean; (nan, nan) for no values."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, x.size, size=(n_boot, x.size))].mean(axis=1)
    lo, hi = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return (float(lo), float(hi))


def gap_ci(
    a: Sequence[float], b: Sequence[float], *, n_boot: int = N_BOOT, alpha: float = ALPHA, seed: int = 0
) -> tuple[float, float, float]:
    """mean(a) - mean(b) and its bootstrap interval, resampling a and b independently."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.size == 0 or y.size == 0:
        return (float("nan"), float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    dx = x[rng.integers(0, x.size, size=(n_boot, x.size))].mean(axis=1)
    dy = y[rng.integers(0, y.size, size=(n_boot, y.size))].mean(axis=1)
    lo, hi = np.quantile(dx - dy, [alpha / 2, 1 - alpha / 2])
    return (float(x.mean() - y.mean()), float(lo), float(hi))


def _rate(values: list[float], seed: int) -> dict[str, Any]:
    lo, hi = bootstrap_ci(values, seed=seed)
    return {"mean": float(np.mean(values)) if values else float("nan"), "lo": lo, "hi": hi, "n": len(values)}


def _value(record: dict[str, Any], metric: str) -> float:
    if metric == "translated":
        return float(record.get("status") is not None and not record.get("error"))
    if metric == "solved":
        return float(record.get("status") in ("SOLVED", "SOLVED_OPTIMALLY"))
    v = (record.get("scores") or {}).get(metric)
    return float(v) if isinstance(v, (int, float)) and v == v else 0.0


def _metrics(records: list[dict[str, Any]]) -> list[str]:
    """The backend's metrics in the order it reports them, then the pipeline's."""
    names: list[str] = []
    for r in records:
        for k, v in (r.get("scores") or {}).items():
            if k not in names and isinstance(v, (int, float)):
                names.append(k)
    return names + [m for m in PIPELINE_METRICS if m not in names]


def summarize(records: list[dict[str, Any]], *, seed: int = 0) -> dict[str, Any]:
    """Per formalism x split x metric rates with CIs, seen-minus-held-out gaps, per composition."""
    kinds = sorted({r["kind"] for r in records})
    out: dict[str, Any] = {"n_items": len(records), "formalisms": {}, "overall": {}}
    primaries: dict[str, str] = {}
    for kind in kinds:
        recs = [r for r in records if r["kind"] == kind]
        metrics = _metrics(recs)
        primaries[kind] = next((m for m in PRIMARY_PREFERENCE if m in metrics), metrics[0])
        splits = [s for s in SPLITS if any(r["split"] == s for r in recs)]
        per_split = {
            s: {m: _rate([_value(r, m) for r in recs if r["split"] == s], seed) for m in metrics} for s in splits
        }
        gaps = {}
        if "seen" in per_split and "held_out" in per_split:
            for m in metrics:
                g, lo, hi = gap_ci(
                    [_value(r, m) for r in recs if r["split"] == "seen"],
                    [_value(r, m) for r in recs if r["split"] == "held_out"],
                    seed=seed,
                )
                gaps[m] = {"gap": g, "lo": lo, "hi": hi}
        comps: dict[str, Any] = {}
        for sig in sorted({r["signature"] for r in recs}):
            rs = [r for r in recs if r["signature"] == sig]
            comp_splits = sorted({r["split"] for r in rs})
            comps[sig] = {
                "split": comp_splits[0] if len(comp_splits) == 1 else "+".join(comp_splits),
                "n": len(rs),
                "metrics": {m: _rate([_value(r, m) for r in rs], seed) for m in metrics},
            }
        out["formalisms"][kind] = {
            "metrics": metrics,
            "primary": primaries[kind],
            "n": len(recs),
            "splits": per_split,
            "gap": gaps,
            "compositions": comps,
        }
    # Across formalisms: each formalism's primary metric, and the pipeline metrics.
    for label, pick in [("primary", lambda r: primaries[r["kind"]])] + [(m, (lambda m: lambda r: m)(m)) for m in PIPELINE_METRICS]:
        row = {}
        for s in SPLITS:
            vals = [_value(r, pick(r)) for r in records if r["split"] == s]
            if vals:
                row[s] = _rate(vals, seed)
        seen = [_value(r, pick(r)) for r in records if r["split"] == "seen"]
        held = [_value(r, pick(r)) for r in records if r["split"] == "held_out"]
        if seen and held:
            g, lo, hi = gap_ci(seen, held, seed=seed)
            row["gap"] = {"gap": g, "lo": lo, "hi": hi}
        out["overall"][label] = row
    out["primary_metrics"] = primaries
    return out


# -- formatting ---------------------------------------------------------------------------


def _fmt_rate(r: dict[str, Any] | None) -> str:
    if not r or r.get("n", 0) == 0:
        return "–"
    return f"{r['mean']:.2f} [{r['lo']:.2f}, {r['hi']:.2f}] (n={r['n']})"


def _fmt_gap(g: dict[str, Any] | None) -> str:
    if not g or g.get("gap") != g.get("gap"):
        return "–"
    return f"{g['gap']:+.2f} [{g['lo']:+.2f}, {g['hi']:+.2f}]"


def _split_rows(summary: dict[str, Any]) -> list[list[str]]:
    rows = []
    for kind, f in summary["formalisms"].items():
        for m in f["metrics"]:
            rows.append(
                [
                    kind,
                    m,
                    _fmt_rate(f["splits"].get("seen", {}).get(m)),
                    _fmt_rate(f["splits"].get("held_out", {}).get(m)),
                    _fmt_gap(f["gap"].get(m)),
                    _fmt_rate(f["splits"].get("public", {}).get(m)),
                ]
            )
    for label, row in summary["overall"].items():
        rows.append(
            ["all", label, _fmt_rate(row.get("seen")), _fmt_rate(row.get("held_out")), _fmt_gap(row.get("gap")),
             _fmt_rate(row.get("public"))]
        )
    return rows


SPLIT_HEADER = ["formalism", "metric", "seen", "held-out", "gap (seen − held-out)", "public"]


def summary_table(summary: dict[str, Any], timings: dict[str, Any] | None = None) -> str:
    """The per-split table as aligned plain text (what ``nesy bench`` prints)."""
    rows = [SPLIT_HEADER] + _split_rows(summary)
    keep = [i for i in range(len(SPLIT_HEADER)) if i < 5 or any(r[i] != "–" for r in rows[1:])]
    rows = [[r[i] for i in keep] for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(keep))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if timings:
        lines.append("")
        lines.append(
            f"{summary['n_items']} items; {timings.get('items_run', 0)} run now in {timings.get('wall_seconds', 0):.1f} s "
            f"({timings.get('items_per_second', 0):.3f} items/s); LLM calls {timings.get('llm_calls', 0)}, "
            f"cache hits {timings.get('llm_cache_hits', 0)}"
        )
    return "\n".join(lines)


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    esc = [[c.replace("|", "\\|") for c in r] for r in [header] + rows]
    lines = ["| " + " | ".join(esc[0]) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in esc[1:]]
    return "\n".join(lines)


def markdown_report(summary: dict[str, Any], meta: dict[str, Any], plots: dict[str, str]) -> str:
    cfg = meta.get("config", {})
    t = meta.get("timings", {})
    parts = [
        f"# Benchmark: {cfg.get('suite', '?')}",
        "",
        f"Model `{meta.get('model', '?')}`, mode `{cfg.get('mode')}`, samples {cfg.get('samples')}, "
        f"repairs {cfg.get('repairs')}, seed {cfg.get('seed')}, concurrency {cfg.get('concurrency')}; "
        f"{summary['n_items']} items. Generated {meta.get('created', '')}.",
        "",
        f"Run time {t.get('wall_seconds', 0):.1f} s for {t.get('items_run', 0)} items "
        f"({t.get('items_per_second', 0):.3f} items/s); LLM calls {t.get('llm_calls', 0)}, "
        f"cache hits {t.get('llm_cache_hits', 0)}.",
        "",
        "Rates are means with 95% percentile-bootstrap intervals; a failed item counts as 0. "
        "The gap is seen minus held-out: positive means the system does worse on compositions it never saw.",
        "",
        "## Per split",
        "",
        _md_table(SPLIT_HEADER, _split_rows(summary)),
        "",
        "## Per composition",
        "",
    ]
    for kind, f in summary["formalisms"].items():
        header = ["composition", "split", "n"] + f["metrics"]
        rows = [
            [sig, c["split"], str(c["n"])] + [_fmt_rate(c["metrics"][m]).split(" (n=")[0] for m in f["metrics"]]
            for sig, c in f["compositions"].items()
        ]
        parts += [f"### {kind}", "", _md_table(header, rows), ""]
    if plots:
        parts += ["## Plots", ""]
        parts += [f"![{name}]({rel})" for name, rel in plots.items()]
        parts.append("")
    parts += ["## Versions", "", "```", json.dumps(meta.get("versions", {}), indent=2), "```", ""]
    return "\n".join(parts)


# -- plots --------------------------------------------------------------------------------

_COLORS = {"seen": "#4C72B0", "held_out": "#DD8452", "public": "#55A868"}


def _err(r: dict[str, Any]) -> tuple[float, float]:
    return (max(0.0, r["mean"] - r["lo"]), max(0.0, r["hi"] - r["mean"]))


def plot_compositions(summary: dict[str, Any], out_dir: Path) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files: dict[str, str] = {}
    for kind, f in summary["formalisms"].items():
        m = f["primary"]
        sigs = list(f["compositions"])
        comps = [f["compositions"][s] for s in sigs]
        fig, ax = plt.subplots(figsize=(max(4.0, 0.6 * len(sigs) + 2), 3.2))
        means = [c["metrics"][m]["mean"] for c in comps]
        errs = np.array([_err(c["metrics"][m]) for c in comps]).T
        ax.bar(range(len(sigs)), means, yerr=errs, capsize=3,
               color=[_COLORS.get(c["split"].split("+")[0], "#888888") for c in comps])
        ax.set_xticks(range(len(sigs)), sigs, rotation=45, ha="right", fontsize=8)
        ax.set_ylim(0, max([1.05] + [c["metrics"][m]["hi"] * 1.05 for c in comps]))  # counts can exceed 1
        ax.set_ylabel(m)
        ax.set_title(f"{kind}: {m} by composition (blue seen, orange held-out)", fontsize=9)
        fig.tight_layout()
        rel = f"plots/{kind}_by_composition.png"
        fig.savefig(out_dir / rel, dpi=110)
        plt.close(fig)
        files[f"{kind} by composition"] = rel
    # seen vs held-out per formalism and metric
    labels, seen, held = [], [], []
    for kind, f in summary["formalisms"].items():
        for m in f["metrics"]:
            s, h = f["splits"].get("seen", {}).get(m), f["splits"].get("held_out", {}).get(m)
            if s or h:
                labels.append(f"{kind}\n{m}")
                seen.append(s)
                held.append(h)
    if labels:
        fig, ax = plt.subplots(figsize=(max(4.0, 0.9 * len(labels) + 2), 3.4))
        x = np.arange(len(labels))
        for off, vals, split in ((-0.2, seen, "seen"), (0.2, held, "held_out")):
            means = [v["mean"] if v else 0.0 for v in vals]
            errs = np.array([_err(v) if v else (0.0, 0.0) for v in vals]).T
            ax.bar(x + off, means, 0.4, yerr=errs, capsize=3, color=_COLORS[split], label=split)
        ax.set_xticks(x, labels, fontsize=7)
        ax.set_ylim(0, max([1.05] + [v["hi"] * 1.05 for v in seen + held if v]))
        ax.legend(fontsize=8)
        ax.set_title("seen vs held-out compositions (95% bootstrap CI)", fontsize=9)
        fig.tight_layout()
        rel = "plots/seen_vs_held_out.png"
        fig.savefig(out_dir / rel, dpi=110)
        plt.close(fig)
        files["seen vs held-out"] = rel
    return files


# -- files ----------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for pkg in ("nesy", "numpy", "httpx", "z3-solver", "unified-planning", "up-fast-downward", "up-pyperplan",
                "torch", "llama_cpp_python", "vllm", "lark"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def write_report(
    records: list[dict[str, Any]],
    out_dir: Path,
    *,
    config: dict[str, Any],
    model: str,
    suite: Any = None,
    timings: dict[str, Any] | None = None,
    seed: int | None = None,
) -> tuple[dict[str, Any], dict[str, Path]]:
    """Write summary.json, report.md and plots/*.png; return the summary and the file paths."""
    out_dir = Path(out_dir)
    (out_dir / "plots").mkdir(parents=True, exist_ok=True)
    summary = summarize(records, seed=config.get("seed", 0) if seed is None else seed)
    meta = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "config": config,
        "model": model,
        "seed": config.get("seed"),
        "suite": {
            "name": getattr(suite, "name", config.get("suite")),
            "description": getattr(suite, "description", ""),
            "seen": list(getattr(suite, "seen", [])),
            "held_out": list(getattr(suite, "held_out", [])),
        },
        "versions": versions(),
        "timings": {**(timings or {}), **_item_timings(records)},
    }
    plots = plot_compositions(summary, out_dir) if records else {}
    files = {
        "summary": out_dir / "summary.json",
        "report": out_dir / "report.md",
        **{name: out_dir / rel for name, rel in plots.items()},
    }
    atomic_write_text(files["summary"], json.dumps({**meta, "summary": summary}, indent=2, default=str))
    atomic_write_text(files["report"], markdown_report(summary, meta, plots))
    return {**meta, "summary": summary}, files


def _item_timings(records: list[dict[str, Any]]) -> dict[str, Any]:
    def total(key: str) -> float:
        return float(sum((r.get("seconds") or {}).get(key, 0.0) for r in records))

    return {
        "translate_seconds_sum": total("translate"),
        "solve_seconds_sum": total("solve"),
        "item_seconds_sum": total("total"),
        "prompt_tokens": int(sum((r.get("tokens") or {}).get("prompt", 0) for r in records)),
        "completion_tokens": int(sum((r.get("tokens") or {}).get("completion", 0) for r in records)),
    }
