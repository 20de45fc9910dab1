"""Where the fixture stories live: ``fixtures/`` in a source checkout, ``service/_fixtures`` in an
installed wheel (the build force-includes them there)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def default_fixtures_dir() -> Path:
    """The folder of story folders that ships with Briefs."""
    packaged = _PACKAGE_DIR / "_fixtures" / "stories"
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / "fixtures" / "stories"
