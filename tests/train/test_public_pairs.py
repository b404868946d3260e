"""Pairs from the tuning parts of the public logic sets (train.sources.public_logic): only tune
items, gold that checks with the project's solver, and an opt-in that leaves the default pairs alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from logic.datasets import load_public
from logic.gold import GOLD_DIR
from logic.suites import split_part
from logic.tune_gold import (
    FOLIO_NO_GOLD, PUBLIC_TUNE, folio_gold, ordering_gold, solves_to_label, tune_items)
from nesy.translate import split_clauses
from train.pairs import Pair
from train.sources.public_logic import PublicTunePairs, clause_form


def _part(shared_data: Path, name: str, part: str) -> set[str]:
    return {it.id for it in split_part(name, load_public(shared_data / "logic" / name / "dev.json"), part)}


@pytest.fixture(scope="module")
def recorded(shared_data: Path) -> Iterator[tuple[PublicTunePairs, list[Pair]]]:
    src = PublicTunePairs(data_root=shared_data / "logic")
    pairs = src.all_pairs(PUBLIC_TUNE, per_set=8, seed=1)
    yield src, pairs
    src.backend.close()


Recorded = tuple[PublicTunePairs, list[Pair]]


def test_pairs_come_only_from_tune_items(shared_data: Path, recorded: Recorded) -> None:
    src, pairs = recorded
    assert {"ProntoQA", "ProofWriter", "LogicalDeduction"} <= {p.meta["dataset"] for p in pairs}
    for name in PUBLIC_TUNE:
        tune, report = _part(shared_data, name, "tune"), _part(shared_data, name, "report")
        ids = {p.meta["item"] for p in pairs if p.meta["dataset"] == name}
        assert ids <= tune and not ids & report, name
        assert {it.id for it in tune_items(name, shared_data / "logic" / name / "dev.json")} == tune
    # every problem either contributed or was counted with its reason
    for name, c in src.stats.items():
        dropped = sum(v for k, v in c.items() if k.startswith("dropped"))
        assert c["items"] == c["kept"] + c["no gold"] + dropped, name


def test_the_new_text_reporting_part_shares_no_text_with_the_tuning_part(shared_data: Path) -> None:
    for name in PUBLIC_TUNE:
        items = load_public(shared_data / "logic" / name / "dev.json")
        tune, report, new = (split_part(name, items, p) for p in ("tune", "report", "report-new"))
        assert {it.id for it in new} <= {it.id for it in report}
        assert not {it.context for it in new} & {it.context for it in tune}, name
        # what it leaves out is exactly the reporting items whose text a tuning item has
        assert len(report) - len(new) == sum(it.context in {t.context for t in tune} for it in report), name


def test_each_step_is_recorded_and_its_target_is_what_the_step_accepts(recorded: Recorded) -> None:
    from logic.csp import parse_csp
    from logic.fol import parse_formula

    _, pairs = recorded
    assert {"declarations", "form", "formula", "objects", "constraint"} <= {p.meta["step"] for p in pairs}
    for p in pairs:
        step = p.meta["step"]
        assert p.signature == f"{p.meta['dataset'].lower()}-tune"
        if step == "form":
            assert p.target in p.request.constraint.choices
        elif step == "formula":
            parse_formula(p.target)
        elif step == "declarations":
            lines = p.target.splitlines()
            assert p.target.endswith("\n") and all(line.startswith(("pred ", "const ")) for line in lines)
        elif step == "constraint":
            objs = p.messages[0].content.split("Objects: ")[1].split(".")[0]
            parse_csp(f"domain pos = 1..{len(objs.split(', '))}\nvar {objs} : pos\nconstraint: {p.target}")


def test_folio_tune_gold_files_align_and_solve_to_their_labels(shared_data: Path) -> None:
    items = tune_items("FOLIO", shared_data / "logic" / "FOLIO" / "dev.json")
    with_gold = [it for it in items if (GOLD_DIR / f"{it.id}.logic").is_file() and it.id not in FOLIO_NO_GOLD]
    assert len(with_gold) >= 50
    # every tune item has gold or a recorded reason why not
    assert {it.id for it in items} == {it.id for it in with_gold} | set(FOLIO_NO_GOLD)
    wrong = []
    for it in with_gold:
        gold = folio_gold(it)
        # one formula per sentence the translator sends, then the statement
        assert [a.sentence for a in gold.aligned[:-1]] == split_clauses(it.context), it.id
        ok, said = solves_to_label(gold.program, it)
        if not ok:
            wrong.append((it.id, it.label, said))
    assert wrong == []


def test_a_gold_that_does_not_match_its_label_is_caught(shared_data: Path) -> None:
    items = tune_items("FOLIO", shared_data / "logic" / "FOLIO" / "dev.json")
    it = next(i for i in items if i.id == "FOLIO_dev_179")
    program = folio_gold(it).program
    assert it.label == "False" and solves_to_label(program, it)[0]
    assert not solves_to_label(program.replace("conclusion: ", "conclusion: not "), it)[0]  # now True


def test_logical_deduction_gold_is_read_from_the_clues_alone(shared_data: Path) -> None:
    items = tune_items("LogicalDeduction", shared_data / "logic" / "LogicalDeduction" / "dev.json")[:8]
    for it in items:
        gold = ordering_gold(it)
        assert gold.csp and len(gold.objects) >= 3
        assert solves_to_label(gold.program, it)[0], it.id


def test_clause_form_follows_the_steps_shapes() -> None:
    every = ("fact", "negated fact", "rule", "negative rule", "other")
    assert clause_form("Red(Bob) and not Big(Bob)", every) == "fact"
    assert clause_form("not Red(Bob)", every) == "negated fact"
    assert clause_form("forall x. Cat(x) and not Big(x) -> Red(x)", every) == "rule"
    assert clause_form("forall x. Cat(x) -> not Red(x)", every) == "negative rule"
    assert clause_form("forall x. Cat(x) -> (Red(x) xor Big(x))", every) == "other"
    assert clause_form("Red(Bob)", ("rule", "other")) == "other"
    assert clause_form("Red(Bob)", ("rule",)) is None


def test_public_tune_is_opt_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without --public-tune, nesy train hands run_training no pairs (it draws the default ones,
    whose digest the shipped manifest records); with it, the default pairs come first."""
    import typer
    from typer.testing import CliRunner

    import train.pairs
    import train.run
    import train.sources.public_logic as pl
    from nesy.errors import ConfigError
    from train.cli import register

    seen: list[object] = []

    def fake_run(formalisms, cfg, *, pairs=None, public_tune=None, **kw):  # noqa: ANN001, ANN003
        seen.append((pairs, public_tune))
        raise ConfigError("recorded; no training here")  # the CLI reports it and exits 2

    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # two commands: typer keeps the subcommand name
    runner = CliRunner()
    with monkeypatch.context() as m:
        m.setattr(train.run, "run_training", fake_run)
        runner.invoke(app, ["train", "--output", str(tmp_path)])
        runner.invoke(app, ["train", "--output", str(tmp_path), "--public-tune", str(tmp_path)])
    assert seen == [(None, None), (None, tmp_path)]

    # run_training puts the public pairs after the generated ones (and only when asked)
    default = [Pair((), "d", "planning", "s")]
    public = [Pair((), "p", "logic", "folio-tune")]
    monkeypatch.setattr(train.run, "make_pairs", lambda *a, **k: list(default))
    monkeypatch.setattr(pl, "public_tune_pairs", lambda *a, **k: list(public))
    drawn: list[object] = []

    def stop(ps):  # noqa: ANN001
        drawn.append(list(ps))
        raise ConfigError("drawn; no training here")

    from train.trainer import TrainConfig

    for root in (None, tmp_path):
        with pytest.raises(ConfigError):
            train.run.run_training(["planning"], TrainConfig(), n_pairs=1, output=tmp_path, on_pairs=stop,
                                   public_tune=root)
    assert drawn == [default, default + public]
