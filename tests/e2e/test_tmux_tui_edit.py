"""Issue 11's acceptance: in a real terminal (tmux), ``briefs tui`` with a write token against a
real ``briefs serve`` drafts a new brief with ``n`` and edits it with ``e``, each time through a
scripted ``$EDITOR`` (``tests/scripted_editor.py``, as for ``briefs edit``), a diff preview and a
change note, ending in a new revision visible in the timeline.

The pane, its environment and the waits are `tests.e2e.test_tmux_tui`'s.
"""

from __future__ import annotations

import asyncio
import json
import shlex
import sys
from pathlib import Path

import pytest

from tests.e2e.test_tmux_tui import TmuxPane, open_tui

from .conftest import ServerFactory

pytestmark = pytest.mark.slow

#: The scripted editor ``briefs edit``'s tests use; each step sets the headline, so a glance at
#: the pane says which edit was published.
EDITOR = Path(__file__).parents[1] / "scripted_editor.py"
STEPS = [
    {"set": {"headline": "Scripted edit 1", "summary": "Written by the tmux test's editor."}},
    {"set": {"headline": "Scripted edit 2"}},
]


def keys_of(text: str) -> list[str]:
    """``text`` as tmux key names, one per character."""
    return ["Space" if char == " " else char for char in text]


def publish(pane: TmuxPane, previewed: str, note: str, published: str) -> str:
    """On the preview (showing ``previewed``): ``p``, type ``note``, and wait until the
    timeline shows ``published``; returns the pane's text then."""
    pane.wait_for("Preview: what publishing changes", previewed)
    pane.send("p")
    pane.wait_for("Change note")
    pane.send(*keys_of(note))
    pane.send("Enter")
    return pane.wait_for("Published", published)


def test_n_then_e_in_the_tui_publish_new_revisions_seen_in_the_timeline(
    tmux: str,
    pane_env: dict[str, str],
    briefs_server: ServerFactory,
    tmp_path: Path,
) -> None:
    server = briefs_server(
        f"sqlite:///{tmp_path / 'briefs.db'}", env={"BRIEFS_LOAD_FIXTURES": "true"}
    )
    token = server.create_token("write", name="tmux-editor")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(STEPS), encoding="utf-8")
    env = {
        **pane_env,
        "BRIEFS_TOKEN": token,
        "EDITOR": shlex.join([sys.executable, str(EDITOR), str(plan)]),
        # No token file of whoever runs the tests, and no VISUAL overriding the script.
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env.pop("VISUAL", None)
    with open_tui(tmux, env, "--url", server.base_url) as pane:
        pane.wait_for("ceasefire", "Open")
        pane.send("Enter")
        pane.wait_for("What changed", "2025-03-13")

        # n: the as-of date (today by default), the editor, the preview, a change note.
        pane.send("n")
        pane.wait_for("As of which date?")
        pane.send("Enter")
        text = publish(pane, "new brief", "first scripted brief", "Scripted edit 1")
        assert "Scripted edit 1" in text, text

        # e on the new brief (the cursor is on it): the editor again, the preview, publish.
        pane.send("e")
        text = publish(pane, "→ edited", "sharper headline", "Scripted edit 2")
        assert " r2 " in text, text
        pane.send("q")

    async def revisions() -> list[tuple[int, str | None, str | None]]:
        async with server.client(token) as client:
            briefs = [brief async for brief in client.iter_briefs("ceasefire-2025")]
            new = briefs[-1]
            refs = await client.list_revisions("ceasefire-2025", new.id)
            return [(ref.revision, ref.revised_by, ref.change_note) for ref in refs]

    assert asyncio.run(revisions()) == [
        (1, "tmux-editor", "first scripted brief"),
        (2, "tmux-editor", "sharper headline"),
    ]
