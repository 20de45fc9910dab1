"""Atom 1.0 (RFC 4287) documents of brief revisions, built with the standard library.

`xml.etree.ElementTree` escapes text and attributes and writes well-formed UTF-8; a feed is a
handful of elements, so no XML library would earn its place. Entry content is plain text: what
the diff presentation (``service.domain.presentation``) says of a revision against the one
before it, the lines a reader of ``briefs diff`` sees, without colour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from xml.etree import ElementTree as ET  # builds XML, never parses any

import msgspec

from service.domain.changes import BriefDiff
from service.domain.presentation import DiffContext, Line, header, sections

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM = "application/atom+xml"
GENERATOR = "Briefs"


class AtomLink(msgspec.Struct, kw_only=True, frozen=True):
    """An ``atom:link``: an absolute ``href`` and its relation."""

    href: str
    rel: str
    type: str | None = None
    title: str | None = None


class AtomEntry(msgspec.Struct, kw_only=True, frozen=True):
    """One ``atom:entry``: one revision of one brief."""

    id: str
    title: str
    updated: dt.datetime
    content: str
    links: Sequence[AtomLink] = ()
    author: str | None = None
    """Who stored the revision, when known (the feed's author covers the others)."""
    summary: str | None = None


class AtomFeed(msgspec.Struct, kw_only=True, frozen=True):
    """An ``atom:feed`` document (one page of a paged feed, RFC 5005)."""

    id: str
    title: str
    updated: dt.datetime
    author: str
    links: Sequence[AtomLink] = ()
    entries: Sequence[AtomEntry] = ()
    subtitle: str | None = None


def tag_uri(authority: str, day: dt.date, specific: str) -> str:
    """A ``tag:`` URI (RFC 4151): ``tag:briefs.example.org,2025-03-14:ceasefire-2025/feed``."""
    return f"tag:{authority},{day.isoformat()}:{specific}"


def rfc3339(instant: dt.datetime) -> str:
    """An Atom date construct: RFC 3339 in UTC, ``Z``, whole seconds or microseconds."""
    utc = (instant if instant.tzinfo else instant.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    return utc.isoformat().replace("+00:00", "Z")


def line_text(line: Line) -> str:
    """A presentation line as plain text (markers kept: they read without colour)."""
    return "".join(span.text for span in line)


def diff_text(diff: BriefDiff, context: DiffContext) -> str:
    """The summary lines of a diff: significance, counts, then each section's lines."""
    lines = [line_text(line) for line in header(diff, context)[2:]]
    for section in sections(diff, context):
        lines.append("")
        lines.append(section.title)
        lines += [f"  {line_text(line)}".replace("\n", "\n  ") for line in section.lines]
    return "\n".join(lines)


def atom_document(feed: AtomFeed) -> bytes:
    """The feed as a UTF-8 XML document with its declaration."""
    # The default namespace as a plain attribute: ElementTree's ``default_namespace`` refuses
    # unprefixed attributes (``rel``, ``href``), which Atom's are.
    root = ET.Element("feed", {"xmlns": ATOM_NS})
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    if feed.subtitle:
        _text(root, "subtitle", feed.subtitle)
    _text(root, "updated", rfc3339(feed.updated))
    _author(root, feed.author)
    _text(root, "generator", GENERATOR)
    for link in feed.links:
        _link(root, link)
    for entry in feed.entries:
        element = ET.SubElement(root, "entry")
        _text(element, "id", entry.id)
        _text(element, "title", entry.title)
        _text(element, "updated", rfc3339(entry.updated))
        if entry.author:
            _author(element, entry.author)
        for link in entry.links:
            _link(element, link)
        if entry.summary:
            _text(element, "summary", entry.summary)
        _text(element, "content", entry.content).set("type", "text")
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, name)
    element.text = text
    return element


def _author(parent: ET.Element, name: str) -> None:
    _text(ET.SubElement(parent, "author"), "name", name)


def _link(parent: ET.Element, link: AtomLink) -> None:
    attributes = {"rel": link.rel, "href": link.href}
    if link.type:
        attributes["type"] = link.type
    if link.title:
        attributes["title"] = link.title
    ET.SubElement(parent, "link", attributes)
