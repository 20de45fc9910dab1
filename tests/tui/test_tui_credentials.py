"""The token ``briefs tui`` writes with: flag, ``BRIEFS_TOKEN``, or a private token file."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from tui import command
from tui.credentials import choose_token, read_token_file, token_path
from tui.sources.http import NOT_SIGNED_IN, HttpSource


def test_the_flag_wins_then_the_environment_then_the_file(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text("from-file\n")
    path.chmod(0o600)
    assert choose_token("from-flag", {"BRIEFS_TOKEN": "from-env"}, path).token == "from-flag"
    assert choose_token(None, {"BRIEFS_TOKEN": "from-env"}, path).token == "from-env"
    assert choose_token(None, {}, path).token == "from-file"
    assert choose_token(None, {}, tmp_path / "missing").token is None
    assert choose_token(None, {}, tmp_path / "missing").problem is None


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_token_file_others_can_read_is_refused_with_the_fix(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "token"
    path.write_text("secret\n")
    path.chmod(mode)
    choice = read_token_file(path)
    assert choice.token is None
    assert choice.problem is not None
    assert f"chmod 600 {path}" in choice.problem
    assert "secret" not in choice.problem


def test_an_empty_token_file_is_said(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text("\n")
    path.chmod(0o600)
    problem = read_token_file(path).problem
    assert problem is not None
    assert "empty" in problem


def test_the_token_file_lives_in_the_user_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert token_path() == tmp_path / "briefs" / "token"


async def test_briefs_tui_reads_the_token_file_and_reports_a_refused_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("BRIEFS_TOKEN", raising=False)
    path = tmp_path / "briefs" / "token"
    path.parent.mkdir()
    path.write_text("file-token\n")
    path.chmod(0o600)
    args = argparse.Namespace(token=None, timeout=5.0)
    source, notice = command._source("http://127.0.0.1:9", args)
    assert isinstance(source, HttpSource)
    assert (source.read_only_reason, notice) == (None, None)
    await source.aclose()
    path.chmod(0o644)
    source, notice = command._source("http://127.0.0.1:9", args)
    assert isinstance(source, HttpSource)
    assert source.read_only_reason == NOT_SIGNED_IN
    assert notice is not None
    assert "chmod 600" in notice
    await source.aclose()


async def test_the_app_shows_a_refused_token_file_once_it_is_up() -> None:
    from tui_support import settle

    from tests.conftest import CEASEFIRE_DIR
    from tui.app import BriefsApp
    from tui.sources.local import DirSource

    app = BriefsApp(DirSource(CEASEFIRE_DIR), notices=["Ignored the token file X"])
    async with app.run_test(size=(80, 24)):
        await settle(app)
        assert "Ignored the token file X" in [n.message for n in app._notifications]
