"""`ServerTarget`: a `service.cli._target.Target` over a story on a Briefs server.

A synchronous face on the async `BriefsClient`: one `asyncio.Runner` per target runs every call
on the same event loop, so the client's connection pool is reused. Client errors become
`TargetError` lines (`TargetNotFound` for a 404, `TargetConflict` for a 412).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from service.cli._target import (
    LATEST,
    TOKEN_ENV,
    ClosingTarget,
    TargetConflict,
    TargetError,
    TargetNotFound,
    invalid_message,
    parse_ref,
)
from service.cli.main import EXIT_USAGE

if TYPE_CHECKING:
    from service.client import BriefsClient
    from service.client.models import Tagged
    from service.domain.models import Brief, BriefDraft, BriefUpdate, Story

T = TypeVar("T")


class ServerTarget(ClosingTarget):
    """A story on a Briefs server, through `BriefsClient` on one event loop of its own."""

    def __init__(self, url: str, story_id: str, *, token: str | None) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise TargetError(
                f"--url {url!r}: expected http://HOST[:PORT] or https://HOST[:PORT]",
                code=EXIT_USAGE,
            )
        self.url = url.rstrip("/")
        self.story_id = story_id
        self._token = token
        self._runner = asyncio.Runner()
        self._client: BriefsClient | None = None

    @property
    def where(self) -> str:
        return f"{self.url} story {self.story_id}"

    def close(self) -> None:
        """Close the HTTP client and the event loop."""
        if self._client is not None:
            self._runner.run(self._client.aclose())
            self._client = None
        self._runner.close()

    def _run(self, call: Coroutine[Any, Any, T]) -> T:
        from service.client import BriefsClientError, NotFound

        try:
            return self._runner.run(call)
        except NotFound as error:
            raise TargetNotFound(self._describe(error)) from None
        except BriefsClientError as error:
            raise TargetError(self._describe(error)) from None

    def _connected(self) -> BriefsClient:
        from service.client import BriefsClient

        if self._client is None:
            self._client = BriefsClient.connect(self.url, self._token)
        return self._client

    def _describe(self, error: Exception) -> str:
        from service.client import Forbidden, Unauthorized, Unprocessable

        if isinstance(error, Unprocessable) and error.field_errors:
            return invalid_message(f"{item.path}: {item.message}" for item in error.field_errors)
        message = str(error)
        if isinstance(error, Unauthorized):
            how = "--token-file" if self._token else f"${TOKEN_ENV} or --token-file"
            return f"{message} Give a token with {how} (briefs token create)."
        if isinstance(error, Forbidden):
            return f"{message} Writing needs a token with the write scope."
        return message

    def story(self) -> Story:
        return self._run(self._connected().get_story(self.story_id))

    def latest(self, *, before: dt.date | None = None) -> Brief | None:
        if before is not None:
            self.story()  # a missing story is an error, not an empty listing
            return self._run(self._latest_before(before))
        try:
            return self._run(self._connected().latest_brief(self.story_id))
        except TargetNotFound:
            self.story()  # a missing story is an error; a story without briefs is None
            return None

    async def _latest_before(self, before: dt.date) -> Brief | None:
        from service.domain.models import PubStatus

        found: Brief | None = None
        until = before - dt.timedelta(days=1)
        async for brief in self._connected().iter_briefs(self.story_id, as_of_to=until):
            if brief.status is not PubStatus.CANCELED:
                found = brief  # listed in as-of order: the last one kept is the latest
        return found

    def get(self, ref: str, *, revision: int | None = None) -> Tagged[Brief]:
        client = self._connected()
        key = parse_ref(ref)
        if key == LATEST:
            tagged = self._run(client.get_tagged_latest_brief(self.story_id))
            if revision is None:
                return tagged
            key = tagged.value.id
        return self._run(client.get_tagged_brief(self.story_id, key, revision=revision))

    def create(self, draft: BriefDraft, *, change_note: str | None = None) -> Brief:
        import msgspec

        if change_note is not None:
            draft = msgspec.structs.replace(draft, change_note=change_note)
        return self._run(self._connected().create_brief(self.story_id, draft)).value

    def update(
        self,
        brief_id: str,
        update: BriefUpdate,
        *,
        if_match: str,
        change_note: str | None = None,
    ) -> Brief:
        from service.client import BriefsClientError, PreconditionFailed

        client = self._connected()
        call = client.update_brief(
            self.story_id, brief_id, update, if_match=if_match, change_note=change_note
        )
        try:
            return self._runner.run(call).value
        except PreconditionFailed as error:
            current = self.get(brief_id)
            raise TargetConflict(self._describe(error), current=current) from None
        except BriefsClientError as error:
            raise TargetError(self._describe(error)) from None
