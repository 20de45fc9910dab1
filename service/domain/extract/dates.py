"""Dated mentions in news text, resolved against the publication date.

Rules, not a date parser: wire copy says "on Thursday", "earlier this week", "a day earlier" and
"March 11", and resolving those needs the publication date, the sentence's tense and the date
last mentioned, which general parsers (dateparser) do not weigh. Each family is a pattern in
`service.domain.extract._date_patterns`; this module finds the mentions, keeps the longest where
they overlap, and resolves each in text order (a relative "a day earlier" counts from the last
day resolved before it).

Values: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``, or a ``start/end`` span of days; ``None`` when the
mention is too vague ("recently", "in a matter of days").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from service.domain.extract._date_patterns import (
    DAY_BEFORE,
    MODIFIER_BEFORE,
    ON_BEFORE,
    PATTERNS,
    Kind,
)
from service.domain.extract.models import DateMention
from service.domain.extract.sentences import sentence_at, sentence_spans
from service.domain.extract.tense import Tense, tense_near

TenseOf = Callable[[int, bool], Tense | None]
"""The tense of the clause around a mention, from markers at most so many words away, the
attribution's speech verbs counted or not."""

_NEAR = 1_000
_CLOSE = 8

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a couple of": 2,
    "a few": 3,
    "several": 3,
}


def find_dates(text: str, published: dt.date) -> list[DateMention]:
    """Every dated mention of ``text`` in text order, each resolved against ``published``."""
    found: list[tuple[int, int, Kind, dict[str, str]]] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            # A pattern may need context its mention leaves out ("in 2024"): group ``m``.
            start, end = match.span("m") if "m" in pattern.groupindex else match.span()
            groups = {key: value for key, value in match.groupdict().items() if value}
            before = _BEFORE.get(kind)
            if before is not None:
                prefix = before.search(text, max(0, start - 40), start)
                if prefix is not None:
                    start = prefix.start()
                    groups.update({k: v for k, v in prefix.groupdict().items() if v})
            found.append((start, end, kind, groups))
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    sentences = sentence_spans(text)
    mentions: list[DateMention] = []
    anchor = published
    last_end = -1
    previous: DateMention | None = None
    for start, end, kind, groups in found:
        if start < last_end:
            continue
        last_end = end
        sentence = sentence_at(sentences, start)
        opened = _range_opened(text, previous, start) if kind is Kind.WEEKDAY else None
        if opened is not None:
            # "from Saturday evening through Sunday": the Sunday after that Saturday.
            value: str | None = _on_or_after(opened, groups["weekday"], strictly=True)
            previous = DateMention(mention=text[start:end], value=value, start=start, end=end)
            mentions.append(previous)
            continue

        def tense(
            within: int,
            speech: bool,
            sentence: tuple[int, int] = sentence,
            start: int = start,
            end: int = end,
        ) -> Tense | None:
            return tense_near(text, sentence, start, end, within=within, speech=speech)

        value = _resolve(kind, groups, published, anchor, tense)
        if value is not None and len(value) == 10:
            anchor = dt.date.fromisoformat(value)
        previous = DateMention(mention=text[start:end], value=value, start=start, end=end)
        mentions.append(previous)
    return mentions


_BEFORE = {
    Kind.ISO: ON_BEFORE,
    Kind.NUMERIC: ON_BEFORE,
    Kind.MONTH_DAY: DAY_BEFORE,
    Kind.DAY_MONTH: DAY_BEFORE,
    Kind.WEEKDAY: MODIFIER_BEFORE,
}
_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to|through|until|till|and|or)\s*")


def _range_opened(text: str, previous: DateMention | None, start: int) -> dt.date | None:
    """The day a range opens when a weekday at ``start`` ends it ("Saturday to Sunday")."""
    if previous is None or previous.value is None or len(previous.value) != 10:
        return None
    if _RANGE_JOIN.fullmatch(text, previous.end, start) is None:
        return None
    return dt.date.fromisoformat(previous.value)


