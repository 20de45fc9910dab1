"""Story folders on disk: the format of the fixtures and of ``briefs load``/``briefs tui --dir``.

A story folder holds ``story.json`` (a `Story`) and ``briefs/*.json``, one `Brief` revision per
file (e.g. ``briefs/2025-03-14.json``, ``briefs/2025-03-14.r2.json``). File names are free; the
identity of a revision is its ``id`` and ``revision`` fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import msgspec

from service.domain import codec
from service.domain.models import Brief, Story

T = TypeVar("T")

STORY_FILE = "story.json"
BRIEFS_DIR = "briefs"


class StoryFileError(Exception):
    """A story or brief file that cannot be read or decoded; ``str()`` names file and field path."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class StoryFolder(msgspec.Struct, kw_only=True, frozen=True):
    """A story and every stored revision of its briefs, ordered by as-of date then revision."""

    story: Story
    briefs: list[Brief]

    def latest(self) -> list[Brief]:
        """The latest revision of each brief, in as-of order."""
        return latest_revisions(self.briefs)

    def brief_on(self, as_of: dt.date) -> Brief | None:
        """The latest revision of the brief dated ``as_of``, if any."""
        return next((brief for brief in self.latest() if brief.as_of == as_of), None)


def read_story(path: Path) -> Story:
    """Read and decode a ``story.json`` file."""
    return _decode(path, codec.decode_story)


def read_brief(path: Path) -> Brief:
    """Read and decode one brief revision file."""
    return _decode(path, codec.decode_brief)


def load_story_dir(folder: Path) -> StoryFolder:
    """Load a story folder; raises `StoryFileError` naming the first bad file."""
    story = read_story(folder / STORY_FILE)
    briefs = [read_brief(path) for path in sorted((folder / BRIEFS_DIR).glob("*.json"))]
    return StoryFolder(story=story, briefs=sort_briefs(briefs))


def find_story_dirs(root: Path) -> list[Path]:
    """Every story folder at or below ``root`` (a folder holding ``story.json``), sorted."""
    if (root / STORY_FILE).is_file():
        return [root]
    return sorted(path.parent for path in root.rglob(STORY_FILE))


def write_story_dir(folder: Path, story: Story, briefs: Iterable[Brief]) -> None:
    """Write a story folder in the canonical layout (``briefs/<as-of>[.r<n>].json``)."""
    (folder / BRIEFS_DIR).mkdir(parents=True, exist_ok=True)
    (folder / STORY_FILE).write_bytes(codec.encode_pretty(story))
    for brief in briefs:
        suffix = "" if brief.revision == 1 else f".r{brief.revision}"
        name = f"{brief.as_of.isoformat()}{suffix}.json"
        (folder / BRIEFS_DIR / name).write_bytes(codec.encode_pretty(brief))


def sort_briefs(briefs: Iterable[Brief]) -> list[Brief]:
    """Briefs ordered by as-of date, then brief id, then revision."""
    return sorted(briefs, key=lambda brief: (brief.as_of, brief.id, brief.revision))


def latest_revisions(briefs: Sequence[Brief]) -> list[Brief]:
    """The highest revision of each brief id, ordered by as-of date then id."""
    latest: dict[str, Brief] = {}
    for brief in briefs:
        kept = latest.get(brief.id)
        if kept is None or brief.revision > kept.revision:
            latest[brief.id] = brief
    return sort_briefs(latest.values())


def _decode(path: Path, decode: Callable[[bytes], T]) -> T:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise StoryFileError(path, error.strerror or str(error)) from None
    try:
        return decode(data)
    except msgspec.DecodeError as error:
        # msgspec already names the field path (``at `$.issues[2].status```).
        raise StoryFileError(path, str(error)) from None
