"""`FolderTarget`: a `service.cli._target.Target` over a story folder on disk.

Revision files are named as the fixtures' (``briefs/YYYY-MM-DD.json``, then
``YYYY-MM-DD.rN.json``) and never overwritten: a file already there is a newer revision, and an
update based on an older one is a `TargetConflict`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.cli._target import (
    LATEST,
    ClosingTarget,
    TargetConflict,
    TargetError,
    TargetNotFound,
    invalid_message,
    parse_ref,
)

if TYPE_CHECKING:
    from service.client.models import Tagged
    from service.domain.models import Brief, BriefDraft, BriefUpdate, Story


class FolderTarget(ClosingTarget):
    """A story folder on disk (the fixtures' layout); every call reads the folder afresh."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def where(self) -> str:
        return str(self.folder)

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


def _content(brief: Any) -> dict[str, Any]:
    from service.domain.models import BriefContent

    return {name: getattr(brief, name) for name in BriefContent.__struct_fields__}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