def _on_or_after(day: dt.date, weekday: str, *, strictly: bool = False) -> str:
    ahead = (_WEEKDAYS.index(weekday.lower()) - day.weekday()) % 7
    if strictly and ahead == 0:
        ahead = 7
    return (day + dt.timedelta(days=ahead)).isoformat()


def _resolve(  # noqa: PLR0911 - one return per family of mention reads best as one match
    kind: Kind,
    groups: dict[str, str],
    published: dt.date,
    anchor: dt.date,
    tense: TenseOf,
) -> str | None:
    match kind:
        case Kind.ISO:
            return _day(int(groups["year"]), int(groups["month"]), int(groups["day"]))
        case Kind.NUMERIC:
            return _numeric(groups, published)
        case Kind.MONTH_DAY | Kind.DAY_MONTH:
            return _month_day(groups, published)
        case Kind.MONTH_PART | Kind.MONTH_YEAR | Kind.MONTH:
            month = _MONTHS[groups["month"].lower().rstrip(".")]
            year = int(groups["year"]) if "year" in groups else _nearest_year(published, month, 15)
            return f"{year:04d}-{month:02d}"
        case Kind.YEAR:
            return groups["year"]
        case Kind.WEEKDAY:
            return _weekday(groups, published, tense)
        case Kind.WEEKDAY_RANGE:
            return _weekday_range(groups, published, tense)
        case Kind.RELATIVE_DAY:
            return _relative_day(groups["word"].lower(), published, anchor)
        case Kind.AGO:
            return _ago(groups, published)
        case Kind.OFFSET:
            return _offset(groups, anchor)
        case Kind.PERIOD:
            return _period(groups, published, tense)
        case Kind.VAGUE:
            return None


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _numeric(groups: dict[str, str], published: dt.date) -> str | None:
    first, second, year = int(groups["first"]), int(groups["second"]), int(groups["year"])
    if groups["sep"] == ".":  # 19.03.2025: day first, as everywhere dots are used
        return _day(year, second, first)
    # Slashes: US month-first unless the first number cannot be a month.
    if first > 12:
        return _day(year, second, first)
    return _day(year, first, second)


def _nearest_year(published: dt.date, month: int, day: int) -> int:
    """The year putting month/day nearest the publication date (news rarely looks 6+ months
    ahead or back without saying the year)."""
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append((abs((dt.date(year, month, day) - published).days), year))
        except ValueError:
            continue
    return min(candidates)[1] if candidates else published.year


def _month_day(groups: dict[str, str], published: dt.date) -> str | None:
    month = _MONTHS[groups["month"].lower().rstrip(".")]
    day = int(groups["day"])
    year = int(groups["year"]) if "year" in groups else _nearest_year(published, month, day)
    first = _day(year, month, day)
    if "until" not in groups or first is None:
        return first
    last = _day(year, month, int(groups["until"]))
    return f"{first}/{last}" if last is not None and last > first else first


def _weekday(groups: dict[str, str], published: dt.date, tense: TenseOf) -> str:
    target = _WEEKDAYS.index(groups["weekday"].lower())
    modifier = (groups.get("modifier") or "").lower()
    back = (published.weekday() - target) % 7
    ahead = (target - published.weekday()) % 7
    if modifier == "last":
        return (published - dt.timedelta(days=back or 7)).isoformat()
    if modifier in {"next", "this coming", "coming"}:
        return (published + dt.timedelta(days=ahead or 7)).isoformat()
    if modifier == "this past":
        return (published - dt.timedelta(days=back or 7)).isoformat()
    if tense(_NEAR, True) is Tense.FUTURE:
        return (published + dt.timedelta(days=ahead)).isoformat()
    return (published - dt.timedelta(days=back)).isoformat()


