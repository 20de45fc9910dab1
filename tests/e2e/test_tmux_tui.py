"""The real terminal: ``briefs tui`` in a tmux pane of fixed size, driven by keys, read back with
``tmux capture-pane``. Once against a real ``briefs serve`` (fixtures loaded on first start) and
once on the fixture folder with no server.

Every wait polls the captured pane until a text appears or a deadline passes: no fixed sleeps.
"""

from __future__ import annotations

import contextlib
import re
import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CEASEFIRE_DIR, REPO_ROOT

from .conftest import ServerFactory

pytestmark = pytest.mark.slow

WIDTH, HEIGHT = 80, 24
WAIT_SECONDS = 20.0


class TmuxPane:
    """One command in a detached tmux session on a private tmux server (``-L``)."""

    def __init__(
        self,
        tmux: str,
        command: list[str],
        *,
        env: dict[str, str],
        size: tuple[int, int] = (WIDTH, HEIGHT),
    ) -> None:
        self.tmux = tmux
        self.socket = f"briefs-tui-{uuid.uuid4().hex[:10]}"
        self.env = env
        self._run(
            "new-session",
            "-d",
            "-s",
            "tui",
            "-x",
            str(size[0]),
            "-y",
            str(size[1]),
            "-c",
            str(REPO_ROOT),
            shlex.join(command),
        )

    def send(self, *keys: str) -> None:
        """Send tmux key names (``Enter``, ``Down``, ``d``) one by one."""
        for key in keys:
            self._run("send-keys", "-t", "tui", key)

    def capture(self) -> str:
        """The visible text of the pane."""
        return self._run("capture-pane", "-p", "-t", "tui").stdout

    def wait_for(self, *needles: str, timeout: float = WAIT_SECONDS) -> str:
        """Poll the pane until every needle is on it; fail with the last capture otherwise."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.capture()
            if all(needle in text for needle in needles):
                return text
            time.sleep(0.1)
        pytest.fail(f"pane never showed {needles!r} within {timeout}s; last capture:\n{text}")

    def close(self) -> None:
        """Stop this test's tmux server (and the TUI in it)."""
        subprocess.run(
            [self.tmux, "-L", self.socket, "kill-server"], capture_output=True, check=False
        )

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.tmux, "-u", "-L", self.socket, *args],
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=True,
            timeout=10,
        )


@contextlib.contextmanager
def open_tui(
    tmux: str, env: dict[str, str], *args: str, size: tuple[int, int] = (WIDTH, HEIGHT)
) -> Iterator[TmuxPane]:
    """``briefs tui ARGS`` in a fresh pane of ``size`` (columns, rows), stopped when the block
    ends."""
    command = [sys.executable, "-m", "service.cli.main", "tui", *args]
    pane = TmuxPane(tmux, command, env=env, size=size)
    try:
        yield pane
    finally:
        pane.close()


def walk_to_the_march_18_diff(pane: TmuxPane) -> str:
    """Stories → the fixture story → diff of its 2025-03-18 brief against 2025-03-14: the
    pane's first screen of the diff (the issues lead it)."""
    pane.wait_for("ceasefire", "Open")
    pane.send("Enter")
    # At 80x24 the timeline's rows wrap (headline, then what changed): 03-18 may be below.
    pane.wait_for("What changed", "2025-03-13")
    pane.send("Down", "Down", "Down", "d")
    return pane.wait_for("2025-03-14 r2 → 2025-03-18 r2", "energy-strike-moratorium")


def assert_march_18_issue_changes(text: str) -> None:
    assert re.search(r"resolved 2025-03-18: putin-trump-call", text), text
    assert re.search(r"opened 2025-03-18: energy-strike-moratorium", text), text
    assert re.search(r"opened 2025-03-18: black-sea-ceasefire", text), text


def test_tui_against_a_real_server(
    tmux: str, pane_env: dict[str, str], briefs_server: ServerFactory, tmp_path: Path
) -> None:
    server = briefs_server(
        f"sqlite:///{tmp_path / 'briefs.db'}", env={"BRIEFS_LOAD_FIXTURES": "true"}
    )
    with open_tui(tmux, pane_env, "--url", server.base_url) as pane:
        text = walk_to_the_march_18_diff(pane)
        assert_march_18_issue_changes(text)
        pane.send("q")


def test_tui_on_the_fixture_folder_without_a_server(tmux: str, pane_env: dict[str, str]) -> None:
    with open_tui(tmux, pane_env, "--dir", str(CEASEFIRE_DIR.relative_to(REPO_ROOT))) as pane:
        text = walk_to_the_march_18_diff(pane)
        assert_march_18_issue_changes(text)
        pane.send("q")


def test_diff_leads_with_meaning_on_its_first_screen_at_120x40(
    tmux: str, pane_env: dict[str, str]
) -> None:
    folder = str(CEASEFIRE_DIR.relative_to(REPO_ROOT))
    with open_tui(tmux, pane_env, "--dir", folder, size=(120, 40)) as pane:
        pane.wait_for("ceasefire", "Open")
        pane.send("Enter")
        pane.wait_for("What changed", "2025-03-18")
        pane.send("j", "j", "j", "Enter")
        pane.wait_for("as of 2025-03-18", "revision 2 of 2")
        pane.send("Escape")
        pane.wait_for("What changed")
        pane.send("d")
        # No scrolling: what the pane shows once the diff is drawn is its first screen.
        first = pane.wait_for("2025-03-14 r2 → 2025-03-18 r2", "putin-trump-call")
        assert "✓1 resolved · +5 opened · 1 stance shift · +5 events" in first, first
        assert "✓ resolved 2025-03-18: putin-trump-call" in first, first
        assert "European allies and others: unclear -> supports" in first, first
        pane.send("q")


def test_diff_footer_keeps_help_and_quit_at_80x24(tmux: str, pane_env: dict[str, str]) -> None:
    folder = str(CEASEFIRE_DIR.relative_to(REPO_ROOT))
    with open_tui(tmux, pane_env, "--dir", folder, size=(80, 24)) as pane:
        first = walk_to_the_march_18_diff(pane)
        assert "✓1 resolved" in first, first
        assert "putin-trump-call" in first, first
        footer = first.rstrip("\n").splitlines()[-1]
        assert re.search(r"(^|\s)\? ", footer), footer
        assert re.search(r"(^|\s)q ", footer), footer
        pane.send("q")


def test_tui_reports_a_server_that_is_down(tmux: str, pane_env: dict[str, str]) -> None:
    with open_tui(tmux, pane_env, "--url", "http://127.0.0.1:9", "--timeout", "2") as pane:
        pane.wait_for("Cannot reach the Briefs server")
        pane.send("r")
        pane.wait_for("Cannot reach the Briefs server")
        pane.send("q")


def test_tui_vim_keys_and_footer_at_80x24(tmux: str, pane_env: dict[str, str]) -> None:
    """Issue 14: ``Enter j j j Enter`` opens 2025-03-18; the footer keeps ``?`` and ``q``."""
    with open_tui(tmux, pane_env, "--dir", str(CEASEFIRE_DIR.relative_to(REPO_ROOT))) as pane:
        pane.wait_for("ceasefire", "Open")
        pane.send("Enter")
        text = pane.wait_for("What changed", "2025-03-13")
        assert "? Help  q Quit" in text, text
        pane.send("j", "j", "j", "Enter")
        # The footer is drawn after the screen's content: wait for both, not the first alone. The
        # brief's footer is compact (one space between keys), the timeline's is not.
        text = pane.wait_for("as of 2025-03-18", "? Help")
        assert re.search(r"\? Help +q Quit", text), text
        pane.send("q")
