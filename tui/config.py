"""The user's TUI settings: ``$XDG_CONFIG_HOME/briefs/tui.toml`` (``~/.config/briefs/tui.toml``).

::

    theme = "nord"            # written by the app whenever the theme changes (Ctrl+P → theme)

    [keys]                    # binding id = keys, comma-separated (see ? for the ids' actions)
    "timeline.diff" = "D"
    "motion.down" = "j,J"

``BRIEFS_TUI_CONFIG`` names another file (tests point it into a temporary folder). Read with
`tomllib`; written by `save` as the same two-part TOML, so keys edited by hand survive a theme
change. A file that cannot be read or parsed is ignored with a warning, never fatal.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ENV_VAR = "BRIEFS_TUI_CONFIG"


@dataclass
class Config:
    """What the file holds; ``problem`` says why it was ignored, if it was."""

    path: Path
    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)
    problem: str | None = None


def config_dir() -> Path:
    """The user's Briefs config folder: ``$XDG_CONFIG_HOME/briefs`` (``~/.config/briefs``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "briefs"


def config_path() -> Path:
    """Where the settings live: ``$BRIEFS_TUI_CONFIG``, else the XDG config folder."""
    if override := os.environ.get(ENV_VAR):
        return Path(override)
    return config_dir() / "tui.toml"


def load(path: Path | None = None) -> Config:
    """The settings in ``path`` (default `config_path`); an empty `Config` if there are none."""
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config(path)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return Config(path, problem=f"Ignored {path}: {error}")
    theme = data.get("theme")
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        return Config(path, problem=f'Ignored {path}: [keys] maps binding ids to "keys"')
    return Config(path, theme=theme if isinstance(theme, str) else None, keys=dict(keys))


def save(config: Config) -> str | None:
    """Write ``config`` back; the error message if the file could not be written."""
    # JSON strings are valid TOML basic strings, so json.dumps quotes and escapes correctly.
    lines = [f"theme = {json.dumps(config.theme)}"] if config.theme else []
    if config.keys:
        lines += ["", "[keys]"]
        lines += [f"{json.dumps(key)} = {json.dumps(value)}" for key, value in config.keys.items()]
    try:
        config.path.parent.mkdir(parents=True, exist_ok=True)
        config.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as error:
        return f"Could not save settings to {config.path}: {error.strerror or error}"
    return None
