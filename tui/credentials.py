"""The API token ``briefs tui`` writes with: ``--token``, else ``$BRIEFS_TOKEN``, else the token
file ``$XDG_CONFIG_HOME/briefs/token`` (``~/.config/briefs/token``).

The file holds the token on its first line. Like an SSH key it must be readable by its owner
only (``chmod 600``): a file that others can read is refused, with the command that fixes it,
and the TUI starts read-only rather than send a token that may already be known to others.
"""

from __future__ import annotations

import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tui.config import config_dir

TOKEN_ENV = "BRIEFS_TOKEN"  # noqa: S105 - the variable's name, not a secret


@dataclass(frozen=True)
class TokenChoice:
    """The token to send (None: read-only), and why a token file was refused, if it was."""

    token: str | None
    problem: str | None = None


def token_path() -> Path:
    """Where the token file lives."""
    return config_dir() / "token"


def choose_token(
    flag: str | None, environ: Mapping[str, str], path: Path | None = None
) -> TokenChoice:
    """The flag, the environment variable or the token file, in that order."""
    if flag:
        return TokenChoice(flag)
    if environ.get(TOKEN_ENV):
        return TokenChoice(environ[TOKEN_ENV])
    return read_token_file(path or token_path())


def read_token_file(path: Path) -> TokenChoice:
    """The token in ``path``; none (and no problem) when there is no file."""
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            return TokenChoice(
                None,
                f"Ignored the token file {path}: others can read it "
                f"(mode {stat.S_IMODE(mode):o}). Run chmod 600 {path}. Read-only until then.",
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return TokenChoice(None)
    except (OSError, UnicodeDecodeError) as error:
        return TokenChoice(None, f"Could not read the token file {path}: {error}")
    lines = text.strip().splitlines()
    token = lines[0].strip() if lines else ""
    if not token:
        return TokenChoice(None, f"The token file {path} is empty. Read-only.")
    return TokenChoice(token)
