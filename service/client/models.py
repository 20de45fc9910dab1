"""Client-side envelopes around the domain models: the HTTP facts a model alone cannot carry."""

from __future__ import annotations

import datetime as dt
from typing import Generic, TypedDict, TypeVar

import msgspec

from service.domain.models import Brief, IssueStatus
from service.domain.wire import BriefProjectionPage, Liveness

T = TypeVar("T")


class Tagged(msgspec.Struct, Generic[T], kw_only=True, frozen=True):
    """A response value with its strong ``ETag``; pass ``etag`` as ``if_match`` to update it."""

    value: T
    etag: str


TaggedBrief = Tagged[Brief]
"""A brief revision with the ETag that guards the next edit."""


ProjectedPage = BriefProjectionPage
"""One page of a ``fields=`` projection: the server's own model, under the client's old name."""


class ServiceStatus(Liveness, kw_only=True, frozen=True):
    """A probe's answer: the `Liveness`/`Readiness` body read tolerantly, with what HTTP said.

    ``ok`` is whether the status was 200; ``detail`` is the problem's detail when it was not.
    """

    ok: bool
    detail: str | None = None
    backend: str | None = None


class BriefFilters(TypedDict, total=False):
    """Filters of ``listBriefs``, as keyword arguments of the listing methods."""

    as_of_from: dt.date
    """Only briefs dated on or after this day."""
    as_of_to: dt.date
    """Only briefs dated on or before this day."""
    party: str
    """Only briefs stating a position for this party id."""
    issue: str
    """Only briefs tracking this issue id."""
    issue_status: IssueStatus
    """Only briefs where ``issue`` (or any issue) has this status."""
    q: str
    """Full-text search in headline, summary and takeaways."""
