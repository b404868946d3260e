"""The fuzzy operators on a tiny hand-made KG with known truth values, checked against brute force."""

import itertools

import numpy as np
import pytest

from kb.engine import QueryEngine
from kb.query import STRUCTURES, parse_query
from kb.store import KG
from kb.train import LinkPredictor, TrainConfig
from kb.truth import CalibratedTruth, ObservedTruth, SigmoidTruth


class MatrixTruth:
    """Truth given as explicit dense matrices (the engine's input, made by hand)."""

    def __init__(self, mats: dict[int, np.ndarray]) -> None:
        self.mats = mats
        self.num_entities = next(iter(mats.values())).shape[0]

    def rows(self, r, heads):
        return self.mats[r][np.asarray(heads)]

    def cols(self, r, tails):
        return self.mats[r][:, np.asarray(tails)].T


ENTS = ["a", "b", "c", "d"]


def toy_kg(num_relations: int = 6) -> KG:
    rels = [f"r{i}" for i in range(1, num_relations + 1)]
    train = np.array([[0, 0, 1], [1, 1, 2]], dtype=np.int64)
    return KG("toy", ENTS, rels, {"train": train})


def hand_truth() -> MatrixTruth:
    r1 = np.array([[0, 1.0, 0.5, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], dtype=np.float32)
    r2 = np.array([[0, 0, 0, 0], [0, 0, 1.0, 0.2], [0, 0, 0, 0.8], [0, 0, 0, 0]], dtype=np.float32)
    r3 = np.array([[0, 0, 0.4, 0.9], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], dtype=np.float32)
    rand = np.random.default_rng(1).random((3, 4, 4)).astype(np.float32)
    return MatrixTruth({0: r1, 1: r2, 2: r3, 3: rand[0], 4: rand[1], 5: rand[2]})


@pytest.fixture()
def engine():
    kg = toy_kg()
    return QueryEngine(kg, hand_truth(), observed=ObservedTruth(kg))


def test_projection_reads_a_row(engine):
    assert np.allclose(engine.answer(parse_query("r1(a, f)")), [0, 1.0, 0.5, 0])


def test_inverse_atom_reads_a_column(engine):
    assert np.allclose(engine.answer(parse_query("r2(f, d)")), [0, 0.2, 0.8, 0])


def test_conjunction_is_the_product(engine):
    assert np.allclose(engine.answer(parse_query("r1(a, f) & r3(a, f)")), [0, 0, 0.5 * 0.4, 0])


def test_disjunction_is_the_probabilistic_sum(engine):
    v = engine.answer(parse_query("r1(a, f) | r3(a, f)"))
    assert np.allclose(v, [0, 1.0, 0.5 + 0.4 - 0.5 * 0.4, 0.9])


def test_negation_is_one_minus(engine):
    assert np.allclose(engine.answer(parse_query("r1(a, f) & !r3(a, f)")), [0, 1.0, 0.5 * 0.6, 0])


def test_existential_is_the_max_over_paths(engine):
    # d: via b (1.0 * 0.2) or via c (0.5 * 0.8 = 0.4) -> 0.4
    assert np.allclose(engine.answer(parse_query("r1(a, e1) & r2(e1, f)")), [0, 0, 1.0, 0.4])


def test_explanation_follows_the_best_path_and_marks_observed_edges(engine):
    q = parse_query("r1(a, e1) & r2(e1, f)")
    res = engine.run(q)
    edges = engine.explain(res, ENTS.index("d"))
    assert {(e["head"], e["relation"], e["tail"]) for e in edges} == {("a", "r1", "c"), ("c", "r2", "d")}
    assert all(not e["observed"] for e in edges)  # neither edge is in train
    edges = engine.explain(engine.run(q), ENTS.index("c"))
    assert {(e["head"], e["tail"], e["observed"]) for e in edges} == {("a", "b", True), ("b", "c", True)}


def brute_force(mats: dict[int, np.ndarray], text: str) -> np.ndarray:
    """Product t-norm / max / 1-x / probabilistic sum by enumerating every assignment."""
    q = parse_query(text)
    rel = {f"r{i + 1}": i for i in range(6)}
    const = {"s1": 0, "s2": 1, "s3": 2}
    out = []
    branches = q.dnf()
    for ans in range(4):
        vals = []
        for b in branches:
            evars = sorted({t.name for a in b for t in (a.head, a.tail) if t.is_var and t.name != "f"})
            best = 0.0
            for combo in itertools.product(range(4), repeat=len(evars)):
                env = {"f": ans, **dict(zip(evars, combo)), **const}
                v = 1.0
                for a in b:
                    t = mats[rel[a.relation]][env[a.head.name], env[a.tail.name]]
                    v *= (1 - t) if a.negated else t
                best = max(best, v)
            vals.append(best)
        out.append(1 - np.prod([1 - v for v in vals]))
    return np.array(out)


@pytest.mark.parametrize("structure", list(STRUCTURES))
def test_every_structure_matches_brute_force(structure):
    kg = KG("toy", ["s1", "s2", "s3", "x"], [f"r{i}" for i in range(1, 7)], {})
    mats = {r: np.random.default_rng(r + 7).random((4, 4)).astype(np.float32) for r in range(6)}
    eng = QueryEngine(kg, MatrixTruth(mats))
    assert np.allclose(eng.answer(parse_query(STRUCTURES[structure])), brute_force(mats, STRUCTURES[structure]), atol=1e-5)


def test_candidate_cap_keeps_the_top_values():
    kg = KG("toy", ["s1", "s2", "s3", "x"], [f"r{i}" for i in range(1, 7)], {})
    mats = {r: np.random.default_rng(r).random((4, 4)).astype(np.float32) for r in range(6)}
    full = QueryEngine(kg, MatrixTruth(mats)).answer(parse_query("r1(s1, e1) & r2(e1, f)"))
    capped = QueryEngine(kg, MatrixTruth(mats), max_candidates=1, chunk=1).answer(parse_query("r1(s1, e1) & r2(e1, f)"))
    e1 = int(np.argmax(mats[0][0]))
    assert np.allclose(capped, mats[0][0, e1] * mats[1][e1])
    assert np.all(capped <= full + 1e-6)


def random_predictor(kg: KG, rank: int = 8) -> LinkPredictor:
    rng = np.random.default_rng(0)
    return LinkPredictor(kg.name, rng.normal(size=(kg.num_entities, 2 * rank)).astype(np.float32),
                         rng.normal(size=(2 * kg.num_relations, 2 * rank)).astype(np.float32), TrainConfig(), {}, 0.0)


def test_calibration_pins_observed_edges_and_scales_by_degree(nations):
    pred = random_predictor(nations)
    cal = CalibratedTruth(nations, pred, threshold=0.0)
    h, r, t = (int(x) for x in nations.train[0])
    m = cal.rows(r, np.arange(nations.num_entities))
    assert m[h, t] == 1.0
    assert m.max() <= 1.0 and m.min() >= 0.0
    deg = nations.out_degree()[r]
    # each row carries about max(degree, 1) of truth mass (clipping and pinning only move it a little)
    unobserved = [i for i in range(nations.num_entities) if deg[i] == 0]
    for i in unobserved:
        assert m[i].sum() == pytest.approx(1.0, abs=1e-4)


def test_row_mode_equals_dense_mode_for_rows(nations):
    pred = random_predictor(nations)
    dense = CalibratedTruth(nations, pred, dense=True)
    rows = CalibratedTruth(nations, pred, dense=False)
    heads = np.array([0, 3, 5])
    assert np.allclose(dense.rows(4, heads), rows.rows(4, heads))
    q = parse_query("blockpositionindex(usa, e1) & embassy(e1, f) & treaties(uk, f)")
    e_dense = QueryEngine(nations, dense).answer(q)
    e_rows = QueryEngine(nations, rows, chunk=3).answer(q)
    assert np.allclose(e_dense, e_rows, atol=1e-6)


def test_sigmoid_truth_is_uncalibrated(nations):
    pred = random_predictor(nations)
    s = SigmoidTruth(nations, pred)
    m = s.rows(0, np.arange(nations.num_entities))
    raw = pred.scores(np.arange(nations.num_entities), 0)
    assert np.allclose(m, 1 / (1 + np.exp(-raw)), atol=1e-6)
