"""A big index serves copies at once and restatements once their index is built
(``api.pipeline.restatements``): the build runs in the background above
``BUILD_BEFORE_SERVING`` claims, and ``/readyz`` says ``"warming"`` until it is done."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from api.matching import semantic
from tests.factories import client_for, ingest_paths


def test_copies_are_answered_while_the_restatement_index_warms(
    sqlite_url: str, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths(sqlite_url, sorted(seeds_dir.iterdir())[:2], restatements=False)
    monkeypatch.setattr("api.pipeline.restatements.BUILD_BEFORE_SERVING", 0)
    release = threading.Event()

    def slow_encoders():  # type: ignore[no-untyped-def]
        release.wait(60)  # the encoders load only when the test lets them
        return semantic.load_encoders()

    monkeypatch.setattr("api.pipeline.restatements.load_encoders", slow_encoders)
    with client_for(sqlite_url, restatements=True, embed_worker=False) as client:
        ready = client.get("/readyz").json()
        assert ready["restatements"] == "warming"
        assert "claims_embedded" not in ready  # no restatement index yet
        items = client.get("/v1/claims?limit=50").json()["items"]
        text = max(items, key=lambda c: len(c["text"]))["text"]
        hits = client.post("/v1/match", json={"text": text}).json()["matches"]
        assert hits and hits[0]["match_type"] == "copy"  # copies are served meanwhile
        release.set()
        for _ in range(600):
            ready = client.get("/readyz").json()
            if "restatements" not in ready:
                break
            time.sleep(0.1)
        assert "restatements" not in ready and "claims_embedded" in ready
