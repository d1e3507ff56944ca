"""Store the official responses extracted from a document, one row per claim answered."""

from __future__ import annotations

from sqlmodel import Session

from db.models import Document, Passage, Response


def store_extracted_responses(
    *, session: Session, document: Document, passages: list[Passage]
) -> int:
    from api.provenance.responses import extract_responses

    found = extract_responses(
        document.text, passages, published_at=document.published_at,  # type: ignore[arg-type]
        language=document.language,
    )
    stored = 0
    for resp in found:
        # A statement that answers nothing in this document is kept out of the index: it would
        # attach to no claim, and linking it to every claim would be worse than nothing.
        claim_ids = {
            passages[i].claim_id for i in resp.answers
            if 0 <= i < len(passages) and passages[i].claim_id is not None
        }
        statement = passages[resp.passage_ordinals[0]] if resp.passage_ordinals else None
        for claim_id in sorted(c for c in claim_ids if c is not None):
            session.add(
                Response(
                    claim_id=claim_id, speaker=resp.speaker, role=resp.role,
                    organization=resp.organization, stance=resp.stance, date=resp.date,
                    quote=resp.quote, document_id=document.id,
                    passage_id=statement.id if statement else None,
                    source_url=document.url, how="extracted", evidence=resp.evidence,
                )
            )
            stored += 1
    session.flush()
    return stored
