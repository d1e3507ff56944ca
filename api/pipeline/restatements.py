"""The restatement index of one process and its embedding worker, started with the process.

Building the index reads every claim and its vectors (``api.matching.claims.ClaimIndex``). Up
to ``BUILD_BEFORE_SERVING`` claims this happens before the process serves; above it in a
background thread, so a big index answers copy matches within seconds of start-up (issue 12)
and restatements once the build is done (``warming`` meanwhile; ``/readyz`` says so).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine, func, select

from api.matching.claims import ClaimIndex
from api.matching.embedding import EmbeddingWorker
from api.matching.semantic import load_encoders
from db.models import Claim

# Claims up to which the index is built before serving: ~0.1 s of reading per 1,000 claims
# (bench/RESULTS.md, "Scale on real text"), so a demo or test corpus is complete at the first
# request and a big one does not hold start-up for a minute.
BUILD_BEFORE_SERVING = 20_000

ReadyHook = Callable[[ClaimIndex, EmbeddingWorker | None], None]


class RestatementService:
    """Builds the ``ClaimIndex``, hands it to ``on_ready``, then runs the embedding worker."""

    def __init__(
        self,
        engine: Engine,
        *,
        embed_worker: bool,
        on_ready: Callable[[ClaimIndex, EmbeddingWorker | None], None],
    ) -> None:
        self.engine = engine
        self.embed_worker = embed_worker
        self.on_ready = on_ready
        self.warming = False
        self._stopped = threading.Event()
        self._worker: EmbeddingWorker | None = None

    def start(self) -> None:
        with self.engine.connect() as conn:
            claims = conn.execute(select(func.count()).select_from(Claim)).scalar() or 0
        if claims <= BUILD_BEFORE_SERVING:
            self._build()
            return
        self.warming = True
        threading.Thread(target=self._build, name="restatement-index", daemon=True).start()

    def _build(self) -> None:
        english, multilingual = load_encoders()
        index = ClaimIndex(self.engine, english=english, multilingual=multilingual)
        index.refresh()
        if self._stopped.is_set():
            return
        if self.embed_worker:
            encoders = [e for e in (index.english, index.multilingual) if e is not None]
            self._worker = EmbeddingWorker(self.engine, encoders, index).start()
        self.warming = False
        self.on_ready(index, self._worker)

    def stop(self) -> None:
        self._stopped.set()
        if self._worker is not None:
            self._worker.stop()
