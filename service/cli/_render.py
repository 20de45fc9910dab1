"""Terminal rendering of a `BriefDiff` with rich: the face of ``briefs diff``.

What is said, and in which order, comes from `service.domain.presentation` (the TUI draws the
same sections); this module only maps its roles to rich styles. Without colour the ``{+ +}`` and
``[- -]`` markers show insertions and deletions; with colour they give way to the colours.

All text from briefs goes into `rich.text.Text` objects, never through rich markup, so brackets
and colons in news text are printed as they are.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.text import Text

from service.domain.changes import BriefDiff
from service.domain.presentation import DiffContext, Role, Span, header, sections, word_spans

if TYPE_CHECKING:
    from service.domain.models import Brief, Story

STYLES: Mapping[Role, str] = {
    Role.PLAIN: "",
    Role.STRONG: "bold",
    Role.EMPHASIS: "italic",
    Role.MUTED: "dim",
    Role.ADDED: "green",
    Role.REMOVED: "red strike",
    Role.INSERTED: "green",
    Role.DELETED: "red strike",
    Role.MARKER: "dim",
    Role.STATUS: "bold cyan",
    Role.GOOD: "bold green",
    Role.BAD: "bold red",
    Role.NOTICE: "bold yellow",
}
HEADING = "bold underline"


def print_diff(console: Console, diff: BriefDiff, context: DiffContext, *, plain: bool) -> None:
    """Render ``diff`` on ``console``: a header, then one block per non-empty section.

    ``plain`` (no colour) keeps the word-diff markers. Lines are wrapped to a terminal's width,
    but not when writing to a pipe or a file, so that ``grep`` and friends see one line per change.
    """
    soft_wrap = not console.is_terminal
    console.print(
        Text("\n").join(text(line, plain) for line in header(diff, context)), soft_wrap=soft_wrap
    )
    for section in sections(diff, context):
        console.print()
        console.print(Text(section.title, style=HEADING), soft_wrap=soft_wrap)
        for line in section.lines:
            entry = text(line, plain)
            console.print(entry if soft_wrap else hanging(console, entry), soft_wrap=soft_wrap)
        if section.words is not None:
            console.print(text(word_spans(section.words.runs), plain), soft_wrap=soft_wrap)


MIN_WIDTH = 30
"""Narrower than this (plus the indent) lines wrap as usual: an indent would not fit."""


def hanging(console: Console, entry: Text) -> Text:
    """``entry`` wrapped to the console's width with a hanging indent: a wrapped line continues
    two cells in from where its text starts, so each change still reads as one entry."""
    width = console.width
    lines: list[Text] = []
    for line in entry.split("\n"):
        plain = line.plain
        hang = len(plain) - len(plain.lstrip(" ")) + 2
        if line.cell_len <= width or width < hang + MIN_WIDTH:
            lines.append(line)
            continue
        first, *rest = line.wrap(console, width - hang)
        for part in (first, *rest):
            part.rstrip()
        lines += [first, *(Text(" " * hang) + part for part in rest)]
    return Text("\n").join(lines)


def text(spans: Iterable[Span], plain: bool) -> Text:
    """The spans as one rich `Text`; with colour (not ``plain``) the markers are left out."""
    return Text.assemble(
        *((span.text, STYLES[span.role]) for span in spans if plain or span.role != Role.MARKER)
    )


def make_console(color: str, file: TextIO | None = None) -> Console:
    """A rich console on ``file`` (default stdout): ``always`` forces ANSI colour (even with
    NO_COLOR set), ``never`` prints plain text, ``auto`` colours a terminal unless NO_COLOR is
    set."""
    common: dict[str, Any] = {
        "file": sys.stdout if file is None else file,
        "highlight": False,
        "markup": False,
        "emoji": False,
    }
    if color == "always":
        truecolor = os.environ.get("COLORTERM", "") in {"truecolor", "24bit"}
        return Console(
            force_terminal=True,
            no_color=False,
            color_system="truecolor" if truecolor else "256",
            **common,
        )
    if color == "never":
        return Console(color_system=None, no_color=True, **common)
    return Console(**common)


def diff_context(
    old: Brief, new: Brief, story: Story | None, *, trivial_hidden: bool = False
) -> DiffContext:
    """What the presentation needs beside the diff of ``old`` → ``new``: party names, both
    sides' sources and issues."""
    return DiffContext(
        parties={} if story is None else {party.id: party.name for party in story.parties},
        sources={source.id: source for source in (*old.sources, *new.sources)},
        issues={issue.id: issue for issue in new.issues},
        old_issues={issue.id: issue for issue in old.issues},
        story=story,
        trivial_hidden=trivial_hidden,
    )
