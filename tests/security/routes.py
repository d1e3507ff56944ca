"""Every route of the app, with a request that exercises it and the access it needs.

``test_access.test_the_table_lists_every_route`` keeps this in step with the app: a new route
fails it until it is listed here (with the access it needs), so the access matrix and the outage
test cover it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import auth
from tests.security.helpers import HIGHLIGHT, URL, ingest_article

# open: anyone; read: the read rule; metrics: the read rule unless CLAIMSCOPE_METRICS_REQUIRE_KEY;
# ingest / curate / admin: a key of that scope or above; form: a curate key in the form (a page's form)
KINDS = ("open", "read", "metrics", "ingest", "curate", "admin", "form")


@dataclass
class Route:
    method: str
    path: str  # the template, as the app names it
    kind: str
    url: str = ""  # the path with ids filled in (defaults to ``path``)
    json: Any = None
    data: dict[str, str] | None = None
    params: dict[str, str] = field(default_factory=dict)

    def call(self, client: TestClient, key: str | None) -> Any:
        headers = auth(key) if key else {}
        return client.request(
            self.method,
            self.url or self.path,
            json=self.json,
            data=self.data,
            params=self.params,
            headers=headers,
        )


MISSING = 999_999  # an id nothing has: write routes answer 404 once access is granted


def fixture_ids(client: TestClient, admin_key: str) -> dict[str, int]:
    """Ingest the article and add a curated response; the ids the table fills in."""
    claim_id = ingest_article(client, admin_key)
    resp = client.post(
        f"/v1/claims/{claim_id}/responses",
        json={"stance": "denies", "quote": "No.", "source_url": "https://ok.example/r"},
        headers=auth(admin_key),
    )
    assert resp.status_code == 201, resp.text
    docs = client.get("/v1/documents", headers=auth(admin_key)).json()["items"]
    outlets = client.get("/v1/outlets", headers=auth(admin_key)).json()["items"]
    return {
        "claim": claim_id,
        "response": int(resp.json()["id"]),
        "document": int(docs[0]["id"]),
        "outlet": int(outlets[0]["id"]) if outlets else MISSING,
    }


def routes(ids: dict[str, int]) -> list[Route]:
    c, r, d, o = ids["claim"], ids["response"], ids["document"], ids["outlet"]
    review = {
        "@type": "ClaimReview",
        "url": "https://factcheck.example/lead",
        "claimReviewed": HIGHLIGHT,
        "author": {"@type": "Organization", "name": "Example Fact Check"},
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
    }
    return [
        Route("GET", "/openapi.json", "open"),
        Route("GET", "/docs", "open"),
        Route("GET", "/docs/oauth2-redirect", "open"),
        Route("GET", "/redoc", "open"),
        Route("GET", "/favicon.ico", "open"),
        Route("GET", "/static/docs/{name}", "open", url="/static/docs/swagger-ui.css"),
        Route("GET", "/healthz", "open"),
        Route("GET", "/readyz", "open"),
        Route("GET", "/static", "open", url="/static/site.css"),
        Route("GET", "/static/docs/{name}", "open", url="/static/docs/swagger-ui.css"),
        Route("GET", "/favicon.ico", "open"),
        Route("GET", "/metrics", "metrics"),
        Route("GET", "/v1/documents", "read"),
        Route("GET", "/v1/documents/{document_id}", "read", url=f"/v1/documents/{d}"),
        Route("POST", "/v1/match", "read", json={"text": HIGHLIGHT}),
        Route("POST", "/v1/match/batch", "read", json={"items": [{"text": HIGHLIGHT}]}),
        Route("GET", "/v1/claims", "read"),
        Route("GET", "/v1/claims/{claim_id}", "read", url=f"/v1/claims/{c}"),
        Route("GET", "/v1/outlets", "read"),
        Route("POST", "/v1/check", "read", json={"text": HIGHLIGHT}),
        Route("GET", "/v1/claims/{claim_id}/export", "read", url=f"/v1/claims/{c}/export"),
        Route("GET", "/v1/export/claims.jsonl", "read"),
        Route("GET", "/claims/{claim_id}", "read", url=f"/claims/{c}"),
        Route("GET", "/search", "read", params={"q": HIGHLIGHT}),
        Route("GET", "/check", "read"),
        Route("POST", "/check", "read", data={"text": HIGHLIGHT}),
        Route("GET", "/review", "read"),
        Route("POST", "/v1/documents", "ingest", json={"text": "Short note.", "url": URL}),
        Route(
            "POST",
            "/v1/claims/{claim_id}/responses",
            "curate",
            url=f"/v1/claims/{MISSING}/responses",
            json={"stance": "denies", "quote": "No."},
        ),
        Route(
            "PATCH",
            "/v1/claims/{claim_id}/responses/{response_id}",
            "curate",
            url=f"/v1/claims/{c}/responses/{r}",
            json={"role": "spokeswoman"},
        ),
        Route(
            "DELETE",
            "/v1/claims/{claim_id}/responses/{response_id}",
            "curate",
            url=f"/v1/claims/{c}/responses/{MISSING}",
        ),
        Route("DELETE", "/v1/documents/{document_id}", "admin", url=f"/v1/documents/{MISSING}"),
        Route("PATCH", "/v1/outlets/{outlet_id}", "curate", url=f"/v1/outlets/{o}", json={}),
        Route("GET", "/v1/review", "curate"),
        Route("POST", "/v1/review/{suggestion_id}/confirm", "curate", url=f"/v1/review/{MISSING}/confirm"),
        Route("POST", "/v1/review/{suggestion_id}/reject", "curate", url=f"/v1/review/{MISSING}/reject"),
        Route(
            "POST", "/review/{suggestion_id}", "form", url=f"/review/{MISSING}", data={"decision": "confirm"}
        ),
        Route("POST", "/v1/watches", "curate", json={"claim_id": MISSING, "url": "https://127.0.0.1:9/hook"}),
        Route("GET", "/v1/watches", "curate"),
        Route("DELETE", "/v1/watches/{watch_id}", "curate", url=f"/v1/watches/{MISSING}"),
        Route("DELETE", "/v1/documents/{document_id}", "admin", url=f"/v1/documents/{MISSING}"),
        Route(
            "GET",
            "/v1/watches/{watch_id}/deliveries",
            "curate",
            url=f"/v1/watches/{MISSING}/deliveries",
        ),
        Route("POST", "/v1/factchecks", "curate", json=review),
    ]
