"""House rules of the TUI that are easy to break silently."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.color import Color, ColorParseError

import tui
from tui.app import HELP_SCREENS, BriefsApp
from tui.screens.help import HelpScreen
from tui.screens.party import PartyPickerScreen

STYLES = Path(tui.__file__).parent / "styles"
OWNERS = [BriefsApp, *HELP_SCREENS, HelpScreen, PartyPickerScreen]


@pytest.mark.parametrize("owner", OWNERS, ids=lambda owner: owner.__name__)
def test_every_binding_has_an_id(owner: type) -> None:
    for binding in owner.BINDINGS:
        assert isinstance(binding, Binding), binding
        assert binding.id, f"{owner.__name__}: {binding.key} -> {binding.action} has no id"


def test_binding_ids_are_unique() -> None:
    ids = [
        binding.id for owner in OWNERS for binding in owner.BINDINGS if isinstance(binding, Binding)
    ]
    assert len(ids) == len(set(ids))


def test_styles_use_only_theme_colours() -> None:
    """No literal colours in the .tcss: every colour is a theme variable such as $primary."""
    for path in STYLES.glob("*.tcss"):
        text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
        for name, value in re.findall(r"^\s*([a-z-]+)\s*:\s*([^;]+);", text, flags=re.M):
            for word in value.split():
                if word.startswith("$") or word.endswith("%"):
                    continue
                try:
                    Color.parse(word)
                except ColorParseError:
                    continue
                pytest.fail(f"{path.name}: {name}: {value} uses the literal colour {word!r}")
