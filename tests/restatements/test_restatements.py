"""Restatements and translations through ``POST /v1/match`` on the seeds (SQLite and PostgreSQL).

The seeds are ingested, the embedding queue is run to the end (``embed_pending``, what the API's
worker and ``claimscope embed`` run), then: copies stay copies with their aligned spans; an
unrelated sentence still matches nothing; a restatement is reported as one; our own translations
(tests/restatements/translations.json: German, French, Spanish, Arabic) find their English
original first; a German text of the Kölner Stadt-Anzeiger interview, once ingested, shares
provenance with its English retellings (``relation: "translation"``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.matching.claims import ClaimIndex
from api.matching.embedding import embed_pending
from api.matching.semantic import load_encoders
from db.connection import get_engine
from tests.factories import client_for, ingest_paths

HERE = Path(__file__).resolve().parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _embed_all(db_url: str) -> ClaimIndex:
    english, multilingual = load_encoders()
    assert english is not None and multilingual is not None, "the encoder packages are not installed"
    db = get_engine(db_url)
    index = ClaimIndex(db, english=english, multilingual=multilingual)
    index.refresh()
    while embed_pending(db, [english, multilingual], index=index):
        pass
    return index


def _match(client: TestClient, text: str, **extra: Any) -> list[dict[str, Any]]:
    resp = client.post("/v1/match", json={"text": text, **extra})
    assert resp.status_code == 200, resp.text
    return resp.json()["matches"]


@pytest.mark.slow
def test_restatements_and_translations_on_the_seeds(db_url: str, seeds_dir: Path, tmp_path: Path) -> None:
    assert ingest_paths(db_url, [seeds_dir]).count("rejected") == 0
    index = _embed_all(db_url)
    assert index.pending() == {"all-MiniLM-L6-v2-int8": 0, "use-multilingual-v3": 0}
    with client_for(db_url, embed_worker=False) as client:
        ready = client.get("/readyz").json()
        assert ready["embedding_lag"] == {"all-MiniLM-L6-v2-int8": 0, "use-multilingual-v3": 0}
        metrics = client.get("/metrics").text
        assert 'claimscope_embedding_lag_claims{model="use-multilingual-v3"} 0.0' in metrics

        # copies are unchanged: a copy, first, with its aligned span
        best = _match(client, '"The Americans are on our side."')[0]
        assert best["match_type"] == "copy" and best["score"] >= 0.95 and best["confidence"] == "high"
        p = best["passage"]
        assert "The Americans are on our side" in p["text"][p["match_start"] : p["match_end"]]
        assert _match(client, "The quarterly earnings call is scheduled for Thursday") == []

        # a restatement: the claim in other words
        said = _match(client, "Israel supports the Nusra Front now, since it is fighting Syria and Hezbollah")
        assert said and said[0]["match_type"] == "restatement"
        assert "Israel is now giving us support" in said[0]["claim"]["text"]
        assert {"fused", "bm25", "cosine"} <= said[0]["components"].keys()

        # our translations find their original first
        fixture = json.loads((HERE / "translations.json").read_text(encoding="utf-8"))
        assert len(fixture) >= 40 and len({f["lang"] for f in fixture}) >= 3
        first = 0
        for f in fixture:
            found = _match(client, f["text"])
            if found:
                # the right claim is the one holding the original sentence (a claim's text is one
                # of its appearances: near-duplicate wordings of the original join one claim)
                claim = client.get(f"/v1/claims/{found[0]['claim']['id']}").json()
                first += any(f["original"] in a["text"] for a in claim["appearances"])
        assert first / len(fixture) >= 0.95, f"{first}/{len(fixture)}"
        german = _match(client, "Das Geld kam von den Regierungen dieser Staaten, nicht von Privatpersonen.")
        assert german[0]["match_type"] == "translation"
        english_claim = _match(client, "The Americans are on our side.")[0]["claim"]["id"]

    # the German interview, ingested: its sentences join the English claims as translations
    record = {
        "url": "https://www.ksta.de/politik/al-nusra-kommandeur-interview",
        "title": "„Die Amerikaner stehen auf unserer Seite“",
        "outlet": "Kölner Stadt-Anzeiger",
        "language": "de",
        "text": (HERE / "ksta_interview_de.md").read_text(encoding="utf-8"),
    }
    path = tmp_path / "ksta.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert ingest_paths(db_url, [path]).count("rejected") == 0
    _embed_all(db_url)
    with client_for(db_url, embed_worker=False) as client:
        best = _match(client, "The Americans are on our side.")[0]
        assert best["claim"]["id"] == english_claim and best["match_type"] == "copy"
        prov = best["provenance"]
        pubs = [prov["first_publication"], *prov["republishers"]]
        german_pubs = [p for p in pubs if (p["url"] or "").startswith("https://www.ksta.de/")]
        assert german_pubs and german_pubs[0]["relation"] == "translation", pubs
        assert any(
            p["in_index"] and "Stadt-Anzeiger" not in ((p["outlet"] or {}).get("name") or "") for p in pubs
        )
        # the German sentence is now a copy of the German passage of the same claim
        de = _match(client, "Die Amerikaner stehen auf unserer Seite.")
        assert de[0]["claim"]["id"] == english_claim
