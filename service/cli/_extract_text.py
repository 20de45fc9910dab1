"""``briefs extract --format text``: the article with each extracted span highlighted.

Quotes are green, reported speech cyan, dates yellow with their value after them, parties
magenta; a sentence hinting at an issue is underlined. Without colour (``--color never``, a
pipe, ``NO_COLOR``) each span is bracketed and labelled instead (``[date On Friday =
2025-03-14]``), so a review copy reads the same in any terminal or file. Then one line per item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console

    from service.domain.extract.models import Extraction

_STYLES = {"quote": "green", "said": "cyan", "date": "bold yellow", "party": "magenta"}


def print_extraction(text: str, extraction: Extraction, *, color: str) -> None:
    """Print ``text`` highlighted, then the items of ``extraction``, on stdout."""
    from service.cli._render import make_console

    console = make_console(color)
    plain = console.no_color or console.color_system is None
    spans = _spans(extraction)
    # The article's own lines stand: no re-wrapping, so offsets and paragraphs read as written.
    console.print(
        _plain(text, spans) if plain else _highlighted(text, spans, extraction), soft_wrap=True
    )
    console.print()
    _print_items(console, extraction)


Spans = list[tuple[int, int, str, str]]


def _spans(extraction: Extraction) -> Spans:
    """``(start, end, family, label)`` of every item, outer items first where they nest."""
    spans: Spans = [(q.start, q.end, "quote", q.speaker or "?") for q in extraction.quotes]
    spans += [(s.start, s.end, "said", s.speaker or "?") for s in extraction.indirect]
    spans += [(d.start, d.end, "date", d.value or "vague") for d in extraction.dates]
    spans += [(p.start, p.end, "party", p.party_id) for p in extraction.parties]
    return sorted(spans, key=lambda span: (span[0], -span[1]))


def _highlighted(text: str, spans: Spans, extraction: Extraction) -> Text:
    rich = Text(text)
    for hint in extraction.issues:
        rich.stylize("underline", hint.start, hint.end)
    for start, end, family, _label in spans:
        rich.stylize(_STYLES[family], start, end)
    # The values go in from the end, so earlier offsets stay right.
    for _start, end, family, label in sorted(spans, key=lambda span: -span[1]):
        if family == "date":
            rich = rich[:end] + Text(f" ⟨{label}⟩", style="dim yellow") + rich[end:]
    return rich


def _plain(text: str, spans: Spans) -> str:
    """``text`` with ``[family label: span]`` around each top-level span."""
    out: list[str] = []
    cursor = 0
    for start, end, family, label in spans:
        if start < cursor:
            continue  # nested in the span before: listed below
        out += [text[cursor:start], f"[{family} {label}: {text[start:end]}]"]
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _print_items(console: Console, extraction: Extraction) -> None:
    for quote in extraction.quotes:
        console.print(
            f"quote  {quote.start}-{quote.end}  {quote.speaker or '?'} ({quote.cue or '?'}): "
            f"“{quote.text}”"
        )
    for said in extraction.indirect:
        console.print(
            f"said   {said.start}-{said.end}  {said.speaker or '?'} ({said.cue}): {said.text}",
            soft_wrap=True,
        )
    for date in extraction.dates:
        console.print(
            f"date   {date.start}-{date.end}  {date.mention!r} = {date.value or 'vague'}",
            soft_wrap=True,
        )
    for party in extraction.parties:
        console.print(
            f"party  {party.start}-{party.end}  {party.mention!r} = {party.party_id}",
            soft_wrap=True,
        )
    for hint in extraction.issues:
        status = hint.status or "unclear"
        console.print(
            f"issue  {hint.start}-{hint.end}  {hint.issue_id} ({status}): {hint.sentence}",
            soft_wrap=True,
        )
