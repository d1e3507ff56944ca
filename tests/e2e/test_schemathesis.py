"""Property-based API tests: schemathesis drives every operation of the OpenAPI schema.

In-process (ASGI) over a SQLite file holding the demo corpus, without a key and with a ``curate``
key (so the write paths run too). Every check schemathesis has except positive_data_acceptance
(see bench/schemathesis_run.py for why): no 5xx, response bodies (every 2xx has a schema),
status codes and content types as declared, invalid input refused, ... Bounded: a few examples
per operation and key (a few hundred cases), no deadline per example. The long run (thousands
of cases against uvicorn) is ``make fuzz``.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from api.app import create_app
from tests.factories import make_key, make_settings
from tests.live_server import load_demo

pytestmark = pytest.mark.slow
EXCLUDED = [positive_data_acceptance]  # semantic input rules JSON Schema cannot state
EXAMPLES_PER_OPERATION = 6  # x ~26 operations x 2 keys: a few hundred cases
KEY: dict[str, str] = {}


# The schema is read from the app at import (pytest parametrizes by operation at collection);
# create_app touches no database. The module fixture makes and loads the database; schemathesis
# starts the app's lifespan (which loads the match index) at the first call and keeps it.
DB_DIR = Path(tempfile.gettempdir()) / f"claimscope-schemathesis-{uuid.uuid4().hex[:10]}"
DB_URL = f"sqlite:///{DB_DIR / 'demo.sqlite'}"
APP = create_app(make_settings(DB_URL, rate_limit_per_minute=0, fetch_timeout_s=1.0))
schema = schemathesis.openapi.from_dict(APP.openapi())
schema.app = APP
schema.config.generation.update(allow_x00=False)  # NUL is refused in every string (a 422)


@pytest.fixture(scope="module", autouse=True)
def demo_database() -> Iterator[None]:
    DB_DIR.mkdir(parents=True)
    try:
        load_demo(DB_URL)
        KEY["Authorization"] = f"Bearer {make_key(DB_URL, 'curate', 'schemathesis')}"
        yield
    finally:
        from schemathesis.python.asgi import shutdown_lifespans

        from db.connection import get_engine

        shutdown_lifespans()
        get_engine(DB_URL).dispose()
        shutil.rmtree(DB_DIR, ignore_errors=True)


@pytest.mark.parametrize("with_key", [False, True], ids=["no-key", "curate-key"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: schemathesis.Case, with_key: bool) -> None:
    case.call_and_validate(headers=KEY if with_key else {}, excluded_checks=EXCLUDED)
