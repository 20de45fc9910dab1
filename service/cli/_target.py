"""Where a writing command reads and stores briefs: a story folder on disk, or a story on a server.

The commands that record briefs (``briefs new``, ``push``, ``issue``, ``stance``, ``edit``) share
this module, so that they take the same arguments and fail with the same one-line messages:

* `add_target_arguments(parser)` adds the positional ``STORY`` (a story folder, or a story id
  with ``--url``), ``--url URL`` (default ``$BRIEFS_URL``) and ``--token-file PATH``. The token
  comes from ``--token-file`` or ``$BRIEFS_TOKEN``: never a bare argument, which shell history
  and ``ps`` would show. ``story_option=True`` makes it ``--story STORY`` instead (``briefs push``,
  whose positional is the file).
* `open_target(args)` gives a `Target` (`FolderTarget` or `ServerTarget`), a synchronous API:
  ``story()``, ``latest(before=None)`` (the most recent brief not withdrawn, or None),
  ``get(ref)`` (a brief
  id, an as-of date ``YYYY-MM-DD`` or ``latest``; optionally one ``revision``) as a
  `Tagged` brief with its ETag, ``create(draft, change_note=...)`` and ``update(brief_id,
  update, if_match=..., change_note=...)``. Close it (or use it as a context manager).

Failures are `TargetError` with a one-line ``message`` and the exit ``code`` (`report` prints and
returns it): 404, 401/403 with the server's reason, 422 with every field path, an unreachable
server. A missing story, brief or revision is `TargetNotFound`; a stale ``if_match`` is
`TargetConflict` carrying the ``current`` revision, so a caller can show what changed meanwhile
and lose nothing (both are `TargetError`).

A folder's ETag is a tag of this module's own (``"folder:<id>/r<revision>"``); an update stores
the next revision file, ``briefs/YYYY-MM-DD.rN.json`` (the fixtures' naming; revision 1 is
``YYYY-MM-DD.json``), with ``revision``, ``revised_at`` and ``change_note`` set, and fails with
`TargetConflict` when a newer revision file exists. ``revised_by`` stays null in a folder: there
is no token to name the editor. Client imports happen on first use, so registering the
commands stays cheap.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from service.cli.main import EXIT_FAILED, EXIT_USAGE

if TYPE_CHECKING:
    from service.client import BriefsClient
    from service.client.models import Tagged
    from service.domain.models import Brief, BriefDraft, BriefUpdate, Story

T = TypeVar("T")

LATEST = "latest"
"""The ``ref`` of the story's most recent brief not withdrawn."""

TOKEN_ENV = "BRIEFS_TOKEN"  # noqa: S105 - the variable's name, not a secret
URL_ENV = "BRIEFS_URL"


