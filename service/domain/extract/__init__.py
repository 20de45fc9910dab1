"""Drafting aids: pure extraction of quotes, reported speech, dates, parties and issue hints
from an article's text (no network, no model downloads).

`extract` is the one entry point (the CLI, the API, the TUI and ``bench/extract.py`` call it);
each family has a module of its own: ``quotes`` (direct and reported speech), `dates`,
`parties` and `issues`, the last two against a `Registry` of the story (`registry_for`), or
`DEFAULT_REGISTRY` (the fixture story's) when none is given.
"""

from __future__ import annotations

import datetime as dt

from service.domain.extract.dates import find_dates
from service.domain.extract.issues import find_issue_hints
from service.domain.extract.models import Extraction
from service.domain.extract.parties import find_parties
from service.domain.extract.quotes import find_indirect, find_quotes
from service.domain.extract.registry import DEFAULT_REGISTRY, Registry, registry_for

__all__ = ["DEFAULT_REGISTRY", "Extraction", "Registry", "extract", "registry_for"]


def extract(text: str, published: dt.date, registry: Registry | None = None) -> Extraction:
    """Everything found in ``text``, relative dates resolved against ``published``, parties and
    issue hints against ``registry`` (default: `DEFAULT_REGISTRY`)."""
    registry = DEFAULT_REGISTRY if registry is None else registry
    return Extraction(
        published=published.isoformat(),
        quotes=find_quotes(text),
        indirect=find_indirect(text),
        dates=find_dates(text, published),
        parties=find_parties(text, registry),
        issues=find_issue_hints(text, registry),
    )
