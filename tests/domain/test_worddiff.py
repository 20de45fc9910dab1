"""Word-level summary diffs: runs, spacing, counts and large texts."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from service.domain.changes import SummaryDiff, WordRun
from service.domain.worddiff import word_diff
from tests.conftest import word_runs


def _old(diff: SummaryDiff) -> str:
    return "".join(run.text for run in diff.runs if run.op != "insert")


def _new(diff: SummaryDiff) -> str:
    return "".join(run.text for run in diff.runs if run.op != "delete")


def test_equal_texts_are_one_equal_run() -> None:
    diff = word_diff("Talks resume  today.", "Talks resume  today.")

    assert diff.runs == [WordRun(op="equal", text="Talks resume  today.")]
    assert not diff.changed
    assert (diff.words_added, diff.words_removed) == (0, 0)


def test_empty_texts_have_no_runs() -> None:
    assert word_diff("", "") == SummaryDiff()


def test_replaced_word_is_a_delete_then_an_insert() -> None:
    diff = word_diff("The truce holds in the north.", "The truce frays in the north.")

    assert diff.runs == word_runs("=The truce ", "-holds", "+frays", "= in the north.")
    assert (diff.words_added, diff.words_removed) == (1, 1)


def test_insertion_and_deletion_keep_original_spacing() -> None:
    old = "Envoys  met\nin Geneva on Monday  to talk."
    new = "Envoys  met\nagain in Geneva on Monday to talk."

    diff = word_diff(old, new)

    assert diff.runs == word_runs(
        "=Envoys  met\n", "+again ", "=in Geneva on Monday", "-  ", "+ ", "=to talk."
    )
    assert (diff.words_added, diff.words_removed) == (1, 0)


def test_whitespace_only_change_counts_no_words() -> None:
    diff = word_diff("a b", "a  b")

    assert diff.changed
    assert (diff.words_added, diff.words_removed) == (0, 0)
    assert (_old(diff), _new(diff)) == ("a b", "a  b")


@pytest.mark.parametrize(
    ("old", "new"),
    [("a.", "b."), ("x a.", "x b."), ("One. Two.", "One. Three."), ("..", ". ."), (".", "")],
)
def test_runs_are_never_empty(old: str, new: str) -> None:
    diff = word_diff(old, new)

    assert all(run.text for run in diff.runs)
    assert (_old(diff), _new(diff)) == (old, new)


def test_from_and_to_empty_text() -> None:
    assert word_diff("", "one two").runs == [WordRun(op="insert", text="one two")]
    assert word_diff("one two", "").runs == [WordRun(op="delete", text="one two")]
    assert word_diff("one two", "").words_removed == 2


def test_neighbouring_word_changes_merge_into_one_change() -> None:
    diff = word_diff("they agreed to meet soon", "they refused to meet ever")

    assert [run.op for run in diff.runs].count("equal") <= 3
    assert (_old(diff), _new(diff)) == (
        "they agreed to meet soon",
        "they refused to meet ever",
    )


@pytest.mark.parametrize("seed", range(5))
def test_large_texts_with_scattered_edits_reassemble(seed: int) -> None:
    rng = random.Random(seed)
    vocabulary = [f"w{number}" for number in range(300)] + ["the", "and", "of"] * 50
    old_words = rng.choices(vocabulary, k=3_000)
    new_words = list(old_words)
    for _ in range(60):
        index = rng.randrange(len(new_words))
        match rng.randrange(3):
            case 0:
                new_words[index] = "edited"
            case 1:
                del new_words[index]
            case _:
                new_words.insert(index, "added")
    old, new = " ".join(old_words), "\n".join(new_words)

    diff = word_diff(old, new)

    assert (_old(diff), _new(diff)) == (old, new)
    assert word_diff(old, new) == diff  # deterministic
    assert all(run.text for run in diff.runs)
    assert all(first.op != second.op for first, second in pairwise(diff.runs))


def test_moved_paragraph_is_a_delete_and_an_insert() -> None:
    first = "alpha bravo charlie delta echo foxtrot golf hotel india juliet "
    second = "kilo lima mike november oscar papa quebec romeo sierra tango "
    diff = word_diff(first + second, second + first)

    assert (_old(diff), _new(diff)) == (first + second, second + first)
    assert diff.words_added == diff.words_removed == 10


def test_repetitive_text_without_unique_words_still_diffs() -> None:
    old = "the cat and the dog and the cat " * 200
    new = old.replace("dog", "fox", 3)

    diff = word_diff(old, new)

    assert (_old(diff), _new(diff)) == (old, new)
    assert diff.words_added == diff.words_removed == 3


def test_unrelated_long_texts_are_replaced_whole() -> None:
    old = " ".join(f"old{number}" for number in range(3_000))
    new = " ".join(f"new{number}" for number in range(3_000))

    diff = word_diff(old, new)

    assert diff.runs == [WordRun(op="delete", text=old), WordRun(op="insert", text=new)]
    assert diff.words_added == diff.words_removed == 3_000


def test_mostly_rewritten_stretch_between_anchors_is_replaced_whole() -> None:
    old = "Start here. " + " ".join(f"a{n}" for n in range(100)) + " end now."
    new = "Start here. " + " ".join(f"b{n}" for n in range(90)) + " end now."

    diff = word_diff(old, new)

    assert [run.op for run in diff.runs] == ["equal", "delete", "insert", "equal"]
    assert (_old(diff), _new(diff)) == (old, new)


def test_huge_periodic_stretch_without_anchors_is_replaced_whole() -> None:
    words = ["x", "y"] * 12_000
    edited = ["z", *words[1:-1], "z"]
    old, new = " ".join(words), " ".join(edited)

    diff = word_diff(old, new)

    assert (_old(diff), _new(diff)) == (old, new)
    assert [run.op for run in diff.runs] == ["delete", "insert"]


def _change_blocks(diff: SummaryDiff) -> int:
    """Places where something changed: maximal stretches of deletions and insertions."""
    ops = [run.op for run in diff.runs]
    return sum(
        op != "equal" and (index == 0 or ops[index - 1] == "equal") for index, op in enumerate(ops)
    )


def test_punctuation_is_diffed_apart_from_its_word() -> None:
    diff = word_diff("It killed 20 people.", "It killed 20 people and injured more than 110.")

    assert diff.runs == word_runs("=It killed 20 people", "+ and injured more than 110", "=.")
    assert (diff.words_added, diff.words_removed) == (5, 0)


def test_words_keep_inner_apostrophes_and_hyphens() -> None:
    diff = word_diff("Witkoff's 30-day plan.", "Witkoff's 60-day plan.")

    assert [run.text for run in diff.runs if run.op != "equal"] == ["30-day", "60-day"]


def test_short_equal_islands_between_changes_fold_into_one_replacement() -> None:
    old = "Peskov said the talks would be timed once the envoy reported back."
    new = "Lavrov warned the summit would follow only after sanctions were lifted."

    diff = word_diff(old, new)

    # " the " and " would " alone survived between the changes; they are noise in a rewrite.
    assert _change_blocks(diff) == 1
    assert (_old(diff), _new(diff)) == (old, new)


def test_long_equal_stretch_between_changes_is_kept() -> None:
    old = "Talks resumed in Geneva on Monday with both delegations present, officials said."
    new = "Talks stalled in Geneva on Monday with both delegations present, officials warned."

    diff = word_diff(old, new)

    assert _change_blocks(diff) == 2


def test_fixture_rewrite_of_the_summary_is_a_handful_of_runs() -> None:
    from pathlib import Path

    from service.domain.files import load_story_dir

    story = load_story_dir(Path(__file__).parents[2] / "fixtures" / "stories" / "ceasefire-2025")
    by_date = {brief.as_of.isoformat(): brief for brief in story.briefs if brief.revision == 1}
    old, new = by_date["2025-03-13"].summary, by_date["2025-03-14"].summary

    diff = word_diff(old, new)

    # Measured: 8 change places before the clean-up (tiny equal islands between rewrites), 1 after.
    assert _change_blocks(diff) <= 3
    assert (_old(diff), _new(diff)) == (old, new)
