"""The SQL of ``list_briefs``, shared by both backends: filters on the current-revision table and
its side tables, ordered by ``(as_of, brief_id)``, with keyset pagination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import msgspec

from service.domain.wire import BriefQuery
from service.store.records import decode_cursor, search_text


class Dialect(msgspec.Struct, kw_only=True, frozen=True):
    """What differs between the backends in this query."""

    placeholder: str
    """``?`` or ``%s``."""
    body: str
    """The selected body expression (PostgreSQL reads ``jsonb`` as text)."""
    contains: str
    """Substring test of ``b.search_text`` against ``{}`` (the placeholder)."""
    date: Callable[[dt.date], object]
    """How a date is passed as a parameter."""


CURRENT_JOIN = (
    "FROM briefs AS b JOIN brief_revisions AS r"
    " ON r.story_id = b.story_id AND r.brief_id = b.brief_id AND r.revision = b.revision"
)


def list_briefs_sql(dialect: Dialect, story_id: str, query: BriefQuery) -> tuple[str, list[object]]:
    """The statement and parameters of one page, fetching ``limit + 1`` rows to detect more.

    Each row is ``(body, as_of, brief_id)``: the key of the last item makes the next cursor.
    """
    p = dialect.placeholder
    where = [f"b.story_id = {p}"]
    params: list[object] = [story_id]
    if query.as_of_from is not None:
        where.append(f"b.as_of >= {p}")
        params.append(dialect.date(query.as_of_from))
    if query.as_of_to is not None:
        where.append(f"b.as_of <= {p}")
        params.append(dialect.date(query.as_of_to))
    if query.party is not None:
        party = f"p.story_id = b.story_id AND p.brief_id = b.brief_id AND p.party_id = {p}"
        where.append(f"EXISTS (SELECT 1 FROM brief_parties AS p WHERE {party})")  # noqa: S608 - values are parameters
        params.append(query.party)
    if query.issue_id is not None or query.issue_status is not None:
        issue = ["i.story_id = b.story_id", "i.brief_id = b.brief_id"]
        if query.issue_id is not None:
            issue.append(f"i.issue_id = {p}")
            params.append(query.issue_id)
        if query.issue_status is not None:
            issue.append(f"i.status = {p}")
            params.append(query.issue_status.value)
        issues = " AND ".join(issue)
        where.append(f"EXISTS (SELECT 1 FROM brief_issues AS i WHERE {issues})")  # noqa: S608 - values are parameters
    if query.q:
        where.append(dialect.contains.format(p))
        params.append(search_text(query.q))
    if query.cursor is not None:
        as_of, brief_id = decode_cursor(query.cursor)
        # The first condition is a plain index range; the second breaks ties on the same date.
        where.append(f"b.as_of >= {p} AND (b.as_of > {p} OR b.brief_id > {p})")
        params.extend([dialect.date(as_of), dialect.date(as_of), brief_id])
    sql = (
        f"SELECT {dialect.body}, b.as_of, b.brief_id {CURRENT_JOIN} WHERE {' AND '.join(where)}"
        f" ORDER BY b.as_of, b.brief_id LIMIT {p}"
    )
    params.append(query.limit + 1)
    return sql, params
