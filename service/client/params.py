"""Paths, query parameters and bodies of the endpoints, kept apart from `BriefsClient`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from service.client.models import BriefFilters, ServiceStatus
from service.client.transport import QueryValue, path_segment
from service.domain.models import BriefContent, BriefUpdate

BriefRefLike = str | dt.date
"""A brief id (kebab slug) or an as-of date."""


def story_path(story_id: str) -> str:
    """``/v1/stories/{story_id}``."""
    return f"/v1/stories/{path_segment(story_id)}"


def briefs_path(story_id: str) -> str:
    """``/v1/stories/{story_id}/briefs``."""
    return f"{story_path(story_id)}/briefs"


def brief_path(story_id: str, brief_ref: BriefRefLike) -> str:
    """``/v1/stories/{story_id}/briefs/{brief_ref}``."""
    return f"{briefs_path(story_id)}/{path_segment(brief_ref)}"


def content_only(content: BriefContent, change_note: str | None = None) -> BriefUpdate:
    """The update body: the content fields of a brief, draft or content, and the change note
    of the new revision (``change_note``, else that of a plain `BriefUpdate`)."""
    # A Brief or BriefDraft read earlier carries the change note of *its* revision, and
    # read-only fields the server would check: neither belongs to the revision being written.
    if change_note is None and type(content) is BriefUpdate:
        change_note = content.change_note
    fields = {name: getattr(content, name) for name in BriefContent.__struct_fields__}
    return BriefUpdate(**fields, change_note=change_note)


def filter_params(filters: BriefFilters) -> dict[str, QueryValue]:
    """Query parameters of ``listBriefs`` filters."""
    status = filters.get("issue_status")
    return {
        "as_of_from": filters.get("as_of_from"),
        "as_of_to": filters.get("as_of_to"),
        "party": filters.get("party"),
        "issue": filters.get("issue"),
        "issue_status": status.value if status is not None else None,
        "q": filters.get("q"),
    }


def brief_diff_params(
    against: BriefRefLike | None,
    revision: int | None,
    against_revision: int | None,
    hide_trivial: bool | None,
) -> dict[str, QueryValue]:
    """Query parameters of ``getBriefDiff``."""
    return {
        "against": against,
        "revision": revision,
        "against_revision": against_revision,
        "hide_trivial": hide_trivial,
    }


def diff_params(
    old: BriefRefLike,
    new: BriefRefLike,
    old_revision: int | None,
    new_revision: int | None,
    hide_trivial: bool | None,
) -> dict[str, QueryValue]:
    """Query parameters of ``getDiff``."""
    return {
        "from": old,
        "to": new,
        "from_revision": old_revision,
        "to_revision": new_revision,
        "hide_trivial": hide_trivial,
    }


def service_status(ok: bool, body: dict[str, Any]) -> ServiceStatus:
    """A probe answer, read tolerantly."""
    status = body.get("status")
    detail = body.get("detail")
    backend = body.get("backend")
    return ServiceStatus(
        ok=ok,
        status=status if isinstance(status, str) else ("ok" if ok else "unavailable"),
        detail=detail if isinstance(detail, str) else None,
        backend=backend if isinstance(backend, str) else None,
    )
