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
is no token to name the editor. The two live in `service.cli._folder_target` and
`service.cli._server_target` (importable from here too); they are imported on first use, so
registering the commands stays cheap.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self

from service.cli.main import EXIT_FAILED, EXIT_USAGE

if TYPE_CHECKING:
    from service.cli._folder_target import FolderTarget
    from service.cli._server_target import ServerTarget
    from service.client.models import Tagged
    from service.domain.models import Brief, BriefDraft, BriefUpdate, Story

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


class ClosingTarget:
    """What the targets share: used as a context manager, a target is closed at its end."""

    def close(self) -> None:
        """Release what the target holds (nothing, unless a subclass says otherwise)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def add_target_arguments(
    parser: argparse.ArgumentParser, *, story_option: bool = False, required: bool = True
) -> None:
    """Add ``STORY`` (or ``--story STORY``, optional unless ``required``), ``--url`` and
    ``--token-file`` to ``parser``."""
    story_help = "a story folder (holding story.json), or a story id with --url / $BRIEFS_URL"
    if story_option:
        parser.add_argument("--story", required=required, metavar="STORY", help=story_help)
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
        from service.cli._folder_target import FolderTarget

        return FolderTarget(folder)
    url = url or os.environ.get(URL_ENV) or None
    if url is None:
        reason = "is not a folder" if not folder.is_dir() else "holds no story.json"
        raise TargetError(
            f"{story}: {reason}; to use a story on a server, give its id with --url URL "
            f"(or set {URL_ENV})",
            code=EXIT_USAGE,
        )
    from service.cli._server_target import ServerTarget

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


def invalid_message(problems: Any) -> str:
    """The one line of an invalid brief: every problem, ``$.path: message``, joined by ``; ``."""
    listed = list(problems)
    return f"invalid brief ({len(listed)} problem{'' if len(listed) == 1 else 's'}): " + "; ".join(
        listed
    )


def __getattr__(name: str) -> Any:
    """`FolderTarget` and `ServerTarget`, imported on first use (they pull in the client)."""
    if name == "FolderTarget":
        from service.cli._folder_target import FolderTarget

        return FolderTarget
    if name == "ServerTarget":
        from service.cli._server_target import ServerTarget

        return ServerTarget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "LATEST",
    "FolderTarget",
    "ServerTarget",
    "Target",
    "TargetConflict",
    "TargetError",
    "TargetNotFound",
    "add_target_arguments",
    "invalid_message",
    "open_target",
    "parse_ref",
    "read_token",
    "report",
]
