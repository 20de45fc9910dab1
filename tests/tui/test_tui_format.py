"""Pure formatting helpers of the TUI."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from service.domain.changes import WordRun
from service.domain.models import DatePrecision, FuzzyDate, IssueStatus
from tests.conftest import word_runs
from tui.format import (
    fuzzy_date,
    inline_word_diff,
    side_word_diff,
    status_badge,
    summary_hunks,
)


def test_hunks_keep_context_and_cut_long_equal_stretches() -> None:
    runs = word_runs(
        "=one two three four five six seven ",
        "-old ",
        "+new ",
        "=a b ",
        "+X ",
        "=p q r s t u v w x y z",
        "- END",
    )
    hunks = [inline_word_diff(hunk).plain for hunk in summary_hunks(runs, context=3)]
    assert hunks == ["… five six seven old new a b X p q r … ", "… x y z END"]


def test_no_change_means_no_hunk() -> None:
    assert summary_hunks([WordRun(op="equal", text="nothing changed here")]) == []


@given(st.lists(st.tuples(st.sampled_from(["equal", "insert", "delete"]), st.text(min_size=1))))
def test_hunks_keep_every_change_in_order(pairs: list[tuple[str, str]]) -> None:
    runs = [WordRun(op=op, text=text) for op, text in pairs]  # type: ignore[arg-type]
    changes = [run for run in runs if run.op != "equal"]
    kept = [run for hunk in summary_hunks(runs) for run in hunk if run.op != "equal"]
    assert kept == changes


def test_inline_and_side_by_side_texts() -> None:
    runs = word_runs("=the ", "-old", "+new", "= text")
    inline = inline_word_diff(runs)
    # One marking style: colour, and strike for deletions; no brackets, no underline.
    assert inline.plain == "the oldnew text"
    styles = {inline.plain[span.start : span.end]: str(span.style) for span in inline.spans}
    assert "strike" in styles["old"]
    assert "underline" not in styles["new"]
    old, new = side_word_diff(runs)
    assert (old.plain, new.plain) == ("the old text", "the new text")


def test_badges_and_dates_read_without_colour() -> None:
    assert status_badge(IssueStatus.RESOLVED).plain == "✓ resolved"
    assert status_badge(IssueStatus.LAPSED).plain == "✗ lapsed"
    day = dt.date(2025, 3, 1)
    assert fuzzy_date(FuzzyDate(date=day)) == "2025-03-01"
    assert fuzzy_date(FuzzyDate(date=day, precision=DatePrecision.MONTH)) == "2025-03"
    assert fuzzy_date(FuzzyDate(date=day, precision=DatePrecision.APPROXIMATE)) == "~2025-03-01"
