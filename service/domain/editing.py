"""Editing a brief in a text editor: the pure half of ``briefs edit`` and the TUI's ``e``.

The editor gets the brief document as a GET returns it (`editor_text`), with ``change_note``
blank for the editor to fill in. On save the text is read back with `parse_document`: the one
strict rule of request bodies (`service.domain.strict`, through `service.domain.validate`) and
the cross-field checks against the story, every problem at once with its JSON path. When there
are problems, `annotate` lists them at the top of the file as ``//`` comment lines (JSON has no
comments, so no document can start with one) and the editor opens again: `strip_annotations`
removes exactly those lines, and the editor's own text below them is never altered.

Nothing here runs a process or reads the environment: `editor_command` is given the environ
mapping, and the caller runs the editor.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from service.domain import codec, strict
from service.domain.errors import MalformedBodyError
from service.domain.models import (
    READ_ONLY_FIELDS,
    Brief,
    BriefContent,
    BriefDraft,
    BriefRef,
    Story,
    content_of,
)
from service.domain.validate import FieldProblem, read_only_problems, validate_brief

FALLBACK_EDITOR = "vi"
"""The editor run when neither ``VISUAL`` nor ``EDITOR`` is set (POSIX requires ``vi``)."""

ANNOTATION = "//"
"""What every line `annotate` adds starts with (and no JSON document can)."""
PROBLEM_MARK = f"{ANNOTATION} ! "
INSTRUCTIONS = f"{ANNOTATION} fix and save; these lines are removed; delete everything to cancel"


def editor_command(environ: Mapping[str, str]) -> list[str]:
    """The command that opens the editor, the file's path to be appended: ``VISUAL``, else
    ``EDITOR``, else `FALLBACK_EDITOR`, split as a shell would (``code --wait`` is two words).

    A variable set but blank counts as unset; one that does not split (an open quote) is
    taken as one word, so the caller's error names the command the user wrote.
    """
    for name in ("VISUAL", "EDITOR"):
        value = environ.get(name, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError:
                return [value]
            if words:
                return words
    return [FALLBACK_EDITOR]


def editor_document(brief: Brief) -> Brief:
    """The brief as the editor gets it: the GET body, its ``change_note`` blank.

    The read-only fields stay, so that the update they come back in is checked against the
    revision it was based on; the current revision's note describes that revision, not the
    one being written, so it is not offered as this one's.
    """
    return msgspec.structs.replace(brief, change_note=None)


def editor_text(brief: Brief) -> str:
    """The text written to the editor's file for ``brief`` (indented JSON, as files are)."""
    return codec.encode_pretty(editor_document(brief)).decode()


def rebased_text(text: str, base: Brief, *, original: Brief | None = None) -> str:
    """The editor's ``text`` with its read-only fields set to ``base``'s (a newer revision),
    so the edit can be applied on top of ``base``.

    With ``original`` (the revision the edit began from), the edit is re-applied rather than
    replayed: a content field the editor left as it was in ``original`` takes ``base``'s value,
    so a change made meanwhile survives; a field the editor changed keeps the editor's value
    (`changed_by_both` names those that ``base`` changed too). Without it, every content field
    is the editor's. Text that is not a JSON object comes back as it is (its problems are shown
    as usual).
    """
    raw = _object_of(text)
    if raw is None:
        return text
    current = codec.to_builtins(base)
    for name in READ_ONLY_FIELDS:
        if name in raw or name in current:
            raw[name] = current.get(name)
    if original is not None:
        before = codec.to_builtins(original)
        for name in BriefContent.__struct_fields__:
            if raw.get(name, before.get(name)) == before.get(name) and name in current:
                raw[name] = current[name]
    return codec.encode_pretty(raw).decode()


def changed_by_both(text: str, original: Brief, base: Brief) -> list[str]:
    """The content fields that both the editor's ``text`` and ``base`` (a revision stored
    meanwhile) changed from ``original``: where re-applying the edit overrides the other's."""
    raw = _object_of(text)
    if raw is None:
        return []
    before, current = codec.to_builtins(original), codec.to_builtins(base)
    return [
        name
        for name in BriefContent.__struct_fields__
        if raw.get(name, before.get(name)) != before.get(name)
        and current.get(name) != before.get(name)
        and raw.get(name) != current.get(name)
    ]


