"""Stories: list, create, read and update their metadata."""

from __future__ import annotations

from litestar import Response, get, patch, post
from litestar.datastructures import ResponseHeader
from litestar.params import JSONBody

from service.api.deps import StoreDep
from service.api.errors import problem_responses
from service.api.representations import StoryId
from service.api.resources import resource
from service.domain.models import Story, StoryCreate, StoryUpdate
from service.domain.views import StorySummary
from service.domain.wire import Scope

WRITE = {"scope": Scope.WRITE}


@get("/", operation_id="listStories", responses=problem_responses(401, 403))
async def list_stories(store: StoreDep) -> list[StorySummary]:
    """Every story with its brief count, latest as-of date and open issue count, by id."""
    return await store.list_stories()


@post(
    "/",
    operation_id="createStory",
    opt=WRITE,
    responses=problem_responses(401, 403, 409, 413, 415, 422),
    response_headers=[
        ResponseHeader(name="Location", description="The new story's URL.", documentation_only=True)
    ],
)
async def create_story(store: StoreDep, data: JSONBody[StoryCreate]) -> Response[Story]:
    """Create a story. Needs the `write` scope; 409 when the id is taken."""
    fields = {name: getattr(data, name) for name in Story.__struct_fields__}
    story = await store.create_story(Story(**fields))
    return Response(story, status_code=201, headers={"Location": f"/v1/stories/{story.id}"})


@get("/{story_id:str}", operation_id="getStory", responses=problem_responses(401, 403, 404))
async def get_story(store: StoreDep, story_id: StoryId) -> Story:
    """One story with its party registry."""
    return await store.get_story(story_id)


@patch(
    "/{story_id:str}",
    operation_id="updateStory",
    opt=WRITE,
    responses=problem_responses(401, 403, 404, 413, 415, 422),
)
async def update_story(store: StoreDep, story_id: StoryId, data: JSONBody[StoryUpdate]) -> Story:
    """Change a story's title, description or parties; omitted fields stay. Needs `write`."""
    return await store.update_story(story_id, data)


ROUTER = resource("/v1/stories", list_stories, create_story, get_story, update_story, tag="stories")
