"""``POST /v1/stories/{story_id}/drafts``: a draft brief from an article (sentences we wrote)."""

from __future__ import annotations

import msgspec

from service.domain.extract.draft import ArticleDraft, DraftedKind
from service.domain.validate import validate_brief
from tests.api.conftest import Api
from tests.api.test_errors import assert_problem

STORY = "/v1/stories/ceasefire-2025"
DRAFTS = f"{STORY}/drafts"
TEXT = (
    "On Thursday, Kremlin spokesman Dmitry Peskov said a new phone call between Putin and "
    "Trump has not been scheduled. \u201cWe are ready to talk,\u201d Peskov told reporters.\n"
    "Kyiv and Washington met in Riyadh on March 17."
)
BODY = {
    "text": TEXT,
    "published": "2025-03-21",
    "source": {"outlet": "Desk test", "url": "https://example.org/a", "title": "Talks"},
}


async def test_the_draft_carries_forward_and_adds_the_article(api: Api) -> None:
    response = await api.request("POST", DRAFTS, "write", json=BODY)
    assert response.status_code == 200, response.text
    result = msgspec.json.decode(response.content, type=ArticleDraft)
    brief = result.brief
    assert (brief.id, str(brief.as_of)) == ("brief-2025-03-21", "2025-03-21")
    assert (brief.change_note or "").startswith("carried forward from brief-2025-03-19 r1; ")
    source = brief.sources[-1]
    assert (source.outlet, source.url, source.title) == (
        "Desk test",
        "https://example.org/a",
        "Talks",
    )
    story = await api.app.state.store.get_story("ceasefire-2025")
    assert validate_brief(brief, story) == []
    kinds = {item.kind for item in result.drafted}
    assert DraftedKind.EVENT in kinds
    russia = next(p for p in brief.positions if p.party_id == "russia")
    assert [(q.speaker, q.cue) for q in russia.quotes] == [("Dmitry Peskov", "told reporters")]
    for item in result.drafted:
        assert 0 <= item.start < item.end <= len(TEXT)
    # Nothing was stored: the draft is the client's to review and POST to /briefs.
    listed = await api.request("GET", f"{STORY}/briefs/2025-03-21")
    assert listed.status_code == 404


async def test_drafting_needs_write(api: Api) -> None:
    assert_problem(await api.request("POST", DRAFTS, "none", json=BODY), 401, "Unauthorized")
    assert_problem(await api.request("POST", DRAFTS, "read", json=BODY), 403, "Forbidden")


async def test_unknown_story_is_404(api: Api) -> None:
    response = await api.request("POST", "/v1/stories/nowhere/drafts", "write", json=BODY)
    assert_problem(response, 404, "Not Found")


async def test_a_day_with_a_brief_is_409(api: Api) -> None:
    body = {**BODY, "published": "2025-03-14"}
    problem = assert_problem(await api.request("POST", DRAFTS, "write", json=body), 409, "Conflict")
    assert "brief-2025-03-14 is dated 2025-03-14 already" in problem["detail"]
    before = {**BODY, "published": "2025-02-01"}
    problem = assert_problem(
        await api.request("POST", DRAFTS, "write", json=before), 409, "Conflict"
    )
    assert "no brief before 2025-02-01" in problem["detail"]


async def test_unknown_fields_and_bad_values_are_422(api: Api) -> None:
    unknown = {**BODY, "source": {**BODY["source"], "colour": "red"}}
    problem = assert_problem(
        await api.request("POST", DRAFTS, "write", json=unknown),
        422,
        "Unprocessable Entity",
        extra={"errors"},
    )
    assert problem["errors"][0]["path"] == "$.source.colour"
    for bad in ({**BODY, "text": ""}, {**BODY, "published": "March 21"}, {"text": TEXT}):
        response = await api.request("POST", DRAFTS, "write", json=bad)
        assert_problem(response, 422, "Unprocessable Entity", extra={"errors"})


async def test_an_oversized_article_is_413(api: Api) -> None:
    huge = {**BODY, "text": "word " * 220_000}
    response = await api.request("POST", DRAFTS, "write", json=huge)
    assert_problem(response, 413, "Request Entity Too Large")
