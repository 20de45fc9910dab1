"""``briefs tui`` option handling: bad flags and paths exit with status 2 and a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.cli.main import main
from tests.conftest import FIXTURES_ROOT


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tui", "--dir", "/nonexistent/briefs"], "not a folder"),
        (["tui", "--url", "ftp://example.org"], "expected http://"),
        (["tui", "--url", "not a url"], "expected http://"),
        (["tui", "--timeout", "0"], "--timeout must be a positive"),
        (["tui", "--url", "http://x", "--dir", str(FIXTURES_ROOT)], "not allowed with"),
        (["tui", "--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_options_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_folder_without_stories_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["tui", "--dir", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "no story.json" in capsys.readouterr().err


def test_bad_url_from_the_environment_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BRIEFS_URL", "localhost:8000")
    with pytest.raises(SystemExit) as exit_info:
        main(["tui"])
    assert exit_info.value.code == 2
    assert "localhost:8000" in capsys.readouterr().err


def test_not_a_terminal_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tui", "--dir", str(FIXTURES_ROOT)]) == 2
    assert "needs a terminal" in capsys.readouterr().err
