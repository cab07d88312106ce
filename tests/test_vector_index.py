import numpy as np
import pytest

from assistant import vector_index
from assistant.errors import ConfigError


def _unit(n: int, d: int = 32, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _exact(vectors, query, n, rows=None):
    candidates = np.arange(len(vectors)) if rows is None else rows
    scores = vectors[candidates] @ query
    return [int(candidates[i]) for i in np.argsort(-scores, kind="stable")[:n]]


def test_auto_choice_is_exact_below_the_threshold_and_hnsw_above():
    assert vector_index.choose_kind(0) == "flat"
    assert vector_index.choose_kind(vector_index.HNSW_FROM - 1) == "flat"
    assert vector_index.choose_kind(vector_index.HNSW_FROM) == "hnsw"
    assert vector_index.choose_kind(10, "hnsw") == "hnsw"
    assert vector_index.choose_kind(10, "ivfpq") == "flat"  # too few to train a quantiser
    assert vector_index.choose_kind(10_000, "ivfpq") == "ivfpq"
    with pytest.raises(ConfigError, match="flat, hnsw, ivfpq"):
        vector_index.choose_kind(10, "annoy")


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivfpq"])
def test_every_kind_finds_the_exact_neighbours_on_clustered_data(kind):
    centres = _unit(40, seed=1)
    rng = np.random.default_rng(2)
    vectors = centres[rng.integers(0, 40, 12_000)] + 0.15 * _unit(12_000, seed=3)
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    index = vector_index.build(vectors, kind)
    assert vector_index.kind_of(index) == kind and index.ntotal == len(vectors)
    queries = vectors[:30] + 0.1 * _unit(30, seed=4)  # questions near the passages
    recall = np.mean([
        len({r for r, _ in vector_index.search(index, vectors, q, 10)}
            & set(_exact(vectors, q, 10))) / 10 for q in queries])
    assert recall >= 0.9
    top = vector_index.search(index, vectors, queries[0], 5)
    scores = [s for _, s in top]
    assert scores == sorted(scores, reverse=True)  # exact re-scored inner products, best first
    np.testing.assert_allclose(scores, [float(vectors[r] @ queries[0]) for r, _ in top],
                               rtol=1e-5)


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivfpq"])
@pytest.mark.parametrize("selected", [50, 5_000])
def test_a_row_filter_returns_only_those_rows(kind, selected, monkeypatch):
    monkeypatch.setattr(vector_index, "EXACT_SUBSET", 1_000)  # exercise both filter paths
    vectors = _unit(12_000, d=16)
    index = vector_index.build(vectors, kind)
    rows = np.sort(np.random.default_rng(5).choice(12_000, selected, replace=False))
    found = vector_index.search(index, vectors, vectors[rows[3]], 10, rows)
    assert {r for r, _ in found} <= set(rows.tolist()) and len(found) == 10
    assert found[0][0] == rows[3]