class TargetError(Exception):
    """A read or write the target refused or could not do; ``message`` is one line for stderr
    and ``code`` the exit code (1, or 2 for unusable arguments such as a missing token file)."""

    def __init__(self, message: str, *, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class TargetNotFound(TargetError):  # noqa: N818 - named for what happened, like the client's 404
    """The story, brief or revision asked for does not exist."""


class TargetConflict(TargetError):  # noqa: N818 - named for what happened, like the client's 412
    """The brief changed since the revision an update was based on; ``current`` is the revision
    stored now, with its ETag."""

    def __init__(self, message: str, *, current: Tagged[Brief]) -> None:
        super().__init__(message)
        self.current = current


class Target(Protocol):
    """A story to read briefs from and store them to (see the module docstring)."""

    @property
    def where(self) -> str:
        """The story folder or ``URL story-id``, for messages."""
        ...

    def story(self) -> Story:
        """The story, with its parties."""
        ...

    def latest(self, *, before: dt.date | None = None) -> Brief | None:
        """The latest revision of the most recent brief not withdrawn (dated before ``before``,
        when given); None if there is none."""
        ...

    def get(self, ref: str, *, revision: int | None = None) -> Tagged[Brief]:
        """A brief by id, as-of date or ``latest``: its current revision (or ``revision``)."""
        ...

    def create(self, draft: BriefDraft, *, change_note: str | None = None) -> Brief:
        """Store revision 1 of a new brief."""
        ...

    def update(
        self,
        brief_id: str,
        update: BriefUpdate,
        *,
        if_match: str,
        change_note: str | None = None,
    ) -> Brief:
        """Store the next revision of ``brief_id`` if ``if_match`` names the current one."""
        ...

    def close(self) -> None:
        """Release the connection, if any."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...


def add_target_arguments(parser: argparse.ArgumentParser, *, story_option: bool = False) -> None:
    """Add ``STORY`` (or ``--story STORY``), ``--url`` and ``--token-file`` to ``parser``."""
    story_help = "a story folder (holding story.json), or a story id with --url / $BRIEFS_URL"
    if story_option:
        parser.add_argument("--story", required=True, metavar="STORY", help=story_help)
    else:
        parser.add_argument("story", metavar="STORY", help=story_help)
    parser.add_argument(
        "--url",
        metavar="URL",
        help=f"the server's base URL, e.g. http://127.0.0.1:8000 (default: ${URL_ENV})",
    )
    parser.add_argument(
        "--token-file",
        type=Path,
        metavar="PATH",
        help=f"a file holding the API token (default: ${TOKEN_ENV}); write needs a write token",
    )


def open_target(args: argparse.Namespace) -> Target:
    """The `Target` that ``args`` name; raises `TargetError` (code 2) when they name none.

    An explicit ``--url`` means a server; otherwise a STORY that is a folder holding
    ``story.json`` is a folder, and anything else is a story id on ``$BRIEFS_URL``.
    """
    story: str = args.story
    url: str | None = args.url
    folder = Path(story)
    if url is None and (folder / "story.json").is_file():
        return FolderTarget(folder)
    url = url or os.environ.get(URL_ENV) or None
    if url is None:
        reason = "is not a folder" if not folder.is_dir() else "holds no story.json"
        raise TargetError(
            f"{story}: {reason}; to use a story on a server, give its id with --url URL "
            f"(or set {URL_ENV})",
            code=EXIT_USAGE,
        )
    return ServerTarget(url, story, token=read_token(args.token_file))


def read_token(token_file: Path | None) -> str | None:
    """The API token: the first line of ``token_file``, else ``$BRIEFS_TOKEN``, else None."""
    if token_file is None:
        return os.environ.get(TOKEN_ENV, "").strip() or None
    try:
        text = token_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise TargetError(f"--token-file {token_file}: {reason}", code=EXIT_USAGE) from None
    token = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not token:
        raise TargetError(f"--token-file {token_file}: the file is empty", code=EXIT_USAGE)
    return token


def report(args: argparse.Namespace, error: TargetError) -> int:
    """Print ``error`` as the command's one line on stderr; return its exit code."""
    print(f"{args.command_prog}: {error.message}", file=sys.stderr)
    return error.code


def parse_ref(ref: str) -> str | dt.date:
    """A brief reference: ``latest``, an as-of date (``YYYY-MM-DD``) or a brief id."""
    if ref != LATEST and len(ref) == 10 and ref[4] == "-" and ref[7] == "-":
        try:
            return dt.date.fromisoformat(ref)
        except ValueError:
            raise TargetError(f"{ref!r} is not a valid date", code=EXIT_USAGE) from None
    return ref


# --- a story folder ----------------------------------------------------------------------------


class FolderTarget:
    """A story folder on disk (the fixtures' layout); every call reads the folder afresh."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def where(self) -> str:
        return str(self.folder)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release."""

    def _load(self) -> tuple[Story, list[Brief]]:
        from service.domain.files import StoryFileError, load_story_dir

        try:
            loaded = load_story_dir(self.folder)
        except StoryFileError as error:
            raise TargetError(str(error)) from None
        return loaded.story, loaded.briefs

    def story(self) -> Story:
        return self._load()[0]

    def latest(self, *, before: dt.date | None = None) -> Brief | None:
        from service.domain.files import latest_revisions
        from service.domain.models import PubStatus

        current = latest_revisions(self._load()[1])
        shown = [
            brief
            for brief in current
            if brief.status is not PubStatus.CANCELED and (before is None or brief.as_of < before)
        ]
        return shown[-1] if shown else None

    def get(self, ref: str, *, revision: int | None = None) -> Tagged[Brief]:
        from service.client.models import Tagged

        briefs = self._load()[1]
        key = parse_ref(ref)
        if key == LATEST:
            latest = self.latest()
            if latest is None:
                raise TargetNotFound(f"{self.folder}: no briefs yet, or every one is withdrawn")
            key = latest.id
        matching = [
            brief
            for brief in briefs
            if (brief.as_of if isinstance(key, dt.date) else brief.id) == key
        ]
        if not matching:
            raise TargetNotFound(f"{self.folder}: no brief {ref!r}")
        if revision is None:
            chosen = max(matching, key=lambda brief: brief.revision)
        else:
            found = [brief for brief in matching if brief.revision == revision]
            if not found:
                raise TargetNotFound(f"{self.folder}: brief {ref!r} has no revision {revision}")
            chosen = found[0]
        return Tagged(value=chosen, etag=folder_etag(chosen))

    def create(self, draft: BriefDraft, *, change_note: str | None = None) -> Brief:
        from service.domain.models import Brief
        from service.domain.validate import new_brief_problems

        story, briefs = self._load()
        for brief in briefs:
            if brief.id == draft.id:
                raise TargetError(f"{self.folder}: brief {draft.id!r} exists already")
            if brief.as_of == draft.as_of:
                raise TargetError(
                    f"{self.folder}: brief {brief.id!r} is dated {draft.as_of} already"
                )
        problems = new_brief_problems(draft, story.id)
        now = _now()
        stored = Brief(
            **_content(draft),
            id=draft.id,
            as_of=draft.as_of,
            story_id=story.id,
            revision=1,
            created_at=now,
            revised_at=now,
            change_note=change_note if change_note is not None else draft.change_note,
        )
        self._write(story, stored, problems)
        return stored

    def update(
        self,
        brief_id: str,
        update: BriefUpdate,
        *,
        if_match: str,
        change_note: str | None = None,
    ) -> Brief:
        from service.domain.models import Brief
        from service.domain.validate import read_only_problems

        current = self.get(brief_id)
        if if_match != current.etag:
            raise TargetConflict(
                f"{self.folder}: brief {brief_id!r} changed meanwhile: it is at revision "
                f"{current.value.revision} now, not the one {if_match} names",
                current=current,
            )
        base = current.value
        story = self.story()
        stored = Brief(
            **_content(update),
            id=base.id,
            as_of=base.as_of,
            story_id=base.story_id,
            revision=base.revision + 1,
            created_at=base.created_at,
            revised_at=max(_now(), base.revised_at),
            change_note=change_note if change_note is not None else update.change_note,
        )
        self._write(story, stored, read_only_problems(update, base), conflict_with=current)
        return stored

    def _write(
        self,
        story: Story,
        brief: Brief,
        problems: list[Any],
        *,
        conflict_with: Tagged[Brief] | None = None,
    ) -> None:
        from service.domain import codec
        from service.domain.validate import validate_brief

        problems = [*problems, *validate_brief(brief, story)]
        if problems:
            raise TargetError(invalid_message(str(problem) for problem in problems))
        path = self.folder / "briefs" / revision_file_name(brief)
        try:
            with path.open("xb") as file:  # never overwrite: a file there is a newer revision
                file.write(codec.encode_pretty(brief))
        except FileExistsError:
            if conflict_with is None:
                raise TargetError(f"{path}: exists already") from None
            raise TargetConflict(
                f"{path} appeared meanwhile: someone stored revision {brief.revision}",
                current=self.get(brief.id),
            ) from None
        except OSError as error:
            raise TargetError(f"{path}: {error.strerror or error}") from None


def folder_etag(brief: Brief) -> str:
    """The tag a `FolderTarget` gives a revision (quoted like an HTTP ETag)."""
    return f'"folder:{brief.id}/r{brief.revision}"'


def revision_file_name(brief: Brief) -> str:
    """``YYYY-MM-DD.json`` for revision 1, ``YYYY-MM-DD.rN.json`` after (the fixtures' names)."""
    suffix = "" if brief.revision == 1 else f".r{brief.revision}"
    return f"{brief.as_of.isoformat()}{suffix}.json"


def invalid_message(problems: Any) -> str:
    """The one line of an invalid brief: every problem, ``$.path: message``, joined by ``; ``."""
    listed = list(problems)
    return f"invalid brief ({len(listed)} problem{'' if len(listed) == 1 else 's'}): " + "; ".join(
        listed
    )


def _content(brief: Any) -> dict[str, Any]:
    from service.domain.models import BriefContent

    return {name: getattr(brief, name) for name in BriefContent.__struct_fields__}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


# --- a story on a server -----------------------------------------------------------------------


class ServerTarget:
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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

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
