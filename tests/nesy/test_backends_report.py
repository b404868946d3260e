"""`nesy backends` tells the truth (issue 17): the LLM and adapter that would load, each engine
available or why not, bundled domains and KGs, datasets found — checked against the code
paths that use them, on the real installation."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kb.store import BUNDLED
from logic.datasets import DATASETS, default_path
from nesy.cli import app
from nesy.inventory import llm_report
from nesy.llm.embedded import default_lora_path, default_model_path
from nesy.settings import Settings
from planners.domains import DOMAINS
from planners.solving import ENGINE_NAMES, available_engines

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "nesy" / "adapters" / "smollm2-nesy-lora.json"
# the default LLM with the shipped adapter, whatever the CI environment sets
ENV = {"NESY_LLM": "embedded", "NESY_EMBEDDED_LORA": None, "NESY_EMBEDDED_MODEL_PATH": None, "NESY_EMBEDDED_THREADS": "2"}


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    r = CliRunner().invoke(app, ["backends", "--json"], env=ENV)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _backend(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(b for b in report["backends"] if b["name"] == name)


def _part(llm: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in llm["parts"] if p["name"] == name)


def test_the_llm_is_the_embedded_model_with_the_shipped_adapter(report: dict[str, Any]) -> None:
    llm = report["llm"]
    assert (llm["provider"], llm["threads"], llm["available"]) == ("embedded", 2, True), llm
    assert _part(llm, "model")["path"] == str(default_model_path())
    adapter = _part(llm, "adapter")
    shipped = default_lora_path()
    assert shipped is not None and adapter["path"] == str(shipped)
    digest = hashlib.sha256(shipped.read_bytes()).hexdigest()
    assert adapter["sha256"] == digest == json.loads(MANIFEST.read_text())["gguf_sha256"], adapter
    assert adapter["matches_manifest"] is True and adapter["trained_by"].startswith("nesy train"), adapter


def test_every_planning_engine_is_listed_as_the_solver_would_find_it(report: dict[str, Any]) -> None:
    engines = {e["name"]: e for e in _backend(report, "planning")["engines"]}
    assert set(engines) == set(ENGINE_NAMES)
    usable = set(available_engines())
    for name, e in engines.items():
        assert e["available"] == (name in usable), e  # the inventory agrees with what solve_pddl accepts
        assert e["detail"], e
    assert engines["fd-opt"]["available"] and engines["pyperplan"]["available"]  # CI installs both
    if not engines["enhsp"]["available"]:  # the reason names what is missing
        assert "up-enhsp" in engines["enhsp"]["detail"] or "Java" in engines["enhsp"]["detail"], engines["enhsp"]


def test_bundled_domains_kgs_and_datasets(report: dict[str, Any]) -> None:
    assert [d["name"] for d in _backend(report, "planning")["domains"]] == list(DOMAINS)
    kgs = _backend(report, "kg")["kgs"]
    assert [k["name"] for k in kgs] == list(BUNDLED) and all(k["available"] for k in kgs), kgs
    assert all(isinstance(k["trained"], bool) and "triples" in k["detail"] for k in kgs), kgs
    logic = _backend(report, "logic")
    z3 = logic["engines"][0]
    assert z3["name"] == "z3" and z3["version"] == importlib.metadata.version("z3-solver"), z3
    found = {d["name"]: d["available"] for d in logic["datasets"]}
    assert found == {n: default_path(n).is_file() for n in DATASETS}, found


def test_human_output_names_each_part() -> None:
    r = CliRunner().invoke(app, ["backends"], env=ENV)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].startswith("ok  llm       embedded, 2 thread(s)"), lines[0]
    text = r.stdout
    digest = json.loads(MANIFEST.read_text())["gguf_sha256"]
    assert f"sha256 {digest}; matches its manifest" in text, text
    for name in ("planning", "logic", "kg"):
        assert any(l.startswith(f"ok  {name}") for l in lines), text
    for section in ("engines", "domains", "kgs", "datasets"):
        assert f"      {section}" in lines, text
    assert any("fd-opt" in l and l.strip().startswith("ok") for l in lines), text


def test_an_adapter_that_differs_from_its_manifest_is_flagged(tmp_path: Path) -> None:
    shipped = default_lora_path()
    assert shipped is not None
    copy = tmp_path / "smollm2-nesy-lora.gguf"
    shutil.copyfile(shipped, copy)
    shutil.copyfile(MANIFEST, copy.with_suffix(".json"))
    same = _part(llm_report(Settings(embedded_lora=str(copy))), "adapter")
    assert same["matches_manifest"] is True, same
    with copy.open("ab") as f:
        f.write(b"\0")
    changed = _part(llm_report(Settings(embedded_lora=str(copy))), "adapter")
    assert changed["matches_manifest"] is False and "DIFFERS" in changed["detail"], changed
    assert changed["sha256"] == hashlib.sha256(copy.read_bytes()).hexdigest()


def test_no_adapter_a_missing_one_and_a_server() -> None:
    assert _part(llm_report(Settings(embedded_lora="none")), "adapter")["path"] is None
    missing = llm_report(Settings(embedded_lora="/no/such/adapter.gguf"))
    assert missing["available"] is False and "does not exist" in _part(missing, "adapter")["detail"], missing
    server = llm_report(Settings(llm="http://127.0.0.1:9", llm_model="nesy"))
    assert server["provider"] == "openai-compatible server" and server["model"] == "nesy", server
    assert "not contacted" in _part(server, "server")["detail"]  # nothing listens on port 9: no call was made
