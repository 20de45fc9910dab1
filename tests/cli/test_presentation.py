"""One presentation of a diff: ``briefs diff`` and the TUI's diff view say the same thing, in the
same order, for every pair of consecutive fixture briefs (and for the pairs hiding trivia)."""

from __future__ import annotations

import io
import re
from itertools import pairwise

import pytest
from rich.console import Console
from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Static

from service.cli._render import print_diff, text
from service.domain.changes import BriefDiff
from service.domain.diff import diff_briefs, without_trivial
from service.domain.files import StoryFolder, find_story_dirs, load_story_dir
from service.domain.models import DatePrecision, FuzzyDate
from service.domain.presentation import DiffContext, Role, Span, fuzzy_date, sections, word_spans
from service.domain.worddiff import word_diff
from tests.conftest import FIXTURES_ROOT
from tui.format import inline_word_diff, spans
from tui.widgets.diff_view import DiffView

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_HEADING = "\x1b[1;4m"  # rich's "bold underline"


def fixture_diffs() -> list[tuple[BriefDiff, DiffContext]]:
    """In every fixture story, each pair of consecutive briefs (revisions included), whole and
    without trivial edits."""
    out: list[tuple[BriefDiff, DiffContext]] = []
    for folder in find_story_dirs(FIXTURES_ROOT):
        out += _story_diffs(load_story_dir(folder))
    return out


def _story_diffs(story: StoryFolder) -> list[tuple[BriefDiff, DiffContext]]:
    briefs = sorted(story.briefs, key=lambda brief: (brief.as_of, brief.revision))
    out: list[tuple[BriefDiff, DiffContext]] = []
    for old, new in pairwise(briefs):
        full = diff_briefs(old, new)
        context = DiffContext(
            parties={party.id: party.name for party in story.story.parties},
            sources={source.id: source for source in (*old.sources, *new.sources)},
            issues={issue.id: issue for issue in new.issues},
            story=story.story,
        )
        out += [(full, context), (without_trivial(full), context)]
    return out


def cli_blocks(diff: BriefDiff, context: DiffContext) -> list[tuple[str, str]]:
    """``briefs diff``'s sections as (title, plain text of its lines) in printed order, in colour
    (so without the word-diff markers, as the TUI draws them)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=100_000, force_terminal=True, color_system="standard")
    print_diff(console, diff, context, plain=False)
    blocks: list[tuple[str, list[str]]] = []
    for line in buffer.getvalue().splitlines():
        if line.startswith(_HEADING):
            blocks.append((_ANSI.sub("", line), []))
        elif blocks and line:
            blocks[-1][1].append(_ANSI.sub("", line))
    return [(title, "\n".join(lines)) for title, lines in blocks]


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield DiffView(id="diff")


async def test_cli_and_tui_show_the_same_sections_in_the_same_order() -> None:
    diffs = fixture_diffs()
    app = _Host()
    async with app.run_test(size=(300, 50)):
        view = app.query_one(DiffView)
        for diff, context in diffs:
            await view.show(diff, context, full_summary=True)
            shown = list(view.query(".section").results(Static))
            tui = [(str(widget.border_title), _plain(widget.content)) for widget in shown]
            cli = cli_blocks(diff, context)
            expected = [section.title for section in sections(diff, context)]

            assert [title for title, _ in cli] == expected
            assert [title.split("  ")[0] for title, _ in tui] == expected
            assert [widget.id for widget in shown] == [s.key for s in sections(diff, context)]
            # Word for word, apart from the summary, which the TUI lays out in hunks.
            assert [body for title, body in cli if title != "Summary"] == [
                body for title, body in tui if not title.startswith("Summary")
            ]
    assert sum(bool(sections(diff, context)) for diff, context in diffs) >= 6


def _plain(content: object) -> str:
    return content.plain if isinstance(content, Content) else str(content)


@pytest.mark.parametrize(
    ("precision", "label"),
    [
        (DatePrecision.DAY, "2025-03-01"),
        (DatePrecision.MONTH, "2025-03"),
        ("approximate", "~2025-03-01"),
    ],
)
def test_fuzzy_dates_have_one_spelling(precision: DatePrecision, label: str) -> None:
    import datetime as dt

    assert (
        fuzzy_date(FuzzyDate(date=dt.date(2025, 3, 1), precision=DatePrecision(precision))) == label
    )


def test_word_diff_markers_show_only_in_plain_cli_output() -> None:
    runs = word_diff("It was calm.", "It was tense.").runs
    marked = word_spans(runs)
    assert "".join(span.text for span in marked) == "It was [-calm-]{+tense+}."
    assert Span("{+", Role.MARKER) in marked
    assert inline_word_diff(runs).plain == "It was calmtense."
    assert spans(marked).plain == "It was calmtense."
    assert text(marked, plain=True).plain == "It was [-calm-]{+tense+}."
    assert text(marked, plain=False).plain == "It was calmtense."
