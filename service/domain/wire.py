"""API envelope models shared by the server, the client and the TUI."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any

import msgspec

from service.domain.models import Brief, IssueStatus, Slug

JSON_PATCH = "application/json-patch+json"
"""The media type of an RFC 6902 patch: ``Accept`` it from the diff endpoints to get one."""


class Scope(enum.StrEnum):
    """What an API token may do. ``write`` implies ``read``; ``admin`` implies both."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


class BriefQuery(msgspec.Struct, kw_only=True, frozen=True):
    """Filters and keyset pagination for listing a story's briefs (latest revisions)."""

    as_of_from: dt.date | None = None
    as_of_to: dt.date | None = None
    party: Slug | None = None
    issue_id: Slug | None = None
    issue_status: IssueStatus | None = None
    q: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    cursor: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=200)] = 50


class BriefPage(msgspec.Struct, kw_only=True, frozen=True):
    """One page of briefs; pass ``next_cursor`` back as ``cursor`` for the next page."""

    items: list[Brief]
    next_cursor: str | None = None


class BriefProjectionPage(msgspec.Struct, kw_only=True, frozen=True):
    """A page of briefs projected to the requested ``fields`` (each item also keeps ``id``)."""

    items: list[dict[str, Any]]
    next_cursor: str | None = None


class Liveness(msgspec.Struct, kw_only=True, frozen=True):
    """The process is up (``/healthz``)."""

    status: str = "ok"


class Readiness(Liveness, kw_only=True, frozen=True):
    """The database is reachable, its schema current and its integrity sound (``/readyz``)."""

    backend: str


class ProblemDetail(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """RFC 9457 problem details, served as ``application/problem+json`` for every error."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None
    current_revision: int | None = None


class FieldError(msgspec.Struct, kw_only=True, frozen=True):
    """One invalid field of a request: its JSON path (``$.issues[2].status``) and the problem."""

    path: str
    message: str


class TokenInfo(msgspec.Struct, kw_only=True, frozen=True):
    """An API token as listed: never the secret, never its hash."""

    id: str
    name: str
    scopes: list[Scope]
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None


class TokenCreate(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Request body that creates a token."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[\w.@-]+$")]
    scopes: Annotated[list[Scope], msgspec.Meta(min_length=1, max_length=3)]


class TokenCreated(msgspec.Struct, kw_only=True, frozen=True):
    """A new token; ``token`` is shown this once and stored only as a hash."""

    info: TokenInfo
    token: str
