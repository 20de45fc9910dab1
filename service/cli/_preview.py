"""The semantic diff of a change a writing command made (or refused to make), on a terminal.

``briefs issue``/``stance`` print what their new revision changed; ``briefs push`` prints what
changed meanwhile when it refuses a stale file. Both draw the one diff presentation
(`service.domain.presentation` through `service.cli._render`), as ``briefs diff`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from service.cli._command import color_option

if TYPE_CHECKING:
    from service.domain.models import Brief, Story


color_argument = color_option("the changes")
"""``--color``, as ``briefs diff`` has it, for the commands that print what they changed."""


def print_changes(
    old: Brief, new: Brief, story: Story | None, *, file: TextIO, color: str = "auto"
) -> None:
    """Render the diff from ``old`` to ``new`` on ``file`` (``color``: auto, always, never)."""
    from service.cli._render import diff_context, make_console, print_diff
    from service.domain.diff import diff_briefs

    console = make_console(color, file)
    plain = console.no_color or console.color_system is None
    context = diff_context(old, new, story)
    print_diff(console, diff_briefs(old, new), context, plain=plain)


def revision_line(brief: Brief) -> str:
    """``brief-2025-03-20 r3 by desk-editor: the note``: a stored revision, in one line."""
    from service.domain.editing import provenance

    return f"{brief.id} {provenance(brief.ref)}"
