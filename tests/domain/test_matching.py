"""Matching by identity and as multisets."""

from __future__ import annotations

from service.domain.matching import index_by, multiset_difference


def test_multiset_difference_keeps_order_and_counts_duplicates() -> None:
    added, removed = multiset_difference(["a", "b", "b", "c"], ["c", "b", "d", "d"])

    assert added == ["d", "d"]
    assert removed == ["a", "b"]


def test_multiset_difference_under_a_key() -> None:
    added, removed = multiset_difference(["Aid", "talks"], ["aid", "Talks", "vote"], str.casefold)

    assert (added, removed) == (["vote"], [])


def test_reordering_is_no_difference() -> None:
    assert multiset_difference([1, 2, 3], [3, 1, 2]) == ([], [])


def test_index_by_keeps_order_and_the_first_duplicate() -> None:
    items = [("b", 1), ("a", 2), ("b", 3)]

    assert index_by(items, lambda item: item[0]) == {"b": ("b", 1), "a": ("a", 2)}
    assert list(index_by(items, lambda item: item[0])) == ["b", "a"]
