"""The parts of the restatement stage on their own: BM25, the vector set, the encoders (offline)."""

from __future__ import annotations

import os

import numpy as np

from api.matching.lexical import BM25Index, terms
from api.matching.semantic import VectorSet, load_encoders

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def test_terms_drop_stopwords_urls_and_accents() -> None:
    assert terms("The Café is OPEN https://t.co/xyz pic.twitter.com/abc") == ["cafe", "open"]


def test_bm25_add_replace_remove() -> None:
    bm = BM25Index()
    bm.add(1, "Vaccines cause autism, a viral post claims")
    bm.add(2, "The moon landing was staged in a studio")
    bm.add(3, "Drinking bleach cures the virus")
    assert bm.search("did the moon landing happen", 3)[0][0] == 2
    bm.add(2, "Bananas are radioactive")  # replaces key 2
    assert [k for k, _ in bm.search("moon landing", 3)] == []
    assert bm.search("radioactive bananas", 1)[0][0] == 2
    bm.remove(3)
    assert bm.search("bleach virus", 3) == [] and len(bm) == 2


def test_vector_set_exact_search() -> None:
    vs = VectorSet(3)
    rows = np.eye(3, dtype=np.float32)
    vs.add([10, 11, 12], rows)
    assert vs.search(np.array([0, 1, 0], dtype=np.float32), 1) == [(11, 1.0)]
    vs.add([11], np.array([[1, 0, 0]], dtype=np.float32))  # replace
    assert {k for k, _ in vs.search(np.array([1, 0, 0], dtype=np.float32), 2)} == {10, 11}
    vs.discard([10])
    assert vs.search(np.array([1, 0, 0], dtype=np.float32), 3)[0][0] == 11
    assert len(vs) == 2
    sims = vs.similarities(np.array([0, 0, 1], dtype=np.float32), [12, 10, 99])
    assert sims == {12: 1.0}


def test_encoders_load_offline_and_agree_on_meaning() -> None:
    english, multilingual = load_encoders()
    assert english is not None and multilingual is not None
    for enc in (english, multilingual):
        v = enc.encode(
            ["The vaccine was tested on children.", "Kids were given the shot in a trial.", "Paris is big"]
        )
        assert v.shape == (3, enc.dim) and v.dtype == np.float32
        assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
        assert v[0] @ v[1] > v[0] @ v[2]
    de, en, other = multilingual.encode(
        [
            "Der Impfstoff wurde an Kindern getestet.",
            "The vaccine was tested on children.",
            "The stock market fell sharply today.",
        ]
    )
    assert de @ en > de @ other + 0.2


def test_an_ellipsis_is_not_a_sentence_end() -> None:
    from api.matching.rerank import sentence_ranges

    first = "he said the americans were on our side... and the weapons came through turkey."
    text = first + " then a second sentence follows!"
    pieces = [text[a:b] for a, b in sentence_ranges(text)]
    assert pieces[0] == first
    assert len(pieces) == 2
