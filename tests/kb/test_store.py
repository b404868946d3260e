import numpy as np
import pytest

from nesy.errors import ConfigError, UnknownResourceError

from kb.store import load_bundled, load_tsv, readable


@pytest.mark.parametrize(
    "name, entities, relations, train, test",
    [("nations", 14, 55, 1592, 201), ("umls", 135, 46, 5216, 661), ("kinships", 104, 25, 8544, 1074)],
)
def test_bundled_kgs_load_from_the_pykeen_files(name, entities, relations, train, test):
    kg = load_bundled(name)
    assert (kg.num_entities, kg.num_relations) == (entities, relations)
    assert len(kg.train) == train and len(kg.test) == test
    assert kg.train.min() >= 0 and kg.train[:, 1].max() < relations


def test_unknown_kg_names_the_bundled_ones():
    with pytest.raises(UnknownResourceError, match="nations"):
        load_bundled("freebase")


def test_tsv_loader_and_views(tmp_path):
    (tmp_path / "train.tsv").write_text("a\tr\tb\nb\tr\tc\na\ts\tc\n")
    (tmp_path / "test.tsv").write_text("c\tr\ta\n")
    kg = load_tsv("toy", tmp_path / "train.tsv", test=tmp_path / "test.tsv")
    assert kg.entities == ["a", "b", "c"] and kg.relations == ["r", "s"]
    assert len(kg.valid) == 0 and len(kg.test) == 1
    adj = kg.adjacency()
    assert adj[kg.relation("r")][kg.entity("a"), kg.entity("b")] == 1
    assert adj[kg.relation("r")][kg.entity("c"), kg.entity("a")] == 0  # test edge not in train view
    deg = kg.out_degree()
    assert deg[kg.relation("r"), kg.entity("a")] == 1 and deg[kg.relation("s"), kg.entity("a")] == 1
    g = kg.graph(("train", "test"))
    assert g.has_edge("c", "a", key="r") and g.number_of_edges() == 4
    assert kg.fingerprint != load_tsv("toy", tmp_path / "train.tsv").fingerprint


def test_bad_tsv_names_file_and_line(tmp_path):
    p = tmp_path / "bad.tsv"
    p.write_text("a\tr\tb\nonly two\tfields\n")
    with pytest.raises(ConfigError, match=r"bad.tsv:2"):
        load_tsv("bad", p)


def test_unknown_symbols_raise():
    kg = load_bundled("nations")
    with pytest.raises(UnknownResourceError, match="atlantis"):
        kg.entity("atlantis")
    assert readable("acquired_abnormality") == "acquired abnormality"
    assert np.array_equal(kg.triples(("train",)), kg.train)
