"""Per-passage storage of the match engine, addressed by dense *slots*.

A slot is assigned once per added passage and never reused; removal clears ``alive``.
Numbers live in growable numpy arrays (cheap to mask and index in bulk), texts in lists.

A store may start from a *frozen base* (``PassageStore.from_base``): the first ``base`` slots
come from an index snapshot on disk (``api.matching.snapshot``), their texts read from
memory-mapped UTF-8 blobs and their lookups (passage id, document, normalized text) answered
by binary search over mapped sorted arrays, so every process on a machine shares one copy in
the page cache and opening costs no per-passage Python object. Slots added later live in the
lists and dictionaries as before; a base slot is removed by clearing ``alive`` only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


class GrowArray:
    """A numpy array that grows by doubling; ``view()`` is the filled part."""

    def __init__(self, dtype: type | np.dtype, fill: object = 0, initial: np.ndarray | None = None) -> None:
        size = 0 if initial is None else len(initial)
        self._data = np.full(max(1024, size), fill, dtype=dtype)
        if initial is not None:
            self._data[:size] = initial
        self._fill = fill
        self.size = size

    def extend(self, values: np.ndarray) -> None:
        need = self.size + len(values)
        if need > len(self._data):
            grown = np.full(max(need, 2 * len(self._data)), self._fill, dtype=self._data.dtype)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : need] = values
        self.size = need

    def view(self) -> np.ndarray:
        return self._data[: self.size]

    def full(self) -> np.ndarray:
        """The whole buffer (indexable by any slot below its capacity)."""
        return self._data

    def nbytes(self) -> int:
        return int(self._data.nbytes)


def text_key(text: str) -> int:
    """A stable 63-bit key of a normalized text (blake2b), for the base's exact-text lookup."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


@dataclass(frozen=True, slots=True)
class Blob:
    """Many strings as one UTF-8 byte array and ``offsets`` (``len + 1`` of them)."""

    data: np.ndarray  # uint8
    offsets: np.ndarray  # int64

    @staticmethod
    def pack(texts: Sequence[str]) -> Blob:
        encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
        return Blob(np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        return self.data[self.offsets[i] : self.offsets[i + 1]].tobytes().decode("utf-8", "surrogatepass")


# Slots whose texts are gathered in one vectorized step when exporting (memory: ~8 bytes per byte
# of text in the chunk, a few tens of MB).
TAKE_CHUNK = 65_536


class TextColumn:
    """Texts by slot: a frozen ``Blob`` for the base slots, a list for the rest."""

    def __init__(self, base: Blob | None = None) -> None:
        self._base = base
        self._base_len = 0 if base is None else len(base)
        self._rest: list[str] = []

    def __len__(self) -> int:
        return self._base_len + len(self._rest)

    def __getitem__(self, slot: int) -> str:
        if slot < self._base_len:
            assert self._base is not None
            return self._base[slot]
        return self._rest[slot - self._base_len]

    def clear(self, slot: int) -> None:
        """Free a removed slot's text (a base text is shared and stays mapped)."""
        if slot >= self._base_len:
            self._rest[slot - self._base_len] = ""

    def extend(self, texts: Iterable[str]) -> None:
        self._rest.extend(texts)

    def take(self, slots: np.ndarray) -> Blob:
        """The texts of ``slots`` (in that order) as one blob; runs of base slots are copied as
        bytes, without decoding (exporting 1M passages decoded every text one by one)."""
        parts: list[np.ndarray] = []
        lengths: list[np.ndarray] = []
        for at in range(0, len(slots), TAKE_CHUNK):
            chunk = slots[at : at + TAKE_CHUNK]
            if self._base is not None and len(chunk) and int(chunk.max()) < self._base_len:
                data, offsets = self._base.data, self._base.offsets
                starts, ends = offsets[chunk], offsets[chunk + 1]
                sizes = ends - starts
                # positions of every byte of every chosen text, one chunk at a time (bounded memory)
                first = np.repeat(starts - np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes)
                parts.append(data[first + np.arange(int(sizes.sum()))])
                lengths.append(sizes)
            else:
                packed = Blob.pack([self[int(s)] for s in chunk])
                parts.append(packed.data)
                lengths.append(np.diff(packed.offsets))
        sizes = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
        offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        data = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)
        return Blob(data.astype(np.uint8, copy=False), offsets)

    def memory_bytes(self) -> int:
        """Private memory: the base is a shared mapping and is not counted."""
        return sum(49 + len(t) for t in self._rest)


