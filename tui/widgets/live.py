"""The line that says a newer revision of what is on screen has been stored, and how to see it."""

from __future__ import annotations

from textual.widgets import Static

from service.domain.changelog import Change


def revision_offer(change: Change, key: str) -> str:
    """``Revision 3 available (by desk: fixed the date) · press u to load it``."""
    by, note = change.revised_by, change.change_note
    why = ""
    if by and note:
        why = f" (by {by}: {note})"
    elif by:
        why = f" (by {by})"
    elif note:
        why = f" ({note})"
    if change.kind == "brief.withdrawn":
        return f"Revision {change.revision} withdrew this brief{why} · press {key} to load it"
    return f"Revision {change.revision} available{why} · press {key} to load it"


class RevisionBanner(Static):
    """Hidden until `offer`; one highlighted line above the status bar (see app.tcss)."""

    def __init__(self) -> None:
        super().__init__(id="revision-banner")
        self.display = False
        #: The change on offer, if any.
        self.change: Change | None = None

    def offer(self, change: Change, key: str) -> None:
        """Say that ``change`` can be loaded with ``key``."""
        self.change = change
        self.update(revision_offer(change, key))
        self.display = True

    def withdraw(self) -> None:
        """Hide the line (the revision was loaded, or the screen moved on)."""
        self.change = None
        self.update("")
        self.display = False


def announcement(change: Change) -> str:
    """A notification for a change of the story on screen: ``New brief 2025-03-19: …``."""
    when = change.as_of.isoformat() if change.as_of else change.brief_id or ""
    by = f" by {change.revised_by}" if change.revised_by else ""
    headline = f": {change.headline}" if change.headline else ""
    match change.kind:
        case "brief.created":
            return f"New brief {when}{by}{headline}"
        case "brief.revised":
            return f"Brief {when} revised{by} (r{change.revision}){headline}"
        case "brief.withdrawn":
            return f"Brief {when} withdrawn{by}"
        case _:
            return f"The story was updated{by}"
