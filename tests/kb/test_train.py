import numpy as np

from kb.train import LinkPredictor, checkpoint_path, evaluate, get_predictor, train

from .conftest import NATIONS_FAST


def test_nations_trains_well_above_random(nations):
    pred = train(nations, NATIONS_FAST)
    # a uniformly random ranking of 14 entities has a filtered MRR near 0.3
    assert pred.metrics["mrr"] > 0.6, pred.metrics
    assert pred.metrics["hits@10"] > 0.9
    assert pred.entity_emb.shape == (14, 2 * NATIONS_FAST.rank)
    assert pred.relation_emb.shape == (2 * 55, 2 * NATIONS_FAST.rank)  # with reciprocals


def test_untrained_embeddings_score_like_random(nations):
    rng = np.random.default_rng(0)
    pred = LinkPredictor("nations", rng.normal(size=(14, 20)).astype(np.float32),
                         rng.normal(size=(110, 20)).astype(np.float32), NATIONS_FAST, {}, 0.0)
    assert evaluate(pred, nations)["mrr"] < 0.5


def test_checkpoint_round_trip_and_cache(nations, tmp_path):
    pred = get_predictor(nations, tmp_path, NATIONS_FAST, progress=False)
    path = checkpoint_path(nations, NATIONS_FAST, tmp_path)
    assert path.is_file()
    stamp = path.stat().st_mtime_ns
    again = get_predictor(nations, tmp_path, NATIONS_FAST, progress=False)  # loads, does not retrain
    assert path.stat().st_mtime_ns == stamp
    assert np.array_equal(again.entity_emb, pred.entity_emb)
    assert again.metrics == pred.metrics and again.config == NATIONS_FAST
    loaded = LinkPredictor.load(path)
    assert np.allclose(loaded.scores(np.array([0, 1]), 3), pred.scores(np.array([0, 1]), 3))