@dataclass(frozen=True, slots=True)
class SortedLookup:
    """Key → slots for the base: ``keys`` sorted, ``slots[i]`` the slot of ``keys[i]``."""

    keys: np.ndarray
    slots: np.ndarray

    @staticmethod
    def build(keys: np.ndarray) -> SortedLookup:
        order = np.argsort(keys, kind="stable")
        return SortedLookup(keys[order], order.astype(np.int64))

    def get(self, key: int) -> np.ndarray:
        left = int(np.searchsorted(self.keys, key, side="left"))
        right = int(np.searchsorted(self.keys, key, side="right"))
        return np.sort(self.slots[left:right])


@dataclass(frozen=True, slots=True)
class BaseColumns:
    """What a frozen base is made of (written and read by ``api.matching.snapshot``)."""

    passage_ids: np.ndarray  # int64, ascending
    document_ids: np.ndarray  # int64
    ordinals: np.ndarray  # int32
    texts: Blob
    norms: Blob
    by_document: SortedLookup
    by_text: SortedLookup  # keyed by ``text_key(norm)``


class PassageStore:
    """Passage ids, documents, ordinals, texts and normalized texts by slot."""

    def __init__(self, base: BaseColumns | None = None) -> None:
        self.base = 0 if base is None else len(base.passage_ids)
        self._base = base
        self.passage_ids = GrowArray(np.int64, initial=None if base is None else base.passage_ids)
        self.document_ids = GrowArray(np.int64, initial=None if base is None else base.document_ids)
        self.ordinals = GrowArray(np.int32, initial=None if base is None else base.ordinals)
        self.alive = GrowArray(
            np.bool_, fill=False, initial=None if base is None else np.ones(self.base, dtype=np.bool_)
        )
        self.texts = TextColumn(None if base is None else base.texts)
        self.norms = TextColumn(None if base is None else base.norms)
        # slots added after the base
        self._slot_of_passage: dict[int, int] = {}
        self._slots_of_document: dict[int, list[int]] = {}
        self._slots_of_norm: dict[str, list[int]] = {}
        self.dead = 0

    def __len__(self) -> int:
        return len(self.texts) - self.dead

    # -- lookups ---------------------------------------------------------------------
    def slot_of(self, passage_id: int) -> int | None:
        """The live slot holding ``passage_id``, if any."""
        slot = self._slot_of_passage.get(passage_id)
        if slot is not None:
            return slot
        if self._base is None:
            return None
        at = int(np.searchsorted(self._base.passage_ids, passage_id))
        if at < self.base and self._base.passage_ids[at] == passage_id and self.alive.view()[at]:
            return at
        return None

    def _base_live(self, slots: np.ndarray) -> list[int]:
        alive = self.alive.view()
        return [int(s) for s in slots if alive[s]]

    def document_slots(self, document_id: int) -> list[int]:
        """Live slots of one document, ascending."""
        rest = self._slots_of_document.get(document_id, [])
        if self._base is None:
            return list(rest)
        return self._base_live(self._base.by_document.get(document_id)) + rest

    def norm_slots(self, norm: str) -> list[int]:
        """Live slots whose normalized text is exactly ``norm``, ascending."""
        rest = self._slots_of_norm.get(norm, [])
        if self._base is None:
            return list(rest)
        found = [s for s in self._base_live(self._base.by_text.get(text_key(norm))) if self.norms[s] == norm]
        return found + rest

    def documents(self) -> set[int]:
        """Every document with a live slot."""
        docs = set(self._slots_of_document)
        if self._base is not None:
            alive = self.alive.view()[: self.base]
            docs.update(int(d) for d in np.unique(self._base.document_ids[alive]))
        return docs

    def added_since_base(self) -> int:
        """Slots added after the base (live or not): how far the process has moved from it."""
        return len(self.texts) - self.base

    def export_base(self) -> tuple[BaseColumns, np.ndarray]:
        """The live passages as a frozen base in passage-id order (what a fresh load from the
        database builds), and per current slot its slot in that base (-1 if removed)."""
        n = len(self.texts)
        live = np.flatnonzero(self.alive.view()[:n])
        pids = self.passage_ids.view()[live]
        order = np.argsort(pids, kind="stable")
        kept = live[order]
        remap = np.full(n, -1, dtype=np.int64)
        remap[kept] = np.arange(len(kept), dtype=np.int64)
        norms = self.norms.take(kept)
        text_keys = np.zeros(len(kept), dtype=np.int64)
        from_base = kept < self.base
        if self._base is not None and from_base.any():  # the base knows its texts' keys already
            key_of_slot = np.empty(self.base, dtype=np.int64)
            key_of_slot[self._base.by_text.slots] = self._base.by_text.keys
            text_keys[from_base] = key_of_slot[kept[from_base]]
        for i in np.flatnonzero(~from_base):
            text_keys[i] = text_key(norms[int(i)])
        columns = BaseColumns(
            passage_ids=self.passage_ids.view()[kept].copy(),
            document_ids=self.document_ids.view()[kept].copy(),
            ordinals=self.ordinals.view()[kept].copy(),
            texts=self.texts.take(kept),
            norms=norms,
            by_document=SortedLookup.build(self.document_ids.view()[kept]),
            by_text=SortedLookup.build(text_keys),
        )
        return columns, remap

    # -- mutation --------------------------------------------------------------------
    def append(
        self,
        passage_ids: list[int],
        texts: list[str],
        norms: list[str],
        document_ids: list[int],
        ordinals: list[int],
    ) -> np.ndarray:
        """Store new passages; returns their slots."""
        first = len(self.texts)
        slots = np.arange(first, first + len(texts), dtype=np.int64)
        self.passage_ids.extend(np.asarray(passage_ids, dtype=np.int64))
        self.document_ids.extend(np.asarray(document_ids, dtype=np.int64))
        self.ordinals.extend(np.asarray(ordinals, dtype=np.int32))
        self.alive.extend(np.ones(len(texts), dtype=np.bool_))
        self.texts.extend(texts)
        self.norms.extend(norms)
        for slot, pid, doc, norm in zip(
            range(first, first + len(texts)), passage_ids, document_ids, norms, strict=True
        ):
            self._slot_of_passage[pid] = slot
            self._slots_of_document.setdefault(doc, []).append(slot)
            self._slots_of_norm.setdefault(norm, []).append(slot)
        return slots

    def remove_slots(self, slots: Iterable[int]) -> None:
        alive = self.alive.view()
        for slot in slots:
            if not alive[slot]:
                continue
            alive[slot] = False
            self.dead += 1
            if slot < self.base:
                continue  # the base's lookups check ``alive``
            pid = int(self.passage_ids.view()[slot])
            if self._slot_of_passage.get(pid) == slot:
                del self._slot_of_passage[pid]
            doc = int(self.document_ids.view()[slot])
            doc_slots = self._slots_of_document.get(doc, [])
            if slot in doc_slots:
                doc_slots.remove(slot)
                if not doc_slots:
                    del self._slots_of_document[doc]
            norm = self.norms[slot]
            same = self._slots_of_norm.get(norm, [])
            if slot in same:
                same.remove(slot)
                if not same:
                    del self._slots_of_norm[norm]
            self.texts.clear(slot)  # free the memory; the slot is never reused
            self.norms.clear(slot)

    def neighbour(self, slot: int, step: int) -> int | None:
        """Slot of the passage ``step`` ordinals away in the same document, if indexed."""
        doc = int(self.document_ids.view()[slot])
        want = int(self.ordinals.view()[slot]) + step
        ordinals = self.ordinals.view()
        for other in self.document_slots(doc):
            if ordinals[other] == want:
                return other
        return None

    def memory_bytes(self) -> int:
        """Rough private size: arrays, strings and dictionaries (a mapped base not counted)."""
        arrays = sum(a.nbytes() for a in (self.passage_ids, self.document_ids, self.ordinals, self.alive))
        strings = self.texts.memory_bytes() + self.norms.memory_bytes()
        # dict entry ~100 B with key/value objects; lists of slots ~88 B + 8 per slot
        dicts = 100 * (
            len(self._slot_of_passage) + len(self._slots_of_norm) + len(self._slots_of_document)
        ) + 96 * len(self._slots_of_norm)
        return arrays + strings + dicts
