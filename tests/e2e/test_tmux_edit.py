"""``briefs edit`` in a real terminal: tmux drives the command against a real ``briefs serve``
with a scripted ``$EDITOR``. The first save holds a problem, so the file reopens with the message
above the editor's text; the second is valid, the preview shows its meaning, ``y`` saves it and
the change note typed at the prompt is stored with the revision."""

from __future__ import annotations

import asyncio
import json
import shlex
import sys
from pathlib import Path

import pytest

from tests.e2e.test_tmux_tui import TmuxPane

from .conftest import ServerFactory

pytestmark = pytest.mark.slow

EDITOR = Path(__file__).parents[1] / "scripted_editor.py"


def test_briefs_edit_reopens_on_a_problem_then_previews_and_saves(
    tmux: str, pane_env: dict[str, str], briefs_server: ServerFactory, tmp_path: Path
) -> None:
    server = briefs_server(
        f"sqlite:///{tmp_path / 'briefs.db'}", env={"BRIEFS_LOAD_FIXTURES": "true"}
    )
    token = server.create_token("write", name="tmux-desk")
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            [
                {"set": {"summary": "Rewritten in tmux.", "positions.0.stance": "maybe"}},
                {"set": {"positions.0.stance": "opposes"}},
            ]
        ),
        encoding="utf-8",
    )
    env = pane_env | {
        "EDITOR": f"{shlex.quote(sys.executable)} {EDITOR} {plan}",
        "BRIEFS_TOKEN": token,
        "TMPDIR": str(tmp_path),
    }
    edit = [sys.executable, "-m", "service.cli.main", "edit", "ceasefire-2025", "latest"]
    edit += ["--url", server.base_url, "--color", "never"]
    # The pane stays open after the command ends, so its last words can still be read.
    command = ["sh", "-c", f'{shlex.join(edit)}; echo "[exit $?]"; sleep 60']
    pane = TmuxPane(tmux, command, env=env, size=(100, 40))
    try:
        pane.wait_for("1 problem in the file; reopening it", "Save revision 2?")
        reopened = (tmp_path / "plan.json.seen.1").read_text(encoding="utf-8")
        assert reopened.startswith("// 1 problem: fix and save to go on\n// ! $.positions[0]")
        assert '"summary": "Rewritten in tmux."' in reopened  # the editor's text, kept
        pane.wait_for("r1 -> r2 (not saved yet)", "Russia: conditional -> opposes")
        pane.send("y", "Enter")
        pane.wait_for("Change note")
        pane.send("-l", "Kremlin line hardens")
        pane.send("Enter")
        pane.wait_for("brief-2025-03-19 r2 by tmux-desk: Kremlin line hardens", "[exit 0]")
    finally:
        pane.close()

    async def revisions() -> list[tuple[int, str | None, str | None]]:
        async with server.client(token) as client:
            refs = await client.list_revisions("ceasefire-2025", "brief-2025-03-19")
        return [(ref.revision, ref.revised_by, ref.change_note) for ref in refs]

    assert asyncio.run(revisions())[-1] == (2, "tmux-desk", "Kremlin line hardens")
    assert not list(tmp_path.glob("briefs-*.json"))  # saved: the temporary file is gone