def _object_of(text: str) -> dict[str, Any] | None:
    body = strip_annotations(text)
    try:
        raw = msgspec.json.decode(body.encode("utf-8"))
    except (msgspec.DecodeError, RecursionError):
        return None
    return raw if isinstance(raw, dict) else None


def annotate(text: str, problems: Sequence[FieldProblem], *, note: str | None = None) -> str:
    """``text`` with ``problems`` listed above it as comment lines (``// ! $.path: message``)
    and one line saying what to do, replacing any earlier annotation; the text itself is kept
    byte for byte. ``note`` (one line, e.g. why the file is open again) goes first.

    With no problems and no note, the text comes back without annotation.
    """
    body = strip_annotations(text)
    lines: list[str] = []
    if note:
        lines.append(f"{ANNOTATION} {_one_line(note)}")
    lines += [f"{PROBLEM_MARK}{_one_line(str(problem))}" for problem in problems]
    if not lines:
        return body
    lines.append(INSTRUCTIONS)
    return "".join(f"{line}\n" for line in lines) + body


def strip_annotations(text: str) -> str:
    """``text`` without the comment lines `annotate` put at its top (every leading line that
    starts with ``//``); the rest is returned exactly as it is."""
    lines = text.splitlines(keepends=True)
    kept = 0
    while kept < len(lines) and lines[kept].startswith(ANNOTATION):
        kept += 1
    return "".join(lines[kept:])


def is_cancelled(text: str) -> bool:
    """Whether the editor emptied the file (annotations aside): the way to cancel an edit."""
    return not strip_annotations(text).strip()


def parse_document(
    text: str, story: Story, *, current: Brief | None = None
) -> tuple[BriefDraft | None, list[FieldProblem]]:
    """The brief document the editor saved, or None and every problem of it.

    The annotations are stripped first. The text is read by the one strict rule (unknown
    fields, enum values, NUL characters, then msgspec's types and limits), then checked against
    the story (references, duplicates, issue lifecycles). With ``current`` (the revision being
    edited) the read-only fields must also be its values, as a PUT requires. The draft is
    returned only when there is no problem at all.
    """
    data = strip_annotations(text).encode("utf-8", errors="surrogateescape")
    try:
        draft, found = strict.decode_checked(data, BriefDraft)
    except MalformedBodyError as error:
        return None, [FieldProblem(path="$", message=error.detail)]
    problems = [FieldProblem(path=path, message=message) for path, message in found]
    if draft is not None:
        problems += validate_brief(draft, story)
        if current is not None:
            problems += read_only_problems(draft, current)
    if problems or draft is None:
        return None, problems
    return draft, []


def change_note_of(draft: BriefDraft, current: Brief | None = None) -> str | None:
    """The change note the editor wrote in the file's ``change_note`` field, or None.

    Blank is none; so is the current revision's own note left in place (a GET body saved
    as it is names the revision it came from, not the one being written).
    """
    note = (draft.change_note or "").strip()
    if not note or (current is not None and note == (current.change_note or "").strip()):
        return None
    return note


def is_unchanged(draft: BriefDraft, current: Brief) -> bool:
    """Whether ``draft`` holds the same content as ``current``: nothing to save."""
    return content_of(draft) == content_of(current)


def proposed_revision(current: Brief, draft: BriefDraft, change_note: str | None) -> Brief:
    """The revision an update of ``current`` with ``draft`` would store, for the preview: the
    draft's content on ``current``'s identity, one revision on (the server sets the times and
    the editor's name)."""
    content = content_of(draft)
    return msgspec.structs.replace(
        current,
        **{name: getattr(content, name) for name in content.__struct_fields__},
        revision=current.revision + 1,
        revised_by=None,
        change_note=change_note,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def provenance(ref: BriefRef) -> str:
    """``r3 by desk-editor: why``: what is known of who stored a revision and why, as both
    editors (``briefs edit``/``push``/``issue``, the TUI's keys) announce a stored revision."""
    said = f"r{ref.revision}"
    if ref.revised_by:
        said += f" by {ref.revised_by}"
    if ref.change_note:
        said += f": {ref.change_note}"
    return said