def _weekday_range(groups: dict[str, str], published: dt.date, tense: TenseOf) -> str:
    # A range of days is mostly announced ahead: past only when the clause says so, close by.
    first = dt.date.fromisoformat(_on_or_after(published, groups["weekday"]))
    if tense(_CLOSE, False) is Tense.PAST:
        first = dt.date.fromisoformat(_weekday(groups, published, tense))
    last = dt.date.fromisoformat(_on_or_after(first, groups["last"], strictly=True))
    return _span(first, last)


def _relative_day(word: str, published: dt.date, anchor: dt.date) -> str:
    word = " ".join(word.replace("’", "'").replace("ʼ", "'").split())
    offsets = {
        "today": 0,
        "tonight": 0,
        "this morning": 0,
        "this afternoon": 0,
        "this evening": 0,
        "earlier today": 0,
        "later today": 0,
        "yesterday": -1,
        "last night": -1,
        "tomorrow": 1,
        "the day before yesterday": -2,
        "the day after tomorrow": 2,
    }
    for key, days in offsets.items():
        if word.startswith(key):
            return (published + dt.timedelta(days=days)).isoformat()
    if "same" in word or "that day" in word:
        return anchor.isoformat()
    if "hours" in word:
        # "Hours later" in wire copy moves the story to its own day: the publication's.
        return published.isoformat()
    days = -1 if any(cue in word for cue in ("before", "previous", "earlier", "eve")) else 1
    return (anchor + dt.timedelta(days=days)).isoformat()


def _count(word: str) -> int:
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else _NUMBERS.get(word, 1)


def _shift(published: dt.date, unit: str, count: int) -> str:
    """``published`` moved ``count`` units (negative: back), at the unit's precision."""
    unit = unit.lower().rstrip("s")
    if unit == "day":
        return (published + dt.timedelta(days=count)).isoformat()
    if unit == "week":
        return (published + dt.timedelta(weeks=count)).isoformat()
    if unit == "month":
        index = published.year * 12 + published.month - 1 + count
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    return f"{published.year + count:04d}"


def _ago(groups: dict[str, str], published: dt.date) -> str:
    return _shift(published, groups["unit"], -_count(groups["count"]))


def _offset(groups: dict[str, str], anchor: dt.date) -> str:
    count = _count(groups["count"])
    later = groups["direction"].lower() in {"later", "after"}
    return _shift(anchor, groups["unit"], count if later else -count)


def _span(first: dt.date, last: dt.date) -> str:
    return f"{first.isoformat()}/{last.isoformat()}" if last > first else first.isoformat()


def _period(groups: dict[str, str], published: dt.date, tense: TenseOf) -> str | None:
    which = groups["which"].lower()
    unit = groups["unit"].lower()
    part = (groups.get("part") or "").lower()
    monday = published - dt.timedelta(days=published.weekday())
    if unit == "weekend":
        saturday = monday + dt.timedelta(days=5)
        if which in {"last", "past"} or (
            which in {"the", "this"} and saturday > published and _past(tense)
        ):
            saturday -= dt.timedelta(days=7)
        elif which == "next" and saturday <= published:
            saturday += dt.timedelta(days=7)
        return _span(saturday, saturday + dt.timedelta(days=1))
    step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(which, 0)
    if unit == "week" and which == "past":  # the seven days before publication
        return _span(published - dt.timedelta(days=7), published - dt.timedelta(days=1))
    if unit == "week":
        first = monday + dt.timedelta(weeks=step)
        last = first + dt.timedelta(days=6)
        if step == 0 and part == "earlier":
            last = published - dt.timedelta(days=1)
        elif step == 0 and part == "later":
            first = published + dt.timedelta(days=1)
        return _span(first, max(first, last))
    if unit == "month":
        month = _shift(published, "month", step)
        if step == 0 and part == "earlier" and published.day > 1:
            return _span(published.replace(day=1), published - dt.timedelta(days=1))
        return month
    return _shift(published, "year", step)


def _past(tense: TenseOf) -> bool:
    return tense(_NEAR, True) is Tense.PAST
