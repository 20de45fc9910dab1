"""A stand-in for `service.domain.extract.quotes` until that module lands: it finds nothing.

Deleted once the quote extractor is on main; `service.domain.extract` prefers the real one.
"""

from __future__ import annotations

from service.domain.extract.models import ExtractedQuote, IndirectSpeech


def find_quotes(text: str) -> list[ExtractedQuote]:
    """No quotes: the real extractor is not there yet."""
    del text
    return []


def find_indirect(text: str) -> list[IndirectSpeech]:
    """No reported speech: the real extractor is not there yet."""
    del text
    return []
