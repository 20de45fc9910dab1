"""The SQL of ``list_briefs``: filters on the current-revision table and its side tables, ordered
by ``(as_of, brief_id)``, with keyset pagination."""

from __future__ import annotations

from service.domain.wire import BriefQuery
from service.store.records import decode_cursor, reject_nul, search_text

CURRENT_JOIN = (
    "FROM briefs AS b JOIN brief_revisions AS r"
    " ON r.story_id = b.story_id AND r.brief_id = b.brief_id AND r.revision = b.revision"
)


def list_briefs_sql(contains: str, story_id: str, query: BriefQuery) -> tuple[str, list[object]]:
    """The statement and parameters of one page, fetching ``limit + 1`` rows to detect more.

    Each row is ``(body, as_of, brief_id)``: the key of the last item makes the next cursor.
    ``contains`` is the dialect's substring test. Raises ``InvalidContentError`` for a NUL in
    a text parameter, which PostgreSQL could not even receive.
    """
    for field, text in (("party", query.party), ("issue_id", query.issue_id), ("q", query.q)):
        if text and "\x00" in text:  # the text filters (a cursor is checked once decoded)
            reject_nul(text, f"$.{field}")
    p = "?"
    where = [f"b.story_id = {p}"]
    params: list[object] = [story_id]
    if query.as_of_from is not None:
        where.append(f"b.as_of >= {p}")
        params.append(query.as_of_from.isoformat())
    if query.as_of_to is not None:
        where.append(f"b.as_of <= {p}")
        params.append(query.as_of_to.isoformat())
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
        where.append(contains)
        params.append(search_text(query.q))
    if query.cursor is not None:
        as_of, brief_id = decode_cursor(query.cursor)
        reject_nul(brief_id, "$.cursor")
        # The first condition is a plain index range; the second breaks ties on the same date.
        where.append(f"b.as_of >= {p} AND (b.as_of > {p} OR b.brief_id > {p})")
        params.extend([as_of.isoformat(), as_of.isoformat(), brief_id])
    sql = (
        f"SELECT r.body, b.as_of, b.brief_id {CURRENT_JOIN} WHERE {' AND '.join(where)}"
        f" ORDER BY b.as_of, b.brief_id LIMIT {p}"
    )
    params.append(query.limit + 1)
    return sql, params
