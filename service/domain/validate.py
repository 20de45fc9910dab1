"""Cross-field validation of stories and briefs, and of story folders on disk.

msgspec already enforces types, enums and the size limits while decoding
(``service.domain.limits``); the rules here need more than one field: references between parts of
a brief and to the story's parties, duplicate ids, the issue lifecycle (``closed_on`` goes
with a closed status, and never before ``opened_on``) and timestamps. Problems carry a JSON path
such as ``$.positions[1].quotes[0].source_id``, the same paths msgspec uses for decoding errors.

`check_brief` raises `InvalidContentError` (the API's 422) with every problem. ``briefs validate``
uses `validate_path`, which also reports files that do not decode, fields the tolerant models
silently ignore, and revision files of a story folder that could not all be stored. A brief file
outside a story folder is a brief document (``BriefDraft``: what a POST accepts as it is); inside
one, a stored revision (``Brief``, with the server's fields ``briefs load`` needs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from service.domain import strict
from service.domain.errors import InvalidContentError, MalformedBodyError
from service.domain.files import BRIEFS_DIR, STORY_FILE, find_story_dirs
from service.domain.models import (
    READ_ONLY_FIELDS,
    Brief,
    BriefContent,
    BriefDraft,
    BriefUpdate,
    Issue,
    Story,
)

M = TypeVar("M", bound=msgspec.Struct)


class FieldProblem(msgspec.Struct, kw_only=True, frozen=True):
    """One problem with one field: its JSON path (``$.issues[2].closed_on``) and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class FileProblem(msgspec.Struct, kw_only=True, frozen=True):
    """A `FieldProblem` in a file; ``str()`` gives the ``file: $.path: message`` line."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


# --- models -----------------------------------------------------------------------------------


def validate_story(story: Story) -> list[FieldProblem]:
    """Problems of a story on its own: duplicate party ids."""
    return list(
        _duplicates(((f"$.parties[{i}].id", p.id) for i, p in enumerate(story.parties)), "party id")
    )


def validate_brief(brief: BriefContent, story: Story | None = None) -> list[FieldProblem]:
    """Cross-field problems of a brief (or draft, or content) against its story.

    Without a story, references to parties and the brief's ``story_id`` are not checked.
    """
    problems: list[FieldProblem] = []
    if story is not None and isinstance(brief, Brief) and brief.story_id != story.id:
        problems.append(
            FieldProblem(
                path="$.story_id", message=f"{brief.story_id!r} is not the story's id {story.id!r}"
            )
        )
    if isinstance(brief, Brief):
        problems += _timestamp_problems(brief)
    party_ids = None if story is None else {party.id for party in story.parties}
    source_ids = {source.id for source in brief.sources}

    problems += _duplicates(
        ((f"$.sources[{i}].id", s.id) for i, s in enumerate(brief.sources)), "source id"
    )
    problems += _duplicates(
        ((f"$.positions[{i}].party_id", p.party_id) for i, p in enumerate(brief.positions)),
        "position for party",
    )
    problems += _duplicates(
        ((f"$.issues[{i}].id", issue.id) for i, issue in enumerate(brief.issues)), "issue id"
    )
    problems += _duplicates(
        ((f"$.events[{i}].id", event.id) for i, event in enumerate(brief.events)), "event id"
    )

    for i, position in enumerate(brief.positions):
        path = f"$.positions[{i}]"
        problems += _unknown_parties([(f"{path}.party_id", position.party_id)], party_ids)
        for k, quote in enumerate(position.quotes):
            if quote.source_id not in source_ids:
                problems.append(_missing_source(f"{path}.quotes[{k}].source_id", quote.source_id))
    for i, issue in enumerate(brief.issues):
        path = f"$.issues[{i}]"
        problems += _unknown_parties(
            [(f"{path}.parties[{k}]", p) for k, p in enumerate(issue.parties)], party_ids
        )
        problems += _lifecycle_problems(path, issue)
    for i, event in enumerate(brief.events):
        path = f"$.events[{i}]"
        problems += _unknown_parties(
            [(f"{path}.parties[{k}]", p) for k, p in enumerate(event.parties)], party_ids
        )
        problems += [
            _missing_source(f"{path}.source_ids[{k}]", source_id)
            for k, source_id in enumerate(event.source_ids)
            if source_id not in source_ids
        ]
    return problems


def _lifecycle_problems(path: str, issue: Issue) -> list[FieldProblem]:
    """``closed_on`` goes with a closed status, and never precedes ``opened_on``."""
    problems: list[FieldProblem] = []
    if issue.closed_on is not None and issue.closed_on < issue.opened_on:
        message = f"{issue.closed_on} is before opened_on {issue.opened_on}"
        problems.append(FieldProblem(path=f"{path}.closed_on", message=message))
    if issue.is_closed and issue.closed_on is None:
        message = f"required when status is {issue.status.value!r}"
        problems.append(FieldProblem(path=f"{path}.closed_on", message=message))
    if not issue.is_closed and issue.closed_on is not None:
        message = f"{issue.status.value!r} is an open status but closed_on is set"
        problems.append(FieldProblem(path=f"{path}.status", message=message))
    return problems


def _timestamp_problems(brief: Brief) -> list[FieldProblem]:
    naive = [
        FieldProblem(path=f"$.{name}", message="has no time zone; write UTC, e.g. ...T18:00:00Z")
        for name in ("created_at", "revised_at")
        if getattr(brief, name).tzinfo is None
    ]
    if not naive and brief.revised_at < brief.created_at:
        return [FieldProblem(path="$.revised_at", message="is before created_at")]
    return naive


def read_only_problems(update: BriefUpdate, current: Brief) -> list[FieldProblem]:
    """The read-only fields an update echoes with a value other than the current revision's.

    A field absent (or null) is not checked: a GET body, edited, and plain content both pass.
    """
    problems: list[FieldProblem] = []
    for name in READ_ONLY_FIELDS:
        given, value = getattr(update, name), getattr(current, name)
        if given is not None and given != value:
            message = f"is read-only: {_shown(given)} is not the current value {_shown(value)}"
            problems.append(FieldProblem(path=f"$.{name}", message=message))
    return problems


def new_brief_problems(draft: BriefDraft, story_id: str) -> list[FieldProblem]:
    """The server's fields a new brief's document may carry, where they cannot be kept:
    another story's ``story_id``, or a ``revision`` other than 1. (Timestamps and
    ``revised_by`` are the server's to set; `first_revision` replaces them.)"""
    problems: list[FieldProblem] = []
    if draft.story_id is not None and draft.story_id != story_id:
        message = f"is read-only: {draft.story_id!r} is not the story of the URL {story_id!r}"
        problems.append(FieldProblem(path="$.story_id", message=message))
    if draft.revision is not None and draft.revision != 1:
        message = f"is read-only: a new brief is revision 1, not {draft.revision}"
        problems.append(FieldProblem(path="$.revision", message=message))
    return problems


