"""The patterns of `service.domain.extract.dates`, one per family, compiled once.

Named groups carry what the resolver needs (``year``, ``month``, ``day``, ``until``,
``weekday``, ``modifier`` ...). A leading "on" is part of the mention, as the labels have it
("On Friday", "on March 11"); other prepositions are not.
"""

from __future__ import annotations

import enum
import re


class Kind(enum.Enum):
    """A family of dated mentions, each resolved its own way."""

    ISO = "iso"
    NUMERIC = "numeric"
    MONTH_DAY = "month-day"
    DAY_MONTH = "day-month"
    MONTH_PART = "month-part"
    MONTH_YEAR = "month-year"
    MONTH = "month"
    YEAR = "year"
    WEEKDAY = "weekday"
    WEEKDAY_RANGE = "weekday-range"
    RELATIVE_DAY = "relative-day"
    AGO = "ago"
    OFFSET = "offset"
    PERIOD = "period"
    VAGUE = "vague"


_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_UNTIL = r"(?:\s*(?:-|–|—|to|and|through|until)\s*(?P<until>[0-3]?\d)(?:st|nd|rd|th)?)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_COUNT = (
    r"(?P<count>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten"
    r"|a\s+couple\s+of|a\s+few|several)"
)
_UNIT = r"(?P<unit>days?|weeks?|months?|years?)"

# What may stand before a mention and belongs to it, matched backwards from the mention's
# start (a leading optional group would make every pattern try every position of the text).
_WEEKDAY_BEFORE = r"(?:\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
ON_BEFORE = re.compile(r"(?:\b[Oo]n\s+)?\Z")
DAY_BEFORE = re.compile(r"(?:\b[Oo]n\s+)?" + _WEEKDAY_BEFORE + r"\Z")
MODIFIER_BEFORE = re.compile(
    r"(?:\b(?P<modifier>[Ll]ast|[Nn]ext|[Tt]his\s+coming|[Tt]his\s+past|[Cc]oming)\s+"
    r"|\b(?:[Ee]arly|[Ll]ate|[Ll]ater)\s+[Oo]n\s+|\b[Oo]n\s+)?\Z"
)

PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (Kind.ISO, re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")),
    (
        Kind.NUMERIC,
        re.compile(
            r"\b(?P<first>\d{1,2})(?P<sep>[./])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4})\b"
        ),
    ),
    (
        Kind.MONTH_DAY,
        re.compile(
            r"\b" + _MONTH + r"\s+" + _DAY + _UNTIL + r"\b(?!:)"
            r"(?:,?\s+" + _YEAR + r"\b)?"
        ),
    ),
    (
        Kind.DAY_MONTH,
        re.compile(
            r"\b(?:the\s+)?"
            r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
            r"(?:\s*(?:-|–|—|to|and)\s*(?P<until>[0-3]?\d)(?:st|nd|rd|th)?)?"
            r"\s+(?:of\s+)?" + _MONTH + r"\b(?:,?\s+" + _YEAR + r"\b)?"
        ),
    ),
    (
        Kind.MONTH_PART,
        re.compile(
            r"\b(?:[Ee]arly|[Mm]id|[Ll]ate|the\s+(?:end|start|beginning|middle)\s+of)[-\s]"
            + _MONTH
            + r"\b(?:,?\s+"
            + _YEAR
            + r"\b)?"
        ),
    ),
    (Kind.MONTH_YEAR, re.compile(r"\b" + _MONTH + r",?\s+" + _YEAR + r"\b")),
    # A bare month only after a preposition: "May" alone is mostly a verb.
    (
        Kind.MONTH,
        re.compile(
            r"\b(?:in|since|by|until|from|during|through|before|after)\s+(?P<m>" + _MONTH + r")\b"
        ),
    ),
    (
        Kind.YEAR,
        re.compile(
            r"\b(?:in|since|by|until|to|from|during|through|before|after|of|early|late|mid)[\s-]"
            r"(?P<m>" + _YEAR + r")\b(?![-–]\d)"
        ),
    ),
    (
        Kind.WEEKDAY,
        re.compile(r"\b" + _WEEKDAY + r"(?:\s+(?:morning|afternoon|evening|night))?\b"),
    ),
    # "from Sunday to Monday" is one span of whole days; "from Saturday evening through
    # Sunday" starts at a time of day, so it stays two mentions (the second counts on from the
    # first: `service.domain.extract.dates`).
    (
        Kind.WEEKDAY_RANGE,
        re.compile(
            r"\b[Ff]rom\s+" + _WEEKDAY + r"\s+(?:to|through|until|till)\s+"
            r"(?P<last>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
        ),
    ),
    (
        Kind.RELATIVE_DAY,
        re.compile(
            r"\b(?P<word>(?:[Tt]he\s+day\s+(?:before|after)\s+(?:yesterday|tomorrow))"
            r"|(?:[Ee]arlier|[Ll]ater)\s+today|[Tt]oday(?:['’ʼ]s)?|[Tt]onight(?:['’ʼ]s)?"
            r"|[Yy]esterday(?:['’ʼ]s)?|[Tt]omorrow(?:['’ʼ]s)?|[Ll]ast\s+night(?:['’ʼ]s)?"
            r"|[Tt]his\s+(?:morning|afternoon|evening)"
            r"|(?:a|one)\s+day\s+(?:earlier|later|before|after)"
            r"|the\s+(?:day\s+before|day\s+after|previous\s+day|next\s+day|following\s+day|eve)"
            r"|(?:[Tt]hat|[Tt]he)\s+same\s+day|[Ll]ater\s+that\s+day"
            r"|(?:just\s+|only\s+|a\s+few\s+|several\s+)?hours\s+(?:later|earlier))\b"
        ),
    ),
    (Kind.AGO, re.compile(r"\b" + _COUNT + r"\s+" + _UNIT + r"\s+ago\b")),
    (
        Kind.OFFSET,
        re.compile(
            r"\b" + _COUNT + r"\s+" + r"(?P<unit>days|weeks|months|years|week|month|year)"
            r"\s+(?P<direction>earlier|later|before|after)\b(?!\s+(?:the|a|an|his|her|their)\b)"
        ),
    ),
    (
        Kind.PERIOD,
        re.compile(
            r"\b(?:(?P<part>[Ee]arlier|[Ll]ater)\s+)?"
            r"(?P<which>[Tt]his|[Ll]ast|[Nn]ext|[Pp]ast|[Pp]revious|[Cc]oming|(?<=over )the"
            r"|(?<=at )the)\s+(?P<unit>week|month|year|weekend)\b"
        ),
    ),
    (
        Kind.VAGUE,
        re.compile(
            r"\b(?:(?:in\s+)?a\s+matter\s+of\s+(?:days|weeks|hours)|recent(?:ly)?"
            r"|in\s+(?:the\s+)?(?:coming|next|past|last|recent)\s+(?:few\s+)?(?:days|weeks|months)"
            r"|within\s+(?:days|weeks)|soon)\b"
        ),
    ),
)
