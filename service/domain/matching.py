"""Matching things across two briefs: by identity, and as multisets.

Shared by the diff (``service.domain.diff``), the trivial-change filter
(``service.domain.significance``) and the story views (``service.domain.derive``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

__all__ = ["index_by", "multiset_difference"]

T = TypeVar("T")


def index_by(items: Iterable[T], key: Callable[[T], str]) -> dict[str, T]:
    """Items by identity, in their order; the first of duplicates wins (validation rejects
    duplicate ids, so this only decides what an invalid brief shows)."""
    by_key: dict[str, T] = {}
    for item in items:
        by_key.setdefault(key(item), item)
    return by_key


def multiset_difference(
    old: Sequence[T], new: Sequence[T], key: Callable[[T], Hashable] | None = None
) -> tuple[list[T], list[T]]:
    """``(added, removed)``: the items of ``new`` beyond the count of equal items (under
    ``key``) in ``old``, and the items of ``old`` beyond the count in ``new``, each in its
    list's order. Reordering is no difference; a duplicate more or less is."""
    identity: Callable[[T], Hashable] = key or _itself
    spare_old = Counter(identity(item) for item in old)
    spare_new = Counter(identity(item) for item in new)
    added = [item for item in new if not _take(spare_old, identity(item))]
    removed = [item for item in old if not _take(spare_new, identity(item))]
    return added, removed


def _itself(item: object) -> Hashable:
    return item


def _take(pool: Counter[Hashable], item_key: Hashable) -> bool:
    """Take one ``item_key`` from ``pool``; ``False`` when none was left."""
    if pool[item_key]:
        pool[item_key] -= 1
        return True
    return False