def _shown(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return "null" if value is None else repr(value)


def check_brief(brief: BriefContent, story: Story) -> None:
    """Raise `InvalidContentError` listing every problem of `validate_brief`, if there are any."""
    problems = validate_brief(brief, story)
    if problems:
        raise InvalidContentError([(problem.path, problem.message) for problem in problems])


def _duplicates(items: Iterable[tuple[str, str]], what: str) -> Iterator[FieldProblem]:
    first_seen: dict[str, str] = {}
    for path, value in items:
        if value in first_seen:
            yield FieldProblem(
                path=path, message=f"duplicate {what} {value!r} (first at {first_seen[value]})"
            )
        else:
            first_seen[value] = path


def _unknown_parties(
    items: list[tuple[str, str]], party_ids: set[str] | None
) -> list[FieldProblem]:
    if party_ids is None:
        return []
    known = ", ".join(sorted(party_ids)) or "none"
    return [
        FieldProblem(path=path, message=f"unknown party {party_id!r} (the story has: {known})")
        for path, party_id in items
        if party_id not in party_ids
    ]


def _missing_source(path: str, source_id: str) -> FieldProblem:
    return FieldProblem(
        path=path, message=f"cites source {source_id!r}, which the brief does not list"
    )


# --- decoding and unknown fields ---------------------------------------------------------------


def decode_problem(error: msgspec.DecodeError) -> FieldProblem:
    """A msgspec decoding error as a `FieldProblem` (``$`` when msgspec names no field)."""
    path, message = strict.explain(error)
    return FieldProblem(path=path, message=message)


def unknown_fields(raw: Any, model: type[msgspec.Struct]) -> list[FieldProblem]:
    """Keys of the raw JSON object that ``model`` does not declare, at any depth (and bad enum
    values and NUL characters): the rule request bodies follow too (``service.domain.strict``)."""
    return [
        FieldProblem(path=path, message=message) for path, message in strict.problems_of(raw, model)
    ]


# --- files and folders -------------------------------------------------------------------------


def read_story_file(path: Path) -> tuple[Story | None, list[FieldProblem]]:
    """Decode a ``story.json``; the story is None when it does not decode."""
    return _read(path, Story)


def read_brief_file(path: Path) -> tuple[Brief | None, list[FieldProblem]]:
    """Decode one brief revision file; the brief is None when it does not decode."""
    return _read(path, Brief)


def read_document_file(path: Path) -> tuple[BriefDraft | None, list[FieldProblem]]:
    """Decode a brief document (a draft, a POST body, a GET body); None when it does not
    decode. The server's fields may be present or not; a stored revision's file is one too."""
    return _read(path, BriefDraft)


def _read(path: Path, model: type[M]) -> tuple[M | None, list[FieldProblem]]:
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [
            FieldProblem(path="$", message=f"cannot read file: {error.strerror or error}")
        ]
    # The models are tolerant readers; the rule of request bodies finds what they would ignore.
    try:
        decoded, problems = strict.decode_checked(data, model)
    except MalformedBodyError as error:
        return None, [FieldProblem(path="$", message=error.detail)]
    return decoded, [FieldProblem(path=path, message=message) for path, message in problems]


def validate_file(
    path: Path, story: Story | None = None, *, stored: bool = True
) -> list[FileProblem]:
    """Every problem of one file: ``story.json`` or a brief checked against ``story``.

    ``stored``: the brief is a revision file of a story folder (``briefs load`` needs the
    server's fields: ``story_id``, timestamps); else it is a brief document, which a POST
    accepts as it is, with or without them.
    """
    if path.name == STORY_FILE:
        parsed_story, problems = read_story_file(path)
        if parsed_story is not None:
            problems += validate_story(parsed_story)
        return _in_file(path, problems)
    brief: BriefDraft | None
    brief, problems = read_brief_file(path) if stored else read_document_file(path)
    if brief is not None:
        problems += validate_brief(brief, story)
    return _in_file(path, problems)


def validate_story_folder(folder: Path) -> list[FileProblem]:
    """Every problem of a story folder: each file, and clashes between revision files."""
    story_path = folder / STORY_FILE
    story, story_problems = read_story_file(story_path)
    if story is not None:
        story_problems += validate_story(story)
    problems = _in_file(story_path, story_problems)
    briefs: list[tuple[Path, Brief]] = []
    for path in sorted((folder / BRIEFS_DIR).glob("*.json")):
        brief, brief_problems = read_brief_file(path)
        if brief is not None:
            brief_problems += validate_brief(brief, story)
            briefs.append((path, brief))
        problems += _in_file(path, brief_problems)
    return problems + _revision_clashes(briefs)


def validate_path(path: Path) -> list[FileProblem]:
    """Validate a brief file, a ``story.json``, a story folder, a folder of story folders, or a
    folder of brief files.

    A brief file inside ``<story>/briefs/`` is checked against ``<story>/story.json``.
    """
    if path.is_dir():
        folders = find_story_dirs(path)
        loose_files = sorted(path.glob("*.json"))
        if not folders and loose_files:  # e.g. a story's briefs/ folder
            return [problem for file in loose_files for problem in validate_path(file)]
        if not folders:
            return [
                FileProblem(
                    file=str(path), path="$", message=f"no {STORY_FILE} found in this folder"
                )
            ]
        return [problem for folder in folders for problem in validate_story_folder(folder)]
    if not path.exists():
        return [FileProblem(file=str(path), path="$", message="no such file or folder")]
    story = None
    story_path = path.parent.parent / STORY_FILE
    in_story = path.name != STORY_FILE and path.parent.name == BRIEFS_DIR and story_path.is_file()
    if in_story:
        story, _ = read_story_file(story_path)
    return validate_file(path, story, stored=in_story)


def files_checked(path: Path) -> list[Path]:
    """The files `validate_path` reads for ``path`` (for a summary line)."""
    if not path.is_dir():
        return [path]
    folders = find_story_dirs(path)
    if not folders:
        return sorted(path.glob("*.json"))
    return [
        file
        for folder in folders
        for file in [folder / STORY_FILE, *sorted((folder / BRIEFS_DIR).glob("*.json"))]
    ]


def _in_file(path: Path, problems: Iterable[FieldProblem]) -> list[FileProblem]:
    return [FileProblem(file=str(path), path=p.path, message=p.message) for p in problems]


def _revision_clashes(briefs: list[tuple[Path, Brief]]) -> list[FileProblem]:
    """Files that cannot all be stored: a revision twice, revisions of one brief that disagree
    on its as-of date or creation time or skip a number, two briefs on one as-of date."""
    problems: list[FileProblem] = []

    def report(path: Path, field: str, message: str) -> None:
        problems.append(FileProblem(file=str(path), path=field, message=message))

    first_of: dict[str, tuple[Path, Brief]] = {}
    seen: dict[tuple[str, int], Path] = {}
    brief_on: dict[dt.date, tuple[Path, str]] = {}
    for path, brief in sorted(briefs, key=lambda item: (item[1].id, item[1].revision)):
        name = brief.id
        if (name, brief.revision) in seen:
            other = seen[(name, brief.revision)].name
            report(path, "$.revision", f"revision {brief.revision} of {name!r} is also in {other}")
            continue
        previous = max((r for (i, r) in seen if i == name), default=0)
        if brief.revision != previous + 1:
            report(
                path,
                "$.revision",
                f"revision {brief.revision} of {name!r} follows revision {previous}: "
                f"revision {previous + 1} is missing",
            )
        seen[(name, brief.revision)] = path
        first_path, first = first_of.setdefault(name, (path, brief))
        if brief.as_of != first.as_of:
            report(
                path, "$.as_of", f"{brief.as_of} differs from {first.as_of} in {first_path.name}"
            )
        if brief.created_at != first.created_at:
            message = f"differs from revision {first.revision} in {first_path.name}"
            report(path, "$.created_at", message)
        other_path, other_id = brief_on.setdefault(brief.as_of, (path, name))
        if other_id != name:
            message = (
                f"{brief.as_of} is already the as-of date of {other_id!r} in {other_path.name}"
            )
            report(path, "$.as_of", message)
    return problems
