"""Configuration: the documented table matches the settings, and bad values stop the real
commands with exit 2 and exactly one line on stderr (never a traceback)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.settings import ENV_PREFIX, Settings
from tests.conftest import REPO_ROOT
from tests.deploy.processes import run_briefs

CONFIGURATION_DOC = REPO_ROOT / "docs" / "configuration.md"
ROW = re.compile(r"^\|\s*`(BRIEFS_[A-Z0-9_]+)`\s*\|\s*`([^`]*)`\s*\|(.*)\|\s*$")


def rendered_default(value: object) -> str:
    """A default as an operator would write it in the environment."""
    if value is None or value == ():
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return str(value)


def documented_settings() -> dict[str, str]:
    """``{variable: default}`` from the Settings table of docs/configuration.md."""
    text = CONFIGURATION_DOC.read_text()
    section = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match is None:
            continue
        variable, default, rest = match.groups()
        assert variable not in rows, f"{variable} is listed twice"
        assert rest.strip(" |"), f"{variable} has no description"
        rows[variable] = default
    return rows


def test_the_table_lists_exactly_the_settings_with_their_defaults() -> None:
    defaults = Settings()
    expected = {
        f"{ENV_PREFIX}{name.upper()}": rendered_default(getattr(defaults, name))
        for name in Settings.__struct_fields__
    }
    assert documented_settings() == expected


@pytest.mark.parametrize(
    ("variable", "value", "explanation"),
    [
        ("BRIEFS_DATABASE_URL", "mysql://briefs:hunter2@db/briefs", "mysql://..."),
        ("BRIEFS_DATABASE_URL", "sqlite://", "sqlite:///PATH"),
        ("BRIEFS_LOG_LEVEL", "loud", "expected one of debug, info, warning, error, critical"),
        ("BRIEFS_PORT", "eighty", "expected an integer, got 'eighty'"),
        ("BRIEFS_PORT", "70000", "<= 65535"),
        ("BRIEFS_LOAD_FIXTURES", "maybe", "expected true or false"),
    ],
)
def test_briefs_serve_refuses_bad_configuration_with_one_line_and_exit_2(
    variable: str, value: str, explanation: str, tmp_path: Path
) -> None:
    result = run_briefs("serve", env={variable: value}, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    (line,) = lines
    assert variable in line
    assert explanation in line
    assert "hunter2" not in line, "a password was echoed"
    assert "Traceback" not in result.stderr + result.stdout
    assert not list(tmp_path.iterdir()), "nothing may be created before the configuration is valid"


def test_briefs_db_refuses_bad_configuration_with_exit_2(tmp_path: Path) -> None:
    for command in (["db", "upgrade"], ["db", "backup", str(tmp_path / "copy.db")]):
        result = run_briefs(*command, env={"BRIEFS_PORT": "eighty"}, cwd=tmp_path)
        assert result.returncode == 2
        assert len(result.stderr.splitlines()) == 1
        assert "BRIEFS_PORT" in result.stderr


def test_the_healthcheck_reports_bad_configuration_as_unhealthy(tmp_path: Path) -> None:
    # Docker reads 0 healthy and 1 unhealthy; 2 is reserved there.
    result = run_briefs("healthcheck", env={"BRIEFS_PORT": "eighty"}, cwd=tmp_path)
    assert result.returncode == 1
    assert "BRIEFS_PORT" in result.stderr
