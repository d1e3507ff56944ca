"""Per-passage storage of the match engine, addressed by dense *slots*.

A slot is assigned once per added passage and never reused; removal clears ``alive``.
Numbers live in growable numpy arrays (cheap to mask and index in bulk), texts in lists.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


class GrowArray:
    """A numpy array that grows by doubling; ``view()`` is the filled part."""

    def __init__(self, dtype: type | np.dtype, fill: object = 0) -> None:
        self._data = np.full(1024, fill, dtype=dtype)
        self._fill = fill
        self.size = 0

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


class PassageStore:
    """Passage ids, documents, ordinals, texts and normalized texts by slot."""

    def __init__(self) -> None:
        self.passage_ids = GrowArray(np.int64)
        self.document_ids = GrowArray(np.int64)
        self.ordinals = GrowArray(np.int32)
        self.alive = GrowArray(np.bool_, fill=False)
        self.texts: list[str] = []
        self.norms: list[str] = []
        self.slot_of_passage: dict[int, int] = {}
        self.slots_of_document: dict[int, list[int]] = {}
        self.slots_of_norm: dict[str, list[int]] = {}
        self.dead = 0

    def __len__(self) -> int:
        return len(self.texts) - self.dead

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
            self.slot_of_passage[pid] = slot
            self.slots_of_document.setdefault(doc, []).append(slot)
            self.slots_of_norm.setdefault(norm, []).append(slot)
        return slots

    def remove_slots(self, slots: Iterable[int]) -> None:
        alive = self.alive.view()
        for slot in slots:
            if not alive[slot]:
                continue
            alive[slot] = False
            self.dead += 1
            pid = int(self.passage_ids.view()[slot])
            if self.slot_of_passage.get(pid) == slot:
                del self.slot_of_passage[pid]
            doc = int(self.document_ids.view()[slot])
            doc_slots = self.slots_of_document.get(doc, [])
            if slot in doc_slots:
                doc_slots.remove(slot)
                if not doc_slots:
                    del self.slots_of_document[doc]
            norm = self.norms[slot]
            same = self.slots_of_norm.get(norm, [])
            if slot in same:
                same.remove(slot)
                if not same:
                    del self.slots_of_norm[norm]
            self.texts[slot] = ""  # free the memory; the slot is never reused
            self.norms[slot] = ""

    def neighbour(self, slot: int, step: int) -> int | None:
        """Slot of the passage ``step`` ordinals away in the same document, if indexed."""
        doc = int(self.document_ids.view()[slot])
        want = int(self.ordinals.view()[slot]) + step
        ordinals = self.ordinals.view()
        for other in self.slots_of_document.get(doc, ()):
            if ordinals[other] == want:
                return other
        return None

    def memory_bytes(self) -> int:
        """Rough size: arrays, strings and dictionaries."""
        arrays = sum(a.nbytes() for a in (self.passage_ids, self.document_ids, self.ordinals, self.alive))
        strings = sum(49 + len(t) for t in self.texts) + sum(49 + len(n) for n in self.norms)
        # dict entry ~100 B with key/value objects; lists of slots ~88 B + 8 per slot
        dicts = 100 * (
            len(self.slot_of_passage) + len(self.slots_of_norm) + len(self.slots_of_document)
        ) + 96 * len(self.slots_of_norm)
        return arrays + strings + dicts
